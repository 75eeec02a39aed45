"""Project the snapshot onto the simple graph an analysis needs.

The snapshot is a ``MultiDiGraph`` with one edge per tie: several ties of
different kinds (and yearly funding ties) may join one pair, formal and
informal ties are undirected, funding runs funder -> recipient. Most measures
want one edge per pair with one weight. :func:`project` makes that choice
explicit: which tie kinds count, whether funding direction matters, and how
the ties between one pair combine into one weight.

Tie weights ("trust")
---------------------
Each tie weighs ``KIND_WEIGHTS[kind] * strength`` (``strength`` defaults to
1). The default kind weights say that a formal tie (project agreement, MoU,
funding relation) carries more trust than an informal one (met at a
workshop):

================  ======
kind              weight
================  ======
formal            1.0
funding           1.0
informal          0.5
co_participation  0.25
================  ======

``co_participation`` ties are the layer
:func:`graphsvc.queries.affiliation.with_co_participation` adds (actors who
attended one same event or sat in one same group, their ``strength`` the
recency-weighted count of shared events and groups). One shared event
weighs half an informal tie: sharing a room with thirty others is weaker
evidence of a working relationship than a recorded informal tie. The layer
is never counted unless ``kinds`` names it, so figures computed without
events do not move when events are recorded.

Funding channels
----------------
Each hop of a funding chain is its own tie, funder -> recipient; a tie's
``channel`` names the upstream funders the money came from before it reached
the tie's funder, origin first (PRM -> UNHCR -> a Mexican CSO is the tie
``unhcr -> cso`` with ``channel=["prm"]``, usually beside a tie
``prm -> unhcr``). So by default a funding tie is projected as the one edge
it records: the CSO is tied to UNHCR, which it deals with, not to PRM. With
``follow_channels=True`` the implied upstream hops (``prm -> unhcr``) are
added as well, for graphs whose upstream hops were never recorded as ties.
Channel actors missing from the graph are skipped.

Every projected edge carries ``weight`` (the combined trust, higher is
closer), ``distance`` (``1 / weight``, for shortest-path measures where
lower is closer), ``ties`` (how many ties were combined) and ``kinds`` (the
tie kinds present, sorted and joined by ``+``).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np

from . import _engines
from ._ties import KIND_NAMES, tie_table

__all__ = ["KIND_WEIGHTS", "DEFAULT_KINDS", "ALL_KINDS", "project", "tie_weight"]

#: Default trust weight of one tie of each kind (see the module docstring).
KIND_WEIGHTS: dict[str, float] = {"formal": 1.0, "funding": 1.0, "informal": 0.5,
                                  "co_participation": 0.25}

#: The tie kinds counted when ``kinds`` is not given (the recorded ties).
DEFAULT_KINDS = ("formal", "informal", "funding")
#: Every kind ``kinds`` may name: the recorded ties and the co-participation layer.
ALL_KINDS = (*DEFAULT_KINDS, "co_participation")
_COMBINE = ("sum", "max")


def tie_weight(attrs: Mapping, kind_weights: Mapping[str, float] = KIND_WEIGHTS) -> float:
    """The trust weight of one tie: kind weight times strength (default 1).

    Examples
    --------
    >>> tie_weight({"kind": "informal", "strength": 0.5})
    0.25
    >>> tie_weight({"kind": "formal"})
    1.0
    """
    strength = attrs.get("strength")
    return float(kind_weights[attrs["kind"]]) * (1.0 if strength is None else float(strength))


def project(G: nx.MultiDiGraph, kinds: Iterable[str] | None = None, directed: bool = False,
            combine: str = "sum", kind_weights: Mapping[str, float] | None = None,
            follow_channels: bool = False):
    """One simple graph from the tie snapshot, with one weighted edge per pair.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The snapshot (see ``graphsvc.snapshot.build_snapshot``): edges
        carry ``kind``, optional ``strength`` and ``directed``.
    kinds : iterable of {"formal", "informal", "funding", "co_participation"}, optional
        Tie kinds that count (default: the three recorded kinds,
        :data:`DEFAULT_KINDS`; the ``co_participation`` layer only when
        named). Every actor stays in the result, tied or not, so per-actor
        tables cover everyone.
    directed : bool, default False
        If False, return an undirected ``nx.Graph``: funding direction is
        ignored. If True, return an ``nx.DiGraph`` where funding keeps its
        direction (funder -> recipient) and each formal or informal tie
        becomes arcs in both directions.
    combine : {"sum", "max"}, default "sum"
        How the weights of several ties joining one pair (in one direction,
        when ``directed``) combine into the edge weight: ``"sum"`` adds them
        (two ties trust more than one), ``"max"`` keeps the strongest.
    kind_weights : mapping, optional
        Weight per tie kind, default :data:`KIND_WEIGHTS`.
    follow_channels : bool, default False
        Also project the upstream hops a funding tie's ``channel`` implies
        (see the module docstring); the tie itself is always projected.

    Returns
    -------
    nx.Graph or nx.DiGraph
        Nodes with the snapshot's attributes (shared dicts: do not modify),
        edges with ``weight``, ``distance``, ``ties`` and ``kinds``.
        ``graph`` holds the snapshot's metadata plus ``projection`` (the
        parameters used).

    Raises
    ------
    ValueError
        For an unknown tie kind or ``combine`` rule.

    Examples
    --------
    A pair joined by a formal and an informal tie becomes one edge:

    >>> S = nx.MultiDiGraph()
    >>> S.add_edge("a", "b", key="t1", kind="formal", directed=False)
    't1'
    >>> S.add_edge("b", "a", key="t2", kind="informal", directed=False)
    't2'
    >>> S.add_edge("f", "a", key="t3", kind="funding", directed=True, strength=0.5)
    't3'
    >>> H = project(S)
    >>> H["a"]["b"]["weight"], H["a"]["b"]["kinds"], H["a"]["b"]["ties"]
    (1.5, 'formal+informal', 2)
    >>> project(S, combine="max")["a"]["b"]["weight"]
    1.0
    >>> D = project(S, kinds=["funding"], directed=True)
    >>> list(D.edges(data="weight"))
    [('f', 'a', 0.5)]

    A grant ``a -> b`` whose money came from ``g`` (``channel=["g"]``) ties
    ``a`` and ``b``; following channels adds the implied hop ``g -> a``:

    >>> S.add_node("g")
    >>> _ = S.add_edge("a", "b", key="t4", kind="funding", directed=True, channel=["g"])
    >>> sorted(project(S, kinds=["funding"], directed=True).edges())
    [('a', 'b'), ('f', 'a')]
    >>> sorted(project(S, kinds=["funding"], directed=True, follow_channels=True).edges())
    [('a', 'b'), ('f', 'a'), ('g', 'a')]
    """
    kinds = tuple(DEFAULT_KINDS if kinds is None else kinds)
    for k in kinds:
        if k not in ALL_KINDS:
            raise ValueError(f"unknown tie kind '{k}': use formal, informal, funding "
                             "or co_participation")
    if combine not in _COMBINE:
        raise ValueError(f"unknown combine rule '{combine}': use sum or max")
    kw = dict(KIND_WEIGHTS if kind_weights is None else kind_weights)
    T = tie_table(G)
    n = len(T.nodes)
    src, dst, kind, directed_tie = T.src, T.dst, T.kind, T.directed
    w = np.asarray([kw.get(k, 0.0) for k in KIND_NAMES])[kind] * T.strength
    if follow_channels and T.channels:
        # Replace each channelled tie by one row per hop of its chain:
        # upstream funders first, then the tie's own funder and recipient.
        rows = np.fromiter(T.channels, dtype=np.int64, count=len(T.channels))
        hs, hd, hk, hw, hdir = [], [], [], [], []
        for r in rows.tolist():
            chain = [*(T.index[c] for c in T.channels[r] if c in T.index),
                     int(src[r]), int(dst[r])]
            chain = [x for i, x in enumerate(chain) if i == 0 or x != chain[i - 1]]
            for x, y in zip(chain, chain[1:]):
                hs.append(x)
                hd.append(y)
                hk.append(kind[r])
                hw.append(w[r])
                hdir.append(directed_tie[r])
        keep = np.ones(len(src), dtype=bool)
        keep[rows] = False
        src = np.concatenate([src[keep], np.asarray(hs, dtype=np.int64)])
        dst = np.concatenate([dst[keep], np.asarray(hd, dtype=np.int64)])
        kind = np.concatenate([kind[keep], np.asarray(hk, dtype=np.int8)])
        w = np.concatenate([w[keep], np.asarray(hw, dtype=float)])
        directed_tie = np.concatenate([directed_tie[keep], np.asarray(hdir, dtype=bool)])
    sel = np.isin(kind, [KIND_NAMES.index(k) for k in kinds]) & (src != dst)
    src, dst, kind, w, directed_tie = src[sel], dst[sel], kind[sel], w[sel], directed_tie[sel]
    if directed:
        both = ~directed_tie  # formal and informal ties run both ways
        a = np.concatenate([src, dst[both]])
        b = np.concatenate([dst, src[both]])
        kind, w = np.concatenate([kind, kind[both]]), np.concatenate([w, w[both]])
    else:
        a, b = np.minimum(src, dst), np.maximum(src, dst)
    pairs, inv = np.unique(a * n + b, return_inverse=True)
    if combine == "sum":
        weight = np.bincount(inv, weights=w, minlength=len(pairs))
    else:
        weight = np.full(len(pairs), -np.inf)
        np.maximum.at(weight, inv, w)
    ties = np.bincount(inv, minlength=len(pairs))
    mask = np.zeros(len(pairs), dtype=np.int64)
    np.bitwise_or.at(mask, inv, (1 << kind.astype(np.int64)))
    labels = ["+".join(sorted(KIND_NAMES[i] for i in range(len(KIND_NAMES)) if m >> i & 1))
              for m in range(1 << len(KIND_NAMES))]
    with np.errstate(divide="ignore"):
        dist = np.where(weight > 0, 1.0 / weight, np.inf)

    H: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    H.graph.update(G.graph)
    H.graph["projection"] = {"kinds": kinds, "directed": directed, "combine": combine,
                             "kind_weights": kw, "follow_channels": follow_channels}
    H.add_nodes_from(G.nodes(data=True))
    nodes = T.nodes
    # Measures run inside reuse_conversions (actor_metrics) take the edge
    # arrays from here rather than walking H's edges again.
    _engines.seed(H, "edges", (list(H), np.stack([pairs // n, pairs % n], axis=1)))
    _engines.seed(H, "values:weight", weight)
    _engines.seed(H, "values:distance", dist)
    H.add_edges_from(
        (nodes[p // n], nodes[p % n],
         {"weight": wt, "distance": d, "ties": t, "kinds": labels[m]})
        for p, wt, d, t, m in zip(pairs.tolist(), weight.tolist(), dist.tolist(),
                                  ties.tolist(), mask.tolist()))
    return H
