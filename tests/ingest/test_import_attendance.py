"""Attendance and membership sheets: real CSV and XLSX files, Spanish and
English headers, names matched by the one name rule, all or nothing."""
import csv
import datetime as dt

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.errors import ValidationFailed
from graphsvc.history import ChangeInfo
from graphsvc.model import Actor, Event, Group
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore
from ingest_support import write_csv, write_xlsx

EDITOR = ChangeInfo(who="editor", path="cli")
ACTORS = [
    Actor(id="casa-tj", name="Casa del Migrante en Tijuana, A.C.", kind="shelter",
          country="MX", city="Tijuana", visibility="public"),
    Actor(id="al-otro-lado", name="Al Otro Lado", kind="cso", country="US",
          visibility="public"),
    Actor(id="sin-fronteras", name="Sin Fronteras I.A.P.", kind="cso", country="MX",
          visibility="public"),
    Actor(id="acnur", name="ACNUR", kind="international_org", country="INT",
          visibility="public"),
    Actor(id="red-defensoras", name="Red de Defensoras", kind="network", country="MX"),
]
EVENT = Event(id="tj-2017", title="Taller binacional Tijuana", kind="workshop",
              start="2017-05-10", end="2017-05-11", city="Tijuana", country="MX",
              visibility="public", participants=[{"actor": "acnur", "role": "organiser"}])
MTY = Event(id="mty-2018", title="Taller Monterrey", kind="workshop", start="2018-03-01",
            country="MX", visibility="public")
GROUP = Group(id="wg-proteccion", title="Grupo de trabajo de protección",
              kind="working_group", visibility="public")


@pytest.fixture
def service(tmp_path):
    svc = GraphService(SQLiteStore(tmp_path / "graph.db"))
    svc.store.upsert(ACTORS)
    svc.store.put_records([EVENT, MTY, GROUP], EDITOR)
    yield svc
    svc.close()


def state(store):
    return (store.version(), [a.id for a in store.find_actors()], store.events(),
            store.groups(), len(store.changes()))


SPANISH = ["Nombre", "Organización", "Correo electrónico", "Fecha", "Rol", "Firma"]


def test_spanish_sheet_with_legal_suffixes_accents_and_case_is_matched(service, tmp_path):
    path = write_xlsx(tmp_path / "registro.xlsx", SPANISH, [
        ["Ana López", "CASA DEL MIGRANTE EN TIJUANA", "ana@example.org",
         dt.datetime(2017, 5, 10), "Ponente", "x"],
        ["Luis Pérez", "casa del migrante en tijuana a.c.", None, dt.datetime(2017, 5, 11),
         "Asistente", None],
        ["Erika", "Al Otro Lado, Inc.", None, "10/05/2017", "participante", None],
        ["Jorge", "Sin Fronteras", None, "2017-05-10", None, None],
    ])
    result = service.import_attendance(path, event="tj-2017")
    e = service.store.get_event("tj-2017")
    # two people of the Casa make one participant, with the higher role
    assert {p.actor: p.role for p in e.participants} == {
        "acnur": "organiser", "casa-tj": "speaker", "al-otro-lado": "participant",
        "sin-fronteras": "participant"}
    assert result.records_changed == 1 and result.rows_read == 4
    change = service.store.changes(record=("event", "tj-2017"))[0]
    assert change.seq == result.change and change.path == "import"
    # the e-mail and signature columns are known and ignored; nothing else warned
    assert result.warnings == []


def test_misspelt_names_are_reported_with_the_closest_actors_and_nothing_written(
        service, tmp_path):
    path = write_xlsx(tmp_path / "registro.xlsx", SPANISH, [
        ["Ana", "Casa del Migrante en Tijuana", None, "2017-05-10", "ponente", None],
        ["Luis", "Casa del Migrate Tijuna", None, "2017-05-10", None, None],
        ["Rosa", "Sin Fronteas", None, "2017-05-10", None, None],
        ["Marta", "Organización Inexistente de Prueba", None, "2017-05-10", None, None],
    ])
    before = state(service.store)
    with pytest.raises(ValidationFailed) as exc:
        service.import_attendance(path, event="tj-2017")
    assert state(service.store) == before
    err = exc.value
    assert "3 names matching no actor" in str(err) and "nothing was written" in str(err)
    by_row = {p.row: p for p in err.problems}
    assert sorted(by_row) == [3, 4, 5]
    assert by_row[3].message == "'Casa del Migrate Tijuna' matches no actor"
    assert by_row[3].column == "Organización" and by_row[3].file == "registro.xlsx"
    assert "Casa del Migrante en Tijuana, A.C. (casa-tj)" in by_row[3].hint
    assert "Sin Fronteras I.A.P. (sin-fronteras)" in by_row[4].hint
    assert "--create-missing" in by_row[5].hint
    assert by_row[5].hint.startswith("No actor has a similar name")


def test_cli_prints_every_unmatched_name_and_exits_1(service, tmp_path):
    path = write_csv(tmp_path / "asistencia.csv", ["nombre", "organización"],
                     [["Rosa", "Sin Fronteas"]])
    before = state(service.store)
    r = CliRunner().invoke(main, ["events", "import-attendance", str(path), "--event",
                                  "tj-2017"],
                           env={"GRAPHSVC_DB": str(service.store.path), "GRAPHSVC_CONFIG": ""})
    assert r.exit_code == 1
    assert "asistencia.csv, row 2, column 'organización'" in r.output
    assert "'Sin Fronteas' matches no actor" in r.output
    assert "Sin Fronteras I.A.P. (sin-fronteras)" in r.output
    assert state(service.store) == before


def test_skip_invalid_writes_the_valid_rows_and_reports_the_others(service, tmp_path):
    path = write_csv(tmp_path / "asistencia.csv", ["organization", "role"],
                     [["Al Otro Lado", "speaker"], ["Sin Fronteas", ""]])
    report = tmp_path / "rechazadas.csv"
    result = service.import_attendance(path, event="tj-2017", skip_invalid=True,
                                       report=report)
    assert "al-otro-lado" in service.store.get_event("tj-2017").actor_ids
    assert "sin-fronteras" not in service.store.get_event("tj-2017").actor_ids
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [(r["row"], r["organization"]) for r in rows] == [("3", "Sin Fronteas")]
    assert "matches no actor" in rows[0]["reasons"]
    assert len(result.rejected) == 1


def test_create_missing_adds_organisations_only_when_asked(service, tmp_path):
    path = write_csv(tmp_path / "asistencia.csv", ["organización", "tipo", "país"],
                     [["Colectivo Nuevo de Prueba", "colectivo migrante", ""],
                      ["ACNUR", "", ""]])
    with pytest.raises(ValidationFailed):
        service.import_attendance(path, event="tj-2017")
    result = service.import_attendance(path, event="tj-2017", create_missing=True)
    assert result.actors_created == ["colectivo_nuevo_de_prueba"]
    new = service.store.get_actor("colectivo_nuevo_de_prueba")
    # the event's country, provenance workshop, restricted until someone decides
    assert (new.kind, new.country, new.provenance, new.visibility) == (
        "migrant_led", "MX", "workshop", "restricted")
    assert "colectivo_nuevo_de_prueba" in service.store.get_event("tj-2017").actor_ids


def test_an_event_column_and_dates_choose_the_event(service, tmp_path):
    path = write_csv(tmp_path / "asistencia.csv", ["Evento", "Organización", "Fecha"], [
        ["tj-2017", "Al Otro Lado", "2017-05-11"],
        ["Taller Monterrey", "Sin Fronteras", "01/03/2018"],
        ["taller monterrey", "ACNUR", "2018-03-01"],
    ])
    result = service.import_attendance(path)
    assert sorted(result.listed) == ["mty-2018", "tj-2017"]
    assert service.store.get_event("mty-2018").actor_ids == ["sin-fronteras", "acnur"]
    assert len(service.store.changes(limit=1)[0].items) == 2  # one change for both


def test_a_date_outside_the_event_is_a_problem(service, tmp_path):
    path = write_csv(tmp_path / "a.csv", ["organización", "fecha"],
                     [["ACNUR", "2017-06-01"]])
    with pytest.raises(ValidationFailed, match="1 problem") as exc:
        service.import_attendance(path, event="tj-2017")
    assert "is not a day of the event 'tj-2017' (2017-05-10 to 2017-05-11)" in \
        exc.value.problems[0].message


def test_sheet_problems_with_the_whole_file(service, tmp_path):
    no_who = write_csv(tmp_path / "a.csv", ["fecha"], [["2017-05-10"]])
    with pytest.raises(ValidationFailed, match="problem"):
        service.import_attendance(no_who, event="tj-2017")
    no_event = write_csv(tmp_path / "b.csv", ["organización"], [["ACNUR"]])
    with pytest.raises(ValidationFailed) as exc:
        service.import_attendance(no_event)
    assert "no 'event' column and no event given" in str(exc.value.problems[0])
    with pytest.raises(ValidationFailed) as exc:
        service.import_attendance(no_event, event="nope")
    assert "no event with id 'nope'" in str(exc.value.problems[0])


def test_ambiguous_name_asks_for_the_id(service, tmp_path):
    service.store.upsert([Actor(id="acnur-mx", name="ACNUR", kind="international_org",
                                country="MX")])
    path = write_csv(tmp_path / "a.csv", ["organización", "id"], [["ACNUR", ""],
                                                                  ["ACNUR", "acnur-mx"]])
    with pytest.raises(ValidationFailed) as exc:
        service.import_attendance(path, event="tj-2017")
    (p,) = exc.value.problems
    assert p.row == 2 and "matches several actors" in p.message and "acnur-mx" in p.message


def test_membership_list_with_periods_roles_and_visibility(service, tmp_path):
    path = write_xlsx(tmp_path / "miembros.xlsx",
                      ["Organización", "Rol", "Desde", "Hasta", "Visibilidad"], [
                          ["Sin Fronteras", "Coordinadora", dt.datetime(2019, 1, 1), None,
                           "pública"],
                          ["Al Otro Lado", "miembro", "01/01/2019", "31/12/2020", "pública"],
                          ["Red de Defensoras", "observadora", None, None, None],
                      ])
    service.import_members(path, group="wg-proteccion")
    g = service.store.get_group("wg-proteccion")
    got = {m.actor: (m.role, m.since and m.since.isoformat(),
                     m.until and m.until.isoformat(), m.visibility) for m in g.members}
    assert got == {"sin-fronteras": ("chair", "2019-01-01", None, "public"),
                   "al-otro-lado": ("member", "2019-01-01", "2020-12-31", "public"),
                   "red-defensoras": ("observer", None, None, "restricted")}


def test_membership_dates_are_checked_like_ties(service, tmp_path):
    path = write_csv(tmp_path / "m.csv", ["organization", "since", "until"],
                     [["ACNUR", "2020-01-01", "2019-01-01"]])
    before = state(service.store)
    with pytest.raises(ValidationFailed) as exc:
        service.import_members(path, group="wg-proteccion")
    assert exc.value.problems[0].message == "'until' is before 'since'"
    assert state(service.store) == before


def test_cli_groups_import_members_and_list(service, tmp_path):
    path = write_csv(tmp_path / "m.csv", ["grupo", "organización", "rol"],
                     [["wg-proteccion", "ACNUR", "observer"]])
    env = {"GRAPHSVC_DB": str(service.store.path), "GRAPHSVC_CONFIG": ""}
    r = CliRunner().invoke(main, ["groups", "import-members", str(path)], env=env)
    assert r.exit_code == 0, r.output
    assert "1 members listed in 1 group, 1 group changed" in r.output
    r = CliRunner().invoke(main, ["groups", "list"], env=env)
    assert "wg-proteccion  working_group  Grupo de trabajo de protección  (1 members)" \
        in r.output
