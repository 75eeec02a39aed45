"""Screenshots of the main pages for the README (docs/screenshots/).

Serves the app over a small seeded synthetic graph (labelled illustrative)
and captures each page in headless Chromium.

    python scripts/screenshots.py [--out docs/screenshots]
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from werkzeug.serving import make_server  # noqa: E402

from graphsvc.service import GraphService  # noqa: E402
from graphsvc.stores.sqlite import SQLiteStore  # noqa: E402
from graphsvc.web import create_app  # noqa: E402


def analyst_token(app) -> str:
    """An API token for a throwaway analyst: pages need an account, and a
    token header signs in every request the browser makes."""
    accounts = app.extensions["graphsvc.accounts"]
    accounts.create_user("analyst", "analyst-password", "analyst", by="script")
    return accounts.create_token("analyst", by="script", name="script")[0]
from synthetic_graph import fill  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = [("dashboard", "/", "en-US"), ("actors", "/actors?country=MX", "en-US"),
         ("actor", "/actors/a3", "en-US"), ("map", "/map", "en-US"),
         ("map-ego-es", "/map?ego=a3&depth=2", "es-MX"), ("dashboard-es", "/", "es-MX"),
         ("introductions", "/actors/a3/introductions?mode=open&limit=4", "en-US"),
         ("introductions-plan-es", "/introductions/plan?k=4", "es-MX")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--nodes", type=int, default=80)
    opts = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        store = fill(SQLiteStore(Path(tmp) / "shots.db"), opts.nodes, seed=3)
        app = create_app({"DB": str(Path(tmp) / "shots.db")}, service=GraphService(store))
        auth = {"Authorization": "Bearer " + analyst_token(app)}
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, path, locale in SHOTS:
                context = browser.new_context(locale=locale, extra_http_headers=auth,
                                              viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + path)
                if page.locator(".graph-map").count():
                    page.wait_for_selector(".graph-map[data-drawn='true']", state="attached")
                page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                print(out / f"{name}.png")
                context.close()
            browser.close()
        server.shutdown()
        store.close()


if __name__ == "__main__":
    main()
