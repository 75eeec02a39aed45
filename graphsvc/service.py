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

    # --- import and export (graphsvc.ingest) -------------------------------

    def import_files(self, actors=None, ties=None, *, skip_invalid: bool = False,
                     report=None, default_provenance: str = "import", progress=None):
        """Import an actors file, a ties file or both (CSV, XLSX, JSON records).

        Every row is checked before anything is written; on any problem
        :class:`~graphsvc.errors.ValidationFailed` is raised and the store is
        unchanged, unless ``skip_invalid``: then the valid rows are written and
        the rejected ones returned (and written to ``report``, a CSV file).
        Returns an :class:`~graphsvc.ingest.ImportResult`.
        """
        from .ingest.importer import import_files

        return import_files(self.store, actors, ties, skip_invalid=skip_invalid,
                            report=report, default_provenance=default_provenance,
                            progress=progress)

    def import_graph(self, path, *, skip_invalid: bool = False, report=None,
                     progress=None):
        """Import a full-graph JSON export (meta, actors, ties, introductions)."""
        from .ingest.importer import import_graph

        return import_graph(self.store, path, skip_invalid=skip_invalid, report=report,
                            progress=progress)

    def export(self, fmt: str, output, *, include_restricted: bool = True,
               extra_node_attrs=None, progress=None) -> list[str]:
        """Write the whole graph as ``fmt`` (json, csv, graphml, gexf) to ``output``.

        ``extra_node_attrs`` maps a column name to ``{actor id: value}`` and
        adds it to every node's attributes (for metric columns). Returns the
        paths written.
        """
        from .ingest.export import export_graph

        return export_graph(self, fmt, output, include_restricted=include_restricted,
                            extra_node_attrs=extra_node_attrs, progress=progress)

    def record_introduction(self, source: str, target: str, via: str | None = None,
                            status: str = "proposed", note: str | None = None,
                            visibility: str = "restricted"):
        """Record an introduction; a ``made`` one also becomes an informal tie.

        Everything is checked before anything is written: the record's fields
        (:func:`~graphsvc.model.validation_problems`), then, in the store,
        that the actors (and the broker) exist; either failure is one
        :class:`~graphsvc.errors.ValidationFailed` naming the fields. The tie has subtype
        ``introduction`` and provenance ``introduction``; it is ``restricted``
        unless ``visibility`` says otherwise, because an informal tie between a
        defender and an official can put people at risk if shown publicly.
        Returns the stored :class:`~graphsvc.model.Introduction`.
        """
        from pydantic import ValidationError

        from .errors import introduction_not_recorded
        from .model import Introduction, Tie, validation_problems

        try:
            intro = Introduction(source=source, target=target, via=via or None,
                                 status=status, note=note or None)
            tie = None
            if intro.status == "made":
                tie = Tie(source=intro.source, target=intro.target, kind="informal",
                          subtype="introduction", provenance="introduction",
                          visibility=visibility, since=intro.recorded_at.date(),
                          note=intro.note)
        except ValidationError as exc:
            raise introduction_not_recorded(
                validation_problems(exc, {"source": "from", "target": "to"})) from None
        self.store.record_introduction(intro)  # checks that the actors exist
        if tie is not None:
            self.store.upsert(ties=[tie])
        return intro

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
