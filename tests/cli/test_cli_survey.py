"""graphsvc survey: create, invite from a file of contacts, follow, review
and results at the console, over real files."""
import datetime as dt
import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from graphsvc.auth import Accounts
from graphsvc.cli import main
from graphsvc.model import RosterEntry, SurveyAnswers
from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.surveys import Surveys
from survey_support import ACTORS, TIES


@pytest.fixture
def run(tmp_path):
    store = SQLiteStore(tmp_path / "graph.db")
    store.upsert(ACTORS, TIES)
    store.close()
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args],
                             env={"GRAPHSVC_DB": str(tmp_path / "graph.db"),
                                  "GRAPHSVC_ACCOUNTS_DB": str(tmp_path / "acc.db")})
    return invoke


def test_a_survey_from_the_command_line(run, tmp_path):
    today = dt.date.today()
    r = run("survey", "create", "--title", "Encuesta 2027", "--opens", today,
            "--closes", today + dt.timedelta(days=30))
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "Created survey 1."
    r = run("survey", "create", "--title", "Mal", "--opens", "2027-02-01", "--closes",
            "2027-01-01")
    assert r.exit_code == 1 and "closes before it opens" in r.output
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("actor,contact\nCASA DEL MIGRANTE EN TIJUANA,ana@example.org\n"
                        "Nadie Conocido,x@example.org\n", encoding="utf-8")
    r = run("survey", "invite", 1, "--contacts", contacts)
    assert r.exit_code == 1 and "row 3" in r.output and "no actor with this id or name" in (
        r.output)
    contacts.write_text("actor,contact\nCASA DEL MIGRANTE EN TIJUANA,ana@example.org\n"
                        "sin-fronteras,\n", encoding="utf-8")
    r = run("survey", "invite", 1, "--contacts", contacts, "--base-url", "https://g.example",
            "--out", tmp_path / "links.csv")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "links.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "actor,name,contact,link")
    links = dict(re.findall(r"^(\S+)\t[^\t]*\t(https://g\.example/s/\S+)$", r.output, re.M))
    assert set(links) == {"casa-tijuana", "sin-fronteras"}
    token = links["casa-tijuana"].rsplit("/", 1)[1]
    accounts = Accounts(tmp_path / "acc.db")
    Surveys(accounts).save(token, SurveyAnswers(
        roster=[RosterEntry(actor="red-sd", kind="informal", since=2020),
                RosterEntry(name="Albergue Las Memorias", country="MX", kind="formal")],
        answers={"helpful": "4", "barriers_policymakers": "introduction"}), submit=True)
    accounts.close()
    r = run("survey", "status", 1)
    assert "submitted 1" in r.output and "response rate 50%" in r.output
    remind = re.search(r"remind\t(\d+)\tsin-fronteras\tinvited", r.output)
    r = run("survey", "new-link", 1, remind.group(1))
    assert r.exit_code == 0 and "/s/" in r.output
    r = run("survey", "proposals", 1)
    lines = [line.split("\t") for line in r.output.splitlines()]
    assert [line[4] for line in lines] == ["red-sd", "new: Albergue Las Memorias"]
    for inv, key, *_rest in lines:
        r = run("survey", "accept", 1, inv, key, "--kind", "shelter")
        assert r.exit_code == 0 and "Accepted: tie" in r.output, r.output
    store = SQLiteStore(tmp_path / "graph.db")
    tie = store.get_tie("informal:casa-tijuana--red-sd")
    assert tie.provenance == "survey" and str(tie.since) == "2020-01-01"
    assert store.get_actor("albergue_las_memorias").kind == "shelter"
    assert store.changes(actor="red-sd")[0].path == "cli"
    store.close()
    r = run("survey", "results", 1, "--csv", tmp_path / "r.csv", "--xlsx", tmp_path / "r.xlsx")
    assert r.exit_code == 0, r.output
    assert "tied_to_us_organizations\t100%\t100%\t70%" in r.output  # red-sd, now accepted
    assert "helpful\t100%\t-\t90%" in r.output
    assert "tied_to_us_organizations" in (tmp_path / "r.csv").read_text(encoding="utf-8")
    wb = load_workbook(tmp_path / "r.xlsx", read_only=True)
    assert wb.sheetnames == ["indicators", "answers", "roster"]
    wb.close()
