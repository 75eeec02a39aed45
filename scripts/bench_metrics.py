"""Benchmark every per-actor metric against igraph's own C implementation.

By default (the targets): side by side in one run, on the same graph, the
same measures computed by graphsvc and by igraph (single-threaded, on a
prebuilt igraph graph): the hop measures (betweenness, closeness, harmonic,
reach within 2, hops to US policymakers and to funders) from graphsvc's
compiled kernel on the available cores against igraph's separate passes,
then the whole per-actor table (``actor_metrics``, from the snapshot: the
projection, every metric and the joins) against igraph computing every
measure it has (those, plus eigenvector, PageRank, Burt's constraint and
Louvain). Wall and CPU seconds, median and min-max over ``--runs``, the
ratio of medians, the load average before and after. Above
``--exact-limit`` actors the hop measures are timed from ``--sources``
sampled sources on both sides (the work per source is the same as in the
exact computation) and the exact time is extrapolated, and said so; then
graphsvc's exact computation runs once (every source) and its wall and CPU
time are printed (``--no-exact-large`` skips it); give ``--exact-limit``
above the size to run both sides whole.

    python scripts/bench_metrics.py                      # 10k exact; 100k sampled and exact
    python scripts/bench_metrics.py --no-exact-large     # 100k sampled and extrapolated only
    python scripts/bench_metrics.py --per-metric         # the table of every metric below

``--per-metric``: synthetic, seeded snapshots (:func:`graphsvc.synthetic.synthetic_network`) of
1,000 / 10,000 / 100,000 actors with ten ties per actor, in four planted
groups (80% of ties inside a group; about half the actors Mexican, a third
from the US). Each metric is timed over several
runs (min and median printed), beside igraph's time for the same measure on
a prebuilt igraph graph (no conversion). Then the error of the sampled
betweenness / closeness / harmonic estimates against the exact values is
measured on the 10,000-actor graph.

    python scripts/bench_metrics.py                 # 1k, 10k, 100k; 3 runs
    python scripts/bench_metrics.py --sizes 1000 --runs 5 --reference

The machine may be shared: times vary from run to run; compare medians.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import igraph as ig
import networkx as nx
import numpy as np

from graphsvc.queries import _engines, brokerage, centrality, communities, influence
from graphsvc.queries.metrics import actor_metrics
from graphsvc.queries.projection import project
from graphsvc.synthetic import synthetic_network


def synthetic_snapshot(n: int, ties_per_actor: int = 10, seed: int = 0) -> nx.MultiDiGraph:
    """A seeded invented snapshot: four planted groups, 80% of ties inside
    one (see :func:`graphsvc.synthetic.synthetic_network`)."""
    return synthetic_network(n, seed, ties_per_actor=ties_per_actor,
                             group_size=max(25, n // 4), p_triadic=0.0, p_group=0.8)


CPU = {}


def timed(fn, runs):
    """(min, median) wall seconds; the min CPU seconds go to CPU[fn]."""
    times, cpu = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[fn] = min(cpu)
    return min(times), statistics.median(times)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_size(n, runs, k, reference, ties_per_actor):
    if n > 20_000:
        runs = min(runs, 2)
    t0 = time.perf_counter()
    S = synthetic_snapshot(n, ties_per_actor)
    build = time.perf_counter() - t0
    H = project(S)
    g, _ = _engines.to_igraph(H, "weight")
    centrality.pagerank(H)  # warm igraph up once, so no metric pays for it
    print(f"\n== load average {os.getloadavg()[0]:.1f} ==")
    print(f"== {n:,} actors, {S.number_of_edges():,} ties ({H.number_of_edges():,} tied "
          f"pairs, mean degree {2 * H.number_of_edges() / n:.1f}); snapshot built in "
          f"{build:.1f} s ==")
    ours = [
        ("projection", lambda: project(S), None),
        ("degree_by_kind", lambda: centrality.degree_by_kind(S), None),
        ("betweenness", lambda: centrality.betweenness(H),
         lambda: g.betweenness(directed=False)),
        ("closeness", lambda: centrality.closeness(H), lambda: g.closeness()),
        ("harmonic", lambda: centrality.harmonic(H), lambda: g.harmonic_centrality()),
        ("eigenvector", lambda: centrality.eigenvector(H),
         lambda: g.eigenvector_centrality(weights="w")),
        ("pagerank", lambda: centrality.pagerank(H), lambda: g.pagerank(weights="w")),
        ("burt (esize, constraint)", lambda: brokerage.structural_holes(H, "weight"),
         lambda: g.constraint(weights="w")),
        ("brokerage roles", lambda: brokerage.brokerage_roles(H, "country"), None),
        ("louvain", lambda: communities.louvain(H, seed=0),
         lambda: g.community_multilevel(weights="w")),
        ("reach_2", lambda: influence.reach_counts(H, 2),
         lambda: g.neighborhood_size(order=2)),
    ]
    approx = [
        (f"betweenness k={k}", lambda: centrality.betweenness(H, k=k, seed=1)),
        (f"closeness k={k}", lambda: centrality.closeness(H, k=k, seed=1)),
        (f"harmonic k={k}", lambda: centrality.harmonic(H, k=k, seed=1)),
    ]
    exact_heavy = {"betweenness", "closeness", "harmonic"}
    skip_exact = n > 20_000
    print("each metric alone (converting the graph itself); igraph on a prebuilt graph")
    print(f"{'metric':30} {'ours min':>9} {'ours med':>9} {'ours cpu':>9} {'igraph min':>10} "
          f"{'ig cpu':>7} {'cpu ratio':>9}")
    tot = {"exact": 0.0, "approx": 0.0, "ig_same": 0.0, "ours_same": 0.0,
           "exact_cpu": 0.0, "approx_cpu": 0.0}
    for name, fn, igfn in ours:
        if skip_exact and name in exact_heavy:
            print(f"{name:30} {'(exact skipped at this size)':>40}")
            continue
        mn, med = timed(fn, runs)
        line = f"{name:30} {mn:9.3f} {med:9.3f} {CPU[fn]:9.3f}"
        if igfn is not None:
            imn, _ = timed(igfn, runs)
            tot["ig_same"] += CPU[igfn]
            tot["ours_same"] += CPU[fn]
            ratio = CPU[fn] / CPU[igfn] if CPU[igfn] else float("nan")
            line += f" {imn:10.3f} {CPU[igfn]:7.3f} {ratio:9.2f}"
        print(line)
        tot["exact"] += mn
        tot["exact_cpu"] += CPU[fn]
        if name not in exact_heavy:
            tot["approx"] += mn
            tot["approx_cpu"] += CPU[fn]
    for name, fn in approx:
        mn, med = timed(fn, runs)
        print(f"{name:30} {mn:9.3f} {med:9.3f} {CPU[fn]:9.3f}")
        tot["approx"] += mn
        tot["approx_cpu"] += CPU[fn]
    if not skip_exact:
        print(f"{'TOTAL every metric, exact':30} {tot['exact']:9.3f} {'':9} "
              f"{tot['exact_cpu']:9.3f}")
        print(f"{'  measures igraph has, cpu: ours':30} {tot['ours_same']:9.3f} vs igraph "
              f"{tot['ig_same']:.3f} -> {tot['ours_same'] / tot['ig_same']:.2f}x")
    print(f"{'TOTAL every metric, sampled':30} {tot['approx']:9.3f} {'':9} "
          f"{tot['approx_cpu']:9.3f}   (sum of the lines above)")
    whole_runs = 1 if n > 20_000 else runs
    if not skip_exact:
        fn = lambda: actor_metrics(S, seed=0)  # noqa: E731
        mn, med = timed(fn, whole_runs)
        print(f"{'actor_metrics, exact':30} {mn:9.3f} {med:9.3f} {CPU[fn]:9.3f}   "
              "(whole table from the snapshot: projection, every metric, joins)")
    fn = lambda: actor_metrics(S, k=k, seed=0)  # noqa: E731
    mn, med = timed(fn, whole_runs)
    print(f"{'actor_metrics, sampled k=' + str(k):30} {mn:9.3f} {med:9.3f} {CPU[fn]:9.3f}   "
          "(whole table from the snapshot)")
    if reference and n <= 10_000:
        import community as community_louvain
        print("NetworkX / python-louvain reference (pure Python), 1 run:")
        for name, fn in [("nx betweenness", lambda: nx.betweenness_centrality(H)),
                         ("nx closeness", lambda: nx.closeness_centrality(H)),
                         ("python-louvain", lambda: community_louvain.best_partition(
                             H, random_state=0))]:
            if name != "python-louvain" and n > 2000:
                continue
            mn, _ = timed(fn, 1)
            print(f"{name:30} {mn:9.3f}")
    print(f"peak RSS so far: {rss_mib():,.0f} MiB")
    return S, H


def sampling_error(H, ks, seed=1):
    print(f"\n== sampling error on {len(H):,} actors (vs exact; seed {seed}) ==")
    print("spearman: rank correlation with exact; median rel err over actors with "
          "exact > 0; top-100 overlap: of the exact top 100, how many the estimate puts "
          "in its top 100")
    exact = {"betweenness": centrality.betweenness(H),
             "closeness": centrality.closeness(H),
             "harmonic": centrality.harmonic(H)}
    from scipy.stats import spearmanr
    print(f"{'measure':12} {'k':>5} {'time s':>7} {'spearman':>9} {'median rel err':>15} "
          f"{'top-100 overlap':>16}")
    for name, fn in (("betweenness", centrality.betweenness),
                     ("closeness", centrality.closeness),
                     ("harmonic", centrality.harmonic)):
        ex = np.array([exact[name][v] for v in H])
        top = set(np.argsort(-ex)[:100])
        for k in ks:
            t0 = time.perf_counter()
            est = fn(H, k=k, seed=seed)
            dt = time.perf_counter() - t0
            es = np.array([est[v] for v in H])
            mask = ex > 0
            rel = np.median(np.abs(es[mask] - ex[mask]) / ex[mask])
            rho = spearmanr(ex, es).statistic
            overlap = len(top & set(np.argsort(-es)[:100]))
            print(f"{name:12} {k:5d} {dt:7.3f} {rho:9.4f} {rel:15.4f} {overlap:16d}")


def _runs(fn, runs):
    walls, cpus = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return walls, cpus


def _fmt(walls, cpus):
    return (f"wall {statistics.median(walls):8.2f} s ({min(walls):.2f}-{max(walls):.2f}), "
            f"CPU {statistics.median(cpus):8.2f} s")


def side_by_side(n, runs, sources, exact_limit, ties_per_actor, exact_large=False):
    """The targets: graphsvc vs igraph on one graph, in one run."""
    from graphsvc.queries import paths

    S = synthetic_snapshot(n, ties_per_actor)
    H = project(S)
    g, nodes = _engines.to_igraph(H, "weight")
    g = g.copy()  # igraph's own graph, built beforehand: no conversion in its times
    targets = {t: influence._target_pred(t) for t in ("us_policymakers", "funders")}
    idx = {t: [i for i, v in enumerate(nodes) if p(v, H.nodes[v])] for t, p in targets.items()}
    exact = n <= exact_limit
    threads = paths.threads_available()
    print(f"\n== {n:,} actors, {H.number_of_edges():,} tied pairs; "
          f"{'exact' if exact else f'{sources:,} sampled sources, extrapolated to {n:,}'}; "
          f"graphsvc kernel on {threads} threads, igraph single-threaded; {runs} runs; "
          f"load average {os.getloadavg()[0]:.1f} ==")
    rng = np.random.default_rng(0)
    src = None if exact else sorted(rng.choice(n, size=sources, replace=False).tolist())
    k = None if exact else sources

    def ours_paths():
        if exact:
            paths.path_measures(H, reach=2, targets=targets)
        else:
            paths.path_measures(H, k=k, seed=0)

    def igraph_paths():
        if exact:
            g.betweenness(directed=False)
            g.closeness(mode="in")
            g.harmonic_centrality(mode="in")
            g.neighborhood_size(order=2, mode="out")
            for t in idx.values():
                np.asarray(g.distances(source=t, mode="in")).min(axis=0)
        else:  # the same work per source: a search from each
            g.betweenness(directed=False, sources=src)
            g.closeness(vertices=src, mode="out")
            g.harmonic_centrality(vertices=src, mode="out")

    paths.path_measures(H.subgraph(nodes[:50]).copy())  # compile / load the kernel first
    ow, oc = _runs(ours_paths, runs)
    iw, ic = _runs(igraph_paths, runs)
    scale = 1.0 if exact else n / sources
    what = ("betweenness, closeness, harmonic, reach_2, hops x2" if exact
            else "betweenness, closeness, harmonic")
    print(f"hop measures ({what}):")
    print(f"  graphsvc kernel   {_fmt(ow, oc)}")
    print(f"  igraph            {_fmt(iw, ic)}")
    ratio = statistics.median(ow) / statistics.median(iw)
    print(f"  ratio of median wall times: {ratio:.2f} (target <= 0.6); CPU "
          f"{statistics.median(oc) / statistics.median(ic):.2f}")
    if not exact:
        # graphsvc's time includes converting the graph (once, whatever the
        # number of sources); only the searches are scaled up
        cw, cc = _runs(lambda: paths._csr(H), 1)
        print(f"  of which converting the graph (once per computation): wall {cw[0]:.2f} s, "
              f"CPU {cc[0]:.2f} s")
        ext_w = cw[0] + (statistics.median(ow) - cw[0]) * scale
        ext_c = cc[0] + (statistics.median(oc) - cc[0]) * scale
        print(f"  extrapolated to every source: graphsvc {ext_w / 60:.1f} min wall "
              f"({ext_c / 60:.1f} min CPU; {(ext_c - cc[0]) / n * 1e3:.1f} ms CPU per "
              f"source), igraph {statistics.median(iw) * scale / 60:.1f} min wall "
              f"({statistics.median(ic) * scale / 60:.1f} min CPU)")
        if exact_large:
            load0 = os.getloadavg()
            c0, t0 = time.process_time(), time.perf_counter()
            paths.path_measures(H)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            load1 = os.getloadavg()
            print(f"exact betweenness, closeness, harmonic (every source, graphsvc kernel on "
                  f"{threads} threads), 1 run: wall {wall / 60:.1f} min ({wall:.0f} s), CPU "
                  f"{cpu / 60:.1f} min (target: under 15 min wall); load average "
                  f"{load0[0]:.1f} before, {load1[0]:.1f} after "
                  f"(mean over the run about {load1[2]:.1f}, the 15-minute figure)")
    if exact:
        def ours_table():
            actor_metrics(S, seed=0)

        def igraph_table():
            igraph_paths()
            g.eigenvector_centrality(weights="w")
            g.pagerank(weights="w")
            g.constraint(weights="w")
            g.community_multilevel(weights="w")

        tw, tc = _runs(ours_table, runs)
        jw, jc = _runs(igraph_table, runs)
        print("every per-actor metric (graphsvc: the whole table from the snapshot; "
              "igraph: every measure it has):")
        print(f"  graphsvc actor_metrics {_fmt(tw, tc)}")
        print(f"  igraph                 {_fmt(jw, jc)}")
        print(f"  ratio of median wall times: "
              f"{statistics.median(tw) / statistics.median(jw):.2f} (target <= 0.6)")
    print(f"peak RSS: {rss_mib():,.0f} MiB; load average after {os.getloadavg()[0]:.1f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=None,
                    help="actors (default 10000 100000; 1000 10000 100000 with --per-metric)")
    ap.add_argument("--per-metric", action="store_true",
                    help="every metric alone beside igraph, and the sampling error")
    ap.add_argument("--sources", type=int, default=1000,
                    help="sampled sources above --exact-limit")
    ap.add_argument("--exact-limit", type=int, default=20_000,
                    help="largest size whose hop measures are timed whole")
    ap.add_argument("--exact-large", action=argparse.BooleanOptionalAction, default=True,
                    help="above --exact-limit, also run graphsvc's exact hop measures once "
                         "(every source; igraph's are extrapolated); on by default")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ties-per-actor", type=int, default=10)
    ap.add_argument("--sample", type=int, default=200, help="k for the sampled estimates")
    ap.add_argument("--error-ks", type=int, nargs="+", default=[50, 100, 200, 500])
    ap.add_argument("--reference", action="store_true",
                    help="also time pure NetworkX / python-louvain where feasible")
    args = ap.parse_args()
    if not args.per_metric:
        print(f"graphsvc vs igraph: python {platform.python_version()}, igraph "
              f"{ig.__version__}, {os.cpu_count()} cores; load average "
              f"{os.getloadavg()[0]:.1f} (shared machine: figures vary between runs)")
        for n in args.sizes or [10_000, 100_000]:
            side_by_side(n, args.runs, args.sources, args.exact_limit, args.ties_per_actor,
                         args.exact_large)
        return
    args.sizes = args.sizes or [1000, 10_000, 100_000]
    print(f"graphsvc metric benchmark: python {platform.python_version()}, networkx "
          f"{nx.__version__}, igraph {ig.__version__}, {os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.1f} (shared machine: figures vary between runs)")
    error_graph = None
    for n in args.sizes:
        _, H = bench_size(n, args.runs, args.sample, args.reference, args.ties_per_actor)
        if n == 10_000:
            error_graph = H
    if error_graph is not None:
        sampling_error(error_graph, args.error_ks)
        # The block graph has no hubs (a worst case for sampling); a
        # preferential-attachment graph of the same size has them.
        pa = nx.barabasi_albert_graph(10_000, 10, seed=1)
        print("(preferential-attachment graph, 10,000 actors, 99,900 ties)", end="")
        sampling_error(pa, args.error_ks)


if __name__ == "__main__":
    main()
