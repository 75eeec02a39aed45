"""How long the web's introduction and transfer pages take to answer.

Usage: python scripts/bench_web_reports.py [--runs 5] [--actors 2000]

Serves nothing: requests go through Flask's test client against a real
SQLite store, once on the illustrative network and once on a synthetic
network of ``--actors`` actors. The first request on a store version builds
the snapshot and the introductions index; the figures after it are what a
facilitator waits for on an unchanged graph. Prints median, min and max per
page over ``--runs`` runs (timings depend on the machine).
"""
from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from web_bench_client import signed_in_client, time_pages  # noqa: E402

from graphsvc.illustrative import load_illustrative  # noqa: E402
from graphsvc.service import GraphService  # noqa: E402
from graphsvc.stores.sqlite import SQLiteStore  # noqa: E402
from graphsvc.synthetic import fill_store  # noqa: E402
from graphsvc.web import create_app  # noqa: E402


def pages(actor: str) -> list[tuple[str, str]]:
    return [
        ("profile (with 5 suggestions)", f"/actors/{actor}"),
        ("introductions report", f"/actors/{actor}/introductions?mode=open"),
        ("introductions report CSV", f"/actors/{actor}/introductions.csv?mode=open"),
        ("plan k=10 (policymaker_reach)", "/introductions/plan?k=10"),
        ("plan k=10 (community_bridges)", "/introductions/plan?k=10&goal=community_bridges"),
        ("export JSON", "/export/json"),
        ("export CSV zip", "/export/csv"),
        ("export GraphML", "/export/graphml"),
    ]



def bench(label: str, store: SQLiteStore, db: Path, actor: str, runs: int) -> None:
    app = create_app({"DB": str(db)}, service=GraphService(store),
                     single_process=True)
    client = signed_in_client(app, "editor")
    counts = store.counts()
    print(f"\n{label}: {counts}; {runs} runs after one warm-up request each")
    time_pages(client, pages(actor), runs, width=32)
    # an import of 200 new actors, checked and written (the store changes each run)
    xs = []
    for i in range(runs):
        rows = "".join(f"bench{i}_{k},Bench {i} {k},cso,MX,Tijuana\n" for k in range(200))
        data = {"actors": (io.BytesIO(("id,name,kind,country,city\n" + rows).encode()),
                           "bench.csv")}
        t = time.perf_counter()
        r = client.post("/import", data=data, content_type="multipart/form-data")
        xs.append(time.perf_counter() - t)
        assert r.status_code == 200, r.status_code
    print(f"  {'import 200 actors (CSV upload)':>32}: median "
          f"{statistics.median(xs) * 1000:8.1f} ms, min {min(xs) * 1000:8.1f}, "
          f"max {max(xs) * 1000:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--actors", type=int, default=2000)
    opts = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ill.db"
        store = SQLiteStore(db)
        load_illustrative(store)
        actor = next(a.id for a in store.find_actors() if a.kind == "shelter")
        bench("illustrative network", store, db, actor, opts.runs)
        store.close()
        db = Path(tmp) / "syn.db"
        store = fill_store(SQLiteStore(db), opts.actors, seed=1)
        bench(f"synthetic network ({opts.actors} actors)", store, db, "a3", opts.runs)
        store.close()


if __name__ == "__main__":
    main()
