"""The store contract on the embedded SQLite store, plus what is SQLite's own."""
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graphsvc.errors import StoreUnavailable
from graphsvc.stores.sqlite import SCHEMA_VERSION, SQLiteStore
from store_contract import StoreContract, actor


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "graph.db")
    yield s
    s.close()


class TestSQLiteStore(StoreContract):
    pass


def test_schema_version_and_wal(tmp_path):
    path = tmp_path / "g.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "g.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreUnavailable, match="upgrade graphsvc"):
        SQLiteStore(path)


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreUnavailable, match=str(blocker)):
        SQLiteStore(blocker / "sub" / "g.db")


def test_writer_in_another_process_waits_instead_of_failing(tmp_path):
    """A second process writing while we hold the write lock waits and succeeds."""
    path = tmp_path / "g.db"
    store = SQLiteStore(path)
    store.upsert([actor("a")])
    script = textwrap.dedent(f"""
        from graphsvc.stores.sqlite import SQLiteStore
        from graphsvc.model import Actor
        s = SQLiteStore({str(path)!r})
        s.upsert([Actor(id="b", name="B", kind="cso", country="MX")])
        print(s.counts()["actors"])
    """)
    with store._tx(write=True) as c:
        root = str(Path(__file__).resolve().parents[2])
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                                text=True, env={**os.environ, "PYTHONPATH": root})
        # while we hold the lock, readers still read
        assert SQLiteStore(path).counts()["actors"] == 1
        c.execute("SELECT 1")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert out.strip() == "2"
