"""Policymakers on both sides: US, Mexican, other or all, by level.

both_sides() (intro_graphs.both_sides_records, hand-made; every expected
value below is counted by hand):

    MX civil society: c1, c2, c3, c4 (4 actors: every share is out of 4)
    dhs    US government, federal      c1 --formal-- dhs
    segob  MX government, federal      c3 --formal-- segob
    ayto   MX government, municipal    c2 --informal-- ayto
    edo    MX government, state        (no ties)
    dip    MX official, legislative    (no ties)
    gtgob  GT government, federal      (no ties)
    sspc   MX government, no level     (no ties)
                                       c3 --informal-- c4
"""
import pytest

from graphsvc.model import Actor, policymaker_target
from graphsvc.queries import indicators as I
from graphsvc.queries.influence import influence_paths, nearest
from graphsvc.queries.introductions import (
    plan_introductions,
    policymaker_reach,
    suggest_introductions,
)
from graphsvc.queries.projection import project
from graphsvc.snapshot import build_snapshot
from intro_graphs import both_sides_records


def both_sides():
    return build_snapshot(*both_sides_records())


def test_level_is_checked_by_the_model():
    assert Actor(id="a", name="A", kind="government", country="MX",
                 level=" Municipal ").level == "municipal"
    assert Actor(id="a", name="A", kind="government", country="MX", level="").level is None
    with pytest.raises(ValueError, match="unknown level of government 'county'.*federal"):
        Actor(id="a", name="A", kind="government", country="MX", level="county")
    with pytest.raises(ValueError, match="unknown policymakers 'canada'.*US, MX, other, all"):
        policymaker_target("canada")


def test_indicators_us_and_mexican_side_by_side():
    G = both_sides()
    us = I.share_tied_to_us_policymakers(G)
    mx = I.share_tied_to_mx_policymakers(G)
    assert (us.numerator, us.denominator) == (1, 4)          # c1 -- dhs
    assert (mx.numerator, mx.denominator) == (2, 4)          # c2 -- ayto, c3 -- segob
    assert I.share_tied_to_mx_policymakers(G, level="municipal").numerator == 1  # c2
    assert I.share_tied_to_mx_policymakers(G, level="state").numerator == 0
    t = I.survey_indicators(G)
    assert t.loc["tied_to_mx_policymakers", "value"] == 0.5
    assert t.loc["tied_to_us_policymakers", "value"] == 0.25


@pytest.mark.parametrize("side,level,count", [
    ("US", None, 1),          # c1 (dhs)
    ("MX", None, 3),          # c3 (segob), c4 (two steps via c3), c2 (ayto)
    ("MX", "municipal", 1),   # c2
    ("MX", "federal", 2),     # c3, c4
    ("other", None, 0),       # gtgob has no ties
    ("all", None, 4),
])
def test_reach_within_two_steps_by_side_and_level(side, level, count):
    r = policymaker_reach(both_sides(), hops=2, policymakers=side, level=level)
    assert (r["count"], r["total"]) == (count, 4)


def test_policymaker_mode_by_side_and_level():
    G = both_sides()

    def targets(**kw):
        return {s["actor"] for s in suggest_introductions(G, "c1", "policymaker",
                                                          limit=None, **kw)}

    assert targets() == set()                                   # dhs is already tied
    assert targets(policymakers="MX") == {"segob", "ayto", "edo", "dip", "sspc"}
    assert targets(policymakers="mx", level="municipal") == {"ayto"}
    assert targets(policymakers="MX", level="legislative") == {"dip"}
    assert targets(policymakers="other") == {"gtgob"}
    assert targets(policymakers="all") == {"segob", "ayto", "edo", "dip", "sspc", "gtgob"}
    with pytest.raises(ValueError, match="unknown level of government"):
        targets(policymakers="MX", level="county")


def test_influence_routes_to_mexican_policymakers():
    H = project(both_sides())
    r = nearest(H, "c4", "mx_policymakers")
    assert (r.path, r.hops) == (["c4", "c3", "segob"], 2)
    assert nearest(H, "c4", "mx_policymakers", level="municipal") is None  # ayto elsewhere
    assert nearest(H, "c4", "us_policymakers") is None
    t = influence_paths(H, "c2", ("mx_policymakers", "us_policymakers"), level="municipal")
    assert t["target"].tolist()[:2] == ["ayto", "ayto"]       # shortest, most trusted
    assert t["target"].iloc[2:].isna().all()                  # no US policymaker reachable


def test_plan_for_mexican_municipal_reach():
    # Direct ties (hops=1) to a municipal Mexican policymaker: only c2 (1/4).
    # Each of c1, c3, c4 would gain 1; equal gains go to the actor with more
    # contacts: c3 (segob and c4). The one municipal target is ayto.
    p = plan_introductions(both_sides(), 1, hops=1, policymakers="MX", level="municipal")
    assert (p["policymakers"], p["level"]) == ("MX", "municipal")
    assert [(s["source"], s["target"]) for s in p["steps"]] == [("c3", "ayto")]
    assert (p["before"]["count"], p["after"]["count"], p["after"]["total"]) == (1, 2, 4)
