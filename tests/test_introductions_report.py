"""Reports: hostile names are escaped, illustrative data is labelled."""
import csv
import io
import json
from html.parser import HTMLParser

import pytest

from graphsvc.model import Actor, Tie
from graphsvc.queries.introductions import plan_introductions, suggest_introductions
from graphsvc.queries.introductions.report import (
    plan_report, render_report_html, report_csv, report_json, suggestions_report)
from graphsvc.snapshot import build_snapshot

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


def check_escaped(html, script_shown=True):
    assert IMG not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert ("&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html) is script_shown
    p = Tags()
    p.feed(html)
    assert not {"script", "img", "iframe"} & p.tags
    assert not [a for a in p.attrs if a.startswith("on")]


@pytest.mark.parametrize("illustrative", [True, False])
def test_suggestions_html_escapes_and_labels(illustrative):
    G = hostile_graph(illustrative)
    got = suggest_introductions(G, "mx", "open")
    assert got[0]["actor"] == "us" and got[0]["broker"]["broker"] == "broker"
    html = render_report_html(suggestions_report(G, "mx", got, mode="open",
                                                 filters={"city": SCRIPT}))
    check_escaped(html)
    assert "Introducciones sugeridas" in html and "Suggested introductions" in html
    assert "Who can introduce them" in html and "Quién puede presentarlos" in html
    assert ("Illustrative network" in html) is illustrative
    assert ("[ILUSTRATIVO / ILLUSTRATIVE]" in html) is illustrative


def test_plan_html_escapes():
    G = hostile_graph(True)
    p = plan_introductions(G, 2)
    assert p["steps"] and p["after"]["value"] > p["before"]["value"]
    html = render_report_html(plan_report(G, p))
    # The plan introduces mx (named IMG) to dhs; its bridge reason names the
    # group hub, the actor named IMG + SCRIPT.
    check_escaped(html)
    assert "Plan de introducciones" in html and "What it optimises" in html


def test_csv_and_json_round_trip_and_defuse_formulas():
    G = hostile_graph(True)
    got = suggest_introductions(G, "mx", "open", limit=None)
    rep = suggestions_report(G, "mx", got, mode="open")
    rows = list(csv.DictReader(io.StringIO(report_csv(rep))))
    by_id = {r["actor"]: r for r in rows}
    assert by_id["us"]["name"] == SCRIPT
    assert by_id["us"]["broker_path"] == f"{IMG} → {IMG}{SCRIPT} → {SCRIPT}"
    assert by_id["dhs"]["name"] == "'=HYPERLINK(\"http://x\")"
    assert {r["illustrative"] for r in rows} == {"True"}
    data = json.loads(report_json(rep))
    assert data["illustrative"] is True
    assert data["suggestions"][0]["name"] == SCRIPT
