"""The history of the graph: every change to an actor, a tie, an event, a
group or an alias.

A :class:`Change` is one entry of the append-only history: who made it,
when, by which path (``form``, ``api``, ``cli``, ``import``), what kind of
change it was (``create``, ``update``, ``end``, ``delete``, ``restore``,
``revert``, ``merge``, ``import``), the reason the user typed, and one
:class:`Item` per record it touched with the record's values before and
after (``None`` before a creation and after a deletion).

Every record has a *revision*: the number of changes it has been through
(0 for a record written before history was kept). An edit names the
revision it started from; when the stored revision is another, someone
saved first and the edit is refused with :class:`~graphsvc.errors.Conflict`
(optimistic concurrency: no update is lost).

The stores keep the history (:mod:`graphsvc.stores.edits`); what a reader
may see of it is decided by :func:`graphsvc.snapshot.reader_history`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

__all__ = ["ChangeInfo", "Item", "Change", "PATHS", "ACTIONS", "RECORDS", "acting_as",
           "current_info"]

#: How a change reached the store.
PATHS = ("form", "api", "cli", "import")

#: What kind of change it was.
ACTIONS = ("create", "update", "end", "delete", "restore", "revert", "merge", "import")

#: The kinds of record a change item is about. An ``alias`` item says which
#: actor a merged id resolves to (``{"to": survivor}``); an ``event`` or
#: ``group`` item holds the whole record, its participants or members included.
RECORDS = ("actor", "tie", "alias", "event", "group")


@dataclass(frozen=True)
class ChangeInfo:
    """Who makes a change, how, and why: what the history keeps besides values."""

    who: str = "system"
    path: str = "import"
    action: str = "import"
    reason: str | None = None

    def __post_init__(self):
        if self.path not in PATHS:
            raise ValueError(f"unknown path '{self.path}': use one of {', '.join(PATHS)}")
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action '{self.action}'")

    def with_action(self, action: str) -> ChangeInfo:
        return replace(self, action=action)


@dataclass(frozen=True)
class Item:
    """One record's values before and after a change, and its new revision."""

    record: str
    id: str
    before: dict | None
    after: dict | None
    revision: int = 0

    @property
    def actors(self) -> tuple[str, ...]:
        """The actors this item is about: an actor itself, a tie's ends
        (before and after), an alias's old and new id, an event's
        participants (and kept invitation list) or a group's members
        (before and after)."""
        if self.record == "actor":
            return (self.id,)
        out: list[str | None] = []
        for rec in (self.before, self.after):
            if not rec:
                continue
            if self.record in ("event", "group"):
                out += [p.get("actor") for p in
                        rec.get("participants" if self.record == "event" else "members")
                        or ()]
                out += (rec.get("plan") or {}).get("invited") or []
            elif self.record == "tie":
                out += [rec.get("source"), rec.get("target")]
            else:
                out += [self.id, rec.get("to")]
        return tuple(dict.fromkeys(str(x) for x in out if x))

    def to_dict(self) -> dict:
        return {"record": self.record, "id": self.id, "revision": self.revision,
                "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Change:
    """One entry of the history."""

    seq: int
    at: str
    who: str
    path: str
    action: str
    reason: str | None
    items: tuple[Item, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {"seq": self.seq, "at": self.at, "who": self.who, "path": self.path,
                "action": self.action, "reason": self.reason,
                "items": [i.to_dict() for i in self.items]}

    def item(self, record: str, id: str) -> Item | None:
        return next((i for i in self.items if i.record == record and i.id == id), None)


_ACTING: ContextVar[ChangeInfo | None] = ContextVar("graphsvc_acting", default=None)


@contextmanager
def acting_as(info: ChangeInfo) -> Iterator[ChangeInfo]:
    """Record the writes made inside the block (an import, the illustrative
    loader, a recorded introduction) as ``info`` says: who, by which path."""
    token = _ACTING.set(info)
    try:
        yield info
    finally:
        _ACTING.reset(token)


def current_info() -> ChangeInfo:
    """Who the writes of this moment are recorded as (the system, importing,
    outside :func:`acting_as`)."""
    return _ACTING.get() or ChangeInfo()
