"""Import attendance lists (sign-in sheets) into events and membership lists
into groups.

A sheet (CSV or XLSX, read within the limits of :mod:`graphsvc.ingest.bounded`,
Spanish or English headers: :data:`~graphsvc.ingest.columns.ATTENDANCE_COLUMNS`)
has one row per person or organisation. Each row is matched to an actor:

- by the ``id`` column when it has a value (a merged id stands for its survivor);
- otherwise by the ``organisation`` column, or the ``name`` column when there
  is no organisation, by the one name rule of :mod:`graphsvc.duplicates`
  (accents, case, punctuation and legal suffixes ignored).

A name that matches no actor is a problem naming the closest existing actors
(:meth:`graphsvc.duplicates.DuplicateIndex.closest`), unless
``create_missing`` asks to add it as a new organisation. Several people of
one organisation make one participant, with the highest role among them.

As every import: every row is checked first and nothing is written when any
has a problem, unless ``skip_invalid`` (then the valid rows are written and
the others returned, and written to ``report``). Participants and members
are added to what the event or group already lists (a role written in the
sheet replaces the stored one); the write is one change in the history.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..duplicates import DuplicateIndex
from ..errors import Problem, ValidationFailed
from ..history import current_info
from ..model import PARTICIPANT_ROLES, Actor, Event, Group, Member, Participant
from ..stores.base import GraphStore
from .bounded import DEFAULT_LIMITS, ReadLimits
from .columns import ATTENDANCE_COLUMNS, attendance_value, map_headers
from .importer import RejectedRow, write_report
from .readers import file_failed, read_table
from .validate import model_problems, slug

__all__ = ["SheetResult", "import_attendance", "import_members"]

#: Roles from the most to the least: several people of one organisation
#: make one participant with the first of their roles in this order.
_ROLE_ORDER = list(PARTICIPANT_ROLES)
_TEXT_FIELDS = ("id", "organisation", "name", "event", "group", "role", "visibility",
                "kind", "country", "city")


@dataclass
class SheetResult:
    """What an attendance or membership import did."""

    what: str  # "events" or "groups"
    rows_read: int = 0
    #: event or group id -> the actor ids the sheet listed for it
    listed: dict[str, list[str]] = field(default_factory=dict)
    records_changed: int = 0
    actors_created: list[str] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    change: int | None = None
    report: str | None = None

    def summary(self) -> str:
        one = "event" if self.what == "events" else "group"
        people = "participants" if self.what == "events" else "members"
        n = sum(len(v) for v in self.listed.values())
        text = (f"{self.rows_read} rows read; {n} {people} listed in "
                f"{len(self.listed)} {one}{'s' if len(self.listed) != 1 else ''}, "
                f"{self.records_changed} {one}{'s' if self.records_changed != 1 else ''} "
                "changed")
        if self.actors_created:
            text += f"; new organisations: {', '.join(self.actors_created)}"
        if self.rejected:
            text += (f"; {len(self.rejected)} row{'s' if len(self.rejected) != 1 else ''} "
                     "rejected")
        return text


def import_attendance(store: GraphStore, path: str | Path, *, event: str | None = None,
                      skip_invalid: bool = False, report: str | Path | None = None,
                      create_missing: bool = False,
                      limits: ReadLimits = DEFAULT_LIMITS) -> SheetResult:
    """Add a sign-in sheet's participants to an event (``event``: its id), or
    to the events its ``event`` column names (by id or title; a ``date``
    column tells apart events of one title, and must fall on the event's
    dates)."""
    return _import(store, Path(path), "events", event, skip_invalid, report,
                   create_missing, limits)


def import_members(store: GraphStore, path: str | Path, *, group: str | None = None,
                   skip_invalid: bool = False, report: str | Path | None = None,
                   create_missing: bool = False,
                   limits: ReadLimits = DEFAULT_LIMITS) -> SheetResult:
    """Add a membership list's members (role, since, until, visibility) to a
    group (``group``: its id), or to the groups its ``group`` column names."""
    return _import(store, Path(path), "groups", group, skip_invalid, report,
                   create_missing, limits)


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _import(store: GraphStore, path: Path, what: str, target: str | None,
            skip_invalid: bool, report, create_missing: bool,
            limits: ReadLimits) -> SheetResult:
    members = what == "groups"
    one = "group" if members else "event"
    table = read_table(path, limits)
    label = table.name
    mapping, unknown, clashes = map_headers(table.headers, ATTENDANCE_COLUMNS)
    given = set(mapping.values())
    file_problems = [Problem(f"columns {' and '.join(repr(h) for h in hs)} both give {f}",
                             hint="Keep one of them.", file=label, column=hs[-1], field=f)
                     for f, hs in clashes.items()]
    if not given & {"id", "organisation", "name"}:
        file_problems.append(Problem(
            "no column naming who attended" if not members else "no column naming the "
            "members", hint="Add a column 'organización' (or 'nombre', or 'id' with actor "
            "ids).", file=label))
    if target is None and one not in given:
        file_problems.append(Problem(
            f"no '{one}' column and no {one} given",
            hint=(f"Give the {one} with --{one} ID, or add a column '"
                  + ("evento" if one == "event" else "grupo") + f"' naming the {one} of "
                  "each row by id or title."), file=label, field=one))
    if not table.rows:
        file_problems.append(Problem("the file has no data rows",
                                     hint="Put one person or organisation per row under "
                                     "the header.", file=label))
    result = SheetResult(what, rows_read=len(table.rows))
    result.warnings = [Problem("not a known column; ignored.", file=label, column=h)
                       for h in unknown]
    records: dict[str, Event | Group] = {}
    if target is not None:
        found = store.get_group(target) if members else store.get_event(target)
        if found is None:
            file_problems.append(Problem(
                f"no {one} with id '{target}'", hint=f"Add the {one} first (graphsvc "
                f"{one}s add) or correct the id.", file=label, field=one, value=target))
        else:
            records[found.id] = found
    if file_problems:
        raise file_failed(file_problems)

    stored: list[Event | Group] = list(store.groups() if members else store.events())
    index = DuplicateIndex(store.find_actors())
    column = {f: h for h, f in mapping.items()}
    planned: dict[str, Actor] = {}  # name key -> new actor (create_missing)
    # event or group id -> actor id -> (entry, row number, role written)
    rows_for: dict[str, dict[str, tuple[Participant | Member, int, bool]]] = {}
    rejected: list[tuple[int, dict, list[Problem]]] = []

    def problem(row: int, message: str, hint: str = "", fld: str | None = None,
                value=None) -> Problem:
        return Problem(message, hint=hint, file=label, row=row,
                       column=column.get(fld) if fld else None, field=fld,
                       value=None if value is None else str(value))

    for row in table.rows:
        n = row.number
        cells = {f: row.values.get(h) for h, f in mapping.items()}
        data = {f: (_text(v) if f in _TEXT_FIELDS else v) for f, v in cells.items()}
        data = {f: attendance_value(f, v, members=members) if v is not None else None
                for f, v in data.items()}
        problems: list[Problem] = []
        # which event or group
        rec: Event | Group | None = None
        named = data.get(one)
        if target is not None:
            rec = records.get(target)
            if named and named != target and _title_key(named) != _title_key(rec.title
                                                                             if rec else ""):
                problems.append(problem(n, f"the row names the {one} '{named}', not "
                                        f"'{target}'", hint=f"Import the rows of each {one} "
                                        f"on their own, or leave out --{one}.", fld=one,
                                        value=named))
        elif named:
            rec, why = _find_record(stored, named, data.get("date"), members)
            if rec is None:
                problems.append(problem(n, why, hint=f"Write the {one}'s id or exact title"
                                        + (", and the date when two events share a title"
                                           if not members else "") + ".", fld=one,
                                        value=named))
            else:
                records.setdefault(rec.id, rec)
                rec = records[rec.id]
        else:
            problems.append(problem(n, f"no {one} named", hint=f"Name the {one} in the "
                                    f"'{column.get(one, one)}' column.", fld=one))
        if isinstance(rec, Event) and data.get("date"):
            problems += _date_problems(rec, data["date"], n, problem)
        # who
        actor_id = _who(store, index, data, n, problem, problems, create_missing, planned,
                        rec, label)
        # the entry itself, checked by the model
        entry: Participant | Member | None = None
        if actor_id is not None:
            values: dict[str, object] = {"actor": actor_id}
            for f in (("role", "since", "until", "visibility") if members else ("role",)):
                if data.get(f) is not None:
                    values[f] = data[f]
            try:
                entry = (Member if members else Participant).model_validate(values)
            except ValidationError as exc:
                problems += model_problems(exc, label, n,
                                           {f: column.get(f, f) for f in values})
        if problems or rec is None or entry is None:
            rejected.append((n, dict(row.values), problems))
            continue
        have = rows_for.setdefault(rec.id, {})
        written = data.get("role") is not None
        if entry.actor in have:
            earlier, first_row, was_written = have[entry.actor]
            if members and earlier != entry:
                rejected.append((n, dict(row.values), [problem(
                    n, f"'{entry.actor}' is listed again with other values (first on row "
                    f"{first_row})", hint="Keep one row per member and group.", fld="role")]))
                continue
            if not members and _ROLE_ORDER.index(entry.role) < _ROLE_ORDER.index(
                    earlier.role):
                have[entry.actor] = (entry, first_row, True)
            continue
        have[entry.actor] = (entry, n, written)

    problems = [p for _n, _v, ps in rejected for p in ps]
    if problems and not skip_invalid:
        unmatched = sum(1 for p in problems if "matches no actor" in p.message)
        raise ValidationFailed(problems, message=(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found"
            + (f" ({unmatched} name{'s' if unmatched != 1 else ''} matching no actor)"
               if unmatched else "") + "; nothing was written."),
            hint="Correct the rows listed (or write the actor's id in an 'id' column) and "
            "import again; --create-missing adds unmatched organisations as new actors; "
            "--skip-invalid --report FILE imports the valid rows and writes the others "
            "with their reasons.")
    result.rejected = [RejectedRow(label, n, values, ps) for n, values, ps in rejected]
    if report is not None:
        write_report(report, result.rejected, [table.headers])
        result.report = str(report)

    # the new values: the stored record plus the sheet's entries
    changed: list[Event | Group] = []
    for rid, entries in rows_for.items():
        rec = records[rid]
        result.listed[rid] = list(entries)
        field_name = "members" if members else "participants"
        current = {e.actor: e for e in getattr(rec, field_name)}
        for actor_id, (entry, _row, written) in entries.items():
            if actor_id in current and not written:  # an empty role cell keeps the role
                entry = entry.model_copy(update={"role": current[actor_id].role})
            current[actor_id] = entry
        changed.append(rec.model_copy(update={field_name: list(current.values())}))
    used = {e.actor for es in rows_for.values() for e, _r, _w in es.values()}
    new_actors = [a for a in planned.values() if a.id in used]
    if new_actors:
        store.upsert(new_actors, info=current_info())
        result.actors_created = [a.id for a in new_actors]
    if changed:
        change = store.put_records(changed, current_info())
        if change is not None:
            result.change = change.seq
            result.records_changed = len(change.items)
    return result


def _title_key(text: str) -> str:
    from ..duplicates import name_key

    return name_key(text)


def _find_record(stored, named: str, date, members: bool):
    """The event or group ``named`` (id, or title once folded), ``date``
    choosing among events of one title; ``(record, None)`` or ``(None, why)``."""
    one = "group" if members else "event"
    by_id = [r for r in stored if r.id == named]
    if by_id:
        return by_id[0], None
    found = [r for r in stored if _title_key(r.title) == _title_key(named)]
    if len(found) > 1 and date and not members:
        day = _day(date)
        found = [r for r in found if day and r.start <= day <= (r.end or r.start)]
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, f"no {one} with the id or title '{named}'"
    return None, (f"several {one}s are titled '{named}' ("
                  + ", ".join(r.id for r in found) + ")")


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _date_problems(rec: Event, value, n: int, problem) -> list[Problem]:
    day = _day(value)
    if day is None:
        return [problem(n, f"'{value}' is not a date", hint="Write dates as YYYY-MM-DD "
                        "or DD/MM/YYYY, e.g. 2021-03-15 or 15/03/2021, or use a date cell.",
                        fld="date", value=value)]
    if not rec.start <= day <= (rec.end or rec.start):
        span = rec.start.isoformat() + (f" to {rec.end.isoformat()}" if rec.end else "")
        return [problem(n, f"the date {day.isoformat()} is not a day of the event "
                        f"'{rec.id}' ({span})", hint="Check that the row belongs to this "
                        "event, or correct the event's dates.", fld="date", value=value)]
    return []


def _who(store, index: DuplicateIndex, data: dict, n: int, problem, problems: list,
         create_missing: bool, planned: dict, rec, label: str) -> str | None:
    """The actor id a row names, or ``None`` with the problem appended."""
    if data.get("id"):
        given = data["id"]
        if store.known_actor_ids([given]):
            return store.resolve(given)
        problems.append(problem(n, f"no actor with id '{given}'", hint="Correct the id, "
                                "or leave the id cell empty to match by name.", fld="id",
                                value=given))
        return None
    fld = "organisation" if data.get("organisation") else "name"
    name = data.get(fld)
    if not name:
        problems.append(problem(n, "no organisation or name given", hint="Write who "
                                "attended, or remove the empty row.", fld=fld))
        return None
    found = index.by_key(name)
    if len(found) == 1:
        return found[0].id
    if len(found) > 1:
        problems.append(problem(
            n, f"'{name}' matches several actors: "
            + ", ".join(f"{a.name} ({a.id})" for a in found),
            hint="Write the id of the right one in an 'id' column.", fld=fld, value=name))
        return None
    if create_missing:
        return _plan_actor(name, data, n, problem, problems, planned, rec, store, label)
    closest = index.closest(name)
    near = ("closest: " + "; ".join(f"{a.name} ({a.id})" for a in closest) + ". "
            if closest else "no actor has a similar name. ")
    problems.append(problem(
        n, f"'{name}' matches no actor", hint=near[0].upper() + near[1:]
        + "Correct the name or write the actor's id in an 'id' column; to add it as a "
        "new organisation, import again with --create-missing.", fld=fld, value=name))
    return None


def _plan_actor(name: str, data: dict, n: int, problem, problems: list, planned: dict,
                rec, store, label: str) -> str | None:
    """A new actor for an unmatched name (``create_missing``): kind from the
    row (default cso), country from the row or the event, city from the row."""
    from ..duplicates import name_key

    key = name_key(name)
    if key in planned:
        return planned[key].id
    country = data.get("country") or (getattr(rec, "country", None) if rec else None)
    if not country:
        problems.append(problem(n, f"'{name}' is new and its country is unknown",
                                hint="Add a 'país' column, or give the event a country.",
                                fld="country"))
        return None
    base = slug(name) or f"actor-{n}"
    new_id, i = base, 2
    taken = {a.id for a in planned.values()}
    while new_id in taken or store.known_actor_ids([new_id]):
        new_id, i = f"{base}-{i}", i + 1
    try:
        actor = Actor(id=new_id, name=name, kind=data.get("kind") or "cso", country=country,
                      city=data.get("city"), provenance="workshop", source_ref=label)
    except ValidationError as exc:
        problems += model_problems(exc, label, n, {})
        return None
    planned[key] = actor
    return actor.id
