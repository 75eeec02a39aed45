"""Fixtures of the web tests: the hand-made graph on a real SQLite store, the
app over it, and a client signed in as an editor (see web_support)."""
import pytest

from graphsvc.stores.sqlite import SQLiteStore
from web_support import fill, make_app, signed_in


@pytest.fixture
def store(tmp_path):
    s = fill(SQLiteStore(tmp_path / "graph.db"))
    yield s
    s.close()


@pytest.fixture
def app(store, tmp_path):
    app = make_app(store, tmp_path / "graph.db")
    yield app
    app.extensions["graphsvc.accounts"].close()


@pytest.fixture
def client(app):
    return signed_in(app)
