"""Time SQLite's quick and full integrity checks (``graphsvc check``; the
quick one also runs before every import) on synthetic stores.

    python scripts/bench_check.py [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.synthetic import fill_store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for n in (10_000, 50_000):
        with tempfile.TemporaryDirectory() as tmp:
            store = SQLiteStore(Path(tmp) / "g.db")
            fill_store(store, n)
            size = os.path.getsize(Path(tmp) / "g.db") / 2**20
            for quick in (True, False):
                walls, cpus = [], []
                for _ in range(args.runs):
                    t, c = time.perf_counter(), time.process_time()
                    assert store.check(quick) == []
                    walls.append(time.perf_counter() - t)
                    cpus.append(time.process_time() - c)
                print(f"{n:,} actors, {store.counts()['ties']:,} ties ({size:.0f} MB), "
                      f"{'quick check' if quick else 'integrity check'}: median "
                      f"{statistics.median(walls) * 1000:.0f} ms (min {min(walls) * 1000:.0f}, "
                      f"max {max(walls) * 1000:.0f}), CPU {statistics.median(cpus) * 1000:.0f} ms")
            store.close()


if __name__ == "__main__":
    main()
