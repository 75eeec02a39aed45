"""The network plan on hand-built graphs; indicators checked with networkx."""
import networkx as nx
import pytest

from graphsvc.model import Actor, Introduction, Tie
from graphsvc.queries.introductions import plan_introductions, policymaker_reach
from graphsvc.snapshot import build_snapshot


def reach_graph():
    """net (MX network) -- c1, c2, c3 (MX CSOs); c4 -- c5 (MX CSOs); c6 alone;
    us_ngo -- net and us_ngo -- dhs. Nobody Mexican is within two steps of a
    US policymaker (c1..c3 are three steps from dhs): reach 0/6.
    Greedy by hand: net reaches c1, c2, c3 (gain 3); then c4 reaches c4, c5
    (gain 2; c5 ties with it, c4 comes first by id); then c6 (gain 1)."""
    def A(i, k, c):
        return Actor(id=i, name=i.upper(), kind=k, country=c)

    actors = [A("net", "network", "MX"), *(A(f"c{i}", "cso", "MX") for i in range(1, 7)),
              A("us_ngo", "cso", "US"), A("dhs", "government", "US"),
              A("senator", "official", "US")]
    ties = [Tie(source="net", target=f"c{i}", kind="formal") for i in (1, 2, 3)]
    ties += [Tie(source="c4", target="c5", kind="informal"),
             Tie(source="us_ngo", target="net", kind="formal"),
             Tie(source="us_ngo", target="dhs", kind="formal")]
    return build_snapshot(actors, ties, version=3)


def independent_reach(G, extra):
    H = nx.Graph(G.to_undirected())
    H.add_edges_from(extra)
    pm = [n for n, a in G.nodes(data=True) if a["country"] == "US"
          and a["kind"] in ("government", "official")]
    mx = [n for n, a in G.nodes(data=True) if a["country"] == "MX" and a["kind"] == "cso"]
    near = set()
    for p in pm:
        near |= set(nx.single_source_shortest_path_length(H, p, cutoff=2))
    return sum(1 for m in mx if m in near) / len(mx)


def test_reach_plan_follows_the_hand_worked_greedy():
    G = reach_graph()
    p = plan_introductions(G, 3)
    assert [s["source"] for s in p["steps"]] == ["net", "c4", "c6"]
    assert [s["gain"] for s in p["steps"]] == [3, 2, 1]
    # dhs shares a contact (us_ngo) with net; the senator shares none.
    assert p["steps"][0]["target"] == "dhs"
    assert p["steps"][0]["broker"]["broker"] == "us_ngo"
    assert p["before"] == {"value": 0.0, "count": 0, "total": 6}
    assert p["after"] == {"value": 1.0, "count": 6, "total": 6}
    assert [s["indicator_after"] for s in p["steps"]] == pytest.approx([0.5, 5 / 6, 1.0])


def test_plan_after_matches_an_independent_computation_and_pairs_are_new():
    G = reach_graph()
    p = plan_introductions(G, 2)
    extra = [(s["source"], s["target"]) for s in p["steps"]]
    assert p["after"]["value"] == pytest.approx(independent_reach(G, extra))
    assert p["before"]["value"] == pytest.approx(independent_reach(G, []))
    assert p["after"]["value"] > p["before"]["value"]
    assert p["steps"][-1]["indicator_after"] == pytest.approx(p["after"]["value"])
    for a, b in extra:
        assert not G.has_edge(a, b) and not G.has_edge(b, a)


def test_plan_skips_declined_pairs():
    G = reach_graph()
    p = plan_introductions(G, 1, introductions=[
        Introduction(source="dhs", target="net", status="declined")])
    assert (p["steps"][0]["source"], p["steps"][0]["target"]) == ("net", "senator")


def test_reach_indicator_counts_two_steps_either_direction():
    G = reach_graph()
    assert policymaker_reach(G, [("net", "senator")])["count"] == 3


def cliques(extra=()):
    """Three 4-cliques a, b, c (plus ``extra`` ties): Louvain finds the cliques."""
    actors, ties = [], []
    for c in "abc":
        ids = [f"{c}{i}" for i in range(4)]
        actors += [Actor(id=i, name=i, kind="cso", country="MX") for i in ids]
        ties += [Tie(source=x, target=y, kind="formal") for j, x in enumerate(ids)
                 for y in ids[j + 1:]]
    ties += [Tie(source=x, target=y, kind="informal") for x, y in extra]
    return build_snapshot(actors, ties)


def test_bridge_plan_with_min_ties_completes_the_nearest_pair_first():
    # a-b already has one tie: with min_ties=2 it is one tie short, a-c and b-c two.
    G = cliques([("a0", "b0")])
    p = plan_introductions(G, 1, goal="community_bridges", min_ties=2)
    s = p["steps"][0]
    assert {s["source"][0], s["target"][0]} == set("ab")
    assert (s["source"], s["target"]) != ("a0", "b0")
    assert p["before"]["count"] == 0 and p["after"]["count"] == 1 and s["gain"] == 1
    assert (p["goal"], p["min_ties"]) == ("community_bridges", 2)


def test_bridge_plan_joins_separate_communities():
    G = cliques()
    p = plan_introductions(G, 5, goal="community_bridges")
    assert p["before"]["value"] == 0.0 and p["after"]["value"] == 1.0
    assert p["steps"][-1]["indicator_after"] == pytest.approx(1.0)
    assert len(p["steps"]) == 3          # only three pairs of communities exist
    groups = {frozenset((s["source"][0], s["target"][0])) for s in p["steps"]}
    assert groups == {frozenset("ab"), frozenset("ac"), frozenset("bc")}


def test_bad_goal():
    with pytest.raises(ValueError, match="unknown goal 'fame'"):
        plan_introductions(reach_graph(), 1, goal="fame")


def test_reach_with_one_hop_counts_direct_ties():
    # Direct ties only: an introduction reaches just its own Mexican actor, so
    # every gain is 1 and only the Mexican CSOs gain (net is a network). Among
    # them c1..c5 have one contact and c6 none; equal degrees go by id.
    G = reach_graph()
    p = plan_introductions(G, 2, hops=1)
    assert [s["gain"] for s in p["steps"]] == [1, 1]
    assert [s["source"] for s in p["steps"]] == ["c1", "c2"]
    assert p["before"] == {"value": 0.0, "count": 0, "total": 6}
    assert p["after"]["count"] == 2
    assert (p["goal"], p["hops"]) == ("policymaker_reach", 1)
    assert policymaker_reach(G, [("c1", "dhs")], hops=1)["count"] == 1


def _saturated():
    """c1 and c2 (MX CSOs) both tied to dhs (US government): everyone
    directly tied to a policymaker; no two communities of three to bridge."""
    actors = [Actor(id="c1", name="C1", kind="cso", country="MX"),
              Actor(id="c2", name="C2", kind="cso", country="MX"),
              Actor(id="dhs", name="DHS", kind="government", country="US")]
    ties = [Tie(source="c1", target="dhs", kind="formal"),
            Tie(source="c2", target="dhs", kind="formal")]
    return build_snapshot(actors, ties, version=1)


def test_default_goal_is_the_first_with_something_to_improve():
    from graphsvc.queries.introductions import default_goal

    # reach_graph: nobody within two steps, so the two-step reach can improve
    assert default_goal(reach_graph()) == {"goal": "policymaker_reach", "hops": 2,
                                           "tried": []}
    # everyone within two steps and one: c2 -- c1 -- dhs, c2 one step short
    G = build_snapshot([Actor(id="c1", name="C1", kind="cso", country="MX"),
                        Actor(id="c2", name="C2", kind="cso", country="MX"),
                        Actor(id="dhs", name="DHS", kind="government", country="US")],
                       [Tie(source="c1", target="dhs", kind="formal"),
                        Tie(source="c2", target="c1", kind="formal")])
    assert default_goal(G)["hops"] == 1
    # asked for two steps, which cannot improve, nor can the bridges: the first
    # one tried, so its plan says why
    assert default_goal(G, hops=2) == {"goal": "policymaker_reach", "hops": 2, "tried": []}
    # reach_graph: within two steps three introductions reach everyone (the
    # hand-worked greedy above); a plan of four finds a fourth only by direct ties
    assert default_goal(reach_graph(), 3)["hops"] == 2
    assert default_goal(reach_graph(), 4) == {"goal": "policymaker_reach", "hops": 1,
                                              "tried": [["policymaker_reach", 2]]}


def test_a_plan_that_cannot_improve_says_why():
    from graphsvc.queries.introductions import default_goal

    G = _saturated()
    assert default_goal(G, 5) == {"goal": "policymaker_reach", "hops": 2, "tried": []}
    assert plan_introductions(G, 3, hops=2)["blocked"] == "all_reached"
    assert plan_introductions(G, 3, "community_bridges")["blocked"] == "few_communities"
    assert plan_introductions(G, 3, policymakers="MX")["blocked"] == "no_policymakers"
    # declined: the one pair that could help is closed
    H = build_snapshot([Actor(id="c1", name="C1", kind="cso", country="MX"),
                        Actor(id="dhs", name="DHS", kind="government", country="US")], [])
    declined = [Introduction(source="c1", target="dhs", status="declined")]
    assert plan_introductions(H, 3, introductions=declined)["blocked"] == "no_candidates"
    assert plan_introductions(H, 3)["blocked"] is None
