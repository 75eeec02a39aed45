"""Planning a convening: first meetings, constraints, brokers, and the plan
against a random list and the most central actors."""
import random

import networkx as nx
import pytest

from graphsvc.errors import NotFound
from graphsvc.model import Actor, Tie
from graphsvc.queries.introductions.convening import (
    CROSS_WEIGHTS,
    MEETING_BASE,
    first_time_pairs,
    plan_convening,
)
from graphsvc.queries.projection import project
from graphsvc.snapshot import build_snapshot
from graphsvc.synthetic import illustrative_snapshot, synthetic_network


def A(id, kind, country, langs=(), **kw):
    return Actor(id=id, name=kw.pop("name", id.capitalize()), kind=kind, country=country,
                 languages=list(langs), **kw)


def small_graph():
    """Three Mexican actors (Spanish), three US actors (English), one
    bilingual network in the US, and a funder in the US (English).

    Ties: mx1-mx2 (formal), us1-us2 (formal), puente-mx1, puente-us1.
    """
    actors = [A("mx1", "cso", "MX", ["es"], city="Tijuana", issue_areas=["asylum"]),
              A("mx2", "shelter", "MX", ["es"], city="Tijuana", issue_areas=["asylum"]),
              A("mx3", "cso", "MX", ["es"], city="Monterrey", issue_areas=["health"]),
              A("us1", "cso", "US", ["en"], city="San Diego", issue_areas=["asylum"]),
              A("us2", "government", "US", ["en"], city="Washington",
                issue_areas=["asylum"]),
              A("us3", "cso", "US", ["en"], city="El Paso", issue_areas=["health"]),
              A("puente", "network", "US", ["es", "en"], city="San Diego"),
              A("fund", "funder", "US", ["en"], city="New York")]
    ties = [Tie(source="mx1", target="mx2", kind="formal"),
            Tie(source="us1", target="us2", kind="formal"),
            Tie(source="puente", target="mx1", kind="formal"),
            Tie(source="puente", target="us1", kind="formal")]
    return build_snapshot(actors, ties)


def ids(plan):
    return [i["id"] for i in plan["invitees"]]


def test_first_time_pairs_leave_out_tied_met_and_declined_pairs():
    G = small_graph()
    B = nx.Graph()
    B.add_nodes_from(["mx3", "us3"], type="actor")
    B.add_node("event:e", type="event", start="2018-01-01")
    B.add_edges_from([("mx3", "event:e"), ("us3", "event:e")])
    intro = [{"source": "mx2", "target": "us1", "status": "declined"}]
    pairs = first_time_pairs(G, ["mx1", "mx2", "mx3", "us1", "us3"], B, intro)
    got = {frozenset(p[:2]): p[2:] for p in pairs}
    # 10 pairs; mx1-mx2 tied, mx3-us3 met at the event, mx2-us1 declined -> 7
    assert len(got) == 7
    assert frozenset(("mx1", "mx2")) not in got and frozenset(("mx3", "us3")) not in got
    assert got[frozenset(("mx1", "us1"))] == (True, False)
    # us2 (government) vs mx1 (cso): both cross
    assert first_time_pairs(G, ["mx1", "us2"])[0][2:] == (True, True)


def test_plan_values_the_pairs_it_lists_and_totals_add_up():
    G = small_graph()
    p = plan_convening(G, 4)
    assert len(p["invitees"]) == 4
    pairs = first_time_pairs(G, ids(p))
    assert p["totals"]["pairs"] == len(pairs)
    assert p["totals"]["cross_border"] == sum(1 for x in pairs if x[2])
    for x in p["pairs"]:
        mult = 1 + CROSS_WEIGHTS["border"] * x["cross_border"] + \
            CROSS_WEIGHTS["silo"] * x["cross_silo"]
        assert x["value"] == pytest.approx((MEETING_BASE + max(x["score"], 0)) * mult,
                                           abs=1e-3)
    assert sum(i["value"] for i in p["invitees"]) == pytest.approx(p["totals"]["value"],
                                                                   abs=1e-2)
    assert all(any(r["code"] == "first_meetings" for r in i["reasons"])
               for i in p["invitees"])


def test_must_exclude_and_filters():
    G = small_graph()
    p = plan_convening(G, 3, must=["mx3"], exclude=["us1", "us2"])
    assert ids(p)[0] == "mx3" and p["invitees"][0]["reasons"][0] == {"code": "must"}
    assert not {"us1", "us2"} & set(ids(p))
    # the city keeps Tijuana and its twin San Diego
    assert set(ids(plan_convening(G, 4, city="tijuana"))) == {"mx1", "mx2", "us1",
                                                               "puente"}
    assert set(ids(plan_convening(G, 2, issue_area="health"))) == {"mx3", "us3"}
    # English-only meeting: nobody who works only in Spanish
    assert not {"mx1", "mx2", "mx3"} & set(ids(plan_convening(G, 4, languages=["en"])))
    with pytest.raises(NotFound):
        plan_convening(G, 3, must=["nobody"])
    with pytest.raises(ValueError, match="at least 2"):
        plan_convening(G, 1)
    with pytest.raises(ValueError, match="must be invited"):
        plan_convening(G, 2, must=["mx1", "mx2", "mx3"])


def test_a_bilingual_broker_is_kept_when_invitees_share_no_language():
    G = small_graph()
    # Without puente the list would be Spanish- and English-only actors; the
    # plan must keep someone speaking both.
    p = plan_convening(G, 4, exclude=["puente"])
    assert p["unmet"] and p["unmet"][0]["code"] == "language_broker"
    p = plan_convening(G, 4, must=["mx3", "us3"])
    assert "puente" in ids(p)
    broker = next(i for i in p["invitees"] if i["id"] == "puente")
    assert {"code": "language_broker", "languages": [["en", "es"]]} in broker["reasons"]
    assert p["language_pairs"] == [{"languages": ["en", "es"], "broker": "puente"}]
    assert p["unmet"] == [] or all(u["code"] != "language_broker" for u in p["unmet"])


def test_co_participation_is_not_a_first_meeting():
    G = small_graph()
    before = plan_convening(G, 8)
    B = nx.Graph()
    B.add_nodes_from(G.nodes, type="actor")
    B.add_node("event:all", type="event", start="2019-01-01")
    B.add_edges_from((n, "event:all") for n in G)
    after = plan_convening(G, 8, B=B)
    assert before["totals"]["pairs"] > 0 and after["totals"]["pairs"] == 0
    assert after["co_participation"] is True


def _central(G, k):
    H = project(G)
    return sorted(H, key=lambda n: (-H.degree(n), str(n)))[:k]


def _cross_border(G, lst):
    return sum(1 for p in first_time_pairs(G, lst) if p[2])


@pytest.mark.parametrize("graph", ["synthetic", "illustrative"])
def test_the_plan_beats_random_lists_and_the_most_central(graph):
    # The issue's yardstick: first-time cross-border pairs among 20 invitees.
    # The plan maximises their value (scores, silos too), not their number,
    # so on a synthetic graph it beats the typical random list (the median of
    # ten) and on the illustrative network every one of them (measured: 153
    # against 87-147 for ten random lists, 89 for the most central 20).
    G = synthetic_network(300, seed=3) if graph == "synthetic" else illustrative_snapshot()
    plan = _cross_border(G, ids(plan_convening(G, 20, seed=0)))
    central = _cross_border(G, _central(G, 20))
    randoms = sorted(_cross_border(G, random.Random(s).sample(sorted(G), 20))
                     for s in range(10))
    assert plan > central
    assert plan > randoms[len(randoms) // 2]
    if graph == "illustrative":
        assert plan > randoms[-1]


def test_plan_is_repeatable_with_its_seed():
    G = synthetic_network(120, seed=1)
    assert ids(plan_convening(G, 10, seed=4)) == ids(plan_convening(G, 10, seed=4))
