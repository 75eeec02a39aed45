"""The snapshot stage: the graph as a reader may see it.

Data flows one way: ingest -> store -> **snapshot** -> queries -> viz/web.
This module is the one place where the store's records become the NetworkX
graph every analysis reads, and the one visibility gate: what a reader who
may not see restricted data gets is decided here and nowhere else.

For such a reader (a viewer, the public view, ``--public-only``):

- restricted actors do not exist, nor does any tie touching them;
- restricted ties do not exist;
- no field names a hidden actor: a funding tie's ``channel`` keeps only
  funders the reader can see;
- an introduction record exists only when its parties and broker are all
  visible, never with the facilitator's note (free text may name anyone),
  and a ``made`` one only when the tie it became is visible (otherwise the
  record would reveal a restricted tie).

Everything an analysis, page, API answer, report or export shows is
computed from :func:`reader_graph` and :func:`reader_introductions`, so
its numbers are those of a graph in which the hidden records never
existed.
"""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable

import networkx as nx

from .model import Actor, Introduction, Tie, tie_id

__all__ = ["build_snapshot", "reader_graph", "reader_introductions", "visible_channel",
           "introduction_tie_id", "paused_gc"]


@contextlib.contextmanager
def paused_gc():
    """Within the block Python's cycle collector does not run.

    Building a snapshot makes hundreds of thousands of small dicts, none in a
    reference cycle; the collector, triggered again and again by so many new
    objects, would walk the whole growing heap each time (about half of the
    time of building 100,000 ties). Reference counting still frees
    everything as usual.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_snapshot(actors: Iterable[Actor | dict], ties: Iterable[Tie | dict],
                   version: int | str = 0, meta: dict | None = None, *,
                   owned: bool = False) -> nx.MultiDiGraph:
    """Build the snapshot graph every analysis reads.

    A ``MultiDiGraph``: one node per actor (key: actor id; attributes: every
    actor field but ``id``), one edge per tie (key: tie id; attributes: every
    tie field but ``source``/``target``, plus ``directed``). Funding edges run
    funder -> recipient; formal and informal ties are stored once, from
    ``source`` to ``target`` as recorded, with ``directed=False``. Parallel ties
    of different kinds between a pair stay separate edges. Dates are ISO
    strings. ``G.graph`` holds ``version`` and the dataset metadata. Ties whose
    ends are not both present (filtered out) are dropped. ``owned=True`` says
    the tie dicts were made for this call: they become the edges' attribute
    dicts instead of being copied.
    """
    with paused_gc():
        return _build(actors, ties, version, meta, owned)


def _build(actors, ties, version, meta, owned) -> nx.MultiDiGraph:
    G: nx.MultiDiGraph = nx.MultiDiGraph()
    G.graph.update(meta or {})
    G.graph["version"] = version
    for a in actors:
        rec = a.to_record() if isinstance(a, Actor) else dict(a)
        G.add_node(rec.pop("id"), **rec)
    # Edges go straight into the graph's adjacency, as G.add_edge would put
    # them (one key dict shared by successors and predecessors): add_edge's
    # checks cost more than the rest of building a large snapshot.
    succ, pred = G._succ, G._pred  # type: ignore[attr-defined]
    for t in ties:
        rec = t.to_record() if isinstance(t, Tie) else t if owned else dict(t)
        s, d = rec.pop("source"), rec.pop("target")
        if s in succ and d in succ:
            rec["directed"] = rec["kind"] == "funding"
            keys = succ[s].get(d)
            if keys is None:
                keys = succ[s][d] = pred[d][s] = {}
            keys[rec["id"]] = rec
    return G


def visible_channel(channel: Iterable[str] | None, visible) -> list[str]:
    """The upstream funders of a funding tie that a reader may see, in order.

    ``visible`` is anything supporting ``in`` over actor ids (the reader's
    graph, a set).
    """
    return [c for c in (channel or ()) if c in visible]


def reader_graph(G: nx.MultiDiGraph, restricted: bool) -> nx.MultiDiGraph:
    """The snapshot as a reader sees it.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The store's whole snapshot (:func:`build_snapshot`).
    restricted : bool
        True when the reader may see restricted records: ``G`` itself is
        returned.

    Returns
    -------
    nx.MultiDiGraph
        A new graph (never a view of ``G``) without restricted actors, the
        ties touching them and restricted ties, whose funding channels name
        only actors left in it. ``G.graph`` is copied.

    Examples
    --------
    >>> G = build_snapshot(
    ...     [Actor(id="prm", name="PRM", kind="funder", country="US"),
    ...      Actor(id="unhcr", name="UNHCR", kind="international_org", country="CH",
    ...            visibility="public"),
    ...      Actor(id="cso", name="CSO", kind="cso", country="MX", visibility="public")],
    ...     [Tie(source="unhcr", target="cso", kind="funding", channel=["prm"],
    ...          visibility="public")])
    >>> P = reader_graph(G, restricted=False)
    >>> sorted(P), [d["channel"] for _, _, d in P.edges(data=True)]
    (['cso', 'unhcr'], [[]])
    """
    if restricted:
        return G
    with paused_gc():
        return _reader_graph(G)


def _reader_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    H: nx.MultiDiGraph = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((v, d) for v, d in G.nodes(data=True)
                     if d.get("visibility") == "public")
    # Ties are added in id order, as the stores build the whole snapshot, so
    # the reader's graph is the one a store without the hidden records would
    # build, down to iteration order (seeded Louvain depends on it).
    succ, pred = H._succ, H._pred  # type: ignore[attr-defined]  # as in build_snapshot
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: str(e[2])):
        if d.get("visibility") != "public" or u not in succ or v not in succ:
            continue
        d = dict(d)  # the reader's own copy
        if d.get("channel"):
            d["channel"] = visible_channel(d["channel"], succ)
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[k] = d
    return H


def introduction_tie_id(intro: Introduction) -> str:
    """The id of the informal tie a ``made`` introduction becomes."""
    return tie_id(intro.source, intro.target, "informal", "introduction")


def reader_introductions(records: Iterable[Introduction], G: nx.MultiDiGraph,
                         restricted: bool) -> list[Introduction]:
    """The introduction records a reader may see, given the reader's graph.

    Parameters
    ----------
    records : iterable of Introduction
        As the store keeps them.
    G : nx.MultiDiGraph
        The reader's graph (:func:`reader_graph`).
    restricted : bool
        True when the reader may see restricted records: every record, as
        kept.

    Returns
    -------
    list of Introduction
        Records whose parties and broker are all in ``G``, without their
        note; a ``made`` record only when the tie it became is in ``G``.
    """
    records = list(records)
    if restricted:
        return records
    out = []
    for r in records:
        if any(p not in G for p in (r.source, r.target, r.via) if p):
            continue
        if r.status == "made" and not _has_tie(G, r.source, r.target,
                                               introduction_tie_id(r)):
            continue
        out.append(r.model_copy(update={"note": None}) if r.note else r)
    return out


def _has_tie(G: nx.MultiDiGraph, u: str, v: str, key: str) -> bool:
    return G.has_edge(u, v, key) or G.has_edge(v, u, key)
