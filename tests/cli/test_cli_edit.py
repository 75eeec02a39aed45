"""graphsvc actors / ties / history: edits from the command line, kept in the
history and the audit log, with one-line errors."""
import json

import pytest
from click.testing import CliRunner

from graphsvc.auth import Accounts
from graphsvc.cli import main
from graphsvc.stores.sqlite import SQLiteStore


@pytest.fixture
def db(tmp_path):
    return tmp_path / "graph.db"


@pytest.fixture
def run(db, tmp_path):
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, [str(a) for a in args], input=input,
                             env={"GRAPHSVC_DB": str(db),
                                  "GRAPHSVC_ACCOUNTS_DB": str(tmp_path / "acc.db")})
    return invoke


def test_actors_and_ties_from_the_command_line(run, db, tmp_path):
    r = run("actors", "add", "--name", "Casa del Migrante A.C.", "--kind", "shelter",
            "--country", "MX", "--city", "Tijuana", "--visibility", "public",
            "--reason", "met at the convening")
    assert r.exit_code == 0, r.output
    assert "added casa_del_migrante_a_c: change 1" in r.output
    r = run("actors", "add", "--id", "cdm2", "--name", "CASA DEL MIGRANTE", "--kind",
            "shelter", "--country", "MX")
    assert "may be the same as casa_del_migrante_a_c" in r.output
    spec = tmp_path / "unhcr.json"
    spec.write_text(json.dumps({"name": "UNHCR", "kind": "international_org",
                                "country": "INT"}))
    assert run("actors", "add", "--id", "unhcr", "--from-json", spec).exit_code == 0
    r = run("ties", "add", "--source", "casa_del_migrante_a_c", "--target", "unhcr",
            "--kind", "formal", "--subtype", "mou", "--evidence", "https://example.org/mou")
    assert r.exit_code == 0, r.output
    tid = "formal:casa_del_migrante_a_c--unhcr:mou"
    r = run("ties", "end", tid, "--on", "2025-02-01", "--revision", "1")
    assert "ended" in r.output and "(end;" in r.output
    r = run("ties", "edit", tid, "--note", "renewed", "--revision", "1")
    assert r.exit_code == 1 and "changed by someone else" in r.output  # stale revision
    r = run("actors", "edit", "unhcr", "--website", "javascript:alert(1)")
    assert r.exit_code == 1 and "website" in r.output and "nothing was written" in r.output
    r = run("actors", "merge", "casa_del_migrante_a_c", "cdm2")
    assert r.exit_code == 0, r.output
    r = run("actors", "delete", "casa_del_migrante_a_c", "--yes")
    assert "with 1 tie" in r.output
    r = run("history", "show", "--actor", "casa_del_migrante_a_c", "--json")
    entries = json.loads(r.output)
    assert [e["action"] for e in entries][:2] == ["delete", "merge"]
    assert {e["path"] for e in entries} == {"cli"} and entries[0]["who"].startswith("cli:")
    r = run("history", "revert", entries[0]["seq"])
    assert r.exit_code == 0, r.output
    store = SQLiteStore(db)
    assert store.get_tie(tid).until.isoformat() == "2025-02-01"
    assert store.resolve("cdm2") == "casa_del_migrante_a_c"
    store.close()
    r = run("history", "restore", "actor", "unhcr", "1")
    assert r.exit_code == 1 and "already has these values" in r.output
    r = run("ties", "delete", tid)
    assert r.exit_code == 0
    accounts = Accounts(tmp_path / "acc.db")
    actions = [e.action for e in accounts.audit_entries()]
    accounts.close()
    assert actions.count("edit") >= 6 and "delete" in actions
