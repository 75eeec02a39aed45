"""Time in exports: GEXF 1.3 in dynamic mode, since/until kept in every
format, and exports of the graph as of a day.

The GEXF checks are written here from the GEXF 1.3 specification
(gexf.net/schema.html: the `gexf`, `meta`, `graph`, `attributes`, `nodes`
and `edges` elements, `mode="dynamic"` with `timeformat`, `start`/`end`
on edges, and attribute values that refer to declared attributes of their
class); the official XSD files are not part of this repository, so the test
asserts the parts of the schema the exporter's output relies on."""
from __future__ import annotations

import csv
import datetime as dt

import networkx as nx
import pytest
from lxml import etree

from graphsvc.illustrative import load_illustrative
from graphsvc.model import Actor, Tie
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore

NS = {"g": "http://gexf.net/1.3"}
G13 = "{http://gexf.net/1.3}"
#: GEXF 1.3's attribute types (attrtype-type) and edge types (edgetype-type).
ATTR_TYPES = {"integer", "long", "double", "float", "boolean", "liststring", "string",
              "anyURI", "listboolean", "listinteger", "listlong", "listfloat",
              "listdouble", "byte", "short", "bigdecimal", "biginteger", "char",
              "listbyte", "listshort", "listbigdecimal", "listbiginteger", "listchar"}
EDGE_TYPES = {"directed", "undirected", "mutual"}


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


def _iso_date(text):
    return dt.date.fromisoformat(text) if text is not None else None


def _validate(path):
    """The structure GEXF 1.3 prescribes for what the exporter writes."""
    doc = etree.parse(str(path))
    root = doc.getroot()
    assert root.tag == G13 + "gexf" and root.get("version") == "1.3"
    children = [c.tag for c in root]
    assert children in ([G13 + "graph"], [G13 + "meta", G13 + "graph"]), children
    graph = root.find("g:graph", NS)
    assert graph.get("mode") in ("static", "dynamic")
    assert graph.get("defaultedgetype") in EDGE_TYPES
    assert graph.get("name") is None  # 1.2draft's attribute, not 1.3's
    if graph.get("mode") == "dynamic":
        assert graph.get("timeformat") in ("integer", "double", "date", "dateTime")
    declared = {}
    for attrs in graph.iterfind("g:attributes", NS):
        assert attrs.get("class") in ("node", "edge")
        for a in attrs.iterfind("g:attribute", NS):
            assert a.get("id") and a.get("title") and a.get("type") in ATTR_TYPES
            declared[(attrs.get("class"), a.get("id"))] = a.get("type")
    assert [c.tag for c in graph if c.tag != G13 + "attributes"] == [G13 + "nodes",
                                                                    G13 + "edges"]
    nodes = set()
    for n in graph.iterfind("g:nodes/g:node", NS):
        assert n.get("id") and n.get("id") not in nodes
        nodes.add(n.get("id"))
        for v in n.iterfind("g:attvalues/g:attvalue", NS):
            assert ("node", v.get("for")) in declared and v.get("value") is not None
    edge_ids = set()
    for e in graph.iterfind("g:edges/g:edge", NS):
        assert e.get("id") and e.get("id") not in edge_ids
        edge_ids.add(e.get("id"))
        assert e.get("source") in nodes and e.get("target") in nodes
        assert e.get("type") in (None, *EDGE_TYPES)
        start, end = _iso_date(e.get("start")), _iso_date(e.get("end"))
        if start or end:
            assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
        if start and end:
            assert start <= end
        for v in e.iterfind("g:attvalues/g:attvalue", NS):
            assert ("edge", v.get("for")) in declared and v.get("value") is not None
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
