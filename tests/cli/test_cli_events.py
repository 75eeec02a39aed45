"""graphsvc events / groups: records from the command line, kept in the
history and the audit log like actors and ties."""
import json

import pytest
from click.testing import CliRunner

from graphsvc.auth import Accounts
from graphsvc.cli import main
from graphsvc.stores.sqlite import SQLiteStore


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, [str(a) for a in args], input=input,
                             env={"GRAPHSVC_DB": str(tmp_path / "graph.db"),
                                  "GRAPHSVC_ACCOUNTS_DB": str(tmp_path / "acc.db"),
                                  "GRAPHSVC_CONFIG": ""})
    return invoke


def test_events_and_groups_from_the_command_line(run, tmp_path):
    for aid, name in (("casa", "Casa del Migrante A.C."), ("red", "Red Frontera")):
        assert run("actors", "add", "--id", aid, "--name", name, "--kind", "cso",
                   "--country", "MX").exit_code == 0
    r = run("events", "add", "--id", "tj-2017", "--title", "Taller Tijuana", "--kind",
            "taller", "--start", "2017-05-10")
    assert r.exit_code == 1 and "unknown event kind 'taller'" in r.output  # the model's rule
    r = run("events", "add", "--id", "tj-2017", "--title", "Taller Tijuana", "--kind",
            "workshop", "--start", "2017-05-10", "--end", "2017-05-09")
    assert r.exit_code == 1 and "'end' is before 'start'" in r.output
    r = run("events", "add", "--id", "tj-2017", "--title", "Taller Tijuana", "--kind",
            "workshop", "--start", "2017-05-10", "--city", "Tijuana", "--country", "MX",
            "--visibility", "public", "--reason", "from the report")
    assert r.exit_code == 0, r.output
    assert "added event tj-2017: change 3 (create; event tj-2017 revision 1)" in r.output
    sheet = tmp_path / "registro.csv"
    sheet.write_text("nombre,organización,rol\nAna,CASA DEL MIGRANTE,ponente\n"
                     "Luis,Red Frontera,\n", encoding="utf-8")
    r = run("events", "import-attendance", sheet, "--event", "tj-2017")
    assert r.exit_code == 0, r.output
    assert "2 participants listed in 1 event, 1 event changed" in r.output
    r = run("events", "edit", "tj-2017", "--title", "Taller binacional", "--revision", "1")
    assert r.exit_code == 1 and "changed by someone else" in r.output  # the import saved
    r = run("events", "edit", "tj-2017", "--title", "Taller binacional", "--revision", "2")
    assert r.exit_code == 0, r.output
    r = run("events", "list", "--format", "json")
    (event,) = json.loads(r.output)
    assert event["title"] == "Taller binacional"
    assert event["participants"] == [{"actor": "casa", "role": "speaker"},
                                     {"actor": "red", "role": "participant"}]
    r = run("groups", "add", "--id", "gt", "--title", "Grupo de trabajo", "--kind",
            "working_group", "--from-json", "-", input=json.dumps(
                {"members": [{"actor": "red", "role": "chair", "since": "2020-01-01"}]}))
    assert r.exit_code == 0, r.output
    assert "gt  working_group  Grupo de trabajo  (1 members)" in run("groups", "list").output
    r = run("events", "delete", "tj-2017", "--reason", "entered twice")
    assert r.exit_code == 0 and "(delete;" in r.output
    store = SQLiteStore(tmp_path / "graph.db")
    deleted = store.changes(limit=1)[0]
    store.close()
    r = run("history", "revert", deleted.seq)
    assert r.exit_code == 0, r.output
    store = SQLiteStore(tmp_path / "graph.db")
    assert store.get_event("tj-2017").title == "Taller binacional"
    assert [c.action for c in store.changes(record=("event", "tj-2017"))] == [
        "restore", "delete", "update", "import", "create"]
    store.close()
    accounts = Accounts(tmp_path / "acc.db")
    entries = accounts.audit_entries()
    accounts.close()
    targets = [(e.action, e.target) for e in entries]
    assert ("edit", "event:tj-2017") in targets and ("delete", "event:tj-2017") in targets
    assert ("edit", "group:gt") in targets and ("import", str(sheet)) in targets


def test_unknown_event_is_a_one_line_error(run):
    r = run("events", "edit", "nope", "--title", "x")
    assert r.exit_code == 1 and "no event with id 'nope'" in r.output


def test_two_mode_export_for_ucinet_and_r(run, tmp_path):
    """The illustrative network's two-mode graph as GraphML (a ``type`` on
    every node) and as an incidence matrix whose 1s are the attendance and
    memberships a viewer may see; an unknown file type is refused."""
    import csv

    import networkx as nx

    from graphsvc.illustrative.build import build_illustrative_events

    assert run("demo", "--no-serve").exit_code == 0
    r = run("events", "export-two-mode", tmp_path / "two.graphml")
    assert r.exit_code == 0, r.output
    B = nx.read_graphml(tmp_path / "two.graphml")
    types = nx.get_node_attributes(B, "type")
    assert set(types.values()) == {"actor", "event", "group"}
    assert all(types[u] == "actor" and types[v] != "actor"
               or types[v] == "actor" and types[u] != "actor" for u, v in B.edges)
    r = run("events", "export-two-mode", tmp_path / "inc.csv", "--public-only")
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(open(tmp_path / "inc.csv", encoding="utf-8")))
    header, body = rows[0], rows[1:]
    ones = {(row[0], header[j]) for row in body for j, x in enumerate(row) if x == "1"}
    events, groups = build_illustrative_events()
    expected = {(p.actor, f"event:{e.id}") for e in events if e.visibility == "public"
                for p in e.participants} | {
        (m.actor, f"group:{g.id}") for g in groups if g.visibility == "public"
        for m in g.members if m.visibility == "public"}
    listed = {row[0] for row in body}  # the actors a viewer may see
    assert ones == {(a, n) for a, n in expected if a in listed} and len(ones) > 20
    assert not any(h.startswith("event:closed") for h in header)
    r = run("events", "export-two-mode", tmp_path / "x.parquet")
    assert r.exit_code == 1 and "End OUTPUT in .graphml or .csv" in r.output
