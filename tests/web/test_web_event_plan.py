"""Closing the loop of a convening: a plan's invitation list kept with an
event (the plan page's form, its API twin), then, once the attendance is
imported, the event page comparing them: invited and came, invited and
absent, came uninvited, the expected pairs who met and the ties in force 6
and 12 months later. Real SQLite store, real sign-in and CSRF tokens.

The hand-built graph: an encounter on 2020-03-01 whose kept list invited
casa, red, ofi and the restricted zz-oculta, expecting the pairs casa-ofi,
red-ofi, ofi-zz-oculta and casa-zz-oculta. casa, ofi, zz-oculta and col
came (col uninvited, red absent). After it: casa-ofi formal from 2020-04-01
to 2020-10-31 (in force 6 months later, 2020-09-01, ended by 12 months
later, 2021-03-01); ofi-zz-oculta restricted informal from 2020-05-01,
still in force; red-col from 2020-04-01 (not an expected pair).
"""
from __future__ import annotations

import io

import pytest

from graphsvc.history import ChangeInfo
from graphsvc.model import Actor, Event, Tie
from graphsvc.stores.sqlite import SQLiteStore
from web_support import assert_error, bearer, csrf, make_app, signed_in

EDITOR = ChangeInfo(who="editor", path="cli")
ES = {"Accept-Language": "es"}


def A(id, name, kind="cso", country="MX", vis="public"):
    return Actor(id=id, name=name, kind=kind, country=country, visibility=vis)


ACTORS = [A("casa", "Casa Uno", "shelter"), A("red", "Red Dos", "network", "US"),
          A("ofi", "Oficina Tres", "government", "US"), A("col", "Colectivo Cuatro"),
          A("zz-oculta", "Defensora Oculta", "individual", vis="restricted")]
TIES = [
    Tie(source="casa", target="ofi", kind="formal", subtype="mou", since="2020-04-01",
        until="2020-10-31", visibility="public"),
    Tie(source="ofi", target="zz-oculta", kind="informal", since="2020-05-01",
        visibility="restricted"),
    Tie(source="red", target="col", kind="informal", since="2020-04-01", visibility="public"),
]
PLAN = {"invited": ["casa", "red", "ofi", "zz-oculta"],
        "pairs": [["casa", "ofi"], ["red", "ofi"], ["ofi", "zz-oculta"],
                  ["casa", "zz-oculta"]], "planned_on": "2020-01-15"}
CAME = ["casa", "ofi", "zz-oculta", "col"]


def encounter(participants=(), plan=None):
    return Event(id="enc-2020", title="Encuentro binacional", kind="convening",
                 start="2020-03-01", visibility="public", plan=plan,
                 participants=[{"actor": a} for a in participants])


@pytest.fixture
def app(tmp_path):
    store = SQLiteStore(tmp_path / "g.db")
    store.upsert(ACTORS, TIES)
    store.put_records([encounter()], EDITOR)
    app = make_app(store, tmp_path / "g.db")
    yield app
    app.extensions["graphsvc.accounts"].close()
    store.close()


def _sheet(text):
    return (io.BytesIO(text.encode("utf-8")), "registro.csv")


def test_keep_from_the_plan_page_then_import_attendance(app):
    store = app.extensions["graphsvc"].store
    editor = signed_in(app, "editor")
    page = editor.get("/convening/plan?size=4&must=casa").get_data(as_text=True)
    assert "Keep this list for event" in page and 'value="enc-2020"' in page
    viewer = signed_in(app, "viewer")
    assert "Keep this list for event" not in viewer.get("/convening/plan?size=4").get_data(
        as_text=True)
    form = {"event": "enc-2020", "size": "4", "must": "casa"}
    # without the CSRF token nothing is kept
    r = editor.post("/convening/plan/keep", data=form)
    assert r.status_code == 400 and store.get_event("enc-2020").plan is None
    token = csrf(editor, "/convening/plan?size=4")
    r = editor.post("/convening/plan/keep", data={**form, "csrf_token": token})
    assert r.status_code == 303 and r.location.endswith("/events/enc-2020#plan")
    kept = store.get_event("enc-2020").plan
    planned = editor.get("/api/v1/convening/plan?size=4&must=casa").json
    assert kept.invited == [i["id"] for i in planned["invitees"]] and "casa" in kept.invited
    assert len(kept.pairs) == planned["totals"]["pairs"]
    (change,) = [c for c in store.changes(record=("event", "enc-2020"))
                 if c.action == "update"]
    assert (change.who, change.path) == ("editor1", "form")
    # a viewer may not keep a list; an unknown event is a 404 and nothing is kept
    r = viewer.post("/convening/plan/keep",
                    data={**form, "csrf_token": csrf(viewer, "/convening/plan?size=4")})
    assert r.status_code == 403
    r = editor.post("/api/v1/events/nope/plan", headers=bearer(editor), json={"size": 4})
    assert_error(r, 404, "not_found")
    # before the attendance: every invitee absent, the page says so
    body = editor.get("/api/v1/events/enc-2020").json["plan"]
    assert body["attendance_recorded"] is False and body["invited_came"] == []
    assert "No attendance recorded yet" in editor.get("/events/enc-2020").get_data(as_text=True)
    # the sign-in sheet arrives
    sheet = "Nombre,Organización\n" + "".join(
        f"x,{a.name}\n" for a in ACTORS if a.id in ("casa", "ofi", "col"))
    r = editor.post("/api/v1/events/enc-2020/attendance", headers=bearer(editor),
                    data={"sheet": _sheet(sheet)}, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)
    body = editor.get("/api/v1/events/enc-2020").json["plan"]
    came = {"casa", "ofi", "col"}
    assert {a["id"] for a in body["invited_came"]} == came & set(kept.invited)
    assert {a["id"] for a in body["came_uninvited"]} == came - set(kept.invited)
    assert {a["id"] for a in body["invited_absent"]} == set(kept.invited) - came


def test_api_twin_keeps_the_plan_and_a_second_identical_one_changes_nothing(app):
    store = app.extensions["graphsvc"].store
    editor = signed_in(app, "editor")
    r = editor.post("/api/v1/events/enc-2020/plan", headers=bearer(editor),
                    json={"size": 3, "must": ["casa", "red"], "exclude": "col"})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.json["event"] == "enc-2020" and r.json["change"] is not None
    assert set(r.json["invited"][:2]) == {"casa", "red"} and "col" not in r.json["invited"]
    assert store.get_event("enc-2020").plan.invited == r.json["invited"]
    again = editor.post("/api/v1/events/enc-2020/plan", headers=bearer(editor),
                        json={"size": 3, "must": ["casa", "red"], "exclude": "col"})
    assert again.json["change"] is None
    bad = editor.post("/api/v1/events/enc-2020/plan", headers=bearer(editor),
                      json={"size": 1})
    assert_error(bad, 400, "bad_request")


@pytest.fixture
def attended(app):
    store = app.extensions["graphsvc"].store
    store.update_record(encounter(CAME, PLAN), EDITOR)
    return app


def test_planned_vs_attended_hand_count(attended):
    analyst = signed_in(attended, "analyst")
    p = analyst.get("/api/v1/events/enc-2020").json["plan"]
    ids = {k: [a["id"] for a in p[k]] for k in ("invited_came", "invited_absent",
                                               "came_uninvited")}
    assert ids == {"invited_came": ["casa", "zz-oculta", "ofi"], "invited_absent": ["red"],
                   "came_uninvited": ["col"]}  # sorted by name
    # expected 4; met (both came): casa-ofi, ofi-zz-oculta, casa-zz-oculta
    assert (p["invited"], p["expected_pairs"], p["expected_met"]) == (4, 4, 3)
    # 6 months (2020-09-01): casa-ofi and ofi-zz-oculta; 12 months (2021-03-01):
    # casa-ofi had ended, ofi-zz-oculta holds; red-col is no expected pair
    assert [(f["months"], f["day"], f["pairs"]) for f in p["followed"]] == [
        (6, "2020-09-01", 2), (12, "2021-03-01", 1)]
    assert p["planned_on"] == "2020-01-15"


def test_a_viewer_never_sees_a_restricted_invitee(attended, tmp_path):
    viewer = signed_in(attended, "viewer")
    body = viewer.get("/api/v1/events/enc-2020").json
    p = body["plan"]
    assert [a["id"] for a in p["invited_came"]] == ["casa", "ofi"]
    assert (p["invited"], p["expected_pairs"], p["expected_met"]) == (3, 2, 1)
    assert [f["pairs"] for f in p["followed"]] == [1, 0]  # the restricted tie not counted
    page = viewer.get("/events/enc-2020").get_data(as_text=True)
    assert "Defensora Oculta" not in page and "zz-oculta" not in page
    assert "Planned and attended" in page
    # the same answer as a store that never held the restricted records
    public = SQLiteStore(tmp_path / "public.db")
    public.upsert([a for a in ACTORS if a.visibility == "public"],
                  [t for t in TIES if t.visibility == "public"])
    public.put_records([encounter([a for a in CAME if a != "zz-oculta"], {
        "invited": ["casa", "red", "ofi"], "pairs": [["casa", "ofi"], ["red", "ofi"]],
        "planned_on": "2020-01-15"})], EDITOR)
    ref_app = make_app(public, tmp_path / "public.db")
    reference = signed_in(ref_app, "analyst").get("/api/v1/events/enc-2020").json
    assert reference["plan"] == p
    ref_app.extensions["graphsvc.accounts"].close()
    public.close()


def test_event_page_plan_section_in_spanish(attended):
    analyst = signed_in(attended, "analyst")
    es = analyst.get("/events/enc-2020?lang=es", headers=ES).get_data(as_text=True)
    assert "Planificado y asistido" in es and "Invitados que vinieron" in es
