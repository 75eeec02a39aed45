"""Influence paths, reach and funding channels on the hand-built corridor."""
import networkx as nx
import pytest

from graphsvc.queries import influence as F
from graphsvc.queries.projection import project
from queries_corridor import corridor


def test_shortest_and_most_trusted_paths_to_us_policymakers():
    H = project(corridor())
    t = F.influence_paths(H, "mx5", targets=["us_policymakers"]).set_index("route")
    # Shortest: mx5 -informal- mx1 -informal(strength 0.5)- dhs, 2 hops.
    assert t.loc["shortest", "path"] == "mx5 > mx1 > dhs"
    assert t.loc["shortest", "hops"] == 2
    # Trusted: informal costs 1/0.5 = 2, the weak informal tie 1/0.25 = 4, formal
    # 1, the one PRM -> UNHCR grant 1: via dhs 2 + 4 = 6; via
    # mx1 -formal- unhcr -funding- prm 2 + 1 + 1 = 4.
    assert t.loc["most_trusted", "path"] == "mx5 > mx1 > unhcr > prm"
    assert t.loc["most_trusted", "cost"] == pytest.approx(4.0)
    assert t.loc["most_trusted", "kinds"] == "informal > formal > funding"


def test_path_to_funders_and_unreachable():
    H = project(corridor())
    r = F.nearest(H, "mx4", "funders")
    assert r.path == ["mx4", "unhcr", "prm"]
    assert F.nearest(H, "sen", "funders") is None
    t = F.influence_paths(H, "sen")
    assert t["target"].isna().all() and len(t) == 4
    with pytest.raises(KeyError):
        F.nearest(H, "nobody", "funders")


def test_nearest_agrees_with_networkx_dijkstra():
    H = project(corridor())
    targets = {v for v, a in H.nodes(data=True) if a.get("country") == "US"}
    for src in ["mx1", "mx2", "mx5", "gt1"]:
        r = F.nearest(H, src, lambda v, a: v in targets, distance="distance")
        lengths = nx.single_source_dijkstra_path_length(H, src, weight="distance")
        assert r.cost == pytest.approx(min(lengths[t] for t in targets if t in lengths))


def test_directed_projection_follows_money():
    D = project(corridor(), kinds=["funding"], directed=True)
    assert F.nearest(D, "prm", lambda v, a: v == "mx2").path == ["prm", "unhcr", "mx2"]
    assert F.nearest(D, "mx2", "funders") is None  # money does not flow back


def test_reach():
    r = F.reach(project(corridor()), "mx5", k=2)
    assert r.by_step == {1: 1, 2: 3}  # mx1; then unhcr, rsn, dhs
    assert r.policymakers == ["dhs"] and r.funders == []
    assert r.countries == {"MX": 1, "INT": 1, "US": 2}


@pytest.mark.parametrize("k", [1, 2, 3])
def test_reach_counts_engines_agree(k):
    G = nx.gnm_random_graph(60, 120, seed=1, directed=True)
    assert F.reach_counts(G, k, engine="igraph") == F.reach_counts(G, k, engine="networkx")


def test_funding_channels():
    t = F.funding_channels(corridor())
    assert t[["funder", "via", "recipient", "currency", "amount", "ties"]].values.tolist() == [
        ["prm", "", "unhcr", "USD", 1000.0, 1],
        ["prm", "unhcr", "mx2", "USD", 150.0, 2],  # origin prm, through unhcr
        ["rsn", "", "mx3", "USD", 20.0, 1],
    ]
    assert t.loc[1, ["first_year", "last_year"]].tolist() == [2020, 2021]
    by = F.funding_channels(corridor(), by="intermediary")
    assert by.to_dict("records") == [{"intermediary": "unhcr", "currency": "USD",
                                      "amount": 150.0, "ties": 2, "funders": 1,
                                      "recipients": 1}]


def test_funding_channels_keep_currencies_apart():
    S = nx.MultiDiGraph()
    S.add_edge("f", "r", kind="funding", amount=10.0, currency="USD")
    S.add_edge("f", "r", kind="funding", amount=5.0, currency="MXN")
    S.add_edge("f", "r", kind="funding", amount=None, currency=None)
    t = F.funding_channels(S)
    assert sorted(t["currency"]) == ["", "MXN", "USD"]
    assert t.set_index("currency").loc["", "ties_without_amount"] == 1


@pytest.mark.parametrize("directed", [False, True])
def test_distance_to_agrees_with_nearest(directed):
    H = project(corridor(), directed=directed)
    for targets in ("us_policymakers", "funders"):
        for dist in (None, "distance"):
            d = F.distance_to(H, targets, dist)
            for v in H:
                r = F.nearest(H, v, targets, distance=dist)
                is_target = F._target_pred(targets)(v, H.nodes[v])
                if is_target:
                    assert d[v] == 0.0
                elif r is None:
                    assert d[v] == float("inf")
                else:
                    assert d[v] == pytest.approx(r.cost), (targets, dist, v)
