"""Suggestions and brokers on hand-built graphs (see intro_graphs.py for the
graph and the degrees every expected value below is worked from)."""
import math

import pytest

from graphsvc.errors import NotFound
from graphsvc.model import Introduction
from graphsvc.queries.introductions import (
    WEIGHTS,
    best_broker,
    mutual_brokers,
    suggest_introductions,
    trusted_path,
)
from graphsvc.queries.introductions._index import index_for
from graphsvc.snapshot import build_snapshot
from intro_graphs import corridor_records


@pytest.fixture
def G():
    return build_snapshot(*corridor_records(), version=1)


def tied_in_graph(G, a, b):
    return G.has_edge(a, b) or G.has_edge(b, a)


def test_peer_mode_ranks_counterpart_city_peer_first(G):
    got = suggest_introductions(G, "mx1", "peer")
    # us3 shares no issue area or population; "tied" already has a tie.
    assert [s["actor"] for s in got] == ["us1", "us2"]
    top = got[0]
    codes = [r["code"] for r in top["reasons"]]
    assert {"common_contacts", "issue_areas", "populations", "phases", "geography",
            "funding_channel"} <= set(codes)
    # Reasons are codes with their data; the words are the report's
    # (test_introductions_report.py checks the sentences made from these).
    got = {r["code"]: r for r in top["reasons"]}
    assert "text" not in got["geography"]
    assert (got["geography"]["relation"], got["geography"]["city_u"],
            got["geography"]["city_v"]) == ("twin", "Tijuana", "San Diego")
    assert got["funding_channel"]["names"] == ["US PRM"]
    assert got["issue_areas"]["shared"] == ["legal_aid", "shelter"]
    assert (got["common_contacts"]["count"], got["common_contacts"]["names"]) == (
        2, ["UNHCR", "Workshop Host"])


def test_score_is_the_hand_worked_sum(G):
    top = suggest_introductions(G, "mx1", "peer")[0]
    comm = index_for(G).communities
    # unhcr and ws both have degree 3: AA = 2 / ln 3.
    expected = (WEIGHTS["common_contacts"] * (1 - math.exp(-2 / math.log(3)))
                + WEIGHTS["issue_areas"] * 1.0          # {shelter, legal_aid} both
                + WEIGHTS["populations"] * 0.5          # {central_americans} / 2
                + WEIGHTS["phases"] * 1.0
                + WEIGHTS["geography"] * 1.0            # Tijuana / San Diego twins
                + WEIGHTS["funding_channel"]            # PRM reaches both
                + WEIGHTS["bridge"] * (comm["mx1"] != comm["us1"]))
    assert top["score"] == pytest.approx(expected, abs=1e-3)
    assert sum(r["points"] for r in top["reasons"]) == pytest.approx(top["score"], abs=1e-3)


def test_broker_prefers_formal_ties_on_both_sides(G):
    # unhcr: formal to both (1.0 x 1.0); ws: informal to both (0.5 x 0.5).
    brokers = mutual_brokers(G, "mx1", "us1")
    assert [b["broker"] for b in brokers] == ["unhcr", "ws"]
    assert brokers[0]["trust"] == pytest.approx(1.0)
    assert brokers[1]["trust"] == pytest.approx(0.25)
    b = best_broker(G, "mx1", "us1")
    assert b["type"] == "mutual_contact" and b["broker"] == "unhcr"
    assert tied_in_graph(G, "mx1", "unhcr") and tied_in_graph(G, "unhcr", "us1")


def test_every_suggested_broker_is_really_tied_along_its_path(G):
    for mode in ("open", "peer", "policymaker", "funder"):
        for s in suggest_introductions(G, "mx1", mode, limit=None):
            b = s["broker"]
            if b is None:
                continue
            assert b["path"][0] == "mx1" and b["path"][-1] == s["actor"]
            for a, c in zip(b["path"], b["path"][1:]):
                assert tied_in_graph(G, a, c), (mode, s["actor"], a, c)
            if b["type"] == "mutual_contact":
                assert len(b["path"]) == 3


def test_no_mutual_contact_gives_most_trusted_short_path(G):
    # Two 3-step chains to the senator: via unhcr, prm (1.0 * 0.8 * 0.5 = 0.4)
    # and via ws, us2 (0.5 * 0.5 * 1.0 = 0.25).
    assert trusted_path(G, "mx1", "senator") == ["mx1", "unhcr", "prm", "senator"]
    got = {s["actor"]: s for s in suggest_introductions(G, "mx1", "policymaker")}
    assert set(got) == {"prm", "senator"}
    assert got["senator"]["broker"]["type"] == "path"
    assert got["senator"]["broker"]["trust"] == pytest.approx(0.4)
    assert got["senator"]["broker"]["names"] == ["Casa Tijuana", "UNHCR", "US PRM",
                                                 "Senator"]
    assert got["prm"]["broker"]["broker"] == "unhcr"


def test_isolated_candidate_has_no_broker(G):
    got = {s["actor"]: s for s in suggest_introductions(G, "mx1", "open", limit=None)}
    assert got["us3"]["broker"] is None
    assert "broker_text" not in got["us3"]


def test_modes_select_the_right_kinds(G):
    assert {s["actor"] for s in suggest_introductions(G, "mx1", "funder")} == {"prm", "fund"}
    # A US actor's peers are Mexican.
    assert [s["actor"] for s in suggest_introductions(G, "us2", "peer")] == ["mx1"]


def test_exclusions_self_tied_made_declined(G):
    all_ = {s["actor"] for s in suggest_introductions(G, "mx1", "open", limit=None)}
    assert "mx1" not in all_
    assert not {"unhcr", "ws", "tied"} & all_          # tied to mx1
    assert {"us1", "us2", "us3", "prm", "senator", "fund"} == all_
    intros = [Introduction(source="us2", target="mx1", status="declined"),
              Introduction(source="mx1", target="us3", status="made", via="ws"),
              Introduction(source="mx1", target="fund", status="proposed")]
    got = {s["actor"]: s for s in suggest_introductions(G, "mx1", "open", limit=None,
                                                        introductions=intros)}
    assert set(got) == {"us1", "prm", "senator", "fund"}
    assert got["fund"]["proposed"] is True and got["us1"]["proposed"] is False


def test_filters(G):
    def ids(**kw):
        return [s["actor"] for s in suggest_introductions(G, "mx1", "open", limit=None, **kw)]

    assert set(ids(kind="official")) == {"senator"}
    assert set(ids(city="el paso")) == {"us3"}
    assert set(ids(issue_area="Legal aid")) == {"us1", "us2"}
    assert set(ids(country="us")) == {"us1", "us2", "us3", "prm", "senator", "fund"}


def test_unknown_actor_and_mode(G):
    with pytest.raises(NotFound, match="no actor with id 'ghost'"):
        suggest_introductions(G, "ghost")
    with pytest.raises(ValueError, match="unknown mode 'friends'"):
        suggest_introductions(G, "mx1", "friends")


def test_index_is_rebuilt_when_a_hand_built_graph_changes():
    G = build_snapshot(*corridor_records())
    del G.graph["version"]   # hand-built: no version, checked by size
    assert "us1" in {s["actor"] for s in suggest_introductions(G, "mx1", "peer")}
    G.add_edge("mx1", "us1", key="x", kind="informal", directed=False)
    assert "us1" not in {s["actor"] for s in suggest_introductions(G, "mx1", "peer")}


def test_index_is_rebuilt_for_a_new_snapshot_version(G):
    assert "us1" in {s["actor"] for s in suggest_introductions(G, "mx1", "peer")}
    G.add_edge("mx1", "us1", key="x", kind="informal", directed=False)
    G.graph["version"] = 2
    assert "us1" not in {s["actor"] for s in suggest_introductions(G, "mx1", "peer")}


def test_brokers_on_a_synthetic_network_are_tied_along_their_paths():
    # Every broker named for 30 seeded actors in every mode: each step of its
    # path is a tie in the graph, and a mutual contact is tied to both sides.
    import random

    from graphsvc.synthetic import synthetic_network

    G = synthetic_network(300, seed=11)
    rng = random.Random(11)
    checked = 0
    for actor in rng.sample(sorted(G), 30):
        for mode in ("open", "peer", "policymaker", "funder"):
            for s in suggest_introductions(G, actor, mode, limit=5):
                b = s["broker"]
                assert not tied_in_graph(G, actor, s["actor"])
                if b is None:
                    continue
                assert b["path"][0] == actor and b["path"][-1] == s["actor"]
                assert all(tied_in_graph(G, x, y) for x, y in zip(b["path"], b["path"][1:]))
                checked += 1
    assert checked > 100
