"""Deployment safety: every worker draws the same map (no hash-seed
dependence), and a multi-worker server refuses to start without a
configured SECRET_KEY (each worker would otherwise sign its own sessions)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from graphsvc.illustrative import load_illustrative
from graphsvc.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: the map an analyst gets, in the order it is sent.
MAP_SCRIPT = """
import json, sys
sys.path.insert(0, {support!r})
from auth_helpers import make_accounts, PASSWORD
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.web import create_app
db = {db!r}
accounts = make_accounts(db.replace(".db", ".accounts.db"))
if accounts.find_user("analyst1") is None:
    accounts.create_user("analyst1", PASSWORD, "analyst", by="test")
token, _ = accounts.create_token("analyst1", by="test")
app = create_app({{"DB": db, "TESTING": True}}, service=GraphService(SQLiteStore(db)),
                 accounts=accounts)
out = {{}}
for query in {queries!r}:
    body = app.test_client().get("/api/v1/map?" + query,
                                 headers={{"Authorization": "Bearer " + token}}).get_json()
    out[query] = {{"nodes": [(n["id"], n["x"], n["y"]) for n in body["nodes"]],
                  "edges": [(e["id"], e["from"], e["to"]) for e in body["edges"]]}}
print(json.dumps(out))
"""


def test_maps_are_identical_across_hash_seeds(tmp_path):
    db = tmp_path / "graph.db"
    store = SQLiteStore(db)
    load_illustrative(store)
    ego = sorted(store.snapshot().degree, key=lambda d: (-d[1], d[0]))[0][0]
    store.close()
    queries = [f"ego={ego}&depth=1", f"ego={ego}&depth=2", "country=MX", ""]
    script = MAP_SCRIPT.format(support=str(ROOT / "tests" / "support"), db=str(db),
                               queries=queries)
    outputs = []
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True,
                              text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr
        outputs.append(json.loads(proc.stdout))
    for query in queries:
        assert outputs[0][query]["nodes"], query
        assert outputs[1][query] == outputs[0][query], query
        assert outputs[2][query] == outputs[0][query], query


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("env_name", ["development", "production"])
def test_gunicorn_refuses_to_start_without_a_secret_key(tmp_path, env_name):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHSVC_")}
    env.update({"GRAPHSVC_DB": str(tmp_path / "graph.db"), "GRAPHSVC_ENV": env_name,
                "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)})
    proc = subprocess.run([sys.executable, "-m", "gunicorn", "--workers", "2",
                           "--bind", f"127.0.0.1:{_free_port()}", "app:app"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr
    assert "Booting worker" not in proc.stderr or "Worker failed to boot" in proc.stderr
