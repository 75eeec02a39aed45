"""Brokerage: Burt's measures against NetworkX/UCINET values; Gould-Fernandez by hand."""
import math

import networkx as nx
import numpy as np
import pytest

from graphsvc.queries import brokerage as B

ROLE_COLS = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total"]


# --- Burt ----------------------------------------------------------------------
# Expected values from networkx's test_structuralholes.py, "computed using UCINET
# and igraph, and then by hand"; the undirected graph is Borgatti (1997)'s example.
D = nx.DiGraph([(0, 1), (0, 2), (1, 0), (2, 1)])
D_WEIGHTS = {(0, 1): 2, (0, 2): 2, (1, 0): 1, (2, 1): 1}
U = nx.Graph([("A", "B"), ("A", "F"), ("A", "G"), ("A", "E"), ("E", "G"), ("F", "G"),
              ("B", "G"), ("B", "D"), ("D", "G"), ("G", "C")])
U_WEIGHTS = {("A", "B"): 2, ("A", "F"): 3, ("A", "G"): 5, ("A", "E"): 2, ("E", "G"): 8,
             ("F", "G"): 3, ("B", "G"): 4, ("B", "D"): 1, ("D", "G"): 3, ("G", "C"): 10}


def test_burt_directed_ucinet_values():
    t = B.structural_holes(D)
    assert t["constraint"].tolist() == pytest.approx([1.003, 1.003, 1.389], abs=1e-3)
    assert t["effective_size"].tolist() == pytest.approx([1.167, 1.167, 1.0], abs=1e-3)
    Dw = D.copy()
    nx.set_edge_attributes(Dw, D_WEIGHTS, "weight")
    t = B.structural_holes(Dw, weight="weight")
    assert t["constraint"].tolist() == pytest.approx([0.840, 1.143, 1.378], abs=1e-3)
    assert t["effective_size"].tolist() == pytest.approx([1.567, 1.083, 1.0], abs=1e-3)


def test_burt_undirected_borgatti_values():
    t = B.structural_holes(U)
    assert t.loc["G", "constraint"] == pytest.approx(0.400, abs=1e-3)
    assert t.loc["A", "constraint"] == pytest.approx(0.595, abs=1e-3)
    assert t.loc["C", "constraint"] == pytest.approx(1.0, abs=1e-3)
    assert t.loc["G", "effective_size"] == pytest.approx(4.67, abs=1e-2)
    assert t.loc["A", "effective_size"] == pytest.approx(2.50, abs=1e-2)
    # efficiency = effective size / contacts: G has 6 contacts, A has 4
    assert t.loc["G", "efficiency"] == pytest.approx(4.6667 / 6, abs=1e-3)
    assert t.loc["A", "efficiency"] == pytest.approx(2.5 / 4, abs=1e-3)
    Uw = U.copy()
    nx.set_edge_attributes(Uw, U_WEIGHTS, "weight")
    t = B.structural_holes(Uw, weight="weight")
    assert t.loc["G", "constraint"] == pytest.approx(0.299, abs=1e-3)
    assert t.loc["A", "constraint"] == pytest.approx(0.795, abs=1e-3)
    assert t.loc["G", "effective_size"] == pytest.approx(5.47, abs=1e-2)
    assert t.loc["A", "effective_size"] == pytest.approx(2.47, abs=1e-2)


def test_isolated_actor_is_nan():
    G = U.copy()
    G.add_node("Z")
    t = B.structural_holes(G)
    assert t.loc["Z"].isna().all()


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_burt_matches_networkx_neighbourhood_implementation(directed, weighted):
    G = nx.gnm_random_graph(40, 110, seed=11, directed=directed)
    G.add_node(999)
    if weighted:
        for i, (u, v) in enumerate(G.edges()):
            G[u][v]["weight"] = 1 + i % 3
    w = "weight" if weighted else None
    t = B.structural_holes(G, weight=w)
    # nodes=... forces NetworkX's per-node (pure Python) path
    es = nx.effective_size(G, nodes=list(G), weight=w)
    co = nx.constraint(G, nodes=list(G), weight=w)
    es_all, co_all = nx.effective_size(G, weight=w), nx.constraint(G, weight=w)
    for v in G:
        if G.degree(v) == 0:
            assert t.loc[v].isna().all()
            continue
        if math.isnan(es[v]):
            # NetworkX's per-node path marks actors with only incoming ties as
            # isolated; its all-nodes matrix path (and ours) counts their ties.
            assert directed and G.out_degree(v) == 0
            assert t.loc[v, "effective_size"] == pytest.approx(es_all[v], rel=1e-9)
            assert t.loc[v, "constraint"] == pytest.approx(co_all[v], rel=1e-9)
            continue
        assert t.loc[v, "effective_size"] == pytest.approx(es[v], rel=1e-9)
        assert t.loc[v, "constraint"] == pytest.approx(co[v], rel=1e-9)


# --- Gould-Fernandez ----------------------------------------------------------
# Hand-built: one triad per role, on separate actors, counted by hand.
GROUPS = {"a1": "X", "a2": "X", "a3": "X",            # cycle a1->a2->a3->a1
          "b1": "X", "c1": "Y", "b2": "X",            # itinerant c1
          "d1": "X", "d2": "X", "d3": "Y",            # representative d2
          "e1": "Y", "e2": "X", "e3": "X",            # gatekeeper e2
          "f1": "X", "f2": "Y", "f3": "Z",            # liaison f2
          "g1": "X", "g2": "X", "g3": "X"}            # closed by g1->g3
ARCS = [("a1", "a2"), ("a2", "a3"), ("a3", "a1"),
        ("b1", "c1"), ("c1", "b2"),
        ("d1", "d2"), ("d2", "d3"),
        ("e1", "e2"), ("e2", "e3"),
        ("f1", "f2"), ("f2", "f3"),
        ("g1", "g2"), ("g2", "g3"), ("g1", "g3")]


def _graph(cls):
    G = cls()
    for v, g in GROUPS.items():
        G.add_node(v, country=g)
    G.add_edges_from(ARCS)
    return G


@pytest.mark.parametrize("engine", ["numpy", "networkx"])
def test_gould_fernandez_directed_by_hand(engine):
    t = B.brokerage_roles(_graph(nx.DiGraph), "country", engine=engine)
    expected = {
        # a1->a2->a3 with a3->a1 (k -> i) still counts: each cycle member
        # brokers once, as coordinator.
        "a1": [1, 0, 0, 0, 0, 1], "a2": [1, 0, 0, 0, 0, 1], "a3": [1, 0, 0, 0, 0, 1],
        "c1": [0, 1, 0, 0, 0, 1],
        "d2": [0, 0, 1, 0, 0, 1],
        "e2": [0, 0, 0, 1, 0, 1],
        "f2": [0, 0, 0, 0, 1, 1],
        # g1->g2->g3 with g1->g3 (i -> k) does not count
        "g2": [0, 0, 0, 0, 0, 0],
    }
    for v, row in expected.items():
        assert t.loc[v, ROLE_COLS].tolist() == row, v
    assert t["total"].sum() == 7


@pytest.mark.parametrize("engine", ["numpy", "networkx"])
def test_gould_fernandez_undirected_counts_both_ways(engine):
    G = _graph(nx.Graph)
    G.add_nodes_from([("h1", {"country": "X"}), ("h2", {"country": "X"}),
                      ("h3", {"country": "X"})])
    G.add_edges_from([("h1", "h2"), ("h2", "h3")])
    t = B.brokerage_roles(G, "country", engine=engine)
    expected = {
        "a2": [0] * 6,                    # triangle: every pair tied
        "h2": [2, 0, 0, 0, 0, 2],         # h1->h2->h3 and h3->h2->h1
        "c1": [0, 2, 0, 0, 0, 2],
        "d2": [0, 0, 1, 1, 0, 2],         # d1->d2->d3 represents, d3->d2->d1 keeps the gate
        "e2": [0, 0, 1, 1, 0, 2],
        "f2": [0, 0, 0, 0, 2, 2],
        "g2": [0] * 6,
    }
    for v, row in expected.items():
        assert t.loc[v, ROLE_COLS].tolist() == row, v


@pytest.mark.parametrize("directed", [False, True])
def test_vectorised_matches_reference_on_random_graphs(directed):
    G = nx.gnm_random_graph(80, 400, seed=5, directed=directed)
    groups = {v: (None if v % 17 == 0 else "ABC"[v % 3]) for v in G}
    a = B.brokerage_roles(G, groups, engine="numpy", chunk=97)  # many small chunks
    b = B.brokerage_roles(G, groups, engine="networkx")
    assert (a.values == b.values).all()


def test_group_by_callable_and_kind():
    G = _graph(nx.DiGraph)
    nx.set_node_attributes(G, "cso", "kind")
    t = B.brokerage_roles(G, "kind")  # one group: every counted two-path coordinates
    assert t["coordinator"].sum() == t["total"].sum() == 7
    t2 = B.brokerage_roles(G, lambda v, a: a["country"])
    assert t2.equals(B.brokerage_roles(G, "country"))


def test_expected_counts_add_up_to_observed_totals():
    G = nx.gnm_random_graph(50, 200, seed=9)
    groups = {v: "ABCD"[v % 4] for v in G}
    obs = B.brokerage_roles(G, groups)
    exp = B.expected_brokerage(G, groups, observed=obs)
    assert np.allclose(exp.sum(axis=1).values, obs["total"].values)


def test_expected_counts_by_hand():
    # Path a-b-c, groups X X Y, n=3: b's two ordered two-paths; the ends of a
    # two-path through b are the ordered pairs of {a, c}: (a, c) and (c, a).
    # b in X (size 2): representative (X, X, Y) share 1/2, gatekeeper 1/2.
    G = nx.Graph([("a", "b"), ("b", "c")])
    e = B.expected_brokerage(G, {"a": "X", "b": "X", "c": "Y"})
    assert e.loc["b"].tolist() == [0.0, 0.0, 1.0, 1.0, 0.0]


def test_burt_blocks_give_the_same_answer():
    G = nx.gnm_random_graph(60, 240, seed=2)
    for u, v in G.edges():
        G[u][v]["weight"] = 1 + (u * v) % 4
    whole = B.structural_holes(G, "weight")
    blocked = B.structural_holes(G, "weight", block_paths=50)  # about one row per block
    assert np.allclose(whole.values, blocked.values, equal_nan=True)


@pytest.mark.parametrize("directed", [False, True])
def test_constraint_matches_igraph(directed):
    import igraph as ig
    G = nx.gnm_random_graph(50, 160, seed=4, directed=directed)
    for i, (u, v) in enumerate(G.edges()):
        G[u][v]["weight"] = 1 + i % 3
    g = ig.Graph(n=len(G), edges=list(G.edges()), directed=directed)
    ref = g.constraint(weights=[d["weight"] for *_, d in G.edges(data=True)])
    ours = B.structural_holes(G, "weight")["constraint"]
    for v in G:
        if G.degree(v) == 0:
            continue
        assert ours[v] == pytest.approx(ref[v], rel=1e-9), v
