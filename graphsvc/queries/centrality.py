"""Centrality: who is central, by ties of which kinds.

Degree and strength are read from the tie snapshot, per tie kind. The
path- and spectrum-based measures (betweenness, closeness, harmonic,
eigenvector, PageRank) take a simple graph made by
:func:`graphsvc.queries.projection.project`, so the caller decides which tie
kinds count, whether funding direction matters and how parallel ties combine.

Every measure has the NetworkX definition; ``engine="auto"`` computes it with
igraph's C code when installed (the results are the same: see the tests).
Betweenness, closeness and harmonic in hops (no ``distance``) come instead
from one compiled pass over the shortest paths
(:func:`graphsvc.queries.paths.path_measures`), shared by the three inside
:func:`~graphsvc.queries._engines.reuse_conversions`; ``engine="compiled"``
asks for it explicitly. They accept ``k`` to estimate from ``k`` sampled
source nodes (seeded) on large graphs; with a ``distance`` the fast engine
gets the sampled distances from SciPy's compiled shortest paths, in blocks of
pivots.
"""
from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pandas as pd

from . import _engines, paths
from ._ties import tie_table

__all__ = [
    "degree_by_kind",
    "betweenness",
    "closeness",
    "harmonic",
    "eigenvector",
    "pagerank",
    "centrality_table",
]


def degree_by_kind(G: nx.MultiDiGraph) -> pd.DataFrame:
    """Degree and strength of every actor, per tie kind.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The tie snapshot (one edge per tie, with ``kind`` and ``strength``).

    Returns
    -------
    pandas.DataFrame
        Indexed by actor id, one row per actor, columns:

        - ``degree``: distinct actors tied by a tie of any kind;
        - ``degree_formal``, ``degree_informal``: distinct actors tied by a
          formal (informal) tie;
        - ``funders``, ``recipients``: distinct actors funding this actor /
          funded by it;
        - ``strength_formal``, ``strength_informal``: sum of the ``strength``
          of formal (informal) ties, a missing strength counting 1;
        - ``funding_ties_in``, ``funding_ties_out``: number of funding ties
          received / given (yearly grants count separately).

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> _ = S.add_edge("a", "b", kind="formal", strength=0.5)
    >>> _ = S.add_edge("b", "a", kind="informal")
    >>> _ = S.add_edge("f", "a", kind="funding")
    >>> _ = S.add_edge("f", "a", kind="funding")
    >>> t = degree_by_kind(S)
    >>> [int(t.loc["a", c]) for c in ("degree", "degree_formal", "funders")]
    [2, 1, 1]
    >>> float(t.loc["a", "strength_formal"])
    0.5
    >>> int(t.loc["f", "funding_ties_out"])
    2
    """
    T = tie_table(G)
    n = len(T.nodes)
    src, dst, kind, s = T.src, T.dst, T.kind, T.strength

    def distinct_undirected(sel):
        a, b = np.minimum(src[sel], dst[sel]), np.maximum(src[sel], dst[sel])
        pairs = np.unique(a * n + b)
        return (np.bincount(pairs // n, minlength=n) + np.bincount(pairs % n, minlength=n))

    def both_ends(sel, weights=None):
        wts = None if weights is None else weights[sel]
        return (np.bincount(src[sel], weights=wts, minlength=n)
                + np.bincount(dst[sel], weights=wts, minlength=n))

    formal, informal, funding = kind == 0, kind == 1, kind == 2
    arcs = np.unique(src[funding] * n + dst[funding])
    data = {
        # recorded ties only: the co-participation layer (kind 3) is not a tie
        "degree": distinct_undirected(kind != 3),
        "degree_formal": distinct_undirected(formal),
        "degree_informal": distinct_undirected(informal),
        "funders": np.bincount(arcs % n, minlength=n),
        "recipients": np.bincount(arcs // n, minlength=n),
        "strength_formal": both_ends(formal, s).astype(float),
        "strength_informal": both_ends(informal, s).astype(float),
        "funding_ties_in": np.bincount(dst[funding], minlength=n),
        "funding_ties_out": np.bincount(src[funding], minlength=n),
    }
    return pd.DataFrame(data, index=pd.Index(T.nodes, name="id"))


def betweenness(G: nx.Graph, normalized: bool = True, distance: str | None = None,
                k: int | None = None, seed=None, engine: str = "auto") -> dict:
    """Shortest-path betweenness centrality, as :func:`networkx.betweenness_centrality`.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection (see :func:`~graphsvc.queries.projection.project`).
    normalized : bool, default True
        Divide by the number of ordered pairs not including the node,
        ``(n-1)(n-2)`` (directed) or unordered pairs, ``(n-1)(n-2)/2``
        (undirected), so values lie in [0, 1].
    distance : str, optional
        Edge attribute holding a length (e.g. ``"distance"``, ``1/weight``);
        default: every edge has length 1 (hops).
    k : int, optional
        Estimate from ``k`` source nodes sampled with ``seed`` (Brandes and
        Pich 2007), scaled as NetworkX scales its ``k`` estimate; ``None``
        computes the exact value.
    seed : int or random.Random, optional
        Seed for the sample; the same seed draws the same sources as NetworkX.
    engine : {"auto", "compiled", "networkx", "igraph"}

    Returns
    -------
    dict
        Actor id -> betweenness.

    Examples
    --------
    The centre of a path on three nodes lies on the only path between the
    ends (one pair of one):

    >>> betweenness(nx.path_graph(["a", "b", "c"]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}

    References
    ----------
    .. [1] Brandes, U. "A faster algorithm for betweenness centrality."
       Journal of Mathematical Sociology 25(2):163-177, 2001.
    .. [2] Brandes, U. and Pich, C. "Centrality estimation in large networks."
       International Journal of Bifurcation and Chaos 17(7):2303-2318, 2007.
    """
    if _use_kernel(engine, distance):
        m = path_measures(G, k, seed)
        if normalized:
            return m.as_dict(m.betweenness)
        return m.as_dict(_unnormalized(m, G.is_directed()))
    engine = _engines.pick(engine)
    n = len(G)
    if engine == "networkx":
        if k is not None and k >= n:
            k = None
        return nx.betweenness_centrality(G, k=k, normalized=normalized, weight=distance,
                                         seed=seed)
    g, nodes = _engines.to_igraph(G, distance)
    w = "w" if distance else None
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    directed = G.is_directed()
    if k is None or k >= n:
        raw = np.asarray(g.betweenness(directed=directed, weights=w), dtype=float)
        ordered = raw if directed else 2 * raw
        scale = (1.0 / ((n - 1) * (n - 2)) if normalized
                 else (1.0 if directed else 0.5))
        return dict(zip(nodes, (ordered * scale).tolist()))
    index = {v: i for i, v in enumerate(nodes)}
    src = [index[v] for v in _engines.sample_nodes(G, k, seed)]
    raw = np.asarray(g.betweenness(directed=directed, weights=w, sources=src), dtype=float)
    ordered = raw if directed else 2 * raw
    # NetworkX's rescaling: a sampled source cannot lie inside its own paths.
    is_src = np.zeros(n, dtype=bool)
    is_src[src] = True
    kk = np.where(is_src, k - 1, k).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if normalized:
            out = ordered / (kk * (n - 2))
        else:
            out = ordered * (n - 1) / (kk * (1 if directed else 2))
    return dict(zip(nodes, out.tolist()))


def _use_kernel(engine: str, distance: str | None) -> bool:
    """Whether a hop measure comes from the compiled path kernel."""
    if engine == "compiled":
        if distance is not None:
            raise ValueError("the compiled engine counts hops: use it without a distance")
        if not paths.compiled_available():
            raise ValueError("the compiled engine needs the numba package")
        return True
    return engine == "auto" and distance is None and paths.compiled_available()


def path_measures(G: nx.Graph, k: int | None = None, seed=None) -> paths.PathMeasures:
    """:func:`graphsvc.queries.paths.path_measures` of ``G``, computed once per
    graph, sample and seed inside :func:`~graphsvc.queries._engines.reuse_conversions`
    (so betweenness, closeness and harmonic share one pass)."""
    if k is not None and k >= len(G):
        k = None
    if isinstance(seed, int) or seed is None or k is None:
        key = f"paths:{k}:{seed if k is not None else None!r}"
        return _engines.cached(G, key, lambda: paths.path_measures(G, k=k, seed=seed))
    return paths.path_measures(G, k=k, seed=seed)  # a Random's state moves: no reuse


def _unnormalized(m: paths.PathMeasures, directed: bool) -> np.ndarray:
    n = len(m.nodes)
    if n <= 2:
        return np.zeros(n)
    correction = 1.0 if directed else 2.0
    return m.betweenness * (n - 1) * (n - 2) / correction


def _pivot_distances(G, distance, k, seed, engine):
    """NetworkX reference: ``(D, nodes, pivots)``, D[i, j] = distance from
    pivot i to node j (inf if none)."""
    pivots = _engines.sample_nodes(G, k, seed)
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    D = np.full((k, len(nodes)), np.inf)
    for i, p in enumerate(pivots):
        lengths = (nx.single_source_dijkstra_path_length(G, p, weight=distance)
                   if distance else nx.single_source_shortest_path_length(G, p))
        for v, d in lengths.items():
            D[i, index[v]] = d
    return D, nodes, pivots


def _pivot_blocks(G, distance, k, seed, block=32):
    """Fast path: blocks of rows of the pivot distance matrix, from SciPy's
    C shortest paths, so at most ``block`` rows are held at once."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import shortest_path

    pivots = _engines.sample_nodes(G, k, seed)
    nodes, pairs = _engines.edge_index(G)
    n = len(nodes)
    w = _engines.edge_values(G, distance) if distance else np.ones(len(pairs))
    A = sp.csr_array((w, (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    index = {v: i for i, v in enumerate(nodes)}
    rows = [index[p] for p in pivots]
    for start in range(0, len(rows), block):
        chunk = rows[start:start + block]
        D = shortest_path(A, method="D", directed=G.is_directed(), indices=chunk,
                          unweighted=distance is None)
        yield D, chunk
    return


def _estimates(G, distance, k, seed, engine):
    """Per-node (reached pivots, sum of distances, sum of inverse distances, pivots used).

    Closeness and harmonic share these inside ``reuse_conversions``.
    """
    key = f"pivots:{distance}:{k}:{seed!r}:{engine}"
    if isinstance(seed, int) or seed is None:
        return _engines.cached(G, key, lambda: _compute_estimates(G, distance, k, seed,
                                                                  engine))
    return _compute_estimates(G, distance, k, seed, engine)


def _compute_estimates(G, distance, k, seed, engine):
    n = len(G)
    reached = np.zeros(n)
    dsum = np.zeros(n)
    inv = np.zeros(n)
    used = np.full(n, float(k))
    if engine == "networkx":
        D, nodes, pivots = _pivot_distances(G, distance, k, seed, engine)
        index = {v: i for i, v in enumerate(nodes)}
        blocks = [(D, [index[p] for p in pivots])]
    else:
        nodes = list(G)
        blocks = _pivot_blocks(G, distance, k, seed)
    for D, rows in blocks:
        D = np.array(D, dtype=float, copy=True)
        D[np.arange(len(rows)), rows] = np.inf  # a node is not its own pivot
        used[rows] -= 1
        finite = np.isfinite(D)
        reached += finite.sum(axis=0)
        dsum += np.where(finite, D, 0.0).sum(axis=0)
        with np.errstate(divide="ignore"):
            inv += np.where(finite & (D > 0), 1.0 / D, 0.0).sum(axis=0)
    return nodes, reached, dsum, inv, used


def closeness(G: nx.Graph, distance: str | None = None, k: int | None = None, seed=None,
              engine: str = "auto") -> dict:
    """Closeness centrality, as :func:`networkx.closeness_centrality`.

    ``(r - 1) / S * (r - 1) / (n - 1)``, where ``S`` is the sum of distances
    to the node from the ``r - 1`` others that reach it (Wasserman and Faust's
    correction for graphs that are not connected). In a directed graph the
    distances are incoming, as in NetworkX.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    distance : str, optional
        Edge length attribute; default hops.
    k : int, optional
        Estimate from the distances from ``k`` sampled pivots (Eppstein and
        Wang 2004): the share of pivots reaching the node estimates
        ``(r-1)/(n-1)``, their mean distance the mean distance.
    seed : int or random.Random, optional
    engine : {"auto", "compiled", "networkx", "igraph"}

    Returns
    -------
    dict
        Actor id -> closeness in [0, 1]; 0 for an actor nobody reaches.

    Examples
    --------
    >>> c = closeness(nx.path_graph(["a", "b", "c"]))
    >>> c["b"], round(c["a"], 4)
    (1.0, 0.6667)

    References
    ----------
    .. [1] Wasserman, S. and Faust, K. *Social Network Analysis: Methods and
       Applications.* Cambridge University Press, 1994.
    .. [2] Eppstein, D. and Wang, J. "Fast approximation of centrality."
       Journal of Graph Algorithms and Applications 8(1):39-45, 2004.
    """
    if _use_kernel(engine, distance):
        m = path_measures(G, k, seed)
        return m.as_dict(m.closeness)
    engine = _engines.pick(engine)
    n = len(G)
    if k is not None and k < n:
        nodes, reached, dsum, _, used = _estimates(G, distance, k, seed, engine)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(dsum > 0, (reached / dsum) * (reached / used), 0.0)
        return dict(zip(nodes, out.tolist()))
    if engine == "networkx":
        return nx.closeness_centrality(G, distance=distance)
    g, nodes = _engines.to_igraph(G, distance)
    w = "w" if distance else None
    if n <= 1:
        return dict.fromkeys(nodes, 0.0)
    # igraph's normalised closeness is (r-1)/S over the r-1 actors that reach
    # the node; r is the component size when undirected. When directed, the
    # unnormalised 1/S gives it: (r-1)/S divided by 1/S.
    rm1_over_s = np.nan_to_num(np.asarray(g.closeness(mode="in", weights=w, normalized=True),
                                          dtype=float))
    if G.is_directed():
        inv_s = np.nan_to_num(np.asarray(g.closeness(mode="in", weights=w, normalized=False),
                                         dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            rm1 = np.where(inv_s > 0, rm1_over_s / inv_s, 0.0)
    else:
        membership = np.asarray(g.connected_components().membership)
        rm1 = np.bincount(membership)[membership] - 1.0
    out = rm1_over_s * rm1 / (n - 1)
    return dict(zip(nodes, out.tolist()))


def harmonic(G: nx.Graph, distance: str | None = None, k: int | None = None, seed=None,
             engine: str = "auto") -> dict:
    """Harmonic centrality, as :func:`networkx.harmonic_centrality`.

    The sum of ``1 / d(v, u)`` over every other actor ``v`` (incoming
    distances in a directed graph); unreachable actors add 0. Not normalised:
    divide by ``n - 1`` for a value in [0, 1].

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    distance : str, optional
        Edge length attribute; default hops.
    k : int, optional
        Estimate from ``k`` sampled pivots: ``(n-1)/k`` times the pivots' sum.
    seed : int or random.Random, optional
    engine : {"auto", "compiled", "networkx", "igraph"}

    Returns
    -------
    dict
        Actor id -> harmonic centrality.

    Examples
    --------
    >>> harmonic(nx.path_graph(["a", "b", "c"]))
    {'a': 1.5, 'b': 2.0, 'c': 1.5}

    References
    ----------
    .. [1] Boldi, P. and Vigna, S. "Axioms for centrality." Internet
       Mathematics 10(3-4):222-262, 2014.
    """
    if _use_kernel(engine, distance):
        m = path_measures(G, k, seed)
        return m.as_dict(m.harmonic)
    engine = _engines.pick(engine)
    n = len(G)
    if k is not None and k < n:
        nodes, _, _, inv, used = _estimates(G, distance, k, seed, engine)
        return dict(zip(nodes, (inv * (n - 1) / used).tolist()))
    if engine == "networkx":
        return {v: float(c) for v, c in nx.harmonic_centrality(G, distance=distance).items()}
    g, nodes = _engines.to_igraph(G, distance)
    out = g.harmonic_centrality(mode="in", weights="w" if distance else None,
                                normalized=False)
    return dict(zip(nodes, [float(x) for x in out]))


def eigenvector(G: nx.Graph, weight: str | None = "weight", engine: str = "auto") -> dict:
    """Eigenvector centrality on the largest component, unit Euclidean norm.

    The leading eigenvector is only well defined on a connected graph, and
    a snapshot rarely is (untied actors, small islands). It is therefore
    computed on the largest connected component (strongly connected, for a
    directed graph) and scaled to unit Euclidean norm there, as
    :func:`networkx.eigenvector_centrality_numpy` does; every actor outside
    that component gets 0. In a directed graph an actor is central when
    central actors point to it (the left eigenvector).

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    weight : str or None, default "weight"
        Edge attribute used as tie strength; None for unweighted.
    engine : {"auto", "networkx", "igraph"}

    Returns
    -------
    dict
        Actor id -> centrality (non-negative).

    Examples
    --------
    >>> G = nx.star_graph(4)
    >>> G.add_edge(10, 11)  # a separate pair: outside the largest component
    >>> c = eigenvector(G, weight=None)
    >>> round(c[0], 4), round(c[1], 4), c[10]
    (0.7071, 0.3536, 0.0)

    References
    ----------
    .. [1] Bonacich, P. "Power and centrality: a family of measures."
       American Journal of Sociology 92(5):1170-1182, 1987.
    """
    engine = _engines.pick(engine)
    out = dict.fromkeys(G, 0.0)
    if G.number_of_edges() == 0:
        return out
    if engine == "networkx":
        comps = (nx.strongly_connected_components(G)  # type: ignore[call-overload]
                 if G.is_directed() else nx.connected_components(G))
        core = max(comps, key=len)
        if len(core) < 2:
            return out
        c = nx.eigenvector_centrality_numpy(G.subgraph(core), weight=weight)
        out.update((v, abs(float(x))) for v, x in c.items())
        return out
    g, nodes = _engines.to_igraph(G, weight)
    core = g.connected_components(mode="strong" if G.is_directed() else "weak").giant()
    if core.vcount() < 2:
        return out
    # ARPACK starts from a random vector: seeded, the same graph gives the
    # same values to the last digit.
    with warnings.catch_warnings(), _engines.igraph_rng(0):
        warnings.simplefilter("ignore", RuntimeWarning)
        x = np.abs(np.asarray(core.eigenvector_centrality(
            scale=True, weights="w" if weight else None), dtype=float))
    norm = np.linalg.norm(x)
    x = x / norm if norm > 0 else x
    # giant() keeps vertex order; map back through the kept vertex ids.
    kept = core.vs["_id"] if "_id" in core.vs.attributes() else None
    if kept is None:
        raise RuntimeError("lost vertex ids")
    out.update(zip((nodes[i] for i in kept), x.tolist()))
    return out


def pagerank(G: nx.Graph, alpha: float = 0.85, weight: str | None = "weight",
             engine: str = "auto") -> dict:
    """PageRank, as :func:`networkx.pagerank` (dangling actors spread uniformly).

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    alpha : float, default 0.85
        Damping factor.
    weight : str or None, default "weight"
    engine : {"auto", "networkx", "igraph"}

    Returns
    -------
    dict
        Actor id -> PageRank; values sum to 1.

    Examples
    --------
    >>> p = pagerank(nx.path_graph(["a", "b", "c"]), weight=None)
    >>> round(sum(p.values()), 6), p["b"] > p["a"]
    (1.0, True)

    References
    ----------
    .. [1] Page, L., Brin, S., Motwani, R. and Winograd, T. "The PageRank
       citation ranking: bringing order to the Web." Stanford, 1999.
    """
    engine = _engines.pick(engine)
    if len(G) == 0:
        return {}
    if engine == "networkx":
        return nx.pagerank(G, alpha=alpha, weight=weight, tol=1e-10)
    g, nodes = _engines.to_igraph(G, weight)
    pr = g.pagerank(directed=G.is_directed(), damping=alpha,
                    weights="w" if weight else None)
    return dict(zip(nodes, [float(x) for x in pr]))


def centrality_table(G: nx.Graph, distance: str | None = None, weight: str | None = "weight",
                     k: int | None = None, seed=None, engine: str = "auto") -> pd.DataFrame:
    """Betweenness, closeness, harmonic, eigenvector and PageRank of every actor.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection.
    distance : str, optional
        Edge length for the path measures (default hops).
    weight : str or None, default "weight"
        Edge strength for eigenvector and PageRank.
    k : int, optional
        Sample size for approximate betweenness, closeness and harmonic.
    seed : int, optional
    engine : {"auto", "networkx", "igraph"}

    Returns
    -------
    pandas.DataFrame
        Indexed by actor id; columns ``betweenness``, ``closeness``,
        ``harmonic``, ``eigenvector``, ``pagerank``.

    Examples
    --------
    >>> centrality_table(nx.path_graph(["a", "b", "c"]))["betweenness"].tolist()
    [0.0, 1.0, 0.0]
    """
    with _engines.reuse_conversions():
        return _table(G, distance, weight, k, seed, engine)


def _table(G, distance, weight, k, seed, engine):
    cols = {
        "betweenness": betweenness(G, distance=distance, k=k, seed=seed, engine=engine),
        "closeness": closeness(G, distance=distance, k=k, seed=seed, engine=engine),
        "harmonic": harmonic(G, distance=distance, k=k, seed=seed, engine=engine),
        "eigenvector": eigenvector(G, weight=weight, engine=engine),
        "pagerank": pagerank(G, weight=weight, engine=engine),
    }
    df = pd.DataFrame(cols, index=pd.Index(list(G), name="id"))
    return df
