"""The app in headless Chromium: pages render, the map draws, nothing leaves
localhost, no console errors, and hostile names stay text everywhere."""
import pytest

from auth_helpers import PASSWORD
from browser_support import LiveServer, needs_chromium, new_watch, sign_in_browser
from graphsvc.stores.sqlite import SQLiteStore
from web_support import ACTORS, HREF, IMG, JS_SITE, SCRIPT, TIES, fill, make_app

pytestmark = [pytest.mark.browser, needs_chromium]

PAGES = ["/", "/actors", "/actors/sinfronteras", "/actors/img", "/map",
         "/map?ego=unhcr&depth=2", "/import", "/export",
         "/actors/sinfronteras/introductions", "/introductions/plan?k=3", "/communities",
         "/events"]
MAP_PAGES = {"/actors/sinfronteras", "/actors/img", "/map", "/map?ego=unhcr&depth=2"}


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    path = tmp_path_factory.mktemp("web") / "graph.db"
    store = fill(SQLiteStore(path), illustrative=True)
    # A javascript: address cannot be an actor's website (the model refuses
    # it), so it arrives as free text: it must show as text, never as a link.
    store.upsert([ACTORS[0].model_copy(update={"source_ref": JS_SITE})])
    app = make_app(store, path)
    # an editor sees restricted records (the hostile names) and every page
    app.extensions["graphsvc.accounts"].create_user("editor1", PASSWORD, "editor", by="test")
    with LiveServer(app) as server:
        server.app = app
        server.state = sign_in_browser(browser, server.url, "editor1", PASSWORD)
        yield server
    store.close()
    app.extensions["graphsvc.accounts"].close()


def open_page(browser, live, path, locale="en-US"):
    w = new_watch(browser, locale=locale, storage_state=live.state)
    response = w.page.goto(live.url + path)
    assert response.status == 200, path
    if path in MAP_PAGES:
        w.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    return w


def drawn(w, map_id="map"):
    return w.page.evaluate(
        """id => { const n = window.graphsvcMaps[id];
                   return [n.body.nodeIndices.length, n.body.edgeIndices.length]; }""",
        map_id)


def test_dashboard(browser, live):
    w = open_page(browser, live, "/")
    assert w.page.locator("h1").inner_text() == "Dashboard"
    assert w.page.locator(".counts").inner_text().split()[:2] == ["7", "actors"]
    assert "Illustrative network." in w.page.locator(".illustrative").inner_text()
    w.assert_clean()


def test_map_draws_every_node_offline(browser, live):
    w = open_page(browser, live, "/map")
    assert drawn(w) == [len(ACTORS), len(TIES)]
    assert w.page.evaluate("window.graphsvcMaps.map.physics.physicsEnabled") is False
    hosts = {r.split("/")[2] for r in w.requests}
    assert hosts == {live.url.split("/")[2]}
    assert any(r.endswith("/vendor/vis-network/vis-network.min.js") for r in w.requests)
    w.assert_clean()


def test_map_filters(browser, live):
    w = open_page(browser, live, "/map?country=MX&tie_kind=informal")
    # MX actors: sinfronteras, img, href; informal ties among them: 2 (by hand)
    assert drawn(w) == [3, 2]
    w.assert_clean()


def test_actor_profile_with_ego_map(browser, live):
    w = open_page(browser, live, "/actors/sinfronteras")
    assert w.page.locator("h1").inner_text() == "Sin Fronteras I.A.P."
    # depth 1 around sinfronteras: unhcr, img, script; ties among the four:
    # 3 with unhcr, 1 each with img and script, img-script = 6
    assert drawn(w) == [4, 6]
    assert w.page.locator("table.ties").count() == 3
    assert "Workshop" in w.page.locator("table.ties").nth(1).inner_text()
    w.assert_clean()


def hover_node(w, node_id, map_id="map"):
    """Move the mouse onto a node and return the tooltip element."""
    w.page.locator(f"#{map_id}").scroll_into_view_if_needed()
    x, y = w.page.evaluate(
        """([id, node]) => { const n = window.graphsvcMaps[id];
             n.focus(node, {scale: 1.5, animation: false});
             const p = n.canvasToDOM(n.getPositions([node])[node]);
             const r = n.body.container.getBoundingClientRect();
             return [r.left + p.x, r.top + p.y]; }""", [map_id, node_id])
    w.page.mouse.move(x - 30, y - 30)
    w.page.mouse.move(x, y, steps=5)
    tip = w.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    return tip


@pytest.mark.parametrize("node_id, name", [("img", IMG), ("script", SCRIPT), ("href", HREF)])
def test_map_tooltip_shows_hostile_names_as_text(browser, live, node_id, name):
    w = open_page(browser, live, "/map")
    tip = hover_node(w, node_id)
    assert tip.inner_text().split("\n")[0] == name
    # text only: innerText turns the line breaks into <br>, nothing else
    assert tip.evaluate("e => [...e.children].map(c => c.tagName)") == ["BR"] * 4
    w.assert_clean()


@pytest.mark.parametrize("path", ["/actors", "/actors/img", "/actors/script", "/actors/href",
                                  "/actors/sinfronteras", "/map"])
def test_hostile_text_never_runs(browser, live, path):
    w = open_page(browser, live, path)
    w.page.wait_for_timeout(200)  # let any onerror handler have its chance
    assert w.page.locator("main img").count() == 0
    assert w.page.locator("main script:not([type='application/json'])").count() == 0
    for data in w.page.locator("main script[type='application/json']").all():
        # the map data is inert JSON with every '<' escaped by |tojson
        assert "<" not in data.evaluate("e => e.innerHTML")
    assert w.page.locator("main a[href^='javascript']").count() == 0
    w.assert_clean()


def test_hostile_names_stay_text_in_the_map_panel_route_and_svg(browser, live):
    import xml.etree.ElementTree as ET

    w = open_page(browser, live, "/map?focus=img&to=funders")
    w.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    # the route beside the map names the actor as typed
    assert w.page.locator("#routes ol a").first.inner_text() == IMG
    # the search box and the side panel
    w.page.get_by_role("combobox", name="Find on the map").fill("script")
    w.page.get_by_role("option", name=SCRIPT).click()
    assert w.page.locator("#map-panel h2").inner_text() == SCRIPT
    assert w.page.locator("#map-panel h2 *").count() == 0
    # the SVG export: well-formed, no script, names as text
    svg = ET.fromstring(w.page.evaluate("window.graphsvcMapSvg('map')"))
    ns = "{http://www.w3.org/2000/svg}"
    assert [e for e in svg.iter() if e.tag != ns + "svg" and not e.tag.startswith(ns)] == []
    assert svg.findall(f".//{ns}script") == [] and svg.findall(".//script") == []
    texts = {t.text for t in svg.findall(f"{ns}text")}
    assert IMG in texts and SCRIPT in texts
    w.page.wait_for_timeout(200)
    assert w.page.locator("main img").count() == 0
    w.assert_clean()


def test_hostile_text_shows_as_typed(browser, live):
    w = open_page(browser, live, "/actors")
    names = w.page.locator("table.list td:first-child a").all_inner_texts()
    assert {IMG, SCRIPT, HREF} <= set(names)
    for actor_id, name in (("img", IMG), ("script", SCRIPT), ("href", HREF)):
        w.page.goto(f"{live.url}/actors/{actor_id}")
        assert w.page.locator("h1").inner_text() == name
        assert w.page.title() == f"{name} · graphsvc"
    w.page.goto(f"{live.url}/actors/img")
    assert w.page.locator(".description").inner_text() == SCRIPT
    w.page.goto(f"{live.url}/actors/sinfronteras")
    assert JS_SITE in w.page.locator("dl.attrs").inner_text()
    assert w.page.locator(f"a[href='{JS_SITE}']").count() == 0
    assert w.page.locator("a[href='https://sinfronteras.example']").count() == 1
    w.assert_clean()


@pytest.mark.parametrize("locale, lang, nav", [
    ("es-MX", "es", ["Panel", "Actores", "Mapa", "Comunidades", "Eventos", "Presentaciones",
                     "Convocatoria", "Cambios", "Monitoreo", "Importar", "Exportar",
                     "Encuestas"]),
    ("en-US", "en", ["Dashboard", "Actors", "Map", "Communities", "Events", "Introductions",
                     "Convening", "Changes", "Monitoring", "Import", "Export", "Surveys"]),
])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_both_languages(browser, live, path, locale, lang, nav):
    w = open_page(browser, live, path, locale=locale)
    assert w.page.locator("html").get_attribute("lang") == lang
    assert w.page.locator("header nav a").all_inner_texts() == nav
    assert w.page.locator(".illustrative").count() == 1
    w.assert_clean()


def test_map_legend_in_spanish(browser, live):
    w = open_page(browser, live, "/map", locale="es-MX")
    legend = w.page.locator(".legend").inner_text()
    for text in ("Financiamiento", "Formal", "Informal", "México", "Albergue",
                 "Organismo internacional"):
        assert text in legend
    assert "Funding" not in legend and "Shelter" not in legend
    w.assert_clean()


def test_language_switch(browser, live):
    w = open_page(browser, live, "/actors?kind=cso")
    w.page.click("header .lang a[lang='es']")
    w.page.wait_for_load_state()
    assert w.page.locator("h1").inner_text() == "Actores"
    assert "kind=cso" in w.page.url
    w.page.goto(live.url + "/")  # remembered
    assert w.page.locator("h1").inner_text() == "Panel"
    w.assert_clean()


def test_csp_makes_injected_handlers_inert(browser, live):
    """Defence in depth: even markup that escaped escaping cannot run script."""
    w = open_page(browser, live, "/map")
    w.page.evaluate("""document.querySelector('main').insertAdjacentHTML('beforeend',
        '<img src=x onerror="window.__injected = 1">')""")
    w.page.wait_for_timeout(300)
    assert w.page.evaluate("window.__injected") is None
    assert any("Content Security Policy" in e for e in w.console_errors)


def test_downloaded_map_opens_offline_from_disk(browser, live, tmp_path):
    w = open_page(browser, live, "/map?country=MX")
    with w.page.expect_download() as info:
        w.page.click("a[href^='/map/download']")
    path = tmp_path / "map.html"
    info.value.save_as(path)
    f = new_watch(browser)
    f.page.goto(path.as_uri())
    f.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    assert drawn(f) == [3, 2]  # MX actors and their ties, as on the page
    assert [r for r in f.requests if not r.startswith("file:")] == []
    assert "Illustrative network." in f.page.locator(".illustrative").inner_text()
    tip = hover_node(f, "img")
    assert tip.inner_text().split("\n")[0] == IMG
    f.assert_clean()
    # the file's own policy holds from disk: injected handlers stay inert
    f.page.evaluate("""document.body.insertAdjacentHTML('beforeend',
        '<img src=x onerror="window.__injected = 1">')""")
    f.page.wait_for_timeout(300)
    assert f.page.evaluate("window.__injected") is None


def test_map_tooltip_in_spanish(browser, live):
    w = open_page(browser, live, "/map", locale="es-MX")
    lines = hover_node(w, "sinfronteras").inner_text().split("\n")
    assert lines == ["Sin Fronteras I.A.P.", "Tipo: Organización de la sociedad civil",
                     "País: México", "Ciudad: Ciudad de México", "Vínculos: 5"]
    w.assert_clean()


def test_centre_the_map_on_an_actor(browser, live):
    w = open_page(browser, live, "/map")
    w.page.click("details.map-filters summary")  # the filters fold away at first
    w.page.fill("input[name='ego']", "prm")
    w.page.select_option("select[name='depth']", "2")
    w.page.click("form.filters button[type='submit']")
    w.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    assert "ego=prm" in w.page.url
    # prm, unhcr, sinfronteras; ties (by hand): prm->unhcr grant, and unhcr with
    # sinfronteras: grant, implementing partner, workshop
    assert drawn(w) == [3, 4]
    assert w.page.locator("h1").inner_text() == "Influence map: US State Department PRM"
    w.assert_clean()


def test_sign_in_see_the_dashboard_and_sign_out(browser, live):
    live.app.extensions["graphsvc.accounts"].create_user("viewer1", PASSWORD, "viewer",
                                                         by="test")
    w = new_watch(browser)
    w.page.goto(live.url + "/actors")
    assert w.page.url == live.url + "/login?next=/actors"  # nothing without an account
    w.page.fill("#username", "viewer1")
    w.page.fill("#password", PASSWORD)
    w.page.click("button[type=submit]")
    w.page.wait_for_url(live.url + "/actors")
    w.page.click("a.brand")
    w.page.wait_for_url(live.url + "/")
    assert w.page.locator("h1").inner_text() == "Dashboard"
    assert "viewer1" in w.page.locator(".account .who").inner_text()
    # a viewer sees the public graph only (web_fixtures: 3 public actors)
    assert w.page.locator(".counts").inner_text().split()[:2] == ["3", "actors"]
    assert w.page.locator("nav a", has_text="Import").count() == 0
    w.page.click(".account form.signout button")
    w.page.wait_for_url(live.url + "/login")
    assert "You have signed out." in w.page.locator("main").inner_text()
    w.page.goto(live.url + "/")
    assert w.page.url == live.url + "/login?next=/"
    w.assert_clean()
