"""Hostile files, generated on demand (nothing large is committed): workbooks
built as raw XML streamed into a zip, deep JSON, wide and long CSV."""
from __future__ import annotations

import zipfile
from pathlib import Path

from graphsvc.config import DEFAULTS

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="actors" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def workbook(path: Path, sheet_parts, dimension: str | None = None, prolog: str = ""):
    """A minimal .xlsx whose first sheet's XML is ``sheet_parts`` (strings,
    streamed into the zip so a big sheet is cheap to build)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            head = _SHEET_HEAD if not prolog else prolog + _SHEET_HEAD.split("?>", 1)[1]
            fh.write(head.encode())
            if dimension:
                fh.write(f'<dimension ref="{dimension}"/>'.encode())
            fh.write(b"<sheetData>")
            for part in sheet_parts:
                fh.write(part.encode())
            fh.write(b"</sheetData></worksheet>")
    return path


def _cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def a1_and_xfd(tmp: Path) -> Path:
    """The issue's 1.5 KB workbook: one cell at A1, one at XFD1048576."""
    return workbook(tmp / "corner.xlsx",
                    [f'<row r="1">{_cell("A1", "id")}</row>',
                     f'<row r="1048576">{_cell("XFD1048576", "x")}</row>'],
                    dimension="A1:XFD1048576")


def a1_and_xfd_undeclared(tmp: Path) -> Path:
    """The same without a dimension: the limit must hold while streaming."""
    return workbook(tmp / "corner-nodim.xlsx",
                    [f'<row r="1">{_cell("A1", "id")}</row>',
                     f'<row r="1048576">{_cell("XFD1048576", "x")}</row>'])


def three_million_rows(tmp: Path) -> Path:
    """3,000,000 rows of raw XML, no dimension; the zip is a few MB."""
    row = '<row r="{0}"><c r="A{0}"><v>1</v></c></row>'

    def parts():
        yield f'<row r="1">{_cell("A1", "id")}</row>'
        chunk = []
        for r in range(2, 3_000_002):
            chunk.append(row.format(r))
            if len(chunk) == 10_000:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk)

    return workbook(tmp / "rows.xlsx", parts())


def zip_bomb(tmp: Path) -> Path:
    """A sheet with a 1 GB string: about 1 MB zipped."""
    def parts():
        yield '<row r="1"><c r="A1" t="inlineStr"><is><t>'
        block = "A" * (1024 * 1024)
        for _ in range(1024):
            yield block
        yield "</t></is></c></row>"

    return workbook(tmp / "bomb.xlsx", parts())


def billion_laughs(tmp: Path) -> Path:
    """Entities that expand to 10^9 'lol's, referenced from a sheet cell."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10))
    prolog = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
    return workbook(tmp / "laughs.xlsx", [f'<row r="1">{_cell("A1", "&lol9;")}</row>'],
                    prolog=prolog)


def nested_json(tmp: Path) -> Path:
    path = tmp / "nested.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    return path


def nested_graph_json(tmp: Path) -> Path:
    path = tmp / "graph.json"
    path.write_text('{"format": "graphsvc-graph", "actors": ' + "[" * 200_000
                    + "]" * 200_000 + "}")
    return path


def wide_csv(tmp: Path) -> Path:
    path = tmp / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(5000)) + "\n" + "x," * 4999 + "x\n")
    return path


def many_rows_csv(tmp: Path) -> Path:
    path = tmp / "rows.csv"
    with open(path, "w") as fh:
        fh.write("id,name,kind,country\n")
        for i in range(DEFAULTS["IMPORT_MAX_ROWS"] + 1):
            fh.write(f"a{i},Actor {i},cso,MX\n")
    return path


def huge_cell_csv(tmp: Path) -> Path:
    path = tmp / "cell.csv"
    path.write_text('id,name,kind,country\na1,"' + "x" * 1_000_000 + '",cso,MX\n')
    return path
