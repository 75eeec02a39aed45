"""The convening plan in headless Chromium, on the illustrative network as a
viewer sees it: the page lists the planned invitees with their reasons in
English and Spanish, the form re-plans, no console error, nothing leaves
localhost."""
import pytest

from browser_support import illustrative_viewer_server, needs_chromium, new_watch
from graphsvc.queries.introductions.convening import plan_convening

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    yield from illustrative_viewer_server(tmp_path_factory, browser, "convening")


@pytest.mark.parametrize("locale, heading, reason", [
    ("en-US", "Plan a convening", "for the first time"),
    ("es-MX", "Planificar una convocatoria", "por primera vez"),
])
def test_the_page_lists_the_plans_invitees_with_reasons(browser, live, locale, heading,
                                                        reason):
    svc = live.app.extensions["graphsvc"]
    G = svc.snapshot(include_restricted=False)
    # as the page plans: the viewer's events (first meetings) and introductions
    expected = plan_convening(G, 12, B=svc.two_mode(False),
                              introductions=svc.introductions(False),
                              partition=svc.partition(False))
    w = new_watch(browser, locale=locale, storage_state=live.state)
    response = w.page.goto(live.url + "/convening/plan?size=12")
    assert response.status == 200
    assert w.page.locator("h1").inner_text() == heading
    names = w.page.locator("ol.invitees li.invitee .suggestion-name").all_inner_texts()
    assert names == [i["name"] for i in expected["invitees"]]
    assert reason in w.page.locator("ol.invitees").inner_text()
    assert w.page.locator("ol.pairs li.pair").count() == min(60, expected["totals"]["pairs"])
    # the form plans again with a must actor
    must = expected["invitees"][-1]["id"]
    w.page.fill("form.filters input[name=size]", "5")
    w.page.fill("form.filters input[name=must]", must)
    with w.page.expect_navigation():
        w.page.click("form.filters button[type=submit]")
    first = w.page.locator("ol.invitees li.invitee .suggestion-name").first.inner_text()
    assert first == expected["invitees"][-1]["name"]
    assert w.page.locator("ol.invitees li.invitee").count() == 5
    w.assert_clean()
    w.page.context.close()
