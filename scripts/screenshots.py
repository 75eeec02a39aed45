"""Screenshots of the main pages for the README and the manual (docs/screenshots/).

Serves the app over the illustrative network (graphsvc.illustrative: an
invented network, labelled as such on every page) as a viewer, so no
restricted record appears, and captures each page in headless Chromium.
The profile and introductions shown are those of the Mexican civil-society
actor who brokers most across countries.

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

from graphsvc.illustrative import load_illustrative  # noqa: E402
from graphsvc.queries.metrics import actor_metrics  # noqa: E402
from graphsvc.service import GraphService  # noqa: E402
from graphsvc.stores.sqlite import SQLiteStore  # noqa: E402
from graphsvc.web import create_app  # noqa: E402


def viewer_token(app) -> str:
    """An API token for a throwaway viewer: pages need an account, and a
    token header signs in every request the browser makes."""
    accounts = app.extensions["graphsvc.accounts"]
    accounts.create_user("viewer", "viewer-password", "viewer", by="script")
    return accounts.create_token("viewer", by="script", name="script")[0]


def editor_token(app) -> str:
    """An API token for a throwaway editor (the editing forms)."""
    accounts = app.extensions["graphsvc.accounts"]
    accounts.create_user("editor", "editor-password", "editor", by="script")
    return accounts.create_token("editor", by="script", name="script")[0]


def tie_form(page) -> None:
    """The tie form with the picker open: a name typed without accents."""
    page.select_option("#f-kind", "formal")
    page.fill("#f-subtype", "mou")
    page.type("#f-other_name", "migracion", delay=40)
    page.wait_for_selector("#picker-list li", state="visible")


def featured_actor(service: GraphService) -> str:
    """The Mexican civil-society actor with the most Gould-Fernandez
    brokerage across countries (in the public graph)."""
    table = actor_metrics(service.snapshot(include_restricted=False), seed=0)
    mx = table[(table["country"] == "MX")
               & table["kind"].isin(["cso", "shelter", "faith_based", "migrant_led"])]
    return str(mx["brokerage_total"].idxmax())


ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = [("dashboard", "/", "en-US"), ("actors", "/actors?country=MX", "en-US"),
         ("actor", "/actors/{actor}", "en-US"), ("actor-es", "/actors/{actor}", "es-MX"),
         ("map", "/map?size_by=betweenness&color_by=community", "en-US"),
         ("map-focus", "/map?focus=ex-asociacion-ejemplo-pelicano&to=us_policymakers", "en-US"),
         ("map-ego-es", "/map?ego={actor}&depth=2", "es-MX"), ("dashboard-es", "/", "es-MX"),
         ("communities", "/communities", "en-US"),
         ("introductions", "/actors/{actor}/introductions?mode=policymaker&limit=4", "en-US"),
         ("introductions-plan-es", "/introductions/plan?k=4", "es-MX"),
         ("introductions-menu-es", "/introductions?q=ejemplo", "es-MX"),
         ("tie-form-es", "/actors/{actor}/ties/new", "es-MX")]
#: Shots taken as an editor, with what to do on the page before the shot.
EDITOR_SHOTS = {"tie-form-es": tie_form}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="*", help="Only these shots (by name).")
    opts = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "shots.db")
        load_illustrative(store)
        service = GraphService(store)
        app = create_app({"DB": str(Path(tmp) / "shots.db")}, service=service,
                         single_process=True)
        auth = {"Authorization": "Bearer " + viewer_token(app)}
        editor = {"Authorization": "Bearer " + editor_token(app)}
        actor = featured_actor(service)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, path, locale in SHOTS:
                if opts.only and name not in opts.only:
                    continue
                headers = editor if name in EDITOR_SHOTS else auth
                context = browser.new_context(locale=locale, extra_http_headers=headers,
                                              viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + path.format(actor=actor))
                if name in EDITOR_SHOTS:
                    EDITOR_SHOTS[name](page)
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
