"""Building the snapshot from the embedded SQLite store, over several runs.

Usage: python scripts/bench_snapshot.py [--ties 100000] [--runs 5] [--seed 7]

Loads a synthetic graph of about ``--ties`` ties over ``--ties // 10`` actors
(:func:`graphsvc.synthetic.synthetic_records`, half the records restricted)
into a temporary SQLite file, then times ``store.snapshot()`` (every record,
as an analyst sees it) and the viewer's graph made from it
(:func:`graphsvc.snapshot.reader_graph`). Prints the median and min-max of
wall time with CPU time beside it, and the machine's load average (the
machine may be shared: compare medians).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphsvc.snapshot import reader_graph
from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.synthetic import synthetic_records


def timed(fn, runs):
    walls, cpus = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return out, walls, cpus


def line(name, walls, cpus):
    print(f"{name:42} median {statistics.median(walls):6.3f} s "
          f"(min {min(walls):.3f}, max {max(walls):.3f}); CPU median "
          f"{statistics.median(cpus):.3f} s")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ties", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    actors, ties = synthetic_records(max(10, args.ties // 10), args.seed,
                                     ties_per_actor=10, visibility=0.5, id_prefix="syn-a")
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "graph.db")
        store.upsert(actors, ties)
        print(f"{len(actors):,} actors, {len(ties):,} ties in SQLite; load average "
              f"{os.getloadavg()[0]:.1f} before, {args.runs} runs")
        G, walls, cpus = timed(store.snapshot, args.runs)
        line("store.snapshot() (every record)", walls, cpus)
        _, walls, cpus = timed(lambda: reader_graph(G, restricted=False), args.runs)
        line("reader_graph (a viewer's graph from it)", walls, cpus)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        store.close()


if __name__ == "__main__":
    main()
