"""Louvain communities: seeded repeats, both engines, modularity, silo view."""
import community as community_louvain
import igraph as ig
import networkx as nx
import pytest

from graphsvc.queries import communities as Q


def _blocks(seed=1):
    # Four dense blocks of 25, few ties between: a partition both engines find.
    G = nx.planted_partition_graph(4, 25, 0.5, 0.01, seed=seed)
    for v in G:
        G.nodes[v]["country"] = "MX" if v < 50 else "US"
        G.nodes[v]["kind"] = "cso"
        G.nodes[v]["issue_areas"] = ["shelter"] if v < 25 else ["legal_aid", "health"]
    return G


@pytest.mark.parametrize("engine", ["networkx", "igraph"])
def test_same_seed_same_communities(engine):
    G = nx.gnm_random_graph(200, 600, seed=3)  # weak structure: order matters
    runs = [Q.louvain(G, weight=None, seed=42, engine=engine) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_engines_recover_planted_blocks():
    G = _blocks()
    truth = {v: v // 25 for v in G}
    for engine in ("networkx", "igraph"):
        p = Q.louvain(G, weight=None, seed=0, engine=engine)
        groups = {frozenset(v for v in G if p[v] == c) for c in set(p.values())}
        assert groups == {frozenset(v for v in G if truth[v] == c) for c in range(4)}


def test_engines_reach_close_modularity():
    G = nx.gnm_random_graph(300, 1200, seed=8)
    qs = [Q.modularity(G, Q.louvain(G, weight=None, seed=s, engine=e), weight=None)
          for e in ("networkx", "igraph") for s in (1, 2)]
    assert max(qs) - min(qs) < 0.03


def test_modularity_matches_python_louvain_and_igraph():
    G = _blocks()
    for u, v in G.edges():
        G[u][v]["weight"] = 1 + (u + v) % 3
    p = Q.louvain(G, seed=5)
    q = Q.modularity(G, p)
    assert q == pytest.approx(community_louvain.modularity(p, G, weight="weight"))
    nodes = list(G)
    g = ig.Graph(n=len(nodes), edges=[(nodes.index(u), nodes.index(v)) for u, v in G.edges()])
    q_ig = g.modularity([p[v] for v in nodes], weights=[d["weight"] for *_, d in
                                                        G.edges(data=True)])
    assert q == pytest.approx(q_ig)


def test_numbered_by_size():
    G = nx.disjoint_union(nx.complete_graph(3), nx.complete_graph(6))
    p = Q.louvain(G, weight=None, seed=0)
    assert {p[v] for v in range(3, 9)} == {0} and {p[v] for v in range(3)} == {1}


def test_directed_projection_is_symmetrised():
    D = nx.DiGraph([(1, 2), (2, 1), (2, 3), (3, 1), (4, 5), (5, 6), (6, 4), (3, 4)])
    nx.set_edge_attributes(D, 1.0, "weight")
    p = Q.louvain(D, seed=0)
    assert p[1] == p[2] == p[3] != p[4] == p[5] == p[6]


def test_silo_profile():
    G = _blocks()
    p = {v: v // 25 for v in G}
    prof = Q.community_profile(G, p)
    assert prof["size"].tolist() == [25, 25, 25, 25]
    assert prof.loc[0, "countries"] == "MX 25"
    assert prof.loc[0, "top_issue_area"] == "shelter"
    assert prof.loc[0, "top_issue_share"] == 1.0
    assert prof.loc[0, "cross_border_share"] == 0.0
    assert prof.loc[1, "issue_areas"] == "health 25; legal_aid 25"
    assert prof["internal_ties"].sum() + prof["external_ties"].sum() / 2 == G.number_of_edges()
