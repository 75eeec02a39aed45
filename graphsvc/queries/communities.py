"""Communities (Louvain) and the silo view: who clusters with whom.

A snapshot has **one** partition, :func:`snapshot_partition`: seeded
Louvain on the snapshot's undirected projection (every tie kind, weights
summed). The dashboard, the communities page, map colours, the metrics'
``community`` column, Gould-Fernandez roles by community and the reasons of
suggested introductions all use it, so no page contradicts another.

Louvain is random (the order nodes are visited); every function here takes a
``seed`` so a result can be repeated. The reference engine is python-louvain, and
``engine="auto"`` uses it up to :data:`LOUVAIN_IGRAPH_ABOVE` actors (the
field's networks are far smaller); above that it uses igraph's multilevel
implementation (same algorithm, C speed) seeded from a private random
generator. The two engines may split a graph differently, with close
modularity; the tests check that they agree.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import networkx as nx
import pandas as pd

from . import _engines
from .projection import project

__all__ = ["louvain", "snapshot_partition", "modularity", "community_profile",
           "LOUVAIN_IGRAPH_ABOVE"]

#: Above this many actors ``engine="auto"`` runs Louvain in igraph.
LOUVAIN_IGRAPH_ABOVE = 5000

def _undirected(G: nx.Graph, weight: str | None) -> nx.Graph:
    if not G.is_directed():
        return G
    # Arcs both ways between a pair become one edge weighing their sum.
    H: nx.Graph = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    for u, v, d in G.edges(data=True):
        w = d.get(weight, 1.0) if weight else 1.0
        if H.has_edge(u, v):
            H[u][v]["weight"] += w
        else:
            H.add_edge(u, v, weight=w)
    return H


def louvain(G: nx.Graph, weight: str | None = "weight", resolution: float = 1.0,
            seed: int = 0, engine: str = "auto") -> dict:
    """Louvain communities, numbered by size (0 = largest).

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection; a directed one is made undirected first (the weights of
        arcs both ways between a pair are added).
    weight : str or None, default "weight"
    resolution : float, default 1.0
        Higher gives more, smaller communities.
    seed : int, default 0
        Same seed, same graph, same engine -> same communities.
    engine : {"auto", "networkx", "igraph"}
        ``"networkx"`` uses python-louvain (``community.best_partition``),
        the reference; ``"auto"`` uses it up to :data:`LOUVAIN_IGRAPH_ABOVE`
        actors and igraph's multilevel above.

    Returns
    -------
    dict
        Actor id -> community number. Communities are numbered by size,
        largest first, ties broken by their smallest member id, so numbers do
        not depend on the engine's internal labels.

    Examples
    --------
    Two triangles joined by one tie split into two communities:

    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> louvain(G, seed=1)
    {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1}

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E.
       "Fast unfolding of communities in large networks." Journal of
       Statistical Mechanics P10008, 2008.
    """
    if engine == "auto" and G.number_of_nodes() <= LOUVAIN_IGRAPH_ABOVE:
        engine = "networkx"
    engine = _engines.pick(engine)
    H = _undirected(G, weight)
    w = "weight" if G.is_directed() else weight
    if H.number_of_edges() == 0:
        raw = {v: i for i, v in enumerate(H)}
    elif engine == "networkx":
        import community as community_louvain

        raw = community_louvain.best_partition(H, weight=w or "__none__",
                                               resolution=resolution, random_state=seed)
    else:
        g, nodes = _engines.to_igraph(H, w)
        with _engines.igraph_rng(seed):
            cl = g.community_multilevel(weights="w" if w else None, resolution=resolution)
        raw = dict(zip(nodes, cl.membership))
    return _renumber(raw)


def snapshot_partition(G: nx.MultiDiGraph, seed: int = 0, engine: str = "auto") -> dict:
    """The community partition of a snapshot: the one every consumer uses.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The snapshot (:func:`graphsvc.snapshot.build_snapshot`), as the
        reader sees it.
    seed : int, default 0
    engine : {"auto", "networkx", "igraph"}
        See :func:`louvain`.

    Returns
    -------
    dict
        Actor id -> community number (0 = largest), every actor included;
        ``{}`` for an empty graph.

    Examples
    --------
    >>> from graphsvc.snapshot import build_snapshot
    >>> S = build_snapshot([], [])
    >>> snapshot_partition(S)
    {}
    """
    if G.number_of_nodes() == 0:
        return {}
    return louvain(project(G), seed=seed, engine=engine)


def _renumber(raw: dict) -> dict:
    members: dict = {}
    for v, c in raw.items():
        members.setdefault(c, []).append(v)
    order = sorted(members.values(), key=lambda m: (-len(m), min(map(str, m))))
    new = {}
    for i, m in enumerate(order):
        for v in m:
            new[v] = i
    return {v: new[v] for v in raw}


def modularity(G: nx.Graph, partition: dict, weight: str | None = "weight",
               resolution: float = 1.0) -> float:
    """Newman's modularity of a partition (actor id -> community).

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> round(modularity(G, {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1}), 4)
    0.3571

    References
    ----------
    .. [1] Newman, M. E. J. "Modularity and community structure in
       networks." PNAS 103(23):8577-8582, 2006.
    """
    H = _undirected(G, weight)
    w = "weight" if G.is_directed() else weight
    groups: dict = {}
    for v, c in partition.items():
        groups.setdefault(c, set()).add(v)
    return float(nx.community.modularity(H, groups.values(), weight=w,
                                         resolution=resolution))


def _mix(values: Iterable, top: int | None = None) -> str:
    c = Counter(v for v in values if v not in (None, ""))
    items = sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))
    if top:
        items = items[:top]
    return "; ".join(f"{k} {n}" for k, n in items)


def community_profile(G: nx.Graph, partition: dict, top: int = 5) -> pd.DataFrame:
    """The silo view: for each community, its mix of countries, kinds and issue areas.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection whose nodes carry ``country``, ``kind`` and
        ``issue_areas``.
    partition : dict
        Actor id -> community (e.g. from :func:`louvain`).
    top : int, default 5
        How many issue areas to list per community.

    Returns
    -------
    pandas.DataFrame
        One row per community (index ``community``), columns:

        - ``size``: actors;
        - ``internal_ties``, ``external_ties``: projected ties inside the
          community / to other communities;
        - ``countries``, ``kinds``: every value with its count, most common
          first (``"MX 12; US 5"``);
        - ``issue_areas``: the ``top`` most common issue areas with counts;
        - ``top_issue_area``, ``top_issue_share``: the most common issue area
          and the share of members listing it (a silo scores near 1);
        - ``cross_border_share``: share of the community's internal ties
          that join actors of different countries.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": "MX", "b": "MX", "c": "US"}, "country")
    >>> p = community_profile(G, {"a": 0, "b": 0, "c": 0})
    >>> p.loc[0, "countries"], float(p.loc[0, "cross_border_share"])
    ('MX 2; US 1', 0.5)
    """
    members: dict = {}
    for v, c in partition.items():
        members.setdefault(c, []).append(v)
    internal: Counter = Counter()
    external: Counter = Counter()
    cross: Counter = Counter()
    for u, v in G.edges():
        cu, cv = partition.get(u), partition.get(v)
        if cu == cv:
            internal[cu] += 1
            if G.nodes[u].get("country") != G.nodes[v].get("country"):
                cross[cu] += 1
        else:
            external[cu] += 1
            external[cv] += 1
    rows = []
    for c in sorted(members, key=lambda x: (-len(members[x]), str(x))):
        vs = members[c]
        attrs = [G.nodes[v] for v in vs]
        issues = Counter(i for a in attrs for i in (a.get("issue_areas") or ()))
        top_issue, top_n = (issues.most_common(1)[0] if issues else (None, 0))
        rows.append({
            "community": c, "size": len(vs),
            "internal_ties": internal[c], "external_ties": external[c],
            "countries": _mix(a.get("country") for a in attrs),
            "kinds": _mix(a.get("kind") for a in attrs),
            "issue_areas": _mix((i for a in attrs for i in (a.get("issue_areas") or ())),
                                top=top),
            "top_issue_area": top_issue,
            "top_issue_share": top_n / len(vs),
            "cross_border_share": cross[c] / internal[c] if internal[c] else 0.0,
        })
    return pd.DataFrame(rows).set_index("community")
