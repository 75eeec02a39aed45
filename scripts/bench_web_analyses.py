"""How long the web's analysis pages take to answer, cold and cached.

Usage: python scripts/bench_web_analyses.py [--runs 5] [--actors 2000 10000]

Requests go through Flask's test client, as a viewer, against a real
SQLite store: the illustrative network, then synthetic networks of each
``--actors`` size. "first" is the first request on a store version: the
first page computes what it needs (the per-actor table, indicators, Louvain)
and caches it by (version, restricted, parameters); the median over
``--runs`` later requests is what a reader waits for on an unchanged graph.
Then, ``--runs`` times, a tie is written and the first dashboard request
after the write is timed (it answers with the previous version's figures,
marked updating, while the new ones are computed in the background), and
how long until the API says the new figures are ready (polling
``/api/v1/dashboard`` every 50 ms). Wall times, median and min-max, and
the load average. Timings depend on the machine.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from web_bench_client import signed_in_client, time_pages  # noqa: E402

from graphsvc.illustrative import load_illustrative  # noqa: E402
from graphsvc.model import Tie  # noqa: E402
from graphsvc.service import GraphService  # noqa: E402
from graphsvc.stores.sqlite import SQLiteStore  # noqa: E402
from graphsvc.synthetic import fill_store  # noqa: E402
from graphsvc.web import create_app  # noqa: E402


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



def bench(label: str, store: SQLiteStore, db: Path, actor: str, runs: int) -> None:
    app = create_app({"DB": str(db)}, service=GraphService(store),
                     single_process=True)
    client = signed_in_client(app, "viewer")
    print(f"\n{label}: {store.counts()}; {runs} runs after the first request each")
    time_pages(client, pages(actor), runs, width=36)
    after_writes(store, client, runs)


def after_writes(store: SQLiteStore, client, runs: int) -> None:
    ids = [a.id for a in store.find_actors(limit=200)]
    first, ready = [], []
    for i in range(runs):
        store.upsert([], [Tie(source=ids[i], target=ids[-1 - i], kind="informal",
                              subtype=f"bench-{time.time_ns()}")])
        t0 = time.perf_counter()
        r = client.get("/")
        first.append(time.perf_counter() - t0)
        assert r.headers.get("X-Analyses-Updating") == "true", r.headers
        while client.get("/api/v1/dashboard").json["analyses"]["updating"]:
            time.sleep(0.05)
        ready.append(time.perf_counter() - t0)

    def fmt(xs):
        return f"median {statistics.median(xs):6.3f} s (min {min(xs):.3f}, max {max(xs):.3f})"
    print(f"{'first dashboard after a write':36} {fmt(first)}  (previous figures, updating)")
    print(f"{'  new figures ready after':36} {fmt(ready)}  (computed in the background)")
    print(f"  load average {os.getloadavg()[0]:.1f}")


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
            store = fill_store(SQLiteStore(db), n, seed=1)
            bench(f"synthetic network ({n} actors)", store, db, "a3", opts.runs)
            store.close()


if __name__ == "__main__":
    main()
