"""Introductions on the web: the profile section, the per-actor report and
the network plan with their CSV/JSON downloads, recording outcomes, and
the API twins; bad parameters answer 400/404 in the error shape.

Expected candidates and brokers are worked by hand from web_fixtures.TIES:
sinfronteras is tied to unhcr, img and script, so its candidates are prm,
href and isolated; prm's only contact is unhcr (funding), which is also tied
to sinfronteras; href's only contact is img, tied to sinfronteras too.
"""
from __future__ import annotations

import csv
import io

import pytest

from ingest_support import state
from web_support import IMG, SCRIPT, assert_error, bearer, csrf

ES = {"Accept-Language": "es"}


def api_suggestions(client, actor="sinfronteras", **args):
    r = client.get(f"/api/v1/actors/{actor}/introductions", query_string=args)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def test_suggestions_exclude_tied_actors_and_name_real_brokers(client, store):
    body = api_suggestions(client, limit=10, mode="open")
    got = {s["actor"]: s for s in body["suggestions"]}
    assert set(got) <= {"prm", "href", "isolated"} and {"prm", "href"} <= set(got)
    assert got["prm"]["broker"]["broker"] == "unhcr"
    assert got["href"]["broker"]["broker"] == "img"
    for s in body["suggestions"]:
        if s["broker"] and s["broker"]["type"] == "mutual_contact":
            z = s["broker"]["broker"]
            ends = {t.source if t.target == z else t.target for t in store.ties(z)}
            assert {"sinfronteras", s["actor"]} <= ends  # tied to both sides
    assert [s["rank"] for s in body["suggestions"]] == list(range(1, len(got) + 1))
    scores = [s["score"] for s in body["suggestions"]]
    assert scores == sorted(scores, reverse=True)
    # reasons carry their code and points; the points add up to the score
    for s in body["suggestions"]:
        assert sum(r["points"] for r in s["reasons"]) == pytest.approx(s["score"], abs=1e-3)
    assert body["dataset"]["illustrative"] is False


def test_default_mode_follows_the_actors_kind(client):
    # sinfronteras is a Mexican CSO: peers first (model.CIVIL_SOCIETY_KINDS);
    # prm, a US government body, gets the open mode
    assert api_suggestions(client)["mode"] == "peer"
    assert api_suggestions(client, actor="prm")["mode"] == "open"
    html = client.get("/actors/sinfronteras").get_data(as_text=True)
    assert '<option value="peer" selected>' in html
    assert "/actors/sinfronteras/introductions?mode=peer" in html


def test_modes_change_the_candidates(client):
    policy = api_suggestions(client, mode="policymaker")
    assert [s["actor"] for s in policy["suggestions"]] == ["prm"]  # the one US policymaker
    funder = api_suggestions(client, mode="funder")
    assert {s["actor"] for s in funder["suggestions"]} <= {"prm"}
    assert policy["mode"] == "policymaker" and policy["mode_text"].startswith("Policymakers")


@pytest.mark.parametrize("query, field", [
    ({"mode": "friends"}, "mode"), ({"limit": "0"}, "limit"), ({"limit": "x"}, "limit"),
    ({"limit": "51"}, "limit"), ({"kind": "bank"}, "kind"), ({"country": "Narnia"}, "country"),
])
def test_bad_suggestion_parameters(client, query, field):
    err = assert_error(client.get("/api/v1/actors/sinfronteras/introductions",
                                  query_string=query), 400, "bad_request")
    assert [d["field"] for d in err["details"]] == [field]
    r = client.get("/actors/sinfronteras/introductions", query_string=query)
    assert r.status_code == 400
    assert client.get("/actors/sinfronteras/introductions.csv",
                      query_string=query).status_code == 400


def test_unknown_actor_is_404_everywhere(client):
    assert_error(client.get("/api/v1/actors/nobody/introductions"), 404, "not_found")
    for path in ("/actors/nobody/introductions", "/actors/nobody/introductions.csv",
                 "/actors/nobody/introductions.json"):
        assert client.get(path).status_code == 404


def test_profile_shows_suggestions_with_broker_and_mode(client):
    html = client.get("/actors/sinfronteras?mode=open").get_data(as_text=True)
    assert "Not available yet in this version: suggested introductions" not in html
    assert 'class="suggestion-name" href="/actors/prm"' in html
    assert "Ask UNHCR" in html
    # the editor's page offers a form per suggestion, with its CSRF token
    assert html.count('<form class="record"') == html.count(
        'class="record" method="post" action="/introductions">\n  <input type="hidden" '
        'name="csrf_token"') > 0
    html = client.get("/actors/sinfronteras?mode=policymaker").get_data(as_text=True)
    assert '<option value="policymaker" selected>' in html
    assert 'href="/actors/href"' not in html.split('id="introductions"')[1].split("</ol>")[0]
    assert client.get("/actors/sinfronteras?mode=zz").status_code == 400


def test_report_page_downloads_and_escaping(client):
    r = client.get("/actors/sinfronteras/introductions?mode=open")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "<h1>Suggested introductions</h1>" in html
    assert IMG not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert(1)" not in html
    assert 'href="/actors/sinfronteras/introductions.csv?mode=open&amp;limit=10"' in html
    assert "How to read this report" in html


def test_report_csv_is_the_report(client):
    r = client.get("/actors/sinfronteras/introductions.csv?mode=open")
    assert r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == \
        "attachment; filename=introductions-sinfronteras-open.csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    api = api_suggestions(client, mode="open")["suggestions"]
    assert [(x["Actor id"], x["Broker id"]) for x in rows] == [
        (s["actor"], s["broker"]["broker"] if s["broker"] else "") for s in api]
    names = {x["Actor id"]: x["Name"] for x in rows}
    assert names["href"].startswith("Casa <a href=")  # text as typed, not markup
    j = client.get("/actors/sinfronteras/introductions.json?mode=open")
    assert j.headers["Content-Disposition"] == \
        "attachment; filename=introductions-sinfronteras-open.json"
    assert j.get_json()["suggestions"] == api


def test_report_in_spanish(client):
    html = client.get("/actors/sinfronteras/introductions?mode=open",
                      headers=ES).get_data(as_text=True)
    assert "<h1>Presentaciones sugeridas</h1>" in html
    assert "1 contacto en común (UNHCR)" in html
    text = client.get("/actors/sinfronteras/introductions.csv",
                      headers=ES).get_data(as_text=True)
    assert text.splitlines()[0].startswith("Puesto,Identificador del actor,Nombre")
    r = client.get("/api/v1/actors/sinfronteras/introductions?mode=peer", headers=ES)
    assert r.get_json()["mode_text"].startswith("Pares")


def test_plan_page_and_downloads(client):
    r = client.get("/introductions/plan?k=2&goal=policymaker_reach")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "<h1>Introductions plan</h1>" in html and IMG not in html
    body = client.get("/api/v1/introductions/plan?k=2").get_json()
    assert body["goal"] == "policymaker_reach" and len(body["steps"]) <= 2
    assert body["before"]["total"] == 3  # the Mexican civil society: sinfronteras, img, href
    assert body["after"]["count"] >= body["before"]["count"]
    rows = list(csv.DictReader(io.StringIO(
        client.get("/introductions/plan.csv?k=2").get_data(as_text=True))))
    assert [(x["Id of one side"], x["Id of the other side"]) for x in rows] == [
        (s["source"], s["target"]) for s in body["steps"]]
    cb = client.get("/api/v1/introductions/plan?goal=community_bridges&k=1")
    assert cb.status_code == 200


@pytest.mark.parametrize("query, fields", [
    ("k=0", ["k"]), ("k=51", ["k"]), ("k=two", ["k"]), ("goal=world_peace", ["goal"]),
    ("hops=4", ["hops"]), ("k=0&goal=x", ["k", "goal"]),
])
def test_bad_plan_parameters(client, query, fields):
    err = assert_error(client.get("/api/v1/introductions/plan?" + query), 400, "bad_request")
    assert [d["field"] for d in err["details"]] == fields
    assert client.get("/introductions/plan?" + query).status_code == 400


def test_record_from_the_form_redirects_back_and_changes_suggestions(client, store):
    r = client.post("/introductions", data={"csrf_token": csrf(client),
        "from": "sinfronteras", "to": "prm", "via": "unhcr", "status": "declined",
        "note": SCRIPT, "next": "/actors/sinfronteras?mode=open#introductions"})
    assert r.status_code == 303
    assert r.headers["Location"] == "/actors/sinfronteras?mode=open#introductions"
    [rec] = store.introductions("sinfronteras")
    assert (rec.target, rec.via, rec.status, rec.note) == ("prm", "unhcr", "declined", SCRIPT)
    # a declined introduction is never suggested again
    assert "prm" not in {s["actor"] for s in api_suggestions(client)["suggestions"]}
    html = client.get("/actors/sinfronteras/introductions").get_data(as_text=True)
    assert "Introductions recorded" in html and SCRIPT not in html


def test_record_made_becomes_a_tie(client, store):
    r = client.post("/api/v1/introductions", headers=bearer(client), json={
        "from": "sinfronteras", "to": "href", "via": "img", "status": "made"})
    assert r.status_code == 201
    assert r.get_json()["status"] == "made"
    tie = [t for t in store.ties("sinfronteras") if "href" in (t.source, t.target)]
    assert [(t.kind, t.provenance, t.visibility) for t in tie] == [
        ("informal", "introduction", "restricted")]
    assert "href" not in {s["actor"] for s in api_suggestions(client)["suggestions"]}


def test_redirect_never_leaves_the_site(client):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        r = client.post("/introductions", data={"csrf_token": csrf(client),
                                                "from": "sinfronteras", "to": "isolated",
                                                "status": "proposed", "next": target})
        assert r.headers["Location"] == "/actors/sinfronteras"


@pytest.mark.parametrize("body, status, code", [
    ({"from": "sinfronteras", "to": "prm", "status": "maybe"}, 400, "bad_request"),
    ({"from": "sinfronteras", "status": "made"}, 400, "bad_request"),
    ({"from": "sinfronteras", "to": "nobody", "status": "made"}, 404, "not_found"),
    ({"from": "sinfronteras", "to": "prm", "via": "ghost", "status": "made"}, 404,
     "not_found"),
    ({"from": "sinfronteras", "to": "sinfronteras", "status": "made"}, 422,
     "validation_failed"),
])
def test_record_bad_input_writes_nothing(client, store, body, status, code):
    before = state(store)
    assert_error(client.post("/api/v1/introductions", headers=bearer(client),
                             json=body), status, code)
    form = {**body, "csrf_token": csrf(client)}
    assert client.post("/introductions", data=form).status_code == status
    assert state(store) == before


def test_record_api_refuses_a_json_list(client):
    assert_error(client.post("/api/v1/introductions", headers=bearer(client),
                             json=["x"]), 400, "bad_request")


def test_openapi_documents_the_introduction_endpoints(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert "get" in spec["paths"]["/actors/{actor_id}/introductions"]
    assert "get" in spec["paths"]["/introductions/plan"]
    assert "post" in spec["paths"]["/introductions"]
    # the document says what the endpoint answers: 201 Created
    assert set(spec["paths"]["/introductions"]["post"]["responses"]) >= {"201", "422"}
    assert "200" not in spec["paths"]["/introductions"]["post"]["responses"]


def _plans(app) -> list:
    return [k for k in app.extensions["graphsvc"].cache.keys() if k.name == "plan"]


def test_plan_is_computed_once_per_version_and_worded_per_request(client, app, store):
    # the goal named: by default it is chosen from the data, which the write changes
    PLAN = "/api/v1/introductions/plan?k=1&goal=policymaker_reach&hops=2"
    first = client.get(PLAN).get_json()
    [key] = _plans(app)
    misses = app.extensions["graphsvc"].cache.misses
    es = client.get(PLAN, headers=ES).get_json()
    assert _plans(app) == [key]  # served from the cache
    assert app.extensions["graphsvc"].cache.misses == misses
    assert es["indicator"].startswith("Proporción") and first["indicator"].startswith("Share")
    assert [(s["source"], s["target"]) for s in es["steps"]] == \
        [(s["source"], s["target"]) for s in first["steps"]]
    step = first["steps"][0]
    # recording the planned introduction as made moves the version: a new plan
    r = client.post("/api/v1/introductions", headers=bearer(client), json={
        "from": step["source"], "to": step["target"], "status": "made"})
    assert r.status_code == 201
    again = client.get(PLAN).get_json()
    [new] = _plans(app)  # the old version's plan is gone with its version
    assert new.version > key.version
    assert again["before"]["count"] == first["after"]["count"]


def test_report_filters(client):
    body = api_suggestions(client, country="MX", mode="open")
    assert [s["actor"] for s in body["suggestions"]] == ["href"]  # the one MX candidate
    html = client.get("/actors/sinfronteras/introductions?mode=open&country=MX&kind=faith_based"
                      ).get_data(as_text=True)
    assert '<option value="MX" selected>' in html
    assert 'class="suggestion-name" href="/actors/href"' in html
    assert 'href="/actors/prm"' not in html.split('<ol class="suggestions">')[1]
    csv_link = 'introductions.csv?mode=open&amp;limit=10&amp;country=MX&amp;kind=faith_based'
    assert csv_link in html


def test_only_editors_record_outcomes(app, store):
    from web_support import signed_in

    before = state(store)
    analyst = signed_in(app, "analyst")
    html = analyst.get("/actors/sinfronteras?mode=open").get_data(as_text=True)
    assert "Ask UNHCR" in html and '<form class="record"' not in html
    body = {"from": "sinfronteras", "to": "prm", "status": "declined"}
    assert_error(analyst.post("/api/v1/introductions", headers=bearer(analyst, "analyst1"),
                              json=body), 403, "forbidden")
    r = analyst.post("/introductions", data={**body, "csrf_token": csrf(analyst)})
    assert r.status_code == 403
    assert state(store) == before


def test_language_broker_is_named_in_spanish_on_a_spanish_page(tmp_path):
    # A Spanish-only shelter and an English-only US NGO whose only mutual
    # contacts are mono (English, formal ties: most trusted) and puente
    # (Spanish and English, workshop ties): the suggestion names puente.
    from graphsvc.model import Actor, Tie
    from graphsvc.stores.sqlite import SQLiteStore
    from web_support import make_app, signed_in

    def A(i, name, kind, country, langs):
        return Actor(id=i, name=name, kind=kind, country=country, languages=langs,
                     issue_areas=["shelter"], visibility="public")

    store = SQLiteStore(tmp_path / "lang.db")
    store.upsert([A("casa", "Casa Esperanza", "shelter", "MX", ["es"]),
                  A("aid", "Border Aid", "cso", "US", ["en"]),
                  A("mono", "Mono Network", "network", "US", ["en"]),
                  A("puente", "Red Puente", "cso", "MX", ["es", "en"])],
                 [Tie(source="mono", target="casa", kind="formal", visibility="public"),
                  Tie(source="mono", target="aid", kind="formal", visibility="public"),
                  Tie(source="puente", target="casa", kind="informal", visibility="public"),
                  Tie(source="puente", target="aid", kind="informal", visibility="public")])
    app = make_app(store, tmp_path / "lang.db")
    try:
        client = signed_in(app)
        body = api_suggestions(client, "casa")
        s = next(x for x in body["suggestions"] if x["actor"] == "aid")
        assert s["broker"]["broker"] == "puente"
        assert s["broker"]["language_broker"]["languages"] == ["es", "en"]
        html = client.get("/actors/casa/introductions", headers=ES).get_data(as_text=True)
        assert "Pida a Red Puente, que trabaja en español y en inglés" in html
        assert "who works in" not in html
        en = client.get("/actors/casa/introductions").get_data(as_text=True)
        assert "Ask Red Puente, who works in Spanish and English" in en
    finally:
        app.extensions["graphsvc.accounts"].close()
        store.close()


@pytest.fixture
def both_client(tmp_path):
    """The app over intro_graphs.both_sides_records (policymakers on both sides)."""
    from graphsvc.stores.sqlite import SQLiteStore
    from intro_graphs import both_sides_records
    from web_support import make_app, signed_in

    store = SQLiteStore(tmp_path / "both.db")
    store.upsert(*both_sides_records())
    app = make_app(store, tmp_path / "both.db")
    yield signed_in(app)
    app.extensions["graphsvc.accounts"].close()
    store.close()


def test_mexican_policymakers_by_level_in_suggestions_and_plan(both_client):
    c = both_client
    body = api_suggestions(c, "c1", mode="policymaker", policymakers="MX", level="municipal")
    assert [s["actor"] for s in body["suggestions"]] == ["ayto"]
    assert (body["policymakers"], body["level"]) == ("MX", "municipal")
    assert body["mode_text"] == ("Policymakers: Mexican policymakers (municipal level) "
                                 "(via a broker)")
    es = c.get("/api/v1/actors/c1/introductions", headers=ES, query_string={
        "mode": "policymaker", "policymakers": "mx", "level": "municipal"}).get_json()
    assert es["mode_text"].startswith("Tomadores de decisiones: Tomadores de decisiones "
                                      "de México (nivel municipal)")
    # The plan: hops 1, only c2 tied to a municipal Mexican policymaker (1/4);
    # c3 (two contacts) is introduced to ayto: 2/4 (worked out in
    # tests/queries/test_policymakers_both_sides.py).
    plan = c.get("/api/v1/introductions/plan", query_string={
        "k": 1, "hops": 1, "policymakers": "MX", "level": "municipal"}).get_json()
    assert [(s["source"], s["target"]) for s in plan["steps"]] == [("c3", "ayto")]
    assert (plan["before"]["count"], plan["after"]["count"]) == (1, 2)
    assert plan["goal_text"] == "Reach of Mexican policymakers (municipal level)"
    assert plan["indicator"] == ("Share of Mexican civil-society actors directly tied to "
                                 "one of the Mexican policymakers (municipal level)")
    html = c.get("/introductions/plan", headers=ES, query_string={
        "k": 1, "hops": 1, "policymakers": "MX"}).get_data(as_text=True)
    assert ("Proporción de actores de la sociedad civil mexicana vinculados directamente "
            "con alguien del grupo «Tomadores de decisiones de México»") in html
    assert '<option value="MX" selected>Tomadores de decisiones de México</option>' in html
    assert "policymakers=MX" in html  # the downloads keep the choice
    page = c.get("/actors/c1/introductions", query_string={
        "mode": "policymaker", "policymakers": "MX", "level": "municipal"})
    assert page.status_code == 200
    assert "policymakers=MX&amp;level=municipal" in page.get_data(as_text=True)
    # The profile's paths reach Mexican policymakers too.
    prof = c.get("/api/v1/actors/c4").get_json()
    mx = [p for p in prof["influence"] if p["targets"] == "mx_policymakers"]
    assert [[s["id"] for s in p["path"]] for p in mx] == [["c4", "c3", "segob"]] * 2


@pytest.mark.parametrize("url", ["/api/v1/actors/c1/introductions",
                                 "/api/v1/introductions/plan"])
@pytest.mark.parametrize("query, field", [({"policymakers": "canada"}, "policymakers"),
                                          ({"level": "county"}, "level")])
def test_bad_policymaker_parameters(both_client, url, query, field):
    err = assert_error(both_client.get(url, query_string=query), 400, "bad_request")
    assert [d["field"] for d in err["details"]] == [field]


def test_openapi_documents_the_policymaker_parameters(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/actors/{actor_id}/introductions", "/introductions/plan"):
        params = {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}
        assert params["policymakers"]["schema"]["enum"] == ["US", "MX", "other", "all"]
        assert params["level"]["schema"]["enum"] == ["federal", "state", "municipal",
                                                     "legislative"]
