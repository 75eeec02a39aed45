"""Headless Chromium against the app served on a free loopback port.

Every page records what leaves it: requests to any host but 127.0.0.1 are
recorded and aborted (the app must work offline), console errors, page
errors, and dialogs (an ``alert`` means injected script ran). An init script
also sets ``window.__xssFired`` if alert, confirm or prompt is called.
"""
from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"headless Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")

_TRAP = """
window.__xssFired = false;
for (const name of ["alert", "confirm", "prompt"]) {
  const original = window[name];
  window[name] = function () {
    window.__xssFired = true;
    return original.apply(window, arguments);
  };
}
"""


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join()


class PageWatch:
    """A page with everything it did recorded."""

    def __init__(self, context):
        self.requests, self.external, self.console_errors = [], [], []
        self.page_errors, self.dialogs = [], []
        self.page = context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self):
        assert not self.external, f"requests left localhost: {self.external}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.page_errors, f"page errors: {self.page_errors}"
        assert not self.dialogs, f"dialogs opened (script ran): {self.dialogs}"
        assert self.page.evaluate("window.__xssFired") is False


def new_watch(browser, locale="en-US", viewport=(1400, 1000), storage_state=None) -> PageWatch:
    """A watched page in a new browser context; ``storage_state`` (from
    :func:`sign_in_browser`) makes it start signed in."""
    context = browser.new_context(locale=locale, storage_state=storage_state,
                                  viewport={"width": viewport[0], "height": viewport[1]})
    context.add_init_script(_TRAP)
    watch_box = {}

    def route(route):
        url = urlsplit(route.request.url)
        if url.scheme not in ("file", "data") and url.hostname != "127.0.0.1":
            watch_box["w"].external.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", route)
    watch = PageWatch(context)
    watch_box["w"] = watch
    return watch


def sign_in_browser(browser, url, username, password, locale="en-US") -> dict:
    """Sign in through the real sign-in form; the signed-in browser state
    (its cookies), for :func:`new_watch`."""
    w = new_watch(browser, locale=locale)
    w.page.goto(url + "/login")
    w.page.fill("#username", username)
    w.page.fill("#password", password)
    w.page.click("button[type=submit]")
    w.page.wait_for_url(url + "/")
    w.assert_clean()
    state = w.page.context.storage_state()
    w.page.context.close()
    return state


def illustrative_viewer_server(tmp_path_factory, browser, name: str, role: str = "viewer"):
    """Serve the illustrative network on a real store, signed in as a viewer
    (who sees the graph without its restricted records) or another ``role``:
    yields the :class:`LiveServer` with ``app`` and the browser ``state`` of
    the session. For module-scoped fixtures:
    ``yield from illustrative_viewer_server(...)``."""
    from auth_helpers import PASSWORD
    from graphsvc.illustrative import load_illustrative
    from graphsvc.stores.sqlite import SQLiteStore
    from web_support import make_app

    path = tmp_path_factory.mktemp(name) / "graph.db"
    store = SQLiteStore(path)
    load_illustrative(store)
    app = make_app(store, path)
    app.extensions["graphsvc.accounts"].create_user(f"{role}1", PASSWORD, role, by="test")
    with LiveServer(app) as server:
        server.app = app
        server.state = sign_in_browser(browser, server.url, f"{role}1", PASSWORD)
        yield server
    store.close()
    app.extensions["graphsvc.accounts"].close()
