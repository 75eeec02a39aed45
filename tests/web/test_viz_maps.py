"""Map building on hand-made graphs: styles, parallel ties, filters, layout."""
import json

import networkx as nx
import pytest

from graphsvc.snapshot import build_snapshot
from graphsvc.viz import (
    COUNTRY_SHAPES,
    KIND_COLORS,
    OTHER_SHAPE,
    MapFilter,
    build_network,
    ego_graph,
    filter_graph,
    layout,
    network_data,
)
from web_support import ACTORS, IMG, TIES


@pytest.fixture
def G():
    return build_snapshot(ACTORS, TIES, version=3)


def test_nodes_styled_by_kind_country_and_size(G):
    net = build_network(G, layout(G), node_title=lambda v, a: a["name"])
    nodes = {n["id"]: n for n in net.nodes}
    assert nodes["sinfronteras"]["color"]["background"] == KIND_COLORS["cso"]
    assert nodes["prm"]["shape"] == COUNTRY_SHAPES["US"]
    assert nodes["unhcr"]["shape"] == COUNTRY_SHAPES["INT"]
    assert nodes["isolated"]["shape"] == COUNTRY_SHAPES["GT"]
    # size grows with ties: sinfronteras 5 is the largest, isolated 0 the smallest
    sizes = {v: n["size"] for v, n in nodes.items()}
    assert max(sizes, key=sizes.get) == "sinfronteras" and sizes["sinfronteras"] == 40
    assert min(sizes, key=sizes.get) == "isolated" and sizes["isolated"] == 8
    assert nodes["img"]["title"] == IMG  # plain string, rendered as text


def test_custom_measure_sizes_nodes(G):
    net = build_network(G, layout(G), measure={"isolated": 1.0})
    sizes = {n["id"]: n["size"] for n in net.nodes}
    assert sizes["isolated"] == 40 and sizes["prm"] == 8


def test_every_country_gets_a_mark_of_its_own():
    # the illustrative network's eight countries, two beyond the corridor, and
    # one actor without a country
    H = nx.MultiDiGraph()
    for c in ("MX", "US", "INT", "GT", "HN", "SV", "CA", "DE", "BR", None):
        H.add_node(f"a-{c}", name=str(c), kind="cso", country=c)
    nodes = build_network(H, {}).nodes
    marks = {n["country"]: (n["shape"], n["border"]) for n in nodes}
    assert len(set(marks.values())) == len(marks) == 10
    # Guatemala, Honduras and El Salvador no longer share one shape
    assert len({marks[c][0] for c in ("GT", "HN", "SV")}) == 3
    # beyond the corridor: a patterned border, drawn with dashes
    assert marks["BR"] == ("dot", "dashed") and marks["DE"] == ("square", "dashed")
    by_country = {n["country"]: n for n in nodes}
    assert by_country["BR"]["shapeProperties"] == {"borderDashes": [3, 3]}
    assert "shapeProperties" not in by_country["MX"]
    assert marks[None] == (OTHER_SHAPE, "dotted")


def test_edge_styles_by_tie_kind(G):
    net = build_network(G, layout(G))
    edges = {e["id"]: e for e in net.edges}
    formal = edges["formal:sinfronteras--unhcr:implementing_partner"]
    informal = edges["informal:sinfronteras--unhcr:workshop"]
    small = edges["funding:unhcr->sinfronteras:2020"]
    big = edges["funding:prm->unhcr:2020"]
    assert formal["dashes"] is False and "arrows" not in formal
    assert informal["dashes"]
    assert small["arrows"]["to"]["enabled"] and (small["from"], small["to"]) == (
        "unhcr", "sinfronteras")
    # width by amount within a currency: the largest USD grant is widest (8),
    # 200,000 of 5,000,000 gives 1 + 7 * sqrt(0.04) = 2.4
    assert big["width"] == 8.0 and small["width"] == 2.4


def test_parallel_ties_are_drawn_apart(G):
    net = build_network(G, layout(G))
    pair = [e for e in net.edges if {e["from"], e["to"]} == {"sinfronteras", "unhcr"}]
    assert len(pair) == 3
    shapes = {e["kind"]: e["smooth"] for e in pair}
    assert shapes["formal"] is False  # first by kind order: straight
    # the other two curve, to opposite sides as seen from one end
    sides = set()
    for e in pair:
        if e["smooth"]:
            side = e["smooth"]["type"]
            if e["from"] != "sinfronteras":
                side = {"curvedCW": "curvedCCW", "curvedCCW": "curvedCW"}[side]
            sides.add(side)
    assert sides == {"curvedCW", "curvedCCW"}
    single = next(e for e in net.edges if {e["from"], e["to"]} == {"img", "script"})
    assert single["smooth"] is False


def test_network_data_is_plain_json_with_physics_off(G):
    data = network_data(build_network(G, layout(G)))
    assert set(data) == {"nodes", "edges", "options"}
    assert data["options"]["physics"]["enabled"] is False
    json.dumps(data)  # no objects vis-network could not take


def test_filters(G):
    assert set(filter_graph(G, MapFilter(kinds=frozenset({"cso"})))) == {
        "sinfronteras", "script"}
    assert set(filter_graph(G, MapFilter(cities=frozenset({"tijuana"})))) == {"img"}
    assert set(filter_graph(G, MapFilter(issue_areas=frozenset({"legal_aid"})))) == {
        "sinfronteras", "script"}
    H = filter_graph(G, MapFilter(tie_kinds=frozenset({"formal"})))
    assert H.number_of_nodes() == 7 and H.number_of_edges() == 2
    H = filter_graph(G, MapFilter(min_size=3), measure=dict(G.degree()))
    assert set(H) == {"sinfronteras", "unhcr", "img"}


def test_ego_graph_follows_ties_both_ways(G):
    assert set(ego_graph(G, "prm", 1)) == {"prm", "unhcr"}
    assert set(ego_graph(G, "prm", 2)) == {"prm", "unhcr", "sinfronteras"}
    assert set(ego_graph(G, "prm", 3)) == {"prm", "unhcr", "sinfronteras", "img", "script"}
    with pytest.raises(ValueError):
        ego_graph(G, "prm", 4)


def test_layout_is_seeded_and_independent_of_node_order(G):
    assert layout(G, seed=1) == layout(G, seed=1)
    assert layout(G, seed=1) != layout(G, seed=2)
    # A subgraph view lists its nodes in set order, which changes with the
    # process's hash seed: the same nodes must get the same positions.
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(reversed(list(G.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    assert layout(shuffled, seed=1) == layout(G, seed=1)


def test_add_edge_is_not_used_for_big_maps():
    # 50,000 ties build in well under the ~70 s Network.add_edge would take;
    # checked as a count, not a time: every tie arrives, none is deduplicated.
    H = nx.gnm_random_graph(5000, 50000, seed=1, directed=True)
    G = nx.MultiDiGraph()
    for v in H:
        G.add_node(v, name=str(v), kind="cso", country="MX")
    for i, (u, v) in enumerate(H.edges()):
        G.add_edge(u, v, key=f"t{i}", kind="informal")
    net = build_network(G, dict.fromkeys(G, (0, 0)))
    assert len(net.edges) == 50000 and len(net.nodes) == 5000


def test_colour_by_group(G):
    # a hand-made partition: the funding chain, the Tijuana cluster, the rest
    groups = {"prm": 0, "unhcr": 0, "sinfronteras": 0, "img": 1, "script": 1, "href": 1,
              "isolated": 2}
    net = build_network(G, layout(G), groups=groups)
    colours = {n["id"]: n["color"]["background"] for n in net.nodes}
    assert colours["prm"] == colours["unhcr"] == colours["sinfronteras"]
    assert colours["img"] == colours["script"] == colours["href"]
    assert len({colours["prm"], colours["img"], colours["isolated"]}) == 3
    assert {n["id"]: n["group_id"] for n in net.nodes} == groups
