"""Malformed input files: every problem is reported where it is, nothing is written.

Each case writes a real file (CSV, XLSX or JSON) into tmp_path, imports it
into a store that already holds data, and asserts the exact location and
message of every problem and that the store's version and content are
unchanged.
"""
from __future__ import annotations

import datetime as dt

import pytest

from graphsvc.errors import GraphsvcError, ValidationFailed
from ingest_support import state, write_csv, write_json, write_xlsx

KINDS = ("academia, business, cso, faith_based, funder, government, individual, "
         "international_org, migrant_led, network, official, shelter")

ACTOR_HEADER = ["id", "nombre", "tipo", "país", "sitio web", "fases"]
TIE_HEADER = ["origen", "destino", "tipo", "monto", "moneda", "año", "desde", "fuerza"]


def _fails(service, **files):
    before = state(service.store)
    with pytest.raises(ValidationFailed) as info:
        service.import_files(**files)
    assert state(service.store) == before, "a failed import must leave the store unchanged"
    return [(p.where(), p.message) for p in info.value.problems], info.value


ACTOR_CASES = {
    "unknown kind": (
        [["osc1", "Casa Ejemplo", "banco", "MX", "", ""]],
        [("actors.csv, row 2, column 'tipo'",
          f"unknown actor kind 'banco': use one of {KINDS}")]),
    "missing name": (
        [["osc1", "", "osc", "MX", "", ""]],
        [("actors.csv, row 2, column 'nombre'", "missing name")]),
    "missing name and no id": (
        [["", "", "osc", "MX", "", ""]],
        [("actors.csv, row 2, column 'nombre'", "missing name")]),
    "duplicate id": (
        [["osc1", "Casa Uno", "osc", "MX", "", ""],
         ["osc2", "Casa Dos", "osc", "MX", "", ""],
         ["osc1", "Casa Tres", "osc", "MX", "", ""]],
        [("actors.csv, row 2, column 'id'", "duplicate id 'osc1' (also on row 4)"),
         ("actors.csv, row 4, column 'id'", "duplicate id 'osc1' (also on row 2)")]),
    "duplicate id made from names": (
        [["", "Casa Uno", "osc", "MX", "", ""], ["", "casa uno", "osc", "MX", "", ""]],
        [("actors.csv, row 2, column 'id'", "duplicate id 'casa_uno' (also on row 3)"),
         ("actors.csv, row 3, column 'id'", "duplicate id 'casa_uno' (also on row 2)")]),
    "bad country": (
        [["osc1", "Casa Uno", "osc", "Narnia", "", ""]],
        [("actors.csv, row 2, column 'país'",
          "'Narnia' is not an ISO 3166 two-letter country code (MX, US, GT, ...) "
          "or INT for international")]),
    "bad website and phase": (
        [["osc1", "Casa Uno", "osc", "MX", "www.ejemplo.org", "humanitaria;eterna"]],
        [("actors.csv, row 2, column 'sitio web'", "must be an http:// or https:// address"),
         ("actors.csv, row 2, column 'fases'",
          "unknown migration phase 'eterna': use one of humanitarian, long_term, "
          "short_medium_term")]),
    "bad id": (
        [["osc 1!", "Casa Uno", "osc", "MX", "", ""]],
        [("actors.csv, row 2, column 'id'",
          "must start with a letter or digit and use only letters, digits, '_', '.', "
          "':' or '-' (at most 128 characters)")]),
}


@pytest.mark.parametrize("case", list(ACTOR_CASES))
def test_bad_actor_rows(service, tmp_path, case):
    rows, expected = ACTOR_CASES[case]
    path = write_csv(tmp_path / "actors.csv", ACTOR_HEADER, rows)
    problems, _ = _fails(service, actors=path)
    assert problems == expected


TIE_CASES = {
    "unknown actor": (
        [["acnur", "fantasma", "formal", "", "", "", "", ""]],
        [("ties.csv, row 2, column 'destino'", "no actor with id 'fantasma'")]),
    "non-numeric amount": (
        [["acnur", "red_norte", "financiamiento", "mucho", "USD", "2020", "", ""]],
        [("ties.csv, row 2, column 'monto'", "'mucho' is not a number")]),
    "self-tie": (
        [["acnur", "acnur", "formal", "", "", "", "", ""]],
        [("ties.csv, row 2, column 'destino'",
          "a tie needs two different actors (source equals target)")]),
    "bad date": (
        [["acnur", "red_norte", "formal", "", "", "", "31/02/2020", ""]],
        [("ties.csv, row 2, column 'desde'", "'31/02/2020' is not a date")]),
    "bad year": (
        [["acnur", "red_norte", "funding", "10", "USD", "dos mil", "", ""]],
        [("ties.csv, row 2, column 'año'", "'dos mil' is not a whole number")]),
    "unknown tie kind": (
        [["acnur", "red_norte", "amistad", "", "", "", "", ""]],
        [("ties.csv, row 2, column 'tipo'",
          "unknown tie kind 'amistad': use one of formal, funding, informal")]),
    "amount without currency": (
        [["acnur", "red_norte", "funding", "100", "", "2020", "", ""]],
        [("ties.csv, row 2, column 'moneda'",
          "a funding amount needs its currency (USD, MXN, ...)")]),
    "amount on a formal tie": (
        [["acnur", "red_norte", "formal", "100", "USD", "", "", ""]],
        [("ties.csv, row 2, column 'tipo'",
          "amount, currency and channel belong to funding ties only")]),
    "amount above the maximum": (  # graphsvc.model.MAX_AMOUNT, 10^15
        [["acnur", "red_norte", "funding", "1e35", "USD", "2020", "", ""]],
        [("ties.csv, row 2, column 'monto'",
          "'1e+35' is above the largest amount accepted (1,000,000,000,000,000)")]),
    "strength out of range": (
        [["acnur", "red_norte", "informal", "", "", "", "", "2"]],
        [("ties.csv, row 2, column 'fuerza'", "'2' should be less than or equal to 1")]),
    "duplicate tie": (
        [["acnur", "red_norte", "formal", "", "", "", "", ""],
         ["red_norte", "acnur", "formal", "", "", "", "", ""]],
        [("ties.csv, row 2, field 'id'",
          "duplicate tie 'formal:acnur--red_norte' (also on row 3)"),
         ("ties.csv, row 3, field 'id'",
          "duplicate tie 'formal:acnur--red_norte' (also on row 2)")]),
    "several problems in one row, and a good row": (
        [["acnur", "red_norte", "informal", "", "", "", "", ""],
         ["nadie", "acnur", "funding", "1,000", "PESOS", "", "ayer", ""]],
        [("ties.csv, row 3, column 'origen'", "no actor with id 'nadie'"),
         ("ties.csv, row 3, column 'moneda'",
          "'PESOS' is not an ISO 4217 currency code (USD, MXN, EUR, ...)"),
         ("ties.csv, row 3, column 'desde'", "'ayer' is not a date")]),
}


@pytest.mark.parametrize("case", list(TIE_CASES))
def test_bad_tie_rows(service, tmp_path, case):
    rows, expected = TIE_CASES[case]
    path = write_csv(tmp_path / "ties.csv", TIE_HEADER, rows)
    problems, _ = _fails(service, ties=path)
    assert problems == expected


def test_unknown_actor_hint_says_what_to_do(service, tmp_path):
    path = write_csv(tmp_path / "ties.csv", ["from", "to", "kind"],
                     [["acnur", "fantasma", "formal"]])
    _, exc = _fails(service, ties=path)
    assert str(exc.problems[0]) == (
        "ties.csv, row 2, column 'to': no actor with id 'fantasma'. It is not in the graph: "
        "import it first (--actors) or correct the id.")
    assert exc.message == "1 problem found; nothing was written."


def test_funding_by_actor_pair_needs_direction(service, tmp_path):
    path = write_csv(tmp_path / "ties.csv", ["actor_a", "actor_b", "kind", "amount",
                                             "currency"],
                     [["acnur", "red_norte", "formal", "", ""],
                      ["acnur", "red_norte", "funding", "5", "USD"]])
    problems, exc = _fails(service, ties=path)
    assert problems == [("ties.csv, row 3, column 'kind'", "funding tie missing its direction")]
    assert "a->b" in exc.problems[0].hint


def test_funding_direction_column_empty_or_unreadable(service, tmp_path):
    path = write_csv(tmp_path / "ties.csv", ["actor_1", "actor_2", "tipo", "dirección"],
                     [["acnur", "red_norte", "financiamiento", ""],
                      ["acnur", "red_norte", "financiamiento", "arriba"]])
    problems, _ = _fails(service, ties=path)
    assert problems == [
        ("ties.csv, row 2, column 'dirección'", "funding tie missing its direction"),
        ("ties.csv, row 3, column 'dirección'", "'arriba' is not a direction")]


def test_tie_of_a_rejected_actor_is_reported_with_it(service, tmp_path):
    actors = write_csv(tmp_path / "actors.csv", ["id", "name", "kind", "country"],
                       [["nueva", "Nueva OSC", "osc", "Atlantis"]])
    ties = write_csv(tmp_path / "ties.csv", ["source", "target", "kind"],
                     [["nueva", "acnur", "formal"]])
    problems, _ = _fails(service, actors=actors, ties=ties)
    assert problems == [
        ("actors.csv, row 2, column 'country'",
         "'Atlantis' is not an ISO 3166 two-letter country code (MX, US, GT, ...) "
         "or INT for international"),
        ("ties.csv, row 2, column 'source'", "actor 'nueva' is rejected (actors.csv, row 2)"),
    ]


FILE_CASES = {
    "empty file": ("actors.csv", b"", [("actors.csv", "the file is empty")]),
    "header only": ("actors.csv", b"name,kind,country\n",
                    [("actors.csv", "the file has no data rows")]),
    "no kind column": ("actors.csv", b"name,country\nCasa,MX\n",
                       [("actors.csv, field 'kind'", "no 'kind' column")]),
    "two columns for one field": (
        "actors.csv", b"name,nombre,kind,country\nA,B,osc,MX\n",
        [("actors.csv, column 'nombre'", "columns 'name' and 'nombre' both give name")]),
    "ties without ends": ("ties.csv", b"kind,note\nformal,x\n",
                          [("ties.csv, field 'source'", "no 'source' column"),
                           ("ties.csv, field 'target'", "no 'target' column")]),
    # 0x81 and 0x90 are neither UTF-8 nor Windows-1252 (which would be read, with a note)
    "not UTF-8": ("actors.csv", b"name,kind,country\nA\x81\x90,osc,MX\n",
                  [("actors.csv", "the file is not UTF-8 text (first bad byte on line 2)")]),
    "ragged row": ("actors.csv", b"name,kind,country\nA,osc,MX,extra\n",
                   [("actors.csv, row 2", "the row has 4 cells but the header has 3")]),
    "bad JSON": ("actors.json", b'[{"name": "A",}]',
                 [("actors.json", "not valid JSON: Expecting property name enclosed in "
                   "double quotes at line 1, column 15")]),
    "JSON not a list": ("actors.json", b'{"name": "A"}',
                        [("actors.json", "expected a JSON list of records (got dict)")]),
    "JSON record not an object": ("actors.json", b'[{"name": "A", "kind": "osc", '
                                  b'"country": "MX"}, "B"]',
                                  [("actors.json, row 2", "record 2 is not an object")]),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_bad_files(service, tmp_path, case):
    name, content, expected = FILE_CASES[case]
    path = tmp_path / name
    path.write_bytes(content)
    what = "ties" if name.startswith("ties") else "actors"
    problems, exc = _fails(service, **{what: path})
    assert problems == expected
    assert exc.hint == "Fix the file and import again."


def test_whole_file_problems_are_not_skipped(service, tmp_path):
    path = tmp_path / "actors.csv"
    path.write_bytes(b"name,country\nCasa,MX\n")
    before = state(service.store)
    with pytest.raises(ValidationFailed):
        service.import_files(actors=path, skip_invalid=True)
    assert state(service.store) == before


@pytest.mark.parametrize("name,message", [
    ("actors.txt.gz", "actors.txt.gz: cannot tell the file's format from its extension '.gz'."),
    ("actors", "actors: cannot tell the file's format from its extension '(none)'."),
    ("actors.xls", "actors.xls: old Excel files (.xls) cannot be read."),
])
def test_unknown_format_says_what_to_do(service, tmp_path, name, message):
    path = tmp_path / name
    path.write_text("name,kind,country\n")
    before = state(service.store)
    with pytest.raises(GraphsvcError) as info:
        service.import_files(actors=path)
    assert info.value.message == message
    assert ".xlsx" in info.value.hint
    assert state(service.store) == before


def test_damaged_xlsx(service, tmp_path):
    path = tmp_path / "actors.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(GraphsvcError) as info:
        service.import_files(actors=path)
    assert info.value.message.startswith("actors.xlsx: not a readable Excel workbook")


def test_xlsx_problems_use_spreadsheet_rows_and_cell_types(service, tmp_path):
    """Excel date and number cells are judged as what they are."""
    path = write_xlsx(tmp_path / "ties.xlsx",
                      ["Origen", "Destino", "Tipo", "Monto", "Moneda", "Año", "Desde"],
                      [["acnur", "red_norte", "financiamiento", 1000.0, "USD",
                        dt.datetime(2020, 1, 1), None],
                       ["acnur", "red_norte", "formal", None, None, None, "pronto"]])
    problems, _ = _fails(service, ties=path)
    assert problems == [
        ("ties.xlsx, row 2, column 'Año'", "'2020-01-01' is not a whole number"),
        ("ties.xlsx, row 3, column 'Desde'", "'pronto' is not a date"),
    ]


def test_json_records_problems(service, tmp_path):
    path = write_json(tmp_path / "actors.json", [
        {"id": "a1", "name": "Uno", "kind": "cso", "country": "MX"},
        {"id": "a2", "name": "Dos", "kind": "cso", "country": "MX", "languages": ["xx1"]},
    ])
    problems, _ = _fails(service, actors=path)
    assert problems == [("actors.json, row 2, column 'languages'",
                         "'xx1' is not an ISO 639 language code (es, en, ht, ...)")]
