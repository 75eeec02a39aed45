"""The one generator of invented networks: seeded, invented-looking, and
shaped by its arguments."""
import doctest

import networkx as nx
import pytest

import graphsvc.synthetic
from graphsvc.illustrative import is_invented_name
from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.synthetic import fill_store, synthetic_network, synthetic_records


def test_examples_run():
    result = doctest.testmod(graphsvc.synthetic)
    assert result.failed == 0 and result.attempted > 0


def test_same_seed_same_records_other_seed_other_records():
    a = synthetic_records(200, seed=5)
    assert a == synthetic_records(200, seed=5)
    assert a[1] != synthetic_records(200, seed=6)[1]


def test_every_name_reads_as_invented_and_every_record_is_illustrative():
    actors, ties = synthetic_records(300, seed=2)
    assert all(is_invented_name(a.name) for a in actors)
    assert {a.provenance for a in actors} == {t.provenance for t in ties} == {"illustrative"}


def test_size_and_ties_per_actor():
    actors, ties = synthetic_records(500, seed=1, ties_per_actor=4)
    assert len(actors) == 500 and len(ties) == 2000
    pairs = {frozenset((t.source, t.target)) for t in ties}
    assert len(pairs) == len(ties)                        # one tie per pair
    assert all(t.source != t.target for t in ties)


def test_planted_groups_hold_most_ties_when_asked():
    # p_group 0.8 and no triangles: about 80% of ties join one planted group,
    # where chance alone would give about 1 / 4.
    G = synthetic_network(2000, seed=3, ties_per_actor=5, group_size=500, p_triadic=0.0,
                          p_group=0.8)
    assert G.number_of_nodes() == 2000
    groups = nx.community.louvain_communities(nx.Graph(G), seed=1)
    inside = sum(1 for u, v in G.edges() if any(u in c and v in c for c in groups))
    assert inside / G.number_of_edges() > 0.6


@pytest.mark.parametrize("visibility", ["public", "restricted"])
def test_visibility_of_every_record(visibility):
    actors, ties = synthetic_records(80, seed=1, visibility=visibility)
    assert {x.visibility for x in [*actors, *ties]} == {visibility}


def test_a_share_of_restricted_actors_and_public_ties():
    actors, ties = synthetic_records(1000, seed=1, visibility=0.3)
    share = sum(a.visibility == "restricted" for a in actors) / len(actors)
    assert share == pytest.approx(0.3, abs=0.05)
    assert {t.visibility for t in ties} == {"public"}


def test_fill_store_writes_public_records_marked_illustrative(tmp_path):
    store = fill_store(SQLiteStore(tmp_path / "g.db"), 100, seed=1)
    try:
        assert store.counts()["actors"] == 100
        assert store.meta()["illustrative"] == "true"
        assert store.get_actor("a3").visibility == "public"
    finally:
        store.close()
