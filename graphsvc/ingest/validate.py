"""Check a whole input before anything is written.

Single-record rules are the models' (:mod:`graphsvc.model`): each row is
built into an :class:`~graphsvc.model.Actor` or :class:`~graphsvc.model.Tie`
and pydantic's errors are reported at the column the user wrote. This module
adds only what needs more than one record: required columns, ids repeated
within a file, tie ends that are neither in the actors file nor in the store,
ties whose actor was rejected, and the direction of funding ties given as
``actor_a``/``actor_b``. An actor row without an id gets one made from its
name; a tie end that is no known id but the name of exactly one actor
stands for that actor (with a warning).

Unknown columns are warnings, not errors: survey exports carry many columns
the graph has no field for (timestamps, comments). The warning names the
column and, when it looks like a misspelt field, the field it resembles.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import cast

from pydantic import ValidationError

from ..errors import Problem, missing_actor, no_actor
from ..model import Actor, Event, Group, Introduction, Tie, validation_problems
from .columns import (
    ACTOR_COLUMNS,
    LIST_FIELDS,
    TIE_COLUMNS,
    actor_value,
    header_key,
    map_headers,
    parse_direction,
    split_list,
    tie_value,
)
from .readers import Table

__all__ = ["CheckedRow", "Checked", "check_actors", "check_ties", "check_introductions",
           "check_records", "model_problems"]


@dataclass
class CheckedRow:
    number: int
    original: dict
    record: Actor | Tie | Introduction | Event | Group | None = None
    problems: list[Problem] = field(default_factory=list)
    columns: dict = field(default_factory=dict)  # model field -> original header
    key: str | None = None  # the actor id the row gives or implies
    ends: list = field(default_factory=list)  # (field, actor id) a tie refers to

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.problems


@dataclass
class Checked:
    """One file checked: its rows, problems with the whole file, warnings."""

    label: str
    what: str  # "actors", "ties" or "introductions"
    headers: list[str]
    rows: list[CheckedRow] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> list:
        return [r.record for r in self.rows if r.ok]

    @property
    def rejected(self) -> list[CheckedRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]


_STR_FIELDS = {"id", "name", "kind", "country", "city", "region", "description",
               "website", "provenance", "source_ref", "visibility", "source", "target",
               "subtype", "currency", "note", "actor_a", "actor_b", "direction"}

_REQUIRED_HINTS = {
    "name": "Every actor needs a name.",
    "kind": "Give the kind, e.g. cso, shelter, government, funder (Spanish: osc, "
            "albergue, gobierno, financiador).",
    "country": "Give the country as a code (MX, US, GT; INT for international) or a "
               "name (México, Estados Unidos).",
    "source": "Give the actor id the tie starts from (the funder, for funding).",
    "target": "Give the actor id the tie goes to (the recipient, for funding).",
    "id": "Give an id, or a name from which one can be made.",
}
_FIELD_HINTS = {
    "country": "Write an ISO code (MX, US, GT, INT) or a country name (México, "
               "Estados Unidos, Guatemala).",
    "since": "Write dates as YYYY-MM-DD or DD/MM/YYYY, e.g. 2021-03-15 or 15/03/2021, "
             "or use a date cell.",
    "until": "Write dates as YYYY-MM-DD or DD/MM/YYYY, e.g. 2021-03-15 or 15/03/2021, "
             "or use a date cell.",
    "amount": "Write the amount as a plain number, e.g. 250000 or 250000.50, "
              "and the currency in its own column.",
    "year": "Write the year as four digits, e.g. 2021.",
    "strength": "Write a number above 0 and at most 1, e.g. 0.5.",
}
def _cell_text(value) -> str:
    return "" if value is None else str(value)


def model_problems(exc: ValidationError, label: str, number: int,
                   columns: dict[str, str]) -> list[Problem]:
    """pydantic's errors (in the words of :func:`graphsvc.model.validation_problems`)
    at the columns the user wrote, with hints for fixing the file.

    ``columns`` maps a model field to the original header it came from.
    """
    out = []
    for p in validation_problems(exc):
        fld = p.field
        hint = _REQUIRED_HINTS.get(fld or "", "") if p.message == f"missing {fld}" else ""
        hint = hint or _FIELD_HINTS.get(fld or "", "")
        if p.message.startswith("unknown actor kind"):
            hint = "Spanish names work too (osc, albergue, gobierno, financiador, red)."
        elif p.message.startswith("unknown tie kind"):
            hint = "Spanish names work too (financiamiento for funding)."
        out.append(replace(p, hint=hint, file=label, row=number,
                           column=columns.get(fld) if fld else None))
    return out


def _similar(header: str, table: dict[str, str]) -> str:
    close = difflib.get_close_matches(header_key(header), list(table), n=1, cutoff=0.8)
    if close:
        return f"Did you mean '{close[0]}' ({table[close[0]]})? Rename it to import it."
    return "Rename it to a known column to import it, or ignore this warning."


def _header_problems(checked: Checked, table: dict[str, str], required: Iterable[str],
                     allow_empty: bool, n_rows: int,
                     per_record: bool = False) -> dict[str, str]:
    """File-level checks; returns original header -> field for known columns."""
    mapping, unknown, clashes = map_headers(checked.headers, table)
    if per_record:  # JSON records may each use other names; _cells checks each
        clashes = {}
    label = checked.label
    for fld, hs in clashes.items():
        names = " and ".join(f"'{h}'" for h in hs)
        checked.file_problems.append(Problem(
            f"columns {names} both give {fld}", hint="Keep one of them.",
            file=label, column=hs[-1], field=fld))
    for h in unknown:
        checked.warnings.append(Problem(
            f"not a known {checked.what} column; ignored.",
            hint=_similar(h, table), file=label, column=h))
    given = set(mapping.values())
    for fld in required:
        if fld not in given:
            spanish = [k for k, f in table.items() if f == fld and k != fld][:2]
            also = f" (or {', '.join(spanish)})" if spanish else ""
            checked.file_problems.append(Problem(
                f"no '{fld}' column", hint=f"Add a column named {fld}{also}. "
                f"{_REQUIRED_HINTS.get(fld, '')}".rstrip(), file=label, field=fld))
    if n_rows == 0 and not allow_empty:
        checked.file_problems.append(Problem(
            "the file has no data rows", hint="Put one record per row under the header.",
            file=label))
    return mapping


def _cells(row, mapping: dict[str, str], translate: Callable,
           cr: CheckedRow, label: str) -> dict:
    data, columns = {}, cr.columns
    for header, fld in mapping.items():
        value = row.values.get(header)
        if value is None:
            columns.setdefault(fld, header)  # a missing value is reported at its column
            continue
        if fld in data:
            cr.problems.append(Problem(
                f"'{columns[fld]}' and '{header}' both give {fld}",
                hint="Keep one of them.", file=label, row=cr.number, column=header,
                field=fld))
            continue
        columns[fld] = header
        if fld in LIST_FIELDS:
            value = split_list(value)
            if not value:
                continue
        elif fld in _STR_FIELDS and not isinstance(value, str):
            value = str(value)
        data[fld] = translate(fld, value)
    return data


def _mark_duplicates(checked: Checked, key: Callable[[CheckedRow], str | None],
                     what: str, hint: str, column: Callable[[CheckedRow], str | None]):
    seen: dict[str, list[CheckedRow]] = {}
    for r in checked.rows:
        k = key(r)
        if k is not None:
            seen.setdefault(k, []).append(r)
    for k, rows in seen.items():
        if len(rows) < 2:
            continue
        for r in rows:
            others = ", ".join(str(o.number) for o in rows if o is not r)
            r.problems.append(Problem(
                f"duplicate {what} '{k}' (also on row{'s' if len(rows) > 2 else ''} "
                f"{others})", hint=hint, file=checked.label, row=r.number,
                column=column(r), field="id"))


def _sort_problems(checked: Checked) -> None:
    """Each row's problems in the order of the file's columns."""
    order: dict[str | None, int] = {h: i for i, h in enumerate(checked.headers)}
    for r in checked.rows:
        r.problems.sort(key=lambda p: order.get(p.column, len(order)))


def slug(name: str) -> str | None:
    """The id an actor gets from its name when the file gives none."""
    out = header_key(name)[:128].strip("_")
    return out or None


def check_actors(table: Table, *, label: str | None = None, provenance: str | None = None,
                 source_ref: str | None = None, allow_empty: bool = False,
                 tick: Callable[[int], None] | None = None) -> Checked:
    """Check every actor row; ``provenance``/``source_ref`` fill empty cells."""
    checked = Checked(label or table.name, "actors", table.headers)
    checked.warnings += [replace(n, file=checked.label) for n in table.notes]
    if allow_empty and not table.rows:
        return checked
    mapping = _header_problems(checked, ACTOR_COLUMNS, ("name", "kind", "country"),
                               allow_empty, len(table.rows), table.format == "json")
    if checked.file_problems:
        return checked
    for row in table.rows:
        cr = CheckedRow(row.number, row.values)
        data, columns = _cells(row, mapping, actor_value, cr, checked.label), cr.columns
        if "id" not in data and data.get("name"):
            derived = slug(data["name"])
            if derived:
                data["id"] = derived
                columns.setdefault("id", columns["name"])
        if provenance and "provenance" not in data:
            data["provenance"] = provenance
        if source_ref and "source_ref" not in data:
            data["source_ref"] = source_ref
        try:
            cr.record = Actor(**data)
        except ValidationError as exc:
            found = model_problems(exc, checked.label, row.number, columns)
            if "name" not in data:  # no id to make either: say only what is missing
                found = [p for p in found if not (p.field == "id" and p.message == "missing id")]
            cr.problems += found
        cr.key = data.get("id")
        checked.rows.append(cr)
        if tick:
            tick(1)
    _mark_duplicates(
        checked, lambda r: r.key, "id",
        "Each actor needs its own id; merge the rows or give one of them another id.",
        lambda r: r.columns.get("id"))
    _sort_problems(checked)
    return checked


def _parse_amount(value):
    # '1,250,000.50' -> '1250000.50'; anything else is left for the model to judge.
    if isinstance(value, str) and re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", value.strip()):
        return value.replace(",", "")
    return value


def _parse_year(value):
    if isinstance(value, str) and re.fullmatch(r"\d{4}\.0+", value.strip()):
        return value.strip().split(".")[0]
    return value


def check_ties(table: Table, *, actors: Checked | None = None,
               stored_ids: Callable[[set[str]], set[str]] = lambda ids: set(),
               stored_names: Callable[[str], list[tuple[str, str]]] = lambda name: [],
               label: str | None = None, provenance: str | None = None,
               source_ref: str | None = None, allow_empty: bool = False,
               tick: Callable[[int], None] | None = None) -> Checked:
    """Check every tie row, including that its actors exist.

    An end is known when it is a valid row of ``actors`` or when
    ``stored_ids`` (the store's :meth:`existing_actor_ids`) says it is stored;
    an end that is no id but the name of exactly one actor in ``actors`` or
    in ``stored_names(name)`` (``[(id, name), ...]`` candidates) stands for
    that actor.
    """
    checked = Checked(label or table.name, "ties", table.headers)
    checked.warnings += [replace(n, file=checked.label) for n in table.notes]
    if allow_empty and not table.rows:
        return checked
    mapping = _header_problems(checked, TIE_COLUMNS, (), allow_empty, len(table.rows),
                               table.format == "json")
    given = set(mapping.values())
    by_pair = given >= {"actor_a", "actor_b"}
    if given & {"source", "target"} and given & {"actor_a", "actor_b"}:
        checked.file_problems.append(Problem(
            "the file names tie ends both as source/target and as actor_a/actor_b",
            hint="Use one pair of columns.", file=checked.label))
    elif not by_pair:
        for fld in ("source", "target"):
            if fld not in given:
                other = ("actor_b" if "actor_a" in given
                         else "actor_a" if "actor_b" in given else None)
                checked.file_problems.append(Problem(
                    f"no '{fld}' column",
                    hint=(f"Add the '{other}' column too." if other else
                          f"Add a column named {fld} (or "
                          f"{'origen, from' if fld == 'source' else 'destino, to'}), "
                          "or name the ends actor_a and actor_b."),
                    file=checked.label, field=fld))
                if other:
                    break
    if "kind" not in given:
        checked.file_problems.append(Problem(
            "no 'kind' column", hint="Add a column named kind (or tipo): formal, "
            "informal or funding.", file=checked.label, field="kind"))
    if checked.file_problems:
        return checked

    pending = []
    for row in table.rows:
        cr = CheckedRow(row.number, row.values)
        data, columns = _cells(row, mapping, tie_value, cr, checked.label), cr.columns
        if by_pair:
            _resolve_pair(data, columns, cr, checked.label)
        if "amount" in data:
            data["amount"] = _parse_amount(data["amount"])
        if "year" in data:
            data["year"] = _parse_year(data["year"])
        if provenance and "provenance" not in data:
            data["provenance"] = provenance
        if source_ref and "source_ref" not in data:
            data["source_ref"] = source_ref
        pending.append((cr, data))
        if tick:
            tick(1)

    ends = _Ends(actors, stored_ids, stored_names)
    ends.resolve({x for _, data in pending for x in _end_values(data)})
    for cr, data in pending:
        for fld in ("source", "target"):
            if isinstance(data.get(fld), str):
                data[fld] = ends.alias.get(data[fld], data[fld])
        if isinstance(data.get("channel"), list):
            data["channel"] = [ends.alias.get(c, c) for c in data["channel"]]
        if not cr.problems:
            try:
                cr.record = Tie(**data)
            except ValidationError as exc:
                cr.problems += model_problems(exc, checked.label, cr.number, cr.columns)
        cr.ends = [(f, data[f]) for f in ("source", "target") if isinstance(data.get(f), str)]
        cr.ends += [("channel", c) for c in data.get("channel") or () if isinstance(c, str)]
        checked.rows.append(cr)
    if ends.alias:
        examples = ", ".join(f"'{k}' -> {v}" for k, v in list(ends.alias.items())[:3])
        checked.warnings.append(Problem(
            f"{len(ends.alias)} actor name{'s' if len(ends.alias) != 1 else ''} matched "
            f"to ids ({examples})", hint="Use ids to be sure which actor is meant.",
            file=checked.label))

    _check_ends(checked, actors, ends)
    _mark_duplicates(
        checked, lambda r: cast(Tie, r.record).id if r.record is not None else None, "tie",
        "Two rows describe the same tie (same ends, kind, subtype and, for funding, "
        "year): merge them, or give each its own id or subtype.",
        lambda r: r.columns.get("id"))
    _sort_problems(checked)
    return checked


def _resolve_pair(data: dict, columns: dict, cr: CheckedRow, label: str) -> None:
    """Turn actor_a/actor_b (+ direction) into source/target."""
    a, b = data.pop("actor_a", None), data.pop("actor_b", None)
    raw = data.pop("direction", None)
    direction = parse_direction(raw)
    kind = str(data.get("kind") or "").strip().lower()
    if raw is not None and direction is None:
        cr.problems.append(Problem(
            f"'{raw}' is not a direction", hint="Write a->b (actor_a funds actor_b) "
            "or b->a.", file=label, row=cr.number, column=columns.get("direction"),
            field="direction", value=str(raw)))
        return
    if kind == "funding" and direction is None:
        cr.problems.append(Problem(
            "funding tie missing its direction",
            hint="Add a direction column with a->b (actor_a funds actor_b) or b->a, "
            "or name the ends source (funder) and target (recipient).",
            file=label, row=cr.number,
            column=columns.get("direction") or columns.get("kind"), field="direction"))
        return
    src, dst = ("actor_b", "actor_a") if direction == "b->a" else ("actor_a", "actor_b")
    ends = {"actor_a": a, "actor_b": b}
    for fld, end in (("source", src), ("target", dst)):
        if ends[end] is not None:
            data[fld] = ends[end]
        if end in columns:
            columns[fld] = columns.pop(end)


def _end_values(data: dict) -> list[str]:
    out = [data[f] for f in ("source", "target") if isinstance(data.get(f), str)]
    return out + [c for c in data.get("channel") or () if isinstance(c, str)]


class _Ends:
    """Which actor ids a ties file may use, and names that stand for ids.

    A tie end is an actor id from the actors file (a valid row) or the store.
    When it is neither, but it is the name of exactly one actor there (ignoring
    case, accents and punctuation), it stands for that actor's id: people
    write names in tie sheets, and ids made from names are not obvious.
    """

    def __init__(self, actors: Checked | None, stored_ids, stored_names):
        self.valid: set[str] = set()
        self.rejected: dict[str, int] = {}
        self.names: dict[str, set[str]] = {}
        self.label = actors.label if actors is not None else None
        self.has_actors_file = actors is not None
        self.stored_ids, self.stored_names = stored_ids, stored_names
        for r in actors.rows if actors is not None else ():
            if r.key is None:
                continue
            if r.ok:
                self.valid.add(r.key)
                self.names.setdefault(header_key(cast(Actor, r.record).name), set()).add(r.key)
            else:
                self.rejected.setdefault(r.key, r.number)
        self.in_store: set[str] = set()
        self.alias: dict[str, str] = {}
        self.ambiguous: dict[str, list[str]] = {}

    def resolve(self, values: set[str]) -> None:
        wanted = values - self.valid
        self.in_store = self.stored_ids(wanted) if wanted else set()
        for v in sorted(wanted - self.in_store - set(self.rejected)):
            key = header_key(v)
            if not key:
                continue
            ids = set(self.names.get(key, ()))
            ids |= {i for i, name in self.stored_names(v) if header_key(name) == key}
            if len(ids) == 1:
                self.alias[v] = ids.pop()
            elif ids:
                self.ambiguous[v] = sorted(ids)
        # ids reached through a name must exist too
        self.in_store |= self.stored_ids(set(self.alias.values()) - self.valid)

    def known(self, x: str) -> bool:
        return x in self.valid or (x in self.in_store and x not in self.rejected)


def _check_ends(checked: Checked, actors: Checked | None, ends: _Ends) -> None:
    for r in checked.rows:
        for fld, x in r.ends:
            if ends.known(x):
                continue
            if x in ends.rejected:
                msg = f"actor '{x}' is rejected ({ends.label}, row {ends.rejected[x]})"
                hint = "Fix that actor's row; this tie is rejected with it."
            elif x in ends.ambiguous:
                msg = f"'{x}' is the name of several actors ({', '.join(ends.ambiguous[x])})"
                hint = "Use the id of the one you mean."
            else:
                msg = no_actor(x)
                hint = ("It is neither in the actors file nor in the graph: add it to the "
                        "actors file or correct the id." if ends.has_actors_file else
                        "It is not in the graph: import it first (--actors) or correct "
                        "the id.")
            r.problems.append(Problem(msg, hint=hint, file=checked.label, row=r.number,
                                      column=r.columns.get(fld), field=fld, value=x))


def check_introductions(records: list[dict], *, label: str, actor_ids: set[str],
                        stored_ids: Callable[[set[str]], set[str]]) -> Checked:
    """Check the introduction records of a full-graph export."""
    checked = Checked(label, "introductions", [])
    for number, rec in enumerate(records, start=1):
        cr = CheckedRow(number, rec if isinstance(rec, dict) else {"record": rec})
        try:
            cr.record = Introduction.model_validate(rec)
        except ValidationError as exc:
            cr.problems += model_problems(exc, label, number, {})
        checked.rows.append(cr)
    intros = [cast(Introduction, r.record) for r in checked.rows if r.record is not None]
    ends = {x for i in intros for x in (i.source, i.target, i.via) if x}
    known = actor_ids | stored_ids(ends - actor_ids)
    for r in checked.rows:
        if r.record is None:
            continue
        for fld in ("source", "target", "via"):
            x = getattr(r.record, fld)
            if x and x not in known:
                r.problems.append(missing_actor(
                    x, fld, hint="Every introduction's actors must be in the export's "
                    "actors.", file=label, row=r.number))
    return checked


def check_records(records: list, *, what: str, label: str, actor_ids: set[str],
                  stored_ids: Callable[[set[str]], set[str]]) -> Checked:
    """Check the event or group records (``what``: ``"events"`` or
    ``"groups"``) of a full-graph export: each against the model, each
    participant or member an actor of the export or of the store, ids
    unique."""
    model: type[Event] | type[Group] = Event if what == "events" else Group
    entries = "participants" if what == "events" else "members"
    checked = Checked(label, what, [])
    seen: set[str] = set()
    for number, rec in enumerate(records, start=1):
        cr = CheckedRow(number, rec if isinstance(rec, dict) else {"record": rec})
        try:
            made = model.model_validate(rec)
            cr.record = made
        except ValidationError as exc:
            cr.problems += model_problems(exc, label, number, {})
        else:
            if made.id in seen:
                cr.problems.append(Problem(f"the id '{made.id}' is used twice",
                                           hint="Give each record its own id.", file=label,
                                           row=number, field="id", value=made.id))
            seen.add(made.id)
        checked.rows.append(cr)
    listed = {x for r in checked.rows if r.record is not None
              for x in cast(Event | Group, r.record).actor_ids}
    known = actor_ids | stored_ids(listed - actor_ids)
    for r in checked.rows:
        if r.record is None:
            continue
        for x in cast(Event | Group, r.record).actor_ids:
            if x not in known:
                r.problems.append(missing_actor(
                    x, entries, hint=f"Every one of its {entries} must be in the export's "
                    "actors or in the graph.", file=label, row=r.number))
    return checked
