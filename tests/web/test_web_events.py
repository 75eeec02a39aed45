"""Events and groups in the web app: the list, an event's page (participants,
the pairs who met for the first time), a group's members over time, the
actor profile's links, the API twins and their OpenAPI operations."""
import pytest
from openapi_spec_validator import validate

from graphsvc.history import ChangeInfo
from graphsvc.model import Actor, Event, Group, Tie
from graphsvc.stores.sqlite import SQLiteStore
from web_support import make_app, signed_in

EDITOR = ChangeInfo(who="editor", path="cli")


def A(id, name, kind="cso", country="MX", vis="public"):
    return Actor(id=id, name=name, kind=kind, country=country, visibility=vis)


ACTORS = [A("casa", "Casa Uno", "shelter"), A("red", "Red Dos", "network", "US"),
          A("ofi", "Oficina Tres", "government", "US"), A("col", "Colectivo Cuatro"),
          A("zz-oculta", "Defensora Oculta", "individual", vis="restricted")]
TIES = [
    # before the workshop (2019-05-10): casa-red; undated: casa-col (counts as before)
    Tie(source="casa", target="red", kind="formal", since="2018-01-01", visibility="public"),
    Tie(source="casa", target="col", kind="informal", visibility="public"),
    # formed at or after it: red-ofi, red-col; ofi-col restricted (a viewer never counts it)
    Tie(source="red", target="ofi", kind="informal", subtype="workshop", since="2019-05-10",
        visibility="public"),
    Tie(source="red", target="col", kind="informal", since="2020-02-01", visibility="public"),
    Tie(source="ofi", target="col", kind="informal", since="2019-06-01",
        visibility="restricted"),
]
EVENTS = [
    Event(id="taller-2019", title="Taller binacional", kind="workshop", start="2019-05-10",
          end="2019-05-11", city="Tijuana", country="MX", visibility="public",
          note="zz nota interna", participants=[
              {"actor": "casa", "role": "organiser"}, {"actor": "red", "role": "speaker"},
              {"actor": "ofi"}, {"actor": "col"}, {"actor": "zz-oculta"}]),
    Event(id="zz-reunion", title="Reunion reservada", kind="meeting", start="2019-08-01",
          participants=[{"actor": "casa"}, {"actor": "ofi"}]),
    Event(id="foro-2030", title="Foro futuro", kind="convening", start="2030-01-10",
          visibility="public", participants=[{"actor": "red"}]),
]
GROUPS = [Group(id="gt-legal", title="Grupo legal", kind="working_group", visibility="public",
                members=[{"actor": "casa", "role": "chair", "since": "2018-01-01",
                          "visibility": "public"},
                         {"actor": "red", "since": "2019-01-01", "until": "2020-06-30",
                          "visibility": "public"},
                         {"actor": "ofi", "role": "observer", "visibility": "restricted"}])]


@pytest.fixture
def app(tmp_path):
    store = SQLiteStore(tmp_path / "g.db")
    store.upsert(ACTORS, TIES)
    store.put_records(EVENTS + GROUPS, EDITOR)
    app = make_app(store, tmp_path / "g.db")
    yield app
    app.extensions["graphsvc.accounts"].close()
    store.close()


def test_event_page_counts_the_pairs_who_met_there(app):
    analyst = signed_in(app, "analyst")
    body = analyst.get("/api/v1/events/taller-2019").json
    assert [(p["id"], p["role"]) for p in body["participants"]] == [
        ("casa", "organiser"), ("red", "speaker"), ("col", "participant"),
        ("zz-oculta", "participant"), ("ofi", "participant")]
    # hand count: 5 participants, 10 pairs; before: casa-red (2018), casa-col (undated);
    # on or after the first day: red-ofi, red-col, ofi-col
    assert (body["pairs"], body["tied_before"], body["tied_after"]) == (10, 2, 5)
    # met for the first time: the 10 pairs less the 2 tied before (no earlier
    # event together); those a tie followed come first
    assert [(p["a"]["id"], p["b"]["id"]) for p in body["first_time"]] == [
        ("col", "ofi"), ("col", "red"), ("ofi", "red"), ("casa", "ofi"),
        ("casa", "zz-oculta"), ("col", "zz-oculta"), ("ofi", "zz-oculta"),
        ("red", "zz-oculta")]
    assert body["first_followed"] == 3
    assert [p["ties"][0]["since"] for p in body["first_time"][:3]] == [
        "2019-06-01", "2020-02-01", "2019-05-10"]
    assert body["event"]["note"] == "zz nota interna"


def test_a_viewer_sees_neither_hidden_participants_nor_restricted_ties(app):
    viewer = signed_in(app, "viewer")
    body = viewer.get("/api/v1/events/taller-2019").json
    assert "zz-oculta" not in {p["id"] for p in body["participants"]}
    assert (body["pairs"], body["tied_before"], body["tied_after"]) == (6, 2, 4)
    assert [(p["a"]["id"], p["b"]["id"]) for p in body["first_time"]] == [
        ("col", "red"), ("ofi", "red"), ("casa", "ofi"), ("col", "ofi")]
    assert body["first_followed"] == 2  # the restricted col-ofi tie is not seen
    assert body["event"]["note"] is None
    assert viewer.get("/api/v1/events/zz-reunion").status_code == 404
    assert viewer.get("/events/zz-reunion").status_code == 404
    page = viewer.get("/events/taller-2019").get_data(as_text=True)
    assert "Defensora Oculta" not in page and "zz nota" not in page
    assert "Pairs who met for the first time" in page


def test_events_list_by_date_and_as_of(app):
    viewer = signed_in(app, "viewer")
    body = viewer.get("/api/v1/events").json
    assert [(y["year"], [e["id"] for e in y["events"]]) for y in body["years"]] == [
        (2019, ["taller-2019"])]  # the 2030 forum has not started; the meeting is hidden
    assert body["groups"] == [{"id": "gt-legal", "title": "Grupo legal",
                               "kind": "working_group", "members": 1,
                               "visibility": "public"}]
    every = viewer.get("/api/v1/events?as_of=all").json
    assert [y["year"] for y in every["years"]] == [2030, 2019]
    analyst = signed_in(app, "analyst")
    assert [e["id"] for y in analyst.get("/api/v1/events").json["years"]
            for e in y["events"]] == ["zz-reunion", "taller-2019"]
    html = viewer.get("/events").get_data(as_text=True)
    assert "Taller binacional" in html and "Reunion reservada" not in html


def test_group_page_members_over_time(app):
    viewer = signed_in(app, "viewer")
    body = viewer.get("/api/v1/groups/gt-legal?as_of=2019-12-31").json
    assert [(m["id"], m["role"], m["in_force"]) for m in body["members"]] == [
        ("casa", "chair", True), ("red", "member", True)]
    years = {r["year"]: r["members"] for r in body["over_time"]}
    assert (years[2018], years[2019], years[2020]) == (1, 2, 1)
    analyst = signed_in(app, "analyst")
    assert "ofi" in {m["id"] for m in analyst.get("/api/v1/groups/gt-legal").json["members"]}
    assert viewer.get("/groups/nope").status_code == 404
    assert "Members over time" in viewer.get("/groups/gt-legal").get_data(as_text=True)


def test_actor_profile_links_its_events_and_groups(app):
    viewer = signed_in(app, "viewer")
    aff = viewer.get("/api/v1/actors/casa").json["affiliations"]
    assert [e["id"] for e in aff["events"]] == ["taller-2019"]  # not the hidden meeting
    assert [(g["id"], g["role"]) for g in aff["groups"]] == [("gt-legal", "chair")]
    html = viewer.get("/actors/casa").get_data(as_text=True)
    assert 'href="/events/taller-2019"' in html and 'href="/groups/gt-legal"' in html
    analyst = signed_in(app, "analyst")
    assert {e["id"] for e in analyst.get("/api/v1/actors/casa").json["affiliations"][
        "events"]} == {"taller-2019", "zz-reunion"}


def test_spanish_event_page(app):
    viewer = signed_in(app, "viewer")
    html = viewer.get("/events/taller-2019?lang=es").get_data(as_text=True)
    assert "Pares que se conocieron por primera vez" in html and "Organizador" in html
    assert "Taller" in html and "Who met whom" not in html


def test_openapi_documents_the_event_endpoints(app):
    doc = signed_in(app, "viewer").get("/api/v1/openapi.json").get_json()
    validate(doc)
    assert {"/events", "/events/{event_id}", "/groups/{group_id}"} <= set(doc["paths"])
    op = doc["paths"]["/events/{event_id}"]["get"]
    assert op["x-permission"] == "view" and "404" in op["responses"]
    assert "as_of" in {p["name"] for p in op["parameters"]}
    assert {"Event", "Group", "EventDetail", "GroupDetail", "EventList"} <= set(
        doc["components"]["schemas"])


# --- the import API twins ----------------------------------------------------------

def _sheet(text, name="registro.csv"):
    import io

    return (io.BytesIO(text.encode("utf-8")), name)


def test_attendance_sheet_api_reports_unmatched_names_and_writes_nothing(app):
    from web_support import assert_error, bearer

    store = app.extensions["graphsvc"].store
    editor = signed_in(app, "editor")
    before = (store.version(), store.get_event("taller-2019"))
    r = editor.post("/api/v1/events/taller-2019/attendance", headers=bearer(editor),
                    data={"sheet": _sheet("Nombre,Organización,Rol\nAna,Red Dos,ponente\n"
                                          "Luis,Colectivo Cautro,\n")},
                    content_type="multipart/form-data")
    err = assert_error(r, 422, "validation_failed")
    (problem,) = err["details"]
    assert (problem["row"], problem["column"], problem["value"]) == (
        3, "Organización", "Colectivo Cautro")
    assert "Colectivo Cuatro (col)" in problem["hint"]
    assert (store.version(), store.get_event("taller-2019")) == before


def test_membership_list_api_and_who_may_call_it(app):
    from web_support import bearer

    store = app.extensions["graphsvc"].store
    editor = signed_in(app, "editor")
    r = editor.post("/api/v1/groups/gt-legal/members", headers=bearer(editor),
                    data={"sheet": _sheet("organization,role,since\nColectivo Cuatro,"
                                          "observer,2021-01-01\n", "m.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.json["listed"] == {"gt-legal": ["col"]} and r.json["records_changed"] == 1
    member = next(m for m in store.get_group("gt-legal").members if m.actor == "col")
    assert (member.role, member.since.isoformat(), member.visibility) == (
        "observer", "2021-01-01", "restricted")
    viewer = signed_in(app, "viewer")
    r = viewer.post("/api/v1/groups/gt-legal/members", headers=bearer(viewer, "viewer1"),
                    data={"sheet": _sheet("organization\nRed Dos\n", "m.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 403
    r = editor.post("/api/v1/groups/gt-legal/members", headers=bearer(editor),
                    data={"sheet": _sheet("x", "m.txt")}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.json["error"]["details"][0]["field"] == "sheet"


def test_event_maps_before_and_after_hand_count(app):
    """The participants' map before the workshop (casa-red 2018, casa-col
    undated) and after it (and red-ofi, red-col, ofi-col since), at the same
    positions; a viewer's without the hidden participant and the restricted
    ofi-col tie."""
    def edges(m):
        return sorted(tuple(sorted((e["from"], e["to"]))) for e in m["edges"])

    analyst = signed_in(app, "analyst").get("/api/v1/events/taller-2019/map").json
    assert edges(analyst["before"]) == [("casa", "col"), ("casa", "red")]
    assert edges(analyst["after"]) == [("casa", "col"), ("casa", "red"), ("col", "ofi"),
                                       ("col", "red"), ("ofi", "red")]
    assert len(analyst["before"]["nodes"]) == len(analyst["after"]["nodes"]) == 5
    pos = [{n["id"]: (n["x"], n["y"]) for n in analyst[w]["nodes"]}
           for w in ("before", "after")]
    assert pos[0] == pos[1]
    viewer = signed_in(app, "viewer")
    seen = viewer.get("/api/v1/events/taller-2019/map").json
    assert {n["id"] for n in seen["after"]["nodes"]} == {"casa", "red", "ofi", "col"}
    assert edges(seen["after"]) == [("casa", "col"), ("casa", "red"), ("col", "red"),
                                    ("ofi", "red")]
    assert viewer.get("/api/v1/events/zz-reunion/map").status_code == 404
    page = viewer.get("/events/taller-2019").get_data(as_text=True)
    assert 'id="map-before"' in page and 'id="map-after"' in page
    assert "Defensora Oculta" not in page
    es = viewer.get("/events/taller-2019?lang=es").get_data(as_text=True)
    assert "Su mapa: antes y después del evento" in es
