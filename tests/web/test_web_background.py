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


def _slow_write(store, monkeypatch):
    """A write that changes every analysis below (the isolated actor gets a
    tie to ``script``), with the background computation made slow."""
    monkeypatch.setenv(DELAY_VARIABLE, "1.5")
    store.upsert([], [Tie(source="isolated", target="script", kind="formal")])


def _marked_updating(response, version):
    assert response.status_code == 200
    assert response.json["analyses"] == {"version": version, "current_version": version + 1,
                                         "updating": True}
    assert response.headers["X-Analyses-Updating"] == "true"
    assert response.headers["X-Analyses-Version"] == str(version)


def _page_says_updating(client, url, api_url, version):
    page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"These figures are from version {version} of the graph" in page
    assert f'data-refresh-when-fresh="{api_url}"' in page
    assert '<script src="/static/refresh.js"></script>' in page


def _page_is_current(client, url):
    page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "These figures are from version" not in page and "refresh.js" not in page


def _isolated_row(client):
    items = client.get("/api/v1/metrics?limit=500").json["items"]
    return next(i for i in items if i["id"] == "isolated")


def _csv_degree(client, actor_id):
    import csv
    import io

    r = client.get("/api/v1/metrics.csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.get_data(as_text=True)))}
    return r, rows[actor_id]["degree"]


def test_metrics_table_and_csv_answer_with_previous_numbers_then_new(tmp_path, monkeypatch):
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    client = signed_in(make_app(store, path), "analyst")
    first = client.get("/api/v1/metrics?limit=500")
    version = first.json["analyses"]["version"]
    assert _isolated_row(client)["degree"] == 0  # no tie yet (web_support.TIES)
    _slow_write(store, monkeypatch)
    during = client.get("/api/v1/metrics?limit=500")
    _marked_updating(during, version)
    assert _isolated_row(client)["degree"] == 0  # the previous version's table
    r, degree = _csv_degree(client, "isolated")
    assert degree == "0" and r.headers["X-Analyses-Updating"] == "true"
    after = _until_fresh(client, "/api/v1/metrics?limit=500")
    assert after.headers["X-Analyses-Updating"] == "false"
    assert _isolated_row(client)["degree"] == 1  # the new tie
    r, degree = _csv_degree(client, "isolated")
    assert degree == "1" and r.headers["X-Analyses-Version"] == str(version + 1)
    store.close()


def _node_size(body, actor_id):
    return next(n["size"] for n in body["nodes"] if n["id"] == actor_id)


def test_map_sized_by_betweenness_shows_previous_sizes_then_new(tmp_path, monkeypatch):
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    client = signed_in(make_app(store, path), "analyst")
    api = "/api/v1/map?size_by=betweenness"
    first = client.get(api)
    version = first.json["analyses"]["version"]
    before = _node_size(first.json, "script")  # on no shortest path yet: smallest size
    _slow_write(store, monkeypatch)
    during = client.get(api)
    _marked_updating(during, version)
    assert _node_size(during.json, "script") == before
    _page_says_updating(client, "/map?size_by=betweenness", api, version)
    after = _until_fresh(client, api)
    assert _node_size(after.json, "script") > before  # now the isolated actor's way in
    _page_is_current(client, "/map?size_by=betweenness")
    store.close()


def test_communities_answer_with_previous_partition_then_new(tmp_path, monkeypatch):
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    client = signed_in(make_app(store, path), "analyst")
    first = client.get("/api/v1/communities")
    version, count = first.json["analyses"]["version"], first.json["count"]
    alone = [c for c in first.json["items"] if c["members"] == ["isolated"]]
    assert len(alone) == 1  # the isolated actor is a community of its own
    _slow_write(store, monkeypatch)
    during = client.get("/api/v1/communities")
    _marked_updating(during, version)
    assert during.json["count"] == count and during.json["items"] == first.json["items"]
    _page_says_updating(client, "/communities", "/api/v1/communities", version)
    es = client.get("/communities?lang=es").get_data(as_text=True)
    assert f"Estas cifras son de la versión {version} del grafo" in es
    after = _until_fresh(client, "/api/v1/communities")
    assert after.json["count"] == count - 1  # it joined its new contact's community
    assert not [c for c in after.json["items"] if c["members"] == ["isolated"]]
    _page_is_current(client, "/communities")
    store.close()


def _metric(body, name):
    return next(m["value"] for m in body["metrics"] if m["name"] == name)


def test_actor_profile_metrics_and_paths_previous_then_new(tmp_path, monkeypatch):
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    client = signed_in(make_app(store, path), "analyst")
    api = "/api/v1/actors/isolated"
    first = client.get(api)
    version = first.json["analyses"]["version"]
    assert _metric(first.json, "degree") == 0
    assert all(r["path"] == [] for r in first.json["influence"])  # reaches nobody
    _slow_write(store, monkeypatch)
    during = client.get(api)
    _marked_updating(during, version)
    assert _metric(during.json, "degree") == 0
    assert during.json["influence"] == first.json["influence"]
    _page_says_updating(client, "/actors/isolated", api, version)
    after = _until_fresh(client, api)
    assert _metric(after.json, "degree") == 1
    funders = next(r for r in after.json["influence"]
                   if r["targets"] == "funders" and r["route"] == "shortest")
    assert [s["id"] for s in funders["path"]][:2] == ["isolated", "script"]
    _page_is_current(client, "/actors/isolated")
    store.close()


def test_fresh_waits_on_every_surface(tmp_path, monkeypatch):
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    client = signed_in(make_app(store, path), "analyst")
    urls = ["/api/v1/metrics?limit=500", "/api/v1/map?size_by=betweenness",
            "/api/v1/communities", "/api/v1/actors/isolated"]
    for url in urls:
        client.get(url)
    monkeypatch.setenv(DELAY_VARIABLE, "0.3")
    store.upsert([], [Tie(source="isolated", target="script", kind="formal")])
    for url in urls:
        sep = "&" if "?" in url else "?"
        r = client.get(f"{url}{sep}fresh=1")
        assert r.json["analyses"]["updating"] is False, url
        assert r.json["analyses"]["version"] == store.version(), url
    assert _metric(client.get("/api/v1/actors/isolated").json, "degree") == 1
    store.close()
