"""project(): the vectorised projection against a plain loop over the ties."""
import random

import networkx as nx
import pytest

from graphsvc.queries.projection import KIND_WEIGHTS, project


def _random_snapshot(seed=0):
    rng = random.Random(seed)
    S = nx.MultiDiGraph()
    S.add_nodes_from(range(30))
    for i in range(200):
        u, v = rng.sample(range(30), 2)
        kind = rng.choice(["formal", "informal", "funding"])
        attrs = {"kind": kind, "directed": kind == "funding",
                 "strength": rng.choice([None, 0.25, 0.5, 1.0])}
        if kind == "funding" and i % 4 == 0:
            attrs["channel"] = rng.sample([x for x in range(30) if x not in (u, v)], 2)
        S.add_edge(u, v, key=f"t{i}", **attrs)
    return S


def _reference(S, kinds, directed, combine, follow=False):
    acc = {}
    for u, v, a in S.edges(data=True):
        if a["kind"] not in kinds:
            continue
        w = KIND_WEIGHTS[a["kind"]] * (a["strength"] or 1.0)
        # the tie itself, after the upstream hops its channel implies
        chain = [*a.get("channel", []), u, v] if follow else [u, v]
        for x, y in zip(chain, chain[1:]):
            arcs = ([(x, y)] if a["directed"] else [(x, y), (y, x)]) if directed \
                else [tuple(sorted((x, y)))]
            for p in arcs:
                old = acc.get(p)
                acc[p] = w if old is None else (old + w if combine == "sum" else max(old, w))
    return acc


@pytest.mark.parametrize("follow", [False, True])
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("combine", ["sum", "max"])
@pytest.mark.parametrize("kinds", [("formal", "informal", "funding"), ("funding",),
                                   ("formal", "informal")])
def test_matches_plain_loop(directed, combine, kinds, follow):
    S = _random_snapshot()
    H = project(S, kinds=kinds, directed=directed, combine=combine, follow_channels=follow)
    ref = _reference(S, kinds, directed, combine, follow)
    got = {(u, v) if directed else tuple(sorted((u, v))): d["weight"]
           for u, v, d in H.edges(data=True)}
    assert got.keys() == ref.keys()
    for p, w in ref.items():
        assert got[p] == pytest.approx(w)
        assert H.edges[p]["distance"] == pytest.approx(1 / w)
    assert len(H) == len(S)  # every actor stays


def test_edge_attributes_and_errors():
    S = nx.MultiDiGraph()
    S.add_edge("a", "b", kind="formal", directed=False)
    S.add_edge("b", "a", kind="informal", directed=False, strength=0.5)
    S.add_edge("a", "b", kind="funding", directed=True)
    e = project(S).edges["a", "b"]
    assert e == {"weight": 2.25, "distance": pytest.approx(1 / 2.25), "ties": 3,
                 "kinds": "formal+funding+informal"}
    D = project(S, directed=True)
    assert D.edges["b", "a"]["kinds"] == "formal+informal"
    with pytest.raises(ValueError, match="unknown tie kind"):
        project(S, kinds=["friendship"])
    with pytest.raises(ValueError, match="combine"):
        project(S, combine="mean")
    assert project(nx.MultiDiGraph()).number_of_edges() == 0
