"""Every HTML page of the app, and axe-core run on a page in Chromium.

:func:`html_page_urls` derives the pages from the app's routes (every GET
route that answers HTML, its arguments filled with ids of the illustrative
network), so a new page is crawled without anyone listing it; extra URLs
add the states a page has behind its query string. :func:`axe_violations`
injects the vendored axe-core (``tests/support/axe``, MPL-2.0) and returns
what it finds at the impact levels asked for.
"""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).with_name("axe") / "axe.min.js"

#: Routes that answer a file, not a page (downloads, assets).
_FILES = (".csv", ".json", ".xlsx", ".<fmt>", "/export/<fmt>", "/favicon.ico")
_SKIP = {"static", "favicon", "vendor.static", "pages.rejected_csv", "auth.audit_export",
         "pages.map_download"}  # (a file to save: the map as one HTML file)


def html_page_urls(app, values: dict[str, str], extra: tuple[str, ...] = ()) -> list[str]:
    """Every GET page of ``app`` outside the API, once, with ``values`` for
    its arguments (``actor_id``, ``tie_id``), then ``extra``. Fails on a
    route with an argument ``values`` has nothing for."""
    from flask import url_for

    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if ("GET" not in rule.methods or rule.endpoint in _SKIP
                or rule.rule.startswith("/api/") or rule.rule.endswith(_FILES)):
            continue
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: no value for {missing}"
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
    return urls + [u for u in extra if u not in urls]


def _axe_source() -> str:
    global _SOURCE
    if _SOURCE is None:
        _SOURCE = AXE.read_text(encoding="utf-8")
    return _SOURCE


_SOURCE: str | None = None


#: Repeats of one template that axe need not check one by one: a change in
#: the history lists every record an import wrote (823 on the illustrative
#: network, 75,000 elements, over a minute of axe), each the same markup;
#: the first three are checked and the others taken out of the page first.
REPEATS = (".change-item ~ .change-item ~ .change-item ~ .change-item",)


def axe_violations(page, impacts=("serious", "critical"), repeats=REPEATS) -> list[dict]:
    """axe-core's violations on the page, at these impacts, once the
    ``repeats`` are taken out: ``[{"id", "impact", "help", "nodes":
    [selector, ...]}]``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through the browser's protocol, which the pages' Content
        # Security Policy (scripts from 'self' only) rightly does not allow a
        # <script> tag to do
        page.evaluate(_axe_source() + "\n;undefined")
    found = page.evaluate("""async (repeats) => {
        repeats.forEach(s => document.querySelectorAll(s).forEach(e => e.remove()));
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
    }""", list(repeats))
    return [v for v in found if v["impact"] in impacts]


def page_values(app, actor_id: str, tie_id: str) -> dict[str, str]:
    """Values for every page's arguments on the illustrative network:
    ``actor_id`` and ``tie_id`` as given, its Tijuana workshop and a working
    group, and a survey with one invitation (created here, so the survey's
    design, status, review, results, answers and link pages are crawled)."""
    from graphsvc.surveys.store import Surveys
    from survey_support import survey_spec

    store = app.extensions["graphsvc"].store
    surveys = Surveys(app.extensions["graphsvc.accounts"])
    record = surveys.create(survey_spec(), by="test")
    ((invitation, token),) = surveys.invite(record.id, [(store.get_actor(actor_id), None)],
                                            by="test")
    return {"actor_id": actor_id, "tie_id": tie_id, "event_id": "journeys-tijuana-2017",
            "group_id": "tf-wg-protection", "survey_id": str(record.id),
            "invitation_id": str(invitation.id), "token": token}
