"""Surveys on the web: the answer page at a personal link (no account), what
a link holder can and cannot read, rate limits, CSRF, the review and results
pages and their JSON twins."""
import json
import re

import pytest

from graphsvc.model import RosterEntry, SurveyAnswers
from graphsvc.web.openapi import spec_for
from route_walk import leaks, route_urls, walk
from survey_support import ACTORS, SECRETS, make_world, survey_spec
from web_support import assert_error, make_app, signed_in

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}
#: What organisation B answered: a link holder of A must never read it.
B_SECRETS = ["Colectivo Nombrado Por Be", "respuesta privada de be"]
PUBLIC_NAMES = sorted(a.name for a in ACTORS if a.visibility == "public")


@pytest.fixture
def world(tmp_path):
    store, accounts, service, surveys = make_world(tmp_path)
    app = make_app(store, tmp_path / "graph.db", accounts=accounts)
    record = surveys.create(survey_spec(), by="editor1")
    made = surveys.invite(record.id, [(store.get_actor(i), None) for i in
                                      ("casa-tijuana", "sin-fronteras")], by="editor1")
    tokens = {inv.actor_id: token for inv, token in made}
    surveys.save(tokens["sin-fronteras"], SurveyAnswers(
        roster=[RosterEntry(name=B_SECRETS[0], country="MX", kind="formal")],
        answers={"wanted_with_whom": B_SECRETS[1], "helpful": "2"}), submit=True)
    yield app, surveys, record, tokens
    accounts.close()
    store.close()


def _csrf(text):
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def _answer_form(token_page, **extra):
    data = {"csrf_token": _csrf(token_page), "org": ["UNHCR", "Albergue Nuevo Horizonte"],
            "org_kind": ["formal", "informal"], "org_direction": ["", ""],
            "org_since": ["2019", ""], "org_frequency": ["monthly", ""],
            "org_strength": ["strong", ""], "org_country": ["", "MX"],
            "q_helpful": "5", "q_barriers_policymakers": "introduction", "action": "save"}
    data.update(extra)
    return data


def test_one_link_reads_only_its_own_answers_and_public_names(world):
    app, surveys, record, tokens = world
    a = app.test_client()
    mine = f"/s/{tokens['casa-tijuana']}"
    page = a.get(mine, headers=SPANISH)
    assert page.status_code == 200 and "Casa del Migrante en Tijuana" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    # the link is the credential: its address goes to no other site
    assert page.headers["Referrer-Policy"] == "same-origin"
    r = a.post(mine, data=_answer_form(page.text), headers=SPANISH)
    assert r.status_code == 200
    twin = a.get(f"/api/v1/surveys/respond/{tokens['casa-tijuana']}").get_json()
    assert [e.get("actor") or e["name"] for e in twin["answers"]["roster"]] == [
        "unhcr", "Albergue Nuevo Horizonte"]
    # the graph as a link shows it: public actors' names and ids, nothing else
    assert sorted(x["name"] for x in twin["public_actors"]) == PUBLIC_NAMES
    assert set(twin) == {"survey", "invitation", "answers", "public_actors", "period",
                         "csrf_token"}
    # the link holder's client, walking every route of the app: nothing of B's
    # answers, no restricted record anywhere, and every other page as closed
    # as for anyone without an account
    urls, _unfilled = route_urls(app, {"actor_id": ["casa-tijuana", "zz-oculta"],
                                       "tie_id": ["tie-zz-secret"], "seq": ["1"],
                                       "fmt": ["csv"], "filename": ["vis-network.min.js"],
                                       "token": [tokens["casa-tijuana"]],
                                       "survey_id": [str(record.id)]})
    got = walk(a, urls + ["/api/v1/surveys/1/proposals", "/api/v1/surveys/1/results"])
    # (an id the request itself carried is echoed by the redirect to sign in)
    assert not [(u, n) for u, n in leaks(got, B_SECRETS + SECRETS) if n not in u]
    stranger = walk(app.test_client(), urls)
    for url, (status, _text) in got.items():
        if "/s/" in url or "/respond/" in url:
            assert status == 200, url
        elif url in stranger:
            assert status == stranger[url][0], url
            if not url.startswith(("/login", "/vendor/")):  # open to anyone
                assert status in (302, 401, 404), url
    # the other organisation's link is not reachable from this one: a token
    # one character off is no link, and answers as nobody
    wrong = tokens["casa-tijuana"][:-1] + ("A" if tokens["casa-tijuana"][-1] != "A" else "B")
    assert a.get(f"/s/{wrong}").status_code == 404
    assert_error(a.get(f"/api/v1/surveys/respond/{wrong}"), 404, "not_found")
    # B's answers are as B left them
    _rec, b = surveys.by_token(tokens["sin-fronteras"])
    assert b.answers.answers["wanted_with_whom"] == B_SECRETS[1]


def test_answers_are_saved_resumed_and_submitted_in_spanish(world):
    app, surveys, _record, tokens = world
    c = app.test_client()
    url = f"/s/{tokens['casa-tijuana']}"
    page = c.get(url, headers=SPANISH)
    assert '<html lang="es">' in page.text
    r = c.post(url, data=_answer_form(page.text), headers=SPANISH)
    assert "Se guardó" in r.text
    assert surveys.by_token(tokens["casa-tijuana"])[1].state == "in_progress"
    again = app.test_client().get(url, headers=SPANISH)  # another browser, same link
    assert 'value="Albergue Nuevo Horizonte"' in again.text and 'value="UNHCR"' in again.text
    r = c.post(url, data=_answer_form(c.get(url).text, action="submit"), headers=SPANISH)
    assert "Gracias" in r.text
    assert surveys.by_token(tokens["casa-tijuana"])[1].state == "submitted"
    # a problem is shown beside its answer, what was typed is kept, nothing saved
    r = c.post(url, data=_answer_form(c.get(url).text, org_since=["1492", ""]),
               headers=SPANISH)
    assert r.status_code == 422 and 'value="1492"' in r.text
    assert "Fuera de rango." in r.text  # the model's problem, in the page's language
    r = c.post(url, data=_answer_form(c.get(url).text, q_helpful="9"), headers=SPANISH)
    assert r.status_code == 422 and "Elija un número del 1 al 5." in r.text
    assert len(surveys.versions(surveys.by_token(tokens["casa-tijuana"])[1].id)) == 2


def test_the_link_pages_are_rate_limited_and_csrf_checked(tmp_path):
    store, accounts, _service, surveys = make_world(tmp_path)
    app = make_app(store, tmp_path / "graph.db", accounts=accounts,
                   SURVEY_RATE_LIMIT="3 per minute")
    record = surveys.create(survey_spec(), by="editor1")
    [(_inv, token)] = surveys.invite(record.id, [(store.get_actor("casa-tijuana"), None)],
                                     by="editor1")
    c = app.test_client()
    assert c.post(f"/s/{token}", data={"org": ["x"]}).status_code == 400  # no CSRF token
    # three requests a minute (the refused post above never reached the survey)
    assert c.get(f"/s/{token}").status_code == 200
    assert c.get("/s/guessing-a-token").status_code == 404
    assert c.get("/s/guessing-another").status_code == 404
    r = c.get(f"/s/{token}", headers={"Accept": "application/json"})
    assert_error(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1
    accounts.close()
    store.close()


def test_a_closed_survey_link_reads_and_saves_nothing(tmp_path):
    store, accounts, _service, surveys = make_world(tmp_path)
    app = make_app(store, tmp_path / "graph.db", accounts=accounts)
    record = surveys.create(survey_spec(), by="editor1")
    [(_inv, token)] = surveys.invite(record.id, [(store.get_actor("casa-tijuana"), None)],
                                     by="editor1")
    surveys.save(token, SurveyAnswers(answers={"wanted_with_whom": "respuesta guardada"}))
    # the facilitator closes it early (the accounts' clock says 2027-01-15)
    surveys.update(record.id, survey_spec(closes="2027-01-10"), by="editor1")
    assert surveys.by_token(token)[1].expires_at == "2027-01-10"
    c = app.test_client()
    page = c.get(f"/s/{token}", headers=SPANISH)
    assert "se cerró el 2027-01-10" in page.text and "<form" not in page.text
    assert "respuesta guardada" not in page.text
    twin = c.get(f"/api/v1/surveys/respond/{token}").get_json()
    assert twin["period"] == "closed" and twin["answers"] is None
    r = c.put(f"/api/v1/surveys/respond/{token}", json={"answers": {}},
              headers={"X-CSRFToken": twin["csrf_token"]})
    assert_error(r, 403, "forbidden")
    # the answers saved before are kept for the review and results
    assert surveys.by_token(token)[1].answers.answers["wanted_with_whom"] == (
        "respuesta guardada")
    accounts.close()
    store.close()


def test_the_editor_reviews_on_the_web_and_the_results_show_2021(world):
    app, surveys, record, tokens = world
    editor = signed_in(app, "editor")
    page = editor.get(f"/surveys/{record.id}/review")
    assert page.status_code == 200 and B_SECRETS[0] in page.text
    inv = surveys.by_token(tokens["sin-fronteras"])[1]
    key = inv.answers.roster[0].key
    r = editor.post(f"/surveys/{record.id}/review", data={
        "csrf_token": _csrf(page.text), "action": "accept", "invitation": inv.id,
        "key": key, "match": "", "new_kind": "migrant_led", "new_country": "MX"})
    assert r.status_code == 200 and 'id="done"' in r.text
    store = app.extensions["graphsvc"].store
    created = store.find_actors()
    assert any(a.name == B_SECRETS[0] and a.kind == "migrant_led" for a in created)
    results = editor.get(f"/surveys/{record.id}/results")
    assert 'id="response-rate"' in results.text and "50%" in results.text
    row = re.search(r'data-name="helpful">(.*?)</tr>', results.text, re.S).group(1)
    assert "0%" in row and "90%" in row  # sin-fronteras answered 2: not helpful; 2021: 90%
    body = editor.get(f"/api/v1/surveys/{record.id}/results").get_json()
    assert body["status"]["response_rate"] == 0.5
    # an analyst reads the results, not the review; a viewer neither
    analyst, viewer = signed_in(app, "analyst"), signed_in(app, "viewer")
    assert analyst.get(f"/surveys/{record.id}/results").status_code == 200
    assert analyst.get(f"/surveys/{record.id}/review").status_code == 403
    assert viewer.get(f"/surveys/{record.id}/results").status_code == 403


def test_the_api_twins_are_in_the_openapi_document(world):
    app, *_ = world
    with app.test_request_context():
        doc = spec_for(app)
    paths = doc["paths"]
    link = paths["/surveys/respond/{token}"]
    assert link["get"]["security"] == [] and link["put"]["security"] == []  # no account
    assert "401" not in link["get"]["responses"]
    assert paths["/surveys/{survey_id}/results"]["get"]["x-permission"] == "view_restricted"
    assert paths["/surveys/{survey_id}/proposals/accept"]["post"]["x-permission"] == "edit"
    assert "Survey" in doc["components"]["schemas"]
    json.dumps(doc)


def _english_survey_words(app) -> set[str]:
    """Every survey label in English, less the words its Spanish label holds
    (derived from the label tables, not listed)."""
    from flask_babel import force_locale

    from graphsvc.web import surveys as S

    tables = [S.STANDARD_TEXT, S.OPTION_LABELS, S.SCALE_LABELS, S.FREQUENCY_LABELS,
              S.STRENGTH_LABELS, S.ROSTER_KIND_LABELS, S.DIRECTION_LABELS, S.STATE_LABELS,
              S.RECIPROCITY_LABELS, S.TYPE_LABELS, S.DECISION_LABELS, S.RESULT_LABELS]
    words = set()
    with app.test_request_context():
        for table in tables:
            for v in table.values():
                with force_locale("en"):
                    english = str(v)
                with force_locale("es"):
                    spanish = str(v)
                if english.lower() != spanish.lower():
                    words.add(english)
    # the language switch names each language in itself: "English" is meant
    return words - {"English"}


def _visible(html):
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def test_every_survey_page_is_in_spanish(world):
    app, surveys, record, tokens = world
    words = _english_survey_words(app)
    assert {"Lack of an introduction", "Every month", "Strongly agree"} <= words
    editor = signed_in(app, "admin")
    pages = {f"/s/{tokens['casa-tijuana']}": app.test_client()}
    for path in ("/surveys", "/surveys/new", f"/surveys/{record.id}",
                 f"/surveys/{record.id}/edit", f"/surveys/{record.id}/review",
                 f"/surveys/{record.id}/results"):
        pages[path] = editor
    found = {}
    for path, client in pages.items():
        r = client.get(path, headers=SPANISH)
        assert r.status_code == 200 and '<html lang="es">' in r.text, path
        text = _visible(r.text)
        left = sorted(w for w in words
                      if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text))
        if left:
            found[path] = left
    assert not found, f"English on Spanish survey pages: {found}"


def test_a_survey_in_spanish_only_speaks_spanish_to_an_english_browser(tmp_path):
    store, accounts, _service, surveys = make_world(tmp_path)
    app = make_app(store, tmp_path / "graph.db", accounts=accounts)
    record = surveys.create(survey_spec(languages=["es"]), by="editor1")
    [(_inv, token)] = surveys.invite(record.id, [(store.get_actor("casa-tijuana"), None)],
                                     by="editor1")
    r = app.test_client().get(f"/s/{token}", headers={"Accept-Language": "en-US"})
    assert '<html lang="es">' in r.text and "Enviar mis respuestas" in r.text
    accounts.close()
    store.close()


def test_design_problems_are_shown_and_nothing_typed_is_lost(world):
    app, surveys, _record, _tokens = world
    editor = signed_in(app, "editor")
    page = editor.get("/surveys/new", headers=SPANISH)
    r = editor.post("/surveys/new", headers=SPANISH, data={
        "csrf_token": _csrf(page.text), "title_es": "Encuesta al revés",
        "opens": "2027-03-01", "closes": "2027-02-01", "languages": ["es"],
        "standard": ["helpful"], "custom_count": "1", "c0_type": "single",
        "c0_text_es": "¿Cuántas personas?", "c0_options_es": "pocas\nmuchas",
        "c0_options_en": "few"})
    assert r.status_code == 422
    assert 'value="Encuesta al revés"' in r.text and "¿Cuántas personas?" in r.text
    assert len(surveys.all()) == 1  # the fixture's survey only: nothing saved
    for count in ("abc", "-1", "99999"):  # a forged slot count is no 500
        r = editor.post("/surveys/new", data={"csrf_token": _csrf(page.text),
                                              "custom_count": count})
        assert r.status_code == 422


def test_invitations_from_a_file_of_contacts_on_the_web(world):
    import io

    app, surveys, record, _tokens = world
    editor = signed_in(app, "editor")
    page = editor.get(f"/surveys/{record.id}")
    body = "organización,correo\nFrontera Digna,ana@example.org\nNadie,x@example.org\n"
    r = editor.post(f"/surveys/{record.id}/invite", data={
        "csrf_token": _csrf(page.text),
        "contacts": (io.BytesIO(body.encode()), "contactos.csv")},
        content_type="multipart/form-data")
    assert r.status_code == 422 and "Nadie" not in [i.name for i in surveys.invitations(1)]
    assert len(surveys.invitations(record.id)) == 2  # nobody new: one row was wrong
    body = "organización,correo\nFRONTERA DIGNA,ana@example.org\n"
    r = editor.post(f"/surveys/{record.id}/invite", data={
        "csrf_token": _csrf(page.text),
        "contacts": (io.BytesIO(body.encode()), "contactos.csv")},
        content_type="multipart/form-data")
    assert r.status_code == 200 and "ana@example.org" in r.text
    assert len(re.findall(r'value="http://localhost/s/[A-Za-z0-9_-]{43}"', r.text)) == 1
    assert {i.actor_id for i in surveys.invitations(record.id)} == {
        "casa-tijuana", "sin-fronteras", "frontera-digna"}


def test_the_link_api_saves_answers_naming_public_actors_only(world):
    app, surveys, _record, tokens = world
    c = app.test_client()
    url = f"/api/v1/surveys/respond/{tokens['casa-tijuana']}"
    csrf_token = c.get(url).get_json()["csrf_token"]
    bodies = {}
    for actor in ("zz-oculta", "nobody-at-all"):  # restricted, and missing: one answer
        r = c.put(url, json={"answers": {"roster": [{"actor": actor, "kind": "formal"}]}},
                  headers={"X-CSRFToken": csrf_token})
        assert_error(r, 422, "validation_failed")
        bodies[actor] = r.get_json()["error"]["details"][0]["message"].replace(actor, "ID")
    assert bodies["zz-oculta"] == bodies["nobody-at-all"]
    r = c.put(url, json={"answers": {"roster": [{"actor": "unhcr", "kind": "formal"}],
                                     "answers": {"helpful": "4"}}, "submit": True},
              headers={"X-CSRFToken": csrf_token})
    assert r.status_code == 200 and r.get_json()["state"] == "submitted"
    assert c.put(url, json={"answers": {}}).status_code == 400  # no CSRF token


def test_one_response_with_every_version_saved(world):
    app, surveys, record, tokens = world
    inv = surveys.by_token(tokens["sin-fronteras"])[1]
    analyst = signed_in(app, "analyst")
    page = analyst.get(f"/surveys/{record.id}/responses/{inv.id}", headers=SPANISH)
    assert page.status_code == 200
    assert B_SECRETS[1] in page.text and B_SECRETS[0] in page.text
    assert "Algo en desacuerdo" in page.text  # helpful: 2, in the reader's language
    body = analyst.get(f"/api/v1/surveys/{record.id}/responses/{inv.id}").get_json()
    assert [v["submitted"] for v in body["versions"]] == [True]
    audit = app.extensions["graphsvc.accounts"].audit_entries(action="view_restricted")
    assert [e.details["invitation"] for e in audit] == [inv.id, inv.id]
    # an invitation of another survey is not reached through this one
    other = surveys.create(survey_spec(), by="editor1")
    assert analyst.get(f"/surveys/{other.id}/responses/{inv.id}").status_code == 404


def test_a_survey_rate_limit_that_is_not_a_rate_stops_the_app_at_start(tmp_path):
    from graphsvc.errors import ConfigError

    store, accounts, _service, _surveys = make_world(tmp_path)
    with pytest.raises(ConfigError, match="SURVEY_RATE_LIMIT"):
        make_app(store, tmp_path / "graph.db", accounts=accounts,
                 SURVEY_RATE_LIMIT="lots")
    accounts.close()
    store.close()
