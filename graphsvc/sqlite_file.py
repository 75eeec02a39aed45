"""One SQLite file shared by many threads, with a versioned schema.

The embedded graph store and the accounts file both sit on it: a connection
per thread in WAL mode (readers never wait for a writer), writers that take
the lock up front (``BEGIN IMMEDIATE``) and wait up to ``busy_timeout_ms``
for it rather than fail, and migrations tracked by ``PRAGMA user_version``.
"""
from __future__ import annotations

import functools
import inspect
import logging
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreUnavailable

__all__ = ["SQLiteFile", "statements", "store_error", "guarded", "BACKUP_HINT"]

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


#: Where to look when a file is damaged (docs/deployment.md, "Backups and damage").
BACKUP_HINT = ("Stop the service, run 'graphsvc check' to confirm, then restore the file "
               "from a backup ('graphsvc backup') or import the last JSON export into a "
               "new file (docs/deployment.md, Backups).")

# (what SQLite says, what it means, what to do); the first that matches wins.
_CAUSES = (
    (("malformed", "not a database", "file is encrypted"), "the file is damaged",
     BACKUP_HINT),
    (("readonly", "read-only"), "the file (or its folder) is read-only",
     "Make the file, its folder and its -wal and -shm files writable by the user the "
     "service runs as; nothing was written."),
    (("disk is full", "database or disk is full"), "the disk is full",
     "Free disk space (or move the file with its setting); nothing was written."),
    (("disk i/o error",), "the disk could not be read or written",
     "Check the disk and the file system; then run 'graphsvc check'."),
    (("locked", "busy"), "the file is locked by another writer for too long",
     "Try again in a moment; if it persists, look for a stuck process."),
    (("unable to open",), "the file cannot be opened",
     "Check that the folder exists and is writable."),
)


def store_error(path: str | Path, exc: sqlite3.Error, what: str = "graph database",
                setting: str = "GRAPHSVC_DB") -> StoreUnavailable:
    """SQLite's error on ``path`` as :class:`StoreUnavailable`: one line saying
    what is wrong with the file and what to do (the web app answers 503)."""
    text = str(exc)
    reason, hint = text, (f"Check the file, or point {setting} at another one.")
    for needles, meaning, todo in _CAUSES:
        if any(n in text.lower() for n in needles):
            reason, hint = f"{meaning} ({text})", todo
            break
    return StoreUnavailable(str(path), reason, hint=hint, what=what)


def _is_store_error(exc: BaseException) -> bool:
    # IntegrityError and ProgrammingError are mistakes in our SQL, not the disk's.
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError))


def guarded(what: str, setting: str):
    """Class decorator: every public method of the class turns a failure of
    the SQLite file (damaged, read-only, disk full, locked) into
    :class:`StoreUnavailable` naming the file (its ``path`` attribute), so
    no caller ever sees a raw ``sqlite3`` error or traceback."""

    def wrap(fn):
        @functools.wraps(fn)
        def method(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except sqlite3.Error as exc:
                if not _is_store_error(exc):
                    raise
                raise store_error(getattr(self, "path", "?"), exc, what, setting) from exc
        return method

    def deco(cls):
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_"):
                continue
            if isinstance(inspect.getattr_static(cls, name), (staticmethod, classmethod)):
                continue
            setattr(cls, name, wrap(member))
        return cls

    return deco


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
        except sqlite3.Error as exc:
            raise store_error(self.path, exc, setting=setting,
                              what="accounts file" if "ACCOUNTS" in setting
                              else "graph database") from exc
        except OSError as exc:
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
            conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk,
            # an I/O error): a second ROLLBACK would hide the first error.
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    log.warning("%s: rollback failed", self.path, exc_info=True)
            raise

    def check(self, quick: bool = False) -> list[str]:
        """SQLite's integrity check of the whole file (``quick``: the faster
        check, without verifying indexes against their tables): the problems
        found, none when the file is sound."""
        pragma = "quick_check" if quick else "integrity_check"
        rows = self.conn().execute(f"PRAGMA {pragma}").fetchall()
        problems = [line for r in rows for line in str(r[0]).splitlines()
                    if line.strip() and not line.startswith("***")]
        return [] if problems == ["ok"] else problems

    def backup(self, target: str | Path) -> None:
        """Copy the file to ``target`` with SQLite's online backup API: a
        consistent copy, taken while others keep reading and writing."""
        dest = sqlite3.connect(str(target))
        try:
            self.conn().backup(dest)
        finally:
            dest.close()

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
