"""Reports in words (graphsvc.web.reports), as the command line gets them: the
sentences, both languages, hostile names escaped, formulas defused, and
illustrative data labelled."""
import copy
import csv
import io
import json
from html.parser import HTMLParser

import pytest

from graphsvc.model import Actor, Tie
from graphsvc.queries.introductions import (
    plan_introductions,
    plan_report,
    suggest_introductions,
    suggestions_report,
)
from graphsvc.snapshot import build_snapshot
from graphsvc.web.reports import localised, render_report
from intro_graphs import corridor_records

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(1)</script>'


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [k for k, _ in attrs]


def hostile_graph(illustrative):
    actors = [
        Actor(id="mx", name=IMG, kind="cso", country="MX", city=SCRIPT,
              issue_areas=["legal_aid"]),
        Actor(id="us", name=SCRIPT, kind="cso", country="US", city=IMG,
              issue_areas=["legal_aid"]),
        Actor(id="broker", name=f"{IMG}{SCRIPT}", kind="network", country="US"),
        Actor(id="dhs", name="=HYPERLINK(\"http://x\")", kind="government", country="US"),
    ]
    ties = [Tie(source="mx", target="broker", kind="formal"),
            Tie(source="broker", target="us", kind="formal")]
    meta = {"illustrative": "true"} if illustrative else {}
    return build_snapshot(actors, ties, version=1, meta=meta)


def check_escaped(html):
    assert IMG not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    p = Tags()
    p.feed(html)
    # The printable file has no links, forms or scripts at all.
    assert not {"script", "img", "iframe", "a", "form"} & p.tags
    assert not [a for a in p.attrs if a.startswith("on")]


@pytest.fixture
def corridor():
    return build_snapshot(*corridor_records(), version=1)


def words(G, actor, mode, lang="en", **kw):
    got = suggest_introductions(G, actor, mode, **kw)
    return localised(suggestions_report(G, actor, got, mode=mode), lang)


def test_reasons_and_brokers_in_english(corridor):
    top = words(corridor, "mx1", "peer")["suggestions"][0]
    texts = {r["code"]: r["text"] for r in top["reasons"]}
    assert texts["geography"] == ("Counterpart places across the border: Tijuana and "
                                  "San Diego (twin border cities)")
    assert texts["funding_channel"] == "Both receive money that comes from US PRM"
    assert texts["issue_areas"] == "Both work on legal aid and shelter"
    assert texts["common_contacts"] == "2 contacts in common (UNHCR and Workshop Host)"
    assert top["broker_text"] == ("Ask UNHCR: tied to Casa Tijuana (formal and funding) "
                                  "and to San Diego Aid (formal). 1 other mutual contact.")
    chain = {s["actor"]: s for s in words(corridor, "mx1", "policymaker")["suggestions"]}
    assert chain["senator"]["broker_text"] == (
        "No mutual contact; the most trusted short chain is Casa Tijuana → UNHCR → "
        "US PRM → Senator (3 steps).")
    alone = {s["actor"]: s for s in words(corridor, "mx1", "open", limit=None)["suggestions"]}
    assert alone["us3"]["broker_text"].startswith("No one in the graph links them")


def test_reasons_in_spanish(corridor):
    r = words(corridor, "mx1", "peer", lang="es")
    texts = {x["code"]: x["text"] for x in r["suggestions"][0]["reasons"]}
    assert texts["common_contacts"].startswith("2 contactos en común")
    assert r["mode_text"].startswith("Pares")
    assert r["weights"][0] == {"code": "common_contacts", "weight": 0.5,
                               "label": "Contactos en común"}


def test_the_query_report_is_left_as_data(corridor):
    got = suggest_introductions(corridor, "mx1", "peer")
    rep = suggestions_report(corridor, "mx1", got, mode="peer")
    before = copy.deepcopy(rep)
    render_report(rep, "html", "es")
    assert rep == before and "text" not in rep["suggestions"][0]["reasons"][0]


def test_plan_indicator_follows_hops_and_min_ties(corridor):
    reach = localised(plan_report(corridor, plan_introductions(corridor, 1, hops=1)))
    assert reach["indicator"] == ("Share of Mexican civil-society actors directly tied "
                                  "to a US policymaker")
    assert reach["goal_text"] == "Reach of US policymakers"
    bridges = plan_introductions(corridor, 1, goal="community_bridges", min_ties=2)
    assert localised(plan_report(corridor, bridges))["indicator"].endswith(
        "joined by at least 2 ties")
    assert localised(plan_report(corridor, bridges), "es")["indicator"].startswith(
        "Proporción")


@pytest.mark.parametrize("illustrative", [True, False])
@pytest.mark.parametrize("lang, heading", [("en", "Suggested introductions"),
                                           ("es", "Presentaciones sugeridas")])
def test_suggestions_html_escapes_and_labels(illustrative, lang, heading):
    G = hostile_graph(illustrative)
    got = suggest_introductions(G, "mx", "open")
    assert got[0]["actor"] == "us" and got[0]["broker"]["broker"] == "broker"
    html = render_report(suggestions_report(G, "mx", got, mode="open",
                                            filters={"city": SCRIPT}), "html", lang)
    check_escaped(html)
    assert f'<html lang="{lang}">' in html and heading in html
    banner = {"en": "Illustrative network.", "es": "Red ilustrativa."}[lang]
    assert (banner in html) is illustrative


def test_plan_html_escapes():
    G = hostile_graph(True)
    p = plan_introductions(G, 2)
    assert p["steps"] and p["after"]["value"] > p["before"]["value"]
    html = render_report(plan_report(G, p), "html", "en")
    # The plan introduces mx (named IMG) to dhs; its bridge reason names the
    # group hub, the actor named IMG + SCRIPT.
    check_escaped(html)
    assert "Introductions plan" in html and "What it optimises" in html


def test_csv_and_json_round_trip_and_defuse_formulas():
    G = hostile_graph(True)
    got = suggest_introductions(G, "mx", "open", limit=None)
    rep = suggestions_report(G, "mx", got, mode="open")
    rows = list(csv.DictReader(io.StringIO(render_report(rep, "csv"))))
    by_id = {r["Actor id"]: r for r in rows}
    assert by_id["us"]["Name"] == SCRIPT
    assert by_id["us"]["Chain"] == f"{IMG} → {IMG}{SCRIPT} → {SCRIPT}"
    assert by_id["dhs"]["Name"] == "'=HYPERLINK(\"http://x\")"
    assert {r["Illustrative"] for r in rows} == {"true"}  # booleans: true/false
    es = render_report(rep, "csv", "es").splitlines()[0]
    assert es.split(",")[:3] == ["Puesto", "Identificador del actor", "Nombre"]
    data = json.loads(render_report(rep, "json"))
    assert data["illustrative"] is True
    assert data["suggestions"][0]["name"] == SCRIPT
    assert data["suggestions"][0]["reasons"][0]["text"]


def test_unknown_format_or_language():
    rep = {"type": "plan"}
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        render_report(rep, "pdf")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        render_report(rep, "html", "fr")
