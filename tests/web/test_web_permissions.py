"""The whole app behind its access rules: every route and API endpoint walked
as anonymous and as each role, with exactly what each may see.

The graph is built by hand so that every way restricted data could leak
has a case (a restricted actor, a restricted tie between public actors, a
public tie to a restricted actor, a public grant passed through a restricted
funder). Restricted names and ids are distinctive strings, so finding one
anywhere in a response is a leak.

Expected statuses come from the roles as issue 7 states them (viewer reads
public data, analyst also restricted data and exports, editor imports,
admin reads the audit log), written out below, not from the app's table.
"""
import html
import io
import json
import re

import pandas as pd
import pytest
from flask import Blueprint

from auth_helpers import PASSWORD, make_accounts
from graphsvc.model import Actor, Event, Group, Introduction, Tie
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.web import create_app
from graphsvc.web.permissions import ENDPOINT_PERMISSIONS, missing_endpoints
from route_walk import leaks, route_urls, walk
from web_support import sign_in

ROLES = ("viewer", "analyst", "editor", "admin")


def A(id, name, kind="cso", country="MX", vis="public", **kw):
    return Actor(id=id, name=name, kind=kind, country=country, visibility=vis, **kw)


def T(id, s, d, kind, vis="public", **kw):
    return Tie(id=id, source=s, target=d, kind=kind, visibility=vis, **kw)


ACTORS = [
    A("pub-shelter", "Casa Pública Uno", "shelter", city="Tijuana"),
    A("pub-network", "Red Pública Dos", "network", "US", city="San Diego"),
    A("pub-funder", "Fondo Público Tres", "funder", "US"),
    A("pub-office", "Oficina Pública Cuatro", "government", "US", roles=["policymaker"]),
    A("pub-alone", "Colectivo Público Cinco", "migrant_led", "GT"),
    A("zz-hidden-defender", "Defensora Oculta Uno", "individual", vis="restricted",
      city="Tapachula", description="contacto privado de Defensora Oculta Uno"),
    A("zz-hidden-funder", "Fondo Oculto Dos", "funder", "US", vis="restricted"),
]
TIES = [
    T("tie-pub-a", "pub-shelter", "pub-network", "formal", subtype="coalition"),
    T("tie-pub-b", "pub-network", "pub-office", "informal"),
    T("tie-pub-c", "pub-funder", "pub-shelter", "funding", amount=5000, currency="USD",
      year=2021, channel=["zz-hidden-funder"]),
    T("tie-zz-secret-pair", "pub-shelter", "pub-office", "informal", vis="restricted",
      note="reunión privada"),
    T("tie-zz-to-hidden", "zz-hidden-defender", "pub-shelter", "informal"),
    T("tie-zz-hidden-grant", "zz-hidden-funder", "pub-funder", "funding", amount=10,
      currency="USD", year=2021),
    T("tie-zz-hidden-office", "zz-hidden-defender", "pub-office", "informal",
      vis="restricted"),
]
# Introduction records: one brokered by a hidden actor (with a note), one
# between public actors whose note is free text a viewer must not read.
INTRODUCTIONS = [
    Introduction(source="pub-shelter", target="pub-office", via="zz-hidden-defender",
                 status="made", note="zz nota del encuentro"),
    Introduction(source="pub-alone", target="pub-network", status="declined",
                 note="zz nota de la negativa"),
]
# Events and groups: a public workshop a hidden actor attended, with a note
# (free text, for those who may see restricted records); a restricted
# meeting; a public group with a restricted membership; a restricted group.
EVENTS = [
    Event(id="ev-public-workshop", title="Taller Público Seis", kind="workshop",
          start="2020-05-10", visibility="public", note="zz nota del taller",
          participants=[{"actor": "pub-shelter", "role": "organiser"},
                        {"actor": "pub-network"}, {"actor": "zz-hidden-defender"}],
          # a kept invitation list naming a hidden invitee and pairs with it
          plan={"invited": ["pub-shelter", "pub-network", "zz-hidden-defender", "pub-office"],
                "pairs": [["pub-shelter", "zz-hidden-defender"], ["pub-network", "pub-office"],
                          ["pub-office", "pub-shelter"], ["pub-network", "zz-hidden-defender"]],
                "planned_on": "2020-04-01"}),
    Event(id="zz-ev-hidden-meeting", title="Reunión Oculta Tres", kind="meeting",
          start="2020-06-01", participants=[{"actor": "pub-shelter"},
                                            {"actor": "pub-office"}]),
]
GROUPS = [
    Group(id="gr-public-coalition", title="Coalición Pública Siete", kind="coalition",
          visibility="public",
          members=[{"actor": "pub-shelter", "role": "chair", "visibility": "public"},
                   {"actor": "pub-network", "visibility": "public"},
                   {"actor": "zz-hidden-funder", "visibility": "public"},
                   {"actor": "pub-funder", "visibility": "restricted"}]),
    Group(id="zz-gr-hidden-table", title="Mesa Oculta Cuatro", kind="working_group",
          members=[{"actor": "pub-office", "visibility": "public"}]),
]
#: What a store that never held the restricted records holds of them.
PUBLIC_RECORDS = [
    Event.model_validate({**EVENTS[0].to_record(), "note": None,
                          "participants": EVENTS[0].to_record()["participants"][:2],
                          "plan": {"invited": ["pub-shelter", "pub-network", "pub-office"],
                                   "pairs": [("pub-network", "pub-office"),
                                             ("pub-office", "pub-shelter")],
                                   "planned_on": "2020-04-01"}}),
    GROUPS[0].model_copy(update={"members": GROUPS[0].members[:2]}),
]
HIDDEN_EVENTS = ["zz-ev-hidden-meeting"]
HIDDEN_GROUPS = ["zz-gr-hidden-table"]
HIDDEN_ACTORS = ["zz-hidden-defender", "zz-hidden-funder"]
PUBLIC_ACTORS = [a.id for a in ACTORS if a.visibility == "public"]
# Everything a viewer must never see: names, ids, restricted ties' ids and notes.
SECRETS = (["Defensora Oculta Uno", "Fondo Oculto Dos", "reunión privada",
            "contacto privado", "zz nota del encuentro", "zz nota de la negativa",
            "Reunión Oculta Tres", "Mesa Oculta Cuatro", "zz nota del taller"]
           + HIDDEN_ACTORS + HIDDEN_EVENTS + HIDDEN_GROUPS
           + [t.id for t in TIES if t.id.startswith("tie-zz")])

#: The lowest role each endpoint admits, from issue 7 (every other GET
#: endpoint is for readers: the viewer and, with PUBLIC_VIEW, the public).
LOWEST_ROLE = {
    "pages.map_download": "analyst",  # a download is an export
    "pages.export_page": "analyst",
    "pages.import_page": "editor",
    "pages.export_file": "analyst",  # the whole graph as a file
    "api.export_graph": "analyst",
    "pages.rejected_csv": "editor",  # rows an editor's import left out
    "auth.audit_export": "admin",
    # editing forms (their POSTs are walked by the CSRF test)
    "pages.actor_new": "editor",
    "pages.actor_edit": "editor",
    "pages.actor_delete": "editor",
    "pages.actor_merge": "editor",
    "pages.tie_new": "editor",
    "pages.tie_edit": "editor",
    "pages.tie_end": "editor",
    "pages.tie_delete": "editor",
    # network surveys (issue 17): facilitators design, invite and review;
    # answers are restricted, so their results are for analysts
    **{f"surveys.{e}": "editor" for e in ("index", "new", "edit", "status", "review_page")},
    **{f"api_surveys.{e}": "editor" for e in ("api_index", "api_survey", "api_proposals")},
    "surveys.results_page": "analyst",
    "surveys.response_page": "analyst",
    "api_surveys.api_response": "analyst",
    "surveys.results_csv_file": "analyst",
    "surveys.results_xlsx_file": "analyst",
    "api_surveys.api_results": "analyst",
}
#: The answer pages: open to anyone with a link, and only at a real link
#: (the walk's token is no link: 404 for everyone, signed in or not).
SURVEY_LINKS = {"surveys.respond", "api_surveys.respond_json"}
OPEN_ENDPOINTS = {"auth.login", "vendor.static"} | SURVEY_LINKS
PUBLIC_TIES = [t.id for t in TIES if not t.id.startswith("tie-zz")]
HIDDEN_TIES = [t.id for t in TIES if t.id.startswith("tie-zz")]
URL_VALUES = {"actor_id": PUBLIC_ACTORS + HIDDEN_ACTORS + ["nobody-here"],
              "tie_id": PUBLIC_TIES + HIDDEN_TIES + ["nobody-tie"],
              "seq": ["1", "2", "3", "999"],
              "fmt": ["csv", "json"], "filename": ["vis-network.min.js"],
              "event_id": [e.id for e in EVENTS] + ["nobody-event"],
              "group_id": [g.id for g in GROUPS] + ["nobody-group"],
              "token": ["0" * 32], "survey_id": ["1", "999"],
              "invitation_id": ["1", "999"]}
# History the walk must not leak: an actor that was restricted under another
# name before it was made public, and a public tie whose earlier values named
# a hidden funder in its channel and a restricted note (see build()).
HISTORY_SECRETS = ["Colectivo Secreto Anterior", "nota secreta anterior",
                   "motivo reservado"]


def build(tmp_path, actors, ties, name="graph", records=None, **config):
    from graphsvc.history import ChangeInfo

    path = tmp_path / f"{name}.db"
    store = SQLiteStore(path)
    store.upsert(actors, ties)
    if name == "graph":
        _edit_history(store)
        records = EVENTS + GROUPS
    if records:
        store.put_records(records, ChangeInfo(who="editor1", path="cli"))
    ids = {a.id for a in actors}
    for intro in INTRODUCTIONS:
        if {intro.source, intro.target, intro.via} - {None} <= ids:
            store.record_introduction(intro)
    accounts = make_accounts(tmp_path / f"{name}.accounts.db")
    app = create_app({"DB": str(path), "TESTING": True, **config},
                     service=GraphService(store), accounts=accounts)
    for role in ROLES:
        accounts.create_user(f"{role}1", PASSWORD, role, by="test")
    _survey(accounts, store)
    return app


#: What one organisation answered in the walk's survey: restricted, so no
#: viewer (nor the public) may ever read it.
SURVEY_SECRETS = ["Albergue Encuestado Secreto", "respuesta reservada"]


def _survey(accounts, store):
    """Survey 1, with one submitted answer naming a public actor and an
    organisation not in the graph."""
    from graphsvc.model import RosterEntry, Survey, SurveyAnswers, SurveyQuestion
    from graphsvc.surveys import Surveys

    surveys = Surveys(accounts)
    record = surveys.create(Survey(
        title={"es": "Encuesta de vínculos"}, opens="2027-01-01", closes="2027-02-28",
        questions=[SurveyQuestion(id="helpful", type="scale"),
                   SurveyQuestion(id="wanted_with_whom", type="text")]), by="test")
    actor = store.get_actor("pub-shelter")
    if actor is None:
        return
    [(_inv, token)] = surveys.invite(record.id, [(actor, None)], by="test")
    surveys.save(token, SurveyAnswers(
        roster=[RosterEntry(actor="pub-network", kind="formal"),
                RosterEntry(name=SURVEY_SECRETS[0], country="MX", kind="informal")],
        answers={"helpful": "5", "wanted_with_whom": SURVEY_SECRETS[1]}), submit=True)


def _edit_history(store):
    """Edits whose earlier values a viewer must never see (HISTORY_SECRETS):
    pub-alone was restricted, with another name, before it was made public;
    tie-pub-c was restricted with a note and still names the hidden funder."""
    from graphsvc.history import ChangeInfo

    info = ChangeInfo(who="editor1", path="form", reason="motivo reservado")
    alone = store.get_actor("pub-alone")
    store.update_actor(alone.model_copy(update={"name": "Colectivo Secreto Anterior",
                                                "visibility": "restricted"}), info)
    store.update_actor(alone, info)
    grant = store.get_tie("tie-pub-c")
    store.update_tie(grant.model_copy(update={"visibility": "restricted",
                                              "note": "nota secreta anterior"}), info)
    store.update_tie(grant, info)


@pytest.fixture
def app(tmp_path):
    app = build(tmp_path, ACTORS, TIES)
    yield app
    app.extensions["graphsvc.accounts"].close()
    app.extensions["graphsvc"].close()


def client_as(app, role):
    c = app.test_client()
    if role not in ("anonymous", "public"):
        sign_in(c, f"{role}1")
    return c


def leaked(got, secrets=SECRETS):
    """Secrets in responses, except an id the request itself carried (a
    redirect to sign in, or "no actor with id ...", echoes what was asked)."""
    return [(url, name) for url, name in leaks(got, secrets) if name not in url]


def endpoint_of(app, url):
    adapter = app.url_map.bind("localhost")
    return adapter.match(url.split("?")[0], method="GET")


def allowed(role, endpoint):
    if endpoint in OPEN_ENDPOINTS:
        return True
    lowest = LOWEST_ROLE.get(endpoint, "viewer")
    if role == "public":
        return lowest == "viewer"
    if role == "anonymous":
        return False
    return ROLES.index(role) >= ROLES.index(lowest)


def expected_status(app, role, url):
    endpoint, args = endpoint_of(app, url)
    if endpoint in SURVEY_LINKS:
        return 404  # the walk's token is no link
    if "999" in (args.get("survey_id"), args.get("invitation_id")) and allowed(
            role, endpoint):
        return 404
    if endpoint == "auth.login" and role not in ("anonymous", "public"):
        return 302  # already signed in: on to the next page
    if not allowed(role, endpoint):
        if role in ("anonymous", "public"):
            return 401 if url.startswith("/api/") else 302  # to the sign-in page
        return 403
    query = dict(re.findall(r"(actor|ego)=([^&]+)", url.partition("?")[2]))
    actor = args.get("actor_id") or query.get("actor") or query.get("ego")
    if actor == "nobody-here" or endpoint == "pages.rejected_csv":
        if endpoint in ("pages.actor_history", "api.actor_history") and role not in (
                "viewer", "public"):
            return 200  # a deleted actor's history: empty for a missing one
        return 404  # (no import left rejected rows under that token)
    if actor in HIDDEN_ACTORS and role in ("viewer", "public"):
        return 404  # the same answer as for an actor that does not exist
    for key, hidden in (("event_id", HIDDEN_EVENTS), ("group_id", HIDDEN_GROUPS)):
        if args.get(key, "").startswith("nobody-"):
            return 404
        if args.get(key) in hidden and role in ("viewer", "public"):
            return 404  # the same answer as for one that does not exist
    tie = args.get("tie_id")
    if tie == "nobody-tie" and endpoint not in ("pages.tie_history", "api.tie_history"):
        return 404
    if tie == "nobody-tie" and role in ("viewer", "public"):
        return 404
    if tie in HIDDEN_TIES and role in ("viewer", "public"):
        return 404
    return 200


def all_urls(app):
    urls, unfilled = route_urls(app, URL_VALUES)
    assert not unfilled, f"routes the walk cannot fill: {unfilled}"
    # filters and maps that search and draw as well as list
    return urls + ["/history?limit=500", "/api/v1/history?limit=500",
                   "/history?before=3", "/actors?q=oculta", "/actors?q=fondo",
                   "/api/v1/actors?q=oculta",
                   "/map?ego=pub-shelter&depth=3", "/api/v1/map?ego=pub-office&depth=3",
                   "/api/v1/ties?actor=zz-hidden-defender", "/api/v1/ties?limit=500",
                   "/actors?city=Tapachula", "/map/download?ego=pub-shelter",
                   # the map's focus routes, to every target
                   "/map?focus=pub-shelter", "/api/v1/map?focus=pub-shelter&to=funders",
                   "/api/v1/map?focus=pub-shelter&other=pub-office",
                   # introductions: every mode and the plan for both goals
                   "/actors/pub-shelter/introductions?mode=policymaker&limit=50",
                   "/api/v1/actors/pub-shelter/introductions?mode=peer&limit=50",
                   "/api/v1/actors/pub-network/introductions?mode=funder&limit=50",
                   "/actors/pub-office/introductions.csv?limit=50",
                   # (a shelter's default mode is peer: the open mode lists anyone)
                   "/actors/pub-shelter/introductions?mode=open",
                   "/api/v1/actors/pub-shelter/introductions?mode=open",
                   "/actors/pub-shelter/introductions.csv?mode=open",
                   # the introductions page's picker, by name
                   "/introductions?q=a",
                   "/introductions/plan?goal=community_bridges&k=5",
                   "/introductions/plan.csv?k=5&hops=3",
                   "/api/v1/introductions/plan?goal=community_bridges&k=5",
                   # events and groups on every day
                   "/events?as_of=all", "/api/v1/events?as_of=all",
                   "/api/v1/events/ev-public-workshop?as_of=all",
                   "/groups/gr-public-coalition?as_of=all",
                   # the convening plan, with its constraints and downloads
                   "/convening/plan?size=8&must=pub-shelter",
                   "/convening/plan.csv?size=8&languages=es,en",
                   "/convening/plan.json?size=6&exclude=pub-office",
                   "/api/v1/convening/plan?size=8"] + ANALYSIS_URLS


#: The analyses, every way they can be asked for (all computed on the
#: snapshot of whoever asks).
ANALYSIS_URLS = (["/api/v1/metrics?limit=500", "/api/v1/metrics?sort=-betweenness",
                  "/api/v1/communities", "/api/v1/indicators",
                  "/api/v1/map?size_by=betweenness&color_by=community",
                  "/api/v1/map?size_by=pagerank&min_size=0.01&community=0",
                  "/map?size_by=eigenvector&color_by=community&community=0",
                  "/api/v1/map?size_by=policymaker_reach",
                  # the co-participation layer counted (events and groups as ties)
                  "/api/v1/metrics?limit=500&layers=formal,informal,funding,co_participation",
                  "/api/v1/indicators?layers=co_participation",
                  "/api/v1/map?size_by=betweenness&layers=formal,informal,funding,"
                  "co_participation",
                  "/map?layers=co_participation&size_by=betweenness"]
                 + [f"/api/v1/brokerage?group_by={g}&limit=500"
                    for g in ("country", "kind", "community", "city")])


# --- the table ----------------------------------------------------------------------

def test_every_endpoint_has_an_access_rule(app):
    missing = missing_endpoints(app)
    assert not missing, ("endpoints missing from graphsvc/web/permissions.py "
                         f"ENDPOINT_PERMISSIONS (add one line each): {missing}")


def test_table_lists_no_endpoint_that_does_not_exist(app):
    routed = {r.endpoint for r in app.url_map.iter_rules()}
    assert set(ENDPOINT_PERMISSIONS) - routed == set()


def test_an_endpoint_missing_from_the_table_is_refused_to_everyone(tmp_path):
    store = SQLiteStore(tmp_path / "g.db")
    accounts = make_accounts(tmp_path / "g.accounts.db")
    accounts.create_user("admin1", PASSWORD, "admin", by="test")
    app = create_app({"DB": str(tmp_path / "g.db"), "PUBLIC_VIEW": True, "TESTING": True},
                     service=GraphService(store), accounts=accounts)
    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/extra", "secret", lambda: "the secret")
    app.register_blueprint(extra)
    assert missing_endpoints(app) == ["extra.secret"]
    admin = client_as(app, "admin")
    for c in (app.test_client(), admin):
        r = c.get("/extra")
        assert r.status_code == 403 and "the secret" not in r.text
    r = admin.get("/extra", headers={"Accept": "application/json"})
    assert r.json["error"]["code"] == "forbidden"
    accounts.close()
    store.close()


# --- the walk -------------------------------------------------------------------------

@pytest.mark.parametrize("public_view", [False, True])
def test_walk_every_route_as_anonymous(tmp_path, public_view):
    app = build(tmp_path, ACTORS, TIES, PUBLIC_VIEW=public_view)
    role = "public" if public_view else "anonymous"
    got = walk(app.test_client(), all_urls(app))
    wrong = {url: (status, expected_status(app, role, url))
             for url, (status, _text) in got.items()
             if status != expected_status(app, role, url)}
    assert not wrong, f"{role}: url: (got, expected) {wrong}"
    for url, (status, text) in got.items():
        if status == 302:
            assert app.test_client().get(url).location.startswith("/login?next=")
        if status == 401:
            assert json.loads(text)["error"]["code"] == "unauthorized"
    assert not leaked(got, SECRETS + HISTORY_SECRETS + SURVEY_SECRETS)
    if not public_view:
        # nothing of the graph at all: no public name either
        assert not leaked(got, [a.name for a in ACTORS])
    app.extensions["graphsvc.accounts"].close()


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_route_as_each_role(app, role):
    got = walk(client_as(app, role), all_urls(app))
    wrong = {url: (status, expected_status(app, role, url))
             for url, (status, _text) in got.items()
             if status != expected_status(app, role, url)}
    assert not wrong, f"{role}: url: (got, expected) {wrong}"
    for url, (status, text) in got.items():
        if url.startswith("/api/") and status >= 400:
            assert set(json.loads(text)) == {"error"}, url
    found = leaked(got, SECRETS + HISTORY_SECRETS)
    if role == "viewer":
        assert not leaked(got, SURVEY_SECRETS), "a survey's answers shown to a viewer"
        assert not found, f"restricted data shown to a viewer: {found}"
    else:
        # what a viewer may not see, these roles do see: in lists, searches,
        # profiles, maps and exports
        for url in ("/events", "/api/v1/events", "/events/zz-ev-hidden-meeting",
                    "/groups/zz-gr-hidden-table", "/api/v1/groups/gr-public-coalition",
                    "/actors", "/api/v1/actors?q=oculta", "/api/v1/map",
                    "/actors/zz-hidden-defender", "/map/download?ego=pub-shelter",
                    "/actors/pub-shelter/introductions?mode=open",
                    "/api/v1/actors/pub-shelter/introductions?mode=open",
                    "/actors/pub-shelter/introductions.csv?mode=open",
                    "/introductions?q=a", "/api/v1/convening/plan?size=8"):
            assert any(name in got[url][1] or html.escape(name) in got[url][1]
                       for name in SECRETS), url


def test_introductions_picker_finds_only_visible_actors(app):
    viewer, analyst = client_as(app, "viewer"), client_as(app, "analyst")
    r = viewer.get("/introductions?q=oculta")
    assert r.status_code == 200 and not leaked({"/": (200, r.get_data(as_text=True))},
                                               SECRETS)
    assert viewer.get("/introductions?actor=zz-hidden-defender").status_code == 404
    r = analyst.get("/introductions?actor=zz-hidden-defender")
    assert r.status_code == 303
    assert r.headers["Location"] == "/actors/zz-hidden-defender/introductions"


def _without_id(text, actor_id):
    text = text.replace(actor_id, "ID")
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "", text)


@pytest.mark.parametrize("role", ["viewer", "public"])
def test_a_hidden_actor_is_answered_like_a_missing_one(tmp_path, role):
    app = build(tmp_path, ACTORS, TIES, PUBLIC_VIEW=True)
    c = client_as(app, role)
    for pattern in ("/actors/{}", "/api/v1/actors/{}", "/api/v1/actors/{}/ties",
                    "/api/v1/ties?actor={}", "/map?ego={}", "/api/v1/map?ego={}",
                    "/map?focus={}", "/api/v1/map?focus={}",
                    "/api/v1/map?focus=pub-shelter&other={}",
                    "/actors/{}/introductions", "/actors/{}/introductions.csv",
                    "/actors/{}/introductions.json", "/api/v1/actors/{}/introductions",
                    "/convening/plan?must={}", "/api/v1/convening/plan?must={}",
                    "/api/v1/convening/plan?exclude={}"):
        hidden = c.get(pattern.format("zz-hidden-defender"))
        missing = c.get(pattern.format("nobody-here"))
        assert hidden.status_code == missing.status_code == 404, pattern
        assert (_without_id(hidden.text, "zz-hidden-defender")
                == _without_id(missing.text, "nobody-here")), pattern
    app.extensions["graphsvc.accounts"].close()


# --- numbers ----------------------------------------------------------------------------

def _public_graph():
    """The graph with restricted actors, their ties and restricted ties deleted,
    built independently of the app's filtering."""
    hidden = {a.id for a in ACTORS if a.visibility == "restricted"}
    actors = [a for a in ACTORS if a.id not in hidden]
    ties = [t.model_copy(update={"channel": [c for c in t.channel if c not in hidden]})
            for t in TIES if t.visibility == "public" and not {t.source, t.target} & hidden]
    return actors, ties


def _rounded(x):
    """Floats to 9 significant digits: iterative measures (eigenvector,
    PageRank) on the same graph built in another order differ in the last bits."""
    if isinstance(x, float):
        return float(f"{x:.9g}")
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    return x


def _comparable(body):
    """An API answer without what differs between two stores holding the same
    graph: the store version, the layout's coordinates, float rounding."""
    body = _rounded(json.loads(json.dumps(body)))
    body.get("dataset", {}).pop("version", None)
    body.pop("revision", None)  # a record's number of changes: the edit history's
    for key in ("version", "current_version"):  # which store versions analyses are of
        body.get("analyses", {}).pop(key, None)
    for key in ("version", "generated"):  # an introductions report's own
        body.pop(key, None)
    for rec in body.get("recorded", []):
        rec.pop("note", None)  # the reference reads as an analyst, who sees notes
        rec.pop("recorded_at", None)
    for part in [body] + [body[k] for k in ("before", "after") if isinstance(body.get(k), dict)]:
        part.get("dataset", {}).pop("version", None)  # an event's maps
        for n in part.get("nodes", []):
            n.pop("x", None)
            n.pop("y", None)
    return body


def test_viewer_numbers_are_those_of_the_graph_without_restricted_ties(app, tmp_path):
    public_app = build(tmp_path, *_public_graph(), name="public", records=PUBLIC_RECORDS)
    viewer, reference = client_as(app, "viewer"), client_as(public_app, "analyst")
    urls = ["/api/v1/dashboard", "/api/v1/actors?limit=500", "/api/v1/ties?limit=500",
            "/api/v1/map", "/api/v1/map?size_by=degree&min_degree=1",
            "/api/v1/map?tie_kind=informal"] + [u for u in ANALYSIS_URLS if "/api/" in u]
    urls += ["/api/v1/introductions/plan?k=5&hops=3",
             "/api/v1/introductions/plan?goal=community_bridges&k=5",
             "/api/v1/convening/plan?size=8", "/api/v1/convening/plan?size=5&languages=es"]
    urls += ["/api/v1/events?as_of=all", "/api/v1/events/ev-public-workshop",
             "/api/v1/events/ev-public-workshop/map",
             "/api/v1/groups/gr-public-coalition"]
    for actor in PUBLIC_ACTORS:
        urls += [f"/api/v1/actors/{actor}", f"/api/v1/map?ego={actor}&depth=2",
                 f"/api/v1/map?focus={actor}", f"/api/v1/map?focus={actor}&to=funders"]
        urls += [f"/api/v1/actors/{actor}/introductions?mode={mode}&limit=50"
                 for mode in ("open", "peer", "policymaker", "funder")]
    for url in urls:
        mine, theirs = viewer.get(url), reference.get(url)
        assert mine.status_code == theirs.status_code == 200, url
        assert _comparable(mine.json) == _comparable(theirs.json), url
    # and by hand: 5 public actors; public ties with public ends: a, b, c
    counts = viewer.get("/api/v1/dashboard").json["counts"]
    assert counts == {"actors": 5, "ties": 3, "countries": 3}
    assert viewer.get("/api/v1/actors/pub-shelter").json["degree"] == 2
    # the metrics CSV too, and by hand: pub-network (US) brokers pub-shelter
    # (MX) -> pub-office (US): one representative/gatekeeper count each way
    pd.testing.assert_frame_equal(
        *(pd.read_csv(io.StringIO(c.get("/api/v1/metrics.csv").text), index_col="id")
          for c in (viewer, reference)), check_exact=False, rtol=1e-9)
    roles = {r["id"]: r for r in viewer.get("/api/v1/brokerage?group_by=country").json["items"]}
    assert roles["pub-network"]["total"] == 2
    assert roles["pub-network"]["representative"] == roles["pub-network"]["gatekeeper"] == 1
    page = viewer.get("/").text
    assert re.search(r"\b5\b\s*</[^>]+>\s*<[^>]+>\s*actors", page) or "5 actors" in " ".join(
        re.sub(r"<[^>]+>", " ", page).split())
    public_app.extensions["graphsvc.accounts"].close()
    public_app.extensions["graphsvc"].close()


def test_analyst_numbers_count_restricted_ties(app):
    analyst = client_as(app, "analyst")
    counts = analyst.get("/api/v1/dashboard").json["counts"]
    assert counts == {"actors": 7, "ties": 7, "countries": 3}
    # the analyst's metrics count the restricted records; asked in turn, the
    # viewer's cached result is not the analyst's, nor the other way round
    viewer = client_as(app, "viewer")
    for _round in range(2):
        mine = {r["id"]: r for r in analyst.get("/api/v1/metrics?limit=500").json["items"]}
        theirs = {r["id"]: r for r in viewer.get("/api/v1/metrics?limit=500").json["items"]}
        assert len(mine) == 7 and len(theirs) == 5
        # pub-shelter: pub-network, pub-funder, pub-office (restricted tie) and
        # zz-hidden-defender for the analyst; pub-network and pub-funder for a viewer
        assert mine["pub-shelter"]["degree"] == 4 and theirs["pub-shelter"]["degree"] == 2


# --- CSRF -------------------------------------------------------------------------------

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def state_changing_requests(app):
    """(method, url) for every route that accepts a state-changing method,
    arguments filled from URL_VALUES."""
    out = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            for method in sorted(set(STATE_CHANGING) & rule.methods):
                args = {a: URL_VALUES[a][0] for a in rule.arguments}
                out.append((method, url_for(rule.endpoint, **args)))
    return out


def test_state_changing_requests_without_a_csrf_token_are_refused(app):
    c = client_as(app, "admin")
    requests = state_changing_requests(app)
    assert ("POST", "/logout") in requests and ("POST", "/login") in requests
    for method, url in requests:
        for headers in ({"Accept": "application/json"}, {}):
            r = c.open(url, method=method, headers=headers)
            assert r.status_code == 400, (method, url, r.status_code)
            if headers:
                assert r.json["error"]["code"] == "csrf_failed", url
                assert set(r.json["error"]) == {"code", "message", "details"}
            elif url.startswith("/api/"):  # the API answers in its error shape
                assert r.json["error"]["code"] == "csrf_failed", url
            else:  # a browser form gets a page saying so
                assert "text/html" in r.content_type
    # still signed in: the refused sign-out did nothing
    assert c.get("/").status_code == 200
    # methods no route accepts are refused too (405, same error shape)
    adapter = app.url_map.bind("localhost")

    def takes_post(url):
        try:
            adapter.match(url.split("?")[0], method="POST")
            return True
        except Exception:
            return False

    for url in [u for u in route_urls(app, URL_VALUES)[0]
                if u.startswith("/api/") and not takes_post(u)]:
        r = c.post(url, headers={"Accept": "application/json"})
        assert r.status_code == 405 and r.json["error"]["code"] == "method_not_allowed"


def test_sign_out_form_carries_its_token_and_signs_out(app):
    c = client_as(app, "viewer")
    page = c.get("/").text
    form = re.search(r'<form class="signout" method="post" action="/logout">.*?</form>',
                     page, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert c.post("/logout", data={"csrf_token": token}).location == "/login"
    assert c.get("/").status_code == 302


def test_api_token_reads_as_its_user_without_csrf(app):
    accounts = app.extensions["graphsvc.accounts"]
    token, _info = accounts.create_token("viewer1", by="test", name="script")
    c = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    got = walk(c, ["/api/v1/actors?limit=500", "/api/v1/map", "/api/v1/dashboard"],
               headers=auth)
    assert all(status == 200 for status, _ in got.values())
    assert not leaked(got)
    # no CSRF token needed with a bearer token: the request reaches routing
    assert c.post("/api/v1/dashboard", headers=auth).status_code == 405
    r = c.get("/api/v1/actors", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"


def test_api_token_reads_pages_again_and_again_without_a_cookie(app):
    """A script fetching HTML pages with a token: each page holds a CSRF
    token, but the answer sets no session cookie, so the next request is
    still judged by the token alone."""
    accounts = app.extensions["graphsvc.accounts"]
    token, _info = accounts.create_token("analyst1", by="test", name="script")
    c = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    for url in ("/", "/actors/zz-hidden-defender", "/introductions/plan?k=2", "/"):
        r = c.get(url, headers=auth)
        assert r.status_code == 200, url
        assert "Set-Cookie" not in r.headers, url


def test_production_app_refuses_to_start_without_a_secret_key(tmp_path):
    from graphsvc.errors import ConfigError

    store = SQLiteStore(tmp_path / "g.db")
    with pytest.raises(ConfigError, match="no SECRET_KEY"):
        create_app({"DB": str(tmp_path / "g.db"), "ENV": "production", "SECRET_KEY": None},
                   service=GraphService(store), accounts=make_accounts(tmp_path / "a.db"))
    store.close()


def test_every_post_form_in_the_templates_carries_a_csrf_token():
    from pathlib import Path

    import graphsvc.web

    templates = Path(graphsvc.web.__file__).parent / "templates"
    forms = []
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b[^>]*>.*?</form>", text, re.S | re.I):
            if re.search(r'method="post"', form, re.I):
                forms.append(path.name)
                assert "csrf_token" in form, f"{path.name}: a POST form without csrf_token"
    assert {"base.html", "login.html", "import.html"} <= set(forms)


# --- the illustrative network -----------------------------------------------------------

@pytest.fixture(scope="module")
def illustrative_apps(tmp_path_factory):
    """The illustrative network as shipped, and (built independently) the same
    network with its restricted actors, their ties and restricted ties deleted."""
    from graphsvc.illustrative import build_illustrative

    actors, ties = build_illustrative()
    hidden = {a.id for a in actors if a.visibility == "restricted"}
    public_actors = [a for a in actors if a.id not in hidden]
    public_ties = [t.model_copy(update={"channel": [c for c in t.channel if c not in hidden]})
                   for t in ties
                   if t.visibility == "public" and not {t.source, t.target} & hidden]
    tmp = tmp_path_factory.mktemp("illustrative")
    full = build(tmp, actors, ties, name="full", PUBLIC_VIEW=True)
    public = build(tmp, public_actors, public_ties, name="public")
    yield actors, ties, full, public
    for app in (full, public):
        app.extensions["graphsvc.accounts"].close()
        app.extensions["graphsvc"].close()


@pytest.mark.parametrize("role", ["viewer", "public"])
def test_illustrative_network_shows_a_viewer_nothing_restricted(illustrative_apps, role):
    actors, ties, app, _public = illustrative_apps
    hidden = sorted(a.id for a in actors if a.visibility == "restricted")
    secret_ties = [t for t in ties if t.visibility == "restricted"
                   or {t.source, t.target} & set(hidden)]
    assert hidden and secret_ties  # the shipped network has both (see invented.py, ties.py)
    # the public actors a hidden actor or tie touches: their pages are where a leak would be
    near = sorted({x for t in secret_ties for x in (t.source, t.target)} - set(hidden))[:12]
    urls = ["/", "/actors?limit=500", "/map", "/api/v1/dashboard", "/api/v1/map",
            "/api/v1/actors?limit=500", "/api/v1/ties?limit=500", "/api/v1/metrics.csv",
            *ANALYSIS_URLS]
    for actor in near + hidden:
        urls += [f"/actors/{actor}", f"/api/v1/actors/{actor}",
                 f"/api/v1/map?ego={actor}&depth=3"]
    got = walk(client_as(app, role), urls)
    for url, (status, _text) in got.items():
        assert status == (404 if any(h in url for h in hidden) else 200), url
    secrets = ([a.name for a in actors if a.id in hidden] + hidden
               + [t.id for t in ties if t.visibility == "restricted"])
    assert not leaked(got, secrets)


def test_illustrative_viewer_numbers_are_those_without_restricted_records(illustrative_apps):
    actors, _ties, app, public_app = illustrative_apps
    viewer, reference = client_as(app, "viewer"), client_as(public_app, "analyst")
    urls = ["/api/v1/dashboard", "/api/v1/actors?limit=500", "/api/v1/map",
            "/api/v1/map?kind=cso&kind=shelter", "/api/v1/ties?limit=500"]
    urls += [u for u in ANALYSIS_URLS if "/api/" in u]
    for url in urls:
        assert _comparable(viewer.get(url).json) == _comparable(reference.get(url).json), url
    n_public = sum(a.visibility == "public" for a in actors)
    assert viewer.get("/api/v1/dashboard").json["counts"]["actors"] == n_public
    assert client_as(app, "analyst").get(
        "/api/v1/dashboard").json["counts"]["actors"] == len(actors)
