"""The convening plan on the web: page, CSV and JSON downloads, the API twin,
both languages, and bad parameters answered 400/404 in the error shape.

The fixture graph (web_fixtures) is small; expected values are checked
against the plan's own invariants rather than fixed lists: the invitees
hold the must actor and none of the excluded ones, and the totals count
the pairs the list shows.
"""
from __future__ import annotations

import csv
import io

import pytest

from web_support import assert_error

ES = {"Accept-Language": "es"}


def api(client, **args):
    r = client.get("/api/v1/convening/plan", query_string=args)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def test_api_plan_with_must_exclude_and_reasons(client):
    body = api(client, size=4, must="prm", exclude="unhcr")
    ids = [i["id"] for i in body["invitees"]]
    assert len(ids) == 4 and ids[0] == "prm" and "unhcr" not in ids
    assert body["invitees"][0]["reasons"][0] == {"code": "must", "text": "Invited on request"}
    assert all(r.get("text") for i in body["invitees"] for r in i["reasons"])
    assert body["totals"]["pairs"] >= len(body["pairs"])
    assert body["type"] == "convening" and body["dataset"]["illustrative"] is False


def test_reasons_are_in_the_readers_language(client):
    body = client.get("/api/v1/convening/plan?size=3&must=prm", headers=ES).get_json()
    assert body["invitees"][0]["reasons"][0]["text"] == "Invitado a petición"


def test_page_and_downloads_in_both_languages(client):
    page = client.get("/convening/plan?size=4")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Plan a convening" in text and "Invitation list" in text
    es = client.get("/convening/plan?size=4&lang=es").get_data(as_text=True)
    assert "Planificar una convocatoria" in es and "Lista de invitados" in es
    r = client.get("/convening/plan.csv?size=4&lang=es")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0][:3] == ["Puesto", "Identificador del actor", "Nombre"] and len(rows) == 5
    j = client.get("/convening/plan.json?size=4")
    assert j.status_code == 200 and len(j.get_json()["invitees"]) == 4


@pytest.mark.parametrize("query, field", [
    ({"size": "1"}, "size"), ({"size": "x"}, "size"), ({"size": "101"}, "size"),
    ({"languages": "spanish"}, "languages"), ({"must": "prm,unhcr,img", "size": "2"}, "must"),
])
def test_bad_parameters_answer_400(client, query, field):
    r = client.get("/api/v1/convening/plan", query_string=query)
    assert_error(r, 400, "bad_request")
    assert field in r.get_data(as_text=True)


def test_an_unknown_must_actor_answers_404(client):
    assert_error(client.get("/api/v1/convening/plan?must=nobody"), 404, "not_found")
