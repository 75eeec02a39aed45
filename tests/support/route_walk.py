"""Walk every GET route of a Flask app as one client, for access tests.

Used on the small app in test_web_security.py and on the full app in
test_web_permissions.py: walk it as anonymous and as each role, then check
that no restricted name or id appears in what a viewer got.
"""
from __future__ import annotations

import html
import io
import json
import zipfile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def route_urls(app, values: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Every GET URL of ``app``: a rule with arguments once per value given
    for each argument name in ``values`` (e.g. ``{"actor_id": [...]}``).

    Returns ``(urls, unfilled)``: ``unfilled`` names the rules with an
    argument ``values`` has nothing for, so a test can fail on them rather
    than skip a route unseen.
    """
    urls, unfilled = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in ("static", "favicon"):  # files
            continue
        args = sorted(rule.arguments)
        if not args:
            urls.append(rule.rule)
            continue
        if any(a not in values for a in args):
            unfilled.append(rule.rule)
            continue
        combos = [{}]
        for a in args:
            combos = [dict(c, **{a: v}) for c in combos for v in values[a]]
        with app.test_request_context():
            from flask import url_for

            urls += [url_for(rule.endpoint, **c) for c in combos]
    return urls, unfilled


def walk(client, urls: list[str], **kwargs) -> dict[str, tuple[int, str]]:
    """GET each URL; ``{url: (status, text)}``. JSON is re-serialised without
    ASCII escapes, so an escaped accent cannot hide a name from a search; a
    zip download (the CSV export, an XLSX workbook) is the text of every
    file in it."""
    out = {}
    for url in urls:
        r = client.get(url, **kwargs)
        if r.mimetype in ("application/zip", XLSX):
            with zipfile.ZipFile(io.BytesIO(r.get_data())) as zf:
                text = "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist())
            out[url] = (r.status_code, text)
            continue
        text = r.get_data(as_text=True)
        if r.is_json:
            text = json.dumps(r.get_json(), ensure_ascii=False)
        out[url] = (r.status_code, text)
    return out


def leaks(responses: dict[str, tuple[int, str]], names: list[str]) -> list[tuple[str, str]]:
    """``(url, name)`` for each name found in a response, raw or HTML-escaped."""
    found = []
    for url, (_status, text) in responses.items():
        for name in names:
            if name in text or html.escape(name) in text:
                found.append((url, name))
    return found
