"""Import files into a store: read, check everything, then write once.

Nothing is written until every file has been read and every row checked.
Without ``skip_invalid`` any problem raises :class:`ValidationFailed` and the
store is untouched; with it, the valid rows are written in one batch and the
rejected ones (with their reasons) are returned and, if asked, written to a
CSV report.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GraphsvcError, Problem, ValidationFailed
from ..model import Actor
from ..stores.base import GraphStore, WriteResult
from .bounded import DEFAULT_LIMITS, ReadLimits
from .readers import (
    Table,
    file_failed,
    is_graph_document,
    read_json_document,
    read_table,
    table_from_records,
)
from .safe_write import write_csv_rows
from .validate import Checked, check_actors, check_introductions, check_records, check_ties

__all__ = ["ImportResult", "RejectedRow", "import_files", "import_graph", "write_report",
           "GRAPH_FORMAT", "GRAPH_FORMAT_VERSION", "Progress"]

log = logging.getLogger(__name__)

#: The ``format`` and ``format_version`` of a full-graph JSON export.
GRAPH_FORMAT = "graphsvc-graph"
GRAPH_FORMAT_VERSION = 1

#: ``progress(description, total)`` starts a stage and returns a function
#: called with the number of items just done.
Progress = Callable[[str, int], Callable[[int], None]]


@dataclass
class RejectedRow:
    file: str
    row: int
    original: dict
    problems: list[Problem]

    @property
    def reasons(self) -> str:
        parts = []
        for p in self.problems:
            where = f"{p.column}: " if p.column else (f"{p.field}: " if p.field else "")
            parts.append(f"{where}{p.message}")
        return "; ".join(parts)


@dataclass
class ImportResult:
    write: WriteResult
    actors_read: int = 0
    ties_read: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    meta_changed: list[str] = field(default_factory=list)
    introductions_added: int = 0
    #: Events and groups created or changed (full-graph imports).
    events_written: int = 0
    groups_written: int = 0
    report: str | None = None

    def summary(self) -> str:
        text = self.write.summary()
        if self.events_written or self.groups_written:
            text += (f"; events: {self.events_written} new or updated; groups: "
                     f"{self.groups_written} new or updated")
        if self.meta_changed:
            text += f"; dataset settings changed: {', '.join(self.meta_changed)}"
        if self.introductions_added:
            text += f"; introductions: {self.introductions_added} new"
        if self.rejected:
            text += f"; {len(self.rejected)} row{'s' if len(self.rejected) != 1 else ''} rejected"
        return text


def _stage(progress: Progress | None, desc: str, total: int):
    return progress(desc, total) if progress else None


def _ticker(progress: Progress | None, table: Table, label: str | None = None):
    return _stage(progress, f"checking {label or table.name}", len(table.rows))


def _finish(store: GraphStore, parts: list[Checked], *, skip_invalid: bool,
            report: str | Path | None, progress: Progress | None,
            after_write: Callable[[], None] | None = None,
            introductions: Checked | None = None,
            records: tuple[Checked, ...] | list[Checked] = ()) -> ImportResult:
    file_problems = [p for c in parts for p in c.file_problems]
    if file_problems:
        raise file_failed(file_problems)
    every = parts + ([introductions] if introductions else []) + list(records)
    problems = [p for c in every for p in c.problems]
    if problems and not skip_invalid:
        log.info("import refused, nothing written: %d problem%s", len(problems),
                 "s" if len(problems) != 1 else "")
        raise ValidationFailed(problems)

    actors = [r for c in parts if c.what == "actors" for r in c.valid]
    ties = [r for c in parts if c.what == "ties" for r in c.valid]
    rejected = [RejectedRow(c.label, r.number, r.original, r.problems)
                for c in every for r in c.rejected]
    result = ImportResult(WriteResult(version=store.version()),
                          actors_read=sum(len(c.rows) for c in parts if c.what == "actors"),
                          ties_read=sum(len(c.rows) for c in parts if c.what == "ties"),
                          rejected=rejected,
                          warnings=[w for c in parts for w in c.warnings]
                          + duplicate_warnings(store, parts))
    if report is not None:
        write_report(report, rejected, [c.headers for c in every if c.rejected])
        result.report = str(report)
    if actors or ties:
        tick = _stage(progress, "writing", len(actors) + len(ties))
        result.write = store.upsert(actors, ties, progress=tick)
    if after_write:
        after_write()
    if introductions:
        result.introductions_added = _add_introductions(store, introductions.valid)
    kept = [r for c in records for r in c.valid]
    if kept:
        from ..history import current_info

        change = store.put_records(kept, current_info())
        for i in change.items if change else ():
            if i.record == "event":
                result.events_written += 1
            else:
                result.groups_written += 1
    log.info("import of %s: %d actor rows and %d tie rows read; %s",
             ", ".join(dict.fromkeys(c.label for c in every)), result.actors_read,
             result.ties_read, result.summary())
    return result


def duplicate_warnings(store: GraphStore, parts: list[Checked]) -> list[Problem]:
    """A warning for each new actor that is likely one already stored or
    earlier in the file (:mod:`graphsvc.duplicates`): the file is imported,
    and an editor can merge the two."""
    from ..duplicates import DuplicateIndex

    rows = [(c.label, r.number, r.record) for c in parts if c.what == "actors"
            for r in c.rows if r.ok and isinstance(r.record, Actor)]
    if not rows:
        return []
    ids = {a.id for _label, _n, a in rows}
    new = ids - store.existing_actor_ids(ids)
    index = DuplicateIndex(store.find_actors())
    out = []
    for label, number, a in rows:
        if a.id in new:
            for other, reason in index.matches(a.name, a.website, exclude=a.id):
                why = ("the same name once accents, case, punctuation and legal "
                       "suffixes are ignored" if reason == "name"
                       else "the same website domain")
                out.append(Problem(f"'{a.name}' ({a.id}) may be '{other.name}' "
                                   f"({other.id}): {why}",
                                   hint="If they are the same, merge them in the app "
                                   "(actor page, Merge).", file=label, row=number,
                                   field="name", value=a.name))
        index.add(a)
    return out


def import_files(store: GraphStore, actors: str | Path | None = None,
                 ties: str | Path | None = None, *, skip_invalid: bool = False,
                 report: str | Path | None = None, default_provenance: str = "import",
                 progress: Progress | None = None,
                 limits: ReadLimits = DEFAULT_LIMITS) -> ImportResult:
    """Import an actors file, a ties file or both (CSV, XLSX or JSON records).

    Each file is read within ``limits`` (:mod:`graphsvc.ingest.bounded`).
    Empty ``provenance`` cells get ``default_provenance``; empty
    ``source_ref`` cells get the file's name. Ties may refer to actors in the
    actors file or already in the store.
    """
    if actors is None and ties is None:
        raise GraphsvcError("nothing to import.", hint="Give an actors file, a ties "
                            "file or both.")
    tables: dict[str, Table] = {}
    for what, path in (("actors", actors), ("ties", ties)):
        if path is not None:
            tables[what] = read_table(path, limits)
            log.debug("read %s (%s): %d rows", path, tables[what].format,
                      len(tables[what].rows))
    parts = []
    checked_actors = None
    if "actors" in tables:
        t = tables["actors"]
        checked_actors = check_actors(t, provenance=default_provenance, source_ref=t.name,
                                      tick=_ticker(progress, t))
        parts.append(checked_actors)
    if "ties" in tables:
        t = tables["ties"]
        checked_ties = check_ties(t, actors=checked_actors,
                                  stored_ids=store.known_actor_ids,
                                  stored_names=_stored_names(store),
                                  provenance=default_provenance, source_ref=t.name,
                                  tick=_ticker(progress, t))
        parts.append(checked_ties)
    return _finish(store, parts, skip_invalid=skip_invalid, report=report,
                   progress=progress)


def _stored_names(store: GraphStore):
    from ..stores.base import ActorFilter

    def lookup(name: str) -> list[tuple[str, str]]:
        return [(a.id, a.name) for a in store.find_actors(ActorFilter(q=name), limit=20)]
    return lookup


def import_graph(store: GraphStore, path: str | Path, *, skip_invalid: bool = False,
                 report: str | Path | None = None,
                 progress: Progress | None = None,
                 limits: ReadLimits = DEFAULT_LIMITS) -> ImportResult:
    """Import a full-graph JSON export: meta, actors, ties, introductions,
    events and groups (read within ``limits``).

    Records are taken as they are (no default provenance or source_ref), so
    an export imported into an empty store reproduces it exactly. Dataset
    meta keys are set when they differ; introductions already recorded are
    not recorded twice.
    """
    path = Path(path)
    doc = read_json_document(path, limits)
    if not is_graph_document(doc):
        raise file_failed([Problem(
            "not a full-graph export (no 'actors' or 'ties')",
            hint=f"For a list of actor or tie records use: graphsvc import --actors "
            f"{path} (or --ties).", file=path.name)])
    fmt, version = doc.get("format", GRAPH_FORMAT), doc.get("format_version", 1)
    if fmt != GRAPH_FORMAT or not isinstance(version, int) or version > GRAPH_FORMAT_VERSION:
        raise file_failed([Problem(
            f"unsupported format '{fmt}' version {version}",
            hint=f"This graphsvc reads {GRAPH_FORMAT} up to version "
            f"{GRAPH_FORMAT_VERSION}; upgrade graphsvc.", file=path.name)])
    meta = doc.get("meta") or {}
    if not isinstance(meta, dict):
        raise file_failed([Problem("'meta' must be an object", file=path.name,
                                   field="meta")])

    def section(key):
        records = doc.get(key) or []
        if not records:
            return Table(path, "json", [])
        return table_from_records(path, records, what=key, limits=limits)

    actor_table, tie_table = section("actors"), section("ties")
    log.debug("read %s (full-graph export): %d actor rows, %d tie rows", path,
              len(actor_table.rows), len(tie_table.rows))
    actors = check_actors(actor_table, label=f"{path.name} actors", allow_empty=True,
                          tick=_ticker(progress, actor_table, f"{path.name} actors"))
    ties = check_ties(tie_table, actors=actors, stored_ids=store.known_actor_ids,
                      label=f"{path.name} ties", allow_empty=True,
                      tick=_ticker(progress, tie_table, f"{path.name} ties"))
    intros = check_introductions(
        doc.get("introductions") or [], label=f"{path.name} introductions",
        actor_ids={a.id for a in actors.valid}, stored_ids=store.known_actor_ids)
    records = []
    for key in ("events", "groups"):
        found = doc.get(key) or []
        if not isinstance(found, list):
            raise file_failed([Problem(f"'{key}' must be a list of records",
                                       file=path.name, field=key)])
        records.append(check_records(found, what=key, label=f"{path.name} {key}",
                                     actor_ids={a.id for a in actors.valid},
                                     stored_ids=store.known_actor_ids))

    changed: list[str] = []

    def set_meta():
        current = store.meta()
        for key, value in meta.items():
            if isinstance(value, bool):  # a hand-written document may say true
                value = "true" if value else "false"
            value = None if value is None else str(value)
            if key != "version" and current.get(key) != value:
                store.set_meta(key, value)
                changed.append(key)

    result = _finish(store, [actors, ties], skip_invalid=skip_invalid, report=report,
                     progress=progress, after_write=set_meta, introductions=intros,
                     records=records)
    result.meta_changed = changed
    return result


def _add_introductions(store: GraphStore, intros) -> int:
    have = {_intro_key(i) for i in store.introductions()}
    added = 0
    for intro in intros:
        if _intro_key(intro) not in have:
            store.record_introduction(intro)
            have.add(_intro_key(intro))
            added += 1
    return added


def _intro_key(intro) -> str:
    import json

    return json.dumps(intro.to_record(), sort_keys=True)


def write_report(path: str | Path, rejected: list[RejectedRow],
                 header_sets: list[list[str]]) -> None:
    """Write the rejected rows: ``file``, ``row``, their original columns, ``reasons``.

    The ``file``, ``row`` and ``reasons`` columns are ignored on import, so
    the rows of one file can be corrected in the report and imported again.
    """
    headers: list[str] = []
    for hs in header_sets:
        for h in hs:
            if h and h not in headers and h not in ("file", "row", "reasons"):
                headers.append(h)
    rows: list[list] = [["file", "row", *headers, "reasons"]]
    rows += [[r.file, r.row, *(_report_cell(r.original.get(h)) for h in headers), r.reasons]
             for r in rejected]
    try:
        write_csv_rows(path, rows)
    except OSError as exc:
        raise GraphsvcError(f"cannot write the report {path}: {exc.strerror}.",
                            hint="Choose a writable path for --report.") from None


def _report_cell(value):
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value
