"""What suggestions need from a snapshot, computed once per snapshot.

The snapshot is a MultiDiGraph with parallel ties; suggestions want a plain
undirected neighbourhood with one trust value per pair, attribute sets, the
funders upstream of each actor and the snapshot's community partition
(:func:`graphsvc.queries.communities.snapshot_partition`, the one every
other view shows, so a reason never contradicts the communities page).
Building that is
linear in the graph; it is cached per graph object and checked against the
snapshot's ``version`` (snapshots are read-only; a hand-built graph without a
version is checked by its node and edge counts instead), so repeated
requests on an unchanged snapshot pay once.
"""
from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass, field

import networkx as nx

from ...model import is_civil_society, is_funder, is_policymaker
from ..communities import snapshot_partition
from .geography import city_key

__all__ = ["TIE_TRUST", "tie_trust", "SnapshotIndex", "index_for"]

#: How much a tie of each kind can be relied on to carry an introduction.
#: Formal ties (agreements, partnerships) carry most; money creates a working
#: relationship; having met at a workshop carries least. A tie's ``strength``
#: (0-1], when recorded, multiplies this.
TIE_TRUST = {"formal": 1.0, "funding": 0.8, "informal": 0.5}


def tie_trust(attrs: dict) -> float:
    """Trust carried by one tie (its kind's weight times its strength)."""
    base = TIE_TRUST.get(str(attrs.get("kind")), 0.5)
    strength = attrs.get("strength")
    return base * (strength if strength else 1.0)


@dataclass
class SnapshotIndex:
    """Per-snapshot structures; read-only once built."""

    key: tuple
    attrs: dict
    #: adj[u][v] = (trust, kinds): best trust over the pair's ties, and the
    #: sorted tie kinds between them (both directions; funding included).
    adj: dict
    issues: dict
    populations: dict
    phases: dict
    city: dict
    #: funders whose money reaches each actor: direct funders and channels
    upstream: dict
    seed: int = 0
    #: working languages of each actor (ISO 639 codes; empty: not recorded)
    languages: dict = field(default_factory=dict)
    #: the snapshot itself (weakly: the index is cached per snapshot)
    graph: weakref.ref[nx.MultiDiGraph] | None = field(default=None, repr=False)
    _communities: dict | None = field(default=None, repr=False)
    _hubs: dict | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def degree(self, n) -> int:
        return len(self.adj[n])

    def aa_weight(self, z) -> float:
        """Adamic-Adar weight of a common contact: 1 / log(degree)."""
        return 1.0 / math.log(max(len(self.adj[z]), 2))

    @property
    def communities(self) -> dict:
        if self._communities is None:
            with self._lock:
                if self._communities is None:
                    G = self.graph() if self.graph is not None else None
                    if G is None:  # pragma: no cover - the index lives with its graph
                        raise RuntimeError("the snapshot of this index is gone")
                    self._communities = snapshot_partition(G, seed=self.seed)
        return self._communities

    @property
    def community_hubs(self) -> dict:
        """``{community: its best-connected member}``, to name groups in reasons."""
        if self._hubs is None:
            hubs: dict = {}
            for n, c in self.communities.items():
                h = hubs.get(c)
                if h is None or (len(self.adj[n]), str(h)) > (len(self.adj[h]), str(n)):
                    hubs[c] = n
            self._hubs = hubs
        return self._hubs

    def tied(self, u, v) -> bool:
        return v in self.adj[u]

    def is_policymaker(self, n) -> bool:
        return is_policymaker(self.attrs[n])

    def is_funder(self, n) -> bool:
        return is_funder(self.attrs[n])

    def is_civil_society(self, n) -> bool:
        return is_civil_society(self.attrs[n])

    def name(self, n) -> str:
        return self.attrs[n].get("name") or str(n)


_CACHE: weakref.WeakKeyDictionary[nx.Graph, SnapshotIndex] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def _key(G) -> tuple:
    # A store snapshot has a version and is read-only (the service shares it),
    # so its version identifies it; counting a MultiDiGraph's edges costs a
    # pass over the graph, paid only by hand-built graphs without a version.
    version = G.graph.get("version")
    if version is not None:
        return (version, G.number_of_nodes())
    return (None, G.number_of_nodes(), G.number_of_edges())


def index_for(G: nx.MultiDiGraph, seed: int = 0,
              partition: dict | None = None) -> SnapshotIndex:
    """The cached index of ``G``, built on first use or when ``G`` changed.

    ``partition``, when given, is ``G``'s partition for ``seed`` already
    computed by the caller (the service computes it once per snapshot).
    """
    key = (*_key(G), seed)
    idx = _CACHE.get(G)
    if idx is None or idx.key != key:
        idx = _build(G, key, seed)
        with _CACHE_LOCK:
            _CACHE[G] = idx
    if partition is not None and idx._communities is None:
        idx._communities = partition
    return idx


def _build(G, key, seed) -> SnapshotIndex:
    attrs = dict(G.nodes(data=True))
    adj: dict = {n: {} for n in G}
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        t = tie_trust(d)
        kind = d.get("kind", "informal")
        for a, b in ((u, v), (v, u)):
            old = adj[a].get(b)
            if old is None:
                adj[a][b] = (t, (kind,))
            else:
                kinds = old[1] if kind in old[1] else tuple(sorted((*old[1], kind)))
                adj[a][b] = (max(old[0], t), kinds)
    upstream: dict = {n: set() for n in G}
    for u, v, d in G.edges(data=True):
        if d.get("kind") == "funding":
            upstream[v].add(u)
            upstream[v].update(c for c in (d.get("channel") or ()) if c in attrs)
    return SnapshotIndex(
        key=key,
        attrs=attrs,
        adj=adj,
        issues={n: frozenset(a.get("issue_areas") or ()) for n, a in attrs.items()},
        populations={n: frozenset(a.get("populations") or ()) for n, a in attrs.items()},
        phases={n: frozenset(a.get("phases") or ()) for n, a in attrs.items()},
        city={n: city_key(a.get("city")) for n, a in attrs.items()},
        upstream={n: frozenset(s) for n, s in upstream.items()},
        seed=seed,
        languages={n: frozenset(a.get("languages") or ()) for n, a in attrs.items()},
        graph=weakref.ref(G),
    )
