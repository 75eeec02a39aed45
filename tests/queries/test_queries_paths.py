"""The compiled path kernel against NetworkX and igraph, to 1e-9.

Expected values are NetworkX's own functions (the reference every measure in
graphsvc is defined by) and igraph's, on directed, disconnected and
multi-component graphs, in exact and sampled mode.
"""
import random
import subprocess
import sys

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from graphsvc.queries import centrality as C
from graphsvc.queries import influence
from graphsvc.queries.metrics import actor_metrics
from graphsvc.queries.paths import compiled_available, path_measures
from graphsvc.synthetic import synthetic_network

pytestmark = pytest.mark.skipif(not compiled_available(), reason="numba cannot load here")

TOL = dict(rel=1e-9, abs=1e-9)


def _graphs():
    multi = nx.disjoint_union_all([nx.gnm_random_graph(40, 90, seed=1),
                                   nx.gnm_random_graph(25, 40, seed=2),
                                   nx.path_graph(7), nx.star_graph(5)])
    multi.add_nodes_from(["lone", "alone"])  # isolates
    directed = nx.gnm_random_graph(60, 180, seed=3, directed=True)
    directed.add_edges_from([(100, 101), (101, 102), (103, 102)])  # a one-way island
    sparse_directed = nx.gnp_random_graph(80, 0.03, seed=4, directed=True)  # unreached actors
    loops = nx.cycle_graph(9)
    loops.add_edge(3, 3)  # a self-loop lies on no shortest path
    ties = nx.Graph()  # many equal shortest paths: sigma counts matter
    ties.add_edges_from(nx.grid_2d_graph(6, 6).edges())
    # more actors than one batch of sources (64): several batches, the last
    # one partial, a long one-way chain (hundreds of levels) beside a
    # random directed part with actors some sources never reach
    batches = nx.gnm_random_graph(230, 520, seed=6, directed=True)
    nx.add_path(batches, range(1000, 1160))
    batches.add_edges_from([(5, 1000), (1159, 7)])
    return {"multi-component": multi, "directed": directed, "several batches": batches,
            "sparse directed": sparse_directed, "self-loop": loops, "grid": ties,
            "complete": nx.complete_graph(6), "one node": nx.empty_graph(1),
            "two nodes": nx.path_graph(2), "empty": nx.Graph()}


GRAPHS = _graphs()


def _same(ours: dict, ref: dict):
    assert set(ours) == set(ref)
    for v in ref:
        assert ours[v] == pytest.approx(ref[v], **TOL), v


def _igraph(G):
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges()],
                 directed=G.is_directed())
    return g, nodes


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("threads", [1, 3])
def test_exact_measures_equal_networkx(name, threads):
    G = GRAPHS[name]
    m = path_measures(G, threads=threads)
    _same(m.as_dict(m.betweenness), nx.betweenness_centrality(G))
    _same(m.as_dict(m.closeness), nx.closeness_centrality(G))
    _same(m.as_dict(m.harmonic), nx.harmonic_centrality(G))
    _same(C.betweenness(G, normalized=False, engine="compiled"),
          nx.betweenness_centrality(G, normalized=False))


@pytest.mark.parametrize("name", ["multi-component", "directed", "sparse directed", "grid",
                                  "several batches"])
def test_exact_measures_equal_igraph(name):
    G = GRAPHS[name]
    g, nodes = _igraph(G)
    m = path_measures(G)
    n = len(nodes)
    raw = np.asarray(g.betweenness(directed=G.is_directed()))
    scale = 1 / ((n - 1) * (n - 2)) * (1 if G.is_directed() else 2)
    assert m.betweenness == pytest.approx(raw * scale, **TOL)
    assert m.harmonic == pytest.approx(
        np.asarray(g.harmonic_centrality(mode="in", normalized=False)), **TOL)
    assert m.reach == pytest.approx(np.asarray(g.neighborhood_size(order=2, mode="out")) - 1)


@pytest.mark.parametrize("name", ["multi-component", "directed", "sparse directed",
                                  "several batches"])
def test_reach_and_hops_equal_networkx(name):
    G = GRAPHS[name]
    rng = random.Random(5)
    members = set(rng.sample(list(G), 4))
    m = path_measures(G, reach=3, targets={"some": lambda v, a: v in members})
    reach = {v: len(nx.single_source_shortest_path_length(G, v, cutoff=3)) - 1 for v in G}
    assert m.as_dict(m.reach) == reach
    # hops to the nearest member: a path from v to a member
    R = G.reverse() if G.is_directed() else G
    near = nx.multi_source_dijkstra_path_length(R, members)
    assert m.as_dict(m.hops["some"]) == {v: float(near.get(v, np.inf)) for v in G}


@pytest.mark.parametrize("name", ["multi-component", "directed", "grid", "several batches"])
def test_sampled_mode_is_networkx_estimate(name):
    """Same sources as NetworkX draws with the seed, scaled as NetworkX
    scales its k estimate; closeness and harmonic as the NetworkX-engine
    pivot estimates of graphsvc.queries.centrality."""
    G = GRAPHS[name]
    # 150 sources: more than one batch of 64, the last one partial
    for seed, k in ((0, 10), (7, 10), (2, 150)):
        if k >= len(G):
            continue
        m = path_measures(G, k=k, seed=seed, threads=2)
        _same(m.as_dict(m.betweenness), nx.betweenness_centrality(G, k=k, seed=seed))
        _same(m.as_dict(m.closeness), C.closeness(G, k=k, seed=seed, engine="networkx"))
        _same(m.as_dict(m.harmonic), C.harmonic(G, k=k, seed=seed, engine="networkx"))
        assert m.reach is None and m.hops == {}
    _same(C.betweenness(G, k=10, seed=3, normalized=False),
          nx.betweenness_centrality(G, k=10, seed=3, normalized=False))


def test_batch_width_agrees_with_the_kernel():
    from graphsvc.queries import _paths_kernel, paths

    assert paths.LANES == _paths_kernel.LANES == 64


def test_sample_of_every_actor_is_exact():
    G = GRAPHS["directed"]
    m = path_measures(G, k=len(G), seed=1)
    assert m.sample is None
    _same(m.as_dict(m.betweenness), nx.betweenness_centrality(G))


def test_actor_metrics_same_with_kernel_and_reference_engines():
    """The whole table: the kernel's columns equal the NetworkX engine's, on a
    synthetic snapshot (directed projection too)."""
    S = synthetic_network(300, 1, ties_per_actor=4)
    for directed in (False, True):
        fast = actor_metrics(S, directed=directed)
        ref = actor_metrics(S, directed=directed, engine="networkx")
        for col in ("betweenness", "closeness", "harmonic", "reach_2",
                    "hops_to_us_policymakers", "hops_to_funders"):
            assert fast[col].to_numpy(dtype=float) == pytest.approx(
                ref[col].to_numpy(dtype=float), nan_ok=True, **TOL), col
    sampled = actor_metrics(S, k=50, seed=2)
    ref = actor_metrics(S, k=50, seed=2, engine="networkx")
    for col in ("betweenness", "closeness", "harmonic", "reach_2", "hops_to_funders"):
        assert sampled[col].to_numpy(dtype=float) == pytest.approx(
            ref[col].to_numpy(dtype=float), nan_ok=True, **TOL), col


def test_hops_column_matches_influence():
    S = synthetic_network(200, 3, ties_per_actor=3)
    t = actor_metrics(S)
    from graphsvc.queries.projection import project

    ref = influence.distance_to(project(S), "funders")
    assert t["hops_to_funders"].to_numpy(dtype=float) == pytest.approx(
        np.array([ref[v] for v in t.index]), nan_ok=True)


def test_without_numba_the_reference_engines_answer():
    """A process where numba cannot be imported: the kernel says so and the
    measures fall back to the per-measure engines, with the same values."""
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "import networkx as nx\n"
        "from graphsvc.queries import centrality as C, paths\n"
        "assert not paths.compiled_available()\n"
        "G = nx.gnm_random_graph(40, 80, seed=1, directed=True)\n"
        "b = C.betweenness(G); r = nx.betweenness_centrality(G)\n"
        "assert all(abs(b[v] - r[v]) < 1e-9 for v in G)\n"
        "print('fallback ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert "fallback ok" in out.stdout
