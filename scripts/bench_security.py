"""What the security layer costs per sign-in and per request.

Usage: python scripts/bench_security.py [runs]

Prints, over several runs: an Argon2id hash and a sign-in with argon2-cffi's
default parameters (the cost a password guesser pays too), the per-request
session check and API-token lookup in the accounts file, and a viewer's
snapshot of the illustrative network through GraphView (first call after a
store change, then cached) beside the analyst's.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphsvc.access import GraphView
from graphsvc.auth import Accounts
from graphsvc.illustrative import load_illustrative
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore

PASSWORD = "correct horse battery"


def timed(f, n: int = 1) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        f()
    return (time.perf_counter() - t0) / n


def main(runs: int = 5) -> None:
    rows: dict[str, list[float]] = {}

    def add(name, seconds):
        rows.setdefault(name, []).append(seconds)

    with tempfile.TemporaryDirectory() as d:
        acc = Accounts(Path(d) / "accounts.db", login_limit="1000 per minute")
        user = acc.create_user("bench", PASSWORD, "viewer", by="bench")
        analyst = acc.create_user("bench2", PASSWORD, "analyst", by="bench")
        sid = acc.start_session(user)
        token, _ = acc.create_token("bench", by="bench")
        store = SQLiteStore(Path(d) / "graph.db")
        load_illustrative(store)
        service = GraphService(store)
        for _ in range(runs):
            add("argon2id hash (default parameters)", timed(lambda: acc.hasher.hash(PASSWORD)))
            add("sign-in (authenticate)", timed(lambda: acc.authenticate("bench", PASSWORD)))
            add("session check per request", timed(
                lambda: acc.session_user(sid, user.id, 1800), 1000))
            add("API token lookup per request", timed(lambda: acc.user_for_token(token), 1000))
            store.set_meta("bench", str(time.time()))  # a new version: caches start cold
            viewer_view = GraphView(service, user.principal(), acc)
            add("viewer snapshot, first after a change", timed(viewer_view.snapshot))
            add("viewer snapshot, cached", timed(viewer_view.snapshot, 100))
            analyst_view = GraphView(service, analyst.principal(), acc)
            add("analyst snapshot, first after a change", timed(analyst_view.snapshot))
        G = GraphView(service, user.principal(), acc).snapshot()
        F = GraphView(service, analyst.principal(), acc).snapshot()
        store.close()
        acc.close()
    print(f"{runs} runs; illustrative network: analyst sees {F.number_of_nodes()} actors, "
          f"{F.number_of_edges()} ties; viewer {G.number_of_nodes()}, {G.number_of_edges()}")
    for name, xs in rows.items():
        print(f"{name:42s} median {statistics.median(xs) * 1000:8.3f} ms   "
              f"min {min(xs) * 1000:8.3f}   max {max(xs) * 1000:8.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
