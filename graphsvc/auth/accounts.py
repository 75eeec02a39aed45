"""Users, API tokens, web sessions, login throttling and the audit log.

Passwords are hashed with Argon2id (argon2-cffi's ``PasswordHasher``); a hash
made with older parameters is replaced at the next successful login.

API tokens are 256 random bits, shown once and stored as their SHA-256. A
slow hash such as Argon2 protects passwords, which people choose and which
can be guessed; a 256-bit random token cannot be guessed, so a fast hash is
as safe for it and lets each API request find its token by an index lookup.

Web sessions are rows here too, keyed by the SHA-256 of a random session id
kept in the signed session cookie: logging out or idling out ends the row,
so a copy of an old cookie is worth nothing afterwards.

Failed sign-ins are counted here too (a sliding window per address and user
name, per address, and per account with a backoff; each attempt is counted
in one transaction before its password is checked), not in Flask-Limiter's
default in-memory store: a production server runs several worker processes,
each with its own memory, so each would allow the full limit, and Flask-Limiter's shared stores need
Redis or Memcached, which the deployment does not otherwise run. The file
is shared by every worker and survives restarts.

Every change to accounts is written in the same transaction as its audit
entry. The audit table refuses UPDATE and DELETE (triggers in
:mod:`graphsvc.auth.db`), and this module offers no way to ask for either.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import GraphsvcError, NotFound, Problem, RateLimited, Unauthorized
from ..sqlite_file import guarded
from .db import AccountsDB
from .roles import Principal, check_role

__all__ = [
    "Accounts",
    "InvalidAccountInput",
    "User",
    "TokenInfo",
    "AuditEntry",
    "LoginLimit",
    "parse_rate_limit",
    "TOKEN_PREFIX",
    "MIN_PASSWORD_LENGTH",
]

TOKEN_PREFIX = "gsk_"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # Argon2 takes any length; this stops absurd inputs
_USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}$")
#: An address may try this many times the per-user limit across user names.
IP_LIMIT_FACTOR = 4
_LOGIN_FAILED = "wrong user name or password"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class InvalidAccountInput(GraphsvcError):
    """One bad field in an account request; nothing was written.

    Shares ``validation_failed`` with :class:`ValidationFailed` (so the web
    answers both alike) but is one message, not a list of rows.
    """

    code = "validation_failed"

    def __init__(self, field: str, message: str, hint: str = ""):
        self.problems = [Problem(message, hint=hint, field=field)]
        super().__init__(f"{field}: {message}", hint=hint or None,
                         details=[p.to_dict() for p in self.problems])


def _invalid(field: str, message: str, hint: str = "") -> InvalidAccountInput:
    return InvalidAccountInput(field, message, hint)


@dataclass(frozen=True)
class User:
    """An account. Also what Flask-Login keeps as ``current_user``."""

    id: int
    username: str
    role: str
    disabled: bool
    created_at: str
    last_login_at: str | None = None

    # Flask-Login's user protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return not self.disabled

    def get_id(self) -> str:
        return str(self.id)

    def principal(self, via: str = "session") -> Principal:
        return Principal(self.username, self.role, self.id, via)

    def to_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "role": self.role,
                "disabled": self.disabled, "created_at": self.created_at,
                "last_login_at": self.last_login_at}


@dataclass(frozen=True)
class TokenInfo:
    """An API token as listed: never the token itself."""

    id: int
    username: str
    name: str | None
    prefix: str
    created_at: str
    created_by: str
    revoked_at: str | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    target: str | None
    details: dict
    ip: str | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LoginLimit:
    """At most ``attempts`` failed logins per ``seconds`` for one address and user name."""

    attempts: int
    seconds: int


_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate_limit(text: str, setting: str = "LOGIN_RATE_LIMIT") -> LoginLimit:
    """Parse ``"5 per 15 minutes"`` (or ``"5/minute"``).

    Examples
    --------
    >>> parse_rate_limit("5 per 15 minutes")
    LoginLimit(attempts=5, seconds=900)
    >>> parse_rate_limit("10/hour")
    LoginLimit(attempts=10, seconds=3600)
    """
    m = re.fullmatch(r"\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*",
                     str(text or ""), re.IGNORECASE)
    if not m or int(m.group(1)) < 1 or (m.group(2) is not None and int(m.group(2)) < 1):
        from ..errors import ConfigError

        raise ConfigError(f"{setting} '{text}' is not a rate",
                          hint="Write it like '5 per 15 minutes' or '10 per hour'.")
    return LoginLimit(int(m.group(1)), int(m.group(2) or 1) * _UNITS[m.group(3).lower()])


@guarded("accounts file", "GRAPHSVC_ACCOUNTS_DB")
class Accounts:
    """The accounts database at ``path``.

    Parameters
    ----------
    path : str or Path
        The SQLite file (created with its schema when missing).
    hasher : argon2.PasswordHasher, optional
        Default: argon2-cffi's recommended parameters.
    clock : callable, optional
        Seconds since the epoch; tests pass their own.
    login_limit : LoginLimit or str, optional
        Failed logins allowed per address and user name (default 5 per 15 minutes).
    account_backoff : LoginLimit or str, optional
        Failed logins on one account, from any address, before its backoff
        starts, and the window they are counted in (default 5 per 15 minutes).
    """

    def __init__(self, path: str | Path, hasher: PasswordHasher | None = None,
                 clock: Callable[[], float] = time.time,
                 login_limit: LoginLimit | str = "5 per 15 minutes",
                 account_backoff: LoginLimit | str = "5 per 15 minutes"):
        self.db = AccountsDB(path)
        self.path = self.db.path
        self.hasher = hasher or PasswordHasher()
        self.clock = clock
        self.login_limit = (parse_rate_limit(login_limit) if isinstance(login_limit, str)
                            else login_limit)
        self.account_backoff = (parse_rate_limit(account_backoff, "LOGIN_ACCOUNT_BACKOFF")
                                if isinstance(account_backoff, str) else account_backoff)
        self._dummy_hash: str | None = None

    @classmethod
    def from_config(cls, config, **kwargs) -> Accounts:
        kwargs.setdefault("login_limit", config.get("LOGIN_RATE_LIMIT") or "5 per 15 minutes")
        kwargs.setdefault("account_backoff",
                          config.get("LOGIN_ACCOUNT_BACKOFF") or "5 per 15 minutes")
        return cls(config["ACCOUNTS_DB"], **kwargs)

    def close(self) -> None:
        self.db.close()

    def _now_iso(self) -> str:
        return dt.datetime.fromtimestamp(self.clock(), tz=dt.UTC).isoformat(
            timespec="seconds")

    # --- audit ------------------------------------------------------------

    def audit(self, actor: str, action: str, target: str | None = None,
              details: dict | None = None, ip: str | None = None) -> None:
        """Append one entry: who, what action, on what, with what details."""
        with self.db.tx() as c:
            self._audit(c, actor, action, target, details, ip)

    def audit_in(self, c, actor: str, action: str, target: str | None = None,
                 details: dict | None = None, ip: str | None = None) -> None:
        """Append one entry inside the caller's transaction ``c`` (on
        :attr:`db`), so a change and its entry are written together."""
        self._audit(c, actor, action, target, details, ip)

    def throttle(self, key: str, limit: LoginLimit) -> None:
        """Count one request under ``key`` (an address and what it asks for)
        in the same sliding window the sign-in limits use, shared by every
        worker; raise :class:`RateLimited` once ``limit`` requests were
        counted in its window (the refused one is not counted)."""
        now = self.clock()
        with self.db.tx() as c:
            times = self._failures(c, f"rate:{key}", now - limit.seconds)
            if len(times) >= limit.attempts:
                wait = max(1, int(times[-limit.attempts] + limit.seconds - now + 0.999))
                raise RateLimited(f"too many requests; try again in {wait} seconds",
                                  retry_after=wait)
            c.execute("INSERT INTO login_failures(key, at) VALUES (?, ?)",
                      (f"rate:{key}", now))
            c.execute("DELETE FROM login_failures WHERE key = ? AND at <= ?",
                      (f"rate:{key}", now - limit.seconds))

    def _audit(self, c, actor, action, target=None, details=None, ip=None) -> None:
        c.execute("INSERT INTO audit(at, actor, action, target, details, ip) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
                  (self._now_iso(), actor, action, target,
                   json.dumps(details or {}, ensure_ascii=False, sort_keys=True,
                              default=str), ip))

    def audit_entries(self, since: str | None = None, action: str | None = None,
                      limit: int | None = None) -> list[AuditEntry]:
        """Entries oldest first; ``since`` is an ISO time (inclusive)."""
        where: list[str] = []
        args: list[object] = []
        if since:
            where.append("at >= ?")
            args.append(since)
        if action:
            where.append("action = ?")
            args.append(action)
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        return [AuditEntry(r["seq"], r["at"], r["actor"], r["action"], r["target"],
                           json.loads(r["details"]), r["ip"])
                for r in self.db.conn().execute(sql, args)]

    # --- users ------------------------------------------------------------

    @staticmethod
    def _user(row) -> User:
        return User(row["id"], row["username"], row["role"], bool(row["disabled"]),
                    row["created_at"], row["last_login_at"])

    def _check_password(self, username: str, password: str) -> None:
        if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
            raise _invalid("password", f"must have at least {MIN_PASSWORD_LENGTH} characters",
                           "A passphrase of a few words is easy to type and hard to guess.")
        if len(password) > MAX_PASSWORD_LENGTH:
            raise _invalid("password", f"must have at most {MAX_PASSWORD_LENGTH} characters")
        if password.strip().casefold() == username.casefold():
            raise _invalid("password", "must not be the user name")

    def create_user(self, username: str, password: str, role: str, *, by: str,
                    ip: str | None = None) -> User:
        """Create an account; ``by`` names who did it, for the audit log."""
        username = (username or "").strip()
        if not _USERNAME_RE.match(username):
            raise _invalid("username", f"'{username}' is not a user name",
                           "Use 1-64 letters, digits, '_', '.', '@' or '-', starting "
                           "with a letter or digit.")
        try:
            role = check_role(role)
        except ValueError as exc:
            raise _invalid("role", str(exc)) from None
        self._check_password(username, password)
        digest = self.hasher.hash(password)
        with self.db.tx() as c:
            if c.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
                raise _invalid("username", f"user '{username}' already exists",
                               "Choose another name, or use set-role to change this one.")
            cur = c.execute("INSERT INTO users(username, role, password_hash, created_at) "
                            "VALUES (?, ?, ?, ?)", (username, role, digest, self._now_iso()))
            self._audit(c, by, "user.create", f"user:{username}", {"role": role}, ip)
            row = c.execute("SELECT * FROM users WHERE id = ?", (cur.lastrowid,)).fetchone()
        return self._user(row)

    def get_user(self, user_id: int) -> User | None:
        row = self.db.conn().execute("SELECT * FROM users WHERE id = ?", (int(user_id),)).fetchone()
        return self._user(row) if row else None

    def find_user(self, username: str) -> User | None:
        row = self.db.conn().execute("SELECT * FROM users WHERE username = ?",
                                     (username,)).fetchone()
        return self._user(row) if row else None

    def _require_user(self, c, username: str):
        row = c.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            raise NotFound(f"no user '{username}'", hint="See the names with: graphsvc users list")
        return row

    def list_users(self) -> list[User]:
        rows = self.db.conn().execute("SELECT * FROM users ORDER BY username")
        return [self._user(r) for r in rows]

    def _other_enabled_admins(self, c, user_id: int) -> int:
        return c.execute("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 "
                         "AND id != ?", (user_id,)).fetchone()[0]

    def set_role(self, username: str, role: str, *, by: str, ip: str | None = None) -> User:
        try:
            role = check_role(role)
        except ValueError as exc:
            raise _invalid("role", str(exc)) from None
        with self.db.tx() as c:
            row = self._require_user(c, username)
            if row["role"] == "admin" and role != "admin" and not self._other_enabled_admins(
                    c, row["id"]):
                raise GraphsvcError(f"'{row['username']}' is the last admin; nobody could "
                                    "manage accounts without one",
                                    hint="Make another user admin first.")
            c.execute("UPDATE users SET role = ? WHERE id = ?", (role, row["id"]))
            self._audit(c, by, "user.set_role", f"user:{row['username']}",
                        {"from": row["role"], "to": role}, ip)
            row = c.execute("SELECT * FROM users WHERE id = ?", (row["id"],)).fetchone()
        return self._user(row)

    def set_disabled(self, username: str, disabled: bool = True, *, by: str,
                     ip: str | None = None) -> User:
        """Disable (or enable) an account: its sessions end, its tokens stop working."""
        with self.db.tx() as c:
            row = self._require_user(c, username)
            if disabled and row["role"] == "admin" and not self._other_enabled_admins(
                    c, row["id"]):
                raise GraphsvcError(f"'{row['username']}' is the last admin; nobody could "
                                    "manage accounts without one",
                                    hint="Make another user admin first.")
            c.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), row["id"]))
            if disabled:
                self._end_sessions(c, row["id"], "disabled")
            self._audit(c, by, "user.disable" if disabled else "user.enable",
                        f"user:{row['username']}", None, ip)
            row = c.execute("SELECT * FROM users WHERE id = ?", (row["id"],)).fetchone()
        return self._user(row)

    def set_password(self, username: str, password: str, *, by: str,
                     ip: str | None = None) -> None:
        """Change a password; the user's open sessions end."""
        user = self.find_user(username)
        if user is None:
            raise NotFound(f"no user '{username}'", hint="See the names with: graphsvc users list")
        self._check_password(user.username, password)
        digest = self.hasher.hash(password)
        with self.db.tx() as c:
            c.execute("UPDATE users SET password_hash = ? WHERE id = ?", (digest, user.id))
            self._end_sessions(c, user.id, "password_changed")
            self._audit(c, by, "user.set_password", f"user:{user.username}", None, ip)

    # --- login ------------------------------------------------------------

    def _failures(self, c, key: str, since: float) -> list[float]:
        return [r[0] for r in c.execute(
            "SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at", (key, since))]

    def _limit_keys(self, username: str, ip: str | None):
        """The counters one attempt moves: (key, limit) for this address and
        user name, and for this address; then the account's own key, whose
        limit is the backoff threshold."""
        who = (username or "").strip().casefold()
        where = ip or "-"
        lim = self.login_limit
        return [(f"user:{where}:{who}", lim.attempts),
                (f"ip:{where}", lim.attempts * IP_LIMIT_FACTOR),
                (f"acct:{who}", self.account_backoff.attempts)]

    @staticmethod
    def _refuse(wait: float) -> RateLimited:
        wait = max(1, int(wait + 0.999))
        return RateLimited(f"too many failed sign-in attempts; try again in {wait} seconds",
                           retry_after=wait)

    def _admit(self, c, username: str, ip: str | None, now: float) -> None:
        """Raise :class:`RateLimited` when this attempt must wait (see
        :meth:`authenticate`); ``c`` is the attempt's write transaction."""
        since = now - self.login_limit.seconds
        (pair, pair_limit), (addr, addr_limit), (acct, threshold) = self._limit_keys(
            username, ip)
        for key, limit in ((pair, pair_limit), (addr, addr_limit)):
            times = self._failures(c, key, since)
            if len(times) >= limit:
                # The window slides: the wait ends when the oldest counted failure leaves it.
                raise self._refuse(times[-limit] + self.login_limit.seconds - now)
        window = self.account_backoff.seconds
        times = self._failures(c, acct, now - window)
        if len(times) >= threshold and self._failures(c, addr, since):
            # The account is under attack and this address has failed too:
            # each failure beyond the threshold doubles the wait. An address
            # without failures is let through, so the owner is never locked out.
            wait = min(2.0 ** (len(times) - threshold), float(window))
            if now - times[-1] < wait:
                raise self._refuse(times[-1] + wait - now)

    def check_login_allowed(self, username: str, ip: str | None = None) -> None:
        """Raise :class:`RateLimited` when a sign-in as ``username`` from
        ``ip`` would be refused now (without counting an attempt)."""
        with self.db.tx() as c:
            self._admit(c, (username or "").strip(), ip, self.clock())

    def authenticate(self, username: str | None, password: str | None,
                     ip: str | None = None) -> User:
        """The user whose password this is, else :class:`Unauthorized`.

        Throttled (:class:`RateLimited`) in one transaction per attempt,
        before the password is checked: the attempt is admitted or refused
        and, when admitted, counted as a failure at once, so concurrent
        attempts (several threads or workers) can never check more passwords
        than the limits allow; a correct password then takes its count back.
        The limits: ``LOGIN_RATE_LIMIT`` per address and user name, four
        times that per address, and a per-account backoff
        (``LOGIN_ACCOUNT_BACKOFF``): past its threshold, an address that has
        failed waits twice as long after each failure on the account, while
        an address without failures is let through, so others' failures
        never lock the owner out. Unknown names, wrong passwords and
        disabled accounts get the same message and take the same time, so
        the answer does not tell which names exist. Successes and failures
        are audited; a hash made with outdated parameters is replaced.
        """
        username = (username or "").strip()
        now = self.clock()
        with self.db.tx() as c:
            self._admit(c, username, ip, now)
            counted = [c.execute("INSERT INTO login_failures(key, at) VALUES (?, ?)",
                                 (key, now)).lastrowid
                       for key, _ in self._limit_keys(username, ip)]
            # Keep the table small: nothing older than the windows is ever counted.
            c.execute("DELETE FROM login_failures WHERE at <= ?",
                      (now - max(self.login_limit.seconds, self.account_backoff.seconds),))
            row = c.execute("SELECT * FROM users WHERE username = ?",
                            (username,)).fetchone() if username else None
        ok = False
        if row is None:
            if self._dummy_hash is None:
                self._dummy_hash = self.hasher.hash(secrets.token_hex(16))
            try:
                self.hasher.verify(self._dummy_hash, password or "")
            except (VerificationError, InvalidHashError):
                pass
        else:
            try:
                ok = self.hasher.verify(row["password_hash"], password or "")
            except (VerificationError, InvalidHashError):
                ok = False
        reason = ("unknown user" if row is None else "wrong password" if not ok
                  else "disabled" if row["disabled"] else None)
        if reason:
            # The failure was counted before the check; now it is audited.
            self.audit(username or "-", "login.failed", f"user:{username}",
                       {"reason": reason}, ip)
            raise Unauthorized(_LOGIN_FAILED)
        assert row is not None  # no reason to refuse: the user was found
        with self.db.tx() as c:
            marks = ",".join("?" * len(counted))
            c.execute(f"DELETE FROM login_failures WHERE rowid IN ({marks})", counted)
            if self.hasher.check_needs_rehash(row["password_hash"]):
                c.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                          (self.hasher.hash(password or ""), row["id"]))
            c.execute("UPDATE users SET last_login_at = ? WHERE id = ?",
                      (self._now_iso(), row["id"]))
            c.execute("DELETE FROM login_failures WHERE key = ?",
                      (self._limit_keys(username, ip)[0][0],))
            row = c.execute("SELECT * FROM users WHERE id = ?", (row["id"],)).fetchone()
        return self._user(row)

    # --- web sessions -----------------------------------------------------

    def start_session(self, user: User, ip: str | None = None, via: str = "password") -> str:
        """Open a session for ``user`` and return its new random id (256 bits)."""
        sid = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.tx() as c:
            c.execute("INSERT INTO sessions(sid_hash, user_id, created_at, last_seen_at) "
                      "VALUES (?, ?, ?, ?)", (_sha256(sid), user.id, now, now))
            self._audit(c, user.username, "login", f"user:{user.username}", {"via": via}, ip)
        return sid

    def session_user(self, sid: str | None, user_id, idle_seconds: float) -> User | None:
        """The user of an open session, or ``None``.

        ``None`` when the session is unknown, ended, belongs to someone
        else, its user is disabled, or it has been idle longer than
        ``idle_seconds`` (then it is ended, and the expiry audited).
        """
        if not sid:
            return None
        now = self.clock()
        h = _sha256(sid)
        c = self.db.conn()
        row = c.execute("SELECT s.*, u.username, u.disabled FROM sessions s JOIN users u "
                        "ON u.id = s.user_id WHERE s.sid_hash = ?", (h,)).fetchone()
        if row is None or row["ended_at"] is not None or str(row["user_id"]) != str(user_id):
            return None
        if row["disabled"]:
            return None
        if now - row["last_seen_at"] > idle_seconds:
            with self.db.tx() as w:
                n = w.execute("UPDATE sessions SET ended_at = ?, end_reason = 'idle' "
                              "WHERE sid_hash = ? AND ended_at IS NULL", (now, h)).rowcount
                if n:
                    self._audit(w, row["username"], "session.expired",
                                f"user:{row['username']}",
                                {"idle_minutes": round((now - row["last_seen_at"]) / 60, 1)})
            return None
        # Touch at most once a minute (or a tenth of the idle limit): one write
        # per request would serialise every page view behind the write lock.
        if now - row["last_seen_at"] >= min(60.0, idle_seconds / 10):
            with self.db.tx() as w:
                w.execute("UPDATE sessions SET last_seen_at = ? WHERE sid_hash = ?", (now, h))
        return self.get_user(row["user_id"])

    def end_session(self, sid: str | None, reason: str = "logout",
                    ip: str | None = None) -> None:
        """End one session (logout); audited when it was open."""
        if not sid:
            return
        h = _sha256(sid)
        with self.db.tx() as c:
            row = c.execute("SELECT s.user_id, u.username FROM sessions s JOIN users u "
                            "ON u.id = s.user_id WHERE sid_hash = ? AND ended_at IS NULL",
                            (h,)).fetchone()
            if row is None:
                return
            c.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE sid_hash = ?",
                      (self.clock(), reason, h))
            self._audit(c, row["username"], reason, f"user:{row['username']}", None, ip)

    def _end_sessions(self, c, user_id: int, reason: str) -> None:
        c.execute("UPDATE sessions SET ended_at = ?, end_reason = ? "
                  "WHERE user_id = ? AND ended_at IS NULL", (self.clock(), reason, user_id))

    # --- API tokens -------------------------------------------------------

    def create_token(self, username: str, *, by: str, name: str | None = None,
                     ip: str | None = None) -> tuple[str, TokenInfo]:
        """Issue a token for ``username``: returns ``(token, info)``.

        The token itself is returned only here; it is stored as its SHA-256.
        """
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix = token[:len(TOKEN_PREFIX) + 6]
        with self.db.tx() as c:
            row = self._require_user(c, username)
            if row["disabled"]:
                raise GraphsvcError(f"user '{row['username']}' is disabled",
                                    hint="Enable the account first.")
            cur = c.execute("INSERT INTO tokens(user_id, name, token_hash, prefix, created_at, "
                            "created_by) VALUES (?, ?, ?, ?, ?, ?)",
                            (row["id"], name, _sha256(token), prefix, self._now_iso(), by))
            self._audit(c, by, "token.create", f"token:{cur.lastrowid}",
                        {"user": row["username"], "name": name, "prefix": prefix}, ip)
        return token, self._token_info(cur.lastrowid)

    def _token_info(self, token_id: int) -> TokenInfo:
        r = self.db.conn().execute(
            "SELECT t.*, u.username FROM tokens t JOIN users u ON u.id = t.user_id "
            "WHERE t.id = ?", (token_id,)).fetchone()
        return TokenInfo(r["id"], r["username"], r["name"], r["prefix"], r["created_at"],
                         r["created_by"], r["revoked_at"])

    def list_tokens(self, username: str | None = None) -> list[TokenInfo]:
        sql = "SELECT t.id FROM tokens t JOIN users u ON u.id = t.user_id"
        args = []
        if username:
            sql += " WHERE u.username = ?"
            args.append(username)
        return [self._token_info(r[0]) for r in self.db.conn().execute(sql + " ORDER BY t.id",
                                                                        args)]

    def revoke_token(self, token_id: int, *, by: str, ip: str | None = None) -> TokenInfo:
        with self.db.tx() as c:
            row = c.execute("SELECT * FROM tokens WHERE id = ?", (int(token_id),)).fetchone()
            if row is None:
                raise NotFound(f"no token {token_id}",
                               hint="See the tokens with: graphsvc tokens list")
            if row["revoked_at"] is None:
                c.execute("UPDATE tokens SET revoked_at = ? WHERE id = ?",
                          (self._now_iso(), row["id"]))
                self._audit(c, by, "token.revoke", f"token:{row['id']}",
                            {"prefix": row["prefix"]}, ip)
        return self._token_info(int(token_id))

    def user_for_token(self, token: str | None) -> User | None:
        """The enabled user a valid, unrevoked token belongs to, or ``None``."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        c = self.db.conn()
        row = c.execute("SELECT t.id AS token_id, t.last_used_at, u.* FROM tokens t "
                        "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? "
                        "AND t.revoked_at IS NULL AND u.disabled = 0",
                        (_sha256(token),)).fetchone()
        if row is None:
            return None
        now = self.clock()
        if row["last_used_at"] is None or now - row["last_used_at"] >= 60:
            with self.db.tx() as w:
                w.execute("UPDATE tokens SET last_used_at = ? WHERE id = ?",
                          (now, row["token_id"]))
        return self._user(row)

