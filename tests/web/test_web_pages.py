"""The HTML pages through the test client: every route answers, user text is
escaped in the markup, and limits and empty states are honest."""
import re
import struct

import pytest

from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.web.templating import safe_link
from web_support import HREF, IMG, SCRIPT, make_app, signed_in

ROUTES = ["/", "/actors", "/actors?kind=cso&country=MX", "/actors?q=casa",
          "/actors/sinfronteras", "/actors/img", "/actors/script", "/actors/href",
          "/actors/img?depth=3", "/map", "/map?kind=cso&kind=shelter&tie_kind=informal",
          "/map?ego=img&depth=2", "/map?city=Tijuana&min_degree=1", "/import", "/export"]


@pytest.mark.parametrize("url", ROUTES)
def test_every_page_answers_and_escapes(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for raw in (IMG, SCRIPT, HREF, "<script>alert"):
        assert raw not in html
    # the only scripts are the app's own files and inert JSON data blocks
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/' in tag or 'type="application/json"' in tag, tag


def test_names_are_escaped_not_dropped(client):
    html = client.get("/actors/img").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    html = client.get("/actors/script").get_data(as_text=True)
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("url", ["/actors?limit=x", "/map?depth=9", "/map?kind=dragon"])
def test_bad_parameters_give_an_error_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The request has invalid parameters." in html
    assert "<table class=\"problems\">" in html


def test_unknown_actor_page_is_404(client):
    response = client.get("/actors/%3Cimg%20src%3Dx%3E")
    assert response.status_code == 404
    assert "<img src=x>" not in response.get_data(as_text=True)


def test_illustrative_banner_only_when_illustrative(app, client, store):
    assert "Illustrative network." not in client.get("/").get_data(as_text=True)
    store.set_meta("illustrative", "true")
    for url in ROUTES:
        assert "Illustrative network." in client.get(url).get_data(as_text=True), url
    assert client.get("/api/v1/actors").get_json()["dataset"]["illustrative"] is True


def test_map_beyond_its_limit_keeps_the_most_tied(store, tmp_path):
    client = signed_in(make_app(store, tmp_path / "graph.db", MAP_MAX_NODES=3))
    body = client.get("/api/v1/map").get_json()
    # most ties (by hand): sinfronteras 5, unhcr 4, img 3
    assert {n["id"] for n in body["nodes"]} == {"sinfronteras", "unhcr", "img"}
    assert body["truncated"] == 4
    html = client.get("/map").get_data(as_text=True)
    assert "4 more actors match" in html


def test_empty_graph(tmp_path):
    store = SQLiteStore(tmp_path / "empty.db")
    client = signed_in(make_app(store, tmp_path / "empty.db"))
    assert "The graph is empty." in client.get("/").get_data(as_text=True)
    assert client.get("/map").status_code == 200
    assert client.get("/api/v1/map").get_json()["nodes"] == []
    store.close()


def test_only_http_links():
    assert safe_link("https://example.org") and safe_link("HTTP://example.org")
    for url in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
                " javascript:alert(1)", "", None):
        assert not safe_link(url)


def test_pagination_links(client):
    html = client.get("/actors?limit=2&offset=2").get_data(as_text=True)
    assert 'href="/actors?limit=2&amp;offset=0"' in html
    assert 'href="/actors?limit=2&amp;offset=4"' in html


def test_favicon_is_our_icon_for_anyone(app):
    # browsers ask for /favicon.ico on every site: a real 16x16 ICO, no 404, no sign-in
    r = app.test_client().get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    data = r.get_data()
    reserved, kind, count, width, height = struct.unpack("<HHHBB", data[:8])
    assert (reserved, kind, count, width, height) == (0, 1, 1, 16, 16)
    assert 'rel="icon"' in app.test_client().get("/login").get_data(as_text=True)
