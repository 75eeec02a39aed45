"""The actor profile in headless Chromium: the facilitator's questions come
first (summary, suggested introductions in the mode the actor's kind calls
for, routes to policymakers and funders, then the metrics), an in-page table
of contents leads to each, and the page never scrolls sideways on a laptop
(1280 px) or a phone (390 px)."""
from __future__ import annotations

import pytest

from browser_support import illustrative_viewer_server, needs_chromium, new_watch

pytestmark = [pytest.mark.browser, needs_chromium]

#: A Mexican CSO of the illustrative network (graphsvc.illustrative.invented).
PELICANO = "/actors/ex-asociacion-ejemplo-pelicano"
SECTIONS = ["summary", "introductions", "routes", "metrics", "ties", "events", "ego-map"]


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    yield from illustrative_viewer_server(tmp_path_factory, browser, "profile")


def test_profile_answers_the_facilitators_questions_first(browser, live):
    w = new_watch(browser, storage_state=live.state, viewport=(1280, 900))
    w.page.goto(live.url + PELICANO)
    tops = [w.page.locator(f"section#{s}").bounding_box()["y"] for s in SECTIONS]
    assert tops == sorted(tops), dict(zip(SECTIONS, tops, strict=True))
    # a civil-society organisation is offered peers first
    assert w.page.locator("#introductions select[name=mode]").input_value() == "peer"
    assert w.page.locator("#introductions li.suggestion").count() > 0
    # the summary says how far policymakers and funders are
    summary = w.page.locator("#summary ul.summary").inner_text()
    assert "US policymakers:" in summary and "Funders:" in summary
    # every entry of the table of contents leads to its section
    links = w.page.locator("nav.toc a")
    assert [a.get_attribute("href") for a in links.all()] == [f"#{s}" for s in SECTIONS]
    links.nth(2).click()
    w.page.wait_for_function("location.hash === '#routes'")
    box = w.page.locator("section#routes").bounding_box()
    assert 0 <= box["y"] < 100  # scrolled to the routes
    w.assert_clean()


@pytest.mark.parametrize("width, locale", [(1280, "en-US"), (1366, "en-US"),
                                           (390, "es-MX"), (390, "en-US")])
def test_profile_never_scrolls_sideways(browser, live, width, locale):
    w = new_watch(browser, locale=locale, storage_state=live.state, viewport=(width, 844))
    w.page.goto(live.url + PELICANO)
    w.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    scroll, inner = w.page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner, f"{scroll} px wide in a {inner} px window"
    w.assert_clean()


def test_introductions_menu_picks_an_actor_by_name_with_the_keyboard(browser, live):
    w = new_watch(browser, storage_state=live.state)
    w.page.goto(live.url + "/")
    w.page.click("header nav >> text=Introductions")
    w.page.wait_for_url(live.url + "/introductions")
    w.page.type("#f-q", "pelic", delay=40)  # accents ignored
    w.page.wait_for_selector("#picker-list li", state="visible")
    assert w.page.locator("#picker-list li").first.inner_text().startswith(
        "Asociación Ejemplo Pelícano")
    w.page.keyboard.press("ArrowDown")
    with w.page.expect_navigation():
        w.page.keyboard.press("Enter")
    w.page.wait_for_url(live.url + PELICANO + "/introductions")
    assert w.page.locator("h1").inner_text() == "Suggested introductions"
    w.assert_clean()
