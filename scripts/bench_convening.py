"""A convening plan of 20 against a random list and the 20 most central actors.

On the illustrative network (invented ties: illustrative, not fact), prints
for each list the number of first-time cross-border pairs (pairs of
invitees from different countries with no tie between them), and also the
first-time cross-silo pairs and all first-time pairs: the plan for several
seeds (its seed orders ties and seeds the partition), random lists for
several seeds (median, min-max), and the 20 actors with the most distinct
contacts. Also the plan's wall and CPU time.

Usage: python scripts/bench_convening.py [--size 20] [--seeds 10] [--synthetic N]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphsvc.queries.communities import snapshot_partition
from graphsvc.queries.introductions.convening import first_time_pairs, plan_convening
from graphsvc.queries.projection import project
from graphsvc.synthetic import illustrative_snapshot, synthetic_network


def counts(G, invitees) -> tuple[int, int, int]:
    pairs = first_time_pairs(G, invitees)
    return (sum(1 for p in pairs if p[2]), sum(1 for p in pairs if p[3]), len(pairs))


def spread(values) -> str:
    return f"median {statistics.median(values):g} ({min(values)}-{max(values)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=20)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--synthetic", type=int, default=0, metavar="N",
                    help="use a synthetic network of N actors instead")
    args = ap.parse_args()
    if args.synthetic:
        G = synthetic_network(args.synthetic, seed=3)
        print(f"synthetic network: {len(G)} actors, {G.number_of_edges()} ties")
    else:
        G = illustrative_snapshot()
        if G is None:
            sys.exit("this build has no illustrative network")
        print(f"ILLUSTRATIVE network (invented ties): {len(G)} actors, "
              f"{G.number_of_edges()} ties")
    k = args.size
    rows = []
    walls, cpus = [], []
    for s in range(args.seeds):
        part = snapshot_partition(G, seed=s)
        t, c = time.perf_counter(), time.process_time()
        p = plan_convening(G, k, seed=s, partition=part)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        rows.append(counts(G, [i["id"] for i in p["invitees"]]))
    rand = [counts(G, random.Random(s).sample(sorted(G), k)) for s in range(args.seeds)]
    H = project(G)
    central = counts(G, sorted(H, key=lambda n: (-H.degree(n), str(n)))[:k])
    print(f"first-time pairs among {k} invitees, {args.seeds} seeds "
          "(cross-border / cross-silo / all):")
    for label, got in (("convening plan", rows), ("random list", rand)):
        print(f"  {label:<16} cross-border {spread([r[0] for r in got])}, "
              f"cross-silo {spread([r[1] for r in got])}, all {spread([r[2] for r in got])}")
    print(f"  {'most central ' + str(k):<16} cross-border {central[0]}, "
          f"cross-silo {central[1]}, all {central[2]}")
    print(f"  plan per seed (cross-border): {[r[0] for r in rows]}")
    print(f"  random per seed (cross-border): {[r[0] for r in rand]}")
    print(f"plan time: wall {spread([round(w, 3) for w in walls])} s, "
          f"CPU {spread([round(c, 3) for c in cpus])} s (partition computed beforehand)")


if __name__ == "__main__":
    main()
