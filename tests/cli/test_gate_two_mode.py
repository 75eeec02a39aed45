"""The gate holds for events, groups and memberships too.

One case per way a two-mode record could reach a reader who may not see
restricted records: a restricted event, a restricted group, a restricted
membership in a public group, a hidden actor at a public event and in a
public group, and a merged id still written in an attendance list. The
reader's two-mode graph (``GraphService.two_mode(False)``) and the
``--public-only`` JSON export name none of them, and equal what a store
that never held them gives (the public export imported into an empty store).
"""
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.history import ChangeInfo
from graphsvc.model import Actor, Event, Group
from graphsvc.service import GraphService
from graphsvc.snapshot import build_two_mode, reader_graph, reader_records, reader_two_mode
from graphsvc.stores.sqlite import SQLiteStore

EDITOR = ChangeInfo(who="editor", path="cli")
HIDDEN = ["Defensora Oculta", "hidden-defender", "Mesa Reservada", "wg-private",
          "Reunion privada", "private-meeting"]


def A(id, name, kind="cso", country="MX", vis="public"):
    return Actor(id=id, name=name, kind=kind, country=country, visibility=vis)


ACTORS = [A("mx-casa", "Casa Ejemplo", "shelter"), A("mx-red", "Red Ejemplo"),
          A("us-aid", "Example Aid", country="US"), A("us-fund", "Example Fund", "funder", "US"),
          A("old-id", "Red Ejemplo duplicada"),
          A("hidden-defender", "Defensora Oculta", "individual", vis="restricted")]
EVENTS = [
    Event(id="tj-2017", title="Taller Tijuana", kind="workshop", start="2017-05-10",
          city="Tijuana", country="MX", visibility="public", note="public note",
          participants=[{"actor": "mx-casa", "role": "organiser"},
                        {"actor": "us-aid", "role": "speaker"},
                        {"actor": "hidden-defender"}, {"actor": "old-id"}]),
    Event(id="private-meeting", title="Reunion privada", kind="meeting", start="2018-01-20",
          participants=[{"actor": "mx-red"}, {"actor": "us-fund"}]),
    Event(id="mty-2018", title="Taller Monterrey", kind="workshop", start="2018-03-01",
          visibility="public", participants=[{"actor": "mx-red"}, {"actor": "us-aid"}]),
]
GROUPS = [
    Group(id="wg-legal", title="Grupo legal", kind="working_group", visibility="public",
          members=[{"actor": "mx-casa", "role": "chair", "since": "2018-01-01",
                    "visibility": "public"},
                   {"actor": "us-aid", "since": "2018-01-01", "until": "2019-06-30",
                    "visibility": "public"},
                   {"actor": "us-fund", "visibility": "restricted"},
                   {"actor": "hidden-defender", "visibility": "public"}]),
    Group(id="wg-private", title="Mesa Reservada", kind="task_force",
          members=[{"actor": "mx-red", "visibility": "public"}]),
]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "graph.db"
    store = SQLiteStore(path)
    store.upsert(ACTORS)
    store.put_records(EVENTS + GROUPS, EDITOR)
    store.merge_actors("mx-red", "old-id", EDITOR)  # tj-2017 still lists old-id
    store.close()
    return path


def cli(db, *args):
    r = CliRunner().invoke(main, [str(a) for a in args],
                           env={"GRAPHSVC_DB": str(db), "GRAPHSVC_CONFIG": ""})
    assert r.exit_code == 0, r.output
    return r.output


def _service(path):
    return GraphService(SQLiteStore(path))


def _shape(B: nx.Graph):
    return (sorted((v, sorted(d.items())) for v, d in B.nodes(data=True)),
            sorted((*sorted((u, v)), sorted(d.items())) for u, v, d in B.edges(data=True)))


def test_the_reader_two_mode_graph_holds_nothing_restricted(db):
    B = _service(db).two_mode(False, as_of="all")
    assert "event:private-meeting" not in B and "group:wg-private" not in B
    assert "hidden-defender" not in B
    assert not B.has_edge("us-fund", "group:wg-legal")  # restricted membership
    assert B.has_edge("mx-red", "event:tj-2017")  # the merged id counts for its survivor
    assert B.graph["version"] == _service(db).store.version()
    text = json.dumps(nx.node_link_data(B, edges="links"))
    for secret in HIDDEN:
        assert secret not in text
    # an analyst sees everything
    full = _service(db).two_mode(True, as_of="all")
    assert {"event:private-meeting", "group:wg-private", "hidden-defender"} <= set(full)
    assert full.has_edge("us-fund", "group:wg-legal")


def test_public_only_export_leaves_restricted_events_groups_and_memberships_out(db, tmp_path):
    cli(db, "export", "--format", "json", "--output", tmp_path / "p.json", "--public-only",
        "--quiet")
    text = (tmp_path / "p.json").read_text(encoding="utf-8")
    for secret in HIDDEN:
        assert secret not in text, secret
    doc = json.loads(text)
    assert [e["id"] for e in doc["events"]] == ["tj-2017", "mty-2018"]
    assert "public note" not in text  # notes are for those who may see restricted records
    assert [m["actor"] for m in doc["groups"][0]["members"]] == ["mx-casa", "us-aid"]


def test_public_graph_equals_that_of_a_store_without_the_restricted_records(db, tmp_path):
    cli(db, "export", "--format", "json", "--output", tmp_path / "p.json", "--public-only",
        "--quiet")
    clean = tmp_path / "clean.db"
    cli(clean, "import", "--json", tmp_path / "p.json")
    for day in ("all", "2018-02-01", "2020-01-01"):
        mine = _service(db).two_mode(False, as_of=day)
        theirs = _service(clean).two_mode(True, as_of=day)
        assert _shape(mine) == _shape(theirs), day


def test_records_and_graph_agree(db):
    """The records a reader sees (pages, exports) are what its graph draws."""
    store = SQLiteStore(db)
    G = store.snapshot()
    P = reader_graph(G, restricted=False)
    B = reader_two_mode(build_two_mode(store.events(), store.groups(), G,
                                       aliases=store.aliases()), P, restricted=False)
    events, groups = reader_records(store.events(), store.groups(), P, False,
                                    aliases=store.aliases())
    assert _shape(build_two_mode(events, groups, P)) == _shape(B)


def test_full_export_round_trips_events_and_groups(db, tmp_path):
    cli(db, "export", "--format", "json", "--output", tmp_path / "all.json", "--quiet")
    copy = tmp_path / "copy.db"
    cli(copy, "import", "--json", tmp_path / "all.json")
    a, b = _service(db), _service(copy)
    assert a.records(True) == b.records(True)
    assert _shape(a.two_mode(True, as_of="all")) == _shape(b.two_mode(True, as_of="all"))
    # nothing changes when the same file is imported again
    v = b.store.version()
    cli(copy, "import", "--json", tmp_path / "all.json")
    assert SQLiteStore(copy).version() == v


def test_as_of_leaves_out_later_events_and_memberships_not_in_force(db):
    s = _service(db)
    early = s.two_mode(True, as_of="2017-12-31")
    assert "event:tj-2017" in early and "event:mty-2018" not in early
    assert not early.has_edge("mx-casa", "group:wg-legal")  # since 2018-01-01
    late = s.two_mode(True, as_of="2020-01-01")
    assert late.has_edge("mx-casa", "group:wg-legal")
    assert not late.has_edge("us-aid", "group:wg-legal")  # until 2019-06-30
    assert "group:wg-legal" in early  # groups have no dates


def test_two_mode_is_cached_per_version_and_moves_with_writes(db):
    s = _service(db)
    assert s.two_mode(False) is s.two_mode(False)
    before = s.two_mode(True, as_of="all")
    s.store.delete_record("event", "mty-2018", EDITOR)
    after = s.two_mode(True, as_of="all")
    assert "event:mty-2018" in before and "event:mty-2018" not in after
