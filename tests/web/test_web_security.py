"""init_security on a small Flask app whose views read through GraphView.

The app is built here from ``init_security`` alone, with real SQLite files for
the graph and the accounts, so these tests hold whatever the pages become.
"""
import json
import re

import pytest
from flask import Flask, jsonify, render_template_string, request

from access_world import ACTORS, RESTRICTED_NAMES, TIES
from auth_helpers import PASSWORD, FakeClock, make_accounts
from graphsvc.config import load_config
from graphsvc.errors import ConfigError, NotFound
from graphsvc.ingest.export import graph_document
from graphsvc.model import Actor
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.web.security import (
    check_production_config,
    csp,
    graph_view,
    init_security,
    login_required,
    require,
)

SECRET = "s" * 40
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def build_app(tmp_path, clock, **overrides):
    cfg = load_config({"DB": str(tmp_path / "graph.db"), "ENV": "development",
                       "SECRET_KEY": SECRET, "SESSION_IDLE_MINUTES": 30,
                       "LOGIN_RATE_LIMIT": "5 per 15 minutes", **overrides}, environ={})
    app = Flask("graphsvc_test")
    app.config.update(cfg)
    store = SQLiteStore(cfg["DB"])
    store.upsert(ACTORS, TIES)
    app.extensions["graphsvc"] = GraphService(store)
    accounts = make_accounts(cfg["ACCOUNTS_DB"], clock, login_limit=cfg["LOGIN_RATE_LIMIT"])
    init_security(app, accounts=accounts, clock=clock)

    @app.errorhandler(NotFound)
    def not_found(exc):
        return jsonify({"error": {"code": exc.code, "message": str(exc),
                                  "details": exc.details}}), 404

    @app.get("/actors")
    @require("view")
    def actors_page():
        return render_template_string(
            "<ul>{% for a in actors %}<li>{{ a.name }}</li>{% endfor %}</ul>",
            actors=graph_view().find_actors())

    @app.get("/api/v1/actors")
    def actors_api():
        return jsonify([a.to_record() for a in graph_view().find_actors()])

    @app.get("/api/v1/actors/<actor_id>")
    def actor_api(actor_id):
        return jsonify(graph_view().get_actor(actor_id).to_record())

    @app.post("/api/v1/actors")
    @require("edit")
    def add_actor():
        graph_view().upsert([Actor(**request.get_json())], action="edit")
        return jsonify({"ok": True}), 201

    @app.get("/api/v1/export")
    @require("export")
    def export():
        view = graph_view()
        view.audit_export("graph")
        return jsonify(graph_document(view.snapshot(), view.introductions()))

    @app.get("/form")
    @login_required
    def form_page():
        return render_template_string(
            '<form method="post"><input name="csrf_token" type="hidden" '
            'value="{{ csrf_token() }}"></form>')

    @app.post("/form")
    @login_required
    def form_post():
        return "saved"

    @app.get("/map")
    @csp(style_src="'self' 'unsafe-inline'")
    def map_page():
        return "map"

    @app.get("/nonce")
    @csp(script_src="'self' 'nonce-{nonce}'")
    def nonce_page():
        return "nonce"

    app.accounts = accounts
    return app


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(tmp_path, clock):
    app = build_app(tmp_path, clock)
    for role in ("viewer", "analyst", "editor", "admin"):
        app.accounts.create_user(f"{role}1", PASSWORD, role, by="test")
    yield app
    app.accounts.close()
    app.extensions["graphsvc"].close()


def csrf_from(html: str) -> str:
    return CSRF_RE.search(html).group(1)


def login(client, username, password=PASSWORD, next=None, **kw):
    page = client.get("/login", **kw)
    data = {"username": username, "password": password, "csrf_token": csrf_from(page.text)}
    if next is not None:
        data["next"] = next
    return client.post("/login", data=data, **kw)


def session_cookie(client, name="graphsvc_session"):
    c = client.get_cookie(name)
    return c.value if c else None


# --- default deny and the public view ------------------------------------------------

def test_anonymous_is_sent_to_sign_in_or_refused(app):
    c = app.test_client()
    r = c.get("/actors")
    assert r.status_code == 302 and r.location == "/login?next=/actors"
    r = c.get("/api/v1/actors")
    assert r.status_code == 401
    assert r.json == {"error": {"code": "unauthorized", "message": "Sign in to see this. Ask "
                                "an administrator for an account.", "details": None}}
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert c.get("/api/v1/actors/p1").status_code == 401


def test_public_view_shows_public_data_only(tmp_path, clock):
    app = build_app(tmp_path, clock, PUBLIC_VIEW=True)
    c = app.test_client()
    r = c.get("/api/v1/actors")
    assert r.status_code == 200
    assert sorted(a["id"] for a in r.json) == ["p1", "p2", "p3", "p4"]
    assert c.get("/actors").status_code == 200
    hidden, missing = c.get("/api/v1/actors/r1"), c.get("/api/v1/actors/zz")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json["error"]["message"].replace("r1", "X") == \
        missing.json["error"]["message"].replace("zz", "X")
    assert c.get("/api/v1/export").status_code == 401  # the public may not export
    r = c.post("/api/v1/actors", json={"id": "x", "name": "X", "kind": "cso", "country": "MX"})
    assert r.status_code == 400  # refused at CSRF before anything else


@pytest.mark.parametrize("role, sees_restricted", [("viewer", False), ("analyst", True),
                                                    ("editor", True), ("admin", True)])
def test_each_role_sees_what_it_may(app, role, sees_restricted):
    c = app.test_client()
    assert login(c, f"{role}1").status_code == 302
    # JSON as the client decodes it, so escaped accents cannot hide a name
    pages = [c.get("/actors").text,
             json.dumps(c.get("/api/v1/actors").json, ensure_ascii=False),
             json.dumps(c.get("/api/v1/actors/r1").json, ensure_ascii=False)]
    for name in RESTRICTED_NAMES:
        assert any(name in p for p in pages) is sees_restricted
    export = c.get("/api/v1/export")
    assert export.status_code == (200 if sees_restricted else 403)
    if not sees_restricted:
        assert export.json["error"]["code"] == "forbidden"


# --- sign-in, cookies, session ids ---------------------------------------------------------

def test_sign_in_redirects_and_sets_a_safe_cookie(app):
    c = app.test_client()
    r = login(c, "viewer1", next="/actors")
    assert r.status_code == 302 and r.location == "/actors"
    cookie = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("graphsvc_session=")]
    assert cookie, r.headers
    flags = cookie[0].lower()
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # ENV=development: plain http on this machine
    [entry] = app.accounts.audit_entries(action="login")
    assert entry.actor == "viewer1"


def test_production_cookie_is_secure_and_host_only(tmp_path, clock):
    app = build_app(tmp_path, clock, ENV="production")
    app.accounts.create_user("ana", PASSWORD, "viewer", by="t")
    c = app.test_client()
    # over HTTPS Flask-WTF also checks that the form came from this site (Referer)
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/login"}}
    r = login(c, "ana", **https)
    assert r.status_code == 302, r.text
    [cookie] = [h for h in r.headers.getlist("Set-Cookie") if "graphsvc_session=" in h]
    assert cookie.startswith("__Host-graphsvc_session=")
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Domain" not in cookie
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_id_changes_at_sign_in_and_dies_at_sign_out(app):
    c = app.test_client()
    c.get("/login")
    with c.session_transaction() as s:
        before = dict(s)
    assert "csrf_token" in before and "_sid" not in before
    login(c, "viewer1")
    with c.session_transaction() as s:
        first = dict(s)
    assert first["_sid"] and first.get("csrf_token") != before["csrf_token"]
    assert set(first) >= {"_sid", "_user_id", "_id"}
    signed_in_cookie = session_cookie(c)
    token = csrf_from(c.get("/form").text)
    r = c.post("/logout", data={"csrf_token": token})
    assert r.status_code == 302 and r.location == "/login"
    assert "You have signed out." in c.get("/login").text
    with c.session_transaction() as s:
        assert "_sid" not in s and "_user_id" not in s
    assert c.get("/api/v1/actors").status_code == 401
    # replaying the signed cookie from before sign-out does not sign anyone in
    c.set_cookie("graphsvc_session", signed_in_cookie)
    assert c.get("/api/v1/actors").status_code == 401
    # signing in again gives a different session id
    login(c, "viewer1")
    with c.session_transaction() as s:
        assert s["_sid"] != first["_sid"]
    assert [e.action for e in app.accounts.audit_entries()][-3:] == ["login", "logout",
                                                                      "login"]


def test_sign_out_needs_a_csrf_token(app):
    c = app.test_client()
    login(c, "viewer1")
    assert c.post("/logout").status_code == 400
    assert c.get("/api/v1/actors").status_code == 200  # still signed in


def test_session_ends_after_idle_time(app, clock):
    c = app.test_client()
    login(c, "viewer1")
    for _ in range(3):
        clock.advance(29 * 60)
        assert c.get("/api/v1/actors").status_code == 200
    clock.advance(30 * 60 + 1)
    r = c.get("/api/v1/actors")
    assert r.status_code == 401
    with c.session_transaction() as s:
        assert "_sid" not in s
    assert app.accounts.audit_entries()[-1].action == "session.expired"


def test_disabling_an_account_ends_its_session(app):
    c = app.test_client()
    login(c, "viewer1")
    assert c.get("/api/v1/actors").status_code == 200
    app.accounts.set_disabled("viewer1", True, by="admin1")
    assert c.get("/api/v1/actors").status_code == 401


def test_wrong_password_and_escaped_echo(app):
    c = app.test_client()
    r = login(c, '"><script>alert(1)</script>', "whatever it is")
    assert r.status_code == 401
    assert "Wrong user name or password." in r.text
    assert "<script>alert(1)</script>" not in r.text
    assert "&#34;&gt;&lt;script&gt;" in r.text or "&quot;&gt;&lt;script&gt;" in r.text


def test_next_must_stay_on_this_site(app):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"):
        c = app.test_client()
        r = login(c, "viewer1", next=target)
        assert r.status_code == 302 and r.location == "/", target


def test_sign_in_is_rate_limited(app, clock):
    c = app.test_client()
    for _ in range(5):
        assert login(c, "viewer1", "not the password").status_code == 401
    r = login(c, "viewer1")  # the right password, but too many failures first
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) == 15 * 60
    assert "Too many failed attempts" in r.text
    clock.advance(15 * 60 + 1)
    assert login(c, "viewer1").status_code == 302


# --- CSRF and bearer tokens ---------------------------------------------------------------

def test_state_changing_requests_need_a_csrf_token(app):
    c = app.test_client()
    login(c, "editor1")
    assert c.post("/form").status_code == 400
    r = c.post("/api/v1/actors", json={"id": "x", "name": "X", "kind": "cso", "country": "MX"})
    assert r.status_code == 400 and r.json["error"]["code"] == "csrf_failed"
    assert app.extensions["graphsvc"].store.get_actor("x") is None
    token = csrf_from(c.get("/form").text)
    assert c.post("/form", data={"csrf_token": token}).text == "saved"
    r = c.post("/api/v1/actors", headers={"X-CSRFToken": token},
               json={"id": "x", "name": "X", "kind": "cso", "country": "MX"})
    assert r.status_code == 201
    assert app.accounts.audit_entries(action="edit")[-1].actor == "editor1"


def test_bearer_token_reads_and_writes_without_csrf(app):
    analyst_token, _ = app.accounts.create_token("analyst1", by="admin1")
    editor_token, _ = app.accounts.create_token("editor1", by="admin1")
    viewer_token, _ = app.accounts.create_token("viewer1", by="admin1")
    c = app.test_client()
    r = c.get("/api/v1/actors", headers={"Authorization": f"Bearer {analyst_token}"})
    assert r.status_code == 200 and len(r.json) == 6
    assert "Set-Cookie" not in r.headers  # a script gets no session
    assert r.headers["Cache-Control"] == "no-store"
    r = c.get("/api/v1/actors", headers={"Authorization": f"Bearer {viewer_token}"})
    assert sorted(a["id"] for a in r.json) == ["p1", "p2", "p3", "p4"]
    body = {"id": "y", "name": "Y", "kind": "cso", "country": "MX"}
    r = c.post("/api/v1/actors", json=body,
               headers={"Authorization": f"Bearer {viewer_token}"})
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    r = c.post("/api/v1/actors", json=body, headers={"Authorization": f"Bearer {editor_token}"})
    assert r.status_code == 201
    assert app.accounts.audit_entries(action="edit")[-1].actor == "editor1 (token)"


def test_bad_token_is_refused_even_with_a_session(app):
    token, info = app.accounts.create_token("analyst1", by="admin1")
    app.accounts.revoke_token(info.id, by="admin1")
    c = app.test_client()
    login(c, "analyst1")
    for header in (f"Bearer {token}", "Bearer nonsense", "Basic YTpi"):
        r = c.get("/api/v1/actors", headers={"Authorization": header})
        assert r.status_code == 401, header
        assert "token is not valid" in r.json["error"]["message"]
    assert c.get("/api/v1/actors").status_code == 200  # the session itself is fine


# --- headers and production settings ------------------------------------------------------

def test_security_headers(app):
    c = app.test_client()
    r1, r2 = c.get("/login"), c.get("/login")
    csp1 = r1.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp1.split(";"))
    assert directives["default-src"] == "'self'"
    # no inline script or style anywhere: not even a nonce
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["base-uri"] == "'none'"
    assert directives["img-src"] == "'self' data:"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp1 and "*" not in csp1 and "http" not in csp1
    assert csp1 == r2.headers["Content-Security-Policy"]
    for r in (r1, c.get("/api/v1/actors"), c.get("/nowhere")):
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in r1.headers  # development
    mp = c.get("/map").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in mp and "script-src 'self';" in mp
    # a view that needs one inline script opts in to a fresh nonce per response
    n1, n2 = (c.get("/nonce").headers["Content-Security-Policy"] for _ in range(2))
    assert "script-src 'self' 'nonce-" in n1 and n1 != n2


def test_signed_in_responses_are_not_cached(app):
    c = app.test_client()
    login(c, "viewer1")
    assert c.get("/api/v1/actors").headers["Cache-Control"] == "no-store"


def test_production_refuses_to_start_without_a_secret_key(tmp_path, clock):
    with pytest.raises(ConfigError, match="ENV is production but no SECRET_KEY"):
        check_production_config({"ENV": "production", "SECRET_KEY": None})
    with pytest.raises(ConfigError, match="too short"):
        check_production_config({"ENV": "production", "SECRET_KEY": "short"})
    with pytest.raises(ConfigError, match="ENV must be development or production"):
        check_production_config({"ENV": "staging"})
    check_production_config({"ENV": "development", "SECRET_KEY": None, "SINGLE_PROCESS": True})
    check_production_config({"ENV": "production", "SECRET_KEY": SECRET})
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build_app(tmp_path, clock, ENV="production", SECRET_KEY=None)


def test_without_a_secret_key_only_a_single_process_starts(tmp_path, clock):
    # gunicorn's workers would each make up a key: refused whatever ENV says.
    for env in ("development", "production"):
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            check_production_config({"ENV": env, "SECRET_KEY": None})
    with pytest.raises(ConfigError, match="several workers"):
        build_app(tmp_path / "c", clock, SECRET_KEY=None)


def test_development_single_process_without_secret_key_gets_a_random_one(tmp_path, clock):
    a = build_app(tmp_path / "a", clock, SECRET_KEY=None, SINGLE_PROCESS=True)
    b = build_app(tmp_path / "b", clock, SECRET_KEY=None, SINGLE_PROCESS=True)
    assert len(a.config["SECRET_KEY"]) >= 32 and a.config["SECRET_KEY"] != b.config["SECRET_KEY"]


# --- every route, as each role -----------------------------------------------------------

@pytest.mark.parametrize("public_view", [False, True])
def test_walk_every_route_as_anonymous_and_each_role(tmp_path, clock, public_view):
    from route_walk import leaks, route_urls, walk

    app = build_app(tmp_path, clock, PUBLIC_VIEW=public_view)
    for role in ("viewer", "analyst", "editor", "admin"):
        app.accounts.create_user(f"{role}1", PASSWORD, role, by="test")
    ids = [a.id for a in ACTORS] + ["missing"]
    urls, unfilled = route_urls(app, {"actor_id": ids, "fmt": ["csv", "json"]})
    assert unfilled == [] and "/api/v1/actors/r1" in urls and "/api/v1/export" in urls
    for who in ("anonymous", "viewer", "analyst", "editor", "admin"):
        c = app.test_client()
        if who != "anonymous":
            assert login(c, f"{who}1").status_code == 302
        got = walk(c, urls, headers={"Accept": "application/json"})
        assert all(status < 500 for status, _ in got.values()), got
        found = leaks(got, RESTRICTED_NAMES)
        if who in ("anonymous", "viewer"):
            assert found == [], who
        else:
            assert {name for _, name in found} == set(RESTRICTED_NAMES), who
        statuses = {url: status for url, (status, _) in got.items()}
        if who == "anonymous" and not public_view:
            assert statuses["/api/v1/actors"] == statuses["/api/v1/actors/p1"] == 401
        if who == "viewer" or (who == "anonymous" and public_view):
            assert statuses["/api/v1/actors/p1"] == 200
            assert statuses["/api/v1/actors/r1"] == statuses["/api/v1/actors/missing"] == 404
        assert statuses["/api/v1/export"] == {"anonymous": 401, "viewer": 403}.get(who, 200)


def test_cookie_used_from_another_browser_ends_the_session(app):
    c = app.test_client()
    login(c, "viewer1", headers={"User-Agent": "browser-A"})
    assert c.get("/api/v1/actors", headers={"User-Agent": "browser-A"}).status_code == 200
    assert c.get("/api/v1/actors", headers={"User-Agent": "browser-B"}).status_code == 401
    # and the session is over for the first browser too
    assert c.get("/api/v1/actors", headers={"User-Agent": "browser-A"}).status_code == 401
    assert app.accounts.audit_entries()[-1].action == "session.hijack_suspected"


def test_admins_export_the_audit_log(app):
    c = app.test_client()
    assert c.get("/admin/audit.csv").status_code == 302  # to sign in
    login(c, "analyst1")
    assert c.get("/admin/audit.csv", headers={"Accept": "application/json"}).status_code == 403
    c = app.test_client()
    login(c, "admin1")
    r = c.get("/admin/audit.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    lines = r.text.splitlines()
    assert lines[0] == "seq,at,actor,action,target,details,ip"
    assert any(",analyst1,login," in line for line in lines)
    r = c.get("/admin/audit.json?since=2000-01-01")
    assert [e["action"] for e in r.json][-2:] == ["login", "audit.export"]
    assert c.get("/admin/audit.xml", headers={"Accept": "application/json"}).status_code == 404


def test_a_sign_in_form_from_another_tab_still_works(app):
    c = app.test_client()
    first = csrf_from(c.get("/login").text)
    c.get("/login")  # the page opened again in a second tab
    r = c.post("/login", data={"username": "viewer1", "password": PASSWORD,
                               "csrf_token": first})
    assert r.status_code == 302
