"""How long a large map takes to become interactive in headless Chromium.

Builds a seeded synthetic graph (2,000 actors by default) in a temporary
SQLite store, serves the app on a loopback port and, for each run, opens the
map page in a fresh browser context and reads the time from navigation start
to vis-network's first complete drawing (physics is off, so the map is
interactive from then on). The first request also pays for the server-side
layout; later ones hit the layout cache, as any visitor after the first does.

    python scripts/bench_map.py [--nodes 2000] [--runs 5]
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).parent)]

from werkzeug.serving import make_server  # noqa: E402

from graphsvc.service import GraphService  # noqa: E402
from graphsvc.stores.sqlite import SQLiteStore  # noqa: E402
from graphsvc.synthetic import fill_store  # noqa: E402
from graphsvc.web import create_app  # noqa: E402


def analyst_token(app) -> str:
    """An API token for a throwaway analyst: pages need an account, and a
    token header signs in every request the browser makes."""
    accounts = app.extensions["graphsvc.accounts"]
    accounts.create_user("analyst", "analyst-password", "analyst", by="script")
    return accounts.create_token("analyst", by="script", name="script")[0]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    opts = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        store = fill_store(SQLiteStore(Path(tmp) / "bench.db"), opts.nodes, opts.seed)
        counts = store.counts()
        app = create_app({"DB": str(Path(tmp) / "bench.db")}, service=GraphService(store),
                     single_process=True)
        auth = {"Authorization": "Bearer " + analyst_token(app)}
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}/map"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"graph: {counts['actors']} actors, {counts['ties']} ties")

        server_times = []
        for _ in range(opts.runs):
            t = time.perf_counter()
            html = urllib.request.urlopen(urllib.request.Request(url, headers=auth)).read()
            server_times.append(time.perf_counter() - t)
        print(f"server: first map page (layout computed) {server_times[0]:.2f} s; "
              f"cached {statistics.median(server_times[1:]):.2f} s median; "
              f"HTML {len(html) / 1e6:.1f} MB")

        drawn, placing = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for run in range(1, opts.runs + 1):
                context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                              extra_http_headers=auth)
                page = context.new_page()
                page.goto(url, wait_until="commit")
                page.wait_for_selector("#map[data-drawn='true']", state="attached",
                                       timeout=120_000)
                ms, nodes = page.evaluate(
                    "[window.graphsvcMapDrawnAt, window.graphsvcMaps.map.body.nodeIndices.length]")
                drawn.append(ms / 1000)
                # placing the names of one view (done after every zoom or pan)
                place_ms, labels = page.evaluate("""() => {
                    const m = window.graphsvcMapParts.map, times = [];
                    for (let i = 0; i < 20; i++) {
                        const t = performance.now(); m.labels.choose();
                        times.push(performance.now() - t); }
                    times.sort((a, b) => a - b);
                    return [times[10], m.labels.placed.length]; }""")
                placing.append(place_ms)
                print(f"run {run}: drawn and interactive {ms / 1000:.2f} s after "
                      f"navigation start ({nodes} nodes); names placed in "
                      f"{place_ms:.1f} ms ({labels} names)")
                context.close()
            browser.close()
        server.shutdown()
        store.close()
    print(f"median {statistics.median(drawn):.2f} s, min {min(drawn):.2f} s, "
          f"max {max(drawn):.2f} s over {len(drawn)} runs; placing the names of one "
          f"view: median {statistics.median(placing):.1f} ms "
          f"({min(placing):.1f}-{max(placing):.1f})")


if __name__ == "__main__":
    main()
