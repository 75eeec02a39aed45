"""What reading the graph as of a day costs beside the plain analysis.

Usage: python scripts/bench_asof.py [--actors 10000] [--runs 3]
                                    [--analyses indicators actor_metrics]

A real SQLite store holds a synthetic network (``--actors`` actors, about
three ties each) whose ties carry seeded dates: 70% a ``since`` between 2010
and 2024, 20% of those an ``until`` after it. For each analysis, each run
opens a fresh service (cold cache), builds the store's snapshot once, then
times

- **plain**: the analysis of every tie ever recorded (``as_of="all"``, the
  behaviour before the graph had dates);
- **as of, all in force**: the analysis as of a day on which every tie of a
  second store is in force (same ties, dates moved before that day): the
  pure cost of dating, the same graph analysed;
- **as of, the store's mix**: the analysis as of 2020-06-30 on the first
  store (fewer ties in force, so usually cheaper).

Each as-of time includes building the dated graph through the gate. Prints
the median and range over ``--runs`` of wall and CPU time, and the ratio of
medians to plain. Timings depend on the machine.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.service import GraphService  # noqa: E402
from graphsvc.stores.sqlite import SQLiteStore  # noqa: E402
from graphsvc.synthetic import synthetic_records  # noqa: E402

DAY = "2020-06-30"
ALL_IN_FORCE_DAY = "2030-01-01"


def dated(ties, seed: int, all_in_force: bool):
    rng = random.Random(seed)
    out = []
    for t in ties:
        since = until = None
        if rng.random() < 0.7:
            since = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 15 * 365))
            if rng.random() < 0.2:
                until = since + dt.timedelta(days=rng.randint(30, 5 * 365))
                if all_in_force:  # ends after the day everything is read on
                    until = dt.date(2031, 1, 1) + dt.timedelta(days=rng.randint(0, 365))
        out.append(t.model_copy(update={"since": since, "until": until}))
    return out


def make_store(folder: Path, name: str, n: int, all_in_force: bool) -> Path:
    path = folder / f"{name}.db"
    actors, ties = synthetic_records(n, 7, visibility="public")
    store = SQLiteStore(path)
    store.upsert(actors, dated(ties, 11, all_in_force))
    store.close()
    return path


def timed(f):
    w0, c0 = time.perf_counter(), time.process_time()
    result = f()
    return time.perf_counter() - w0, time.process_time() - c0, result


def one_run(path: Path, name: str, as_of: str) -> tuple[float, float, int]:
    svc = GraphService(SQLiteStore(path))
    svc.snapshot(as_of="all")  # the store's snapshot: shared by both paths
    wall, cpu, _r = timed(lambda: svc.analysis(name, as_of=as_of))
    ties = svc.snapshot(as_of=as_of).number_of_edges()
    svc.close()
    return wall, cpu, ties


def summary(xs: list[float]) -> str:
    return f"{statistics.median(xs):7.2f} s ({min(xs):.2f}-{max(xs):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--actors", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--analyses", nargs="+", default=["indicators", "actor_metrics"])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mix = make_store(Path(tmp), "mix", args.actors, all_in_force=False)
        same = make_store(Path(tmp), "same", args.actors, all_in_force=True)
        cases = [("plain (all time)", same, "all"),
                 (f"as of {ALL_IN_FORCE_DAY}, all in force", same, ALL_IN_FORCE_DAY),
                 (f"as of {DAY}, the store's mix", mix, DAY)]
        print(f"{args.actors} actors, {args.runs} runs, wall (CPU) medians and ranges")
        for name in args.analyses:
            one_run(same, name, ALL_IN_FORCE_DAY)  # warm-up: imports, first calls
            walls: dict = {c[0]: [] for c in cases}
            cpus: dict = {c[0]: [] for c in cases}
            ties: dict = {}
            # Cases take turns within each run, so a busy moment of a shared
            # machine falls on all of them alike.
            for _ in range(args.runs):
                for label, path, as_of in cases:
                    w, c, ties[label] = one_run(path, name, as_of)
                    walls[label].append(w)
                    cpus[label].append(c)
            plain = statistics.median(walls[cases[0][0]])
            plain_cpu = statistics.median(cpus[cases[0][0]])
            for label, _path, _as_of in cases:
                print(f"{name:14} {label:34} {ties[label]:6} ties  wall "
                      f"{summary(walls[label])}  CPU {summary(cpus[label])}  "
                      f"x{statistics.median(walls[label]) / plain:.2f} wall, "
                      f"x{statistics.median(cpus[label]) / plain_cpu:.2f} CPU", flush=True)


if __name__ == "__main__":
    main()
