"""Spreadsheets as Mexican users save them: dates written day first and
decimal commas, read into the forms the model takes, each conversion noted.

Applied by :func:`graphsvc.ingest.readers.read_table` to CSV and XLSX text
cells (what the bounded readers returned); JSON records are left as they are.

- **Dates** ``dd/mm/yyyy`` and ``d/m/yy`` (also with ``-`` or ``.``) become
  ``yyyy-mm-dd``. Day first, unless the file's values prove month first (a
  second part above 12 and no first part above 12); a file whose values
  prove both orders is refused, not guessed. Two-digit years are read as
  Excel reads them: 00-29 are 2000-2029, 30-99 are 1930-1999.
- **Decimal commas** (``250000,50``, ``1.250.000,50``) become ``250000.50``
  and ``1250000.50`` when the file is consistently so: some cell shows a
  decimal comma and none a decimal point.

Each conversion is a note (:class:`~graphsvc.errors.Problem`) naming the file,
the column, how many cells and one example, shown in the import summary.
"""
from __future__ import annotations

import datetime as dt
import re

from ..errors import Problem

__all__ = ["localise_table", "DateOrderAmbiguous"]

_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$")
# a decimal comma beyond doubt: not followed by exactly three digits, or dots as
# thousands separators before it
_COMMA_DECIMAL = re.compile(r"^-?(\d+,(\d{1,2}|\d{4,})|\d{1,3}(\.\d{3})+,\d+)$")
_POINT_DECIMAL = re.compile(r"^-?(\d+\.(\d{1,2}|\d{4,})|\d{1,3}(,\d{3})+\.\d+)$")
_COMMA_NUMBER = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


class DateOrderAmbiguous(Exception):
    """The file's dates prove both orders; ``problem`` says where."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        return 2000 + y if y < 30 else 1900 + y
    return y


def _date(first: int, second: int, year: int, day_first: bool) -> str | None:
    day, month = (first, second) if day_first else (second, first)
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _cells(table):
    for row in table.rows:
        for header, value in row.values.items():
            if isinstance(value, str):
                yield row, header, value


def localise_table(table, name: str) -> list[Problem]:
    """Convert ``table``'s day-first dates and decimal commas in place and
    return the notes; raise :class:`DateOrderAmbiguous` for a file whose
    dates prove both orders."""
    notes: list[Problem] = []
    dates = [(row, h, v, m) for row, h, v in _cells(table) if (m := _DATE.match(v))]
    if dates:
        day_proof = next(((r, v) for r, _h, v, m in dates if int(m.group(1)) > 12), None)
        month_proof = next(((r, v) for r, _h, v, m in dates if int(m.group(3)) > 12), None)
        if day_proof and month_proof:
            raise DateOrderAmbiguous(Problem(
                f"the dates mix two orders: '{day_proof[1]}' (row {day_proof[0].number}) is "
                f"day first, '{month_proof[1]}' (row {month_proof[0].number}) month first",
                hint="Write every date as YYYY-MM-DD (e.g. 2021-03-15), or all in one "
                "order, and import again.", file=name))
        day_first = month_proof is None
        done: dict[str, list[tuple[str, str]]] = {}
        for row, header, value, m in dates:
            iso = _date(int(m.group(1)), int(m.group(3)), _year(m.group(4)), day_first)
            if iso is not None:
                row.values[header] = iso
                done.setdefault(header, []).append((value, iso))
        for header, pairs in done.items():
            example, iso = pairs[0]
            if month_proof is None:
                msg = (f"{len(pairs)} dates read day first (dd/mm/yyyy), e.g. "
                       f"'{example}' as {iso}")
            else:
                msg = (f"{len(pairs)} dates read month first (mm/dd/yyyy), as "
                       f"'{month_proof[1]}' shows, e.g. '{example}' as {iso}")
            two_digit = sum(1 for v, _i in pairs if len(re.split(r"[/.\-]", v)[-1]) == 2)
            notes.append(Problem(msg, hint=(
                "Two-digit years are read as Excel reads them: 00-29 as 2000-2029, "
                "30-99 as 1930-1999." if two_digit else ""), file=name, column=header))
    cells = list(_cells(table))
    if (any(_COMMA_DECIMAL.match(v) for _r, _h, v in cells)
            and not any(_POINT_DECIMAL.match(v) for _r, _h, v in cells)):
        done = {}
        for row, header, value in cells:
            if ("," in value or "." in value) and _COMMA_NUMBER.match(value):
                number = value.replace(".", "").replace(",", ".")
                row.values[header] = number
                done.setdefault(header, []).append((value, number))
        for header, pairs in done.items():
            notes.append(Problem(
                f"{len(pairs)} numbers read with a decimal comma, e.g. '{pairs[0][0]}' as "
                f"{pairs[0][1]}", file=name, column=header))
    return notes
