"""Accessibility in headless Chromium: axe-core (vendored, tests/support/axe)
finds no serious or critical violation on any page, in English or Spanish,
as an admin on the illustrative network (who sees every record and every
form); every control of the main pages is reached with the Tab key."""
from __future__ import annotations

import pytest

from a11y import axe_violations, html_page_urls, page_values
from browser_support import illustrative_viewer_server, needs_chromium, new_watch

pytestmark = [pytest.mark.browser, needs_chromium]

ACTOR = "ex-asociacion-ejemplo-pelicano"
OTHER = "ex-centro-ejemplo-amate-de-derechos-humanos"
TIE = f"formal:{ACTOR}--{OTHER}:mou"
#: The states pages have behind their query string.
EXTRA = ("/introductions?q=ejemplo", "/introductions/plan?goal=community_bridges",
         f"/actors/{ACTOR}/introductions?mode=policymaker",
         f"/actors/{ACTOR}/merge?other={OTHER}",
         "/map?size_by=betweenness&color_by=community", f"/map?ego={ACTOR}&depth=2",
         "/changes?since=2000-01-01", "/actors?country=MX")


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    for server in illustrative_viewer_server(tmp_path_factory, browser, "a11y", role="admin"):
        server.values = page_values(server.app, ACTOR, TIE)
        yield server


def page_urls(live):
    return html_page_urls(live.app, live.values, EXTRA)


def _open(w, url):
    response = w.page.goto(url)
    if w.page.locator(".graph-map").count():
        w.page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
    return response


@pytest.mark.parametrize("locale", ["en-US", "es-MX"])
def test_axe_finds_no_serious_violation_on_any_page(browser, live, locale):
    found = {}
    urls = page_urls(live)
    assert len(urls) >= 30
    w = new_watch(browser, locale=locale, storage_state=live.state)
    for path in urls:
        if path == "/login":
            continue  # signed in, the sign-in page moves on; checked below
        response = _open(w, live.url + path)
        assert response.status == 200, path
        violations = axe_violations(w.page)
        if violations:
            found[path] = violations
    anonymous = new_watch(browser, locale=locale)
    _open(anonymous, live.url + "/login")
    if violations := axe_violations(anonymous.page):
        found["/login"] = violations
    assert not found, "\n" + "\n".join(
        f"{path}: {v['id']} ({v['impact']}: {v['help']}) at {v['nodes']}"
        for path, vs in found.items() for v in vs)


#: The main pages a facilitator, an advocate and an editor use.
MAIN_PAGES = ("/", "/actors", f"/actors/{ACTOR}", "/map", "/introductions",
              "/introductions/plan", f"/actors/{ACTOR}/introductions", "/communities",
              "/import", f"/actors/{ACTOR}/edit", f"/actors/{ACTOR}/ties/new")

_MARK_CONTROLS = """() => {
  const all = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]');
  let n = 0;
  for (const el of all) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (el.disabled || el.tabIndex < 0 || style.visibility === 'hidden'
        || (box.width === 0 && box.height === 0) || el.closest('[hidden], [inert]')) continue;
    el.dataset.control = String(n++);
  }
  return n;
}"""


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_every_control_is_reached_with_the_tab_key(browser, live, path):
    w = new_watch(browser, storage_state=live.state)
    _open(w, live.url + path)
    # folded sections (the map's filters) open from their summary, itself
    # reached by Tab; opened here so the controls inside count too
    w.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    count = w.page.evaluate(_MARK_CONTROLS)
    assert count > 5
    reached, labels = set(), {}
    for _ in range(count + 20):
        w.page.keyboard.press("Tab")
        mark = w.page.evaluate("document.activeElement && document.activeElement.dataset "
                               "? document.activeElement.dataset.control : null")
        if mark is not None:
            reached.add(int(mark))
    missing = sorted(set(range(count)) - reached)
    for i in missing[:10]:
        labels[i] = w.page.locator(f"[data-control='{i}']").evaluate(
            "el => el.outerHTML.slice(0, 160)")
    assert not missing, f"{len(missing)} of {count} controls never got the focus: {labels}"
    # the first Tab from the top offers the skip link, which lands in the content
    # (a page that opens with the focus in its content, as the map's name
    # box does, has already skipped the header)
    w.page.goto(live.url + path)
    if w.page.evaluate("!!document.querySelector('main [autofocus]')"):
        assert w.page.evaluate("document.getElementById('main')"
                               ".contains(document.activeElement)")
    else:
        w.page.keyboard.press("Tab")
        assert w.page.evaluate("document.activeElement.className") == "skip-link"
        w.page.keyboard.press("Enter")
        assert w.page.evaluate("document.activeElement.id") == "main"
    w.assert_clean()
