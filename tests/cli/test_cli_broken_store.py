"""A broken disk from the command line: a damaged, read-only or full store is
one line and exit 1, never a traceback and never a false success;
``graphsvc check`` finds the damage and ``graphsvc backup`` copies a sound
store (and restores by pointing GRAPHSVC_DB at the copy)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.model import Actor, Tie
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def fill(path: Path) -> None:
    store = SQLiteStore(path)
    store.upsert([Actor(id=f"a{i}", name=f"Actor {i}", kind="cso", country="MX",
                        description="x" * 300) for i in range(400)],
                 [Tie(source=f"a{i}", target=f"a{i + 1}", kind="formal") for i in range(399)])
    store.close()


def damage(path: Path, only_last_pages: bool = False) -> None:
    size = os.path.getsize(path)
    with open(path, "r+b") as fh:
        offsets = [size - 3 * 4096] if only_last_pages else range(2 * 4096, size, 4096)
        for offset in offsets:
            fh.seek(offset + 8)
            fh.write(b"\xde\xad\xbe\xef" * 256)


def cli(db: Path, *args):
    env = {**os.environ, "GRAPHSVC_DB": str(db), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "graphsvc", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=db.parent)


@pytest.mark.parametrize("args", [
    ("export", "--format", "json", "-o", "out.json"),
    ("metrics", "-o", "m.csv"),
    ("import", "--actors", EXAMPLES / "actors.csv"),
    ("check",),
])
def test_a_damaged_store_is_one_line_and_exit_1(tmp_path, args):
    db = tmp_path / "graph.db"
    fill(db)
    damage(db)
    proc = cli(db, *args)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "damaged" in errors[0]
    assert "graphsvc check" in errors[0] and "Backups" in errors[0]


def test_import_into_a_store_damaged_elsewhere_is_not_a_false_success(tmp_path):
    """The damage sits in pages the import would not touch: the issue saw
    'Imported ...' for this; the quick check before writing refuses it."""
    db = tmp_path / "graph.db"
    fill(db)
    damage(db, only_last_pages=True)
    proc = cli(db, "import", "--actors", EXAMPLES / "actors.csv")
    assert proc.returncode == 1
    assert "nothing was imported" in proc.stderr and "Imported" not in proc.stdout


def _invoke(service, db, *args):
    return CliRunner().invoke(main, [str(a) for a in args], obj=service,
                              env={"GRAPHSVC_DB": str(db)})


@pytest.mark.parametrize("trouble", ["read_only", "full"])
def test_a_read_only_or_full_store_refuses_the_import_in_one_line(tmp_path, trouble):
    db = tmp_path / "data" / "graph.db"
    db.parent.mkdir()
    fill(db)
    store = SQLiteStore(db)
    conn = store._file.conn()  # this thread's connection: CliRunner runs here
    if trouble == "read_only":
        for p in db.parent.iterdir():
            p.chmod(stat.S_IRUSR)
        db.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
        if os.geteuid() == 0:  # root ignores permission bits; what SQLite says for them
            conn.execute("PRAGMA query_only = ON")
    else:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
    big = tmp_path / "big.csv"
    big.write_text("id,name,kind,country,description\n" + "".join(
        f"n{i},New {i},cso,MX,{'y' * 2000}\n" for i in range(300)))
    try:
        r = _invoke(GraphService(store), tmp_path / "acc" / "graph.db", "import",
                    "--actors", big)
        assert r.exit_code == 1, r.output
        assert r.exception is None or isinstance(r.exception, SystemExit)
        lines = [line for line in r.output.splitlines() if line.strip()]
        assert len(lines) == 1, r.output
        said = "read-only" if trouble == "read_only" else "the disk is full"
        assert lines[0].startswith("Error: graph database unavailable") and said in lines[0]
        assert "nothing was written" in lines[0]
        assert "cannot rollback" not in r.output
        assert store.counts()["actors"] == 400
    finally:
        db.parent.chmod(0o755)
        for p in db.parent.iterdir():
            p.chmod(0o644)
        store.close()


def test_check_and_backup_then_restore(tmp_path):
    db = tmp_path / "graph.db"
    fill(db)
    proc = cli(db, "check")
    assert proc.returncode == 0, proc.stderr
    assert f"graph store {db}: ok" in proc.stdout and "accounts file" in proc.stdout
    proc = cli(db, "backup", tmp_path / "copy.db")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "copy.accounts.db").exists()
    assert cli(db, "backup", tmp_path / "copy.db").returncode == 1  # no silent overwrite
    damage(db)
    proc = cli(db, "backup", tmp_path / "copy.db", "--force")
    assert proc.returncode == 1 and "no backup was written" in proc.stderr
    # restore: the copy is a whole store
    restored = SQLiteStore(tmp_path / "copy.db")
    assert restored.counts() == {"actors": 400, "ties": 399}
    assert restored.check() == []
    restored.close()
