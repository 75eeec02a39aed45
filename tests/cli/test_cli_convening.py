"""graphsvc convening plan, and the co_participation layer option of the
analyses, on a real SQLite store (the hand-built corridor network)."""
import csv
import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.model import Actor, Tie
from graphsvc.stores.sqlite import SQLiteStore
from queries_corridor import ACTORS, TIES


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "graph.db"
    s = SQLiteStore(path)
    s.upsert([Actor(**a) for a in ACTORS], [Tie(**t) for t in TIES])
    s.close()
    return path


def run(db, *args):
    return CliRunner().invoke(main, list(args), env={"GRAPHSVC_DB": str(db),
                                                    "GRAPHSVC_CONFIG": ""})


def test_plan_table_lists_invitees_reasons_and_pairs(db):
    r = run(db, "convening", "plan", "--size", "5", "--must", "mx4", "--exclude", "unhcr")
    assert r.exit_code == 0, r.output
    assert "5 invitees; first meetings:" in r.output
    assert "  1. Migrant-led four (mx4)" in r.output and "Invited on request" in r.output
    assert "(unhcr)" not in r.output
    assert "Pairs expected to meet for the first time" in r.output


def test_plan_json_csv_and_html_in_spanish(db, tmp_path):
    r = run(db, "convening", "plan", "--size", "4", "--format", "json", "--languages",
            "es,en")
    body = json.loads(r.output)
    assert body["type"] == "convening" and len(body["invitees"]) == 4
    assert body["filters"]["languages"] == ["en", "es"]
    out = tmp_path / "plan.csv"
    r = run(db, "convening", "plan", "--size", "4", "--format", "csv", "--lang", "es",
            "--output", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["Puesto", "Identificador del actor", "Nombre"] and len(rows) == 5
    html = run(db, "convening", "plan", "--size", "4", "--format", "html", "--lang", "es")
    assert "Planificar una convocatoria" in html.output and "Lista de invitados" in html.output


@pytest.mark.parametrize("args, message", [
    (["--languages", "spanish"], "not an ISO 639 language code"),
    (["--size", "1"], "1 is not in the range x>=2"),
])
def test_bad_options_exit_2(db, args, message):
    r = run(db, "convening", "plan", *args)
    assert r.exit_code == 2 and message in r.output


def test_unknown_must_actor_is_one_line(db):
    r = run(db, "convening", "plan", "--must", "nobody")
    assert r.exit_code == 1 and "nobody" in r.output
    r = run(db, "convening", "plan", "--size", "2", "--must", "mx1,mx2,mx3")
    assert r.exit_code == 1 and "3 actors must be invited but the list holds 2" in r.output


def test_layers_option_accepts_co_participation_and_excludes_it_by_default(db, tmp_path):
    default, layered = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(db, "metrics", "-o", str(default)).exit_code == 0
    r = run(db, "metrics", "-o", str(layered), "--layers",
            "formal,informal,funding,co_participation")
    assert r.exit_code == 0, r.output
    # no events or groups recorded: the layer adds nothing
    pd.testing.assert_frame_equal(pd.read_csv(default), pd.read_csv(layered))
    r = run(db, "communities", "--kinds", "co_participation", "--format", "json")
    assert r.exit_code == 0, r.output
    r = run(db, "metrics", "-o", "-", "--layers", "events")
    assert r.exit_code == 2 and "co_participation" in r.output


def test_plan_kept_for_an_event_then_compared_with_attendance(db, tmp_path):
    """--for-event keeps the list and every expected pair with the event (an
    edit in the history); an unknown event is one line and nothing is kept."""
    r = run(db, "convening", "plan", "--size", "4", "--for-event", "nope")
    assert r.exit_code == 1 and "no event with id 'nope'" in r.output
    r = run(db, "events", "add", "--id", "conv-2023", "--title", "Encuentro", "--kind",
            "convening", "--start", "2023-03-01", "--visibility", "public")
    assert r.exit_code == 0, r.output
    r = run(db, "convening", "plan", "--size", "4", "--must", "mx4", "--for-event",
            "conv-2023", "--format", "json", "--reason", "invitations sent")
    assert r.exit_code == 0, r.output
    plan = json.loads(r.stdout)
    assert "kept the invitation list with event conv-2023" in r.stderr
    s = SQLiteStore(db)
    kept = s.get_event("conv-2023").plan
    (change,) = [c for c in s.changes(record=("event", "conv-2023")) if c.action == "update"]
    s.close()
    assert kept.invited == [i["id"] for i in plan["invitees"]]
    assert [list(p) for p in kept.pairs] == [sorted(p) for p in plan["expected_pairs"]]
    assert len(kept.pairs) == plan["totals"]["pairs"]  # every expected pair, not only listed
    assert change.reason == "invitations sent"
    # the same plan again changes nothing
    r = run(db, "convening", "plan", "--size", "4", "--must", "mx4", "--for-event",
            "conv-2023")
    assert r.exit_code == 0 and "nothing changed" in r.output
