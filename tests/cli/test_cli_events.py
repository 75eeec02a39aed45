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
