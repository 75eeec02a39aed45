"""The one set of bounded readers: every file and request body graphsvc reads.

A small file can be a large problem: a 1.5 KB workbook can declare a sheet
of 17 billion cells, a 2 MB one can expand to 500 MB of XML, and 200,000
nested brackets overflow a JSON parser. Every reader checks the limits in
:class:`ReadLimits` before doing the work they bound, and refuses with
:class:`~graphsvc.errors.InputTooLarge` (HTTP 413, one line on the command
line) that names the limit and the setting that raises it:

- any file: its size on disk (``IMPORT_MAX_FILE_MB``);
- XLSX: the zip's declared uncompressed sizes (``XLSX_MAX_UNCOMPRESSED_MB``)
  and number of parts, the number of sheets (``XLSX_MAX_SHEETS``), the first
  sheet's declared dimension (rows, columns and their product) before any
  cell is read, then the rows and columns actually met while streaming the
  sheet in openpyxl's read-only mode; its XML is parsed with defusedxml
  (no DTDs or entities, so no "billion laughs");
- CSV: rows, columns and the characters in one cell (``IMPORT_MAX_ROWS``,
  ``IMPORT_MAX_COLUMNS``, ``IMPORT_MAX_CELLS``, ``IMPORT_MAX_CELL_CHARS``);
- JSON (files and request bodies): nesting depth (``JSON_MAX_DEPTH``) and
  the number of records.
"""
from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..errors import GraphsvcError, InputTooLarge

__all__ = ["ReadLimits", "DEFAULT_LIMITS", "check_file_size", "xlsx_rows", "csv_records",
           "loads_json", "json_depth", "XLSX_MAX_PARTS"]

_MB = 1024 * 1024
#: Parts (files) a workbook's zip may hold; a real workbook has a few dozen.
XLSX_MAX_PARTS = 10_000


@dataclass(frozen=True)
class ReadLimits:
    """How much any one file (or request body) may hold. Each field is the
    setting of the same name in upper case (:mod:`graphsvc.config`)."""

    import_max_file_mb: int = 50
    import_max_rows: int = 100_000
    import_max_columns: int = 100
    import_max_cells: int = 2_000_000
    import_max_cell_chars: int = 32_767
    xlsx_max_uncompressed_mb: int = 100
    xlsx_max_sheets: int = 50
    json_max_depth: int = 20

    @classmethod
    def from_config(cls, config: Mapping | None) -> ReadLimits:
        """The limits a configuration sets (defaults for the ones it leaves out)."""
        config = config or {}
        values = {}
        for f in fields(cls):
            value = config.get(f.name.upper())
            if value is not None:
                values[f.name] = int(value)
        return cls(**values)


DEFAULT_LIMITS = ReadLimits()


def _too_large(name: str, what: str, limit: int | str, setting: str) -> InputTooLarge:
    return InputTooLarge(f"{name}: {what} (the limit is {limit}).",
                         hint=f"Split the file, or ask the administrator to raise {setting}.",
                         limit=setting)


def check_file_size(path: Path, limits: ReadLimits) -> int:
    """The file's size in bytes, refused when larger than ``IMPORT_MAX_FILE_MB``."""
    size = path.stat().st_size
    if size > limits.import_max_file_mb * _MB:
        raise _too_large(path.name, f"the file has {size / _MB:.1f} MB",
                         f"{limits.import_max_file_mb} MB", "IMPORT_MAX_FILE_MB")
    return size


# --- XLSX ---------------------------------------------------------------------------

def _check_zip(path: Path, limits: ReadLimits) -> None:
    """Refuse a workbook whose parts would expand beyond the limit, from the
    sizes the zip declares (reading never yields more than declared)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise GraphsvcError(f"{path.name}: not a readable Excel workbook ({exc}).",
                            hint="Open it in Excel or LibreOffice and save it again "
                            "as .xlsx.") from None
    if len(infos) > XLSX_MAX_PARTS:
        raise _too_large(path.name, f"the workbook has {len(infos)} parts",
                         XLSX_MAX_PARTS, "XLSX_MAX_UNCOMPRESSED_MB")
    total = sum(i.file_size for i in infos)
    if total > limits.xlsx_max_uncompressed_mb * _MB:
        raise _too_large(path.name, f"the workbook expands to {total / _MB:.0f} MB "
                         "when unzipped", f"{limits.xlsx_max_uncompressed_mb} MB",
                         "XLSX_MAX_UNCOMPRESSED_MB")


def _check_shape(name: str, rows: int | None, cols: int | None, limits: ReadLimits,
                 declared: bool) -> None:
    said = "declares" if declared else "has"
    if rows is not None and rows > limits.import_max_rows + 1:  # + the header
        raise _too_large(name, f"the first sheet {said} {rows:,} rows",
                         f"{limits.import_max_rows:,} data rows", "IMPORT_MAX_ROWS")
    if cols is not None and cols > limits.import_max_columns:
        raise _too_large(name, f"the first sheet {said} {cols:,} columns",
                         f"{limits.import_max_columns:,}", "IMPORT_MAX_COLUMNS")
    if rows is not None and cols is not None and rows * cols > limits.import_max_cells:
        raise _too_large(name, f"the first sheet {said} {rows:,} x {cols:,} cells",
                         f"{limits.import_max_cells:,} cells", "IMPORT_MAX_CELLS")


def _unreadable(path: Path, exc: BaseException) -> GraphsvcError:
    """A damaged or hostile workbook, in one line."""
    from defusedxml import DefusedXmlException

    chain: BaseException | None = exc
    while chain is not None:
        if isinstance(chain, DefusedXmlException):
            return GraphsvcError(f"{path.name}: not a readable Excel workbook: its XML "
                                 "declares entities or a DTD, which are never expanded.",
                                 hint="Save it again from Excel or LibreOffice as .xlsx.")
        chain = chain.__cause__ or chain.__context__
    reason = " ".join(str(exc).split())[:200]
    return GraphsvcError(f"{path.name}: not a readable Excel workbook "
                         f"({type(exc).__name__}: {reason}).",
                         hint="Open it in Excel or LibreOffice and save it again as .xlsx.")


def xlsx_rows(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[tuple]:
    """The first sheet's rows (tuples of values; a blank row is ``()``), read
    in openpyxl's streaming read-only mode within ``limits``.

    Checked before any cell is read: the file size, the zip's declared
    uncompressed size, the number of sheets and the sheet's declared
    dimension; while streaming: the rows and columns actually met, and the
    length of text cells.
    """
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise GraphsvcError("XLSX files cannot be read safely: defusedxml is missing.",
                            hint="Install graphsvc with its dependencies (pip install "
                            "graphsvc).")
    check_file_size(path, limits)
    _check_zip(path, limits)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _unreadable(path, exc) from None
    try:
        if len(wb.sheetnames) > limits.xlsx_max_sheets:
            raise _too_large(path.name, f"the workbook has {len(wb.sheetnames)} sheets",
                             limits.xlsx_max_sheets, "XLSX_MAX_SHEETS")
        if not wb.worksheets:
            return
        ws: Any = wb.worksheets[0]
        if ws.max_row is not None and ws.max_column is not None:
            _check_shape(path.name, ws.max_row, ws.max_column, limits, declared=True)
        # Never pad rows to a declared width: rows come as wide as their cells.
        ws.reset_dimensions()
        count = cells = 0
        try:
            for row in ws.iter_rows(values_only=True):
                count += 1
                _check_shape(path.name, count, len(row), limits, declared=False)
                cells += len(row)
                if cells > limits.import_max_cells:
                    raise _too_large(path.name, f"the first sheet has more than "
                                     f"{limits.import_max_cells:,} cells",
                                     f"{limits.import_max_cells:,}", "IMPORT_MAX_CELLS")
                for value in row:
                    if isinstance(value, str) and len(value) > limits.import_max_cell_chars:
                        raise _too_large(path.name, f"row {count} has a cell of "
                                         f"{len(value):,} characters",
                                         f"{limits.import_max_cell_chars:,}",
                                         "IMPORT_MAX_CELL_CHARS")
                yield row
        except GraphsvcError:
            raise
        except Exception as exc:
            raise _unreadable(path, exc) from None
    finally:
        wb.close()


# --- CSV ----------------------------------------------------------------------------

def csv_records(text: str, name: str, delimiter: str,
                limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[list[str]]:
    """The CSV ``text``'s records (header first), within ``limits``.

    A cell longer than ``IMPORT_MAX_CELL_CHARS`` stops the reader
    (``csv.Error``, reported by the caller with its line); too many rows or
    columns raise :class:`InputTooLarge`.
    """
    import io

    # The csv module's limit is process-wide; every reader sets the same value.
    csv.field_size_limit(max(limits.import_max_cell_chars, 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    count = cells = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" not in str(exc):
                raise
            raise _too_large(name, f"line {reader.line_num} has a cell longer than "
                             f"{limits.import_max_cell_chars:,} characters (or a quote "
                             "left open)", f"{limits.import_max_cell_chars:,}",
                             "IMPORT_MAX_CELL_CHARS") from None
        count += 1
        _check_shape(name, count, len(rec), limits, declared=False)
        cells += len(rec)
        if cells > limits.import_max_cells:
            raise _too_large(name, f"the file has more than {limits.import_max_cells:,} "
                             "cells", f"{limits.import_max_cells:,}", "IMPORT_MAX_CELLS")
        yield rec


# --- JSON ---------------------------------------------------------------------------

def json_depth(value: Any, stop: int) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), counted
    without recursion and no further than ``stop + 1``.

    Examples
    --------
    >>> json_depth({"a": [1, {"b": []}]}, 10), json_depth(3, 10)
    (4, 0)
    """
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Any
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > stop:
            return deepest
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, (dict, list)))
    return deepest


def loads_json(data: str | bytes, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> Any:
    """Parse JSON text, refusing nesting deeper than ``JSON_MAX_DEPTH``.

    Raises :class:`InputTooLarge` for deep nesting (the parser's own
    recursion limit included, so 200,000 ``[`` are refused at once) and
    lets :class:`json.JSONDecodeError` and :class:`UnicodeDecodeError`
    through for the caller to word.
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    try:
        doc = json.loads(data)
    except RecursionError:
        doc = None
        depth = None
    else:
        depth = json_depth(doc, limits.json_max_depth)
    if depth is None or depth > limits.json_max_depth:
        raise _too_large(name, "the JSON nests lists or objects too deeply",
                         f"{limits.json_max_depth} levels", "JSON_MAX_DEPTH")
    return doc
