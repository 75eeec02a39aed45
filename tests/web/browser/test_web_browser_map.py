"""The influence map as an advocate uses it, in headless Chromium on the
illustrative network seen by a viewer: from the home page to an actor's
route to a US policymaker in three clicks, labels that never overlap,
search, the side panel, collapsed communities and the exports."""
import xml.etree.ElementTree as ET

import pytest

from browser_support import illustrative_viewer_server, needs_chromium, new_watch
from graphsvc.queries.influence import influence_paths
from graphsvc.queries.projection import project

pytestmark = [pytest.mark.browser, needs_chromium]

PELICANO = "ex-asociacion-ejemplo-pelicano"
VIEWPORT = (1366, 900)


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    yield from illustrative_viewer_server(tmp_path_factory, browser, "map")


@pytest.fixture(scope="module")
def G(live):
    """What the viewer's map is drawn from: the public snapshot."""
    return live.app.extensions["graphsvc"].snapshot(include_restricted=False)


def open_map(browser, live, path="/map", locale="en-US"):
    w = new_watch(browser, locale=locale, storage_state=live.state, viewport=VIEWPORT)
    assert w.page.goto(live.url + path).status == 200
    w.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    return w


def labels(w, map_id="map"):
    """The label boxes drawn on the map, in pixels of the map's box."""
    return w.page.evaluate("id => document.getElementById(id).graphsvcLabels", map_id)


def overlapping(boxes):
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
            and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]]


def ink(w, box, map_id="map"):
    """Dark pixels the canvas holds inside a label box (text was drawn)."""
    return w.page.evaluate("""([id, b]) => {
        const canvas = document.querySelector('#' + id + ' canvas');
        const r = canvas.width / canvas.clientWidth;
        const data = canvas.getContext('2d').getImageData(
            Math.round(b.x * r), Math.round(b.y * r),
            Math.max(1, Math.round(b.w * r)), Math.max(1, Math.round(b.h * r))).data;
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
            if (data[i] + data[i + 1] + data[i + 2] < 300) n++;
        }
        return n; }""", [map_id, box])


class Clicks:
    """Every click of the scripted user goes through here, and is counted."""

    def __init__(self, page):
        self.page, self.n = page, 0

    def click(self, locator):
        self.n += 1
        locator.click()


def test_three_clicks_from_home_to_the_route_to_a_us_policymaker(browser, live, G):
    # the task: "find who can get Asociación Ejemplo Pelícano to a US policymaker"
    w = new_watch(browser, storage_state=live.state, viewport=VIEWPORT)
    page = w.page
    page.goto(live.url + "/")
    user = Clicks(page)
    user.click(page.get_by_role("link", name="Find who can get an actor to a US policymaker"))
    page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    page.get_by_role("combobox", name="Actor", exact=True).type("Pelícano")  # typing is allowed
    user.click(page.get_by_role("option", name="Asociación Ejemplo Pelícano"))
    page.wait_for_url(f"**/map?*focus={PELICANO}*")
    page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    assert user.n <= 3
    # the routes are listed beside the map: as influence_paths finds them
    expected = influence_paths(project(G), PELICANO, ["us_policymakers"])
    routes = page.locator("#routes section.route")
    assert routes.count() == 2
    for i, row in enumerate(expected.to_dict("records")):
        names = routes.nth(i).locator("ol > li > a").all_inner_texts()
        assert names == [G.nodes[v]["name"] for v in row["path"].split(" > ")]
    assert "US policymakers" in page.locator("#routes h2").inner_text()
    # ... and highlighted on the map, in view, the rest faded
    drawn = page.evaluate("""() => {
        const m = window.graphsvcMapParts.map, net = m.network;
        const box = m.container.getBoundingClientRect();
        const route = m.nodes.get({filter: n => n.route}).map(n => n.id);
        const inView = route.every(id => {
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height; });
        return {route: route.sort(), inView,
                faded: m.nodes.get({filter: n => n.faded}).length,
                routeTies: m.data.edges.filter(e => e.route).length,
                labelled: m.container.graphsvcLabels.map(b => b.id)}; }""")
    on_route = sorted({v for p in expected["path"] for v in p.split(" > ")})
    assert drawn["route"] == on_route and drawn["inView"]
    assert drawn["faded"] == G.number_of_nodes() - len(on_route)
    assert drawn["routeTies"] == sum(len(p.split(" > ")) - 1 for p in expected["path"])
    assert set(on_route) <= set(drawn["labelled"])  # every actor of the route named
    w.assert_clean()


def test_the_focus_form_works_by_keyboard_alone(browser, live):
    w = new_watch(browser, storage_state=live.state, viewport=VIEWPORT)
    w.page.goto(live.url + "/map?to=funders")
    w.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    focused = w.page.evaluate("document.activeElement.id")
    assert focused == "focus-input"  # the page opens ready to type
    w.page.keyboard.type("pelicano")  # accents need not be typed
    w.page.keyboard.press("ArrowDown")
    w.page.keyboard.press("Enter")
    w.page.wait_for_url(f"**focus={PELICANO}*")
    assert "to=funders" in w.page.url
    assert "funders" in w.page.locator("#routes h2").inner_text()
    w.assert_clean()


def test_the_map_moves_and_zooms_by_keyboard(browser, live):
    w = open_map(browser, live)
    frame = w.page.locator("#map .vis-network")
    assert "arrow keys" in frame.get_attribute("aria-label")
    frame.focus()
    state = """() => { const n = window.graphsvcMaps.map;
                       return [n.getScale(), n.getViewPosition().x]; }"""
    scale, x = w.page.evaluate(state)
    for key in ("+", "ArrowRight"):
        w.page.keyboard.down(key)
        w.page.wait_for_timeout(300)
        w.page.keyboard.up(key)
    scale2, x2 = w.page.evaluate(state)
    assert scale2 > scale and x2 > x
    w.assert_clean()


def test_routes_to_a_second_actor(browser, live, G):
    w = open_map(browser, live, f"/map?focus={PELICANO}&to=actor&other=iom")
    heading = w.page.locator("#routes h2").inner_text()
    assert heading == f"Routes from Asociación Ejemplo Pelícano to {G.nodes['iom']['name']}"
    for route in w.page.locator("#routes section.route").all():
        names = route.locator("ol > li > a").all_inner_texts()
        assert names[0] == "Asociación Ejemplo Pelícano" and names[-1] == G.nodes["iom"]["name"]
    w.assert_clean()


@pytest.mark.parametrize("path", ["/map", "/map?size_by=betweenness&color_by=community",
                                  "/map?size_by=policymaker_reach"])
def test_whole_map_initial_view_has_no_overlapping_labels(browser, live, G, path):
    w = open_map(browser, live, path)
    boxes = labels(w)
    # names for the most important actors: many labels, the largest first
    assert len(boxes) >= 20
    assert overlapping(boxes) == []
    width, height = w.page.evaluate("""() => { const c = document.getElementById('map');
        return [c.clientWidth, c.clientHeight]; }""")
    assert all(0 <= b["x"] + b["w"] and b["x"] <= width and b["y"] <= height for b in boxes)
    biggest = w.page.evaluate("""() => { const n = window.graphsvcMapParts.map.data.nodes;
        return n.slice().sort((a, b) => b.size - a.size)[0].id; }""")
    assert biggest in {b["id"] for b in boxes}
    # the boxes are where text was drawn: ink in each of them
    assert all(ink(w, b) > 5 for b in boxes[:10])
    # zoomed in, more names come, still none overlapping
    w.page.evaluate("""() => { const n = window.graphsvcMaps.map;
        n.moveTo({scale: n.getScale() * 3}); n.redraw(); }""")
    more = labels(w)
    assert overlapping(more) == [] and len(more) >= 10
    w.assert_clean()


def test_search_centres_an_actor_and_opens_its_panel(browser, live, G):
    w = open_map(browser, live)
    w.page.get_by_role("combobox", name="Find on the map").type("UNHCR")
    w.page.get_by_role("option", name=G.nodes["unhcr"]["name"]).click()
    panel = w.page.locator("#map-panel")
    assert panel.is_visible()
    assert panel.locator("h2").inner_text() == G.nodes["unhcr"]["name"]
    assert "Kind: International organization" in panel.inner_text()
    hrefs = panel.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs == ["/actors/unhcr", "/actors/unhcr/introductions", "/map?focus=unhcr"]
    centre = w.page.evaluate("""() => { const n = window.graphsvcMaps.map;
        const c = document.getElementById('map');
        const p = n.canvasToDOM(n.getPositions(['unhcr']).unhcr);
        return [p.x - c.clientWidth / 2, p.y - c.clientHeight / 2]; }""")
    assert abs(centre[0]) < 2 and abs(centre[1]) < 2
    assert "unhcr" in {b["id"] for b in labels(w)}
    w.assert_clean()


def test_communities_collapse_into_one_node_each_and_expand(browser, live):
    part = live.app.extensions["graphsvc"].partition(include_restricted=False)
    w = open_map(browser, live)
    count = "window.graphsvcMaps.map.body.nodeIndices.length"
    total = w.page.evaluate(count)
    button = w.page.get_by_role("button", name="Collapse communities")
    button.click()
    sizes = {}
    for c in part.values():
        sizes[c] = sizes.get(c, 0) + 1
    # one node per community of two or more, singletons stay as they are
    expected = sum(1 for n in sizes.values() if n > 1) + sum(1 for n in sizes.values() if n == 1)
    assert w.page.evaluate(count) == expected
    assert w.page.get_by_role("button", name="Expand communities").get_attribute(
        "aria-pressed") == "true"
    assert overlapping(labels(w)) == []
    assert any(b["text"].startswith("Community ") for b in labels(w))
    w.page.get_by_role("button", name="Expand communities").click()
    assert w.page.evaluate(count) == total
    w.assert_clean()


def test_export_the_view_as_png_and_svg(browser, live, tmp_path):
    w = open_map(browser, live, f"/map?focus={PELICANO}")
    with w.page.expect_download() as info:
        w.page.get_by_role("button", name="Save view as PNG").click()
    png = tmp_path / info.value.suggested_filename
    info.value.save_as(png)
    assert png.name == "map.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with w.page.expect_download() as info:
        w.page.get_by_role("button", name="Save view as SVG").click()
    svg = tmp_path / info.value.suggested_filename
    info.value.save_as(svg)
    root = ET.parse(svg).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    shapes = root.findall(f"{ns}circle") + root.findall(f"{ns}polygon")
    assert len(shapes) == w.page.evaluate("window.graphsvcMaps.map.body.nodeIndices.length")
    texts = [t.text for t in root.findall(f"{ns}text")]
    assert texts == [b["text"] for b in labels(w)]
    assert "Asociación Ejemplo Pelícano" in texts
    w.assert_clean()


def test_focus_map_in_spanish(browser, live):
    w = open_map(browser, live, f"/map?focus={PELICANO}", locale="es-MX")
    assert w.page.locator("#routes h2").inner_text() == (
        "Rutas de Asociación Ejemplo Pelícano a tomadores de decisiones de EE. UU.")
    assert w.page.locator("#routes h3").first.inner_text().startswith("Ruta más corta")
    legend = w.page.locator(".legend .countries").inner_text()
    assert "Alemania" in legend and "El Salvador" in legend
    w.assert_clean()


def test_hover_names_an_actor_in_the_sites_font(browser, live, G):
    w = open_map(browser, live)
    body_font = w.page.evaluate("getComputedStyle(document.body).fontFamily")
    w.page.locator("#map").scroll_into_view_if_needed()
    x, y = w.page.evaluate("""() => { const n = window.graphsvcMaps.map;
        n.focus('iom', {scale: 1.5, animation: false});
        const p = n.canvasToDOM(n.getPositions(['iom']).iom);
        const r = n.body.container.getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""")
    w.page.mouse.move(x - 30, y - 30)
    w.page.mouse.move(x, y, steps=5)
    tip = w.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text().split("\n")[0] == G.nodes["iom"]["name"]
    assert tip.evaluate("e => getComputedStyle(e).fontFamily") == body_font
    # the hovered actor is named on the map too
    assert "iom" in {b["id"] for b in labels(w)}
    w.assert_clean()


def test_an_ego_map_names_its_centre_first(browser, live):
    w = new_watch(browser, storage_state=live.state, viewport=VIEWPORT)
    w.page.goto(live.url + f"/actors/{PELICANO}")
    w.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    boxes = labels(w)
    assert boxes[0]["id"] == PELICANO and boxes[0]["bold"]
    assert overlapping(boxes) == []
    w.assert_clean()
