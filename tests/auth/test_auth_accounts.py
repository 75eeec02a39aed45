"""Roles, users, passwords, tokens, sessions, login throttling and the audit log."""
import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from auth_helpers import FAST_HASHER, PASSWORD, FakeClock, make_accounts
from graphsvc.auth import PERMISSIONS, ROLE_PERMISSIONS, ROLES, Accounts, can, write_audit
from graphsvc.auth.accounts import InvalidAccountInput, parse_rate_limit
from graphsvc.config import DEFAULTS, DESCRIPTIONS, load_config
from graphsvc.errors import (
    ConfigError,
    GraphsvcError,
    NotFound,
    RateLimited,
    Unauthorized,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def acc(tmp_path, clock):
    a = make_accounts(tmp_path / "accounts.db", clock)
    yield a
    a.close()


# --- roles -------------------------------------------------------------------

def test_roles_are_ordered_and_each_adds_what_the_issue_says():
    assert ROLES == ("viewer", "analyst", "editor", "admin")
    for lower, higher in zip(ROLES, ROLES[1:]):
        assert ROLE_PERMISSIONS[lower] < ROLE_PERMISSIONS[higher]
    assert ROLE_PERMISSIONS["viewer"] == {"view"}
    assert ROLE_PERMISSIONS["analyst"] - ROLE_PERMISSIONS["viewer"] == {"view_restricted", "export"}
    assert ROLE_PERMISSIONS["editor"] - ROLE_PERMISSIONS["analyst"] == {"import", "edit"}
    assert ROLE_PERMISSIONS["admin"] - ROLE_PERMISSIONS["editor"] == {"manage_users",
                                                                      "read_audit"}
    assert ROLE_PERMISSIONS["admin"] == set(PERMISSIONS)
    assert ROLE_PERMISSIONS["public"] == {"view"}


def test_can():
    assert not can("viewer", "view_restricted")
    assert can("analyst", "export") and not can("analyst", "edit")
    assert can("editor", "import") and not can("editor", "manage_users")
    assert not can(None, "view") and not can("nobody", "view")
    with pytest.raises(ValueError, match="unknown permission"):
        can("admin", "fly")


# --- users and passwords -----------------------------------------------------------

def test_create_and_authenticate(acc):
    u = acc.create_user("ana", PASSWORD, "analyst", by="cli:root")
    assert (u.username, u.role, u.disabled) == ("ana", "analyst", False)
    got = acc.authenticate("ana", PASSWORD, ip="10.0.0.1")
    assert got.id == u.id and got.last_login_at is not None
    assert acc.find_user("ANA").id == u.id  # names ignore case
    [entry] = acc.audit_entries(action="user.create")
    assert (entry.actor, entry.target, entry.details) == ("cli:root", "user:ana",
                                                         {"role": "analyst"})


def test_password_is_stored_as_argon2id_hash_only(acc, tmp_path):
    acc.create_user("ana", PASSWORD, "viewer", by="t")
    acc.close()
    raw = sqlite3.connect(tmp_path / "accounts.db").execute(
        "SELECT password_hash FROM users").fetchone()[0]
    assert raw.startswith("$argon2id$") and PASSWORD not in raw
    for f in tmp_path.iterdir():
        assert PASSWORD.encode() not in f.read_bytes()


def test_default_hasher_is_argon2id_with_library_defaults(tmp_path):
    a = Accounts(tmp_path / "a.db")
    assert a.hasher.type.name == "ID"
    ref = PasswordHasher()
    assert (a.hasher.time_cost, a.hasher.memory_cost) == (ref.time_cost, ref.memory_cost)


def test_same_refusal_for_unknown_user_wrong_password_and_disabled(acc):
    acc.create_user("ana", PASSWORD, "viewer", by="t")
    acc.create_user("boss", PASSWORD + "!", "admin", by="t")
    acc.set_disabled("ana", True, by="boss")
    messages = []
    for name, pw in (("nobody", PASSWORD), ("boss", "wrong password!"), ("ana", PASSWORD)):
        with pytest.raises(Unauthorized) as exc:
            acc.authenticate(name, pw)
        messages.append(str(exc.value))
    assert messages == ["wrong user name or password"] * 3
    reasons = [e.details["reason"] for e in acc.audit_entries(action="login.failed")]
    assert reasons == ["unknown user", "wrong password", "disabled"]


def test_outdated_hash_is_replaced_at_login(tmp_path, clock):
    old = Accounts(tmp_path / "a.db", hasher=FAST_HASHER, clock=clock)
    old.create_user("ana", PASSWORD, "viewer", by="t")
    before = old.db.conn().execute("SELECT password_hash FROM users").fetchone()[0]
    old.close()
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    assert stronger.check_needs_rehash(before)
    new = Accounts(tmp_path / "a.db", hasher=stronger, clock=clock)
    new.authenticate("ana", PASSWORD)
    after = new.db.conn().execute("SELECT password_hash FROM users").fetchone()[0]
    assert after != before and not stronger.check_needs_rehash(after)
    assert stronger.verify(after, PASSWORD)
    new.authenticate("ana", PASSWORD)  # the new hash works
    assert new.db.conn().execute("SELECT password_hash FROM users").fetchone()[0] == after


@pytest.mark.parametrize("username, password, role, field", [
    ("", PASSWORD, "viewer", "username"),
    ("has space", PASSWORD, "viewer", "username"),
    ("<script>", PASSWORD, "viewer", "username"),
    ("ana", "short", "viewer", "password"),
    ("ana", "x" * 2000, "viewer", "password"),
    ("anamaria1234", "AnaMaria1234", "viewer", "password"),
    ("ana", PASSWORD, "superuser", "role"),
])
def test_bad_account_input_is_refused_and_nothing_written(acc, username, password, role,
                                                          field):
    with pytest.raises(InvalidAccountInput) as exc:
        acc.create_user(username, password, role, by="t")
    assert exc.value.problems[0].field == field
    assert str(exc.value).startswith(f"{field}: ")
    assert acc.list_users() == [] and acc.audit_entries() == []


def test_duplicate_user_name(acc):
    acc.create_user("ana", PASSWORD, "viewer", by="t")
    with pytest.raises(InvalidAccountInput, match="user 'Ana' already exists"):
        acc.create_user("Ana", PASSWORD, "viewer", by="t")


def test_set_role_and_disable_are_audited(acc):
    acc.create_user("boss", PASSWORD, "admin", by="t")
    acc.create_user("ana", PASSWORD, "viewer", by="t")
    assert acc.set_role("ana", "editor", by="boss").role == "editor"
    assert acc.set_disabled("ana", True, by="boss").disabled
    assert acc.set_disabled("ana", False, by="boss").disabled is False
    got = [(e.actor, e.action, e.target, e.details) for e in acc.audit_entries()][2:]
    assert got == [("boss", "user.set_role", "user:ana", {"from": "viewer", "to": "editor"}),
                   ("boss", "user.disable", "user:ana", {}),
                   ("boss", "user.enable", "user:ana", {})]
    with pytest.raises(NotFound, match="no user 'zed'"):
        acc.set_role("zed", "viewer", by="boss")


def test_the_last_admin_cannot_be_demoted_or_disabled(acc):
    acc.create_user("boss", PASSWORD, "admin", by="t")
    with pytest.raises(GraphsvcError, match="last admin"):
        acc.set_role("boss", "viewer", by="boss")
    with pytest.raises(GraphsvcError, match="last admin"):
        acc.set_disabled("boss", True, by="boss")
    acc.create_user("second", PASSWORD, "admin", by="boss")
    assert acc.set_role("boss", "viewer", by="second").role == "viewer"


# --- sessions ------------------------------------------------------------------

def test_session_lives_until_logout(acc, clock):
    u = acc.create_user("ana", PASSWORD, "viewer", by="t")
    sid = acc.start_session(u, ip="10.0.0.1")
    assert len(sid) >= 43  # 32 random bytes, base64
    assert acc.session_user(sid, u.id, idle_seconds=600).id == u.id
    assert acc.session_user(sid, u.id + 1, idle_seconds=600) is None  # another user's id
    assert acc.session_user("forged", u.id, idle_seconds=600) is None
    acc.end_session(sid, ip="10.0.0.1")
    assert acc.session_user(sid, u.id, idle_seconds=600) is None  # a copied cookie is dead
    actions = [e.action for e in acc.audit_entries()]
    assert actions == ["user.create", "login", "logout"]


def test_session_ends_after_idle_time_and_activity_keeps_it(acc, clock):
    u = acc.create_user("ana", PASSWORD, "viewer", by="t")
    sid = acc.start_session(u)
    for _ in range(5):  # active every 9 minutes for 45 minutes, limit 10
        clock.advance(9 * 60)
        assert acc.session_user(sid, u.id, idle_seconds=600) is not None
    clock.advance(10 * 60 + 1)
    assert acc.session_user(sid, u.id, idle_seconds=600) is None
    clock.advance(-(10 * 60 + 1))  # even back in time: it stays ended
    assert acc.session_user(sid, u.id, idle_seconds=600) is None
    assert [e.action for e in acc.audit_entries()][-1] == "session.expired"


def test_disabling_or_new_password_ends_sessions(acc):
    acc.create_user("boss", PASSWORD, "admin", by="t")
    u = acc.create_user("ana", PASSWORD, "viewer", by="t")
    s1 = acc.start_session(u)
    acc.set_password("ana", "another long passphrase", by="boss")
    assert acc.session_user(s1, u.id, 600) is None
    s2 = acc.start_session(u)
    acc.set_disabled("ana", True, by="boss")
    assert acc.session_user(s2, u.id, 600) is None
    acc.set_disabled("ana", False, by="boss")
    assert acc.session_user(s2, u.id, 600) is None  # enabling does not revive it


# --- tokens ---------------------------------------------------------------------

def test_token_shown_once_stored_hashed_and_revocable(acc, tmp_path):
    acc.create_user("boss", PASSWORD, "admin", by="t")
    u = acc.create_user("script", PASSWORD, "analyst", by="boss")
    token, info = acc.create_token("script", by="boss", name="nightly export")
    assert token.startswith("gsk_") and len(token) >= 4 + 43
    assert token.startswith(info.prefix) and len(info.prefix) < 16
    assert "token" not in info.to_dict() or info.to_dict().get("token") is None
    assert acc.user_for_token(token).id == u.id
    stored = acc.db.conn().execute("SELECT token_hash FROM tokens").fetchone()[0]
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    for f in tmp_path.iterdir():
        assert token.encode() not in f.read_bytes()
    assert acc.user_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert acc.user_for_token("Bearer " + token) is None
    assert acc.user_for_token("") is None and acc.user_for_token(None) is None
    assert acc.revoke_token(info.id, by="boss").revoked_at is not None
    assert acc.user_for_token(token) is None
    actions = [(e.actor, e.action, e.target) for e in acc.audit_entries()][-2:]
    assert actions == [("boss", "token.create", f"token:{info.id}"),
                       ("boss", "token.revoke", f"token:{info.id}")]
    with pytest.raises(NotFound, match="no token 999"):
        acc.revoke_token(999, by="boss")


def test_token_of_disabled_user_stops_working(acc):
    acc.create_user("boss", PASSWORD, "admin", by="t")
    acc.create_user("script", PASSWORD, "viewer", by="boss")
    token, _ = acc.create_token("script", by="boss")
    acc.set_disabled("script", True, by="boss")
    assert acc.user_for_token(token) is None
    with pytest.raises(GraphsvcError, match="disabled"):
        acc.create_token("script", by="boss")


# --- login throttling --------------------------------------------------------------

def test_failed_logins_are_throttled_per_address_and_name(acc, clock):
    acc.create_user("ana", PASSWORD, "viewer", by="t")
    for _ in range(5):  # the default limit: 5 per 15 minutes
        with pytest.raises(Unauthorized):
            acc.authenticate("ana", "not the password", ip="10.0.0.9")
        clock.advance(1)
    with pytest.raises(RateLimited) as exc:
        acc.authenticate("ana", PASSWORD, ip="10.0.0.9")  # even the right password
    # failures at t0..t0+4, now t0+5: the one at t0 leaves the window at t0+900
    assert exc.value.retry_after == 15 * 60 - 5
    assert exc.value.code == "rate_limited"
    # another address is not held back by this one's failures
    assert acc.authenticate("ana", PASSWORD, ip="10.0.0.10").username == "ana"
    # the window slides: once the first failure is older than 15 minutes, one more try
    clock.advance(15 * 60 - 5)
    assert acc.authenticate("ana", PASSWORD, ip="10.0.0.9").username == "ana"


def test_one_address_trying_many_names_is_throttled(acc, clock):
    for i in range(20):  # 4 x 5: the per-address limit
        with pytest.raises(Unauthorized):
            acc.authenticate(f"user{i}", "guess guess guess", ip="10.0.0.9")
    with pytest.raises(RateLimited):
        acc.authenticate("someone_else", "guess guess guess", ip="10.0.0.9")


def test_throttle_is_shared_by_every_process_using_the_file(tmp_path, clock):
    """Two web workers (two Accounts on one file) count the same failures."""
    a = make_accounts(tmp_path / "acc.db", clock, login_limit="3 per 1 minute")
    b = make_accounts(tmp_path / "acc.db", clock, login_limit="3 per 1 minute")
    a.create_user("ana", PASSWORD, "viewer", by="t")
    for worker in (a, b, a):
        with pytest.raises(Unauthorized):
            worker.authenticate("ana", "not the password", ip="1.2.3.4")
    with pytest.raises(RateLimited):
        b.authenticate("ana", PASSWORD, ip="1.2.3.4")


def test_rate_limit_setting():
    assert parse_rate_limit("5 per 15 minutes").seconds == 900
    assert parse_rate_limit("3/minute").attempts == 3
    assert parse_rate_limit("2 per day").seconds == 86400
    for bad in ("", "five per minute", "5 per 0 minutes", "0 per minute", "5 per fortnight"):
        with pytest.raises(ConfigError, match="LOGIN_RATE_LIMIT"):
            parse_rate_limit(bad)


# --- audit log ------------------------------------------------------------------

def test_audit_log_refuses_update_and_delete_through_sql(acc, tmp_path):
    acc.audit("ana", "export", "graph", {"actors": 3}, ip="10.0.0.1")
    conn = sqlite3.connect(tmp_path / "accounts.db")
    for sql in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit",
                "UPDATE audit SET details = '{}' WHERE seq = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()
    [e] = acc.audit_entries()
    assert (e.actor, e.action, e.target, e.details, e.ip) == ("ana", "export", "graph",
                                                              {"actors": 3}, "10.0.0.1")


def test_no_method_changes_or_removes_audit_entries():
    names = {n for n in dir(Accounts) if "audit" in n}
    # audit_in appends inside the caller's transaction (a survey's answers)
    assert names == {"audit", "_audit", "audit_in", "audit_entries"}


def test_audit_entries_filter_and_export(acc, clock):
    acc.audit("a", "login", "user:a")
    clock.advance(3600)
    acc.audit("b", "export", "graph", {"restricted": True, "note": "línea, \"quoted\""})
    later = acc.audit_entries()[1].at
    assert [e.actor for e in acc.audit_entries(since=later)] == ["b"]
    buf = io.StringIO()
    assert write_audit(acc.audit_entries(), buf, "json") == 2
    back = json.loads(buf.getvalue())
    assert back[1]["details"] == {"note": "línea, \"quoted\"", "restricted": True}
    buf = io.StringIO()
    write_audit(acc.audit_entries(), buf, "csv")
    import csv
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert [r["action"] for r in rows] == ["login", "export"]
    assert json.loads(rows[1]["details"])["note"] == "línea, \"quoted\""


# --- configuration -----------------------------------------------------------------

NEW_KEYS = ("ACCOUNTS_DB", "PUBLIC_VIEW", "SESSION_IDLE_MINUTES", "LOGIN_RATE_LIMIT")


def test_new_settings_are_described_and_documented():
    settings = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for key in NEW_KEYS:
        assert key in DEFAULTS and key in DESCRIPTIONS
        assert f"| `{key}` |" in settings, key


def test_settings_defaults_and_parsing(tmp_path):
    c = load_config(environ={"GRAPHSVC_DB": str(tmp_path / "g.db")})
    assert c["ACCOUNTS_DB"] == str(tmp_path / "g.accounts.db")
    assert c["PUBLIC_VIEW"] is False  # default deny
    assert c["SESSION_IDLE_MINUTES"] == 30
    c = load_config(environ={"GRAPHSVC_PUBLIC_VIEW": "true",
                             "GRAPHSVC_SESSION_IDLE_MINUTES": "5"})
    assert c["PUBLIC_VIEW"] is True and c["SESSION_IDLE_MINUTES"] == 5
    with pytest.raises(ConfigError, match="PUBLIC_VIEW must be true or false"):
        load_config(environ={"GRAPHSVC_PUBLIC_VIEW": "maybe"})
