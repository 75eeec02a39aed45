"""Every hop-count measure from one breadth-first search per source.

Betweenness, closeness and harmonic centrality, the number of actors within
``k`` ties and the hops to the nearest actor of a target set all follow from
the same shortest paths. :func:`path_measures` finds them once: one
breadth-first search (BFS) from each source actor yields the number of
shortest paths and the distance to every other actor; Brandes' accumulation
over the search order, deepest first, gives the source's dependencies
(betweenness); the distances give the closeness and harmonic sums of the
actors reached, the source's reach within ``k`` and its hops to each target
set.

The searches run in compiled code (`Numba <https://numba.pydata.org>`_,
installed from a wheel: no compiler needed), 64 sources at a time (a
multi-source search: each adjacency list read serves every source whose
frontier holds that actor; see :mod:`graphsvc.queries._paths_kernel`), the
batches split over the available cores in threads that release the
interpreter lock. The compiled functions are
cached on disk (``cache=True``): the first call in a new installation
compiles them, once (about 12 seconds on a shared 2-core machine); later
processes load them from the cache (about 1 to 3 seconds there, mostly
importing Numba itself). When Numba cannot be loaded,
:func:`compiled_available` is False and the callers in
:mod:`~graphsvc.queries.centrality` and :mod:`~graphsvc.queries.metrics`
fall back to the per-measure engines (igraph, or NetworkX), which give the
same values, more slowly.

Values are exactly NetworkX's (the tests compare them on directed,
disconnected and multi-component graphs within 1e-9): betweenness as
:func:`networkx.betweenness_centrality`, closeness with the Wasserman-Faust
correction as :func:`networkx.closeness_centrality` (incoming distances in a
directed graph), harmonic as :func:`networkx.harmonic_centrality`.

With ``k`` the same kernel runs from ``k`` sampled sources (seeded, the
sources NetworkX draws with that seed) and the sums are scaled into
estimates: betweenness as NetworkX scales its ``k`` estimate (Brandes and
Pich 2007), closeness and harmonic from the sampled pivots' distances
(Eppstein and Wang 2004).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from . import _engines

__all__ = ["PathMeasures", "compiled_available", "path_measures", "threads_available"]

LANES = 64  # sources searched together by the kernel (_paths_kernel.LANES)
_kernel = None
_kernel_lock = threading.Lock()
_kernel_error: str | None = None


def _load_kernel():
    """The compiled search function, or None when Numba cannot be loaded."""
    global _kernel, _kernel_error
    if _kernel is not None or _kernel_error is not None:
        return _kernel
    with _kernel_lock:
        if _kernel is None and _kernel_error is None:
            try:
                from ._paths_kernel import searches
            except Exception as exc:  # ImportError, or Numba failing to load LLVM
                _kernel_error = f"{type(exc).__name__}: {exc}"
            else:
                _kernel = searches
    return _kernel


def compiled_available() -> bool:
    """True when the compiled kernel (Numba) can be loaded here.

    Examples
    --------
    >>> isinstance(compiled_available(), bool)
    True
    """
    return _load_kernel() is not None


def threads_available() -> int:
    """Cores this process may run on (the kernel's default thread count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class PathMeasures:
    """What :func:`path_measures` found, one value per actor (in ``nodes`` order).

    ``dependency`` is Brandes' sum of pair dependencies over the sources
    searched (every ordered pair: an undirected pair counts twice);
    ``betweenness``, ``closeness`` and ``harmonic`` are scaled as the
    NetworkX functions of the same name scale them (estimates when
    ``sample`` is set); ``reach`` is the number of other actors within
    ``reach_k`` ties (exact mode only, else None); ``hops`` maps each
    target set's name to the hops to its nearest member (0 for a member,
    ``inf`` when none is reachable; exact mode only).
    """

    nodes: list
    dependency: np.ndarray
    betweenness: np.ndarray
    closeness: np.ndarray
    harmonic: np.ndarray
    reach: np.ndarray | None = None
    reach_k: int = 2
    hops: dict[str, np.ndarray] = field(default_factory=dict)
    sample: int | None = None

    def as_dict(self, values: np.ndarray) -> dict:
        """``{actor id: value}`` with plain Python numbers."""
        return dict(zip(self.nodes, values.tolist()))


def _csr(G: nx.Graph):
    """Out-adjacency in compressed rows (both directions when undirected)."""
    nodes, pairs = _engines.edge_index(G)
    n = len(nodes)
    if not G.is_directed():
        pairs = np.concatenate([pairs, pairs[:, ::-1]])
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]  # a self-loop is on no shortest path
    order = np.argsort(pairs[:, 0], kind="stable")
    indices = pairs[order, 1].astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(pairs[:, 0], minlength=n), out=indptr[1:])
    return nodes, indptr, indices


def path_measures(G: nx.Graph, k: int | None = None, seed=None, reach: int = 2,
                  targets: Mapping[str, Callable[[Hashable, dict], bool]] | None = None,
                  threads: int | None = None) -> PathMeasures:
    """Betweenness, closeness, harmonic, reach and hops to target sets, in one pass.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A simple graph (a projection, see
        :func:`~graphsvc.queries.projection.project`); every edge is one hop.
    k : int, optional
        Search from ``k`` sources sampled with ``seed`` and estimate
        betweenness, closeness and harmonic centrality; ``None`` (or
        ``k >= len(G)``) searches from every actor: the exact values.
    seed : int or random.Random, optional
        Seed for the sample; the same seed draws the same sources as NetworkX.
    reach : int, default 2
        Ties within which ``reach`` counts other actors (exact mode).
    targets : mapping of str to callable, optional
        Target sets, each a predicate ``(actor id, attributes) -> bool``;
        ``hops[name]`` is every actor's distance to the nearest member
        (exact mode).
    threads : int, optional
        Threads to split the sources over (default: the cores this process
        may use).

    Returns
    -------
    PathMeasures

    Raises
    ------
    RuntimeError
        When the compiled kernel cannot be loaded (see
        :func:`compiled_available`).

    Examples
    --------
    A path of three actors: the centre lies on the one path between the ends.

    >>> m = path_measures(nx.path_graph(["a", "b", "c"]),
    ...                   targets={"ends": lambda v, a: v == "c"})
    >>> m.as_dict(m.betweenness)
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    >>> m.as_dict(m.harmonic)
    {'a': 1.5, 'b': 2.0, 'c': 1.5}
    >>> m.as_dict(m.reach), m.as_dict(m.hops["ends"])
    ({'a': 2, 'b': 2, 'c': 2}, {'a': 2.0, 'b': 1.0, 'c': 0.0})

    References
    ----------
    .. [1] Brandes, U. "A faster algorithm for betweenness centrality."
       Journal of Mathematical Sociology 25(2):163-177, 2001.
    .. [2] Brandes, U. and Pich, C. "Centrality estimation in large networks."
       International Journal of Bifurcation and Chaos 17(7):2303-2318, 2007.
    .. [3] Eppstein, D. and Wang, J. "Fast approximation of centrality."
       Journal of Graph Algorithms and Applications 8(1):39-45, 2004.
    .. [4] Wasserman, S. and Faust, K. *Social Network Analysis: Methods and
       Applications.* Cambridge University Press, 1994.
    """
    searches = _load_kernel()
    if searches is None:
        raise RuntimeError(f"the compiled path kernel cannot be loaded ({_kernel_error})")
    nodes, indptr, indices = _csr(G)
    n = len(nodes)
    exact = k is None or k >= n
    if k is None or k >= n:
        sources = np.arange(n, dtype=np.int32)
    else:
        index = {v: i for i, v in enumerate(nodes)}
        sources = np.array([index[v] for v in _engines.sample_nodes(G, k, seed)],
                           dtype=np.int32)
    targets = dict(targets or {}) if exact else {}
    attrs = G.nodes
    is_target = np.zeros((max(1, len(targets)), n), dtype=np.bool_)
    for t, pred in enumerate(targets.values()):
        is_target[t] = [bool(pred(v, attrs[v])) for v in nodes]

    threads = max(1, threads or threads_available())
    # Whole batches of LANES sources (searched together), in more pieces than
    # threads, so a thread that finishes early takes another.
    batches = -(-len(sources) // LANES)
    per_piece = max(1, -(-batches // (threads * 4))) * LANES
    pieces = [sources[i:i + per_piece] for i in range(0, len(sources), per_piece)]
    reach_out = np.zeros(n, dtype=np.int64)
    hops = np.full((is_target.shape[0], n), -1, dtype=np.int64)

    def run(piece):
        sums = np.zeros((4, n))  # dependencies, distance sums, reached, inverse sums
        searches(indptr, indices, piece, int(reach), is_target, sums, reach_out, hops)
        return sums

    if len(pieces) <= 1 or threads == 1:
        results = [run(p) for p in pieces]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(pool.map(run, pieces))
    total = np.zeros((4, n))
    for r in results:
        total += r
    delta, dsum, reached, inv = total
    if exact:
        bc = delta / ((n - 1) * (n - 2)) if n > 2 else np.zeros(n)
        with np.errstate(divide="ignore", invalid="ignore"):
            closeness = (np.where(dsum > 0, reached / dsum * reached / (n - 1), 0.0)
                         if n > 1 else np.zeros(n))
        harmonic = inv
    else:
        bc, closeness, harmonic = _scale_sampled(delta, dsum, reached, inv, sources, n)
    return PathMeasures(
        nodes=nodes, dependency=delta, betweenness=bc, closeness=closeness, harmonic=harmonic,
        reach=reach_out if exact else None, reach_k=reach,
        hops={name: np.where(hops[t] < 0, np.inf, hops[t]).astype(float)
              for t, name in enumerate(targets)},
        sample=None if exact else int(k or 0))


def _scale_sampled(delta, dsum, reached, inv, sources, n):
    k = len(sources)
    is_src = np.zeros(n, dtype=bool)
    is_src[sources] = True
    # NetworkX's rescaling: a sampled source cannot lie inside its own paths.
    kk = np.where(is_src, k - 1, k).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        bc = delta / (kk * (n - 2)) if n > 2 else np.zeros(n)
        # the pivots reaching a node estimate (r-1)/(n-1), their mean distance
        # the mean distance (a node is not its own pivot)
        closeness = np.where(dsum > 0, (reached / dsum) * (reached / kk), 0.0)
        harmonic = inv * (n - 1) / kk
    return bc, closeness, harmonic
