"""The one visibility gate (graphsvc.snapshot) holds on every command-line output.

The graph below has one case for each way restricted data leaked through
``--public-only`` before the gate was moved into the snapshot stage: a
restricted funder named in a public funding tie's channel, a made
introduction whose tie is restricted, an introduction brokered by a
restricted actor, a declined introduction the public cannot see, and a
facilitator's note. The second half checks the stronger property: what a
``--public-only`` command computes equals what the same command computes on
a store that never held the restricted records (the public export imported
into an empty store).
"""
import json

import networkx as nx
import openpyxl
import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.model import Actor, Tie
from graphsvc.service import GraphService
from graphsvc.snapshot import introduction_tie_id, reader_graph, reader_introductions
from graphsvc.stores.sqlite import SQLiteStore

HIDDEN_NAMES = ["Defensora Oculta", "Fondo Oculto"]
HIDDEN_IDS = ["hidden-defender", "hidden-funder"]
NOTE = "the facilitator's private note"


def A(id, name, kind, country, vis="public", **kw):
    return Actor(id=id, name=name, kind=kind, country=country, visibility=vis, **kw)


def T(s, d, kind, vis="public", **kw):
    return Tie(source=s, target=d, kind=kind, visibility=vis, **kw)


ACTORS = [
    A("mx-casa", "Casa Ejemplo", "shelter", "MX", city="Tijuana"),
    A("mx-red", "Red Ejemplo", "cso", "MX", city="Monterrey"),
    A("mx-colectivo", "Colectivo Ejemplo", "migrant_led", "MX", city="Tapachula"),
    A("us-aid", "Example Aid", "cso", "US", city="San Diego"),
    A("us-legal", "Example Legal", "cso", "US", city="El Paso"),
    A("unhcr", "UNHCR", "international_org", "CH"),
    A("us-fund", "Example Fund", "funder", "US"),
    A("us-office", "Example Office", "government", "US"),
    A("hidden-defender", "Defensora Oculta", "individual", "MX", "restricted"),
    A("hidden-funder", "Fondo Oculto", "funder", "US", "restricted"),
]
TIES = [
    T("mx-casa", "unhcr", "formal"),
    T("mx-red", "unhcr", "formal"),
    T("mx-colectivo", "unhcr", "informal"),
    T("us-aid", "unhcr", "formal"),
    T("us-legal", "us-aid", "informal"),
    T("mx-red", "us-legal", "informal"),
    T("us-office", "us-aid", "informal"),
    T("hidden-funder", "us-fund", "funding", amount=10, currency="USD", year=2021),
    # a public tie whose channel names the restricted funder
    T("us-fund", "mx-casa", "funding", amount=5, currency="USD", year=2022,
      channel=["hidden-funder"]),
    T("hidden-defender", "mx-colectivo", "informal", "public"),
    T("hidden-defender", "us-office", "informal", "restricted"),
    T("mx-casa", "us-office", "informal", "restricted", note="met in private"),
]


def _load(store):
    store.upsert(ACTORS, TIES)
    service = GraphService(store)
    # made: becomes a (restricted) informal tie, which the public may not see
    service.record_introduction("mx-red", "us-office", via="us-aid", status="made",
                                note=NOTE)
    # brokered by a hidden actor
    service.record_introduction("mx-colectivo", "us-aid", via="hidden-defender",
                                status="proposed")
    # declined, between public actors, with a note: visible without the note
    service.record_introduction("mx-casa", "us-legal", status="declined", note=NOTE)
    # declined, brokered by a hidden actor: invisible to the public
    service.record_introduction("mx-casa", "us-aid", via="hidden-defender",
                                status="declined")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "graph.db"
    store = SQLiteStore(path)
    _load(store)
    store.close()
    return path


def cli(db, *args):
    r = CliRunner().invoke(main, [str(a) for a in args],
                           env={"GRAPHSVC_DB": str(db), "GRAPHSVC_CONFIG": ""})
    assert r.exit_code == 0, r.output
    return r.output


def _assert_clean(text: str, where: str) -> None:
    for secret in HIDDEN_NAMES + HIDDEN_IDS + [NOTE, "met in private",
                                               "informal:hidden-defender--us-office",
                                               "informal:mx-casa--us-office"]:
        assert secret not in text, f"{secret!r} leaked through {where}"


def _file_text(path) -> str:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(v) for ws in book.worksheets
                         for row in ws.iter_rows(values_only=True) for v in row)
    return path.read_text(encoding="utf-8")


def public_outputs(db, tmp_path) -> dict[str, str]:
    """Every command-line output that takes ``--public-only``, as text."""
    out = {}
    for fmt, name in (("json", "g.json"), ("graphml", "g.graphml"), ("gexf", "g.gexf"),
                      ("csv", "csvdir")):
        target = tmp_path / f"export-{name}"
        cli(db, "export", "--format", fmt, "--output", target, "--public-only", "--quiet")
        files = sorted(target.iterdir()) if target.is_dir() else [target]
        out[f"export {fmt}"] = "".join(p.read_text(encoding="utf-8") for p in files)
        cli(db, "export", "--format", fmt, "--output", tmp_path / f"m-{name}",
            "--public-only", "--with-metrics", "--quiet")
    for fmt in ("csv", "json", "xlsx"):
        target = tmp_path / f"metrics.{fmt}"
        cli(db, "metrics", "--output", target, "--public-only")
        out[f"metrics {fmt}"] = _file_text(target)
    for fmt in ("table", "csv", "json"):
        out[f"indicators {fmt}"] = cli(db, "indicators", "--format", fmt, "--public-only")
        out[f"communities {fmt}"] = cli(db, "communities", "--format", fmt, "--public-only")
    out["influence"] = cli(db, "influence", "mx-casa", "--public-only")
    for actor in ("mx-casa", "mx-red", "mx-colectivo", "us-aid"):
        for fmt in ("text", "json", "csv", "html"):
            out[f"suggest {actor} {fmt}"] = cli(
                db, "introductions", "suggest", "--actor", actor, "--mode", "open",
                "--format", fmt, "--public-only")
    for goal in ("policymaker_reach", "community_bridges"):
        for fmt in ("text", "json", "csv", "html"):
            out[f"plan {goal} {fmt}"] = cli(db, "introductions", "plan", "--goal", goal,
                                            "--k", 3, "--format", fmt, "--public-only")
    return out


def test_no_public_only_output_names_a_hidden_actor_tie_or_note(db, tmp_path):
    outputs = public_outputs(db, tmp_path)
    assert len(outputs) == 38
    for where, text in outputs.items():
        _assert_clean(text, where)
    # the gate scrubbed the channel rather than dropping the public tie
    doc = json.loads(outputs["export json"])
    funding = next(t for t in doc["ties"] if t["source"] == "us-fund")
    assert funding["channel"] == []
    # the public sees the declined record between public actors, without its note
    assert [(i["source"], i["target"], i["status"], i.get("note"))
            for i in doc["introductions"]] == [("mx-casa", "us-legal", "declined", None)]


def test_the_full_export_still_holds_everything(db, tmp_path):
    cli(db, "export", "--format", "json", "--output", tmp_path / "all.json", "--quiet")
    text = (tmp_path / "all.json").read_text(encoding="utf-8")
    for secret in HIDDEN_NAMES + HIDDEN_IDS + [NOTE]:
        assert secret in text


@pytest.fixture
def clean_db(db, tmp_path):
    """A store that never held the restricted records: the public export,
    imported into an empty store."""
    cli(db, "export", "--format", "json", "--output", tmp_path / "public.json",
        "--public-only", "--quiet")
    path = tmp_path / "clean.db"
    cli(path, "import", "--json", tmp_path / "public.json")
    return path


def _suggestions(text: str) -> list:
    return [(s["actor"], round(s["score"], 9), s.get("reasons"), s.get("broker"))
            for s in json.loads(text)["suggestions"]]


@pytest.mark.parametrize("actor", ["mx-casa", "mx-red", "mx-colectivo", "us-aid",
                                   "us-legal", "us-office"])
@pytest.mark.parametrize("mode", ["open", "peer", "policymaker", "funder"])
def test_public_only_suggestions_equal_those_of_a_store_without_restricted_records(
        db, clean_db, actor, mode):
    args = ("introductions", "suggest", "--actor", actor, "--mode", mode, "--format", "json",
            "--limit", 20)
    public = _suggestions(cli(db, *args, "--public-only"))
    clean = _suggestions(cli(clean_db, *args))
    assert public == clean


def test_public_only_analyses_equal_those_of_a_store_without_restricted_records(
        db, clean_db, tmp_path):
    for fmt in ("json",):
        a = json.loads(cli(db, "indicators", "--format", fmt, "--public-only"))
        b = json.loads(cli(clean_db, "indicators", "--format", fmt))
        assert a["indicators"] == b["indicators"]
        a = json.loads(cli(db, "communities", "--format", fmt, "--public-only"))
        b = json.loads(cli(clean_db, "communities", "--format", fmt))
        assert a == b
    cli(db, "metrics", "-o", tmp_path / "a.csv", "--public-only")
    cli(clean_db, "metrics", "-o", tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    plan = ("introductions", "plan", "--goal", "community_bridges", "--k", 3, "--format",
            "json")
    assert json.loads(cli(db, *plan, "--public-only"))["steps"] == \
        json.loads(cli(clean_db, *plan))["steps"]


def test_a_made_introduction_is_seen_only_with_its_tie(tmp_path):
    store = SQLiteStore(tmp_path / "g.db")
    store.upsert(ACTORS[:6], TIES[:6])
    service = GraphService(store)
    made = service.record_introduction("mx-red", "us-aid", status="made",
                                       visibility="restricted")
    G = reader_graph(service.snapshot(), restricted=False)
    assert introduction_tie_id(made) not in {k for *_, k in G.edges(keys=True)}
    assert reader_introductions([made], G, restricted=False) == []
    # published, the tie and so the record are visible
    tie = store.get_tie(introduction_tie_id(made))
    store.upsert(ties=[tie.model_copy(update={"visibility": "public"})])
    G = reader_graph(service.snapshot(), restricted=False)
    assert [r.pair for r in reader_introductions([made], G, restricted=False)] == [made.pair]


def test_reader_graph_is_a_new_graph_and_the_whole_one_is_untouched(db):
    store = SQLiteStore(db)
    full = store.snapshot()
    before = nx.node_link_data(full, edges="edges")
    public = reader_graph(full, restricted=False)
    assert public is not full and reader_graph(full, restricted=True) is full
    assert nx.node_link_data(full, edges="edges") == before
    assert set(public) == {a.id for a in ACTORS if a.visibility == "public"}
    assert all(d["visibility"] == "public" for *_, d in public.edges(data=True))
    store.close()
