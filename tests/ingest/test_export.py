"""Export round trips: JSON exactly, CSV through our importer, GraphML and GEXF
through NetworkX and the real igraph package.

The round trips export every tie ever recorded (``as_of="all"``): the test
graph holds a grant that ended in 2021, which an export as of today (the
default) leaves out (see tests/ingest/test_export_time.py)."""
from __future__ import annotations

import json
import math
import warnings

import igraph
import networkx as nx
import pytest

from graphsvc.errors import GraphsvcError, ValidationFailed
from graphsvc.model import Actor, Introduction, Tie
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore
from ingest_support import state

NOTE = 'Dijo: "nos vemos"; luego, en Tijuana\nsegunda línea'


def _actors():
    return [
        Actor(id="prm", name="PRM (ejemplo)", kind="government", country="US",
              city="Washington", region="DC", roles=["funder", "policymaker"],
              issue_areas=["funding"], languages=["en"], visibility="public",
              provenance="public_report", source_ref="informe 2021",
              website="https://prm.example.org", description=NOTE),
        Actor(id="unhcr", name="ACNUR / UNHCR", kind="international_org", country="INT",
              phases=["humanitarian", "long_term"], visibility="public"),
        Actor(id="cso1", name="Albergue Ñandú (ejemplo)", kind="shelter", country="MX",
              city="Tijuana", region="Baja California",
              issue_areas=["shelter", "legal_aid"], populations=["haitians", "children"],
              phases=["humanitarian"], languages=["es", "ht"], provenance="workshop"),
        Actor(id="cso2", name="Colectivo Ejemplo", kind="migrant_led", country="GT"),
    ]


def _ties():
    return [
        Tie(source="prm", target="unhcr", kind="funding", subtype="grant",
            amount=1_000_000, currency="USD", year=2020, visibility="public",
            provenance="public_report", source_ref="informe 2021"),
        Tie(source="unhcr", target="cso1", kind="funding", amount=250_000.5,
            currency="MXN", year=2021, channel=["prm"], since="2021-01-01",
            until="2021-12-31", note=NOTE),
        Tie(source="cso1", target="unhcr", kind="formal", subtype="implementing_partner",
            strength=0.8, since="2019-03-01", visibility="public"),
        Tie(source="cso1", target="unhcr", kind="informal", subtype="conference"),
        Tie(source="cso1", target="cso2", kind="informal", subtype="workshop",
            strength=0.25, provenance="workshop", source_ref="Monterrey 2018"),
    ]


@pytest.fixture
def full(tmp_path):
    svc = GraphService(SQLiteStore(tmp_path / "source.db"))
    svc.store.upsert(_actors(), _ties())
    svc.store.set_meta("illustrative", "true")
    svc.store.set_meta("title", "Red de ejemplo")
    svc.store.record_introduction(Introduction(
        source="cso2", target="prm", via="cso1", status="proposed", note="por taller",
        recorded_at="2024-05-01T10:00:00Z"))
    yield svc
    svc.close()


@pytest.fixture
def empty(tmp_path):
    svc = GraphService(SQLiteStore(tmp_path / "target.db"))
    yield svc
    svc.close()


# --- JSON ---------------------------------------------------------------------

def test_json_round_trip_is_exact(full, empty, tmp_path):
    out = tmp_path / "graph.json"
    assert full.export("json", out, as_of="all") == [str(out)]
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert (doc["format"], doc["format_version"]) == ("graphsvc-graph", 1)
    assert doc["meta"] == {"illustrative": "true", "title": "Red de ejemplo"}

    result = empty.import_graph(out)
    assert result.write.actors_created == 4 and result.write.ties_created == 5
    assert result.introductions_added == 1
    src, dst = full.store, empty.store
    assert dst.counts() == src.counts()
    for a in src.find_actors():
        got = dst.get_actor(a.id)
        for f in Actor.model_fields:
            assert getattr(got, f) == getattr(a, f), (a.id, f)
    for t in src.ties():
        got = dst.get_tie(t.id)
        for f in Tie.model_fields:
            assert getattr(got, f) == getattr(t, f), (t.id, f)
    assert dst.meta() == src.meta()
    assert [i.to_record() for i in dst.introductions()] == [
        i.to_record() for i in src.introductions()]


def test_json_round_trip_of_an_empty_graph_and_of_actors_only(empty, tmp_path):
    out = tmp_path / "empty.json"
    empty.export("json", out, as_of="all")
    other = GraphService(SQLiteStore(tmp_path / "other.db"))
    result = other.import_graph(out)
    assert other.store.counts() == {"actors": 0, "ties": 0} and not result.write.changed
    empty.store.upsert(_actors()[:2])
    empty.export("json", out, as_of="all")
    other.import_graph(out)
    assert [a.to_record() for a in other.store.find_actors()] == [
        a.to_record() for a in empty.store.find_actors()]
    other.close()


def test_json_reimport_changes_nothing(full, tmp_path):
    out = tmp_path / "graph.json"
    full.export("json", out, as_of="all")
    before = state(full.store)
    result = full.import_graph(out)
    assert state(full.store) == before
    assert result.introductions_added == 0 and result.meta_changed == []


def test_json_with_a_bad_record_writes_nothing_not_even_meta(full, empty, tmp_path):
    out = tmp_path / "graph.json"
    full.export("json", out, as_of="all")
    doc = json.loads(out.read_text(encoding="utf-8"))
    doc["ties"][0]["target"] = "nadie"
    doc["actors"][1]["kind"] = "banco"
    out.write_text(json.dumps(doc), encoding="utf-8")
    before = state(empty.store)
    with pytest.raises(ValidationFailed) as info:
        empty.import_graph(out)
    assert state(empty.store) == before
    where = [(p.where(), p.message) for p in info.value.problems]
    assert where[0][0] == "graph.json actors, row 2, column 'kind'"
    assert ("graph.json ties, row 1, column 'target'", "no actor with id 'nadie'") in where


def test_json_of_a_newer_format_is_refused(empty, tmp_path):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps({"format": "graphsvc-graph", "format_version": 99,
                                "actors": [], "ties": []}))
    with pytest.raises(ValidationFailed) as info:
        empty.import_graph(path)
    assert str(info.value.problems[0]) == (
        "graph.json: unsupported format 'graphsvc-graph' version 99. This graphsvc reads "
        "graphsvc-graph up to version 1; upgrade graphsvc.")


def test_records_list_given_as_full_graph_is_refused(empty, tmp_path):
    path = tmp_path / "actors.json"
    path.write_text('[{"name": "A", "kind": "cso", "country": "MX"}]')
    with pytest.raises(ValidationFailed) as info:
        empty.import_graph(path)
    assert info.value.problems[0].message == "not a full-graph export (no 'actors' or 'ties')"
    graph = tmp_path / "graph.json"
    graph.write_text('{"actors": [], "ties": []}')
    with pytest.raises(GraphsvcError) as info:
        empty.import_files(actors=graph)
    assert str(info.value) == (f"graph.json is a full-graph export, not a list of records. "
                               f"Import it with: graphsvc import --json {graph}")


def test_public_only_export(full, tmp_path):
    out = tmp_path / "public.json"
    full.export("json", out, include_restricted=False, as_of="all")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [a["id"] for a in doc["actors"]] == ["prm", "unhcr"]
    assert [t["id"] for t in doc["ties"]] == ["funding:prm->unhcr:grant:2020"]
    assert doc["introductions"] == []


# --- CSV ----------------------------------------------------------------------

def test_csv_round_trip_through_our_importer(full, empty, tmp_path):
    out = tmp_path / "csv"
    paths = full.export("csv", out, as_of="all")
    assert paths == [str(out / "actors.csv"), str(out / "ties.csv")]
    header = (out / "ties.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,source,target,kind,")
    empty.import_files(out / "actors.csv", out / "ties.csv")
    for a in full.store.find_actors():
        want = a.to_record()
        # An empty source_ref cell gets the file's name, as for any import.
        want["source_ref"] = want["source_ref"] or "actors.csv"
        assert empty.store.get_actor(a.id).to_record() == want
    for t in full.store.ties():
        want = t.to_record()
        want["source_ref"] = want["source_ref"] or "ties.csv"
        assert empty.store.get_tie(t.id).to_record() == want
    assert empty.store.counts() == full.store.counts()


def test_csv_lists_are_semicolon_joined(full, tmp_path):
    full.export("csv", tmp_path / "csv", as_of="all")
    import csv

    with open(tmp_path / "csv" / "actors.csv", newline="", encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert rows["cso1"]["issue_areas"] == "shelter;legal_aid"
    assert rows["prm"]["roles"] == "funder;policymaker"
    assert rows["prm"]["description"] == NOTE


def test_csv_output_must_be_a_directory(full, tmp_path):
    (tmp_path / "file.csv").write_text("")
    with pytest.raises(GraphsvcError, match="is a file; CSV export writes actors.csv"):
        full.export("csv", tmp_path / "file.csv", as_of="all")


# --- GraphML and GEXF -----------------------------------------------------------

def _flat(value):
    return ";".join(value) if isinstance(value, list) else value


def _expected_nodes(service):
    """Actor id -> the attributes a GraphML/GEXF reader should give back."""
    out = {}
    for a in service.store.find_actors():
        rec = a.to_record()
        rec.pop("id")
        attrs = {k: _flat(v) for k, v in rec.items() if v not in (None, [])}
        attrs["label"] = a.name
        out[a.id] = attrs
    return out


def _expected_edges(service):
    out = {}
    for t in service.store.ties():
        rec = t.to_record()
        ends = (rec.pop("source"), rec.pop("target"))
        attrs = {k: _flat(v) for k, v in rec.items() if v not in (None, [])}
        attrs["directed"] = t.kind == "funding"
        out[t.id] = (ends, attrs)
    return out


def test_graphml_read_by_networkx(full, tmp_path):
    out = tmp_path / "g.graphml"
    full.export("graphml", out, as_of="all")
    G = nx.read_graphml(out, force_multigraph=True)
    assert dict(G.nodes(data=True)) == _expected_nodes(full)
    got = {k: ((u, v), d) for u, v, k, d in G.edges(keys=True, data=True)}
    assert got == _expected_edges(full)
    assert G.graph["illustrative"] == "true"
    assert G.graph["version"] == full.store.version()


def _igraph_value(value):
    return None if value is None or value == "" or (
        isinstance(value, float) and math.isnan(value)) else value


def test_graphml_read_by_igraph(full, tmp_path):
    out = tmp_path / "g.graphml"
    full.export("graphml", out, as_of="all")
    with warnings.catch_warnings():
        # igraph reports that it keeps our "id" edge attribute over GraphML edge ids.
        warnings.filterwarnings("ignore", message="Could not add edge ids")
        g = igraph.Graph.Read_GraphML(str(out))
    assert g.is_directed()
    nodes = _expected_nodes(full)
    assert sorted(g.vs["id"]) == sorted(nodes)
    for v in g.vs:
        attrs = {k: _igraph_value(x) for k, x in v.attributes().items() if k != "id"}
        present = {k: x for k, x in attrs.items() if x is not None}
        assert present == nodes[v["id"]], v["id"]
    edges = _expected_edges(full)
    assert g.ecount() == len(edges)
    for e in g.es:
        (s, t), want = edges[e["id"]]
        assert (g.vs[e.source]["id"], g.vs[e.target]["id"]) == (s, t)
        attrs = {k: _igraph_value(x) for k, x in e.attributes().items()}
        present = {k: x for k, x in attrs.items() if x is not None}
        assert present == want, e["id"]  # igraph reads numbers as floats: 2020.0 == 2020
    assert g["illustrative"] == "true"


def test_gexf_read_by_networkx(full, tmp_path):
    """igraph (python-igraph 1.0) has no GEXF reader, so GEXF is checked with
    NetworkX; GraphML is the format for igraph."""
    assert not hasattr(igraph.Graph, "Read_GEXF")
    out = tmp_path / "g.gexf"
    full.export("gexf", out, as_of="all")
    G = nx.read_gexf(out)
    assert G.is_multigraph()  # the parallel formal and informal cso1-unhcr ties
    nodes = _expected_nodes(full)
    got_nodes = {n: dict(d) for n, d in G.nodes(data=True)}
    assert got_nodes == nodes
    edges = _expected_edges(full)
    got = {}
    for u, v, key, d in G.edges(keys=True, data=True):
        d = dict(d)
        assert key == d["id"]  # NetworkX restores the edge key (the tie id)
        # dynamic GEXF: a dated tie's since/until are also its start/end
        assert (d.pop("start", None), d.pop("end", None)) == (d.get("since"), d.get("until"))
        got[d["id"]] = ((u, v), d)
    assert got == edges


def test_extra_node_attrs_ride_along(full, tmp_path):
    extra = {"degree": {"cso1": 3, "unhcr": 2}}
    full.export("graphml", tmp_path / "g.graphml", extra_node_attrs=extra, as_of="all")
    G = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert G.nodes["cso1"]["degree"] == 3 and "degree" not in G.nodes["prm"]
    full.export("csv", tmp_path / "csv", extra_node_attrs=extra, as_of="all")
    header = (tmp_path / "csv" / "actors.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",visibility,degree")
    full.export("json", tmp_path / "g.json", extra_node_attrs=extra, as_of="all")
    doc = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert doc["node_attributes"] == {"degree": {"cso1": 3, "unhcr": 2}}
    assert all("degree" not in a for a in doc["actors"])


def test_unknown_export_format(full, tmp_path):
    with pytest.raises(GraphsvcError, match="unknown export format 'dot'"):
        full.export("dot", tmp_path / "g.dot", as_of="all")


def test_unwritable_output(full, tmp_path):
    with pytest.raises(GraphsvcError, match="cannot write"):
        full.export("json", tmp_path / "missing" / "g.json", as_of="all")
