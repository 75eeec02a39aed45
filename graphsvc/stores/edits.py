"""Edits with history: what every store does on top of its primitives.

Each operation (create, update, end or delete a record, revert a change or a
record, restore a deleted actor, merge two actors) is planned here from what
the store holds: a list of :class:`~graphsvc.history.Item` (one record's
values before and after) and the revision each touched record had when it
was read. The backend's :meth:`EditOps._apply` then, in one transaction,
checks that every touched record still has that revision (else
:class:`~graphsvc.errors.Conflict`, nothing written), writes the items'
``after`` values, appends the change to the history and advances the
version. So every operation is atomic and no update is lost, whatever the
backend; a plan that cannot be written (a tie whose end would be missing)
fails before the transaction starts.

Merged ids keep resolving: a merge records an alias (the merged id -> the
survivor); :meth:`EditOps.resolve` follows it, imports by the old id land on
the survivor, and introduction records follow it when read.
"""
from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable, Mapping

from pydantic import ValidationError

from ..errors import Conflict, NotFound, Problem, ValidationFailed, not_found_actor
from ..history import Change, ChangeInfo, Item
from ..model import Actor, Event, Group, Introduction, Tie, tie_id, validation_problems

__all__ = ["EditOps", "MERGE_FIELDS", "now", "RECORD_MODELS"]

#: The records kept whole (participants or members inside), by history name.
RECORD_MODELS: dict[str, type[Event] | type[Group]] = {"event": Event, "group": Group}
_MEMBER_LIST = {"event": "participants", "group": "members"}

#: The actor fields a merge can take from either record (the id is the survivor's).
MERGE_FIELDS = tuple(f for f in Actor.model_fields if f != "id")


def now() -> str:
    """The time a change is recorded, UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _not_found_tie(tie_id: str) -> NotFound:
    return NotFound(f"no tie with id '{tie_id}'", hint="See the actor's ties for the right id.")


def _conflict(record: str, rid: str, expected: int, current: int) -> Conflict:
    return Conflict(f"the {record} '{rid}' was changed by someone else since you read it "
                    f"(you had revision {expected}, it is now at {current}); nothing was "
                    "written", hint="Read it again, re-apply your change and save.",
                    details={"record": record, "id": rid, "expected": expected,
                             "current": current})


class EditOps(abc.ABC):
    """History, revisions, aliases and the edits built on them."""

    # --- backend primitives ------------------------------------------------

    @abc.abstractmethod
    def _apply(self, info: ChangeInfo, items: list[Item],
               expect: Mapping[tuple[str, str], int]) -> Change:
        """In one transaction: check that each ``(record, id)`` in ``expect``
        is at that revision (else :class:`Conflict`) and that no tie touches
        an actor deleted by ``items`` unless ``items`` deletes it too; write
        each item's ``after`` (``None`` deletes; ties are deleted first and
        written last, so a change may delete an actor with its ties or
        restore them together); append the change with each item at its
        record's revision + 1; advance the version. Returns the change."""

    @abc.abstractmethod
    def revisions(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The revision of each ``(record, id)`` (0 when it has no history)."""

    @abc.abstractmethod
    def changes(self, *, seqs: Iterable[int] | None = None, actor: str | None = None,
                record: tuple[str, str] | None = None, limit: int | None = None,
                before: int | None = None) -> list[Change]:
        """History entries, newest first: those numbered ``seqs``, those
        touching ``actor`` (the actor, its ties, aliases to it), or those
        about ``record`` (``(record, id)``); ``before`` pages (``seq <
        before``), ``limit`` caps."""

    @abc.abstractmethod
    def aliases(self) -> dict[str, str]:
        """Merged id -> the id it resolves to."""

    # what the edits read (GraphStore provides them)
    @abc.abstractmethod
    def get_actor(self, actor_id: str) -> Actor | None: ...

    @abc.abstractmethod
    def get_tie(self, tie_id: str) -> Tie | None: ...

    @abc.abstractmethod
    def existing_actor_ids(self, ids: Iterable[str]) -> set[str]: ...

    @abc.abstractmethod
    def ties(self, actor_id: str | None = None, kinds: Iterable[str] | None = None,
             include_restricted: bool = True) -> list[Tie]: ...

    @abc.abstractmethod
    def get_event(self, event_id: str) -> Event | None: ...

    @abc.abstractmethod
    def get_group(self, group_id: str) -> Group | None: ...

    # --- reading -------------------------------------------------------------

    def revision(self, record: str, rid: str) -> int:
        return self.revisions([(record, rid)]).get((record, rid), 0)

    def resolve(self, actor_id: str) -> str:
        """The id ``actor_id`` stands for now (itself unless it was merged)."""
        aliases = self.aliases()
        seen = {actor_id}
        while actor_id in aliases:
            actor_id = aliases[actor_id]
            if actor_id in seen:  # never written, but never loop either
                break
            seen.add(actor_id)
        return actor_id

    def known_actor_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` that are stored actors or merged ids of one."""
        ids = set(ids)
        aliases = self.aliases()
        resolved = {i: self.resolve(i) if i in aliases else i for i in ids}
        stored = self.existing_actor_ids(set(resolved.values()))
        return {i for i, r in resolved.items() if r in stored}

    def resolve_batch(self, actors: list[Actor], ties: list[Tie]
                      ) -> tuple[list[Actor], list[Tie]]:
        """A batch with merged ids replaced by their survivors (actor ids, tie
        ends, channels; a tie id derived from old ends is derived again)."""
        aliases = self.aliases()
        if not aliases:
            return actors, ties
        return ([a.model_copy(update={"id": self.resolve(a.id)}) if a.id in aliases else a
                 for a in actors],
                [_moved(t, {k: self.resolve(k) for k in aliases}) for t in ties])

    def follow_aliases(self, records: list[Introduction]) -> list[Introduction]:
        """Introduction records with merged ids replaced by their survivors (a
        record that would then name one actor twice is left out)."""
        aliases = self.aliases()
        if not aliases:
            return records
        out = []
        for r in records:
            ids = {f: self.resolve(getattr(r, f)) for f in ("source", "target", "via")
                   if getattr(r, f)}
            if len(set(ids.values())) < len(ids):
                continue
            out.append(r.model_copy(update=ids) if any(
                ids[f] != getattr(r, f) for f in ids) else r)
        return out

    # --- edits -------------------------------------------------------------------

    def create_actor(self, actor: Actor, info: ChangeInfo) -> Change:
        """Add a new actor; its id must be free (not an actor, not a merged id)."""
        if self.existing_actor_ids([actor.id]) or actor.id in self.aliases():
            raise ValidationFailed([Problem(
                f"the id '{actor.id}' is already used", hint="Choose another id, or edit "
                "the existing actor.", field="id", value=actor.id)],
                message="the actor was not added.", hint="Choose another id.")
        return self._run(info.with_action("create"),
                         [Item("actor", actor.id, None, actor.to_record())])

    def update_actor(self, actor: Actor, info: ChangeInfo,
                     expect: int | None = None) -> Change | None:
        """Replace a stored actor's values; ``None`` when nothing changed."""
        current = self.get_actor(actor.id)
        if current is None:
            raise not_found_actor(actor.id)
        if current == actor:
            self._check_expected([("actor", actor.id, expect)])
            return None
        return self._run(info.with_action("update"),
                         [Item("actor", actor.id, current.to_record(), actor.to_record())],
                         {("actor", actor.id): expect})

    def delete_actor(self, actor_id: str, info: ChangeInfo,
                     expect: int | None = None) -> Change:
        """Delete an actor with every tie touching it; funding channels that
        named it stop naming it. All of it is one change: restoring the actor
        (reverting the change) brings them back."""
        current = self.get_actor(actor_id)
        if current is None:
            raise not_found_actor(actor_id)
        own = self.ties(actor_id)
        own_ids = {t.id for t in own}
        items = [Item("tie", str(t.id), t.to_record(), None) for t in own]
        for t in self.ties(kinds=["funding"]):
            if actor_id in t.channel and t.id not in own_ids:
                kept = [c for c in t.channel if c != actor_id]
                items.append(Item("tie", str(t.id), t.to_record(),
                                  t.model_copy(update={"channel": kept}).to_record()))
        items.append(Item("actor", actor_id, current.to_record(), None))
        return self._run(info.with_action("delete"), items, {("actor", actor_id): expect})

    def create_tie(self, tie: Tie, info: ChangeInfo) -> Change:
        """Add a new tie; another tie of the same id (same ends, kind, subtype
        and, for funding, year) must not exist."""
        assert tie.id is not None
        if self.get_tie(tie.id) is not None:
            raise ValidationFailed([Problem(
                "these two actors already have a tie of this kind and subtype",
                hint="Edit that tie, or give this one another subtype (or year, for "
                "funding).", field="subtype", value=tie.id)],
                message="the tie was not added.", hint="Edit the existing tie instead.")
        return self._run(info.with_action("create"),
                         [Item("tie", tie.id, None, tie.to_record())])

    def update_tie(self, tie: Tie, info: ChangeInfo,
                   expect: int | None = None) -> Change | None:
        """Replace a stored tie's values (same id); ``None`` when nothing changed.
        A change that only sets ``until`` is recorded as ending the tie."""
        assert tie.id is not None
        current = self.get_tie(tie.id)
        if current is None:
            raise _not_found_tie(tie.id)
        if current == tie:
            self._check_expected([("tie", tie.id, expect)])
            return None
        ended = (tie.until is not None and current.until is None
                 and current.model_copy(update={"until": tie.until}) == tie)
        return self._run(info.with_action("end" if ended else "update"),
                         [Item("tie", tie.id, current.to_record(), tie.to_record())],
                         {("tie", tie.id): expect})

    def end_tie(self, tid: str, until: dt.date, info: ChangeInfo,
                expect: int | None = None) -> Change | None:
        """Set a tie's ``until`` (the tie ended then; it is kept)."""
        current = self.get_tie(tid)
        if current is None:
            raise _not_found_tie(tid)
        try:
            ended = Tie(**{**current.to_record(), "until": until})
        except ValidationError as exc:
            raise ValidationFailed(validation_problems(exc), message="the tie was not "
                                   "ended.", hint="Give a date on or after 'since'.") from None
        return self.update_tie(ended, info, expect)

    def delete_tie(self, tid: str, info: ChangeInfo, expect: int | None = None) -> Change:
        current = self.get_tie(tid)
        if current is None:
            raise _not_found_tie(tid)
        return self._run(info.with_action("delete"),
                         [Item("tie", tid, current.to_record(), None)], {("tie", tid): expect})

    def revert(self, seq: int, info: ChangeInfo) -> Change:
        """Undo change ``seq``: every record it touched goes back to its values
        before it (a deleted actor comes back with the ties deleted with it; a
        merge is undone). Refused (:class:`Conflict`) when a record has changed
        since: revert the later changes first."""
        found = self.changes(seqs=[seq])
        if not found:
            raise NotFound(f"no change number {seq} in the history",
                           hint="See the history for the right number.")
        change = found[0]
        current = self.revisions((i.record, i.id) for i in change.items)
        for i in change.items:
            if current.get((i.record, i.id), 0) != i.revision:
                raise Conflict(
                    f"the {i.record} '{i.id}' has changed since change {seq}; nothing "
                    "was written", hint="Revert the later changes first, or restore an "
                    "earlier revision of that record.",
                    details={"record": i.record, "id": i.id, "expected": i.revision,
                             "current": current.get((i.record, i.id), 0)})
        action = "restore" if change.action == "delete" else "revert"
        items = [Item(i.record, i.id, i.after, i.before) for i in change.items]
        return self._run(info.with_action(action), items,
                         {(i.record, i.id): i.revision for i in change.items})

    def revert_record(self, record: str, rid: str, revision: int, info: ChangeInfo,
                      expect: int | None = None) -> Change:
        """Give a record the values it had at ``revision`` (a new change)."""
        entries = self.changes(record=(record, rid))
        item = next((i for c in entries for i in c.items
                     if (i.record, i.id) == (record, rid) and i.revision == revision), None)
        if item is None:
            raise NotFound(f"the {record} '{rid}' has no revision {revision}",
                           hint="See its history for the revisions kept.")
        current = self._current(record, rid)
        if current == item.after:
            raise ValidationFailed([Problem(f"the {record} already has these values",
                                            field="revision", value=str(revision))],
                                   message="nothing to restore.", hint="Pick another "
                                   "revision.")
        return self._run(info.with_action("revert"),
                         [Item(record, rid, current, item.after)], {(record, rid): expect})

    def merge_actors(self, survivor: str, merged: str, info: ChangeInfo,
                     take: Mapping[str, str] | None = None,
                     expect: Mapping[str, int | None] | None = None) -> Change:
        """Merge actor ``merged`` into ``survivor``, as one change.

        ``take`` maps a field to ``"merged"`` to keep the merged actor's value
        (the survivor's is kept otherwise). Ties move to the survivor (a tie
        between the two goes; a tie the survivor already has, same id once
        moved, collapses into it; other kinds stay distinct); channels naming
        the merged actor name the survivor; the merged id (and ids merged into
        it before) resolve to the survivor. ``expect`` maps ``survivor`` and
        ``merged`` to the revisions the caller read.
        """
        if survivor == merged:
            raise ValidationFailed([Problem("an actor cannot be merged with itself",
                                            field="merge", value=merged)],
                                   message="nothing was merged.",
                                   hint="Choose the duplicate to merge.")
        S, M = self.get_actor(survivor), self.get_actor(merged)
        for x, a in ((survivor, S), (merged, M)):
            if a is None:
                raise not_found_actor(x)
        assert S is not None and M is not None
        take = dict(take or {})
        bad = [f for f, v in take.items() if f not in MERGE_FIELDS
               or v not in ("survivor", "merged")]
        if bad:
            raise ValidationFailed([Problem(f"cannot choose '{f}'", field=f, hint="Choose "
                                            "survivor or merged for an actor field.")
                                    for f in bad], message="nothing was merged.",
                                   hint="Correct the choices.")
        new_s = S.model_copy(update={f: getattr(M, f) for f, v in take.items()
                                     if v == "merged"})
        items: list[Item] = []
        if new_s != S:
            items.append(Item("actor", survivor, S.to_record(), new_s.to_record()))
        mapping = {merged: survivor}
        existing = {str(t.id) for t in self.ties(survivor)}
        puts: dict[str, Tie] = {}
        befores: dict[str, Tie] = {}
        for t in self.ties(merged):
            befores[str(t.id)] = t
            if {t.source, t.target} == {survivor, merged}:
                continue  # a tie between the two goes with the merged actor
            moved = _moved(t, mapping)
            if str(moved.id) in existing or str(moved.id) in puts:
                continue  # identical ties collapse into the survivor's
            puts[str(moved.id)] = moved
        for t in self.ties(kinds=["funding"]):
            if merged in t.channel and str(t.id) not in befores:
                befores[str(t.id)] = t
                puts[str(t.id)] = _moved(t, mapping)
        for tid, before in befores.items():
            after = puts.pop(tid, None)
            items.append(Item("tie", tid, before.to_record(),
                              after.to_record() if after else None))
        items += [Item("tie", tid, None, t.to_record()) for tid, t in puts.items()]
        items.append(Item("actor", merged, M.to_record(), None))
        aliases = self.aliases()
        items.append(Item("alias", merged, {"to": aliases[merged]} if merged in aliases
                          else None, {"to": survivor}))
        items += [Item("alias", old, {"to": new}, {"to": survivor})
                  for old, new in sorted(aliases.items()) if new == merged]
        exp = {("actor", k): v for k, v in (expect or {}).items()}
        return self._run(info.with_action("merge"), items, exp)

    # --- events and groups ---------------------------------------------------------

    def _get_record(self, record: str, rid: str) -> Event | Group | None:
        return self.get_event(rid) if record == "event" else self.get_group(rid)

    def create_record(self, rec: Event | Group, info: ChangeInfo) -> Change:
        """Add a new event or group; its id must be free. Every participant
        or member must be a stored actor (merged ids stand for their survivor)."""
        record = _record_name(rec)
        if self._get_record(record, rec.id) is not None:
            raise ValidationFailed([Problem(
                f"the id '{rec.id}' is already used by another {record}",
                hint=f"Choose another id, or edit the existing {record}.", field="id",
                value=rec.id)], message=f"the {record} was not added.",
                hint="Choose another id.")
        rec = self._resolved(rec)
        return self._run(info.with_action("create"),
                         [Item(record, rec.id, None, rec.to_record())])

    def update_record(self, rec: Event | Group, info: ChangeInfo,
                      expect: int | None = None) -> Change | None:
        """Replace a stored event's or group's values (participants or
        members included); ``None`` when nothing changed."""
        record = _record_name(rec)
        current = self._get_record(record, rec.id)
        if current is None:
            raise _not_found_record(record, rec.id)
        rec = self._resolved(rec)
        if current == rec:
            self._check_expected([(record, rec.id, expect)])
            return None
        return self._run(info.with_action("update"),
                         [Item(record, rec.id, current.to_record(), rec.to_record())],
                         {(record, rec.id): expect})

    def delete_record(self, record: str, rid: str, info: ChangeInfo,
                      expect: int | None = None) -> Change:
        """Delete an event or a group (reverting the change brings it back)."""
        current = self._get_record(record, rid)
        if current is None:
            raise _not_found_record(record, rid)
        return self._run(info.with_action("delete"),
                         [Item(record, rid, current.to_record(), None)], {(record, rid): expect})

    def put_records(self, records: Iterable[Event | Group], info: ChangeInfo) -> Change | None:
        """Create or replace events and groups by id, as one change (an
        import); records equal to the stored ones are left alone. ``None``
        when nothing changed."""
        items = []
        for rec in records:
            record = _record_name(rec)
            rec = self._resolved(rec)
            current = self._get_record(record, rec.id)
            if current == rec:
                continue
            items.append(Item(record, rec.id, current.to_record() if current else None,
                              rec.to_record()))
        if not items:
            return None
        return self._run(info, items)

    def _resolved(self, rec):
        """``rec`` with merged actor ids replaced by their survivors."""
        aliases = self.aliases()
        field = _MEMBER_LIST[_record_name(rec)]
        entries = getattr(rec, field)
        plan = getattr(rec, "plan", None)
        if plan is not None and aliases and any(x in aliases for x in plan.invited):
            rec = rec.model_copy(update={"plan": _resolved_plan(plan, self.resolve)})
        if not aliases or not any(e.actor in aliases for e in entries):
            return rec
        moved, seen = [], set()
        for e in entries:
            e = e.model_copy(update={"actor": self.resolve(e.actor)})
            if e.actor not in seen:  # two ids merged into one: listed once
                seen.add(e.actor)
                moved.append(e)
        return rec.model_copy(update={field: moved})

    # --- the plan, checked, then written --------------------------------------------

    def _current(self, record: str, rid: str) -> dict | None:
        if record == "actor":
            a = self.get_actor(rid)
            return a.to_record() if a else None
        if record == "tie":
            t = self.get_tie(rid)
            return t.to_record() if t else None
        if record in RECORD_MODELS:
            r = self._get_record(record, rid)
            return r.to_record() if r else None
        target = self.aliases().get(rid)
        return {"to": target} if target else None

    def _check_expected(self, wanted: list[tuple[str, str, int | None]]) -> None:
        keys = [(r, i) for r, i, e in wanted if e is not None]
        if not keys:
            return
        current = self.revisions(keys)
        for r, i, e in wanted:
            if e is not None and current.get((r, i), 0) != e:
                raise _conflict(r, i, e, current.get((r, i), 0))

    def _run(self, info: ChangeInfo, items: list[Item],
             expect: Mapping[tuple[str, str], int | None] | None = None) -> Change:
        """Check the plan's ends, then write it with every record's revision as
        read now (and as the caller read it, where ``expect`` says)."""
        self._check_ends(items)
        read = self.revisions([(i.record, i.id) for i in items] + list(expect or {}))
        for (r, i), e in (expect or {}).items():
            if e is not None and read.get((r, i), 0) != e:
                raise _conflict(r, i, e, read.get((r, i), 0))
        full = {(i.record, i.id): read.get((i.record, i.id), 0) for i in items}
        # the caller's revisions, where given, are what the write is checked against
        full.update({k: v for k, v in (expect or {}).items() if v is not None})
        return self._apply(info, items, full)

    def _check_ends(self, items: list[Item]) -> None:
        put = {i.id for i in items if i.record == "actor" and i.after is not None}
        gone = {i.id for i in items if i.record == "actor" and i.after is None}
        wanted = {x for i in items if i.record == "tie" and i.after
                  for x in (i.after["source"], i.after["target"], *i.after.get("channel", ()))}
        # An event's or group's new participants or members must be actors;
        # those it already listed may name a deleted actor (restoring the
        # actor brings the attendance back).
        listed = {x for i in items if i.record in _MEMBER_LIST and i.after
                  for x in _actors_of(i.record, i.after) - _actors_of(i.record, i.before)}
        wanted |= listed
        stored = self.existing_actor_ids(wanted - put)
        missing = wanted - put - (stored - gone)
        if missing:
            raise ValidationFailed(
                [Problem(f"no actor with id '{x}'", hint="Restore or add that actor "
                         "first.", field="actor", value=x) for x in sorted(missing)],
                message=("a tie would refer to an actor that is not in the graph; "
                         if not listed & missing else "an event or group would list an "
                         "actor that is not in the graph; ") + "nothing was written.",
                hint="Restore or add that actor first.")


def _resolved_plan(plan, resolve):
    """A kept invitation list with merged ids replaced by their survivors
    (two invitees merged into one: listed once, their pair dropped)."""
    invited = list(dict.fromkeys(resolve(x) for x in plan.invited))
    pairs = {(min(a, b), max(a, b)) for a, b in
             ((resolve(a), resolve(b)) for a, b in plan.pairs) if a != b}
    return type(plan).model_validate({"invited": invited, "pairs": sorted(pairs),
                                      "planned_on": plan.planned_on})


def _record_name(rec) -> str:
    return "event" if isinstance(rec, Event) else "group"


def _actors_of(record: str, value: dict | None) -> set[str]:
    """The actors a record lists: participants or members, and an event's
    kept invitation list."""
    if not value:
        return set()
    out = {e["actor"] for e in value.get(_MEMBER_LIST[record]) or ()}
    return out | set((value.get("plan") or {}).get("invited") or ())


def _not_found_record(record: str, rid: str) -> NotFound:
    return NotFound(f"no {record} with id '{rid}'",
                    hint=f"See the list of {record}s for the right id.")


def _moved(t: Tie, mapping: Mapping[str, str]) -> Tie:
    """Tie ``t`` with actor ids replaced through ``mapping`` (ends and
    channel); an id derived from the old ends is derived again."""
    source, target = mapping.get(t.source, t.source), mapping.get(t.target, t.target)
    channel = list(dict.fromkeys(mapping.get(c, c) for c in t.channel))
    if (source, target, channel) == (t.source, t.target, t.channel):
        return t
    new_id = t.id
    if t.id == tie_id(t.source, t.target, t.kind, t.subtype, t.year):
        new_id = tie_id(source, target, t.kind, t.subtype, t.year)
    return t.model_copy(update={"id": new_id, "source": source, "target": target,
                                "channel": channel})
