"""``graphsvc introductions ...`` against a real SQLite file."""
import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.stores.sqlite import SQLiteStore
from intro_graphs import corridor_records


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "g.db"
    store = SQLiteStore(path)
    store.upsert(*corridor_records())
    store.set_meta("illustrative", "true")
    store.close()
    return str(path)


@pytest.fixture
def run(db):
    def invoke(*args):
        return CliRunner().invoke(main, ["introductions", *args], env={"GRAPHSVC_DB": db})
    return invoke


def test_suggest_text(run):
    r = run("suggest", "--actor", "mx1", "--mode", "peer")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "ILLUSTRATIVE network: not facts about real organizations."
    # as of today, the default (this graph's ties carry no dates)
    assert lines[1] == ("Suggested introductions for Casa Tijuana (mx1), mode peer, "
                        f"as of {dt.date.today().isoformat()}:")
    assert lines[2].startswith("  1. San Diego Aid (us1; cso, San Diego, US)  score 0.")
    # The broker in the web app's words (graphsvc.web.reports), in English.
    assert ("       broker: Ask UNHCR: tied to Casa Tijuana (formal and funding) and to "
            "San Diego Aid (formal). 1 other mutual contact.") in lines
    assert "       - Both work on legal aid and shelter" in lines


def test_suggest_formats_and_output(run, tmp_path):
    r = run("suggest", "--actor", "mx1", "--format", "json", "--limit", "2")
    data = json.loads(r.output)
    assert data["actor"]["id"] == "mx1" and len(data["suggestions"]) == 2
    r = run("suggest", "--actor", "mx1", "--mode", "funder", "--format", "csv")
    # The facilitators' CSV: headings in the report's language.
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert {row["Actor id"] for row in rows} == {"prm", "fund"}
    out = tmp_path / "r.html"
    r = run("suggest", "--actor", "mx1", "--format", "html", "--output", str(out),
            "--country", "us", "--kind", "cso")
    assert r.exit_code == 0
    assert r.output == f"wrote 3 suggestions to {out}\n"
    assert "Suggested introductions" in out.read_text()


def test_suggest_unknown_actor_is_one_line(run):
    r = run("suggest", "--actor", "ghost")
    assert r.exit_code == 1
    assert r.output == ("Error: no actor with id 'ghost'. Search the actors list for the "
                        "right id.\n")


def test_record_made_then_suggest_no_longer_lists_the_pair(run):
    r = run("record", "--from", "mx1", "--to", "us1", "--via", "unhcr", "--status", "made",
            "--note", "met in May")
    assert r.exit_code == 0, r.output
    assert r.output == ("recorded made introduction mx1 -> us1 via unhcr\n"
                        "added informal tie informal:mx1--us1:introduction (restricted)\n")
    r = run("suggest", "--actor", "mx1", "--format", "json", "--limit", "50")
    assert "us1" not in {s["actor"] for s in json.loads(r.output)["suggestions"]}


def test_record_declined_then_never_suggested(run):
    r = run("record", "--from", "us2", "--to", "mx1", "--status", "declined")
    assert r.output == "recorded declined introduction us2 -> mx1\n"
    r = run("suggest", "--actor", "mx1", "--format", "json", "--limit", "50")
    assert "us2" not in {s["actor"] for s in json.loads(r.output)["suggestions"]}


def test_record_unknown_actor_is_one_line(run):
    r = run("record", "--from", "mx1", "--to", "ghost", "--status", "made")
    assert r.exit_code == 1
    # A write naming a missing actor: a problem with that field, as for bad values.
    assert r.output == ("  - field 'to': no actor with id 'ghost'. Use an id the graph has.\n"
                        "Error: the introduction was not recorded. Correct the values "
                        "listed and record it again.\n")


def test_record_bad_status(run):
    r = run("record", "--from", "mx1", "--to", "us1", "--status", "maybe")
    assert r.exit_code == 2
    assert "'maybe' is not one of 'proposed', 'made', 'declined'" in r.output


def test_plan(run, tmp_path):
    r = run("plan", "--k", "2", "--goal", "community_bridges")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[1] == (f"As of {dt.date.today().isoformat()}: the ties in "
                                        "force that day.")
    assert r.output.splitlines()[2] == ("Share of pairs among the largest communities "
                                        "joined by at least one tie:")
    r = run("plan", "--k", "3", "--format", "json")
    data = json.loads(r.output)
    assert data["goal"] == "policymaker_reach" and data["illustrative"] is True


def test_plan_that_cannot_improve_says_why_in_the_chosen_language(tmp_path):
    from graphsvc.model import Actor, Tie

    path = tmp_path / "sat.db"
    store = SQLiteStore(path)
    store.upsert([Actor(id="c1", name="C1", kind="cso", country="MX"),
                  Actor(id="dhs", name="DHS", kind="government", country="US")],
                 [Tie(source="c1", target="dhs", kind="formal")])
    store.close()
    r = CliRunner().invoke(main, ["introductions", "plan", "--lang", "es"],
                           env={"GRAPHSVC_DB": str(path)})
    assert r.exit_code == 0, r.output
    assert ("Ninguna presentación puede subir este indicador. Todos los actores de la "
            "sociedad civil mexicana ya están al alcance") in r.output
    assert "Elija menos pasos" in r.output


def test_evaluate_prints_the_comparison_table(run):
    r = run("evaluate", "--graph", "store", "--k", "5", "--hide", "0.2", "--seed", "3")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    # 11 tied pairs (mx1-unhcr has two ties); 20% of 11 rounds to 2.
    assert lines[0].startswith("store snapshot [ILLUSTRATIVE]: 10 actors, 11 tied pairs, "
                               "2 hidden (20%, seed 3), ")
    assert lines[1].split() == ["method", "precision@5", "recall@5", "AUC"]
    assert [ln.split()[0] for ln in lines[2:9]] == [
        "tuned_recommender", "recommender", "common_neighbours", "jaccard", "adamic_adar",
        "resource_allocation", "random"]
    # the verdicts, then what the weights were tuned on: the visible graph's
    # pairs hidden again with seeds 1003, 1004 and 1005 (seed 3 + 1000, ...)
    assert lines[9].startswith("  tuned recommender ")
    assert lines[10].startswith("  recommender (live weights) ")
    assert "visible pairs hidden again (seeds 1003, 1004, 1005)" in lines[11]


def test_record_invalid_lists_the_problem(run):
    r = run("record", "--from", "mx1", "--to", "us1", "--via", "mx1", "--status", "made")
    assert r.exit_code == 1
    assert r.output == ("  - field 'via': the broker ('via') must be a third actor\n"
                        "Error: the introduction was not recorded. Correct the values "
                        "listed and record it again.\n")


def test_public_only_leaves_restricted_actors_out(db, run):
    store = SQLiteStore(db)
    store.upsert([a.model_copy(update={"visibility": "public"})
                  for a in store.find_actors() if a.id in ("mx1", "us2", "ws")])
    store.close()
    r = run("suggest", "--actor", "us1", "--public-only")
    assert r.output == ("Error: actor 'us1' is restricted. Leave out --public-only to "
                        "include restricted actors.\n")
    r = run("suggest", "--actor", "mx1", "--public-only", "--format", "json")
    # Only public actors remain, and every tie is restricted: no broker.
    got = json.loads(r.output)["suggestions"]
    assert {s["actor"] for s in got} == {"us2", "ws"}
    assert all(s["broker"] is None for s in got)


@pytest.fixture
def both_db(tmp_path):
    from intro_graphs import both_sides_records

    path = tmp_path / "both.db"
    store = SQLiteStore(path)
    store.upsert(*both_sides_records())
    store.close()
    return str(path)


def test_policymakers_and_level_on_the_command_line(both_db):
    # Worked by hand in tests/queries/test_policymakers_both_sides.py.
    def cli(*args):
        r = CliRunner().invoke(main, list(args), env={"GRAPHSVC_DB": both_db})
        assert r.exit_code == 0, r.output
        return r.output

    out = cli("introductions", "suggest", "--actor", "c1", "--mode", "policymaker",
              "--policymakers", "MX", "--level", "municipal", "--format", "json")
    assert [s["actor"] for s in json.loads(out)["suggestions"]] == ["ayto"]
    out = cli("introductions", "plan", "--k", "1", "--hops", "1", "--policymakers", "mx",
              "--level", "municipal")
    assert ("Share of Mexican civil-society actors directly tied to one of the Mexican "
            "policymakers (municipal level):") in out
    assert "before 25.0% (1/4), after 50.0% (2/4)" in out
    out = cli("influence", "c4", "--policymakers", "MX")
    assert "Mexican policymakers   Shortest       C4 > C3 > SEGOB" in out  # names, as printed
    r = CliRunner().invoke(main, ["introductions", "plan", "--level", "county"],
                           env={"GRAPHSVC_DB": both_db})
    assert r.exit_code != 0 and "county" in r.output
