"""Analyses computed off the request: readers get the last results at once.

After a write the store's version moves and every cached analysis is for an
older version. Rather than make the next reader wait while the analysis is
computed again (at 10,000 actors exact betweenness alone took most of 19 s),
:meth:`BackgroundAnalyses.served` answers with the newest result it has for
an older version, marked with that version and as *updating*, and hands the
computation for the current version to a background thread. When it is done
the result goes into the service's one cache (:mod:`graphsvc.cache`) and the
next request gets it. A reader who asks for fresh numbers (``fresh=True``:
``?fresh=1`` on a page or the API) waits for them instead.

Several processes (gunicorn workers) share one results file, a small SQLite
file beside the store (the ``ANALYSES_DB`` setting), keyed like the cache:
(visibility, analysis, parameters) and the store version. A result computed
by one process is read by the others, and kept across restarts, so a new
worker also has previous numbers to show. One computation per key across
processes: the process that computes holds an exclusive lock on a lock file
named after the key (``flock``, released by the system if the process
dies); another process that wants the same key waits for the lock in its
background thread, then reads the result from the file.

For tests and demonstrations, the environment variable
``GRAPHSVC_ANALYSIS_DELAY`` (seconds) makes every background computation
sleep that long before it starts, so a slow analysis can be watched with a
small graph.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .cache import MISSING, CacheKey, freeze

if TYPE_CHECKING:
    from .service import GraphService

__all__ = ["AnalysisResults", "BackgroundAnalyses", "Served", "DELAY_VARIABLE"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Environment variable: seconds every background computation sleeps first.
DELAY_VARIABLE = "GRAPHSVC_ANALYSIS_DELAY"

_local = threading.local()


@dataclass(frozen=True)
class Served(Generic[T]):
    """A result and the store version it was computed for.

    ``current`` is the store's version when it was asked for; ``updating``
    is True when the result is older and a newer one is being computed.
    """

    value: T
    version: int
    current: int

    @property
    def updating(self) -> bool:
        return self.version != self.current

    def status(self) -> dict:
        """``{"version", "current_version", "updating"}`` for an answer."""
        return {"version": self.version, "current_version": self.current,
                "updating": self.updating}


def _slot_id(key: CacheKey) -> str:
    return hashlib.sha256(repr(key.slot).encode()).hexdigest()[:32]


class AnalysisResults:
    """Results shared by the processes of one deployment, in a SQLite file.

    One row per (analysis slot, version): the slot is the cache key without
    its version. Only the two newest versions of a slot are kept. Values are
    pickled: the file is as private as the store beside it.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.locks = self.path.with_name(self.path.name + ".locks")
        self.locks.mkdir(exist_ok=True)
        self._local = threading.local()
        with self._conn() as c:
            c.execute("CREATE TABLE IF NOT EXISTS results (slot TEXT NOT NULL, "
                      "version INTEGER NOT NULL, computed_at REAL NOT NULL, "
                      "pid INTEGER NOT NULL, value BLOB NOT NULL, "
                      "PRIMARY KEY (slot, version))")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def get(self, key: CacheKey) -> Any:
        """The result stored for ``key`` (its version exactly), or MISSING."""
        row = self._conn().execute("SELECT value FROM results WHERE slot = ? AND version = ?",
                                   (_slot_id(key), key.version)).fetchone()
        return MISSING if row is None else pickle.loads(row[0])

    def latest(self, key: CacheKey) -> tuple[int, Any] | None:
        """``(version, result)``: the newest stored for an older version."""
        row = self._conn().execute(
            "SELECT version, value FROM results WHERE slot = ? AND version < ? "
            "ORDER BY version DESC LIMIT 1", (_slot_id(key), key.version)).fetchone()
        return None if row is None else (row[0], pickle.loads(row[1]))

    def put(self, key: CacheKey, value: Any) -> None:
        slot = _slot_id(key)
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._conn() as c:
            c.execute("INSERT OR REPLACE INTO results(slot, version, computed_at, pid, value) "
                      "VALUES (?, ?, ?, ?, ?)", (slot, key.version, time.time(), os.getpid(),
                                                 blob))
            c.execute("DELETE FROM results WHERE slot = ? AND version < (SELECT min(version) "
                      "FROM (SELECT version FROM results WHERE slot = ? "
                      "ORDER BY version DESC LIMIT 2))", (slot, slot))

    def computations(self) -> list[tuple[str, int, int]]:
        """``(slot, version, pid)`` of every stored result (tests, diagnostics)."""
        return self._conn().execute("SELECT slot, version, pid FROM results "
                                    "ORDER BY computed_at").fetchall()

    @contextlib.contextmanager
    def claim(self, key: CacheKey):
        """Hold the key's lock file: one process at a time computes it."""
        import fcntl

        path = self.locks / f"{_slot_id(key)}.{key.version}.lock"
        with open(path, "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # waits while another process holds it
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
                with contextlib.suppress(OSError):
                    path.unlink()


class BackgroundAnalyses:
    """The background computations of one service (one per process).

    Parameters
    ----------
    service : GraphService
        Whose store, snapshots and cache the analyses use.
    results : AnalysisResults, optional
        The results file shared with other processes; without it results
        live in this process's cache only.
    """

    def __init__(self, service: GraphService, results: AnalysisResults | None = None):
        self.service = service
        self.results = results
        self._lock = threading.Lock()
        self._queued: set[CacheKey] = set()
        self._pid: int | None = None
        self._queue: queue.Queue = queue.Queue()

    # --- what a request calls ------------------------------------------------

    def served(self, include_restricted: bool, name: str,
               compute: Callable[[Any], T], params: Any = (), *,
               fresh: bool = False, as_of=None) -> Served[T]:
        """``compute(snapshot)`` for the current version, or the previous result.

        The current version's result when it is ready (in this process's
        cache or in the results file); otherwise, when an older result
        exists, that one (``updating``) while the current one is computed in
        the background. ``fresh=True``, a computation already running in the
        background, and an analysis never computed before on this data wait
        for the current result. ``as_of`` is the day of the snapshot (default
        today; see :func:`graphsvc.snapshot.as_of_key`), part of the key.
        """
        from .snapshot import as_of_key

        cache = self.service.cache
        cache.keep_previous.add(name)
        version = self.service.store.version()
        key = CacheKey(version, include_restricted, name, freeze(params),
                       as_of=as_of_key(as_of))
        hit = cache.peek(key)
        if hit is not MISSING:
            return Served(hit, version, version)
        if self.results is not None:
            stored = self.results.get(key)
            if stored is not MISSING:
                return Served(cache.get(key, lambda: stored), version, version)
        if fresh or getattr(_local, "inside", False):
            return Served(self._compute(key, compute), version, version)
        before = cache.previous(key)
        if before is None and self.results is not None:
            before = self.results.latest(key)
        if before is None:
            return Served(self._compute(key, compute), version, version)
        self._submit(key, compute)
        return Served(before[1], before[0], version)

    # --- computing -----------------------------------------------------------

    def _compute(self, key: CacheKey, compute: Callable[[Any], T]) -> T:
        """The result for ``key``, computed at most once per process (the
        cache) and per deployment (the results file and its lock)."""
        def produce():
            if self.results is None:
                return self._run(key, compute)
            with self.results.claim(key):
                stored = self.results.get(key)  # another process may have done it
                if stored is not MISSING:
                    return stored
                value = self._run(key, compute)
                self.results.put(key, value)
                return value
        return self.service.cache.get(key, produce)

    def _run(self, key: CacheKey, compute):
        outer = getattr(_local, "inside", False)
        _local.inside = True  # analyses it asks for are computed, not served stale
        try:
            delay = float(os.environ.get(DELAY_VARIABLE) or 0)
            if delay > 0:
                time.sleep(delay)
            t0 = time.perf_counter()
            value = compute(self.service.snapshot(key.restricted, key.as_of))
            log.info("computed %s (version %d, restricted=%s) in %.1f s", key.name,
                     key.version, key.restricted, time.perf_counter() - t0)
            return value
        finally:
            _local.inside = outer

    def _submit(self, key: CacheKey, compute) -> None:
        with self._lock:
            if self._pid != os.getpid():  # first use, or a forked worker
                self._pid = os.getpid()
                self._queued = set()
                self._queue = queue.Queue()
                threading.Thread(target=self._work, name="graphsvc-analyses",
                                 daemon=True).start()
            if key in self._queued:
                return
            self._queued.add(key)
            self._queue.put((key, compute))

    def _work(self) -> None:
        q = self._queue
        while True:
            key, compute = q.get()
            try:
                if key.version == self.service.store.version():  # not outdated meanwhile
                    self._compute(key, compute)
            except Exception:
                log.exception("background analysis %s failed", key.name)
            finally:
                with self._lock:
                    self._queued.discard(key)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until nothing is queued or computing (tests, scripts)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if not self._queued:
                    return True
            time.sleep(0.02)
        return False
