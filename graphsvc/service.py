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

    def analysis(self, name: str, include_restricted: bool = True, **params):
        """An analysis of the current snapshot, cached by (version, parameters).

        ``name`` is ``"actor_metrics"`` (:func:`graphsvc.queries.metrics.actor_metrics`)
        or ``"indicators"`` (:func:`graphsvc.queries.indicators.survey_indicators`);
        ``params`` are passed on. A second request for the same snapshot
        version and parameters returns a copy of the cached result without
        recomputing; a write that moves the version drops the cache.
        """
        from .queries import indicators, metrics

        functions = {"actor_metrics": metrics.actor_metrics,
                     "indicators": indicators.survey_indicators}
        if name not in functions:
            raise ValueError(f"unknown analysis '{name}': use {', '.join(functions)}")
        G = self.snapshot(include_restricted=include_restricted)
        version = G.graph.get("version")
        key = (name, include_restricted,
               tuple(sorted((k, tuple(v) if isinstance(v, (list, set)) else v)
                            for k, v in params.items())))
        with self._lock:
            cache = self.__dict__.setdefault("_analyses", {})
            if cache.get("version") != version:
                cache.clear()
                cache["version"] = version
            hit = cache.get(key)
        if hit is None:
            hit = functions[name](G, **params)
            with self._lock:
                if cache.get("version") == version:
                    cache[key] = hit
        out = hit.copy()
        out.attrs = dict(hit.attrs)
        return out
