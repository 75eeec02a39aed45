"""How long building and loading the illustrative network takes.

Usage: python scripts/bench_illustrative.py [runs]

Prints, over several runs, the time to generate the network and the time to
load it into a fresh SQLite file and to reload it (the work ``graphsvc demo``
does before serving).
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphsvc.illustrative import build_illustrative, load_illustrative
from graphsvc.stores.sqlite import SQLiteStore


def main(runs: int = 5) -> None:
    build, load, reload = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        actors, ties = build_illustrative()
        build.append(time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as d:
            store = SQLiteStore(Path(d) / "bench.db")
            t0 = time.perf_counter()
            load_illustrative(store)
            load.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            load_illustrative(store)
            reload.append(time.perf_counter() - t0)
            store.close()
    print(f"network: {len(actors)} actors, {len(ties)} ties; {runs} runs")
    for name, xs in (("build", build), ("load into empty store", load),
                     ("reload", reload)):
        print(f"{name:>22}: median {statistics.median(xs) * 1000:7.1f} ms, "
              f"min {min(xs) * 1000:7.1f} ms, max {max(xs) * 1000:7.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
