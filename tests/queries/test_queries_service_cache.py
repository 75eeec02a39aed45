"""Analyses are cached per store version on a real SQLite store."""
import pytest

from graphsvc.model import Actor, Tie
from graphsvc.queries import metrics
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore
from queries_corridor import ACTORS, TIES


@pytest.fixture
def service(tmp_path):
    store = SQLiteStore(tmp_path / "graph.db")
    store.upsert([Actor(**a) for a in ACTORS], [Tie(**t) for t in TIES])
    s = GraphService(store)
    yield s
    s.close()


@pytest.fixture
def calls(monkeypatch):
    counted = []
    real = metrics.actor_metrics

    def spy(G, **kw):
        counted.append(kw)
        return real(G, **kw)

    monkeypatch.setattr(metrics, "actor_metrics", spy)
    return counted


def test_second_request_is_served_from_cache(service, calls):
    a = service.analysis("actor_metrics", seed=1)
    b = service.analysis("actor_metrics", seed=1)
    assert len(calls) == 1
    assert a.equals(b) and a is not b
    b.loc["mx1", "degree"] = 99  # callers get copies: the cache is untouched
    # mx1's ties: unhcr, rsn, dhs, mx5
    assert service.analysis("actor_metrics", seed=1).loc["mx1", "degree"] == 4
    assert len(calls) == 1


def test_other_parameters_are_computed_separately(service, calls):
    service.analysis("actor_metrics", kinds=["formal"])
    service.analysis("actor_metrics", kinds=["formal"])
    service.analysis("actor_metrics", kinds=["informal"])
    assert len(calls) == 2


def test_a_write_invalidates(service, calls):
    before = service.analysis("actor_metrics")
    service.store.upsert([], [Tie(source="mx5", target="rsn", kind="formal")])
    after = service.analysis("actor_metrics")
    assert len(calls) == 2
    assert after.loc["mx5", "degree"] == before.loc["mx5", "degree"] + 1
    assert after.attrs["version"] > before.attrs["version"]


def test_indicators_cached_too(service):
    t = service.analysis("indicators")
    assert t.loc["tied_to_unhcr", "numerator"] == 3
    with pytest.raises(ValueError):
        service.analysis("nothing")
