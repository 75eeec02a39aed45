"""Benchmark: import and export of generated actors/ties files on the SQLite store.

Writes an actors file and a ties file of the given sizes (invented ids),
then times, over several runs each on a fresh store: checking and writing a
first import, re-importing the same files (nothing changes), and exporting
each format. Prints the median and the range of the runs.

    python scripts/bench_import.py --actors 500 --ties 1000 10000 --runs 5
"""
from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore


def write_files(folder: Path, n_actors: int, n_ties: int, seed: int):
    rng = random.Random(seed)
    actors = folder / "actors.csv"
    with open(actors, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "nombre", "tipo", "país", "ciudad", "áreas temáticas"])
        for i in range(n_actors):
            w.writerow([f"a{i}", f"Actor {i}", rng.choice(["osc", "albergue", "red"]),
                        rng.choice(["México", "Estados Unidos", "GT"]), "Tijuana",
                        "salud; asesoría legal"])
    ties = folder / "ties.csv"
    seen = set()
    with open(ties, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["origen", "destino", "tipo", "monto", "moneda", "año"])
        while len(seen) < n_ties:
            a, b = rng.sample(range(n_actors), 2)
            kind = rng.choice(["formal", "informal", "financiamiento"])
            year = rng.randint(2015, 2023) if kind == "financiamiento" else ""
            key = (kind, a, b, year) if kind == "financiamiento" else (kind, *sorted((a, b)))
            if key in seen:
                continue
            seen.add(key)
            money = (str(rng.randint(1, 10**6)), "USD") if kind == "financiamiento" else ("", "")
            w.writerow([f"a{a}", f"a{b}", kind, *money, year])
    return actors, ties


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def report(label, times):
    print(f"  {label:<28} median {statistics.median(times):7.3f} s   "
          f"min {min(times):7.3f}   max {max(times):7.3f}   ({len(times)} runs)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--actors", type=int, default=500)
    ap.add_argument("--ties", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    for n_ties in args.ties:
        print(f"{args.actors} actors, {n_ties} ties:")
        results = {k: [] for k in ("first import", "re-import (no change)",
                                   "export json", "export csv", "export graphml",
                                   "export gexf")}
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                actors, ties = write_files(tmp, args.actors, n_ties, args.seed)
                svc = GraphService(SQLiteStore(tmp / "bench.db"))
                results["first import"].append(timed(partial(svc.import_files, actors, ties)))
                results["re-import (no change)"].append(
                    timed(partial(svc.import_files, actors, ties)))
                for fmt, out in (("json", "g.json"), ("csv", "csv"),
                                 ("graphml", "g.graphml"), ("gexf", "g.gexf")):
                    svc.snapshot()  # time the writer, not the first snapshot
                    results[f"export {fmt}"].append(
                        timed(partial(svc.export, fmt, tmp / out)))
                svc.close()
        for label, times in results.items():
            report(label, times)


if __name__ == "__main__":
    main()
