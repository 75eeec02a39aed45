"""The JSON API: data, filters, pagination, and one error shape for every
bad input (never a 500)."""
import pytest
from openapi_spec_validator import validate

from graphsvc.errors import Problem, StoreUnavailable, ValidationFailed
from web_support import ACTORS, IMG, TIES, assert_error


def test_actors_list_counts_and_ties(client):
    body = client.get("/api/v1/actors").get_json()
    assert body["total"] == len(ACTORS)
    by_id = {a["id"]: a for a in body["items"]}
    # sinfronteras: funding+formal+informal with unhcr, informal with img and script
    assert by_id["sinfronteras"]["degree"] == 5
    assert by_id["isolated"]["degree"] == 0
    assert by_id["img"]["name"] == IMG  # JSON carries the text as typed


def test_actors_filters_and_pagination(client):
    body = client.get("/api/v1/actors?country=MX&kind=cso").get_json()
    assert [a["id"] for a in body["items"]] == ["sinfronteras"]
    body = client.get("/api/v1/actors?issue_area=legal_aid").get_json()
    assert {a["id"] for a in body["items"]} == {"sinfronteras", "script"}
    body = client.get("/api/v1/actors?q=mexico").get_json()  # accent-insensitive city
    assert [a["id"] for a in body["items"]] == ["sinfronteras"]
    first = client.get("/api/v1/actors?limit=3").get_json()
    second = client.get("/api/v1/actors?limit=3&offset=3").get_json()
    assert first["total"] == second["total"] == len(ACTORS)
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert len(ids) == 6 and len(set(ids)) == 6


def test_actor_profile_groups_ties(client):
    body = client.get("/api/v1/actors/sinfronteras").get_json()
    assert body["actor"]["name"] == "Sin Fronteras I.A.P."
    assert {k: len(v) for k, v in body["ties"].items()} == {
        "formal": 1, "informal": 3, "funding": 1}
    funding = body["ties"]["funding"][0]
    assert funding["direction"] == "in" and funding["other"]["id"] == "unhcr"
    assert funding["provenance"] == "import"


def test_ties_of_actor_and_kind(client):
    body = client.get("/api/v1/actors/unhcr/ties?kind=funding").get_json()
    assert {t["id"] for t in body["items"]} == {
        "funding:prm->unhcr:2020", "funding:unhcr->sinfronteras:2020"}
    body = client.get("/api/v1/ties?kind=formal&kind=informal").get_json()
    assert body["total"] == sum(t.kind != "funding" for t in TIES)


def test_dashboard_counts(client):
    body = client.get("/api/v1/dashboard").get_json()
    assert body["counts"] == {"actors": 7, "ties": 8, "countries": 4}
    kinds = {r["value"]: r["count"] for r in body["actors_by_kind"]}
    assert kinds == {"cso": 2, "international_org": 1, "government": 1, "shelter": 1,
                     "faith_based": 1, "migrant_led": 1}
    assert {r["value"]: r["count"] for r in body["ties_by_kind"]} == {
        "formal": 2, "informal": 4, "funding": 2}
    # by hand: prm(US)->unhcr(INT), unhcr->sinfronteras x3 (INT-MX),
    # img(MX)-script(US), sinfronteras(MX)-script(US); the rest are MX-MX
    assert body["cross_border_ties"] == 6
    assert body["dataset"]["illustrative"] is False


def test_map_data(client):
    body = client.get("/api/v1/map").get_json()
    assert body["shown"] == {"nodes": 7, "edges": 8}
    assert body["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) for n in body["nodes"])
    body = client.get("/api/v1/map?ego=isolated").get_json()
    assert [n["id"] for n in body["nodes"]] == ["isolated"]
    body = client.get("/api/v1/map?ego=prm&depth=2").get_json()
    assert {n["id"] for n in body["nodes"]} == {"prm", "unhcr", "sinfronteras"}
    body = client.get("/api/v1/map?tie_kind=funding&min_degree=2").get_json()
    # ties in the whole graph (by hand): sinfronteras 5, unhcr 4, img 3,
    # script 2, prm 1, href 1, isolated 0
    assert {n["id"] for n in body["nodes"]} == {"unhcr", "sinfronteras", "img", "script"}
    assert [(e["from"], e["to"]) for e in body["edges"]] == [("unhcr", "sinfronteras")]
    assert {e["kind"] for e in body["edges"]} == {"funding"}


@pytest.mark.parametrize("url, fields", [
    ("/api/v1/actors?limit=abc", {"limit"}),
    ("/api/v1/actors?limit=0&offset=-1", {"limit", "offset"}),
    ("/api/v1/actors?limit=100000", {"limit"}),
    ("/api/v1/actors?kind=dragon&country=XX", {"kind", "country"}),
    ("/api/v1/actors?kind=cso&kind=shelter", {"kind"}),
    ("/api/v1/actors?issue_area=%3Cscript%3E", {"issue_area"}),
    ("/api/v1/actors?q=" + "x" * 500, {"q"}),
    ("/api/v1/ties?kind=friendship", {"kind"}),
    ("/api/v1/map?depth=4", {"depth"}),
    ("/api/v1/map?depth=two&min_degree=-1", {"depth", "min_degree"}),
    ("/api/v1/map?size_by=magic", {"size_by"}),
    ("/api/v1/map?tie_kind=love&kind=x", {"tie_kind", "kind"}),
])
def test_bad_parameters_are_400_with_every_problem(client, url, fields):
    err = assert_error(client.get(url), 400, "bad_request")
    assert {d["field"] for d in err["details"]} == fields
    assert all(d["message"] for d in err["details"])


@pytest.mark.parametrize("url", [
    "/api/v1/actors/nobody", "/api/v1/actors/nobody/ties", "/api/v1/ties?actor=nobody",
    "/api/v1/map?ego=nobody", "/api/v1/no/such/thing",
])
def test_unknown_is_404(client, url):
    assert_error(client.get(url), 404, "not_found")


def test_wrong_method_is_405_in_shape(client):
    assert_error(client.post("/api/v1/dashboard"), 405, "method_not_allowed")


def test_store_unavailable_is_503(app, client, monkeypatch):
    def down(*a, **k):
        raise StoreUnavailable("bolt://db:7687", "connection refused")
    service = app.extensions["graphsvc"]
    monkeypatch.setattr(service.store, "find_actors", down)
    monkeypatch.setattr(service, "snapshot", down)
    err = assert_error(client.get("/api/v1/actors"), 503, "store_unavailable")
    assert err["message"] == "graph database unavailable"
    assert "bolt://" not in str(err)  # the address is for the log, not the client
    page = client.get("/actors")
    assert page.status_code == 503
    assert "graph database unavailable" in page.get_data(as_text=True)


def test_validation_failed_is_422_with_details(app, client, monkeypatch):
    problems = [Problem("unknown actor kind 'x'", file="a.csv", row=3, column="kind")]

    def invalid(*a, **k):
        raise ValidationFailed(problems)
    monkeypatch.setattr(app.extensions["graphsvc"], "snapshot", invalid)
    err = assert_error(client.get("/api/v1/dashboard"), 422, "validation_failed")
    assert err["details"] == [p.to_dict() for p in problems]
    page = client.get("/")
    assert page.status_code == 422 and "a.csv" in page.get_data(as_text=True)


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/actors", "/actors/{actor_id}", "/actors/{actor_id}/ties", "/ties", "/map",
            "/dashboard"} <= set(doc["paths"])
    assert {p["name"] for p in doc["paths"]["/map"]["get"]["parameters"]} >= {
        "kind", "country", "city", "issue_area", "tie_kind", "min_degree", "ego", "depth"}
    assert "Error" in doc["components"]["schemas"]
    validate(doc)  # a valid OpenAPI 3 document
    assert doc["components"]["schemas"]["Actor"]["properties"]["kind"]


@pytest.mark.parametrize("url", ["/", "/map", "/api/v1/actors", "/api/v1/nope"])
def test_security_headers(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_every_size_measure_has_its_function():
    from graphsvc.web.data import MEASURES
    from graphsvc.web.params import SIZE_MEASURES
    assert set(SIZE_MEASURES) == set(MEASURES)
