"""The dashboard and the communities page in headless Chromium after a write:
each shows the previous numbers with a notice, then the new ones by itself,
with no reload by hand (the self-hosted refresh.js, allowed by the
Content-Security-Policy)."""
import pytest

from auth_helpers import PASSWORD
from browser_support import LiveServer, needs_chromium, new_watch, sign_in_browser
from graphsvc.background import DELAY_VARIABLE
from graphsvc.model import Tie
from graphsvc.stores.sqlite import SQLiteStore
from web_support import fill, make_app

pytestmark = [pytest.mark.browser, needs_chromium]


def test_dashboard_shows_new_numbers_by_itself(tmp_path, browser, monkeypatch):
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    app = make_app(store, path)
    app.extensions["graphsvc.accounts"].create_user("analyst1", PASSWORD, "analyst", by="t")
    with LiveServer(app) as server:
        state = sign_in_browser(browser, server.url, "analyst1", PASSWORD)
        w = new_watch(browser, storage_state=state)
        w.page.goto(server.url + "/")
        ties = int(w.page.locator(".counts .big").nth(1).inner_text())
        monkeypatch.setenv(DELAY_VARIABLE, "2")
        store.upsert([], [Tie(source="isolated", target="script", kind="formal")])
        w.page.goto(server.url + "/")
        assert w.page.locator("p.updating").count() == 1  # previous numbers, said so
        assert int(w.page.locator(".counts .big").nth(1).inner_text()) == ties
        # no reload by hand: the page reloads itself once the numbers are ready
        w.page.wait_for_selector("p.updating", state="detached", timeout=30_000)
        w.page.wait_for_load_state()
        assert int(w.page.locator(".counts .big").nth(1).inner_text()) == ties + 1
        w.assert_clean()
    store.close()


def test_communities_page_shows_new_partition_by_itself(tmp_path, browser, monkeypatch):
    """The same on another analysis page: the isolated actor's community of
    one disappears once the new partition is ready."""
    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    app = make_app(store, path)
    app.extensions["graphsvc.accounts"].create_user("analyst1", PASSWORD, "analyst", by="t")
    with LiveServer(app) as server:
        state = sign_in_browser(browser, server.url, "analyst1", PASSWORD)
        w = new_watch(browser, storage_state=state)
        w.page.goto(server.url + "/communities")
        rows = w.page.locator("table.communities tbody tr").count()
        monkeypatch.setenv(DELAY_VARIABLE, "2")
        store.upsert([], [Tie(source="isolated", target="script", kind="formal")])
        w.page.goto(server.url + "/communities")
        assert w.page.locator("p.updating").count() == 1
        assert w.page.locator("table.communities tbody tr").count() == rows
        w.page.wait_for_selector("p.updating", state="detached", timeout=30_000)
        w.page.wait_for_load_state()
        assert w.page.locator("table.communities tbody tr").count() == rows - 1
        w.assert_clean()
    store.close()
