"""Analyses after a write: the previous numbers at once, marked updating, then
the new ones; one computation per key across real processes.

Real parts: a real SQLite store and the full app; the analysis is made slow
by the documented hook ``GRAPHSVC_ANALYSIS_DELAY`` (every background
computation sleeps that long before it starts), and the processes are real
Python processes sharing one store file and one results file.
"""
import os
import subprocess
import sys
import textwrap
import time

from graphsvc.background import DELAY_VARIABLE
from graphsvc.model import Tie
from graphsvc.stores.sqlite import SQLiteStore
from web_support import fill, make_app, signed_in


def _until_fresh(client, url, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = client.get(url)
        if not r.json["analyses"]["updating"]:
            return r
        time.sleep(0.1)
    raise AssertionError(f"{url} still updating after {timeout} s")


def test_dashboard_answers_with_previous_numbers_while_updating_then_new(tmp_path,
                                                                          monkeypatch):
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    app = make_app(store, path)
    client = signed_in(app, "analyst")
    first = client.get("/api/v1/dashboard")
    assert first.json["analyses"]["updating"] is False
    ties, version = first.json["counts"]["ties"], first.json["analyses"]["version"]
    brokers = first.json["top_brokers"]

    monkeypatch.setenv(DELAY_VARIABLE, "1.5")  # the new analysis is slow
    # a write that changes the figures: the isolated actor gets a tie
    store.upsert([], [Tie(source="isolated", target="script", kind="formal")])
    during = client.get("/api/v1/dashboard")
    assert during.status_code == 200
    assert during.json["counts"]["ties"] == ties  # the previous version's numbers
    assert during.json["top_brokers"] == brokers
    assert during.json["analyses"] == {"version": version, "current_version": version + 1,
                                       "updating": True}
    assert during.headers["X-Analyses-Updating"] == "true"
    assert during.headers["X-Analyses-Version"] == str(version)
    # the page says so, and carries the self-hosted script that reloads it
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"These figures are from version {version} of the graph" in page
    assert 'data-refresh-when-fresh="/api/v1/dashboard"' in page
    assert '<script src="/static/refresh.js"></script>' in page
    es = client.get("/?lang=es").get_data(as_text=True)
    assert f"Estas cifras son de la versión {version} del grafo" in es
    assert client.get("/static/refresh.js").status_code == 200

    after = _until_fresh(client, "/api/v1/dashboard")
    assert after.json["counts"]["ties"] == ties + 1  # the new numbers
    assert after.json["analyses"] == {"version": version + 1,
                                      "current_version": version + 1, "updating": False}
    assert after.headers["X-Analyses-Updating"] == "false"
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "These figures are from version" not in page and "refresh.js" not in page
    store.close()


def test_fresh_waits_for_the_current_numbers(tmp_path, monkeypatch):
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    app = make_app(store, path)
    client = signed_in(app, "analyst")
    ties = client.get("/api/v1/dashboard").json["counts"]["ties"]
    monkeypatch.setenv(DELAY_VARIABLE, "0.5")
    store.upsert([], [Tie(source="isolated", target="script", kind="formal")])
    r = client.get("/api/v1/dashboard?fresh=1")
    assert r.json["counts"]["ties"] == ties + 1
    assert r.json["analyses"]["updating"] is False
    store.close()


def test_a_viewer_is_not_shown_an_actor_restricted_since(tmp_path, monkeypatch):
    """Previous numbers are of a graph the viewer could see then; an actor
    made restricted since is left out of them at once."""
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    app = make_app(store, path)
    viewer = signed_in(app, "viewer")
    listed = {b["id"] for rows in viewer.get("/api/v1/dashboard").json["top_brokers"].values()
              if isinstance(rows, list) for b in rows}
    table = {i["id"] for i in viewer.get("/api/v1/metrics?limit=500").json["items"]}
    assert "unhcr" in listed and "unhcr" in table
    monkeypatch.setenv(DELAY_VARIABLE, "1")
    hidden = store.get_actor("unhcr").model_copy(update={"visibility": "restricted"})
    store.upsert([hidden], [])
    during = viewer.get("/api/v1/dashboard")
    assert during.json["analyses"]["updating"] is True
    listed = {b["id"] for rows in during.json["top_brokers"].values()
              if isinstance(rows, list) for b in rows}
    assert "unhcr" not in listed
    metrics = viewer.get("/api/v1/metrics?limit=500").json
    assert "unhcr" not in {i["id"] for i in metrics["items"]}
    assert "unhcr," not in viewer.get("/api/v1/metrics.csv").text
    store.close()


_WORKER = textwrap.dedent("""
    import os, sys, json
    from graphsvc.service import GraphService
    from graphsvc.stores.sqlite import SQLiteStore

    db, results, log, fresh = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    service = GraphService(SQLiteStore(db), {"ANALYSES_DB": results})

    def count(G):
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()}\\n")
        return G.number_of_edges()

    served = service.served(True, "tie_count", count, fresh=fresh)
    if served.updating:
        service.background.wait_idle(60)
        served = service.served(True, "tie_count", count)
    print(json.dumps({"value": served.value, "version": served.version,
                      "updating": served.updating}))
""")


def _processes(db, results, log, fresh, n=3):
    env = {**os.environ, DELAY_VARIABLE: "1"}
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(db), str(results), str(log),
                               "1" if fresh else "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(n)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outs.append(out.strip())
    return outs


def test_one_computation_per_key_across_processes(tmp_path):
    """Three processes (as gunicorn workers are) ask for one analysis at once:
    it is computed once, by one of them; the others read its result. After a
    write, the same again for the new version, each process first answering
    with the previous result (updating) and computing nothing itself unless
    it holds the key's lock."""
    import json

    db, results, log = tmp_path / "graph.db", tmp_path / "graph.analyses.db", tmp_path / "log"
    store = fill(SQLiteStore(db))
    ties = store.snapshot().number_of_edges()
    outs = [json.loads(o) for o in _processes(db, results, log, fresh=True)]
    assert all(o == {"value": ties, "version": store.version(), "updating": False}
               for o in outs)
    assert len(log.read_text().split()) == 1  # one computation

    store.upsert([], [Tie(source="isolated", target="script", kind="formal")])
    outs = [json.loads(o) for o in _processes(db, results, log, fresh=False)]
    assert all(o == {"value": ties + 1, "version": store.version(), "updating": False}
               for o in outs)
    assert len(log.read_text().split()) == 2  # one more, for the new version
    store.close()
