"""A bounded fuzz of every endpoint and parameter: no 5xx, no traceback.

Every route of the app (pages, the API, sign-in, the audit log, downloads),
as an editor (who may use every page), and the API as a viewer and
anonymously, is sent hostile values in every parameter the OpenAPI
document names for it (and every parameter any operation names, for the
pages), in path segments, query strings, form fields and JSON bodies. The
values are fixed plus a seeded random sample, so a run is repeatable and
takes well under a minute on the hand-made graph; everything stays inside
the process (Flask's test client), nothing leaves the loopback.
"""
from __future__ import annotations

import random

import pytest

from web_support import bearer, csrf, signed_in

SEED = 11
#: Values a client may send by mistake or on purpose.
HOSTILE = [
    "", " ", "0", "-1", "1e309", "NaN", "-0", "99999999999999999999999", "3.5", "true",
    "null", "[]", "{}", "a" * 5000, "../../etc/passwd", "%00", "\x00", "\x7f\x1b[2J",
    "<script>alert(1)</script>", "' OR 1=1 --", "=HYPERLINK(\"x\")", "ñandú México",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "formal,informal,funding,bogus", "MX,US,,,", "2021-13-45", "sinfronteras",
    "[" * 2000 + "]" * 2000,
]
SKIP = {"static", "vendor.static", "auth.logout"}  # files, and signing the client out


def _params(spec) -> tuple[dict[str, set[str]], set[str]]:
    """Query parameters per OpenAPI path, and every name any operation uses."""
    per_path: dict[str, set[str]] = {}
    every: set[str] = set()
    for path, ops in spec["paths"].items():
        for op in ops.values():
            if not isinstance(op, dict):
                continue
            names = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
            body = op.get("requestBody", {}).get("content", {})
            for media in body.values():
                names |= set(media.get("schema", {}).get("properties", {}))
            per_path.setdefault(path, set()).update(names)
            every |= names
    return per_path, every


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule, value: str) -> str:
    from urllib.parse import quote

    out = rule.rule
    for arg in rule.arguments:
        out = out.replace(f"<{arg}>", quote(value, safe="") or "x")
    return out


def _check(response, where):
    assert response.status_code < 500, (where, response.status_code,
                                        response.get_data(as_text=True)[:500])
    text = response.get_data(as_text=True) if response.mimetype.startswith(
        ("text/", "application/json")) else ""
    assert "Traceback" not in text, where


def _fuzz(app, client, headers, rng, requests_per_route=15):
    spec = signed_in(app, "viewer").get("/api/v1/openapi.json").get_json()
    per_path, every = _params(spec)
    token = csrf(client) if not headers else None
    sent = 0
    for rule, method in _routes(app):
        api_path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        names = sorted(per_path.get(api_path) or every)
        # every parameter with every fixed value once, then random mixtures
        cases = [({name: value}, value) for name in names for value in HOSTILE[:8]]
        for _ in range(requests_per_route):
            picked = rng.sample(names, k=min(len(names), rng.randint(1, 3)))
            cases.append(({n: rng.choice(HOSTILE) for n in picked}, rng.choice(HOSTILE)))
        for params, segment in cases:
            url = _url(rule, segment) if rule.arguments else rule.rule
            where = f"{method} {url} {params!r}"[:300]
            if method == "GET":
                r = client.get(url, query_string=params, headers=headers)
            elif rule.rule.startswith("/api/") and rng.random() < 0.5:
                r = client.post(url, json=params, headers=headers)
            else:
                data = dict(params)
                if token:
                    data["csrf_token"] = token
                r = client.post(url, data=data, headers=headers)
            _check(r, where)
            sent += 1
    return sent


def test_fuzz_every_route_as_an_editor_gives_no_5xx(app):
    client = signed_in(app, "editor")
    sent = _fuzz(app, client, None, random.Random(SEED))
    assert sent > 800


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_fuzz_the_api_with_tokens_gives_no_5xx(app, role):
    client = signed_in(app, role)
    headers = bearer(client, f"{role}1")
    sent = _fuzz(app, client, headers, random.Random(SEED + 1), requests_per_route=5)
    assert sent > 500


def test_fuzz_anonymous_gives_no_5xx(app):
    sent = _fuzz(app, app.test_client(), {"Accept": "application/json"},
                 random.Random(SEED + 2), requests_per_route=5)
    assert sent > 500
