"""The network over time in the web app: ?as_of= on every page and answer,
the changes and monitoring pages and their API twins, trends, and the map
over time (one layout, ended ties greyed) on the illustrative network."""
from __future__ import annotations

import pytest

from graphsvc.illustrative import load_illustrative
from graphsvc.snapshot import today
from graphsvc.stores.sqlite import SQLiteStore
from web_support import assert_error, make_app, signed_in


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("webtime") / "graph.db"
    store = SQLiteStore(path)
    load_illustrative(store)
    app = make_app(store, path)
    yield app, signed_in(app, "analyst")
    app.extensions["graphsvc.accounts"].close()
    store.close()


def test_every_answer_states_its_day(world):
    _app, client = world
    assert client.get("/api/v1/dashboard").get_json()["dataset"]["as_of"] == today()
    then = client.get("/api/v1/dashboard?as_of=2018-01-01").get_json()
    assert then["dataset"]["as_of"] == "2018-01-01"
    ever = client.get("/api/v1/dashboard?as_of=all").get_json()
    now = client.get("/api/v1/dashboard").get_json()
    assert then["counts"]["ties"] < ever["counts"]["ties"]
    assert now["counts"]["ties"] < ever["counts"]["ties"]  # some ties have ended
    page = client.get("/?as_of=2018-01-01&lang=en").get_data(as_text=True)
    assert "Ties in force on 2018-01-01." in page
    assert 'name="as_of" value="2018-01-01"' in page
    es = client.get("/?as_of=all&lang=es").get_data(as_text=True)
    assert "Todo el periodo: se cuentan todos los vínculos" in es


@pytest.mark.parametrize("value", ["2018-13-01", "yesterday", "31/12/2021"])
def test_a_bad_day_is_a_400_in_the_one_error_shape(world, value):
    _app, client = world
    r = client.get(f"/api/v1/indicators?as_of={value}")
    assert_error(r, 400, "bad_request")
    assert r.get_json()["error"]["details"][0]["field"] == "as_of"
    assert client.get(f"/?as_of={value}").status_code == 400


def test_actor_profile_lists_the_ties_in_force(world):
    _app, client = world
    ever = client.get("/api/v1/actors/sica?as_of=all").get_json()
    now = client.get("/api/v1/actors/sica").get_json()
    assert any(t["id"] == "formal:sica--unhcr:mou" for t in ever["ties"]["formal"])
    assert not any(t["id"] == "formal:sica--unhcr:mou" for t in now["ties"]["formal"])


def test_changes_page_and_api(world):
    _app, client = world
    body = client.get("/api/v1/changes?from=2018-01-01").get_json()
    assert body["from"] == "2018-01-01" and body["to"] == today()
    assert body["ties_begun"] and body["ties_ended"]
    page = client.get("/changes?from=2018-01-01&lang=en").get_data(as_text=True)
    assert f"What changed from 2018-01-01 to {today()}" in page
    assert f'id="ties-begun">{len(body["ties_begun"])}<' in page
    csv_text = client.get("/changes.csv?from=2018-01-01").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("change,id,source")
    assert len(csv_text.splitlines()) == 1 + len(body["ties_begun"]) + len(body["ties_ended"])
    assert_error(client.get("/api/v1/changes?from=2020-01-01&to=2019-01-01"), 400,
                 "bad_request")


def test_monitoring_page_and_api(world):
    _app, client = world
    body = client.get("/api/v1/monitoring?from=2022-01-01&to=2024-12-31").get_json()
    c = body["counts"]
    assert c["proposed"] >= c["made"] >= c["tie_after_months"] >= c["tie_after_year"] > 0
    assert body["months"] == 6 and body["declined"] == 1
    page = client.get("/monitoring?from=2022-01-01&to=2024-12-31&lang=es")
    assert page.status_code == 200
    assert "Presentaciones: de la propuesta a un vínculo duradero" in page.get_data(
        as_text=True)
    assert_error(client.get("/api/v1/monitoring?months=13"), 400, "bad_request")
    rows = client.get("/monitoring.csv?from=2022-01-01&to=2024-12-31").get_data(
        as_text=True).splitlines()
    assert len(rows) == 1 + len(body["pairs"])


def test_trends_api_csv_and_dashboard_chart(world):
    _app, client = world
    body = client.get("/api/v1/trends").get_json()
    assert body["dates"][-1] == today() and body["period"] == "year"
    csv_rows = client.get("/api/v1/trends.csv").get_data(as_text=True).splitlines()
    assert len(csv_rows) == 1 + len(body["dates"])
    page = client.get("/").get_data(as_text=True)
    assert page.count('<figure class="trend"') == len(body["series"])
    assert 'class="survey"' in page  # the 2021 reference line


def test_map_keeps_positions_across_days_and_greys_ended_ties(world):
    _app, client = world
    maps = {day: client.get(f"/api/v1/map?as_of={day}").get_json()
            for day in ("2016-12-31", "2020-12-31", "all")}
    maps["today"] = client.get("/api/v1/map").get_json()
    where = {k: {n["id"]: (n["x"], n["y"]) for n in m["nodes"]} for k, m in maps.items()}
    for k in where:
        assert where[k] == where["all"], k  # the actors do not move
    counts = {k: len(m["edges"]) for k, m in maps.items()}
    assert counts["2016-12-31"] < counts["2020-12-31"] < counts["all"]
    ended = [e for e in maps["all"]["edges"] if e.get("ended")]
    assert ended and maps["all"]["ended"] == len(ended)
    assert all(e["color"] == "#b0b0b0" for e in ended)
    assert not any(e.get("ended") for e in maps["today"]["edges"])
    page = client.get("/map?as_of=all").get_data(as_text=True)
    assert 'id="map-timeline"' in page and 'id="ended-legend"' in page


def test_openapi_documents_as_of_and_the_time_answers(world):
    _app, client = world
    spec = client.get("/api/v1/openapi.json").get_json()
    params = [p["name"] for p in spec["paths"]["/indicators"]["get"]["parameters"]]
    assert "as_of" in params
    for path in ("/changes", "/trends", "/trends.csv", "/monitoring"):
        assert path in spec["paths"]
