"""Every file we write is safe to open: no cell runs as a formula (CSV and
XLSX), XML exports are well-formed (no control characters get in), the
XLSX metrics workbook is written whole with its "about" sheet, and our
own import reads our CSV back unchanged."""
from __future__ import annotations

import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.ingest.safe_write import FORMULA_TRIGGERS, guard, unguard, write_xlsx
from graphsvc.model import Actor, Tie
from graphsvc.stores.sqlite import SQLiteStore
from ingest_support import formula_cells

FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)",
            "'=already quoted", "''=twice"]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "graph.db"
    store = SQLiteStore(path)
    actors = [Actor(id=f"f{i}", name=name, kind="cso", country="MX", city=name,
                    description=f"line one\n\t{name}", visibility="public")
              for i, name in enumerate(FORMULAS)]
    actors.append(Actor(id="plain", name="Casa del Migrante", kind="shelter", country="MX"))
    ties = [Tie(source=f"f{i}", target="plain", kind="informal", note=name)
            for i, name in enumerate(FORMULAS)]
    store.upsert(actors, ties)
    store.set_meta("illustrative", "true")
    store.close()
    return path


def run(db, *args):
    return CliRunner().invoke(main, [str(a) for a in args], env={"GRAPHSVC_DB": str(db)},
                              catch_exceptions=False)



def test_guard_round_trips_every_value():
    for value in [*FORMULAS, "Casa", "'tis", "'", "", "-", "=", "\t=x"]:
        assert unguard(guard(value)) == value
        assert not guard(value).startswith(FORMULA_TRIGGERS)


def test_cli_csv_outputs_hold_no_formula(db, tmp_path):
    outputs = {}
    assert run(db, "export", "--format", "csv", "-o", tmp_path / "csv").exit_code == 0
    for name in ("actors.csv", "ties.csv"):
        outputs[name] = (tmp_path / "csv" / name).read_text(encoding="utf-8")
    assert run(db, "metrics", "-o", tmp_path / "m.csv").exit_code == 0
    outputs["metrics"] = (tmp_path / "m.csv").read_text(encoding="utf-8")
    outputs["metrics stdout"] = run(db, "metrics", "-o", "-", "--format", "csv").stdout
    outputs["communities"] = run(db, "communities", "--format", "csv").stdout
    outputs["indicators"] = run(db, "indicators", "--format", "csv").stdout
    for name, text in outputs.items():
        assert text.strip() and formula_cells(text) == [], name


def test_cli_csv_export_round_trips_through_import(db, tmp_path):
    assert run(db, "export", "--format", "csv", "-o", tmp_path / "csv").exit_code == 0
    copy = tmp_path / "copy.db"
    r = run(copy, "import", "--actors", tmp_path / "csv" / "actors.csv",
            "--ties", tmp_path / "csv" / "ties.csv")
    assert r.exit_code == 0, r.output
    a, b = SQLiteStore(db), SQLiteStore(copy)
    try:
        for actor in a.find_actors():
            other = b.get_actor(actor.id)
            assert other is not None
            assert other.to_record() | {"source_ref": None, "provenance": None} == \
                actor.to_record() | {"source_ref": None, "provenance": None}
        assert sorted(t.note or "" for t in b.ties()) == sorted(
            t.note or "" for t in a.ties())
    finally:
        a.close()
        b.close()


def test_metrics_xlsx_has_no_formula_and_keeps_its_about_sheet(db, tmp_path):
    out = tmp_path / "m.xlsx"
    r = run(db, "metrics", "-o", out)
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["actors", "about"]
    about = {row[0]: row[1] for row in wb["about"].iter_rows(values_only=True)}
    assert about["illustrative"] == "True" and "Illustrative network" in about["note"]
    names = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    assert cell.quotePrefix, cell.coordinate  # shown and kept as text
                names.add(cell.value)
    assert set(FORMULAS) <= names  # the values themselves are unchanged
    with zipfile.ZipFile(out) as zf:
        for part in zf.namelist():
            if part.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(part) and b"<f " not in zf.read(part)


def test_xlsx_is_written_whole_or_not_at_all(tmp_path):
    out = tmp_path / "m.xlsx"
    out.write_bytes(b"the previous workbook")

    def rows():
        yield ["id", "name"]
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_xlsx(out, [("actors", rows()), ("about", [["key", "value"]])])
    assert out.read_bytes() == b"the previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["m.xlsx"]  # no temporary file left


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_are_well_formed(db, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    assert run(db, "export", "--format", fmt, "-o", out).exit_code == 0
    root = ElementTree.parse(out).getroot()  # raises on a document that is not well-formed
    assert "=HYPERLINK" in ElementTree.tostring(root, encoding="unicode")


def test_a_control_character_is_refused_at_import(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("id,name,kind,country\nnul,Casa\x00Nul,cso,MX\nbell,Casa\x07,cso,MX\n",
                   encoding="utf-8")
    r = run(tmp_path / "g.db", "import", "--actors", src)
    assert r.exit_code == 1
    assert ("a.csv, row 2, column 'name': contains a control character (U+0000) at "
            "position 5") in r.output
    assert "row 3, column 'name': contains a control character (U+0007)" in r.output
    assert "Traceback" not in r.output
