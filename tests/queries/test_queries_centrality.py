"""Centrality: igraph engine against the NetworkX reference, and hand-worked values."""
import networkx as nx
import pytest

from graphsvc.queries import centrality as C
from graphsvc.queries.projection import project


def _graphs():
    und = nx.gnm_random_graph(60, 150, seed=2)
    und.add_nodes_from([100, 101])  # isolates
    und.add_edge(102, 103)  # a second component
    dig = nx.gnm_random_graph(50, 200, seed=3, directed=True)
    wtd = nx.gnm_random_graph(40, 120, seed=4)
    for i, (u, v) in enumerate(wtd.edges()):
        # powers of two: path lengths add exactly, so equal paths tie in both engines
        wtd[u][v]["weight"] = 2.0 ** (i % 4 - 1)
        wtd[u][v]["distance"] = 1 / wtd[u][v]["weight"]
    return {"undirected": und, "directed": dig, "weighted": wtd}


GRAPHS = _graphs()


def _close(a, b, rel=1e-7, abs_=1e-9):
    assert set(a) == set(b)
    for v in a:
        assert a[v] == pytest.approx(b[v], rel=rel, abs=abs_), v


@pytest.mark.parametrize("name", list(GRAPHS))
def test_betweenness_engines_agree(name):
    G = GRAPHS[name]
    d = "distance" if name == "weighted" else None
    _close(C.betweenness(G, distance=d, engine="igraph"),
           C.betweenness(G, distance=d, engine="networkx"))
    _close(C.betweenness(G, normalized=False, distance=d, engine="igraph"),
           C.betweenness(G, normalized=False, distance=d, engine="networkx"))


@pytest.mark.parametrize("name", list(GRAPHS))
def test_sampled_betweenness_engines_agree(name):
    # Same seed -> same sources as NetworkX's own k-sampling -> same estimate.
    G = GRAPHS[name]
    _close(C.betweenness(G, k=10, seed=7, engine="igraph"),
           C.betweenness(G, k=10, seed=7, engine="networkx"))


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("measure", [C.closeness, C.harmonic])
def test_closeness_harmonic_engines_agree(name, measure):
    G = GRAPHS[name]
    d = "distance" if name == "weighted" else None
    _close(measure(G, distance=d, engine="igraph"), measure(G, distance=d, engine="networkx"))
    _close(measure(G, distance=d, k=12, seed=1, engine="igraph"),
           measure(G, distance=d, k=12, seed=1, engine="networkx"))


@pytest.mark.parametrize("measure", [C.closeness, C.harmonic])
def test_pivot_estimate_with_every_node_is_exact(measure):
    # With all n nodes as pivots the estimator uses every distance: exact.
    G = GRAPHS["undirected"]
    G = G.subgraph(max(nx.connected_components(G), key=len)).copy()
    exact = measure(G, engine="networkx")
    est = measure(G, k=len(G) - 1, seed=3, engine="networkx")
    assert max(abs(est[v] - exact[v]) / exact[v] for v in G) < 0.1


def test_closeness_reference_is_networkx():
    G = GRAPHS["directed"]
    _close(C.closeness(G, engine="networkx"), nx.closeness_centrality(G))


@pytest.mark.parametrize("name", ["undirected", "weighted"])
def test_eigenvector_engines_agree(name):
    G = GRAPHS[name]
    G = G.subgraph(max(nx.connected_components(G), key=len)).copy()
    w = "weight" if name == "weighted" else None
    _close(C.eigenvector(G, weight=w, engine="igraph"),
           C.eigenvector(G, weight=w, engine="networkx"), rel=1e-5, abs_=1e-7)


def test_eigenvector_directed_engines_agree():
    G = nx.DiGraph(nx.gnm_random_graph(30, 120, seed=5, directed=True))
    G = G.subgraph(max(nx.strongly_connected_components(G), key=len)).copy()
    _close(C.eigenvector(G, weight=None, engine="igraph"),
           C.eigenvector(G, weight=None, engine="networkx"), rel=1e-5, abs_=1e-7)


@pytest.mark.parametrize("name", list(GRAPHS))
def test_pagerank_engines_agree(name):
    G = GRAPHS[name]
    w = "weight" if name == "weighted" else None
    _close(C.pagerank(G, weight=w, engine="igraph"),
           C.pagerank(G, weight=w, engine="networkx"), rel=1e-6)


def test_hand_worked_star_and_path():
    # Star with centre 0 and leaves 1..4, worked by hand: the centre lies on
    # all 6 leaf pairs (normalised 6/6 = 1); its distance to each leaf is 1
    # (closeness 1), a leaf's distances sum to 1 + 3*2 = 7 (closeness 4/7);
    # harmonic of a leaf is 1 + 3/2 = 2.5.
    S = nx.star_graph(4)
    for engine in ("networkx", "igraph"):
        b = C.betweenness(S, engine=engine)
        c = C.closeness(S, engine=engine)
        h = C.harmonic(S, engine=engine)
        assert b[0] == 1.0 and b[1] == 0.0
        assert c[0] == pytest.approx(1.0) and c[1] == pytest.approx(4 / 7)
        assert h[0] == pytest.approx(4.0) and h[1] == pytest.approx(2.5)
        # Leading eigenvector of a star K1,4: centre 1/sqrt(2), leaves 1/(2 sqrt(2)).
        e = C.eigenvector(S, weight=None, engine=engine)
        assert e[0] == pytest.approx(2 ** -0.5, rel=1e-6)
        assert e[1] == pytest.approx(2 ** -0.5 / 2, rel=1e-6)


def test_isolated_and_unreached_actors_get_zero():
    G = nx.Graph()
    G.add_nodes_from("abc")
    G.add_edge("a", "b")
    for engine in ("networkx", "igraph"):
        assert C.closeness(G, engine=engine)["c"] == 0.0
        assert C.harmonic(G, engine=engine)["c"] == 0.0
        assert C.betweenness(G, engine=engine)["c"] == 0.0


def test_degree_by_kind_counts_distinct_actors_and_strength():
    S = nx.MultiDiGraph()
    S.add_node("x")  # isolated actor still gets a row
    S.add_edge("a", "b", key="1", kind="formal", strength=0.5, directed=False)
    S.add_edge("a", "b", key="2", kind="formal", strength=None, directed=False)
    S.add_edge("c", "a", key="3", kind="informal", directed=False)
    S.add_edge("f", "a", key="4", kind="funding", directed=True, year=2020)
    S.add_edge("f", "a", key="5", kind="funding", directed=True, year=2021)
    S.add_edge("f", "b", key="6", kind="funding", directed=True)
    t = C.degree_by_kind(S)
    assert t.loc["a"].to_dict() == {
        "degree": 3, "degree_formal": 1, "degree_informal": 1, "funders": 1,
        "recipients": 0, "strength_formal": 1.5, "strength_informal": 1.0,
        "funding_ties_in": 2, "funding_ties_out": 0}
    assert t.loc["f", "recipients"] == 2 and t.loc["f", "funding_ties_out"] == 3
    assert t.loc["x", "degree"] == 0
    assert list(t.columns) == [
        "degree", "degree_formal", "degree_informal", "funders", "recipients",
        "strength_formal", "strength_informal", "funding_ties_in", "funding_ties_out"]


def test_projection_choices_change_centrality():
    # b brokers a-c only through funding; without funding ties b is not between.
    S = nx.MultiDiGraph()
    S.add_edge("a", "b", key="1", kind="formal", directed=False)
    S.add_edge("b", "c", key="2", kind="funding", directed=True)
    assert C.betweenness(project(S))["b"] == 1.0
    assert C.betweenness(project(S, kinds=["formal"]))["b"] == 0.0
    # Directed: a<->b, b->c; pairs through b: (a, c) only, of 3*2 ordered pairs
    # not including b -> 1 / ((n-1)(n-2)) = 1/2.
    assert C.betweenness(project(S, directed=True))["b"] == pytest.approx(0.5)


def test_table_has_documented_columns():
    t = C.centrality_table(GRAPHS["weighted"], k=None, seed=0)
    assert list(t.columns) == ["betweenness", "closeness", "harmonic", "eigenvector",
                               "pagerank"]
    assert len(t) == len(GRAPHS["weighted"])


def test_eigenvector_disconnected_uses_largest_component():
    G = GRAPHS["undirected"]  # has isolates and a separate pair
    core = max(nx.connected_components(G), key=len)
    ref = nx.eigenvector_centrality_numpy(G.subgraph(core))
    for engine in ("networkx", "igraph"):
        e = C.eigenvector(G, weight=None, engine=engine)
        assert all(e[v] == 0.0 for v in G if v not in core)
        for v in core:
            assert e[v] == pytest.approx(abs(ref[v]), rel=1e-5, abs=1e-8)
