"""How long the web's analysis pages take to answer, cold and cached.

Usage: python scripts/bench_web_analyses.py [--runs 5] [--actors 2000 10000]

Requests go through Flask's test client, as a viewer, against a real
SQLite store: the illustrative network, then synthetic networks of each
``--actors`` size. "first" is the first request on a store version: the
first page computes what it needs (the per-actor table, indicators, Louvain)
and caches it by (version, restricted, parameters); the median over
``--runs`` later requests is what a reader waits for on an unchanged graph.
Timings depend on the machine.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from graphsvc.illustrative import load_illustrative  # noqa: E402
from graphsvc.service import GraphService  # noqa: E402
from graphsvc.stores.sqlite import SQLiteStore  # noqa: E402
from graphsvc.web import create_app  # noqa: E402
from synthetic_graph import fill  # noqa: E402


def pages(actor: str) -> list[tuple[str, str]]:
    return [
        ("dashboard (cold: table, indicators)", "/"),
        ("dashboard API", "/api/v1/dashboard"),
        ("actor profile", f"/actors/{actor}"),
        ("metrics API (50 rows)", "/api/v1/metrics?sort=-betweenness"),
        ("metrics CSV", "/api/v1/metrics.csv"),
        ("brokerage by country", "/api/v1/brokerage"),
        ("brokerage by community", "/api/v1/brokerage?group_by=community"),
        ("communities", "/api/v1/communities"),
        ("indicators", "/api/v1/indicators"),
        ("map API sized by betweenness", "/api/v1/map?size_by=betweenness"),
        ("map page by community", "/map?color_by=community&size_by=pagerank"),
    ]


def viewer_token(app) -> str:
    accounts = app.extensions["graphsvc.accounts"]
    accounts.create_user("bench", "bench-password", "viewer", by="script")
    return accounts.create_token("bench", by="script", name="script")[0]


def bench(label: str, store: SQLiteStore, db: Path, actor: str, runs: int) -> None:
    app = create_app({"DB": str(db)}, service=GraphService(store))
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + viewer_token(app)
    print(f"\n{label}: {store.counts()}; {runs} runs after the first request each")
    for name, path in pages(actor):
        t = time.perf_counter()
        r = client.get(path)
        first = time.perf_counter() - t
        assert r.status_code == 200, (path, r.status_code)
        xs = []
        for _ in range(runs):
            t = time.perf_counter()
            client.get(path)
            xs.append(time.perf_counter() - t)
        print(f"  {name:>36}: first {first * 1000:9.1f} ms; median "
              f"{statistics.median(xs) * 1000:8.1f} ms, min {min(xs) * 1000:8.1f}, "
              f"max {max(xs) * 1000:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--actors", type=int, nargs="*", default=[2000])
    opts = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ill.db"
        store = SQLiteStore(db)
        load_illustrative(store)
        actor = next(a.id for a in store.find_actors() if a.kind == "shelter")
        bench("illustrative network", store, db, actor, opts.runs)
        store.close()
        for n in opts.actors:
            db = Path(tmp) / f"syn{n}.db"
            store = fill(SQLiteStore(db), n, seed=1)
            bench(f"synthetic network ({n} actors)", store, db, "a3", opts.runs)
            store.close()


if __name__ == "__main__":
    main()
