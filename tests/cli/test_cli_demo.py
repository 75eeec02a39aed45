"""``graphsvc demo``: loads the illustrative network, refuses other data, serves."""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.illustrative import build_illustrative
from graphsvc.model import Actor
from graphsvc.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]


def run(db, *args):
    result = CliRunner().invoke(main, ["demo", *args], env={"GRAPHSVC_DB": str(db)},
                                catch_exceptions=False)
    return result


def content(db):
    s = SQLiteStore(db)
    try:
        return ([a.to_record() for a in s.find_actors()],
                [t.to_record() for t in s.ties()], s.meta(), s.version())
    finally:
        s.close()


def test_no_serve_loads_and_says_where_and_that_it_is_illustrative(tmp_path):
    db = tmp_path / "demo.db"
    result = run(db, "--no-serve")
    assert result.exit_code == 0, result.output
    actors, ties = build_illustrative()
    assert (f"Loaded the illustrative network (seed 2021: {len(actors)} actors, "
            f"{len(ties)} ties) into the sqlite store at {db}.") in result.output
    assert "The data is illustrative" in result.output
    got_actors, got_ties, meta, _ = content(db)
    assert len(got_actors) == len(actors)
    assert got_ties == [t.to_record() for t in ties]
    assert meta["illustrative"] == "true"


def test_second_run_reloads_the_same_content(tmp_path):
    db = tmp_path / "demo.db"
    assert run(db, "--no-serve").exit_code == 0
    *first, v1 = content(db)
    assert run(db, "--no-serve").exit_code == 0
    *second, v2 = content(db)
    assert second == first
    assert v2 > v1  # it did reload, and caches keyed on the version see it


def test_seed_option(tmp_path):
    db = tmp_path / "demo.db"
    assert run(db, "--no-serve", "--seed", "7").exit_code == 0
    actors, ties, meta, _ = content(db)
    assert meta["illustrative_seed"] == "7"
    assert ties == [t.to_record() for t in build_illustrative(7)[1]]


def test_refuses_a_store_with_user_data(tmp_path):
    db = tmp_path / "mine.db"
    s = SQLiteStore(db)
    s.upsert([Actor(id="mine", name="Casa Nuestra", kind="shelter", country="MX",
                    city="Tijuana")])
    s.close()
    before = content(db)
    result = run(db, "--no-serve")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: the sqlite store at {db} holds data that is not the illustrative "
        "network (1 actor); nothing was changed. Set GRAPHSVC_DB to another file to "
        "keep it, or add --replace to delete it and load the illustrative network.\n")
    assert content(db) == before


def test_replace_clears_user_data(tmp_path):
    db = tmp_path / "mine.db"
    s = SQLiteStore(db)
    s.upsert([Actor(id="mine", name="Casa Nuestra", kind="shelter", country="MX")])
    s.close()
    result = run(db, "--no-serve", "--replace")
    assert result.exit_code == 0, result.output
    actors, _, meta, _ = content(db)
    assert "mine" not in {a["id"] for a in actors}
    assert meta["illustrative"] == "true"


def test_demo_is_listed_with_help():
    result = CliRunner().invoke(main, ["--help"])
    assert "demo" in result.output
    result = CliRunner().invoke(main, ["demo", "--help"])
    assert result.exit_code == 0
    for option in ("--no-serve", "--seed", "--replace", "--host", "--port"):
        assert option in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_serves_the_illustrative_home_page(tmp_path):
    db = tmp_path / "demo.db"
    port = _free_port()
    env = dict(os.environ, GRAPHSVC_DB=str(db), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "graphsvc", "demo", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        # Wait until the server answers; the deadline only guards a hang.
        deadline = time.monotonic() + 120
        page = None
        while page is None:
            if proc.poll() is not None:
                pytest.fail(f"demo exited with {proc.returncode}: {proc.stdout.read()}")
            if time.monotonic() > deadline:
                pytest.fail("demo did not answer on its port")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    page = r.read().decode()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                # (a first page still computing on a loaded machine: ask again)
                time.sleep(0.2)
        text = " ".join(re.sub(r"<[^>]+>", " ", page).split())  # what a reader sees
        assert "Illustrative network" in text
        # Demo publishes the public view: no account needed, restricted actors
        # neither shown nor counted.
        assert "Public view: restricted records are hidden." in text
        actors = build_illustrative()[0]
        n_public = sum(a.visibility == "public" for a in actors)
        assert 0 < n_public < len(actors)
        assert f"{n_public} actors" in text
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"into the sqlite store at {db}" in out
    assert f"http://127.0.0.1:{port}/" in out
    assert "graphsvc users create-admin --username NAME" in out
