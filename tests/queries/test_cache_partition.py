"""The one versioned cache (graphsvc.cache) and the one community partition per snapshot."""
import threading
import time

import igraph
import pytest

from graphsvc.cache import CacheKey, VersionedCache
from graphsvc.illustrative import load_illustrative
from graphsvc.queries import communities, metrics
from graphsvc.queries.introductions import plan_introductions, suggest_introductions
from graphsvc.queries.projection import project
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore


def K(version, name="a", restricted=False, params=()):
    return CacheKey(version, restricted, name, params)


def test_results_are_kept_per_key_and_bounded():
    cache = VersionedCache(maxsize=2)
    calls = []

    def compute(x):
        calls.append(x)
        return x

    assert cache.get(K(1, "a"), lambda: compute("a")) == "a"
    assert cache.get(K(1, "a"), lambda: compute("again")) == "a"
    # visibility and parameters are part of the key: an analyst's result is
    # never a viewer's
    assert cache.get(K(1, "a", restricted=True), lambda: compute("analyst")) == "analyst"
    assert cache.get(K(1, "a", params=(1,)), lambda: compute("p1")) == "p1"
    assert calls == ["a", "analyst", "p1"]
    # bounded: the least recently used went first
    assert len(cache) == 2 and K(1, "a") not in cache.keys()
    assert cache.hits == 1 and cache.misses == 3


def test_a_new_version_drops_every_older_result():
    cache = VersionedCache(maxsize=10)
    for name in "abc":
        cache.get(K(1, name), lambda name=name: name)
    cache.get(K(2, "a"), lambda: "new")
    assert [k.version for k in cache.keys()] == [2]
    # an answer computed for an older version while a newer one was seen is
    # returned to its caller but not kept
    assert cache.get(K(1, "late"), lambda: "late") == "late"
    assert [k.name for k in cache.keys()] == ["a"]


def test_concurrent_askers_compute_once():
    cache = VersionedCache()
    started, calls = threading.Event(), []

    def slow():
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(K(1), slow)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len({id(r) for r in results}) == 1 and len(results) == 8


def test_a_failed_computation_is_not_kept():
    cache = VersionedCache()
    with pytest.raises(ZeroDivisionError):
        cache.get(K(1), lambda: 1 / 0)
    assert cache.get(K(1), lambda: 5) == 5


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    store = SQLiteStore(tmp_path_factory.mktemp("ill") / "g.db")
    load_illustrative(store)
    yield GraphService(store, {"CACHE_SIZE": 64})
    store.close()


@pytest.mark.parametrize("restricted", [True, False])
def test_every_consumer_reads_the_one_partition(service, restricted):
    G = service.snapshot(restricted)
    part = service.partition(restricted)
    assert service.partition(restricted) is part  # computed once per snapshot
    # the reference definition, computed independently of the service
    assert part == communities.snapshot_partition(G, seed=0, engine="networkx")
    # the metrics' community column, computed without being handed it
    table = metrics.actor_metrics(G, seed=0)
    assert table["community"].to_dict() == part
    # and the service's metrics, handed it
    assert service.analysis("actor_metrics", restricted)["community"].to_dict() == part
    # every "bridges two groups" reason names the communities the page shows
    checked = 0
    for actor in list(G)[:40]:
        for s in suggest_introductions(G, actor, "open", limit=10):
            for r in s["reasons"]:
                if r["code"] == "bridge":
                    assert (r["community_u"], r["community_v"]) == (part[actor],
                                                                   part[s["actor"]])
                    assert part[actor] != part[s["actor"]]
                    checked += 1
    assert checked > 0
    plan = plan_introductions(G, 3, "community_bridges")
    for step in plan["steps"]:
        a, b = step["communities"]
        assert part[step["source"]] == a and part[step["target"]] == b


def test_auto_engine_is_python_louvain_at_the_fields_sizes_and_igraph_agrees(service):
    G = service.snapshot()
    assert G.number_of_nodes() <= communities.LOUVAIN_IGRAPH_ABOVE
    H = project(G)
    ref = communities.louvain(H, seed=0, engine="networkx")
    assert communities.louvain(H, seed=0, engine="auto") == ref
    fast = communities.louvain(H, seed=0, engine="igraph")
    q_ref, q_fast = communities.modularity(H, ref), communities.modularity(H, fast)
    # same algorithm, another visiting order: close modularity, mostly the
    # same groups (normalised mutual information, as igraph computes it)
    assert q_fast == pytest.approx(q_ref, abs=0.03)
    nodes = sorted(H)
    nmi = igraph.compare_communities([ref[v] for v in nodes], [fast[v] for v in nodes],
                                     method="nmi")
    assert nmi > 0.6


def test_the_cache_serves_cli_and_web_alike(service):
    first = service.analysis("indicators", False)
    misses = service.cache.misses
    again = service.analysis("indicators", False)
    assert service.cache.misses == misses
    assert again.equals(first) and again is not first  # a copy the caller may change
    names = {k.name for k in service.cache.keys()}
    assert {"snapshot", "partition", "actor_metrics", "indicators"} <= names
