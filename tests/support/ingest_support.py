"""Shared by the import/export tests: a seeded store and ways to write files."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from graphsvc.ingest.safe_write import FORMULA_TRIGGERS
from graphsvc.model import Actor, Tie


def seed_actors():
    return [
        Actor(id="acnur", name="ACNUR", kind="international_org", country="INT",
              visibility="public"),
        Actor(id="red_norte", name="Red Norte (ejemplo)", kind="network", country="US",
              city="San Diego"),
    ]


def seed_ties():
    return [Tie(source="acnur", target="red_norte", kind="informal")]


def state(store):
    """Everything a test needs to say 'the store is unchanged'."""
    return (store.version(), store.counts(),
            [a.to_record() for a in store.find_actors()],
            [t.to_record() for t in store.ties()], store.meta(),
            [i.to_record() for i in store.introductions()])


def write_csv(path: Path, header, rows, delimiter=",", bom=False) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_xlsx(path: Path, header, rows) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_json(path: Path, doc) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def formula_cells(text: str) -> list[str]:
    """Cells of a CSV a spreadsheet would run: text starting with = + - @,
    tab or CR (a number such as -3 is a number)."""
    out = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(FORMULA_TRIGGERS):
                try:
                    float(cell)
                except ValueError:
                    out.append(cell)
    return out
