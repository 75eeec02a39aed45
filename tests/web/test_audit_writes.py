"""Every write appears in the audit log, whoever makes it: imports, edits and
introductions from the command line (named ``cli:<login>``), the demo's
load, account changes, exports; sign-in, sign-out and downloads on the web.
A write that fails wrote nothing and logs nothing."""
import getpass
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphsvc.auth import Accounts
from graphsvc.cli import main
from graphsvc.stores.sqlite import SQLiteStore
from web_support import fill, make_app, signed_in

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ME = f"cli:{getpass.getuser()}"
PW = "correct horse battery"


@pytest.fixture
def env(tmp_path):
    return {"GRAPHSVC_DB": str(tmp_path / "graph.db"),
            "GRAPHSVC_ACCOUNTS_DB": str(tmp_path / "accounts.db")}


def run(env, *args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, input=input,
                              catch_exceptions=False)


def entries(env):
    accounts = Accounts(env["GRAPHSVC_ACCOUNTS_DB"])
    try:
        return accounts.audit_entries()
    finally:
        accounts.close()


def test_every_command_line_write_is_audited(env, tmp_path):
    r = run(env, "import", "--actors", EXAMPLES / "actors.csv", "--ties",
            EXAMPLES / "ties.csv", "-q")
    assert r.exit_code == 0, r.output
    [e] = entries(env)
    assert (e.actor, e.action) == (ME, "import")
    assert e.target == f"{EXAMPLES / 'actors.csv'}, {EXAMPLES / 'ties.csv'}"
    # counts from the example files (7 actors, 8 ties; see test_cli_data)
    assert (e.details["actors_created"], e.details["ties_created"]) == (7, 8)
    assert e.details["via"] == "cli"

    # a file with a problem: nothing written, nothing logged
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,kind,country\nx1,Nadie,dragon,MX\n", encoding="utf-8")
    r = run(env, "import", "--actors", bad, "-q")
    assert r.exit_code == 1
    assert len(entries(env)) == 1

    r = run(env, "introductions", "record", "--from", "casa_aurora", "--to",
            "agencia_ejemplo", "--via", "red_frontera", "--status", "made")
    assert r.exit_code == 0, r.output
    e = entries(env)[-1]
    assert (e.actor, e.action, e.target) == (ME, "edit", "introduction")
    assert e.details["source"] == "casa_aurora" and e.details["tie"] is True
    assert e.details["tie_visibility"] == "restricted"

    out = tmp_path / "graph.json"
    assert run(env, "export", "--output", out, "-q").exit_code == 0
    e = entries(env)[-1]
    assert (e.actor, e.action, e.target) == (ME, "export", str(out))
    assert e.details["restricted_included"] is True

    assert run(env, "users", "add", "--username", "ana", "--role", "viewer",
               "--password-stdin", input=f"{PW}\n").exit_code == 0
    assert run(env, "users", "set-role", "--username", "ana", "--role",
               "analyst").exit_code == 0
    assert [(e.action, e.target) for e in entries(env)[-2:]] == [
        ("user.create", "user:ana"), ("user.set_role", "user:ana")]

    r = run(env, "demo", "--no-serve", "--replace")
    assert r.exit_code == 0, r.output
    e = entries(env)[-1]
    assert (e.actor, e.action, e.target) == (ME, "import", "illustrative network")
    assert e.details["replaced"] is True and e.details["actors"] > 0


def test_web_sign_in_out_downloads_and_restricted_views_are_audited(tmp_path):
    store = fill(SQLiteStore(tmp_path / "graph.db"))
    app = make_app(store, tmp_path / "graph.db")
    accounts = app.extensions["graphsvc.accounts"]
    c = signed_in(app, "analyst")
    assert c.get("/actors/img").status_code == 200  # a restricted actor (web_fixtures)
    assert c.get("/map/download").status_code == 200
    page = c.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert c.post("/logout", data={"csrf_token": token}).status_code == 302
    log = [(e.actor, e.action, e.target) for e in accounts.audit_entries()]
    assert ("analyst1", "login", "user:analyst1") in log
    # the profile reads the actor for its attributes and its ego map: one entry
    assert log.count(("analyst1", "view_restricted", "actor:img")) == 1
    assert ("analyst1", "export", "map") in log
    assert log[-1] == ("analyst1", "logout", "user:analyst1")
    accounts.close()
    store.close()


def test_web_imports_introductions_exports_and_report_downloads_are_audited(tmp_path):
    import io

    from web_support import bearer, csrf

    store = fill(SQLiteStore(tmp_path / "graph.db"))
    app = make_app(store, tmp_path / "graph.db",
                   IMPORT_REPORT_DIR=str(tmp_path / "rejected"))
    accounts = app.extensions["graphsvc.accounts"]
    c = signed_in(app, "editor")
    rows = "id,name,kind,country\ncasa_luz,Casa Luz,shelter,MX\nmala,Mala,banco,MX\n"

    def upload(text):
        return {"actors": (io.BytesIO(text.encode()), "actores.csv")}

    # a refused import wrote nothing and logs nothing
    r = c.post("/import", data={"csrf_token": csrf(c), **upload(rows)},
               content_type="multipart/form-data")
    assert r.status_code == 422
    assert not accounts.audit_entries(action="import")
    r = c.post("/import", data={"csrf_token": csrf(c), "skip_invalid": "1", **upload(rows)},
               content_type="multipart/form-data")
    assert r.status_code == 200
    [imp] = accounts.audit_entries(action="import")
    assert (imp.actor, imp.target) == ("editor1", "actores.csv")
    assert imp.details["actors_created"] == 1 and imp.details["rejected"] == 1
    assert imp.details["version"] == store.version()
    # a made introduction: the record and the tie it adds, in one entry
    r = c.post("/api/v1/introductions", headers=bearer(c),
               json={"from": "sinfronteras", "to": "href", "status": "made"})
    assert r.status_code == 201
    [edit] = accounts.audit_entries(action="edit")
    assert (edit.actor, edit.target) == ("editor1 (token)", "introduction")
    tie = [t for t in store.ties("href") if t.provenance == "introduction"]
    assert [edit.details["tie"]] == [t.id for t in tie]
    assert edit.details["status"] == "made" and edit.details["tie_visibility"] == "restricted"
    # downloads: a full export and a report, each one entry
    assert c.get("/export/json").status_code == 200
    assert c.get("/actors/sinfronteras/introductions.csv?mode=peer").status_code == 200
    assert c.get("/introductions/plan.json?k=2").status_code == 200
    log = [(e.actor, e.target, e.details.get("format"), e.details["restricted_included"])
           for e in accounts.audit_entries(action="export")]
    assert log == [("editor1", "graph.json", "json", True),
                   ("editor1", "introductions:sinfronteras", "csv", True),
                   ("editor1", "introductions:plan", "json", True)]
    # a viewer's report download is logged too, as public data only
    viewer = signed_in(app, "viewer")
    assert viewer.get("/introductions/plan.csv?k=1").status_code == 200
    last = accounts.audit_entries(action="export")[-1]
    assert (last.actor, last.details["restricted_included"]) == ("viewer1", False)
    accounts.close()
    store.close()
