"""The co-participation layer on the web: ``?layers=`` on the metrics, the
indicators, the dashboard and the map (and their OpenAPI parameter), the
layer counted only when named. Real SQLite store with real events.

The graph: casa-red formal (2018); a workshop on 2019-05-10 attended by
red, ofi and col, none of them otherwise tied. The recorded ties make
three components (casa-red, ofi, col); counting the workshop's
co-participation ties (red-ofi, red-col, ofi-col) makes one.
"""
from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from graphsvc.history import ChangeInfo
from graphsvc.model import Actor, Event, Tie
from graphsvc.stores.sqlite import SQLiteStore
from web_support import assert_error, make_app, signed_in

EDITOR = ChangeInfo(who="editor", path="cli")
LAYERED = "formal,informal,funding,co_participation"


def A(id, name, kind="cso", country="MX"):
    return Actor(id=id, name=name, kind=kind, country=country, visibility="public")


ACTORS = [A("casa", "Casa Uno", "shelter"), A("red", "Red Dos", "network", "US"),
          A("ofi", "Oficina Tres", "government", "US"), A("col", "Colectivo Cuatro")]
TIES = [Tie(source="casa", target="red", kind="formal", since="2018-01-01",
            visibility="public")]
EVENTS = [Event(id="taller-2019", title="Taller binacional", kind="workshop",
                start="2019-05-10", visibility="public",
                participants=[{"actor": "red"}, {"actor": "ofi"}, {"actor": "col"}])]


@pytest.fixture
def viewer(tmp_path):
    store = SQLiteStore(tmp_path / "g.db")
    store.upsert(ACTORS, TIES)
    store.put_records(EVENTS, EDITOR)
    app = make_app(store, tmp_path / "g.db")
    yield signed_in(app, "viewer")
    app.extensions["graphsvc.accounts"].close()
    store.close()


def _indicator(body, name):
    return next(r for r in body["items"] if r["name"] == name)


def _metrics(client, query=""):
    r = client.get(f"/api/v1/metrics?limit=100&fresh=1{query}")
    assert r.status_code == 200, r.get_data(as_text=True)
    return {row["id"]: row for row in r.json["items"]}


def test_the_layer_changes_the_figures_only_when_named(viewer):
    default = _metrics(viewer)
    assert _metrics(viewer, "&layers=formal,informal,funding") == default
    layered = _metrics(viewer, f"&layers={LAYERED}")
    assert _metrics(viewer, f"&kinds={LAYERED}") == layered  # the synonym
    # red now lies between casa and the workshop's others; ofi and col reach
    # everyone (three components became one)
    assert default["red"]["betweenness"] == 0 and layered["red"]["betweenness"] > 0
    assert default["ofi"]["closeness"] == 0 and layered["ofi"]["closeness"] > 0
    assert layered["ofi"]["degree"] == default["ofi"]["degree"] == 0  # recorded ties only
    plain = viewer.get("/api/v1/indicators").json
    counted = viewer.get(f"/api/v1/indicators?layers={LAYERED}").json
    assert _indicator(plain, "components")["value"] == 3
    assert _indicator(counted, "components")["value"] == 1
    # the layer alone: only the workshop's three ties
    alone = viewer.get("/api/v1/indicators?layers=co_participation").json
    assert _indicator(alone, "components")["value"] == 2  # casa alone; red, ofi, col


def test_the_map_draws_the_layer_only_when_named(viewer):
    plain = viewer.get("/api/v1/map").json
    layered = viewer.get(f"/api/v1/map?layers={LAYERED}").json
    assert len(plain["edges"]) == 1 and len(layered["edges"]) == 4
    assert layered["shown"]["edges"] == 4
    assert "co_participation" not in str(plain["edges"])
    assert "Co-participation" in str(layered["edges"]) and layered["layered"] is True
    es = viewer.get(f"/api/v1/map?layers={LAYERED}&lang=es").json
    assert "Participación compartida" in str(es["edges"])


def test_an_unknown_layer_is_a_400_and_the_parameter_is_documented(viewer):
    assert_error(viewer.get("/api/v1/metrics?layers=events"), 400, "bad_request")
    spec = viewer.get("/api/v1/openapi.json").json
    validate(spec)
    for path in ("/metrics", "/metrics.csv", "/indicators", "/map", "/dashboard"):
        names = [p["name"] for p in spec["paths"][path]["get"].get(
            "parameters", [])]
        assert "layers" in names, path


def test_dashboard_and_map_pages_switch_the_layer_in_both_languages(viewer):
    page = viewer.get("/").get_data(as_text=True)
    assert 'id="layers-state">left out<' in page
    assert f'href="/?layers={LAYERED}"' in page
    page = viewer.get(f"/map?layers={LAYERED}").get_data(as_text=True)
    assert 'id="layers-state">counted<' in page
    assert f'name="layers" value="{LAYERED}"' in page  # the map's forms keep it
    es = viewer.get(f"/map?layers={LAYERED}&lang=es").get_data(as_text=True)
    assert "Vínculos por eventos y grupos compartidos (participación compartida):" in es
    assert viewer.get("/actors").get_data(as_text=True).count('id="layers-state"') == 0
