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


def test_schema_2_file_migrates_to_tie_columns_with_the_same_snapshot(tmp_path):
    """A file written before tie fields had columns (schema 2, JSON records
    only) is migrated in place; its snapshot, now read from the columns,
    equals the one built from the records themselves."""
    from graphsvc.model import Tie
    from graphsvc.snapshot import build_snapshot
    from graphsvc.sqlite_file import SQLiteFile
    from graphsvc.stores.sqlite import MIGRATIONS, _dump
    from graphsvc.synthetic import synthetic_records

    actors, ties = synthetic_records(60, 3, ties_per_actor=3, visibility=0.5)
    ties.append(Tie(source=actors[0].id, target=actors[1].id, kind="funding", amount=1500.5,
                    currency="MXN", year=2023, channel=[actors[2].id], since="2023-01-02",
                    note="Señal: «reunión»", visibility="public"))
    path = tmp_path / "old.db"
    old = SQLiteFile(path, MIGRATIONS[:2], setting="DB")
    with old.tx() as c:
        c.executemany("INSERT INTO actors(id, name, kind, country, city, visibility, search, "
                      "record) VALUES (?, ?, ?, ?, ?, ?, '', ?)",
                      [(a.id, a.name, a.kind, a.country, a.city, a.visibility,
                        _dump(a.to_record())) for a in actors])
        c.executemany("INSERT INTO ties(id, source, target, kind, visibility, record) "
                      "VALUES (?, ?, ?, ?, ?, ?)",
                      [(t.id, t.source, t.target, t.kind, t.visibility, _dump(t.to_record()))
                       for t in ties])
    old.close()
    store = SQLiteStore(path)
    G = store.snapshot()
    ref = build_snapshot(sorted(actors, key=lambda a: a.id), sorted(ties, key=lambda t: t.id))
    assert list(G.edges(keys=True, data=True)) == list(ref.edges(keys=True, data=True))
    assert dict(G.nodes(data=True)) == dict(ref.nodes(data=True))
    # and written afresh by this version, the same again
    store.clear()
    store.upsert(actors, ties)
    H = store.snapshot()
    assert list(H.edges(keys=True, data=True)) == list(ref.edges(keys=True, data=True))
    store.close()
