"""Fast engines behind the analysis functions.

Every measure has a NetworkX reference implementation; where igraph (C) has
the same measure, ``engine="auto"`` uses it, after converting the graph once
per call. Tests check that both engines agree on small graphs, so the choice
changes the time, not the answer.
"""
from __future__ import annotations

import contextlib
import random
import threading

import networkx as nx

ENGINES = ("auto", "compiled", "networkx", "igraph")


def have_igraph() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:  # pragma: no cover - igraph is a declared dependency
        return False
    return True


def pick(engine: str) -> str:
    """Resolve ``engine`` to "networkx" or "igraph".

    ``"compiled"`` (the hop-count path kernel, :mod:`graphsvc.queries.paths`)
    is taken by the path measures themselves; any other measure treats it as
    ``"auto"``.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}': use auto, compiled, networkx or igraph")
    if engine in ("auto", "compiled"):
        return "igraph" if have_igraph() else "networkx"
    if engine == "igraph" and not have_igraph():  # pragma: no cover
        raise ValueError("engine 'igraph' needs the igraph package")
    return engine


_local = threading.local()
_IGRAPH_RNG_LOCK = threading.Lock()


@contextlib.contextmanager
def igraph_rng(seed: int = 0):
    """Within the block igraph draws from ``random.Random(seed)``.

    igraph has one process-wide generator (Python's ``random`` module by
    default): results that use it (Louvain's visiting order, ARPACK's start
    vector) change from call to call unless it is seeded. The lock keeps
    two threads from sharing the seeded generator.
    """
    import igraph as ig

    with _IGRAPH_RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


@contextlib.contextmanager
def reuse_conversions():
    """Within the block, convert each (graph, weight) to igraph once.

    For callers that run many measures on one graph they do not modify
    meanwhile (e.g. :func:`graphsvc.queries.metrics.actor_metrics`).
    """
    outer = getattr(_local, "cache", None)
    if outer is None:
        _local.cache = {}
    try:
        yield
    finally:
        if outer is None:
            _local.cache = None


def cached(G, what: str, build):
    """``build()``, remembered per graph object inside :func:`reuse_conversions`."""
    cache = getattr(_local, "cache", None)
    if cache is None:
        return build()
    key = (id(G), what)
    hit = cache.get(key)
    if hit is not None and hit[0] is G:
        return hit[1]
    value = build()
    cache[key] = (G, value)  # holding G keeps its id from being reused
    return value


def edge_index(G: nx.Graph):
    """``(nodes, pairs)``: ``pairs`` an (m, 2) int array of node positions, in
    ``G.edges()`` order."""
    def build():
        import numpy as np

        nodes = list(G)
        index = {v: i for i, v in enumerate(nodes)}
        pairs = np.fromiter((index[x] for e in G.edges() for x in e), dtype=np.int64,
                            count=2 * G.number_of_edges()).reshape(-1, 2)
        return nodes, pairs
    return cached(G, "edges", build)


def edge_values(G: nx.Graph, attr: str, default: float = 1.0):
    """Edge attribute values as a float array, in :func:`edge_index` order."""
    import numpy as np

    def build():
        nodes, pairs = edge_index(G)
        adj = G._adj  # type: ignore[attr-defined]  # the plain dicts: faster than G.adj
        return np.fromiter((adj[nodes[a]][nodes[b]].get(attr, default)
                            for a, b in pairs.tolist()), dtype=float, count=len(pairs))
    return cached(G, f"values:{attr}", build)


def seed(G, what: str, value) -> None:
    """Offer a value :func:`cached` would otherwise build (only inside
    :func:`reuse_conversions`; a no-op elsewhere)."""
    cache = getattr(_local, "cache", None)
    if cache is not None:
        cache[(id(G), what)] = (G, value)


def to_igraph(G: nx.Graph, weight: str | None = None):
    """``(igraph.Graph, nodes)``: vertex i is ``nodes[i]``; weights in ``"w"``.

    Inside :func:`reuse_conversions` one igraph graph serves every call for
    ``G`` (``"w"`` is reset to the requested weight on each call); callers
    must use it at once and not modify it.
    """
    g, nodes = cached(G, "igraph", lambda: _convert(G))
    if weight is not None and g["_w"] != weight:
        g.es["w"] = edge_values(G, weight)
        g["_w"] = weight
    return g, nodes


def _convert(G: nx.Graph):
    import igraph as ig

    nodes, pairs = edge_index(G)
    g = ig.Graph(n=len(nodes), directed=G.is_directed())
    g.add_edges(pairs)
    g.vs["_id"] = range(len(nodes))  # survives subgraphs, maps back to nodes
    g["_w"] = None
    return g, nodes


def sample_nodes(G: nx.Graph, k: int, seed) -> list:
    """The ``k`` pivots NetworkX's own sampling would draw with this seed."""
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    return rng.sample(list(G), k)
