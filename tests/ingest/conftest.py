"""Fixtures of the import and export tests."""
import pytest

from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore
from ingest_support import seed_actors, seed_ties


@pytest.fixture
def service(tmp_path):
    svc = GraphService(SQLiteStore(tmp_path / "graph.db"))
    svc.store.upsert(seed_actors(), seed_ties())
    yield svc
    svc.close()
