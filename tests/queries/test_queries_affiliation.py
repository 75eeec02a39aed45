"""Two-mode analysis: co-participation against a hand count and against
networkx.bipartite, reach of events, exports and the co_participation layer.

The small two-mode graph below is the one the expected values are counted
from by hand (comments say how).
"""
import csv
import random

import networkx as nx
import pytest
from networkx.algorithms import bipartite

from graphsvc.ingest.export import write_two_mode_graphml
from graphsvc.ingest.safe_write import write_csv_rows
from graphsvc.queries import affiliation as af
from graphsvc.queries.projection import KIND_WEIGHTS, project


def small_two_mode():
    """Five actors, three events, one group.

    - event:tij (2017-05-10..11): mx1, mx2, us1, gov
    - event:mty (2018-06-01):     mx1, us1, fun
    - event:dc  (2019-09-01):     mx2, us1
    - group:wg  members: mx1 2016-01-01..2018-12-31, us1 2018-01-01..open,
                          gov 2019-06-01..open
    """
    B = nx.Graph(version=7, as_of="2020-01-01")
    actors = {"mx1": ("MX", "cso"), "mx2": ("MX", "shelter"), "us1": ("US", "cso"),
              "gov": ("US", "government"), "fun": ("US", "funder")}
    for n, (country, kind) in actors.items():
        B.add_node(n, type="actor", name=n.upper(), country=country, kind=kind)
    B.add_node("event:tij", type="event", kind="workshop", title="Tijuana",
               start="2017-05-10", end="2017-05-11", city="Tijuana", country="MX",
               issue_areas=["asylum"], languages=["es"])
    B.add_node("event:mty", type="event", kind="workshop", title="Monterrey",
               start="2018-06-01", end=None, city="Monterrey", country="MX",
               issue_areas=[], languages=["es", "en"])
    B.add_node("event:dc", type="event", kind="visit", title="=HYPERLINK(\"x\")",
               start="2019-09-01", end=None, city="Washington", country="US",
               issue_areas=[], languages=["en"])
    B.add_node("group:wg", type="group", kind="working_group", title="WG")
    for n in ("mx1", "mx2", "us1", "gov"):
        B.add_edge(n, "event:tij", role="participant")
    for n in ("mx1", "us1", "fun"):
        B.add_edge(n, "event:mty", role="participant")
    B.add_edge("mx2", "event:dc", role="organiser")
    B.add_edge("us1", "event:dc", role="participant")
    B.add_edge("mx1", "group:wg", role="chair", since="2016-01-01", until="2018-12-31")
    B.add_edge("us1", "group:wg", role="member", since="2018-01-01", until=None)
    B.add_edge("gov", "group:wg", role="observer", since="2019-06-01", until=None)
    return B


# Hand count of shared affiliations (events, and group periods that overlap):
# mx1-us1: tij, mty, wg (2018-01-01..2018-12-31 overlap)  -> 3
# mx1-mx2: tij -> 1;  mx1-gov: tij (wg: mx1 left 2018, gov joined 2019) -> 1
# mx1-fun: mty -> 1;  mx2-us1: tij, dc -> 2;  mx2-gov: tij -> 1
# us1-gov: tij, wg (2019-06-01..2020-01-01) -> 2;  us1-fun: mty -> 1
HAND_COUNT = {("mx1", "us1"): 3, ("mx1", "mx2"): 1, ("gov", "mx1"): 1, ("fun", "mx1"): 1,
              ("mx2", "us1"): 2, ("gov", "mx2"): 1, ("gov", "us1"): 2, ("fun", "us1"): 1}


def _counts(P):
    return {tuple(sorted((u, v))): d["count"] for u, v, d in P.edges(data=True)}


def test_co_participation_equals_the_hand_count():
    P = af.co_participation(small_two_mode(), half_life=None)
    assert _counts(P) == HAND_COUNT
    assert {tuple(sorted(e)): d["weight"] for *e, d in P.edges(data=True)} == {
        k: float(v) for k, v in HAND_COUNT.items()}
    # each tie says where it came from, oldest first
    assert P["mx1"]["us1"]["events"] == ["event:tij", "event:mty"]
    assert P["mx1"]["us1"]["groups"] == ["group:wg"]
    assert P["us1"]["gov"]["groups"] == ["group:wg"]
    assert P["mx1"]["gov"]["groups"] == []  # their memberships never overlapped
    assert (P["mx1"]["us1"]["first"], P["mx1"]["us1"]["last"]) == ("2017-05-11",
                                                                    "2018-12-31")
    assert sorted(P) == ["fun", "gov", "mx1", "mx2", "us1"]


def test_events_only_projection_equals_networkx_weighted_projection():
    B = small_two_mode()
    B.remove_node("group:wg")
    ours = _counts(af.co_participation(B, half_life=None))
    ref = bipartite.weighted_projected_graph(B, af.actor_nodes(B))
    assert ours == {tuple(sorted((u, v))): d["weight"] for u, v, d in ref.edges(data=True)}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_events_projection_equals_networkx(seed):
    rng = random.Random(seed)
    B = nx.Graph(as_of="2030-01-01")
    actors = [f"a{i}" for i in range(40)]
    B.add_nodes_from(actors, type="actor")
    for e in range(25):
        key = f"event:{e}"
        B.add_node(key, type="event", start=f"20{10 + e % 10}-0{1 + e % 9}-01")
        B.add_edges_from((a, key) for a in rng.sample(actors, rng.randint(1, 12)))
    ours = _counts(af.co_participation(B, half_life=None))
    ref = bipartite.weighted_projected_graph(B, actors)
    assert ours == {tuple(sorted((u, v))): d["weight"] for u, v, d in ref.edges(data=True)}
    # Newman's collaboration weights share its edges (same pairs)
    newman = bipartite.collaboration_weighted_projected_graph(B, actors)
    assert set(ours) == {tuple(sorted(e)) for e in newman.edges()}


def test_recency_decay_halves_at_the_half_life():
    B = small_two_mode()
    P = af.co_participation(B, half_life=365, on="2020-09-01")
    # mx2-us1: tij ended 2017-05-11 (1209 days before), dc 2019-09-01 (366 days)
    expected = 0.5 ** (1209 / 365) + 0.5 ** (366 / 365)
    assert P["mx2"]["us1"]["weight"] == pytest.approx(expected)
    # default half-life: two years; default day: B.graph["as_of"]
    assert af.HALF_LIFE_DAYS == 730
    P2 = af.co_participation(B)
    assert P2.graph["co_participation"]["on"] == "2020-01-01"
    assert P2["fun"]["us1"]["weight"] == pytest.approx(0.5 ** (579 / 730))


def test_events_after_the_day_and_later_memberships_do_not_count():
    P = af.co_participation(small_two_mode(), half_life=None, on="2018-01-01")
    # only Tijuana has happened; the group overlap of mx1 and us1 starts that day
    assert _counts(P)[("mx1", "us1")] == 2
    assert ("mx2", "us1") in _counts(P) and _counts(P)[("mx2", "us1")] == 1
    assert ("fun", "mx1") not in _counts(P)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="half_life"):
        af.co_participation(small_two_mode(), half_life=0)
    with pytest.raises(ValueError, match="unknown affiliation"):
        af.co_participation(small_two_mode(), include=["meeting"])


def test_participation_and_bipartite_degree():
    B = small_two_mode()
    p = af.participation(B)
    assert p["us1"] == {"events": 3, "groups": 1, "degree": 4,
                        "roles": {"member": 1, "participant": 3}}
    assert p["fun"]["degree"] == 1
    d = af.bipartite_degree(B)
    ref = bipartite.degree_centrality(B, af.actor_nodes(B))
    assert {n: x["centrality"] for n, x in d.items()} == pytest.approx(ref)
    assert d["event:tij"] == {"type": "event", "degree": 4, "centrality": 4 / 5}


def test_event_reach_counts_first_meetings_across_border_and_silo():
    B = small_two_mode()
    G = nx.MultiDiGraph()
    G.add_nodes_from(af.actor_nodes(B))
    G.add_edge("mx1", "us1", kind="formal")                     # undated: before all
    G.add_edge("mx2", "gov", kind="informal", since="2017-05-10")  # formed at Tijuana
    G.add_edge("us1", "fun", kind="funding", since="2016-01-01")
    G.add_edge("mx1", "fun", kind="co_participation")           # the layer: ignored
    rows = {r["event"]: r for r in af.event_reach(B, G, pairs=True)}
    assert list(rows) == ["event:tij", "event:mty", "event:dc"]
    # Tijuana: 6 pairs; mx1-us1 tied before -> 5 new (mx2-gov's tie began there).
    # Cross-border: mx1-gov, mx2-us1, mx2-gov -> 3; cross-silo: the two with gov
    # and... mx1-gov, mx2-gov, us1-gov -> 3; either: mx1-gov, mx2-us1, mx2-gov, us1-gov
    t = rows["event:tij"]
    assert (t["participants"], t["pairs"], t["new_pairs"], t["new_cross_border"],
            t["new_cross_silo"], t["reach"]) == (4, 6, 5, 3, 3, 4)
    # Monterrey: mx1-us1 tied, us1-fun tied (funding since 2016) -> mx1-fun new
    m = rows["event:mty"]
    assert (m["new_pairs"], m["new_cross_border"], m["new_cross_silo"]) == (1, 1, 1)
    assert m["new"] == [["fun", "mx1", True, True]]
    # DC: mx2-us1 already met at Tijuana
    assert rows["event:dc"]["new_pairs"] == 0


def test_incidence_csv_for_ucinet_is_formula_safe(tmp_path):
    B = small_two_mode()
    B.add_node("=cmd|' /C calc'!A0", type="actor")
    rows = af.incidence_rows(B)
    assert rows[0] == ["actor", "event:tij", "event:mty", "event:dc", "group:wg"]
    assert rows[1][0] == "=cmd|' /C calc'!A0" and rows[1][1:] == [0, 0, 0, 0]
    assert {r[0]: r[1:] for r in rows[1:]}["us1"] == [1, 1, 1, 1]
    path = tmp_path / "incidence.csv"
    write_csv_rows(path, rows)
    read = list(csv.reader(path.open(encoding="utf-8")))
    assert read[1][0] == "'=cmd|' /C calc'!A0"  # guarded: a spreadsheet shows text
    assert read[2:] == [[str(x) for x in r] for r in rows[2:]]


def test_two_mode_graphml_has_a_type_attribute(tmp_path):
    B = small_two_mode()
    path = tmp_path / "two-mode.graphml"
    write_two_mode_graphml(B, path)
    back = nx.read_graphml(path)
    assert {n: d["type"] for n, d in back.nodes(data=True)} == dict(B.nodes(data="type"))
    assert back.nodes["event:tij"]["issue_areas"] == "asylum"
    assert back.nodes["event:mty"]["languages"] == "es;en"
    assert "end" not in back.nodes["event:mty"]
    assert back.nodes["mx1"]["label"] == "MX1"
    assert back["us1"]["group:wg"]["role"] == "member"
    assert back.graph["node_types"] == "actor;event;group"
    assert bipartite.is_bipartite(back)


def test_the_layer_is_counted_only_when_asked():
    B = small_two_mode()
    G = nx.MultiDiGraph(version=7)
    G.add_nodes_from(af.actor_nodes(B))
    G.add_edge("mx1", "us1", key="t1", kind="formal", directed=False)
    H = af.with_co_participation(G, B, half_life=None)
    assert G.number_of_edges() == 1 and H.graph["layers"] == ["co_participation"]
    assert H.number_of_edges() == 1 + len(HAND_COUNT)
    d = H.get_edge_data("mx1", "us1")["co_participation:mx1|us1"]
    assert (d["kind"], d["strength"], d["events"], d["groups"]) == (
        "co_participation", 3.0, ["event:tij", "event:mty"], ["group:wg"])
    # excluded by default: the projection is that of G
    assert nx.utils.edges_equal(project(H).edges(data="weight"),
                                project(G).edges(data="weight"))
    with_layer = project(H, kinds=["formal", "co_participation"])
    assert with_layer["mx1"]["us1"]["weight"] == pytest.approx(
        1.0 + KIND_WEIGHTS["co_participation"] * 3)
    assert with_layer["mx1"]["us1"]["kinds"] == "co_participation+formal"
    assert with_layer.number_of_edges() == len(HAND_COUNT)
    only = project(H, kinds=["co_participation"])
    assert {tuple(sorted(e)): w for *e, w in only.edges(data="weight")} == {
        k: 0.25 * v for k, v in HAND_COUNT.items()}


def test_layer_skips_actors_the_snapshot_does_not_hold():
    B = small_two_mode()
    G = nx.MultiDiGraph()
    G.add_nodes_from(["mx1", "us1"])
    H = af.with_co_participation(G, B)
    assert list(H.edges()) == [("mx1", "us1")] and set(H) == {"mx1", "us1"}


def test_co_participated_pairs():
    pairs = af.co_participated_pairs(small_two_mode())
    assert pairs == {frozenset(k) for k in HAND_COUNT}
