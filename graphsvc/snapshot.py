"""The snapshot stage: the graph as a reader may see it.

Data flows one way: ingest -> store -> **snapshot** -> queries -> viz/web.
This module is the one place where the store's records become the NetworkX
graph every analysis reads, and (for a reader who may not see restricted
data) the one visibility gate.
"""
from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from .model import Actor, Tie

__all__ = ["build_snapshot"]


def build_snapshot(actors: Iterable[Actor | dict], ties: Iterable[Tie | dict],
                   version: int = 0, meta: dict | None = None) -> nx.MultiDiGraph:
    """Build the snapshot graph every analysis reads.

    A ``MultiDiGraph``: one node per actor (key: actor id; attributes: every
    actor field but ``id``), one edge per tie (key: tie id; attributes: every
    tie field but ``source``/``target``, plus ``directed``). Funding edges run
    funder -> recipient; formal and informal ties are stored once, from
    ``source`` to ``target`` as recorded, with ``directed=False``. Parallel ties
    of different kinds between a pair stay separate edges. Dates are ISO
    strings. ``G.graph`` holds ``version`` and the dataset metadata. Ties whose
    ends are not both present (filtered out) are dropped.
    """
    G = nx.MultiDiGraph()
    G.graph.update(meta or {})
    G.graph["version"] = version
    for a in actors:
        rec = a.to_record() if isinstance(a, Actor) else dict(a)
        G.add_node(rec.pop("id"), **rec)
    for t in ties:
        rec = t.to_record() if isinstance(t, Tie) else dict(t)
        s, d = rec.pop("source"), rec.pop("target")
        if s in G and d in G:
            rec["directed"] = rec["kind"] == "funding"
            G.add_edge(s, d, key=rec["id"], **rec)
    return G
