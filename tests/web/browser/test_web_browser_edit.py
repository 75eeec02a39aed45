"""An editor edits the graph in headless Chromium, in Spanish: adds an actor,
adds a formal and an informal tie to it (the other actor picked by name with
search-as-you-type) with evidence, edits one, ends one, deletes the actor,
restores it and merges two duplicates; each step is checked in the page and
in the store."""
import pytest

from auth_helpers import PASSWORD
from browser_support import LiveServer, needs_chromium, new_watch, sign_in_browser
from graphsvc.stores.sqlite import SQLiteStore
from web_support import fill, make_app

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def live(tmp_path_factory, browser):
    path = tmp_path_factory.mktemp("edit") / "graph.db"
    store = fill(SQLiteStore(path))
    app = make_app(store, path)
    app.extensions["graphsvc.accounts"].create_user("editor1", PASSWORD, "editor", by="test")
    with LiveServer(app) as server:
        server.store = store
        server.state = sign_in_browser(browser, server.url, "editor1", PASSWORD,
                                       locale="es-MX")
        yield server
    store.close()
    app.extensions["graphsvc.accounts"].close()


def pick(page, text, name):
    """Type part of a name in the picker and choose the suggestion."""
    page.fill("#f-other_name", "")
    page.type("#f-other_name", text, delay=30)
    option = page.locator("#picker-list li", has_text=name)
    option.first.wait_for(state="visible")
    option.first.dispatch_event("mousedown")


def test_an_editor_edits_the_graph_in_spanish(browser, live):
    w = new_watch(browser, locale="es-MX", storage_state=live.state)
    page, store = w.page, live.store

    # add an actor
    page.goto(live.url + "/actors")
    page.click("text=Agregar actor")
    assert page.locator("h1").inner_text() == "Agregar actor"
    page.fill("#f-name", "Frontera Digna")
    page.select_option("#f-kind", "cso")
    page.fill("#f-country", "MX")
    page.fill("#f-city", "Piedras Negras")
    page.select_option("#f-visibility", "public")
    page.fill("#f-reason", "conocida en la convocatoria de Saltillo")
    page.click("button:text('Guardar')")
    page.wait_for_url("**/actors/frontera_digna")
    assert page.locator("h1").inner_text() == "Frontera Digna"
    assert store.get_actor("frontera_digna").city == "Piedras Negras"

    # a formal tie, the other actor picked by name (accents and case ignored)
    page.click("text=Agregar un vínculo")
    pick(page, "unhc", "UNHCR")
    page.select_option("#f-kind", "formal")
    page.fill("#f-subtype", "mou")
    page.fill("input[name=evidence_url]", "https://example.org/convenio")
    page.fill("input[name=evidence_title]", "Convenio 2024")
    page.click("button:text('Guardar')")
    page.wait_for_url("**/actors/frontera_digna#ties")
    assert "Convenio 2024" in page.locator("td.evidence").first.inner_text()
    formal = store.get_tie("formal:frontera_digna--unhcr:mou")
    assert formal.evidence[0].url == "https://example.org/convenio"

    # an informal one with the same pair's other actor typed without accents
    page.click("text=Agregar un vínculo")
    pick(page, "ciudad de mexico", "Sin Fronteras")  # matches the city, accents ignored
    page.select_option("#f-kind", "informal")
    page.fill("#f-subtype", "workshop")
    page.fill("input[name=evidence_url]", "https://example.org/taller")
    page.click("button:text('Guardar')")
    page.wait_for_url("**/actors/frontera_digna#ties")
    assert store.get_tie("informal:frontera_digna--sinfronteras:workshop") is not None
    assert len(store.ties("frontera_digna")) == 2

    # edit one: a problem is shown beside its field, in Spanish, values kept
    row = page.locator("tr", has_text="UNHCR")
    row.locator("text=Editar").click()
    page.fill("#f-strength", "7")
    page.click("button:text('Guardar')")
    assert page.locator("#problem-strength").inner_text() == "Fuera de rango."
    assert page.input_value("#f-subtype") == "mou"
    page.fill("#f-strength", "0.8")
    page.click("button:text('Guardar')")
    page.wait_for_url("**/actors/frontera_digna#ties")
    assert store.get_tie("formal:frontera_digna--unhcr:mou").strength == 0.8

    # end the informal one
    page.locator("tr", has_text="Sin Fronteras").locator("text=Terminar este vínculo").click()
    page.fill("#f-until", "2025-03-31")
    page.click("button:text('Terminar este vínculo')")
    # no longer in force today: the profile shows it over all time, marked ended
    page.wait_for_url("**/actors/frontera_digna?as_of=all#ties")
    assert "terminó el 2025-03-31" in page.content()
    tie = store.get_tie("informal:frontera_digna--sinfronteras:workshop")
    assert tie.until.isoformat() == "2025-03-31"

    # delete the actor: the page says how many ties go with it
    page.click("a.danger:text('Eliminar')")
    assert "Sus 2 vínculos se eliminarán con él" in page.content()
    page.click("button:text('Eliminar')")
    page.wait_for_url("**/history?done=*")
    assert store.get_actor("frontera_digna") is None and not store.ties("frontera_digna")

    # restore it, with its ties
    page.locator("li.change").first.locator("button:text('Restaurar lo eliminado')").click()
    page.wait_for_url("**/history*")
    assert "Restaurado" in page.locator("li.change").first.inner_text()
    assert store.get_actor("frontera_digna") is not None
    assert len(store.ties("frontera_digna")) == 2

    # merge two duplicates: "Frontera Digna A.C." is offered as a likely one
    page.goto(live.url + "/add/actor")
    page.fill("#f-name", "Frontera Digna A.C.")
    page.fill("#f-country", "MX")
    page.click("button:text('Guardar')")
    assert "Puede que este actor ya esté en el grafo" in page.content()
    page.check("input[name=confirm_duplicate]")
    page.click("button:text('Guardar')")
    page.wait_for_url("**/actors/frontera_digna_a_c")
    page.goto(live.url + "/actors/frontera_digna/merge")
    page.click("text=Frontera Digna A.C.")
    page.check("input[name=name][value=survivor]")
    page.click("button:text('Fusionar')")
    page.wait_for_url("**/actors/frontera_digna/history")
    assert "Fusionado" in page.locator("li.change").first.inner_text()
    assert store.get_actor("frontera_digna_a_c") is None
    assert store.resolve("frontera_digna_a_c") == "frontera_digna"
    page.goto(live.url + "/actors/frontera_digna_a_c")  # the old id still leads here
    assert page.url.endswith("/actors/frontera_digna")
    # the one console error is the form refused on purpose (its 422 status)
    assert w.console_errors == ["Failed to load resource: the server responded with a "
                                "status of 422 (UNPROCESSABLE ENTITY)"]
    w.console_errors.clear()
    w.assert_clean()
