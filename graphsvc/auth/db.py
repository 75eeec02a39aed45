"""The accounts database: one SQLite file, apart from the graph.

Users, API tokens, web sessions, login attempts and the audit log live here,
not in the graph store, because:

- the graph may be in Neo4j; accounts work the same whichever backend holds it;
- clearing or replacing the graph (``graphsvc demo --replace``, a fresh
  import) must never delete accounts or the audit trail;
- a graph export or backup must never carry password hashes;
- SQLite triggers make the audit table append-only for anything that opens
  the file through SQL, the app included.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ..sqlite_file import SQLiteFile

__all__ = ["AccountsDB", "SCHEMA_VERSION"]

# Each entry migrates the schema from version i to i + 1; never edit one
# that has shipped, append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'editor', 'admin')),
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        last_login_at TEXT
    );
    CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        name TEXT,
        token_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        revoked_at TEXT,
        last_used_at REAL
    );
    CREATE TABLE sessions (
        sid_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        created_at REAL NOT NULL,
        last_seen_at REAL NOT NULL,
        ended_at REAL,
        end_reason TEXT
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE login_failures (
        key TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX login_failures_key ON login_failures(key, at);
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL DEFAULT '{}',
        ip TEXT
    );
    CREATE INDEX audit_at ON audit(at);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # 2: network surveys (graphsvc.surveys): designs, personal invitations
    # (tokens stored as their SHA-256), answers, every saved version of them
    # (append-only) and the review's decisions.
    """
    CREATE TABLE surveys (
        id INTEGER PRIMARY KEY,
        spec TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE survey_invitations (
        id INTEGER PRIMARY KEY,
        survey_id INTEGER NOT NULL REFERENCES surveys(id),
        token_hash TEXT NOT NULL UNIQUE,
        actor_id TEXT NOT NULL,
        name TEXT NOT NULL,
        contact TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        opened_at TEXT,
        saved_at TEXT,
        submitted_at TEXT,
        reminded_at TEXT,
        answers TEXT,
        UNIQUE (survey_id, actor_id)
    );
    CREATE INDEX survey_invitations_survey ON survey_invitations(survey_id);
    CREATE TABLE survey_answer_versions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        invitation_id INTEGER NOT NULL REFERENCES survey_invitations(id),
        at TEXT NOT NULL,
        submitted INTEGER NOT NULL,
        answers TEXT NOT NULL
    );
    CREATE TRIGGER survey_answer_versions_no_update BEFORE UPDATE ON survey_answer_versions
    BEGIN SELECT RAISE(ABORT, 'saved answers are append-only'); END;
    CREATE TRIGGER survey_answer_versions_no_delete BEFORE DELETE ON survey_answer_versions
    BEGIN SELECT RAISE(ABORT, 'saved answers are append-only'); END;
    CREATE TABLE survey_decisions (
        invitation_id INTEGER NOT NULL REFERENCES survey_invitations(id),
        entry_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        result TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (invitation_id, entry_key)
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class AccountsDB(SQLiteFile):
    """Connections (one per thread) and transactions on the accounts file."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = 30_000):
        super().__init__(path, MIGRATIONS, setting="GRAPHSVC_ACCOUNTS_DB",
                         busy_timeout_ms=busy_timeout_ms, row_factory=sqlite3.Row)
