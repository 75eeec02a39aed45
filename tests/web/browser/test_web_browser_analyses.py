"""The analyses in headless Chromium, on the illustrative network: the
dashboard shows the cross-border indicators, the map sized by betweenness
and coloured by community draws; no console error, nothing leaves localhost."""
import pytest

from browser_support import illustrative_viewer_server, needs_chromium, new_watch
from graphsvc.queries import communities, indicators, metrics
from graphsvc.queries.projection import project

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    yield from illustrative_viewer_server(tmp_path_factory, browser, "web")


@pytest.fixture(scope="module")
def G(live):
    """What a viewer's pages are computed on: the public snapshot."""
    return live.app.extensions["graphsvc"].snapshot(include_restricted=False)


def open_page(browser, live, path, locale="en-US", map_=False):
    w = new_watch(browser, locale=locale, storage_state=live.state)
    response = w.page.goto(live.url + path)
    assert response.status == 200, path
    if map_:
        w.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    return w


def test_dashboard_shows_the_indicators(browser, live, G):
    w = open_page(browser, live, "/")
    expected = indicators.survey_indicators(G)
    rows = w.page.locator("section.indicators tbody tr")
    assert rows.count() == len(expected)
    unhcr = w.page.locator("#indicator-tied_to_unhcr").inner_text()
    e = expected.loc["tied_to_unhcr"]
    assert "Mexican CSOs tied to UNHCR" in unhcr
    assert f"{e['value']:.0%}" in unhcr
    assert f"{int(e['numerator'])} / {int(e['denominator'])}" in unhcr
    assert "100%" in unhcr  # the survey's figure beside it
    policymakers = w.page.locator("#indicator-tied_to_us_policymakers").inner_text()
    assert f"{expected.loc['tied_to_us_policymakers', 'value']:.0%}" in policymakers
    assert "20%" in policymakers
    assert w.page.locator("#brokers-betweenness tbody tr").count() == 10
    assert "Illustrative network." in w.page.locator(".illustrative").inner_text()
    hosts = {r.split("/")[2] for r in w.requests}
    assert hosts == {live.url.split("/")[2]}
    w.assert_clean()


def test_dashboard_in_spanish(browser, live):
    w = open_page(browser, live, "/", locale="es-MX")
    text = w.page.locator("section.indicators").inner_text()
    assert "OSC mexicanas vinculadas al ACNUR" in text and "Encuesta" in text
    w.assert_clean()


def test_map_sized_by_betweenness_draws(browser, live, G):
    w = open_page(browser, live, "/map?size_by=betweenness", map_=True)
    n, m = w.page.evaluate("""() => { const net = window.graphsvcMaps.map;
        return [net.body.nodeIndices.length, net.body.edgeIndices.length]; }""")
    assert (n, m) == (G.number_of_nodes(), G.number_of_edges())
    # the largest node drawn is the actor with the highest betweenness
    table = metrics.actor_metrics(G, seed=0)
    biggest = w.page.evaluate("""() => { const net = window.graphsvcMaps.map;
        let best = null, size = -1;
        for (const id of net.body.nodeIndices) {
          const s = net.body.nodes[id].options.size;
          if (s > size) { size = s; best = id; } }
        return best; }""")
    assert table.at[biggest, "betweenness"] == table["betweenness"].max()
    assert "Size: Betweenness." in w.page.locator(".map-stats").inner_text()
    w.assert_clean()


def test_map_coloured_by_one_community_draws(browser, live, G):
    part = communities.louvain(project(G), seed=0)
    w = open_page(browser, live, "/map?color_by=community&community=1", map_=True)
    n = w.page.evaluate("() => window.graphsvcMaps.map.body.nodeIndices.length")
    assert n == sum(1 for c in part.values() if c == 1)
    assert "Community 1" in w.page.locator(".legend").inner_text()
    w.assert_clean()


def test_profile_shows_metrics_and_paths(browser, live, G):
    table = metrics.actor_metrics(G, seed=0)
    actor = table["betweenness"].idxmax()
    w = open_page(browser, live, f"/actors/{actor}", map_=True)
    assert w.page.locator("#metric-betweenness").count() == 1
    # US policymakers, Mexican policymakers and funders, each by two routes
    assert w.page.locator("table.paths tbody tr").count() == 6
    assert w.page.locator("tr.path-mx_policymakers-shortest").count() == 1
    w.assert_clean()
