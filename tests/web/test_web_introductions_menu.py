"""The Introductions menu: a page that picks an actor by name and leads to
the network plan, whose goal and steps, when not asked for, are the first
whose plan finds all the introductions asked for on the data loaded (else
the one improving most); when nothing can improve, the plan says why and
what to try."""
from __future__ import annotations

import pytest

from graphsvc.illustrative import load_illustrative
from graphsvc.model import Actor, Tie
from graphsvc.stores.sqlite import SQLiteStore
from web_support import make_app, signed_in

ES = {"Accept-Language": "es"}


@pytest.fixture(scope="module")
def illustrative(tmp_path_factory):
    path = tmp_path_factory.mktemp("menu") / "graph.db"
    store = SQLiteStore(path)
    load_illustrative(store)
    app = make_app(store, path)
    yield app
    app.extensions["graphsvc.accounts"].close()
    store.close()


@pytest.fixture
def saturated(tmp_path):
    """Two Mexican CSOs both tied to a US government body: everyone directly
    reached, no two communities of three to bridge: nothing can improve."""
    store = SQLiteStore(tmp_path / "sat.db")
    store.upsert([Actor(id="c1", name="Casa Uno", kind="cso", country="MX", visibility="public"),
                  Actor(id="c2", name="Casa Dos", kind="shelter", country="MX",
                        visibility="public"),
                  Actor(id="dhs", name="DHS", kind="government", country="US",
                        visibility="public")],
                 [Tie(source="c1", target="dhs", kind="formal", visibility="public"),
                  Tie(source="c2", target="dhs", kind="formal", visibility="public")])
    app = make_app(store, tmp_path / "sat.db")
    yield app
    app.extensions["graphsvc.accounts"].close()
    store.close()


def test_menu_leads_to_the_picker_page_and_the_plan(illustrative):
    client = signed_in(illustrative, "viewer")
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/introductions">Introductions</a>' in html
    page = client.get("/introductions").get_data(as_text=True)
    assert 'data-search="/api/v1/actors"' in page and 'data-id-field="actor"' in page
    assert 'href="/introductions/plan"' in page


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_default_plan_on_the_illustrative_network_improves_its_indicator(illustrative, role):
    client = signed_in(illustrative, role)
    body = client.get("/api/v1/introductions/plan").get_json()
    # chosen from the data: the first goal of DEFAULT_TRIES with a positive gain
    assert body["chosen"]["goal"] == body["goal"] and body["chosen"]["hops"] == body["hops"]
    assert body["steps"] and body["steps"][0]["gain"] > 0
    assert body["after"]["count"] > body["before"]["count"]
    assert body["blocked"] is None
    html = client.get("/introductions/plan").get_data(as_text=True)
    assert "Goal and steps chosen from the data loaded" in html
    assert "No introduction can raise this indicator." not in html
    assert html.count('<li class="suggestion">') == len(body["steps"]) == 10  # k=10
    # within two steps everyone is reached for an admin (62 of 62, measured) and
    # all but one for a viewer (60 of 61): a plan of ten counts direct ties
    assert body["hops"] == 1 and body["chosen"]["tried"] == [["policymaker_reach", 2]]
    assert "Tried first, with less to improve: Share of Mexican civil-society actors " \
           "within two steps of a US policymaker." in html
    # a goal asked for is kept, even when it cannot improve
    asked = client.get("/api/v1/introductions/plan?goal=policymaker_reach&hops=2").get_json()
    assert asked["chosen"] is None and asked["hops"] == 2


def test_plan_that_cannot_improve_says_why_and_what_to_try(saturated):
    client = signed_in(saturated, "viewer")
    body = client.get("/api/v1/introductions/plan").get_json()
    assert body["steps"] == [] and body["blocked"] == "all_reached"
    assert body["chosen"] == {"goal": "policymaker_reach", "hops": 2, "tried": []}
    html = client.get("/introductions/plan").get_data(as_text=True)
    assert "No introduction can raise this indicator." in html
    assert "Every Mexican civil-society actor is already within reach at this number " \
           "of steps." in html
    assert "What to try: Choose fewer steps" in html
    es = client.get("/introductions/plan", headers=ES).get_data(as_text=True)
    assert "Ninguna presentación puede subir este indicador." in es
    assert "Todos los actores de la sociedad civil mexicana ya están al alcance" in es
    bridges = client.get("/introductions/plan?goal=community_bridges").get_data(as_text=True)
    assert "fewer than two communities of three or more actors" in bridges
    assert "Reach of US policymakers" in bridges  # what to try
    mx = client.get("/api/v1/introductions/plan?goal=policymaker_reach&policymakers=MX",
                    headers=ES).get_json()
    assert mx["blocked"] == "no_policymakers"
    assert mx["blocked_text"].startswith("No hay ningún tomador de decisiones")


def test_picker_finds_by_name_and_goes_to_the_suggestions(illustrative):
    client = signed_in(illustrative, "viewer")
    # one match (accents ignored): straight to its suggestions
    r = client.get("/introductions?q=pelicano")
    assert r.status_code == 303
    assert r.headers["Location"] == "/actors/ex-asociacion-ejemplo-pelicano/introductions"
    r = client.get("/introductions?actor=ex-asociacion-ejemplo-pelicano")
    assert r.headers["Location"] == "/actors/ex-asociacion-ejemplo-pelicano/introductions"
    # several: a list to choose from
    html = client.get("/introductions?q=ejemplo").get_data(as_text=True)
    assert "actors match; choose one:" in html
    assert 'href="/actors/ex-asociacion-ejemplo-pelicano/introductions"' in html
    html = client.get("/introductions?q=zzzz", headers=ES).get_data(as_text=True)
    assert "Ningún actor coincide con «zzzz»" in html
    assert client.get("/introductions?actor=nobody-here").status_code == 404
