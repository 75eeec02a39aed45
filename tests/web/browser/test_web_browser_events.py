"""The event page in headless Chromium, offline, in English and Spanish: the
illustrative Tijuana workshop as a viewer sees it (participants with their
roles, the pairs who met for the first time, their maps before and after
the workshop at the same positions), reached from the events list,
with no console error. A screenshot of each language is written to the
test's folder."""
import pytest

from browser_support import illustrative_viewer_server, needs_chromium, new_watch

pytestmark = [pytest.mark.browser, needs_chromium]

EVENT = "journeys-tijuana-2017"


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    yield from illustrative_viewer_server(tmp_path_factory, browser, "webevents")


@pytest.mark.parametrize("lang, heading, first_time, organiser, map_heading", [
    ("en", "Participants", "Pairs who met for the first time", "Organiser",
     "Their map: before the event and after"),
    ("es", "Participantes", "Pares que se conocieron por primera vez", "Organizador",
     "Su mapa: antes y después del evento")])
def test_event_page_renders_in_both_languages(browser, live, tmp_path, lang, heading,
                                              first_time, organiser, map_heading):
    w = new_watch(browser, storage_state=live.state, viewport=(1300, 1800))
    w.page.goto(f"{live.url}/events?lang={lang}&as_of=all")
    w.page.click(f"#event-{EVENT} a")
    w.page.wait_for_url(f"**/events/{EVENT}*")
    assert w.page.locator("html").get_attribute("lang") == lang
    assert w.page.locator("h1.event-title").inner_text() == (
        "Journeys Interrupted workshop, Tijuana")
    # what the API twin says the viewer may see, row for row
    api = w.page.request.get(f"{live.url}/api/v1/events/{EVENT}").json()
    assert w.page.locator("h2#participants").inner_text().startswith(heading)
    rows = w.page.locator("table.participants tbody tr")
    assert rows.count() == len(api["participants"]) >= 5
    assert organiser in rows.first.inner_text()
    assert first_time in w.page.locator("section h3").all_inner_texts()[0]
    assert w.page.locator("table.first-time tbody tr").count() == len(api["first_time"]) > 0
    assert w.page.locator("#tied-before").inner_text() == str(api["tied_before"])
    # the participants' maps, before and after, drawn at the same positions
    maps = w.page.request.get(f"{live.url}/api/v1/events/{EVENT}/map").json()
    w.page.locator("#map-after").scroll_into_view_if_needed()
    w.page.wait_for_function("() => window.graphsvcMaps && window.graphsvcMaps['map-before']"
                             " && window.graphsvcMaps['map-after']")
    drawn = w.page.evaluate("""() => ['map-before', 'map-after'].map(id => {
        const n = window.graphsvcMaps[id];
        return {nodes: n.body.data.nodes.length, edges: n.body.data.edges.length,
                pos: n.getPositions()}; })""")
    for got, want in zip(drawn, (maps["before"], maps["after"])):
        assert got["nodes"] == len(want["nodes"])
    assert drawn[0]["pos"] == drawn[1]["pos"] and drawn[0]["nodes"] == len(api["participants"])
    assert len(maps["before"]["edges"]) < len(maps["after"]["edges"])
    assert w.page.locator("h2#map").inner_text() == map_heading
    # the illustrative banner is on the page
    assert w.page.locator(".illustrative").count() >= 1
    w.page.screenshot(path=str(tmp_path / f"event-{lang}.png"), full_page=True)
    w.assert_clean()
    w.page.context.close()
