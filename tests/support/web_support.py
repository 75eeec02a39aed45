"""A small hand-made graph on a real SQLite store, and the app over it.

Names include the strings an attacker would try, so every page test is
also an escaping test. The app has a real accounts database; ``client`` is
signed in through the real sign-in form as an editor (who sees restricted
records and may use every page but the audit log).
"""
from __future__ import annotations

import re

from auth_helpers import PASSWORD, make_accounts
from graphsvc.model import Actor, Tie
from graphsvc.service import GraphService
from graphsvc.web import create_app

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(1)</script>'
HREF = 'Casa <a href="javascript:alert(1)">href</a> Migrante'
JS_SITE = "javascript:alert(document.domain)"

ACTORS = [
    Actor(id="sinfronteras", name="Sin Fronteras I.A.P.", kind="cso", country="MX",
          city="Ciudad de México", issue_areas=["legal_aid", "advocacy"],
          website="https://sinfronteras.example", provenance="survey",
          visibility="public"),
    Actor(id="unhcr", name="UNHCR", kind="international_org", country="INT",
          provenance="public_report", visibility="public"),
    Actor(id="prm", name="US State Department PRM", kind="government", country="US",
          city="Washington", roles=["funder", "policymaker"], visibility="public"),
    Actor(id="img", name=IMG, kind="shelter", country="MX", city="Tijuana",
          description=SCRIPT, issue_areas=["shelter"]),
    Actor(id="script", name=SCRIPT, kind="cso", country="US", city="San Diego",
          issue_areas=["legal_aid"]),
    Actor(id="href", name=HREF, kind="faith_based", country="MX", city="Tapachula"),
    Actor(id="isolated", name="Colectivo Aislado", kind="migrant_led", country="GT"),
]
# JS_SITE fails Actor validation; the store is written through the model,
# so a javascript: website can only arrive as description text. The profile
# still refuses to link anything but http(s) (see test_pages).
TIES = [
    Tie(source="prm", target="unhcr", kind="funding", amount=5_000_000, currency="USD",
        year=2020, provenance="public_report", visibility="public"),
    Tie(source="unhcr", target="sinfronteras", kind="funding", amount=200_000,
        currency="USD", year=2020, channel=["prm"], visibility="public"),
    Tie(source="unhcr", target="sinfronteras", kind="formal", subtype="implementing_partner",
        provenance="survey", visibility="public"),
    Tie(source="sinfronteras", target="unhcr", kind="informal", subtype="workshop",
        provenance="workshop", note=IMG),
    Tie(source="sinfronteras", target="img", kind="informal", provenance="workshop"),
    Tie(source="img", target="script", kind="formal", subtype="coalition",
        note=SCRIPT),
    Tie(source="href", target="img", kind="informal"),
    Tie(source="sinfronteras", target="script", kind="informal"),
]


def fill(store, illustrative=False):
    store.upsert(ACTORS, TIES)
    if illustrative:
        store.set_meta("illustrative", "true")
    return store


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def make_app(store, path, accounts=None, **config):
    """The full app over ``store``, with accounts in a file beside ``path``."""
    accounts = accounts or make_accounts(path.with_name(path.stem + ".accounts.db"))
    return create_app({"DB": str(path), "TESTING": True, **config},
                      service=GraphService(store), accounts=accounts)


def sign_in(client, username, password=PASSWORD, **kwargs):
    """Sign ``client`` in through the sign-in form (with its CSRF token)."""
    page = client.get("/login", **kwargs)
    token = _CSRF.search(page.get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": password,
                                            "csrf_token": token}, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def signed_in(app, role="editor"):
    """A test client of ``app`` signed in as a user with ``role`` (created if needed)."""
    accounts = app.extensions["graphsvc.accounts"]
    name = f"{role}1"
    if accounts.find_user(name) is None:
        accounts.create_user(name, PASSWORD, role, by="test")
    client = app.test_client()
    sign_in(client, name)
    return client


_FORM_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client, path="/"):
    """The CSRF token a page gives ``client``: what its forms post back."""
    return _FORM_CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def bearer(client, username="editor1"):
    """``Authorization`` headers with a new API token of ``username`` (how a
    script calls the API: no session, no CSRF token)."""
    accounts = client.application.extensions["graphsvc.accounts"]
    token, _info = accounts.create_token(username, by="test", name="tests")
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status, code):
    """The one error shape, pinned: exactly error.{code, message, details}."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]
