"""The one writer of every CSV and XLSX file graphsvc produces.

A spreadsheet reads a cell that begins with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return before one) as a formula and runs it: a name
typed as ``=HYPERLINK("https://...")`` would become a live link in the
facilitator's copy of an export. Every CSV and XLSX writer goes through
this module, which neutralises such cells following OWASP's CSV-injection
rules:

- **CSV**: a text cell that a spreadsheet would read as a formula gets one
  leading apostrophe (``'=HYPERLINK(...)``), which spreadsheets show as
  text. So that the data round-trips, graphsvc's own importer removes that
  one apostrophe again (:func:`unguard`), and only when what follows would
  be read as a formula; a value that itself begins with apostrophes before
  such a character gets one more, so it too comes back unchanged. Numbers
  are written as numbers (``-3`` is a number, not a formula).
- **XLSX**: every text cell is written as a string cell (never a formula),
  and a formula-looking one also carries Excel's "quote prefix" flag, so
  editing the cell keeps it text; the value itself is unchanged.

Files are written atomically: to a temporary file in the same folder,
renamed over the target only once complete, so a failure never leaves a
half-written file.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["FORMULA_TRIGGERS", "guard", "unguard", "csv_row", "write_csv_rows",
           "csv_text", "write_xlsx", "atomic_path", "frame_rows"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = re.compile(r"^'+[=+\-@\t\r]")


def _formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS) or bool(_GUARDED.match(text))


def guard(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: formula-looking text gets one
    leading apostrophe; everything else (numbers included) is unchanged.

    Examples
    --------
    >>> guard('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> guard(-3), guard("Casa del Migrante"), guard("'=1")
    (-3, 'Casa del Migrante', "''=1")
    """
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def unguard(value: Any) -> Any:
    """Undo :func:`guard` on a cell read from a file: the one apostrophe
    before a formula-looking value goes; anything else is unchanged.

    Examples
    --------
    >>> unguard("'=1+1"), unguard("''=1"), unguard("'tis"), unguard("=1")
    ('=1+1', "'=1", "'tis", '=1')
    """
    if isinstance(value, str) and _GUARDED.match(value):
        return value[1:]
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return int(value) if value.is_integer() else value
    if isinstance(value, int):
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _cell(value.item())
    return guard(str(value))


def csv_row(values: Iterable[Any]) -> list[Any]:
    """One row's cells made safe: ``None`` and NaN empty, booleans
    ``true``/``false``, whole floats as integers, text guarded."""
    return [_cell(v) for v in values]


def _write_rows(fh: IO[str], rows: Iterable[Sequence[Any]], lineterminator: str) -> int:
    w = csv.writer(fh, lineterminator=lineterminator)
    n = 0
    for row in rows:
        w.writerow(csv_row(row))
        n += 1
    return n


def csv_text(rows: Iterable[Sequence[Any]], lineterminator: str = "\n") -> str:
    """The rows (header first) as CSV text, every cell made safe."""
    out = io.StringIO()
    _write_rows(out, rows, lineterminator)
    return out.getvalue()


def write_csv_rows(target: str | Path | IO[str], rows: Iterable[Sequence[Any]],
                   lineterminator: str = "\r\n") -> int:
    """Write the rows (header first) to ``target``, every cell made safe.

    ``target`` is a path (written atomically, UTF-8) or an open text
    stream. Returns the number of rows written, header included.
    """
    if isinstance(target, (str, Path)):
        with atomic_path(target) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
            return _write_rows(fh, rows, lineterminator)
    return _write_rows(target, rows, lineterminator)


def frame_rows(df, index: bool = True) -> Iterator[list[Any]]:
    """A pandas DataFrame as rows for the writers above: the header, then
    one row per record (the index first when ``index``)."""
    head = [df.index.name or ""] if index else []
    yield head + [str(c) for c in df.columns]
    for idx, rec in zip(df.index, df.itertuples(index=False, name=None)):
        yield ([idx] if index else []) + list(rec)


def write_xlsx(path: str | Path, sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]
               ) -> None:
    """Write a workbook with one sheet per ``(title, rows)``, atomically.

    Text cells are string cells, never formulas; a formula-looking one
    carries the quote-prefix flag. Numbers stay numbers, ``None`` and NaN
    stay empty. The workbook replaces ``path`` only once it is complete, so
    it always holds every sheet given.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title=title)
        for row in rows:
            cells = []
            for value in row:
                value = _xlsx_value(value)
                cell = WriteOnlyCell(ws)
                if isinstance(value, str):
                    cell.value = value
                    cell.data_type = "s"  # openpyxl would make "=..." a formula
                    if _formula_like(value):
                        cell.quotePrefix = True
                else:
                    cell.value = value
                cells.append(cell)
            ws.append(cells)
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return value
    if hasattr(value, "item") and not isinstance(value, str):
        return _xlsx_value(value.item())
    return str(value)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed over it when the block ends
    without an error, removed otherwise."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:60]}.", suffix=".tmp",
                                dir=path.parent if str(path.parent) else ".")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
