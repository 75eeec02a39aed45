"""The service facade: what the CLI and the web app ask of the graph.

It owns the store and the one versioned cache (:mod:`graphsvc.cache`):
snapshots, analyses, the community partition, plans and layouts are kept
per (store version, visibility, parameters), so work over an unchanged
graph is done once, however many commands or requests ask. Every read of
the graph goes through the snapshot stage (:mod:`graphsvc.snapshot`), the
one visibility gate.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import networkx as nx

from .background import AnalysisResults, BackgroundAnalyses, Served
from .cache import CacheKey, VersionedCache, freeze
from .config import load_config
from .model import Introduction
from .snapshot import reader_graph, reader_introductions
from .stores import GraphStore, get_store

__all__ = ["GraphService", "SEED"]

T = TypeVar("T")

#: Seed of the snapshot's community partition (and of any sampling) unless a
#: caller asks for another: the same graph gives the same communities on
#: every page, in every command and in every export.
SEED = 0


class GraphService:
    def __init__(self, store: GraphStore, config: Mapping | None = None):
        self.store = store
        self.config = dict(config or {})
        self.cache = VersionedCache(int(self.config.get("CACHE_SIZE") or 64))
        self._background: BackgroundAnalyses | None = None

    @property
    def background(self) -> BackgroundAnalyses:
        """The background computations (:mod:`graphsvc.background`), sharing
        results with other processes through ``ANALYSES_DB`` when set; made
        on first use."""
        if self._background is None:
            path = self.config.get("ANALYSES_DB")
            self._background = BackgroundAnalyses(
                self, AnalysisResults(path) if path else None)
        return self._background

    def served(self, include_restricted: bool, name: str,
               compute: Callable[[nx.MultiDiGraph], T], params: Any = (), *,
               fresh: bool = False) -> Served[T]:
        """Like :meth:`cached`, without waiting for a recomputation: the
        current version's result when ready, else the previous one marked
        ``updating`` while the current one is computed in the background
        (:meth:`graphsvc.background.BackgroundAnalyses.served`)."""
        return self.background.served(include_restricted, name, compute, params,
                                      fresh=fresh)

    @classmethod
    def from_config(cls, config: Mapping | None = None) -> GraphService:
        config = load_config() if config is None else config
        return cls(get_store(config), config)

    def snapshot(self, include_restricted: bool = True) -> nx.MultiDiGraph:
        """The graph as a reader sees it (:func:`graphsvc.snapshot.reader_graph`),
        rebuilt only when the store's version moved.

        ``include_restricted=False`` is the view of a reader who may not
        see restricted records (a viewer, the public view,
        ``--public-only``). Callers must treat the result as read-only: it
        is shared.
        """
        version = self.store.version()
        full = self.cache.get(CacheKey(version, True, "snapshot"), self.store.snapshot)
        if include_restricted:
            return full
        return self.cache.get(CacheKey(version, False, "snapshot"),
                              lambda: reader_graph(full, restricted=False))

    def introductions(self, include_restricted: bool = True,
                      actor_id: str | None = None) -> list[Introduction]:
        """Introduction records as a reader sees them
        (:func:`graphsvc.snapshot.reader_introductions`), oldest first; only
        those involving ``actor_id`` when given."""
        records = self.store.introductions(actor_id)
        if include_restricted:
            return records
        return reader_introductions(records, self.snapshot(False), restricted=False)

    def cached(self, include_restricted: bool, name: str,
               compute: Callable[[nx.MultiDiGraph], T], params: Any = ()) -> T:
        """``compute(snapshot)`` for the reader's snapshot, from the one cache.

        The key is (store version, visibility, ``name``, ``params``):
        ``params`` must say everything besides the snapshot that the result
        depends on. The result is shared: treat it as read-only.
        """
        G = self.snapshot(include_restricted)
        key = CacheKey(G.graph.get("version", 0), include_restricted, name, freeze(params))
        return self.cache.get(key, lambda: compute(G))

    def partition(self, include_restricted: bool = True, seed: int = SEED) -> dict:
        """The snapshot's community partition
        (:func:`graphsvc.queries.communities.snapshot_partition`), computed
        once per snapshot and seed."""
        from .queries.communities import snapshot_partition

        return self.cached(include_restricted, "partition",
                           lambda G: snapshot_partition(G, seed=seed), (seed,))

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

        return export_graph(self.snapshot(include_restricted), fmt, output,
                            introductions=self.introductions(include_restricted),
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
                          visibility=visibility,
                          since=intro.recorded_at.date() if intro.recorded_at else None,
                          note=intro.note)
        except ValidationError as exc:
            raise introduction_not_recorded(
                validation_problems(exc, {"source": "from", "target": "to"})) from None
        self.store.record_introduction(intro)  # checks that the actors exist
        if tie is not None:
            self.store.upsert(ties=[tie])
        return intro

    def analysis(self, name: str, include_restricted: bool = True, **params):
        """An analysis of the reader's snapshot, from the one cache.

        ``name`` is ``"actor_metrics"`` (:func:`graphsvc.queries.metrics.actor_metrics`,
        with the snapshot's partition as its ``community`` column) or
        ``"indicators"`` (:func:`graphsvc.queries.indicators.survey_indicators`);
        ``params`` are passed on. Returns a copy the caller may change.
        """
        from .queries import indicators, metrics

        if name == "actor_metrics":
            seed = params.get("seed", SEED)
            part = self.partition(include_restricted, seed)

            def compute(G):
                return metrics.actor_metrics(G, partition=part, **params)
        elif name == "indicators":
            def compute(G):
                return indicators.survey_indicators(G, **params)
        else:
            raise ValueError(f"unknown analysis '{name}': use actor_metrics, indicators")
        hit = self.cached(include_restricted, name, compute, params)
        out = hit.copy()
        out.attrs = dict(hit.attrs)
        return out
