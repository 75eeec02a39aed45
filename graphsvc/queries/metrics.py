"""Every per-actor metric in one table, with the actor's attributes.

This is what ``graphsvc metrics`` writes and what an export puts on the
nodes for Gephi: one row per actor, indexed by actor id, columns as listed
in :data:`COLUMNS` (name -> definition).
"""
from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from . import _engines, brokerage, centrality, communities, influence, paths
from .projection import project

__all__ = ["ATTRIBUTE_COLUMNS", "COLUMNS", "actor_metrics", "node_attributes"]

#: Actor attributes copied into the table (lists joined by ";").
ATTRIBUTE_COLUMNS: dict[str, str] = {
    "name": "Actor name",
    "kind": "Actor kind (cso, shelter, government, funder, ...)",
    "country": "ISO 3166 country code, INT for international bodies",
    "city": "City",
    "region": "Region or state",
    "issue_areas": "Issue areas, joined by ';'",
    "populations": "Populations served, joined by ';'",
    "phases": "Phases of the migration process, joined by ';'",
    "languages": "Languages, joined by ';'",
    "roles": "Roles (funder, policymaker), joined by ';'",
    "provenance": "Where the actor record came from",
    "visibility": "public or restricted",
}

_METRICS: dict[str, str] = {
    "degree": "Distinct actors tied by any tie (snapshot, all kinds)",
    "degree_formal": "Distinct actors tied by a formal tie",
    "degree_informal": "Distinct actors tied by an informal tie",
    "funders": "Distinct actors recorded as funding this actor",
    "recipients": "Distinct actors this actor is recorded as funding",
    "strength_formal": "Sum of formal tie strengths (missing strength = 1)",
    "strength_informal": "Sum of informal tie strengths (missing strength = 1)",
    "funding_ties_in": "Funding ties received (yearly grants count separately)",
    "funding_ties_out": "Funding ties given",
    "strength": "Sum of projected edge weights (trust: kind weight x strength)",
    "betweenness": "Normalised shortest-path betweenness on the projection (hops)",
    "closeness": "Closeness with Wasserman-Faust correction (incoming if directed)",
    "harmonic": "Harmonic centrality: sum of 1/distance from the others (not normalised)",
    "eigenvector": "Eigenvector centrality (weighted, unit Euclidean norm)",
    "pagerank": "PageRank, damping 0.85, weighted",
    "effective_size": "Burt's effective size (weighted); NaN for an untied actor",
    "efficiency": "Effective size / number of contacts",
    "constraint": "Burt's constraint (weighted); low = broker, high = embedded",
    "brokerage_coordinator": "Gould-Fernandez w_I: i, j, k in one group",
    "brokerage_itinerant": "Gould-Fernandez w_O: i, k in one group, broker j in another",
    "brokerage_representative": "Gould-Fernandez b_IO: i, j in one group, k in another",
    "brokerage_gatekeeper": "Gould-Fernandez b_OI: j, k in one group, i in another",
    "brokerage_liaison": "Gould-Fernandez b_O: i, j, k in three groups",
    "brokerage_total": "All counted two-paths i -> j -> k brokered (sna rule)",
    "community": "Louvain community number (0 = largest), seeded",
    "reach_2": "Other actors within 2 ties (the number follows --reach)",
    "hops_to_us_policymakers": "Ties on the shortest path to a US policymaker "
                               "(0 for one; empty if none reachable)",
    "cost_to_us_policymakers": "Cost of the most trusted path to a US policymaker "
                               "(sum of 1/weight: formal tie 1, informal 2)",
    "hops_to_funders": "Ties on the shortest path to a funder (0 for one)",
    "cost_to_funders": "Cost of the most trusted path to a funder",
}

#: Every column of :func:`actor_metrics`, in order, with its definition.
COLUMNS: dict[str, str] = {**ATTRIBUTE_COLUMNS, **_METRICS}


def _attributes(G: nx.Graph) -> pd.DataFrame:
    rows = []
    for _, a in G.nodes(data=True):
        row = {}
        for c in ATTRIBUTE_COLUMNS:
            x = a.get(c)
            row[c] = ";".join(map(str, x)) if isinstance(x, (list, tuple, set)) else x
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(list(G), name="id"),
                        columns=list(ATTRIBUTE_COLUMNS))


def actor_metrics(G: nx.MultiDiGraph, kinds: Iterable[str] | None = None,
                  directed: bool = False, combine: str = "sum",
                  group_by: str = "country", k: int | None = None, seed: int = 0,
                  reach: int = 2, engine: str = "auto",
                  partition: dict | None = None) -> pd.DataFrame:
    """Every per-actor metric of the snapshot, joined with the actor's attributes.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The tie snapshot.
    kinds : iterable of str, optional
        Tie kinds counted by the projected measures (default all).
    directed : bool, default False
        Whether funding direction matters (see
        :func:`~graphsvc.queries.projection.project`).
    combine : {"sum", "max"}
        How parallel ties between a pair combine.
    group_by : str, default "country"
        Node attribute defining groups for the brokerage roles, or
        ``"community"`` for the snapshot's partition.
    k : int, optional
        Sample size for approximate betweenness, closeness and harmonic
        centrality (seeded); default exact.
    seed : int, default 0
        Seed for the samples and for Louvain.
    reach : int, default 2
        Steps for the ``reach_<n>`` column.
    engine : {"auto", "networkx", "igraph"}
    partition : dict, optional
        The snapshot's communities (actor id -> number) for the
        ``community`` column; default
        :func:`~graphsvc.queries.communities.snapshot_partition` of ``G``
        with ``seed``, whatever ``kinds`` and ``directed`` say, so the
        column is the partition every other view of the snapshot shows.

    Returns
    -------
    pandas.DataFrame
        One row per actor, indexed by ``id``; columns :data:`COLUMNS` in
        that order (``reach_2`` named after ``reach``). ``attrs`` holds the
        parameters and the snapshot's ``version`` and ``illustrative`` flag.

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("a", name="A", kind="cso", country="MX")
    >>> S.add_node("b", name="B", kind="cso", country="US")
    >>> S.add_node("c", name="C", kind="cso", country="US")
    >>> _ = S.add_edge("a", "b", kind="formal")
    >>> _ = S.add_edge("b", "c", kind="informal")
    >>> t = actor_metrics(S)
    >>> float(t.loc["b", "betweenness"]), int(t.loc["b", "brokerage_gatekeeper"])
    (1.0, 1)
    >>> list(t.columns) == list(COLUMNS)
    True
    """
    with _engines.reuse_conversions():  # one tie table, one igraph graph for all
        H = project(G, kinds=kinds, directed=directed, combine=combine)
        if G.number_of_nodes():
            if partition is None:
                partition = communities.snapshot_partition(G, seed=seed, engine=engine)
            parts = _parts(G, H, group_by, k, seed, reach, engine, partition)
            index = pd.Index(list(G), name="id")
            df = pd.concat([p.reindex(index) for p in parts], axis=1)
        else:  # an empty graph has an empty table, with every column
            df = pd.DataFrame(columns=list(COLUMNS), index=pd.Index([], dtype=object))
    df.index.name = "id"
    df.attrs.update({
        "version": G.graph.get("version"),
        "illustrative": str(G.graph.get("illustrative", "")).lower() == "true",
        "kinds": list(H.graph["projection"]["kinds"]), "directed": directed,
        "combine": combine, "group_by": group_by, "sample": k, "seed": seed,
        "reach": reach,
    })
    return df


def node_attributes(table: pd.DataFrame, columns: Iterable[str] | None = None) -> dict:
    """Per-actor metric values ready to set on graph nodes (GraphML, GEXF).

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`actor_metrics`.
    columns : iterable of str, optional
        Columns to keep (default: the metric columns, not the attributes the
        nodes already have).

    Returns
    -------
    dict
        Actor id -> {column: value} with plain Python ``int``/``float``/
        ``str`` values; missing values (NaN, e.g. the constraint of an
        untied actor) are left out, since GraphML and GEXF have no null.
        Use with :func:`networkx.set_node_attributes`.

    Examples
    --------
    >>> t = pd.DataFrame({"degree": [2, 0], "constraint": [0.5, float("nan")]},
    ...                  index=pd.Index(["a", "b"], name="id"))
    >>> node_attributes(t)
    {'a': {'degree': 2, 'constraint': 0.5}, 'b': {'degree': 0}}
    """
    cols = [c for c in (columns or table.columns)
            if columns is not None or c not in ATTRIBUTE_COLUMNS]
    out = {}
    for v, row in zip(table.index, table[cols].itertuples(index=False, name=None)):
        attrs = {}
        for c, x in zip(cols, row):
            if x is None or (isinstance(x, float) and x != x):
                continue
            attrs[c] = x.item() if hasattr(x, "item") else x
        out[v] = attrs
    return out


def _strength(H) -> pd.Series:
    """Sum of projected edge weights per actor (both ends; in + out if directed)."""
    nodes, pairs = _engines.edge_index(H)
    w = _engines.edge_values(H, "weight")
    n = len(nodes)
    s = np.bincount(pairs[:, 0], weights=w, minlength=n) + np.bincount(
        pairs[:, 1], weights=w, minlength=n)
    return pd.Series(s, index=pd.Index(nodes, name="id"), name="strength", dtype=float)


#: The target sets of the ``hops_to_*`` and ``cost_to_*`` columns.
_TARGETS = ("us_policymakers", "funders")


def _paths(H, k, seed, reach, engine):
    """One compiled pass for betweenness, closeness, harmonic and, when exact,
    reach and hops (None when the kernel is not used). Offered to
    :func:`centrality.centrality_table` through the conversion cache."""
    if not centrality._use_kernel(engine, None):
        return None
    if k is not None and k >= H.number_of_nodes():
        k = None
    m = paths.path_measures(H, k=k, seed=seed, reach=reach,
                            targets={t: influence._target_pred(t) for t in _TARGETS})
    _engines.seed(H, f"paths:{k}:{seed if k is not None else None!r}", m)
    return m


def _parts(G, H, group_by, k, seed, reach, engine, partition) -> list:
    m = _paths(H, k, seed, reach, engine)
    index = pd.Index(m.nodes if m is not None else [], name="id")

    def reach_column():
        if m is not None and m.reach is not None:
            return pd.Series(m.reach, index=index, name=f"reach_{reach}")
        return pd.Series(influence.reach_counts(H, reach, engine=engine), name=f"reach_{reach}")

    def hops_column(t):
        if m is not None and t in m.hops:
            return pd.Series(m.hops[t], index=index, name=f"hops_to_{t}").replace(
                np.inf, np.nan)
        return pd.Series(influence.distance_to(H, t), name=f"hops_to_{t}").replace(
            np.inf, np.nan)

    return [
        _attributes(G),
        centrality.degree_by_kind(G),
        _strength(H),
        centrality.centrality_table(H, k=k, seed=seed, engine=engine),
        brokerage.structural_holes(H, weight="weight")[
            ["effective_size", "efficiency", "constraint"]],
        brokerage.brokerage_roles(
            H, partition if group_by == "community" else group_by).add_prefix("brokerage_"),
        pd.Series(partition, name="community", dtype="Int64"),
        reach_column(),
        *(part for t in _TARGETS for part in (
            hops_column(t),
            pd.Series(influence.distance_to(H, t, "distance"), name=f"cost_to_{t}").replace(
                np.inf, np.nan))),
    ]
