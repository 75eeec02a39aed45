"""The service facade: what the CLI and the web app ask of the graph.

It owns the store and the one versioned cache (:mod:`graphsvc.cache`):
snapshots, analyses, the community partition, plans and layouts are kept
per (store version, visibility, parameters, as-of date), so work over an
unchanged graph is done once, however many commands or requests ask. Every
read of the graph goes through the snapshot stage (:mod:`graphsvc.snapshot`),
the one visibility gate, which also dates it: ``as_of`` is a day
(``"YYYY-MM-DD"`` or a ``date``), ``None`` for today, or ``"all"`` for
every tie ever recorded.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import networkx as nx

from .background import AnalysisResults, BackgroundAnalyses, Served
from .cache import CacheKey, VersionedCache, freeze
from .config import load_config
from .model import Introduction
from .snapshot import (
    ALL_TIME,
    as_of_key,
    build_two_mode,
    graph_as_of,
    introductions_as_of,
    reader_graph,
    reader_introductions,
    reader_records,
    reader_two_mode,
    two_mode_as_of,
)
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
               fresh: bool = False, as_of=None) -> Served[T]:
        """Like :meth:`cached`, without waiting for a recomputation: the
        current version's result when ready, else the previous one marked
        ``updating`` while the current one is computed in the background
        (:meth:`graphsvc.background.BackgroundAnalyses.served`); on the
        snapshot as of ``as_of`` (default today)."""
        return self.background.served(include_restricted, name, compute, params,
                                      fresh=fresh, as_of=as_of)

    @classmethod
    def from_config(cls, config: Mapping | None = None) -> GraphService:
        config = load_config() if config is None else config
        return cls(get_store(config), config)

    def snapshot(self, include_restricted: bool = True, as_of=None) -> nx.MultiDiGraph:
        """The graph as a reader sees it on ``as_of`` (default today),
        rebuilt only when the store's version moved.

        :func:`graphsvc.snapshot.reader_graph` then
        :func:`graphsvc.snapshot.graph_as_of`: ``include_restricted=False``
        is the view of a reader who may not see restricted records (a
        viewer, the public view, ``--public-only``); ``as_of="all"`` keeps
        every tie ever recorded. ``graph["as_of"]`` says which. Callers
        must treat the result as read-only: it is shared.
        """
        day = as_of_key(as_of)
        version = self.store.version()

        def whole():
            G = self.store.snapshot()
            G.graph["as_of"] = ALL_TIME
            return G

        full = self.cache.get(CacheKey(version, True, "snapshot", as_of=ALL_TIME), whole)
        seen = full if include_restricted else self.cache.get(
            CacheKey(version, False, "snapshot", as_of=ALL_TIME),
            lambda: reader_graph(full, restricted=False))
        if day == ALL_TIME:
            return seen
        return self.cache.get(CacheKey(version, include_restricted, "snapshot", as_of=day),
                              lambda: graph_as_of(seen, day))

    def two_mode(self, include_restricted: bool = True, as_of=None) -> nx.Graph:
        """The two-mode graph of actors, events and groups as a reader sees
        it on ``as_of`` (default today; ``"all"``: every event and
        membership ever recorded), from the one cache.

        :func:`graphsvc.snapshot.build_two_mode` over the store's events and
        groups and the whole snapshot, then
        :func:`graphsvc.snapshot.reader_two_mode` with the reader's
        snapshot (no restricted event, group or membership, no actor the
        reader cannot see), then :func:`graphsvc.snapshot.two_mode_as_of`.
        Shared: treat it as read-only.
        """
        day = as_of_key(as_of)
        version = self.store.version()

        def whole():
            return build_two_mode(self.store.events(), self.store.groups(),
                                  self.snapshot(True, ALL_TIME),
                                  aliases=self.store.aliases())

        full = self.cache.get(CacheKey(version, True, "two_mode", as_of=ALL_TIME), whole)
        seen = full if include_restricted else self.cache.get(
            CacheKey(version, False, "two_mode", as_of=ALL_TIME),
            lambda: reader_two_mode(full, self.snapshot(False, ALL_TIME), restricted=False))
        if day == ALL_TIME:
            return seen
        return self.cache.get(CacheKey(version, include_restricted, "two_mode", as_of=day),
                              lambda: two_mode_as_of(seen, day))

    def records(self, include_restricted: bool = True) -> tuple[list, list]:
        """``(events, groups)``: the event and group records a reader sees
        (:func:`graphsvc.snapshot.reader_records`), events by start date,
        groups by id, every date (filter by day with :meth:`two_mode`).
        From the one cache; treat as read-only."""
        version = self.store.version()
        return self.cache.get(
            CacheKey(version, include_restricted, "records", as_of=ALL_TIME),
            lambda: reader_records(self.store.events(), self.store.groups(),
                                   self.snapshot(include_restricted, ALL_TIME),
                                   include_restricted, aliases=self.store.aliases()))

    def introductions(self, include_restricted: bool = True,
                      actor_id: str | None = None, as_of=None) -> list[Introduction]:
        """Introduction records as a reader sees them
        (:func:`graphsvc.snapshot.reader_introductions`), oldest first; only
        those involving ``actor_id`` when given; only those recorded on or
        before ``as_of`` (default today; ``"all"``: every one). Merged actors'
        records follow their survivor."""
        if self.store.aliases():
            records = [r for r in self.store.follow_aliases(self.store.introductions())
                       if actor_id is None or actor_id in (r.source, r.target, r.via)]
        else:
            records = self.store.introductions(actor_id)
        if not include_restricted:
            records = reader_introductions(records, self.snapshot(False, as_of=ALL_TIME),
                                           restricted=False)
        return introductions_as_of(records, as_of)

    def cached(self, include_restricted: bool, name: str,
               compute: Callable[[nx.MultiDiGraph], T], params: Any = (),
               as_of=None) -> T:
        """``compute(snapshot)`` for the reader's snapshot on ``as_of``, from
        the one cache.

        The key is (store version, visibility, ``name``, ``params``, as-of
        day): ``params`` must say everything besides the snapshot that the
        result depends on. The result is shared: treat it as read-only.
        """
        G = self.snapshot(include_restricted, as_of)
        key = CacheKey(G.graph.get("version", 0), include_restricted, name, freeze(params),
                       as_of=G.graph.get("as_of"))
        return self.cache.get(key, lambda: compute(G))

    def partition(self, include_restricted: bool = True, seed: int = SEED,
                  as_of=None) -> dict:
        """The snapshot's community partition
        (:func:`graphsvc.queries.communities.snapshot_partition`), computed
        once per snapshot (visibility and as-of day) and seed."""
        from .queries.communities import snapshot_partition

        return self.cached(include_restricted, "partition",
                           lambda G: snapshot_partition(G, seed=seed), (seed,), as_of)

    def with_layers(self, include_restricted: bool = True, as_of=None,
                    kinds=None) -> nx.MultiDiGraph:
        """The reader's snapshot, with the co-participation layer
        (:func:`graphsvc.queries.affiliation.with_co_participation`, default
        half-life) when ``kinds`` names ``co_participation``; cached like the
        snapshot."""
        G = self.snapshot(include_restricted, as_of)
        if "co_participation" not in (kinds or ()):
            return G
        from .queries.affiliation import with_co_participation

        def layered(G):
            B = self.two_mode(include_restricted, as_of)
            return with_co_participation(G, B, on=G.graph.get("as_of")
                                         if G.graph.get("as_of") != ALL_TIME else None)
        return self.cached(include_restricted, "co_participation_layer", layered, (), as_of)

    @property
    def read_limits(self):
        """How much one imported file may hold (:mod:`graphsvc.ingest.bounded`),
        from the configuration."""
        from .ingest.bounded import ReadLimits

        return ReadLimits.from_config(self.config)

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

        self.check_before_import()
        return import_files(self.store, actors, ties, skip_invalid=skip_invalid,
                            report=report, default_provenance=default_provenance,
                            progress=progress, limits=self.read_limits)

    def import_graph(self, path, *, skip_invalid: bool = False, report=None,
                     progress=None):
        """Import a full-graph JSON export (meta, actors, ties, introductions)."""
        from .ingest.importer import import_graph

        self.check_before_import()
        return import_graph(self.store, path, skip_invalid=skip_invalid, report=report,
                            progress=progress, limits=self.read_limits)

    def import_attendance(self, path, *, event: str | None = None, skip_invalid=False,
                          report=None, create_missing: bool = False):
        """Add a sign-in sheet's participants to an event
        (:func:`graphsvc.ingest.attendance.import_attendance`): all or
        nothing, unmatched names reported with the closest actors."""
        from .ingest.attendance import import_attendance

        self.check_before_import()
        return import_attendance(self.store, path, event=event, skip_invalid=skip_invalid,
                                 report=report, create_missing=create_missing,
                                 limits=self.read_limits)

    def import_members(self, path, *, group: str | None = None, skip_invalid=False,
                       report=None, create_missing: bool = False):
        """Add a membership list's members to a group
        (:func:`graphsvc.ingest.attendance.import_members`)."""
        from .ingest.attendance import import_members

        self.check_before_import()
        return import_members(self.store, path, group=group, skip_invalid=skip_invalid,
                              report=report, create_missing=create_missing,
                              limits=self.read_limits)

    def check_before_import(self) -> None:
        """Refuse to import into a damaged store: SQLite's quick check
        (:meth:`GraphStore.check`) runs first, so an import never reports
        success into a file whose other pages are broken."""
        from .errors import StoreUnavailable
        from .sqlite_file import BACKUP_HINT

        problems = self.store.check(quick=True)
        if problems:
            raise StoreUnavailable(str(getattr(self.store, "path", self.store.name)),
                                   f"the file is damaged ({problems[0]}); nothing was "
                                   "imported", hint=BACKUP_HINT)

    def export(self, fmt: str, output, *, include_restricted: bool = True,
               extra_node_attrs=None, progress=None, as_of=None) -> list[str]:
        """Write the graph as ``fmt`` (json, csv, graphml, gexf) to ``output``:
        the ties in force on ``as_of`` (default today), or every tie ever
        recorded for ``"all"``; a JSON file also holds every event and group
        the reader sees (:meth:`records`), whatever their dates.

        ``extra_node_attrs`` maps a column name to ``{actor id: value}`` and
        adds it to every node's attributes (for metric columns). Returns the
        paths written.
        """
        from .ingest.export import export_graph

        events, groups = self.records(include_restricted)
        return export_graph(self.snapshot(include_restricted, as_of), fmt, output,
                            introductions=self.introductions(include_restricted,
                                                             as_of=as_of),
                            events=events, groups=groups,
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

    def analysis(self, name: str, include_restricted: bool = True, as_of=None, **params):
        """An analysis of the reader's snapshot on ``as_of`` (default today),
        from the one cache.

        ``name`` is ``"actor_metrics"`` (:func:`graphsvc.queries.metrics.actor_metrics`,
        with the snapshot's partition as its ``community`` column) or
        ``"indicators"`` (:func:`graphsvc.queries.indicators.survey_indicators`);
        ``params`` are passed on. Returns a copy the caller may change.
        """
        from .queries import indicators, metrics

        if name == "actor_metrics":
            seed = params.get("seed", SEED)
            part = self.partition(include_restricted, seed, as_of)
            layers = "co_participation" in (params.get("kinds") or ())

            def compute(G):
                # with the co_participation layer the measures run on the
                # layered graph; the partition stays the snapshot's one
                if layers:
                    G = self.with_layers(include_restricted, as_of, params.get("kinds"))
                return metrics.actor_metrics(G, partition=part, **params)
        elif name == "indicators":
            def compute(G):
                return indicators.survey_indicators(G, **params)
        else:
            raise ValueError(f"unknown analysis '{name}': use actor_metrics, indicators")
        hit = self.cached(include_restricted, name, compute, params, as_of)
        out = hit.copy()
        out.attrs = dict(hit.attrs)
        return out
