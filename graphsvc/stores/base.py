"""The graph-store interface every backend implements.

A backend supplies the storage primitives (the abstract ``_`` methods); this
class keeps the behaviour they share, so every backend checks and reports the
same things: a batch is validated against the store before anything is
written, a batch that changes nothing leaves the version alone, and the
snapshot has one shape whatever the backend.
"""
from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx

from ..errors import (
    Problem,
    ValidationFailed,
    introduction_not_recorded,
    missing_actor,
    no_actor,
)
from ..history import ChangeInfo, current_info
from ..model import Actor, Event, Group, Introduction, Tie
from ..snapshot import build_snapshot
from .edits import EditOps

__all__ = ["GraphStore", "ActorFilter", "WriteResult", "build_snapshot"]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ActorFilter:
    """Filters for :meth:`GraphStore.find_actors`; ``None`` means any.

    ``q`` matches name, id or city, ignoring case and accents.
    """

    q: str | None = None
    kind: str | None = None
    country: str | None = None
    city: str | None = None
    issue_area: str | None = None
    include_restricted: bool = True


@dataclass
class WriteResult:
    actors_created: int = 0
    actors_updated: int = 0
    actors_unchanged: int = 0
    ties_created: int = 0
    ties_updated: int = 0
    ties_unchanged: int = 0
    version: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.actors_created or self.actors_updated
                    or self.ties_created or self.ties_updated)

    def summary(self) -> str:
        return (f"actors: {self.actors_created} new, {self.actors_updated} updated, "
                f"{self.actors_unchanged} unchanged; ties: {self.ties_created} new, "
                f"{self.ties_updated} updated, {self.ties_unchanged} unchanged")


class GraphStore(EditOps, abc.ABC):
    """Actors and ties, versioned, with their history (:class:`EditOps`);
    one instance may serve many threads."""

    #: registry name, e.g. "sqlite"
    name: str = ""

    # --- writes ----------------------------------------------------------

    def upsert(self, actors: Iterable[Actor] = (), ties: Iterable[Tie] = (),
               progress: Progress | None = None, info: ChangeInfo | None = None
               ) -> WriteResult:
        """Insert or update actors and ties by id, all in one transaction.

        Every tie's ends must be actors in this batch or already stored;
        otherwise :class:`ValidationFailed` is raised and nothing is written.
        Merged ids stand for their survivors. The version advances only when
        something actually changed, and what changed is one history entry
        (``info`` says who and how; by default
        :func:`graphsvc.history.current_info`).
        """
        actors, ties = self.resolve_batch(list(actors), list(ties))
        batch_ids = {a.id for a in actors}
        ends = {x for t in ties for x in (t.source, t.target, *t.channel)} - batch_ids
        missing = ends - self.existing_actor_ids(ends)
        if missing:
            problems = [
                Problem(f"tie {t.id}: {no_actor(x)}",
                        hint="Import that actor first or correct the id.",
                        field=f)
                for t in ties
                for f, x in (("source", t.source), ("target", t.target),
                             *(("channel", c) for c in t.channel))
                if x in missing
            ]
            raise ValidationFailed(problems)
        return self._write(actors, ties, progress, info or current_info())

    @abc.abstractmethod
    def _write(self, actors: list[Actor], ties: list[Tie],
               progress: Progress | None, info: ChangeInfo) -> WriteResult:
        """Write one validated batch atomically, with one history entry for the
        records it changed, and report what changed."""

    @abc.abstractmethod
    def delete_actors(self, ids: Iterable[str]) -> int:
        """Delete actors and every tie touching them; return actors deleted.

        A bulk primitive that keeps no history: people delete through
        :meth:`delete_actor`, which can be undone."""

    @abc.abstractmethod
    def delete_ties(self, ids: Iterable[str]) -> int:
        """Delete ties by id; return how many existed (no history: see
        :meth:`delete_tie`)."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Delete everything (actors, ties, events, groups, metadata); the
        version advances."""

    @abc.abstractmethod
    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or with ``None`` remove) one dataset-level setting."""

    @abc.abstractmethod
    def record_introduction(self, intro: Introduction) -> None:
        """Append an introduction record (a log: earlier records are kept).

        Both actors (and ``via``, if given) must exist, else
        :class:`ValidationFailed`. The version advances. Turning a made
        introduction into a tie is the service's job, not the store's.
        """

    # --- reads -----------------------------------------------------------

    @abc.abstractmethod
    def introductions(self, actor_id: str | None = None) -> list[Introduction]:
        """Introduction records, oldest first; only those involving
        ``actor_id`` (as either side or broker) when given."""

    @abc.abstractmethod
    def get_actor(self, actor_id: str) -> Actor | None: ...

    @abc.abstractmethod
    def get_tie(self, tie_id: str) -> Tie | None: ...

    @abc.abstractmethod
    def existing_actor_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` that are stored actors."""

    @abc.abstractmethod
    def get_event(self, event_id: str) -> Event | None: ...

    @abc.abstractmethod
    def get_group(self, group_id: str) -> Group | None: ...

    @abc.abstractmethod
    def events(self) -> list[Event]:
        """Every event (restricted ones too: the snapshot stage gates them),
        by start date then id. Participants are kept as written, a deleted
        actor's included (:func:`graphsvc.snapshot.build_two_mode` drops them)."""

    @abc.abstractmethod
    def groups(self) -> list[Group]:
        """Every group, by id (restricted ones and memberships too)."""

    @abc.abstractmethod
    def find_actors(self, flt: ActorFilter | None = None, limit: int | None = None,
                    offset: int = 0) -> list[Actor]:
        """Actors matching ``flt``, ordered by name then id."""

    @abc.abstractmethod
    def ties(self, actor_id: str | None = None, kinds: Iterable[str] | None = None,
             include_restricted: bool = True) -> list[Tie]:
        """Ties, optionally only those touching ``actor_id`` or of ``kinds``; by id."""

    @abc.abstractmethod
    def version(self) -> int:
        """A number that changes on every write that changes something."""

    @abc.abstractmethod
    def counts(self) -> dict[str, int]:
        """``{"actors": n, "ties": m}``."""

    @abc.abstractmethod
    def meta(self) -> dict[str, str]:
        """Dataset-level settings, e.g. ``{"illustrative": "true"}``."""

    def check(self, quick: bool = False) -> list[str]:
        """The store's own consistency check: the problems found, none when
        sound. The default reads the version and counts (the server answers
        and its data can be read); a backend with a deeper check overrides it."""
        self.version()
        self.counts()
        return []

    def close(self) -> None:  # pragma: no cover - default is nothing to close
        pass

    # --- shared behaviour built on the primitives -------------------------

    def neighbours(self, actor_id: str, kinds: Iterable[str] | None = None,
                   include_restricted: bool = True) -> list[tuple[Tie, Actor]]:
        """Each tie of ``actor_id`` with the actor at its other end."""
        out = []
        ties = self.ties(actor_id, kinds, include_restricted)
        others = {t.target if t.source == actor_id else t.source for t in ties}
        by_id = {a.id: a for a in self._actors_by_ids(others)}
        for t in ties:
            other = by_id.get(t.target if t.source == actor_id else t.source)
            if other is None or (not include_restricted and other.visibility != "public"):
                continue
            out.append((t, other))
        return out

    def _check_introduction(self, intro: Introduction) -> None:
        ids = {intro.source, intro.target} | ({intro.via} if intro.via else set())
        missing = ids - self.existing_actor_ids(ids)
        if missing:
            raise introduction_not_recorded([
                missing_actor(x, f) for f, x in (("from", intro.source), ("to", intro.target),
                                                 ("via", intro.via)) if x in missing])

    def _actors_by_ids(self, ids: Iterable[str]) -> list[Actor]:
        return [a for a in (self.get_actor(i) for i in ids) if a is not None]

    def snapshot(self, include_restricted: bool = True) -> nx.MultiDiGraph:
        """The whole graph as NetworkX; see :func:`build_snapshot`.

        With ``include_restricted=False`` restricted actors, their ties and
        restricted ties are left out, as if they did not exist.
        """
        flt = ActorFilter(include_restricted=include_restricted)
        return build_snapshot(self.find_actors(flt),
                              self.ties(include_restricted=include_restricted),
                              version=self.version(), meta=self.meta())
