"""One SQLite file shared by many threads, with a versioned schema.

The embedded graph store and the accounts file both sit on it: a connection
per thread in WAL mode (readers never wait for a writer), writers that take
the lock up front (``BEGIN IMMEDIATE``) and wait up to ``busy_timeout_ms``
for it rather than fail, and migrations tracked by ``PRAGMA user_version``.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreUnavailable

__all__ = ["SQLiteFile", "statements"]

log = logging.getLogger(__name__)


def statements(script: str) -> list[str]:
    """Split a migration script into statements, keeping triggers whole."""
    out, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        text = "\n".join(buf).strip()
        if text.endswith(";") and (not text.upper().startswith("CREATE TRIGGER")
                                   or text.upper().endswith("END;")):
            out.append(text)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out


class SQLiteFile:
    """Connections (one per thread) and transactions on one SQLite file.

    ``migrations[i]`` is the script taking the schema from version i to
    i + 1; ``setting`` names the configuration key that moves the file, for
    the error a user sees when it cannot be opened.
    """

    def __init__(self, path: str | Path, migrations: Sequence[str], *, setting: str,
                 busy_timeout_ms: int = 30_000, row_factory=None,
                 pragmas: Sequence[str] = ()):
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._migrations = list(migrations)
        self._row_factory = row_factory
        self._pragmas = tuple(pragmas)
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(
                str(self.path), str(exc),
                hint="Check that the folder exists and is writable, or point "
                f"{setting} at another file.") from exc
        log.debug("opened %s (schema version %d)", self.path, self.schema_version)

    @property
    def schema_version(self) -> int:
        return len(self._migrations)

    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            if self._row_factory is not None:
                conn.row_factory = self._row_factory
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            for pragma in self._pragmas:  # literals from this package, never input
                conn.execute(f"PRAGMA {pragma}")
            self._local.conn = conn
        return conn

    @contextmanager
    def tx(self, write: bool = True):
        conn = self.conn()
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _migrate(self) -> None:
        # Check first without the write lock, so opening a file never waits
        # behind a long write that is already running.
        target = self.schema_version
        if self.conn().execute("PRAGMA user_version").fetchone()[0] == target:
            return
        with self.tx() as c:
            current = c.execute("PRAGMA user_version").fetchone()[0]
            if current > target:
                raise sqlite3.DatabaseError(
                    f"the file has schema version {current}, newer than this "
                    f"graphsvc understands ({target}); upgrade graphsvc")
            for i in range(current, target):
                for stmt in statements(self._migrations[i]):
                    c.execute(stmt)
            c.execute(f"PRAGMA user_version = {target}")
        if current == 0:
            log.info("%s: created (schema version %d)", self.path, target)
        else:
            log.info("%s: schema migrated from version %d to %d", self.path, current, target)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
