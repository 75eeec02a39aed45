"""A small corridor for the survey tests: organisations to invite, public
actors to name, and restricted records a respondent must never see.

The accounts' clock is fixed (``auth_helpers.FakeClock``: 2027-01-15 UTC),
so the survey below (open 2027-01-01 to 2027-02-28) is open on "today".
"""
from __future__ import annotations

from auth_helpers import PASSWORD, make_accounts
from graphsvc.access import GraphView
from graphsvc.auth.roles import Principal
from graphsvc.model import STANDARD_QUESTIONS, Actor, Survey, SurveyQuestion, Tie
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.surveys import Surveys


def A(id, name, kind="cso", country="MX", vis="public", **kw):
    return Actor(id=id, name=name, kind=kind, country=country, visibility=vis, **kw)


ACTORS = [
    A("casa-tijuana", "Casa del Migrante en Tijuana", "shelter", city="Tijuana"),
    A("sin-fronteras", "Sin Fronteras I.A.P.", city="Ciudad de México"),
    A("frontera-digna", "Frontera Digna", city="Piedras Negras"),
    A("unhcr", "UNHCR", "international_org", "INT"),
    A("iom", "IOM", "international_org", "INT"),
    A("red-sd", "Red Fronteriza de San Diego", "network", "US", city="San Diego"),
    A("dhs", "US Department of Homeland Security", "government", "US"),
    A("zz-oculta", "Defensora Oculta Uno", "individual", vis="restricted",
      description="contacto privado"),
]
TIES = [
    Tie(id="tie-zz-secret", source="casa-tijuana", target="dhs", kind="informal",
        visibility="restricted", note="reunión privada"),
    Tie(id="tie-public", source="sin-fronteras", target="unhcr", kind="formal",
        visibility="public"),
    Tie(id="tie-zz-hidden", source="zz-oculta", target="casa-tijuana", kind="informal"),
]
#: What a respondent must never see: restricted names, ids, notes, ties.
SECRETS = ["Defensora Oculta Uno", "zz-oculta", "contacto privado", "reunión privada",
           "tie-zz-secret", "tie-zz-hidden"]

EDITOR = Principal("editor1", "editor", 1, "session")


def survey_spec(**kw) -> Survey:
    data = {"title": {"es": "Encuesta de vínculos 2027", "en": "Ties survey 2027"},
            "intro": {"es": "Gracias por responder.", "en": "Thank you for answering."},
            "opens": "2027-01-01", "closes": "2027-02-28",
            "questions": [SurveyQuestion(id=q, type=t) for q, (t, _o)
                          in STANDARD_QUESTIONS.items()]
            + [SurveyQuestion(id="staff", type="single", text={"es": "Personal",
                                                                "en": "Staff"},
                              options=[{"es": "1-5", "en": "1-5"},
                                       {"es": "6 o más", "en": "6 or more"}])]}
    data.update(kw)
    return Survey(**data)


def make_world(tmp_path, store=None):
    """``(store, accounts, service, surveys)`` over a real SQLite store (or
    ``store``, e.g. the Neo4j store on the Bolt stand-in) and accounts file,
    with an editor account ``editor1``."""
    store = store or SQLiteStore(tmp_path / "graph.db")
    store.upsert(ACTORS, TIES)
    accounts = make_accounts(tmp_path / "graph.accounts.db")
    accounts.create_user("editor1", PASSWORD, "editor", by="test")
    service = GraphService(store)
    return store, accounts, service, Surveys(accounts)


def editor_view(service, accounts) -> GraphView:
    return GraphView(service, EDITOR, accounts)
