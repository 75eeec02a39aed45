"""The introductions evaluation over several seeds and splits, in one table.

For every seed, runs ``graphsvc introductions evaluate`` both ways:

- on time (``--split-date``): the synthetic networks of 400 and 1,000 actors
  with future ties planted after the split (their structure does not depend
  on the day, so one split is enough), and the illustrative network at each
  split date;
- hidden ties (10% hidden): the synthetic networks and the illustrative
  network.

and prints, per seed and split, precision@k of the tuned recommender (weights
tuned on the training split only, see
``graphsvc/queries/introductions/tuning.py``), of the recommender with the
live weights, and of the best baseline, and whether the tuned recommender
leads every baseline. ``--full`` also prints every table as the command
prints it. Not a test: it takes a few minutes.

Usage: python scripts/evaluate_introductions.py [--seeds 0 1 2 3 4]
       [--split-dates 2021-01-01 2022-01-01] [--mode open] [--boot 200] [--full]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphsvc.queries.introductions.evaluate import (
    RECOMMENDERS,
    evaluate_hidden_ties,
    format_table,
)
from graphsvc.queries.introductions.time_split import evaluate_time_split, format_time_table
from graphsvc.synthetic import evaluation_graphs


def best_baseline(ms):
    rivals = {m: v["precision"] for m, v in ms.items() if m not in RECOMMENDERS}
    best = max(rivals, key=lambda m: rivals[m])
    return best, rivals[best]


def row(kind, graph, split, seed, ms, evaluated):
    best, p = best_baseline(ms)
    tuned, live = ms["tuned_recommender"]["precision"], ms["recommender"]["precision"]
    lead = "yes" if round(tuned, 9) > round(p, 9) else "**no**"
    return (f"| {kind} | {graph} | {split} | {seed} | {evaluated} | {tuned:.4f} | {live:.4f} "
            f"| {best} {p:.4f} | {lead} |")


def short(name):
    if name.startswith("synthetic"):
        return "synthetic " + name.split()[1].removeprefix("n=")
    return "illustrative" if name.startswith("illustrative") else name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--split-dates", nargs="+", default=["2021-01-01", "2022-01-01"])
    ap.add_argument("--hide", type=float, default=0.1)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--mode", default="open")
    ap.add_argument("--boot", type=int, default=200)
    ap.add_argument("--full", action="store_true", help="also print every table")
    args = ap.parse_args()

    rows = []
    t0, c0 = time.perf_counter(), time.process_time()
    for seed in args.seeds:
        runs = []
        for i, day in enumerate(args.split_dates):
            for name, G in evaluation_graphs(("synthetic", "illustrative") if i == 0
                                             else ("illustrative",), seed=seed,
                                             split_date=day):
                if isinstance(G, str):
                    print(f"{name}: not evaluated ({G})")
                    continue
                r = evaluate_time_split(G, day, k=args.k, seed=seed, modes=(args.mode,),
                                        boot=args.boot, name=name)
                mr = r["modes"][args.mode]
                rows.append(row("time", short(name), day, seed, mr["methods"],
                                mr["evaluated"]))
                runs.append(format_time_table([r]))
        for name, G in evaluation_graphs(("synthetic", "illustrative"), seed=seed):
            if isinstance(G, str):
                continue
            r = evaluate_hidden_ties(G, hide=args.hide, k=args.k, seed=seed, name=name)
            rows.append(row("hidden", short(name), f"{args.hide:.0%} hidden", seed,
                            r["methods"], r["evaluated"]))
            runs.append(format_table([r]))
        if args.full:
            print("\n".join(runs))
        print(f"seed {seed} done ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    k = args.k
    print(f"precision@{k}, mode {args.mode}; tuned = weights tuned on the training split "
          "only; live = the live suggestions' weights")
    print()
    print("| method | network | split | seed | actors evaluated | tuned | live "
          "| best baseline | tuned leads |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for line in rows:
        print(line)
    leads = sum(1 for line in rows if line.endswith("| yes |"))
    print()
    print(f"tuned recommender leads every baseline in {leads} of {len(rows)} rows; "
          f"wall {time.perf_counter() - t0:.0f} s, CPU {time.process_time() - c0:.0f} s")


if __name__ == "__main__":
    main()
