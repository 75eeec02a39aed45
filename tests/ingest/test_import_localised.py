"""Spreadsheets as Mexican users save them: a Windows-1252 CSV (Excel's
"CSV" on a Spanish Windows) with ';' separators, dd/mm/yyyy and d/m/yy dates
and decimal commas imports, each conversion noted in the summary; a file
whose dates prove both orders is refused with where; the CLI and the web
page show the notes."""
from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from graphsvc.cli import main
from graphsvc.errors import ValidationFailed
from ingest_support import state

ACTORS = ("id;nombre;tipo;país;ciudad\n"
          "pelicano;Asociación Ejemplo Pelícano;osc;México;Tijuana\n"
          "nino;Niñez Migrante A.C.;osc;México;Tapachula\n"
          "fundacion;Fundación Señal;financiador;Estados Unidos;San Diego\n")
TIES = ("origen;destino;tipo;monto;moneda;desde;hasta;fuerza;nota\n"
        "fundacion;pelicano;financiamiento;250000,50;USD;15/03/2021;31/12/2022;0,5;año 1\n"
        "fundacion;nino;financiamiento;1.250.000,75;MXN;1/2/21;;0,75;\n"
        "pelicano;nino;formal;;;05/01/2020;;;\n")


def cp1252(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))  # as Excel writes 'CSV' on Spanish Windows
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the file really is not UTF-8
    return path


def ties_of(store):
    return store.ties()


def test_spanish_excel_csv_imports_with_notes(service, tmp_path):
    result = service.import_files(actors=cp1252(tmp_path, "actores.csv", ACTORS),
                                  ties=cp1252(tmp_path, "vinculos.csv", TIES))
    store = service.store
    assert store.get_actor("pelicano").name == "Asociación Ejemplo Pelícano"
    assert store.get_actor("nino").name == "Niñez Migrante A.C."
    grant = next(t for t in ties_of(store) if t.target == "pelicano"
                 and t.kind == "funding")
    assert (grant.amount, str(grant.since), str(grant.until), grant.strength) == \
        (250000.50, "2021-03-15", "2022-12-31", 0.5)
    other = next(t for t in ties_of(store) if t.target == "nino" and t.kind == "funding")
    # 1/2/21: day first (the file's 15/03/2021 and 31/12/2022 prove it), Excel's 2021
    assert (other.amount, str(other.since), other.strength) == (1250000.75, "2021-02-01",
                                                                0.75)
    formal = next(t for t in ties_of(store) if t.kind == "formal")
    assert str(formal.since) == "2020-01-05"  # 05/01/2020 is 5 January, not 1 May
    notes = [(p.file, p.column, p.message) for p in result.warnings]
    assert ("actores.csv", None,
            "read as Windows-1252 text (what Excel saves as 'CSV'), not UTF-8") in notes
    assert ("vinculos.csv", "desde",
            "3 dates read day first (dd/mm/yyyy), e.g. '15/03/2021' as 2021-03-15") in notes
    assert ("vinculos.csv", "monto", "2 numbers read with a decimal comma, e.g. "
            "'250000,50' as 250000.50") in notes
    assert ("vinculos.csv", "fuerza", "2 numbers read with a decimal comma, e.g. "
            "'0,5' as 0.5") in notes
    two_digit = next(p for p in result.warnings if p.column == "desde")
    assert "00-29 as 2000-2029" in two_digit.hint


def test_month_first_when_the_values_prove_it(service, tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text("source,target,kind,since\nacnur,red_norte,formal,03/15/2021\n"
                    "acnur,red_norte,informal,01/02/2021\n", encoding="utf-8")
    result = service.import_files(ties=path)
    since = {str(t.since) for t in ties_of(service.store) if t.since}
    assert {"2021-03-15", "2021-01-02"} <= since  # 01/02 read month first, as 03/15 proves
    assert any("month first" in p.message for p in result.warnings)


def test_dates_in_both_orders_are_reported_not_guessed(service, tmp_path):
    path = cp1252(tmp_path, "vinculos.csv",
                  "origen;destino;tipo;desde;nota\nacnur;red_norte;formal;31/01/2021;año\n"
                  "acnur;red_norte;informal;01/31/2021;\n")
    before = state(service.store)
    with pytest.raises(ValidationFailed) as info:
        service.import_files(ties=path)
    assert state(service.store) == before
    [p] = info.value.problems
    assert (p.file, p.message) == ("vinculos.csv", "the dates mix two orders: '31/01/2021' "
                                   "(row 2) is day first, '01/31/2021' (row 3) month first")
    assert "YYYY-MM-DD" in p.hint


def test_decimal_point_and_comma_together_are_left_alone(service, tmp_path):
    # not consistently decimal commas: nothing converted, the comma cell is refused
    path = tmp_path / "ties.csv"
    path.write_text("source;target;kind;strength\nacnur;red_norte;formal;0.5\n"
                    "acnur;red_norte;informal;0,25\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        service.import_files(ties=path)
    assert [p.message for p in info.value.problems] == ["'0,25' is not a number"]


def test_xlsx_text_dates_are_read_day_first(service, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["nombre", "tipo", "país"])
    ws.append(["Casa Luz", "albergue", "MX"])
    wb.save(tmp_path / "actores.xlsx")
    a = "acnur"
    wb = Workbook()
    ws = wb.active
    ws.append(["origen", "destino", "tipo", "desde"])
    ws.append([a, "casa_luz", "informal", "28/02/2019"])  # typed as text, not a date cell
    wb.save(tmp_path / "vinculos.xlsx")
    result = service.import_files(actors=tmp_path / "actores.xlsx",
                                  ties=tmp_path / "vinculos.xlsx")
    assert any(str(t.since) == "2019-02-28" for t in ties_of(service.store))
    assert any(p.column == "desde" for p in result.warnings)


def test_cli_import_prints_the_conversions(tmp_path):
    db = tmp_path / "g.db"
    actors = cp1252(tmp_path, "actores.csv", ACTORS)
    ties = cp1252(tmp_path, "vinculos.csv", TIES)
    r = CliRunner().invoke(main, ["import", "--actors", str(actors), "--ties", str(ties)],
                           env={"GRAPHSVC_DB": str(db)})
    assert r.exit_code == 0, r.output
    assert "read as Windows-1252 text" in r.output
    assert "3 dates read day first (dd/mm/yyyy)" in r.output


def test_web_import_summary_shows_the_conversions_in_spanish(tmp_path):
    from graphsvc.stores.sqlite import SQLiteStore
    from web_support import csrf, make_app, signed_in
    store = SQLiteStore(tmp_path / "w.db")
    app = make_app(store, tmp_path / "w.db")
    client = signed_in(app)
    r = client.post("/import?lang=es", data={
        "csrf_token": csrf(client),
        "actors": (io.BytesIO(ACTORS.encode("cp1252")), "actores.csv"),
        "ties": (io.BytesIO(TIES.encode("cp1252")), "vinculos.csv")},
        content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    assert "leído como texto Windows-1252" in html
    assert "3 fechas leídas con el día primero (dd/mm/aaaa)" in html
    app.extensions["graphsvc.accounts"].close()
    store.close()
