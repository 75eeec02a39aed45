"""The service facade: what the CLI and the web app ask of the graph.

It owns the store and caches snapshots per store version, so analyses over
an unchanged graph cost one snapshot, however many requests ask.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping

import networkx as nx

from .config import load_config
from .stores import GraphStore, get_store

__all__ = ["GraphService"]


class GraphService:
    def __init__(self, store: GraphStore, config: Mapping | None = None):
        self.store = store
        self.config = dict(config or {})
        self._lock = threading.Lock()
        self._snapshots: dict[bool, nx.MultiDiGraph] = {}

    @classmethod
    def from_config(cls, config: Mapping | None = None) -> "GraphService":
        config = load_config() if config is None else config
        return cls(get_store(config), config)

    def snapshot(self, include_restricted: bool = True) -> nx.MultiDiGraph:
        """The graph as NetworkX, rebuilt only when the store's version moved.

        Callers must treat the result as read-only: it is shared.
        """
        version = self.store.version()
        cached = self._snapshots.get(include_restricted)
        if cached is not None and cached.graph.get("version") == version:
            return cached
        with self._lock:
            cached = self._snapshots.get(include_restricted)
            if cached is None or cached.graph.get("version") != self.store.version():
                cached = self.store.snapshot(include_restricted=include_restricted)
                self._snapshots[include_restricted] = cached
            return cached

    @property
    def illustrative(self) -> bool:
        """True when the loaded dataset is the illustrative network."""
        return self.store.meta().get("illustrative") == "true"

    def close(self) -> None:
        self.store.close()
