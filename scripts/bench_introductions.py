"""Benchmark suggested introductions on a 10,000-actor synthetic network.

Prints figures over several runs (not a test; timings depend on the machine):

- suggestions for one actor on a cached snapshot (target < 200 ms): the first
  call on a snapshot builds the per-snapshot index (adjacency, attributes,
  Louvain communities); later calls reuse it, as the service's cached
  snapshot does. Both are reported.
- a 20-introduction plan for 10,000 actors (target < 30 s), each goal.

Usage: python scripts/bench_introductions.py [--actors 10000] [--runs 5] [--seed 0]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphsvc.queries.introductions import plan_introductions, suggest_introductions
from graphsvc.queries.introductions._index import index_for
from graphsvc.synthetic import synthetic_network

CPU: list[float] = []  # CPU seconds of the last timed call, beside wall-clock


def timed(fn):
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    CPU.append(time.process_time() - c)
    return time.perf_counter() - t, out


def summary(label, secs, unit="ms", scale=1000):
    # Wall-clock is what a user waits; CPU time shows the cost when other
    # processes share the machine.
    xs = [s * scale for s in secs]
    cpu = [c * scale for c in CPU[-len(secs):]]
    print(f"{label:<52} wall median {statistics.median(xs):8.1f} {unit} "
          f"(min {min(xs):.1f}, max {max(xs):.1f}); CPU median "
          f"{statistics.median(cpu):.1f} {unit}; runs {len(xs)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--actors", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--plan-runs", type=int, default=3)
    args = ap.parse_args()

    t, G = timed(lambda: synthetic_network(args.actors, seed=args.seed))
    print(f"synthetic network: {G.number_of_nodes()} actors, {G.number_of_edges()} ties "
          f"(built in {t:.1f} s)")
    cold = []
    for r in range(args.runs):
        G.graph["version"] = f"bench-{r}"  # a new snapshot version: index rebuilt
        cold.append(timed(lambda: index_for(G).communities)[0])
    summary("per-snapshot index incl. Louvain (once/version)", cold, "s", 1)

    rng = random.Random(args.seed)
    civil = sorted(n for n, a in G.nodes(data=True) if a["country"] == "MX"
                   and a["kind"] in ("cso", "shelter"))
    actors = rng.sample(civil, args.runs * 4)
    for mode in ("open", "peer", "policymaker", "funder"):
        secs = []
        for a in actors:
            secs.append(timed(partial(suggest_introductions, G, a, mode, limit=10))[0])
        summary(f"suggest --limit 10, mode {mode} (cached snapshot)", secs)

    # In the synthetic network every pair of large communities already has
    # some tie, so the bridges goal asks for 8 between each pair.
    for goal, kw in (("policymaker_reach", {}), ("community_bridges", {"min_ties": 8})):
        secs, last = [], None
        for r in range(args.plan_runs):
            G.graph["version"] = f"bench-plan-{goal}-{r}"  # cold: index rebuilt too
            t, last = timed(partial(plan_introductions, G, 20, goal, **kw))
            secs.append(t)
        summary(f"plan k=20 goal {goal} (cold snapshot)", secs, "s", 1)
        print(f"    indicator {last['before']['value']:.3f} -> {last['after']['value']:.3f}, "
              f"{len(last['steps'])} introductions")


if __name__ == "__main__":
    main()
