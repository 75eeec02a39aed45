"""Time in exports: GEXF 1.3 in dynamic mode (checked against the GEXF 1.3
schema, tests/support/gexf-1.3), since/until kept in every format, and
exports of the graph as of a day."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from graphsvc.illustrative import load_illustrative
from graphsvc.model import Actor, Tie
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore

SCHEMA = Path(__file__).resolve().parents[1] / "support" / "gexf-1.3" / "gexf.xsd"
NS = {"g": "http://gexf.net/1.3"}


@pytest.fixture
def dated(tmp_path):
    svc = GraphService(SQLiteStore(tmp_path / "g.db"))
    svc.store.upsert(
        [Actor(id="a", name="A", kind="cso", country="MX"),
         Actor(id="b", name="B", kind="cso", country="US"),
         Actor(id="c", name="C", kind="funder", country="US")],
        [Tie(source="a", target="b", kind="formal", subtype="mou",
             since=dt.date(2014, 1, 1), until=dt.date(2017, 6, 30)),
         Tie(source="a", target="b", kind="informal", since=dt.date(2019, 5, 1)),
         Tie(source="c", target="a", kind="funding", amount=5.0, currency="USD")])
    yield svc
    svc.close()


def _validate(path):
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log
    return doc


def test_gexf_is_dynamic_and_valid_gexf_1_3(dated, tmp_path):
    out = tmp_path / "g.gexf"
    dated.export("gexf", out, as_of="all")
    doc = _validate(out)
    root = doc.getroot()
    assert root.get("version") == "1.3"
    graph = root.find("g:graph", NS)
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    spans = {e.get("id"): (e.get("start"), e.get("end")) for e in root.iterfind(".//g:edge", NS)}
    assert spans == {"formal:a--b:mou": ("2014-01-01", "2017-06-30"),
                     "informal:a--b": ("2019-05-01", None),
                     "funding:c->a": (None, None)}


def test_illustrative_gexf_all_time_is_valid(tmp_path):
    store = SQLiteStore(tmp_path / "i.db")
    load_illustrative(store)
    svc = GraphService(store)
    out = tmp_path / "i.gexf"
    svc.export("gexf", out, as_of="all")
    doc = _validate(out)
    ended = [e for e in doc.getroot().iterfind(".//g:edge", NS) if e.get("end")]
    assert len(ended) >= 10
    svc.close()


def test_exports_as_of_a_day_hold_the_ties_in_force(dated, tmp_path):
    dated.export("csv", tmp_path / "today")
    with open(tmp_path / "today" / "ties.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # today: the MoU that ended in 2017 is not there; since/until are kept
    assert sorted(r["id"] for r in rows) == ["funding:c->a", "informal:a--b"]
    assert {r["id"]: r["since"] for r in rows}["informal:a--b"] == "2019-05-01"
    dated.export("graphml", tmp_path / "2016.graphml", as_of="2016-01-01")
    G = nx.read_graphml(tmp_path / "2016.graphml", force_multigraph=True)
    got = {d["id"]: (d.get("since"), d.get("until")) for _u, _v, d in G.edges(data=True)}
    assert got == {"formal:a--b:mou": ("2014-01-01", "2017-06-30"),
                   "funding:c->a": (None, None)}
    assert G.graph["as_of"] == "2016-01-01"
