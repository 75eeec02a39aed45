"""Importing real CSV, XLSX and JSON files: what lands in the store."""
from __future__ import annotations

import csv
import datetime as dt

import pytest

from graphsvc.errors import ValidationFailed
from graphsvc.ingest.columns import country_code, header_key, split_list
from graphsvc.ingest.readers import read_table
from ingest_support import state, write_csv, write_json, write_xlsx


@pytest.mark.parametrize("header,key", [
    ("País", "pais"), ("Áreas temáticas", "areas_tematicas"), ("  AÑO ", "ano"),
    ("Actor 1", "actor_1"), ("source-ref", "source_ref")])
def test_header_key(header, key):
    assert header_key(header) == key


@pytest.mark.parametrize("text,code", [
    ("México", "MX"), ("Mexico", "MX"), ("mx", "MX"), ("Estados Unidos", "US"),
    ("EE.UU.", "US"), ("EEUU", "US"), ("United States", "US"), ("Guatemala", "GT"),
    ("Haití", "HT"), ("Internacional", "INT"), ("Germany", "DE"), ("Narnia", "Narnia")])
def test_country_names(text, code):
    assert country_code(text) == code


def test_canonical_values_read_back_unchanged():
    """Every stored vocabulary value is its own synonym, so exports re-import as
    they are."""
    from graphsvc import model
    from graphsvc.ingest.columns import actor_value, tie_value

    for kind in model.ACTOR_KINDS:
        assert actor_value("kind", kind) == kind
    for kind in model.TIE_KINDS:
        assert tie_value("kind", kind) == kind
    for fld, vocabulary in (("phases", model.PHASES), ("roles", model.ROLES),
                            ("issue_areas", model.ISSUE_AREAS),
                            ("populations", model.POPULATIONS)):
        assert actor_value(fld, list(vocabulary)) == list(vocabulary)
    for fld, vocabulary in (("provenance", model.PROVENANCES),
                            ("visibility", model.VISIBILITIES)):
        for v in vocabulary:
            assert actor_value(fld, v) == v and tie_value(fld, v) == v
    assert actor_value("languages", ["es", "en", "ht"]) == ["es", "en", "ht"]


def test_split_list():
    assert split_list("legal_aid; salud|vivienda, empleo") == [
        "legal_aid", "salud", "vivienda", "empleo"]
    assert split_list(["a", " b ", ""]) == ["a", "b"]
    assert split_list(None) == []


def test_spanish_headers_with_accents_bom_and_semicolons(service, tmp_path):
    """Excel in a Spanish locale saves CSV UTF-8 with a BOM and ';' separators."""
    actors = write_csv(
        tmp_path / "actores.csv",
        ["Nombre", "Tipo", "País", "Ciudad", "Áreas temáticas", "Poblaciones", "Fases",
         "Idiomas", "Visibilidad", "Procedencia"],
        [["Albergue Ñandú (ejemplo)", "albergue", "México", "Tijuana",
          "Asesoría legal; salud", "niños|mujeres", "humanitaria, largo plazo",
          "español; inglés", "pública", "taller"],
         ["Fundación Ficticia", "financiador", "EE.UU.", "", "", "", "", "", "", ""],
         ["Oficina Ejemplo", "gobierno", "Guatemala", "", "Atención psicológica", "", "",
          "", "restringida", "encuesta"]],
        delimiter=";", bom=True)
    ties = write_csv(
        tmp_path / "vínculos.csv",
        ["Origen", "Destino", "Tipo", "Subtipo", "Monto", "Moneda", "Año", "Desde",
         "Hasta", "Nota"],
        [["fundacion_ficticia", "albergue_nandu_ejemplo", "financiamiento", "grant",
          "1,250,000.50", "mxn", "2021", "2021-01-01", "2021-12-31", "Donativo anual"],
         ["albergue_nandu_ejemplo", "acnur", "formal", "implementing partner", "", "", "",
          "", "", ""]],
        delimiter=";", bom=True)
    result = service.import_files(actors, ties)
    assert (result.write.actors_created, result.write.ties_created) == (3, 2)
    assert result.warnings == []
    a = service.store.get_actor("albergue_nandu_ejemplo")
    assert a.to_record() == {
        "id": "albergue_nandu_ejemplo", "name": "Albergue Ñandú (ejemplo)",
        "kind": "shelter", "country": "MX", "city": "Tijuana", "region": None,
        "issue_areas": ["legal_aid", "health"], "populations": ["children", "women"],
        "phases": ["humanitarian", "long_term"], "languages": ["es", "en"], "roles": [],
        "level": None, "description": None, "website": None, "provenance": "workshop",
        "source_ref": "actores.csv", "visibility": "public"}
    assert service.store.get_actor("fundacion_ficticia").country == "US"
    assert service.store.get_actor("fundacion_ficticia").kind == "funder"
    office = service.store.get_actor("oficina_ejemplo")
    assert (office.provenance, office.visibility) == ("survey", "restricted")
    assert office.issue_areas == ["atencion_psicologica"]  # a free label, folded
    t = service.store.get_tie("funding:fundacion_ficticia->albergue_nandu_ejemplo:grant:2021")
    assert (t.amount, t.currency, t.year, t.since, t.until, t.note, t.source_ref) == (
        1250000.5, "MXN", 2021, dt.date(2021, 1, 1), dt.date(2021, 12, 31),
        "Donativo anual", "vínculos.csv")
    formal = service.store.get_tie("formal:acnur--albergue_nandu_ejemplo:implementing_partner")
    assert formal.provenance == "import"


def test_xlsx_dates_and_numbers(service, tmp_path):
    """Excel's own date and number cells, a blank row, numeric ids."""
    actors = write_xlsx(tmp_path / "actors.xlsx", ["ID", "Name", "Kind", "Country"],
                        [[101, "Casa 101", "cso", "MX"], [102.0, "Casa 102", "osc", "mx"]])
    ties = write_xlsx(tmp_path / "ties.xlsx",
                      ["Source", "Target", "Kind", "Amount", "Currency", "Year", "Since",
                       "Strength"],
                      [[101, 102, "funding", 5000, "USD", 2020.0, dt.datetime(2020, 3, 1),
                        None],
                       [None, None, None, None, None, None, None, None],
                       [101, "102", "informal", None, None, None, dt.date(2019, 5, 17), 0.5]])
    table = read_table(ties)
    assert [r.number for r in table.rows] == [2, 4]
    assert table.rows[0].values["Year"] == 2020
    assert table.rows[0].values["Since"] == "2020-03-01"
    result = service.import_files(actors, ties)
    assert (result.write.actors_created, result.write.ties_created) == (2, 2)
    t = service.store.get_tie("funding:101->102:2020")
    assert (t.amount, t.year, t.since) == (5000.0, 2020, dt.date(2020, 3, 1))
    informal = service.store.get_tie("informal:101--102")
    assert (informal.since, informal.strength) == (dt.date(2019, 5, 17), 0.5)


def test_xlsx_row_numbers_after_a_blank_row(service, tmp_path):
    path = write_xlsx(tmp_path / "actors.xlsx", ["name", "kind", "country"],
                      [["Uno", "cso", "MX"], [None, None, None], ["Dos", "cso", "Narnia"]])
    with pytest.raises(ValidationFailed) as info:
        service.import_files(actors=path)
    assert info.value.problems[0].where() == "actors.xlsx, row 4, column 'country'"


def test_json_records(service, tmp_path):
    actors = write_json(tmp_path / "actors.json", [
        {"id": "j1", "name": "Jota Uno", "kind": "cso", "country": "MX",
         "issue_areas": ["health", "legal_aid"], "languages": "es;en"},
        {"nombre": "Jota Dos", "tipo": "osc", "país": "Guatemala"}])
    ties = write_json(tmp_path / "ties.json", [
        {"source": "j1", "target": "jota_dos", "kind": "funding", "amount": 10,
         "currency": "USD", "year": 2022, "channel": ["acnur"]}])
    result = service.import_files(actors, ties)
    assert (result.write.actors_created, result.write.ties_created) == (2, 1)
    assert service.store.get_actor("j1").issue_areas == ["health", "legal_aid"]
    assert service.store.get_actor("j1").languages == ["es", "en"]
    assert service.store.get_actor("jota_dos").country == "GT"
    assert service.store.get_tie("funding:j1->jota_dos:2022").channel == ["acnur"]


def test_json_record_naming_a_field_twice(service, tmp_path):
    path = write_json(tmp_path / "actors.json", [
        {"name": "Uno", "nombre": "One", "kind": "cso", "country": "MX"}])
    with pytest.raises(ValidationFailed) as info:
        service.import_files(actors=path)
    assert [(p.where(), p.message) for p in info.value.problems] == [
        ("actors.json, row 1, column 'nombre'", "'name' and 'nombre' both give name")]


def test_actor_pair_with_direction(service, tmp_path):
    ties = write_csv(tmp_path / "ties.csv", ["actor_a", "actor_b", "kind", "direction",
                                             "amount", "currency", "year"],
                     [["red_norte", "acnur", "funding", "b->a", "7", "USD", "2020"],
                      ["red_norte", "acnur", "formal", "", "", "", ""]])
    service.import_files(ties=ties)
    t = service.store.get_tie("funding:acnur->red_norte:2020")
    assert (t.source, t.target) == ("acnur", "red_norte")
    assert service.store.get_tie("formal:acnur--red_norte") is not None


def test_reimport_changes_nothing(service, tmp_path):
    actors = write_csv(tmp_path / "actors.csv", ["name", "kind", "country", "issue_areas"],
                       [["Casa Uno", "osc", "México", "salud; vivienda"]])
    ties = write_csv(tmp_path / "ties.csv", ["from", "to", "kind"],
                     [["casa_uno", "acnur", "informal"]])
    first = service.import_files(actors, ties)
    assert first.write.changed
    before = state(service.store)
    again = service.import_files(actors, ties)
    assert state(service.store) == before
    assert not again.write.changed
    assert (again.write.actors_unchanged, again.write.ties_unchanged) == (1, 1)
    assert again.write.version == before[0]


def test_changed_row_updates_in_place(service, tmp_path):
    path = write_csv(tmp_path / "actors.csv", ["id", "name", "kind", "country"],
                     [["acnur", "ACNUR / UNHCR", "international_org", "INT"]])
    v = service.store.version()
    result = service.import_files(actors=path)
    assert (result.write.actors_updated, result.write.actors_created) == (1, 0)
    assert service.store.version() > v
    assert service.store.get_actor("acnur").name == "ACNUR / UNHCR"
    assert service.store.counts()["actors"] == 2


def test_source_ref_and_provenance_defaults(service, tmp_path):
    path = write_csv(tmp_path / "lista.csv", ["name", "kind", "country", "source_ref",
                                              "provenance"],
                     [["Uno", "cso", "MX", "", ""], ["Dos", "cso", "MX", "acta 3", "survey"]])
    service.import_files(actors=path, default_provenance="workshop")
    one, two = service.store.get_actor("uno"), service.store.get_actor("dos")
    assert (one.source_ref, one.provenance) == ("lista.csv", "workshop")
    assert (two.source_ref, two.provenance) == ("acta 3", "survey")


def test_unknown_columns_warn_and_are_ignored(service, tmp_path):
    path = write_csv(tmp_path / "actors.csv", ["name", "kind", "countyr", "Marca temporal"],
                     [["Uno", "cso", "MX", "2021-03-01 10:00"]])
    with pytest.raises(ValidationFailed) as info:
        service.import_files(actors=path)
    # 'countyr' is not country, so the required column is missing ...
    assert [p.message for p in info.value.problems] == ["no 'country' column"]
    path = write_csv(tmp_path / "actors.csv", ["name", "kind", "country", "webiste",
                                               "Marca temporal"],
                     [["Uno", "cso", "MX", "https://x.example", "2021-03-01 10:00"]])
    result = service.import_files(actors=path)
    assert [str(w) for w in result.warnings] == [
        "actors.csv, column 'webiste': not a known actors column; ignored. "
        "Did you mean 'website' (website)? Rename it to import it.",
        "actors.csv, column 'Marca temporal': not a known actors column; ignored. "
        "Rename it to a known column to import it, or ignore this warning."]
    assert service.store.get_actor("uno").website is None


def _read_report(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_skip_invalid_writes_report_and_imports_the_rest(service, tmp_path):
    actors = write_csv(tmp_path / "actors.csv", ["id", "nombre", "tipo", "país"],
                       [["a1", "Uno", "osc", "MX"], ["a2", "Dos", "banco", "MX"],
                        ["a3", "Tres", "albergue", "Narnia"]])
    ties = write_csv(tmp_path / "ties.csv", ["origen", "destino", "tipo"],
                     [["a1", "acnur", "formal"], ["a2", "a1", "informal"],
                      ["a1", "nadie", "informal"]])
    report = tmp_path / "rechazados.csv"
    v = service.store.version()
    result = service.import_files(actors, ties, skip_invalid=True, report=report)
    assert (result.write.actors_created, result.write.ties_created) == (1, 1)
    assert service.store.get_actor("a1") is not None
    assert service.store.get_actor("a2") is None
    assert service.store.version() == v + 1
    assert [(r.file, r.row) for r in result.rejected] == [
        ("actors.csv", 3), ("actors.csv", 4), ("ties.csv", 3), ("ties.csv", 4)]
    assert _read_report(report) == [
        ["file", "row", "id", "nombre", "tipo", "país", "origen", "destino", "reasons"],
        ["actors.csv", "3", "a2", "Dos", "banco", "MX", "", "",
         "tipo: unknown actor kind 'banco': use one of academia, business, cso, "
         "faith_based, funder, government, individual, international_org, migrant_led, "
         "network, official, shelter"],
        ["actors.csv", "4", "a3", "Tres", "albergue", "Narnia", "", "",
         "país: 'Narnia' is not an ISO 3166 two-letter country code (MX, US, GT, ...) "
         "or INT for international"],
        ["ties.csv", "3", "", "", "informal", "", "a2", "a1",
         "origen: actor 'a2' is rejected (actors.csv, row 3)"],
        ["ties.csv", "4", "", "", "informal", "", "a1", "nadie",
         "destino: no actor with id 'nadie'"],
    ]


def test_corrected_report_imports(service, tmp_path):
    actors = write_csv(tmp_path / "actors.csv", ["id", "name", "kind", "country"],
                       [["a1", "Uno", "osc", "MX"], ["a2", "Dos", "banco", "MX"]])
    report = tmp_path / "report.csv"
    service.import_files(actors, skip_invalid=True, report=report)
    rows = _read_report(report)
    rows[1][rows[0].index("kind")] = "business"
    with open(report, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = service.import_files(actors=report)
    assert result.warnings == []
    assert result.write.actors_created == 1
    assert service.store.get_actor("a2").kind == "business"


def test_skip_invalid_with_nothing_valid_changes_nothing(service, tmp_path):
    path = write_csv(tmp_path / "ties.csv", ["source", "target", "kind"],
                     [["acnur", "nadie", "formal"]])
    before = state(service.store)
    result = service.import_files(ties=path, skip_invalid=True)
    assert state(service.store) == before
    assert len(result.rejected) == 1


def test_tie_ends_given_by_name(service, tmp_path):
    """Names stand for ids when they name exactly one actor (file or store)."""
    actors = write_csv(tmp_path / "actors.csv", ["nombre", "tipo", "país"],
                       [["Casa Aurora (ejemplo)", "albergue", "MX"]])
    ties = write_csv(tmp_path / "ties.csv", ["de", "a", "tipo"],
                     [["casa aurora ejemplo", "ACNUR", "formal"],
                      ["Casa Aurora (Ejemplo)", "Red Norte (ejemplo)", "informal"]])
    result = service.import_files(actors, ties)
    assert {t.id for t in service.store.ties("casa_aurora_ejemplo")} == {
        "formal:acnur--casa_aurora_ejemplo", "informal:casa_aurora_ejemplo--red_norte"}
    assert [str(w) for w in result.warnings] == [
        "ties.csv: 4 actor names matched to ids ('ACNUR' -> acnur, 'Casa Aurora "
        "(Ejemplo)' -> casa_aurora_ejemplo, 'Red Norte (ejemplo)' -> red_norte). Use ids "
        "to be sure which actor is meant."]


def test_ambiguous_name_is_a_problem(service, tmp_path):
    actors = write_csv(tmp_path / "actors.csv", ["id", "name", "kind", "country"],
                       [["c1", "Casa", "cso", "MX"], ["c2", "Casa", "cso", "GT"]])
    ties = write_csv(tmp_path / "ties.csv", ["source", "target", "kind"],
                     [["Casa", "acnur", "formal"]])
    with pytest.raises(ValidationFailed) as info:
        service.import_files(actors, ties)
    assert [(p.where(), p.message) for p in info.value.problems] == [
        ("ties.csv, row 2, column 'source'", "'Casa' is the name of several actors (c1, c2)")]


def test_clean_cell_turns_excel_values_into_what_people_typed():
    import pandas as pd

    from graphsvc.ingest.readers import clean_cell

    assert clean_cell(2020.0) == 2020 and type(clean_cell(2020.0)) is int
    assert clean_cell(0.25) == 0.25
    assert clean_cell(float("nan")) is None
    assert clean_cell(pd.Timestamp("2021-03-01")) == "2021-03-01"
    assert clean_cell(dt.datetime(2021, 3, 1, 9, 30)) == "2021-03-01T09:30:00"
    assert clean_cell(dt.date(2021, 3, 1)) == "2021-03-01"
    assert clean_cell("  Tijuana ") == "Tijuana"
    assert clean_cell("   ") is None


def test_xlsx_float_year_written_by_pandas(service, tmp_path):
    """A sheet pandas wrote from a float column stores the year as 2020.0."""
    import pandas as pd

    path = tmp_path / "ties.xlsx"
    pd.DataFrame({"source": ["acnur"], "target": ["red_norte"], "kind": ["funding"],
                  "amount": [12.5], "currency": ["USD"], "year": [2020.0]}).to_excel(
        path, index=False)
    service.import_files(ties=path)
    assert service.store.get_tie("funding:acnur->red_norte:2020").year == 2020


def test_level_of_government_from_spanish_headers_and_values(service, tmp_path):
    actors = write_csv(tmp_path / "gobierno.csv", ["Nombre", "Tipo", "País", "Nivel"],
                       [["Ayuntamiento de Tijuana", "gobierno", "México", "municipio"],
                        ["Gobierno de Chihuahua", "gobierno", "México", "estatal"],
                        ["Congreso de la Unión", "gobierno", "México", "legislativo"],
                        ["Oficina sin nivel", "gobierno", "México", ""]])
    result = service.import_files(actors)
    assert result.write.actors_created == 4
    got = {a.name: a.level for a in service.store.find_actors()
           if a.source_ref == "gobierno.csv"}
    assert got == {"Ayuntamiento de Tijuana": "municipal", "Gobierno de Chihuahua": "state",
                   "Congreso de la Unión": "legislative", "Oficina sin nivel": None}


def test_an_unknown_level_is_refused_with_the_choices(service, tmp_path):
    actors = write_csv(tmp_path / "gov.csv", ["name", "kind", "country", "level"],
                       [["County Board", "government", "US", "county"]])
    with pytest.raises(ValidationFailed) as e:
        service.import_files(actors)
    assert "county" in str(e.value.problems) and "municipal" in str(e.value.problems)
    assert not [a for a in service.store.find_actors() if a.name == "County Board"]
