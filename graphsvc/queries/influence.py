"""Influence: how an actor reaches policymakers (US, Mexican, other) and funders,
and where money flows.

Paths run over a projection (see :func:`graphsvc.queries.projection.project`):
undirected by default, so a tie is a channel both ways; on a directed
projection paths follow funding direction. The *shortest* path counts ties;
the *most trusted* path minimises the sum of edge ``distance`` (``1/weight``),
so with the default weights a formal tie costs 1 and an informal tie 2: the
trusted route prefers formal ties unless the informal shortcut is shorter by
more than half.
"""
from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from ..errors import no_actor
from ..model import is_funder, is_policymaker, policymaker_target
from . import _engines

__all__ = [
    "PathResult",
    "Reach",
    "nearest",
    "distance_to",
    "influence_paths",
    "reach",
    "reach_counts",
    "targets_within",
    "funding_channels",
]


@dataclass(frozen=True)
class PathResult:
    """A path from ``source`` to the nearest actor of a target set."""

    source: Hashable
    target: Hashable
    path: list
    hops: int
    cost: float
    kinds: list = field(default_factory=list)  # tie kinds along the path, edge by edge


@dataclass(frozen=True)
class Reach:
    """Who an actor reaches within ``k`` steps."""

    actor: Hashable
    k: int
    by_step: dict  # step -> number of actors first reached at that step
    total: int
    policymakers: list
    funders: list
    countries: dict  # country -> actors reached


#: Named target sets: policymakers by side (see
#: :func:`graphsvc.model.policymaker_target`) and funders.
TARGET_SETS = {"us_policymakers": "US", "mx_policymakers": "MX",
               "other_policymakers": "other", "policymakers": "all", "funders": None}


def _target_pred(which, level=None) -> Callable[[Hashable, dict], bool]:
    if callable(which):
        return which
    if which == "funders":
        return lambda v, a: is_funder(a)
    if which in TARGET_SETS:
        test = policymaker_target(TARGET_SETS[which], level)
        return lambda v, a: test(a)
    raise ValueError(f"unknown target set '{which}': use {', '.join(TARGET_SETS)} "
                     "or a function (actor_id, attrs) -> bool")


def nearest(G: nx.Graph, source: Hashable, targets, distance: str | None = None,
            level: str | None = None):
    """The shortest path from ``source`` to the nearest actor of ``targets``.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection.
    source : actor id
    targets : {"us_policymakers", "mx_policymakers", "other_policymakers", \
"policymakers", "funders"} or callable
        Target set: US, Mexican, other countries' (and international) or
        any policymakers (:func:`graphsvc.model.policymaker_target`), funders
        (``is_funder``), or ``f(actor_id, attrs) -> bool``. The source itself
        is never a target.
    distance : str, optional
        Edge length attribute (``"distance"`` for the most trusted path);
        default hops.
    level : {"federal", "state", "municipal", "legislative"}, optional
        For a policymaker set: only policymakers with this level recorded.

    Returns
    -------
    PathResult or None
        None when no target is reachable. Equal-cost targets are broken by
        the order they are reached (deterministic for a given graph).

    Raises
    ------
    KeyError
        If ``source`` is not in the graph.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("dhs", kind="government", country="US")
    >>> G.add_edge("cso", "ngo", distance=2.0, kinds="informal")
    >>> G.add_edge("ngo", "dhs", distance=1.0, kinds="formal")
    >>> r = nearest(G, "cso", "us_policymakers")
    >>> r.path, r.hops, r.kinds
    (['cso', 'ngo', 'dhs'], 2, ['informal', 'formal'])
    """
    if source not in G:
        raise KeyError(no_actor(source))
    is_target = _target_pred(targets, level)
    adj = G.adj  # successors in a DiGraph
    counter = itertools.count()
    dist = {source: 0.0}
    prev: dict = {}
    heap = [(0.0, next(counter), source)]
    done = set()
    while heap:
        d, _, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u != source and is_target(u, G.nodes[u]):
            path = [u]
            while path[-1] != source:
                path.append(prev[path[-1]])
            path.reverse()
            kinds = [G.edges[a, b].get("kinds") for a, b in zip(path, path[1:])]
            return PathResult(source, u, path, len(path) - 1, d, kinds)
        for v, e in adj[u].items():
            nd = d + (e.get(distance, 1.0) if distance else 1.0)
            if v not in dist or nd < dist[v]:
                dist[v] = nd
                prev[v] = u
                heapq.heappush(heap, (nd, next(counter), v))
    return None


def distance_to(G: nx.Graph, targets, distance: str | None = None) -> dict:
    """Every actor's distance to the nearest actor of a target set.

    One multi-source Dijkstra (SciPy, C speed) from the whole target set,
    against edge direction when ``G`` is directed, so the value is the
    length of the actor's path *to* a target.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection.
    targets : as in :func:`nearest`
    distance : str, optional
        Edge length attribute (``"distance"`` for the most trusted route);
        default hops.

    Returns
    -------
    dict
        Actor id -> distance: 0 for the targets themselves, ``inf`` when no
        target is reachable.

    Examples
    --------
    >>> G = nx.path_graph(["a", "b", "c"])
    >>> G.nodes["c"].update(kind="funder")
    >>> distance_to(G, "funders")
    {'a': 2.0, 'b': 1.0, 'c': 0.0}
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import dijkstra

    is_target = _target_pred(targets)
    nodes, pairs = _engines.edge_index(G)
    n = len(nodes)
    idx = [i for i, v in enumerate(nodes) if is_target(v, G.nodes[v])]
    if not idx:
        return dict.fromkeys(nodes, float("inf"))
    w = (_engines.edge_values(G, distance) if distance else np.ones(len(pairs)))
    # Paths actor -> target are paths target -> actor in the reversed graph.
    A = sp.csr_array((w, (pairs[:, 1], pairs[:, 0])), shape=(n, n))
    d = dijkstra(A, directed=G.is_directed(), indices=idx, min_only=True)
    return dict(zip(nodes, d.tolist()))


def influence_paths(G: nx.Graph, actor: Hashable,
                    targets=("us_policymakers", "funders"),
                    level: str | None = None) -> pd.DataFrame:
    """Shortest and most trusted path from ``actor`` to each target set.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection (its edges carry ``distance`` and ``kinds``).
    actor : actor id
    targets : iterable
        Target sets as in :func:`nearest`.
    level : str, optional
        For the policymaker sets: only policymakers with this level recorded.

    Returns
    -------
    pandas.DataFrame
        One row per (target set, route): columns ``targets``, ``route``
        (``shortest`` or ``most_trusted``), ``target``, ``target_name``,
        ``hops``, ``cost`` (sum of ``distance``), ``path`` (ids joined by
        ``" > "``), ``kinds`` (tie kinds along the path). ``target`` is
        missing when no target is reachable.

    Examples
    --------
    The direct informal tie is shortest; two formal ties are more trusted:

    >>> from graphsvc.queries.projection import project
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("dhs", kind="government", country="US", name="DHS")
    >>> _ = S.add_edge("cso", "dhs", kind="informal", strength=0.5)
    >>> _ = S.add_edge("cso", "ngo", kind="formal")
    >>> _ = S.add_edge("ngo", "dhs", kind="formal")
    >>> t = influence_paths(project(S), "cso", targets=["us_policymakers"])
    >>> t[["route", "path", "cost"]].values.tolist()
    [['shortest', 'cso > dhs', 4.0], ['most_trusted', 'cso > ngo > dhs', 2.0]]
    """
    rows = []
    for t in targets:
        name = t if isinstance(t, str) else getattr(t, "__name__", "custom")
        for route, dist in (("shortest", None), ("most_trusted", "distance")):
            r = nearest(G, actor, t, distance=dist, level=level)
            if r is None:
                rows.append({"targets": name, "route": route, "target": None,
                             "target_name": None, "hops": None, "cost": None,
                             "path": None, "kinds": None})
                continue
            cost = sum(G.edges[a, b].get("distance", 1.0) for a, b in zip(r.path, r.path[1:]))
            rows.append({"targets": name, "route": route, "target": r.target,
                         "target_name": G.nodes[r.target].get("name"), "hops": r.hops,
                         "cost": float(cost), "path": " > ".join(map(str, r.path)),
                         "kinds": " > ".join(str(k) for k in r.kinds)})
    return pd.DataFrame(rows)


def reach(G: nx.Graph, actor: Hashable, k: int = 2) -> Reach:
    """Actors within ``k`` ties of ``actor``, and who among them matters.

    Examples
    --------
    >>> G = nx.path_graph(["a", "b", "c", "d"])
    >>> G.nodes["c"].update(kind="funder", country="US")
    >>> r = reach(G, "a", k=2)
    >>> r.by_step, r.total, r.funders
    ({1: 1, 2: 1}, 2, ['c'])
    """
    if actor not in G:
        raise KeyError(no_actor(actor))
    lengths = nx.single_source_shortest_path_length(G, actor, cutoff=k)
    others = [v for v in lengths if v != actor]
    attrs = G.nodes
    return Reach(
        actor=actor, k=k,
        by_step=dict(sorted(Counter(lengths[v] for v in others).items())),
        total=len(others),
        policymakers=sorted((v for v in others if is_policymaker(attrs[v])), key=str),
        funders=sorted((v for v in others if is_funder(attrs[v])), key=str),
        countries=dict(Counter(attrs[v].get("country") for v in others).most_common()),
    )


def reach_counts(G: nx.Graph, k: int = 2, engine: str = "auto") -> dict:
    """Number of other actors within ``k`` ties, for every actor.

    Examples
    --------
    >>> reach_counts(nx.path_graph(4), k=2)
    {0: 2, 1: 3, 2: 3, 3: 2}
    """
    engine = _engines.pick(engine)
    if engine == "networkx":
        return {v: len(nx.single_source_shortest_path_length(G, v, cutoff=k)) - 1
                for v in G}
    g, nodes = _engines.to_igraph(G)
    sizes = np.asarray(g.neighborhood_size(order=k, mode="out"), dtype=int) - 1
    return dict(zip(nodes, sizes.tolist()))


def targets_within(G: nx.Graph, targets, k: int = 2) -> dict:
    """How many actors of a target set each actor reaches within ``k`` ties
    (itself not counted): the map's "who reaches policymakers" measure.

    One breadth-first search from each target, ``k`` ties deep, against
    edge direction when ``G`` is directed.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection.
    targets : as in :func:`nearest`
    k : int
        Ties away at most.

    Examples
    --------
    >>> G = nx.path_graph(["a", "b", "c", "d"])
    >>> G.nodes["d"].update(kind="government", country="US")
    >>> G.nodes["b"].update(kind="official", country="US")
    >>> targets_within(G, "us_policymakers")
    {'a': 1, 'b': 1, 'c': 2, 'd': 1}
    """
    is_target = _target_pred(targets)
    counts = dict.fromkeys(G, 0)
    R = G.reverse(copy=False) if isinstance(G, nx.DiGraph) else G
    for t in sorted((v for v in G if is_target(v, G.nodes[v])), key=str):
        for v in nx.single_source_shortest_path_length(R, t, cutoff=k):
            if v != t:
                counts[v] += 1
    return counts


def funding_channels(G: nx.MultiDiGraph, by: str = "channel") -> pd.DataFrame:
    """Funding aggregated along its channels, from the tie snapshot.

    A funding tie runs funder -> recipient; its ``channel`` names the
    upstream funders the money came from, origin first (PRM -> UNHCR -> a
    Mexican CSO is the tie ``unhcr -> cso`` with ``channel=["prm"]``). Each
    tie is counted once, as origin -> intermediaries -> recipient: the origin
    is the channel's first actor (the tie's funder when there is no channel),
    the intermediaries the rest of the channel and then the tie's funder.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The tie snapshot.
    by : {"channel", "intermediary"}
        ``"channel"``: one row per (funder, channel, recipient, currency).
        ``"intermediary"``: one row per (intermediary, currency), the money
        that passed through each intermediary, with how many funders and
        recipients.

    Returns
    -------
    pandas.DataFrame
        For ``"channel"``: ``funder``, ``via`` (intermediary ids joined by
        ``" > "``, empty for direct funding), ``recipient``, ``currency``,
        ``amount`` (sum of known amounts), ``ties``, ``ties_without_amount``,
        ``first_year``, ``last_year``, sorted by amount. For
        ``"intermediary"``: ``intermediary``, ``currency``, ``amount``,
        ``ties``, ``funders``, ``recipients``. Amounts in different
        currencies are never added together.

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> _ = S.add_edge("unhcr", "cso1", kind="funding", amount=100.0, currency="USD",
    ...                channel=["prm"], year=2020)
    >>> _ = S.add_edge("unhcr", "cso1", kind="funding", amount=50.0, currency="USD",
    ...                channel=["prm"], year=2021)
    >>> _ = S.add_edge("unhcr", "cso2", kind="funding", amount=30.0, currency="USD",
    ...                channel=["prm"])
    >>> funding_channels(S)[["funder", "via", "recipient", "amount", "ties"]].values.tolist()
    [['prm', 'unhcr', 'cso1', 150.0, 2], ['prm', 'unhcr', 'cso2', 30.0, 1]]
    >>> funding_channels(S, by="intermediary").iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'intermediary': 'unhcr', 'currency': 'USD', 'amount': 180.0, 'ties': 3, 'funders': 1,
     'recipients': 2}
    """
    rows = []
    for u, v, a in G.edges(data=True):
        if a.get("kind") != "funding":
            continue
        upstream = tuple(a.get("channel") or ())
        funder, via = (upstream[0], (*upstream[1:], u)) if upstream else (u, ())
        rows.append({"funder": funder, "channel": via, "recipient": v,
                     "currency": a.get("currency") or "", "amount": a.get("amount"),
                     "year": a.get("year")})
    if by == "intermediary":
        cols = ["intermediary", "currency", "amount", "ties", "funders", "recipients"]
        flat = [dict(r, intermediary=x) for r in rows for x in r["channel"]]
        if not flat:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame(flat)
        out = df.groupby(["intermediary", "currency"], sort=True).agg(
            amount=("amount", lambda s: float(s.sum(min_count=1)) if s.notna().any() else None),
            ties=("amount", "size"), funders=("funder", "nunique"),
            recipients=("recipient", "nunique")).reset_index()
        return out.sort_values(["amount", "intermediary"], ascending=[False, True],
                               na_position="last", ignore_index=True)[cols]
    if by != "channel":
        raise ValueError(f"unknown grouping '{by}': use channel or intermediary")
    cols = ["funder", "via", "recipient", "currency", "amount", "ties",
            "ties_without_amount", "first_year", "last_year"]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    df["via"] = df["channel"].map(lambda c: " > ".join(map(str, c)))
    out = df.groupby(["funder", "via", "recipient", "currency"], sort=True).agg(
        amount=("amount", lambda s: float(s.sum(min_count=1)) if s.notna().any() else None),
        ties=("amount", "size"),
        ties_without_amount=("amount", lambda s: int(s.isna().sum())),
        first_year=("year", "min"), last_year=("year", "max")).reset_index()
    return out.sort_values(["amount", "funder", "recipient"], ascending=[False, True, True],
                           na_position="last", ignore_index=True)[cols]
