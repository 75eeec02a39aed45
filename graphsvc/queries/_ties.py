"""The snapshot's ties as numpy arrays, for vectorised projections and counts."""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from . import _engines

KIND_CODES = {"formal": 0, "informal": 1, "funding": 2, "co_participation": 3}
KIND_NAMES = ("formal", "informal", "funding", "co_participation")


@dataclass(frozen=True)
class TieTable:
    nodes: list
    index: dict
    src: np.ndarray       # int64 node positions
    dst: np.ndarray
    kind: np.ndarray      # int8 codes, KIND_CODES
    strength: np.ndarray  # float, missing = 1
    directed: np.ndarray  # bool
    channels: dict        # row -> list of intermediary ids (only rows that have one)


def tie_table(G: nx.MultiDiGraph) -> TieTable:
    """Loops and ties of unknown kind are left out. Cached inside
    :func:`graphsvc.queries._engines.reuse_conversions`."""
    return _engines.cached(G, "ties", lambda: _build(G))


def _build(G: nx.MultiDiGraph) -> TieTable:
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    src: list[int] = []
    dst: list[int] = []
    kind: list[int] = []
    strength: list[float] = []
    directed: list[bool] = []
    channels: dict = {}
    codes = KIND_CODES
    # Walk the adjacency dicts directly: the edge views cost twice as much.
    for u, nbrs in G._adj.items():  # type: ignore[attr-defined]
        iu = index[u]
        for v, keyed in nbrs.items():
            if u == v:
                continue
            iv = index[v]
            for a in keyed.values():
                k = codes.get(a.get("kind"))
                if k is None:
                    continue
                ch = a.get("channel")
                if ch:
                    channels[len(src)] = list(ch)
                src.append(iu)
                dst.append(iv)
                kind.append(k)
                strength.append(a.get("strength"))
                directed.append(a.get("directed", k == 2))
    s = np.asarray(strength, dtype=float)  # None -> nan
    s[np.isnan(s)] = 1.0
    return TieTable(nodes, index, np.asarray(src, dtype=np.int64),
                    np.asarray(dst, dtype=np.int64), np.asarray(kind, dtype=np.int8),
                    s, np.asarray(directed, dtype=bool), channels)
