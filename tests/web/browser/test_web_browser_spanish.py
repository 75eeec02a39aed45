"""Every page in Spanish, crawled in headless Chromium as an admin on the
illustrative network: what the reader sees (text, placeholders, tooltips,
labels for screen readers, the options of every list) holds no English
vocabulary value and no English message of the catalog.

The words looked for are derived (tests/support/spanish_words.py): the
vocabulary label tables of graphsvc.web.i18n and the English messages of
the catalog whose Spanish differs. Proper names and data values (names,
cities, notes, descriptions, sources: what people typed, in whatever
language) are taken out of the text first, and so are ids, shown as code.
"""
from __future__ import annotations

import re

import pytest

from a11y import html_page_urls, page_values
from browser_support import illustrative_viewer_server, needs_chromium, new_watch
from spanish_words import catalog_phrases, english_words

pytestmark = [pytest.mark.browser, needs_chromium]

ACTOR = "ex-asociacion-ejemplo-pelicano"
OTHER = "ex-centro-ejemplo-amate-de-derechos-humanos"
TIE = f"formal:{ACTOR}--{OTHER}:mou"
EXTRA = ("/introductions?q=ejemplo", "/introductions/plan?goal=community_bridges",
         f"/actors/{ACTOR}/introductions?mode=policymaker",
         f"/actors/{ACTOR}/introductions?mode=open",
         f"/actors/{ACTOR}/merge?other={OTHER}",
         "/map?size_by=betweenness&color_by=community", f"/map?ego={ACTOR}&depth=2",
         "/changes?since=2000-01-01", "/actors?country=MX")

#: Words a Spanish page shows on purpose, each with its reason.
ALLOWED = {
    "graphsvc",  # the product's name
    "English",   # the language switch names each language in itself
    "OpenAPI", "JSON", "CSV", "GraphML", "GEXF",  # names of formats
    "Roles",     # Spanish too: "Roles de intermediación" (brokerage roles)
}

#: What the reader sees: visible text outside code, script and anything
#: marked as another language, and the attributes that speak to the reader.
_READ_PAGE = """() => {
  const skip = el => el.closest('code, script, style, [lang]:not(html)');
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || skip(el)) continue;
    const visible = el.closest('option, select') || el.checkVisibility();
    if (visible) parts.push(walker.currentNode.nodeValue);
  }
  for (const el of document.querySelectorAll(
      '[placeholder], [title], [aria-label], [alt], input[type=submit][value]')) {
    if (skip(el)) continue;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
      if (el.hasAttribute(a)) parts.push(el.getAttribute(a));
    }
    if (el.type === 'submit') parts.push(el.value);
  }
  parts.push(document.title);
  return parts.join(' \\n ');
}"""


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    for server in illustrative_viewer_server(tmp_path_factory, browser, "spanish", role="admin"):
        server.values = page_values(server.app, ACTOR, TIE)
        yield server


def data_values(live) -> list[str]:
    """Everything people typed: it stays as they wrote it, in any language."""
    service = live.app.extensions["graphsvc"]
    store = service.store
    values = set()
    for a in store.find_actors():
        values |= {a.name, a.city, a.region, a.description, a.source_ref, a.website,
                   *(a.languages or [])}
    for t in store.ties():
        values |= {t.note, t.source_ref, t.currency}
        for e in t.evidence or []:
            values |= {e.title, e.note, e.url}
    for r in [*store.events(), *store.groups()]:
        values |= {r.title, r.note, r.source_ref, getattr(r, "city", None)}
    from graphsvc.surveys.store import Surveys

    for record in Surveys(live.app.extensions["graphsvc.accounts"]).all():
        spec = record.spec
        texts = [spec.title, spec.intro] + [q.text for q in spec.questions]
        texts += [o for q in spec.questions for o in (q.options or [])]
        values |= {v for t in texts if t for v in t.values()}
    return sorted((v for v in values if v and len(v) > 1), key=len, reverse=True)


def english_on(text: str, words: set[str]) -> list[str]:
    return sorted(w for w in words
                  if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text))


def test_every_page_in_spanish_has_no_english(browser, live):
    vocabulary = english_words(live.app)
    phrases = catalog_phrases()
    words = {w for w in (vocabulary | phrases) if w not in ALLOWED}
    assert {"Asylum seekers", "Humanitarian aid", "Suggested introductions",
            "Sign out"} <= words  # derived, not listed: a spot check
    values = data_values(live)
    w = new_watch(browser, locale="es-MX", storage_state=live.state)
    urls = html_page_urls(live.app, live.values, EXTRA)
    found = {}
    for path in urls:
        if path == "/login":
            continue  # signed in, the sign-in page moves on; see below
        response = w.page.goto(live.url + path)
        assert response.status == 200, path
        assert w.page.evaluate("document.documentElement.lang") == "es", path
        text = w.page.evaluate(_READ_PAGE)
        for value in values:  # whole values only: "es" is no part of "Participantes"
            text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", " ", text)
        if left := english_on(text, words):
            found[path] = left
    anonymous = new_watch(browser, locale="es-MX")
    anonymous.page.goto(live.url + "/login")
    if left := english_on(anonymous.page.evaluate(_READ_PAGE), words):
        found["/login"] = left
    assert not found, "\n" + "\n".join(f"{p}: {left}" for p, left in found.items())
