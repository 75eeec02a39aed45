"""The one place where graph data leaves the store for a person or a script.

Every surface (pages, JSON API, maps, metrics, brokerage, introductions,
reports, exports, search, error messages) reads through a :class:`GraphView`
made for the principal asking. A principal who may not see restricted data
gets a graph in which restricted actors, every tie touching them and
restricted ties do not exist: analyses run on :meth:`GraphView.snapshot`
compute their numbers "as if those ties did not exist", so no metric,
broker path or suggested introduction betrays them; a restricted actor is
"not found" with the same message as a missing one.

Reading restricted data is audited (an analyst opening a restricted actor,
an export that includes restricted records); every write is audited.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import networkx as nx
from pydantic import ValidationError

from .auth.accounts import Accounts
from .auth.roles import PUBLIC, Principal
from .errors import Forbidden, NotFound, Unauthorized, ValidationFailed, not_found_actor
from .history import Change, ChangeInfo, acting_as
from .model import Actor, Event, EventPlan, Group, Introduction, Tie, validation_problems
from .service import GraphService
from .snapshot import ALL_TIME, as_of_key, in_force, reader_history, visible_channel
from .stores import ActorFilter, GraphStore, WriteResult

__all__ = ["GraphView", "not_found_actor"]



def _not_found_tie(tie_id: str) -> NotFound:
    return NotFound(f"no tie with id '{tie_id}'", hint="See the actor's ties for the right id.")


class GraphView:
    """The graph as ``principal`` may see it.

    Parameters
    ----------
    service : GraphService
    principal : Principal
        A user (``user.principal()``), a token's user, or :data:`PUBLIC`.
    accounts : Accounts
        Where views of restricted data and writes are audited.
    ip : str, optional
        The requester's address, for the audit log.
    as_of : str or date, optional
        The day the graph is read as of (ties in force that day, see
        :mod:`graphsvc.snapshot`): default today; ``"all"`` for every tie
        ever recorded. Every read of this view is of that day.

    Raises
    ------
    Forbidden
        When the principal may not view the graph at all.

    Use :meth:`for_anonymous` for a visitor who is not signed in: it refuses
    (:class:`Unauthorized`) unless the public view is published.

    Examples
    --------
    The public view of a store with one public and one restricted actor:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from graphsvc.stores.sqlite import SQLiteStore
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = SQLiteStore(folder / "graph.db")
    >>> result = store.upsert([
    ...     Actor(id="casa", name="Casa", kind="shelter", country="MX", visibility="public"),
    ...     Actor(id="oculta", name="Oculta", kind="individual", country="MX")])
    >>> view = GraphView(GraphService(store), PUBLIC, Accounts(folder / "accounts.db"))
    >>> sorted(view.snapshot()), view.counts()
    (['casa'], {'actors': 1, 'ties': 0})
    """

    def __init__(self, service: GraphService, principal: Principal, accounts: Accounts,
                 ip: str | None = None, as_of=None):
        if not principal.can("view"):
            raise Forbidden("this account may not see the graph")
        self.service = service
        self.store = service.store
        self.principal = principal
        self.accounts = accounts
        self.ip = ip
        #: True when restricted actors and ties are visible to this principal.
        self.restricted = principal.can("view_restricted")
        #: The as-of day ("YYYY-MM-DD" or "all"); fixed for the view's life.
        self.as_of = as_of_key(as_of)
        #: True when the day was asked for (not the default, today).
        self.as_of_chosen = as_of is not None
        self._viewed: set[str] = set()  # restricted records already audited

    @classmethod
    def for_anonymous(cls, service: GraphService, accounts: Accounts, public_view: bool,
                      ip: str | None = None, as_of=None) -> GraphView:
        """The public view, or :class:`Unauthorized` when it is not published."""
        if not public_view:
            raise Unauthorized("sign in to see the graph",
                               hint="Ask an administrator for an account.")
        return cls(service, PUBLIC, accounts, ip, as_of)

    # --- permissions and audit ---------------------------------------------

    def can(self, permission: str) -> bool:
        return self.principal.can(permission)

    def require(self, permission: str) -> None:
        """Raise :class:`Forbidden` (or :class:`Unauthorized` for the public)
        unless the principal holds ``permission``."""
        if self.principal.can(permission):
            return
        if self.principal.is_public:
            raise Unauthorized("sign in to do this")
        raise Forbidden(f"the {self.principal.role} role may not do this ({permission})",
                        hint="Ask an administrator for a role that may.")

    def _audit_view(self, target: str) -> None:
        """Audit a view of restricted data once per view (a web view lives
        for one request, which may read the same record for several parts
        of a page)."""
        if target not in self._viewed:
            self._viewed.add(target)
            self._audit("view_restricted", target)

    def _audit(self, action: str, target: str | None = None, details: dict | None = None):
        self.accounts.audit(self.principal.audit_name, action, target,
                            {"via": self.principal.via, **(details or {})}, self.ip)

    def audit_export(self, target: str, details: dict | None = None) -> None:
        """Check ``export`` and record a download this view's data went into
        (a file the caller builds from :meth:`snapshot`, such as a map)."""
        self.require("export")
        self._audit("export", target, {"restricted_included": self.restricted,
                                       **(details or {})})

    def audit_download(self, target: str, details: dict | None = None) -> None:
        """Record a download of a report built from this view's data that the
        principal may already read as a page and through the API (an
        introductions report or plan): no ``export`` permission needed, but
        the download is in the log like any other."""
        self._audit("export", target, {"restricted_included": self.restricted,
                                       **(details or {})})

    def audit_read(self, target: str, details: dict | None = None) -> None:
        """Check ``view_restricted`` and record a read of restricted records
        kept beside the graph (one organisation's survey answers)."""
        self.require("view_restricted")
        self._audit("view_restricted", target, details)

    def run_write(self, action: str, target: str, write, summary=None):
        """Run ``write()``, a write done by code that holds the store itself
        (an importer, the illustrative loader), as this principal.

        ``action`` ("import" or "edit") is checked first and audited once
        ``write()`` returns, with ``summary(result)`` as details; a write that
        raises wrote nothing (importers validate before writing) and is not
        logged. Returns what ``write()`` returned.
        """
        if action not in ("import", "edit"):
            raise ValueError("action is 'import' or 'edit'")
        self.require(action)
        info = self.change_info("import" if action == "import" else None)
        with acting_as(info.with_action("import" if action == "import" else "create")):
            result = write()
        self._audit(action, target, summary(result) if summary else None)
        return result

    # --- what is visible ------------------------------------------------------

    def _visible_actor(self, actor: Actor | None) -> bool:
        return actor is not None and (self.restricted or actor.visibility == "public")

    def _scrub_tie(self, tie: Tie, visible: set[str]) -> Tie:
        """A tie as the principal may see it: upstream funders it may not see
        are left out of ``channel``."""
        if self.restricted or not tie.channel:
            return tie
        kept = visible_channel(tie.channel, visible)
        return tie if kept == tie.channel else tie.model_copy(update={"channel": kept})

    def _visible_ids(self, ids: Iterable[str]) -> set[str]:
        ids = set(ids)
        if self.restricted:
            return self.store.existing_actor_ids(ids)
        return {a.id for a in self.store._actors_by_ids(ids) if a.visibility == "public"}

    # --- reads -------------------------------------------------------------------

    def snapshot(self, as_of=None) -> nx.MultiDiGraph:
        """The graph every analysis should run on; read-only and shared.

        The reader's snapshot (:func:`graphsvc.snapshot.reader_graph`):
        without ``view_restricted``, restricted actors, their ties and
        restricted ties are absent, and no field names a hidden actor; of
        the view's as-of day unless ``as_of`` names another (a page
        comparing two days, a map laid out over all time).
        """
        return self.service.snapshot(self.restricted,
                                     self.as_of if as_of is None else as_of)

    def layered(self, kinds) -> nx.MultiDiGraph:
        """The snapshot with the co-participation layer when ``kinds`` names
        it (:meth:`GraphService.with_layers`), on the view's as-of day;
        read-only and shared."""
        return self.service.with_layers(self.restricted, self.as_of, kinds)

    def cached(self, name: str, compute, params=(), as_of=None):
        """``compute(self.snapshot())`` from the one versioned cache, keyed
        by this reader's visibility and the as-of day (see
        :meth:`GraphService.cached`)."""
        return self.service.cached(self.restricted, name, compute, params,
                                   self.as_of if as_of is None else as_of)

    def partition(self, as_of=None) -> dict:
        """The snapshot's community partition (one per snapshot)."""
        return self.service.partition(self.restricted,
                                      as_of=self.as_of if as_of is None else as_of)

    def _in_force(self, tie: Tie, as_of=None) -> bool:
        day = self.as_of if as_of is None else as_of_key(as_of)
        return day == ALL_TIME or in_force({"since": tie.since, "until": tie.until}, day)

    def served(self, name: str, compute, params=(), fresh: bool = False):
        """Like :meth:`cached`, without waiting for a recomputation after a
        write: a :class:`graphsvc.background.Served` holding the current
        result, or the previous one (``updating``) while the current one is
        computed in the background; ``fresh=True`` waits for the current one."""
        return self.service.served(self.restricted, name, compute, params, fresh=fresh,
                                   as_of=self.as_of)

    def visible_actor_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are actors this principal may see now (for
        results computed on an earlier version of the graph)."""
        return self._visible_ids(ids)

    def counts(self) -> dict[str, int]:
        """``{"actors": n, "ties": m}`` over what the principal may see."""
        G = self.snapshot()
        return {"actors": G.number_of_nodes(), "ties": G.number_of_edges()}

    @property
    def illustrative(self) -> bool:
        return self.service.illustrative

    def meta(self) -> dict[str, str]:
        return self.store.meta()

    def find_actors(self, flt: ActorFilter | None = None, limit: int | None = None,
                    offset: int = 0) -> list[Actor]:
        """Search and list actors (see :class:`ActorFilter`)."""
        flt = flt or ActorFilter()
        if not self.restricted:
            flt = replace(flt, include_restricted=False)
        return self.store.find_actors(flt, limit=limit, offset=offset)

    def get_actor(self, actor_id: str) -> Actor:
        """The actor, or :class:`NotFound` (same message whether it is
        missing or hidden). An analyst opening a restricted actor is audited."""
        actor = self.store.get_actor(actor_id)
        if actor is None or not self._visible_actor(actor):
            raise not_found_actor(actor_id)
        if actor.visibility == "restricted":
            self._audit_view(f"actor:{actor.id}")
        return actor

    def get_tie(self, tie_id: str) -> Tie:
        tie = self.store.get_tie(tie_id)
        if tie is None:
            raise _not_found_tie(tie_id)
        if self.restricted:
            ends = [self.store.get_actor(x) for x in (tie.source, tie.target)]
            if tie.visibility == "restricted" or any(
                    a is not None and a.visibility == "restricted" for a in ends):
                self._audit_view(f"tie:{tie.id}")
            return tie
        visible = self._visible_ids({tie.source, tie.target, *tie.channel})
        if tie.visibility != "public" or not {tie.source, tie.target} <= visible:
            raise _not_found_tie(tie_id)
        return self._scrub_tie(tie, visible)

    def _check_actor(self, actor_id: str) -> None:
        if not self._visible_actor(self.store.get_actor(actor_id)):
            raise not_found_actor(actor_id)

    def ties(self, actor_id: str | None = None,
             kinds: Iterable[str] | None = None, as_of=None) -> list[Tie]:
        """Ties (of one actor, of some kinds) the principal may see, in force
        on the as-of day (the view's, unless ``as_of`` names another: "all"
        for every tie ever recorded, as a delete counts them), by id."""
        if actor_id is not None:
            self._check_actor(actor_id)
        ties = [t for t in self.store.ties(actor_id, kinds, include_restricted=self.restricted)
                if self._in_force(t, as_of)]
        if self.restricted:
            return ties
        visible = self._visible_ids({c for t in ties for c in t.channel})
        return [self._scrub_tie(t, visible) for t in ties]

    def neighbours(self, actor_id: str,
                   kinds: Iterable[str] | None = None) -> list[tuple[Tie, Actor]]:
        """Each visible tie of ``actor_id`` in force on the as-of day, with
        the actor at its other end."""
        self._check_actor(actor_id)
        pairs = [(t, a) for t, a in self.store.neighbours(
            actor_id, kinds, include_restricted=self.restricted) if self._in_force(t)]
        if self.restricted:
            return pairs
        visible = self._visible_ids({c for t, _ in pairs for c in t.channel})
        return [(self._scrub_tie(t, visible), a) for t, a in pairs]

    # --- events and groups (two-mode) -----------------------------------------------

    def two_mode(self, as_of=None) -> nx.Graph:
        """The two-mode graph of actors, events and groups this principal
        may see (:meth:`GraphService.two_mode`), of the view's day unless
        ``as_of`` names another; read-only and shared."""
        return self.service.two_mode(self.restricted, self.as_of if as_of is None else as_of)

    def events(self) -> list[Event]:
        """Every event this principal may see, by start date (all dates;
        participants it may not see left out)."""
        return self.service.records(self.restricted)[0]

    def groups(self) -> list[Group]:
        """Every group this principal may see, by id (memberships it may
        not see left out)."""
        return self.service.records(self.restricted)[1]

    def get_event(self, event_id: str) -> Event:
        """The event, or :class:`NotFound` (the same whether it is missing or
        hidden); an analyst opening a restricted one is audited."""
        found = next((e for e in self.events() if e.id == event_id), None)
        if found is None:
            raise NotFound(f"no event with id '{event_id}'",
                           hint="See the list of events for the right id.")
        if found.visibility == "restricted":
            self._audit_view(f"event:{event_id}")
        return found

    def get_group(self, group_id: str) -> Group:
        """The group, or :class:`NotFound` (missing or hidden alike)."""
        found = next((g for g in self.groups() if g.id == group_id), None)
        if found is None:
            raise NotFound(f"no group with id '{group_id}'",
                           hint="See the list of groups for the right id.")
        if found.visibility == "restricted" or any(
                m.visibility == "restricted" for m in found.members):
            self._audit_view(f"group:{group_id}")
        return found

    def introductions(self, actor_id: str | None = None, as_of=None) -> list[Introduction]:
        """Introduction records the principal may see, oldest first (see
        :func:`graphsvc.snapshot.reader_introductions`), recorded on or
        before the as-of day."""
        if actor_id is not None:
            self._check_actor(actor_id)
        return self.service.introductions(self.restricted, actor_id,
                                          self.as_of if as_of is None else as_of)

    # --- writes (editors) ---------------------------------------------------------

    def upsert(self, actors: Iterable[Actor] = (), ties: Iterable[Tie] = (), *,
               action: str = "edit", source: str | None = None, progress=None
               ) -> WriteResult:
        """Write actors and ties (``action`` "import" or "edit"); audited."""
        if action not in ("import", "edit"):
            raise ValueError("action is 'import' or 'edit'")
        self.require(action)
        actors, ties = list(actors), list(ties)
        result = self.store.upsert(actors, ties, progress=progress, info=self.change_info(
            "import" if action == "import" else None).with_action(
            "import" if action == "import" else "update"))
        self._audit(action, source or "graph", {
            "actors_created": result.actors_created, "actors_updated": result.actors_updated,
            "ties_created": result.ties_created, "ties_updated": result.ties_updated,
            "actor_ids": [a.id for a in actors][:50], "tie_ids": [t.id for t in ties][:50],
            "version": result.version})
        return result

    def delete_actors(self, ids: Iterable[str]) -> int:
        """Delete actors (each with its ties, one history entry each); audited."""
        self.require("edit")
        ids = list(ids)
        n = 0
        for i in ids:
            if self.store.get_actor(i) is not None:
                self.store.delete_actor(i, self.change_info())
                n += 1
        self._audit("delete", "actors", {"ids": ids, "deleted": n})
        return n

    def delete_ties(self, ids: Iterable[str]) -> int:
        """Delete ties (one history entry each); audited."""
        self.require("edit")
        ids = list(ids)
        n = 0
        for i in ids:
            if self.store.get_tie(i) is not None:
                self.store.delete_tie(i, self.change_info())
                n += 1
        self._audit("delete", "ties", {"ids": ids, "deleted": n})
        return n

    # --- edits with history (editors) ---------------------------------------------

    #: The path a change takes, by how the principal reached us.
    _PATHS = {"cli": "cli", "token": "api", "session": "form"}

    def change_info(self, path: str | None = None, reason: str | None = None) -> ChangeInfo:
        """Who this principal's changes are recorded as, by which path (by
        default: the command line, the API for a token, a form for a session)."""
        return ChangeInfo(who=self.principal.audit_name,
                          path=path or self._PATHS.get(self.principal.via, "form"),
                          action="update", reason=(reason or "").strip() or None)

    def edit(self, target: str, op, *, path: str | None = None,
             reason: str | None = None) -> Change | None:
        """Run ``op(store, info)``, one of the store's edits
        (:class:`~graphsvc.stores.edits.EditOps`), as this principal: needs
        ``edit``; the change is in the history (who, path, reason) and in the
        audit log. Returns the change (``None`` when nothing changed)."""
        self.require("edit")
        change = op(self.store, self.change_info(path, reason))
        if change is not None:
            self._audit("delete" if change.action == "delete" else "edit", target, {
                "change": change.seq, "action": change.action, "path": change.path,
                "records": [f"{i.record}:{i.id}" for i in change.items][:50],
                "version": self.store.version()})
        return change

    def keep_plan(self, event_id: str, plan: dict, *, path: str | None = None,
                  reason: str | None = None) -> Change | None:
        """Keep a convening plan's invitation list (``plan``: the ``plan``
        field of :class:`~graphsvc.model.Event`, see
        :func:`graphsvc.queries.introductions.kept_plan`) with an event this
        principal may see, replacing any list kept before: an edit (history
        and audit). Checked by the model before anything is written; the
        stored record is updated, so fields the principal may not see
        (restricted participants, the note) are kept as they are."""
        self.get_event(event_id)
        try:
            kept = EventPlan.model_validate(plan)
        except ValidationError as exc:
            raise ValidationFailed(validation_problems(exc), message="the list was not "
                                   "kept.", hint="Plan again and keep the new list.") from None

        def op(store, info):
            current = store.get_event(event_id)
            if current is None:
                raise NotFound(f"no event with id '{event_id}'",
                               hint="See the list of events for the right id.")
            return store.update_record(current.model_copy(update={"plan": kept}), info)

        return self.edit(f"event:{event_id}", op, path=path, reason=reason)

    @property
    def edits(self) -> GraphStore:
        """The store, for planning edits (reads of revisions and aliases)."""
        return self.store

    def revision(self, record: str, rid: str) -> int:
        """The revision of a record the principal may see (for an ETag)."""
        return self.store.revision(record, rid)

    def resolve(self, actor_id: str) -> str:
        """The id a merged actor id stands for now."""
        return self.store.resolve(actor_id)

    def history(self, actor_id: str | None = None, tie_id: str | None = None,
                seq: int | None = None, limit: int | None = None,
                before: int | None = None) -> list[Change]:
        """History entries as this principal may see them, newest first
        (:func:`graphsvc.snapshot.reader_history`): of one actor (with its
        ties), of one tie, one entry, or all. A reader who may not see
        restricted records asks about an actor or tie it can see (else
        :class:`NotFound`); others may read a deleted record's history."""
        if not self.restricted:
            if actor_id is not None:
                self._check_actor(actor_id)
            if tie_id is not None:
                self.get_tie(tie_id)
        entries = self.store.changes(
            actor=actor_id, record=("tie", tie_id) if tie_id is not None else None,
            seqs=[seq] if seq is not None else None, limit=limit, before=before)
        if seq is not None and not entries:
            raise NotFound(f"no change number {seq} in the history",
                           hint="See the history for the right number.")
        shown = reader_history(entries, self.snapshot(), self.restricted)
        if seq is not None and not shown:
            raise NotFound(f"no change number {seq} in the history",
                           hint="See the history for the right number.")
        if self.restricted and any(v is not None and v.get("visibility") == "restricted"
                                   for e in shown for i in e.items
                                   for v in (i.before, i.after)):
            self._audit_view("history:" + (actor_id or tie_id or str(seq or "all")))
        return shown

    def record_introduction(self, intro: Introduction) -> None:
        self.require("edit")
        self.store.record_introduction(intro)
        self._audit("edit", "introduction", {"source": intro.source, "target": intro.target,
                                             "via": intro.via, "status": intro.status})
