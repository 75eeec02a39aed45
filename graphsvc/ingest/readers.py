"""Read CSV, XLSX and JSON files into rows, keeping where each row came from.

Every reader returns a :class:`Table`: the original headers and the rows,
each with the number a spreadsheet shows for it (the header is row 1, so the
first data row is row 2; for a JSON list, the record's position, first = 1).
Cells keep the type the file gave them (Excel numbers and dates included);
:func:`clean_cell` turns Excel's floats and datetimes into what people typed.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GraphsvcError, InputTooLarge, Problem, ValidationFailed
from .bounded import DEFAULT_LIMITS, ReadLimits, check_file_size, csv_records, loads_json, xlsx_rows
from .localised import DateOrderAmbiguous, localise_table
from .safe_write import unguard

__all__ = ["Row", "Table", "FORMATS", "detect_format", "read_table", "read_json_document",
           "clean_cell", "is_graph_document", "table_from_records", "file_failed"]

#: File extension -> format name.
FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx",
           ".xlsm": "xlsx", ".json": "json"}


@dataclass
class Row:
    number: int
    values: dict  # original header -> cell


@dataclass
class Table:
    path: Path
    format: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    #: What the reader converted (encoding, dates, decimal commas), for the summary.
    notes: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def detect_format(path: Path) -> str:
    """The format a file's extension names, or an error that says what to do."""
    suffix = path.suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if suffix == ".xls":
        raise GraphsvcError(
            f"{path.name}: old Excel files (.xls) cannot be read.",
            hint="Open it in Excel or LibreOffice and save it as .xlsx or as CSV UTF-8.")
    raise GraphsvcError(
        f"{path.name}: cannot tell the file's format from its extension "
        f"'{suffix or '(none)'}'.",
        hint="Use a .csv, .xlsx or .json file (rename it if it already is one).")


def _cannot_read(path: Path, exc: OSError) -> GraphsvcError:
    reason = exc.strerror or str(exc)
    return GraphsvcError(f"cannot read {path}: {reason}.",
                         hint="Check the path and that you may read the file.")


def read_table(path: str | Path, limits: ReadLimits = DEFAULT_LIMITS) -> Table:
    """Read a table of actors or ties from CSV, XLSX or a JSON list of records.

    Raises :class:`GraphsvcError` (one line, says what to do) when the file
    cannot be read at all, and :class:`~graphsvc.errors.InputTooLarge` when it
    is beyond ``limits`` (:mod:`graphsvc.ingest.bounded`); a full-graph JSON
    export is refused with a hint to use ``import --json``.
    """
    path = Path(path)
    fmt = detect_format(path)
    if fmt in ("csv", "xlsx"):
        table = _read_csv(path, limits) if fmt == "csv" else _read_xlsx(path, limits)
        try:
            table.notes += localise_table(table, path.name)
        except DateOrderAmbiguous as exc:
            raise file_failed([exc.problem]) from None
        return table
    doc = read_json_document(path, limits)
    if is_graph_document(doc):
        raise GraphsvcError(f"{path.name} is a full-graph export, not a list of records.",
                            hint=f"Import it with: graphsvc import --json {path}")
    return table_from_records(path, doc, limits=limits)


def _file_problem(path: Path, message: str, hint: str = "", row: int | None = None):
    return file_failed([Problem(message, hint=hint, file=path.name, row=row)])


def file_failed(problems: list[Problem]) -> ValidationFailed:
    """ValidationFailed for a problem with a whole file, which no row skipping helps."""
    exc = ValidationFailed(problems)
    exc.hint = "Fix the file and import again."
    return exc


def _read_csv(path: Path, limits: ReadLimits) -> Table:
    try:
        check_file_size(path, limits)
        raw = path.read_bytes()
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    notes = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        try:
            # Excel's plain "CSV" on a Spanish Windows: Windows-1252 (ñ, á, é, ...)
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise _file_problem(
                path, f"the file is not UTF-8 text (first bad byte on line {line})",
                hint="Save it as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8; "
                "LibreOffice: character set Unicode (UTF-8)).") from None
        notes.append(Problem(
            "read as Windows-1252 text (what Excel saves as 'CSV'), not UTF-8",
            hint="Check that accents read right; save as 'CSV UTF-8' to be sure.",
            file=path.name))
    if not text.strip():
        raise _file_problem(path, "the file is empty",
                            hint="Give a header row and at least one data row.")
    first = text.splitlines()[0]
    # The header decides the separator: Spanish-locale Excel writes ';'.
    delimiter = max(",;\t", key=first.count) if path.suffix.lower() != ".tsv" else "\t"
    records: list[list[str]] = []
    try:
        for rec in csv_records(text, path.name, delimiter, limits):
            records.append(rec)
    except csv.Error as exc:
        raise _file_problem(path, f"not a readable CSV file: {exc}",
                            hint="Check the quotes around cells (a cell may hold at most "
                            f"{limits.import_max_cell_chars:,} characters).",
                            row=len(records) + 1) from None
    headers = [h.strip() for h in records[0]]
    table = Table(path, "csv", headers, notes=notes)
    for number, rec in enumerate(records[1:], start=2):
        if not any(c.strip() for c in rec):
            continue  # a blank line is not a row of data
        if len(rec) > len(headers) and any(c.strip() for c in rec[len(headers):]):
            raise _file_problem(
                path, f"the row has {len(rec)} cells but the header has {len(headers)}",
                hint=f"Quote cells that contain '{delimiter}' or add the missing header.",
                row=number)
        table.rows.append(Row(number, {h: (clean_cell(rec[i]) if i < len(rec) else None)
                                       for i, h in enumerate(headers) if h}))
    return table


def _read_xlsx(path: Path, limits: ReadLimits) -> Table:
    table: Table | None = None
    try:
        # Streamed (read-only mode) within the limits; blank rows come as
        # empty tuples, so the position is the spreadsheet's row number.
        for i, rec in enumerate(xlsx_rows(path, limits), start=1):
            if table is None:
                if not any(v is not None and str(v).strip() for v in rec):
                    continue  # blank rows above the header
                headers = [clean_header(h) for h in rec]
                while headers and not headers[-1]:
                    headers.pop()
                table = Table(path, "xlsx", headers)
                continue
            values = {h: clean_cell(rec[j]) if j < len(rec) else None
                      for j, h in enumerate(table.headers) if h}
            if all(v is None for v in values.values()):
                continue
            table.rows.append(Row(i, values))
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    if table is None:
        raise _file_problem(path, "the file is empty",
                            hint="Give a header row and at least one data row "
                            "on the first sheet.")
    return table


def clean_header(value) -> str:
    value = clean_cell(value)
    return "" if value is None else str(value).strip()


def clean_cell(value):
    """A cell as people typed it: no NaN, whole floats as ints, dates as ISO text.

    Excel stores every number as a float (a year reads as ``2020.0``) and
    dates as datetimes; a midnight datetime becomes ``'2020-03-01'``.
    """
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.datetime):  # includes pandas.Timestamp
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        # A cell our own CSV writer guarded against formulas comes back as written.
        value = unguard(value.strip())
        return value or None
    return value


def read_json_document(path: Path, limits: ReadLimits = DEFAULT_LIMITS):
    """A JSON file's document, within ``limits`` (size, nesting depth)."""
    try:
        check_file_size(path, limits)
        raw = path.read_bytes()
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    if not raw.strip():
        raise _file_problem(path, "the file is empty",
                            hint="Give a list of records or a full-graph export.")
    try:
        return loads_json(raw, path.name, limits)
    except UnicodeDecodeError:
        raise _file_problem(path, "the file is not UTF-8 text",
                            hint="Save it with UTF-8 encoding.") from None
    except json.JSONDecodeError as exc:
        raise _file_problem(path, f"not valid JSON: {exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}",
                            hint="Fix the JSON syntax (a validator or editor can "
                            "point at it).") from None


def is_graph_document(doc) -> bool:
    return isinstance(doc, dict) and ("actors" in doc or "ties" in doc)


def table_from_records(path: Path, records, what: str = "records",
                       limits: ReadLimits = DEFAULT_LIMITS) -> Table:
    """A JSON list of objects as a table; row = the record's position (1-based)."""
    if not isinstance(records, list):
        raise _file_problem(path, f"expected a JSON list of {what} "
                            f"(got {type(records).__name__})",
                            hint="Write [{\"id\": ..., ...}, ...] or a full-graph "
                            "export for import --json.")
    if not records:
        raise _file_problem(path, "the file has no records",
                            hint="Give at least one record.")
    if len(records) > limits.import_max_rows:
        raise InputTooLarge(f"{path.name}: the file has {len(records):,} {what} (the limit "
                            f"is {limits.import_max_rows:,}).",
                            hint="Split the file, or ask the administrator to raise "
                            "IMPORT_MAX_ROWS.", limit="IMPORT_MAX_ROWS")
    headers: list[str] = []
    table = Table(path, "json", headers)
    for number, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            raise _file_problem(path, f"record {number} is not an object",
                                hint="Each record must be {\"field\": value, ...}.",
                                row=number)
        for k in rec:
            if k not in headers:
                headers.append(k)
        table.rows.append(Row(number, {k: (v.strip() or None) if isinstance(v, str) else v
                                       for k, v in rec.items()}))
    return table
