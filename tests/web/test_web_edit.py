"""Editing on the web: the forms, their JSON twins, history, conflicts, merge.

Everything runs on the real app over a real SQLite store (web_support's
hand-made graph); the concurrency test runs the app in a real threaded
HTTP server and sends two PATCHes from two threads at once.
"""
import json
import re
import threading
import urllib.error
import urllib.request

from werkzeug.serving import make_server

from graphsvc.history import ChangeInfo
from web_support import assert_error, bearer, csrf, signed_in


def _form(client, path, data, **kw):
    data = {"csrf_token": csrf(client, path), **data}
    return client.post(path, data=data, **kw)


# --- the API --------------------------------------------------------------------

def test_api_create_patch_delete_actor_with_etags(client, store):
    auth = bearer(client)
    v0 = store.version()
    r = client.post("/api/v1/actors", json={
        "name": "Sin Fronteras", "kind": "cso", "country": "MX", "visibility": "public",
        "reason": "duplicate on purpose"}, headers=auth)
    assert r.status_code == 201 and r.headers["ETag"] == '"1"'
    body = r.json
    assert body["actor"]["id"] == "sin_fronteras" and body["revision"] == 1
    # "Sin Fronteras I.A.P." is in the graph: same name once the suffix goes
    assert [d["id"] for d in body["duplicates"]] == ["sinfronteras"]
    assert store.version() > v0
    r = client.patch("/api/v1/actors/sin_fronteras", json={"city": "Puebla"},
                     headers={**auth, "If-Match": '"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    assert store.get_actor("sin_fronteras").city == "Puebla"
    assert client.get("/api/v1/actors/sin_fronteras", headers=auth).headers["ETag"] == '"2"'
    r = client.patch("/api/v1/actors/sin_fronteras", json={"city": "Oaxaca"},
                     headers={**auth, "If-Match": '"1"'})
    assert_error(r, 409, "conflict")
    assert r.json["error"]["details"]["current"] == 2
    assert store.get_actor("sin_fronteras").city == "Puebla"
    r = client.patch("/api/v1/actors/sin_fronteras", json={"website": "javascript:alert(1)"},
                     headers=auth)
    assert_error(r, 422, "validation_failed")
    assert r.json["error"]["details"][0]["field"] == "website"
    r = client.delete("/api/v1/actors/sin_fronteras", headers={**auth, "If-Match": '"2"'})
    assert r.status_code == 200 and r.json["action"] == "delete"
    entries = client.get("/api/v1/actors/sin_fronteras/history", headers=auth).json
    assert [e["action"] for e in entries["items"]] == ["delete", "update", "create"]
    assert entries["items"][-1]["reason"] == "duplicate on purpose"
    assert {e["path"] for e in entries["items"]} == {"api"}


def test_api_ties_evidence_and_refused_addresses(client, store):
    auth = bearer(client)
    r = client.post("/api/v1/ties", json={
        "source": "isolated", "target": "unhcr", "kind": "informal",
        "evidence": [{"url": "data:text/html,<script>alert(1)</script>"}]}, headers=auth)
    assert_error(r, 422, "validation_failed")
    assert "evidence" in json.dumps(r.json)
    r = client.post("/api/v1/ties", json={
        "source": "isolated", "target": "unhcr", "kind": "informal", "subtype": "workshop",
        "evidence": [{"url": "https://example.org/acta", "title": "Acta",
                      "date": "2024-05-02"}]}, headers=auth)
    assert r.status_code == 201
    tid = r.json["tie"]["id"]
    assert r.headers["ETag"] == '"1"'
    r = client.patch(f"/api/v1/ties/{tid}", json={"until": "2025-01-01"},
                     headers={**auth, "If-Match": '"1"'})
    assert r.status_code == 200 and r.json["change"]["action"] == "end"
    assert store.get_tie(tid).until.isoformat() == "2025-01-01"
    assert_error(client.get("/api/v1/ties/nobody", headers=auth), 404, "not_found")


def test_two_concurrent_patches_with_one_etag_give_one_200_and_one_409(app, client, store):
    """Two editors, two threads, one real HTTP server: no lost update."""
    auth = bearer(client)
    etag = client.get("/api/v1/actors/isolated", headers=auth).headers["ETag"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    worker = threading.Thread(target=server.serve_forever, daemon=True)
    worker.start()
    barrier = threading.Barrier(2)
    got: dict[str, int] = {}

    def patch(city):
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.server_port}/api/v1/actors/isolated",
            data=json.dumps({"city": city}).encode(), method="PATCH",
            headers={**auth, "If-Match": etag, "Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                got[city] = r.status
        except urllib.error.HTTPError as exc:
            got[city] = exc.code
            assert json.loads(exc.read())["error"]["code"] == "conflict"

    threads = [threading.Thread(target=patch, args=(c,)) for c in ("Quetzaltenango", "Xela")]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        server.shutdown()
    assert sorted(got.values()) == [200, 409]
    winner = next(c for c, s in got.items() if s == 200)
    assert store.get_actor("isolated").city == winner
    assert store.revision("actor", "isolated") == int(etag.strip('"')) + 1


def test_api_merge_and_revert(client, store):
    auth = bearer(client)
    client.post("/api/v1/actors", json={"id": "sf2", "name": "SIN FRONTERAS, IAP",
                                        "kind": "cso", "country": "MX",
                                        "website": "https://www.sinfronteras.example/x"},
                headers=auth)
    client.post("/api/v1/ties", json={"source": "sf2", "target": "prm", "kind": "formal"},
                headers=auth)
    r = client.post("/api/v1/actors/sinfronteras/merge",
                    json={"merge": "sf2", "take": {"city": "merged"}}, headers=auth)
    assert r.status_code == 200 and r.json["action"] == "merge"
    # the old id keeps resolving: its page leads to the survivor
    assert client.get("/actors/sf2").location.endswith("/actors/sinfronteras")
    assert "formal:prm--sinfronteras" in {t.id for t in store.ties("sinfronteras")}
    r = client.post(f"/api/v1/history/{r.json['seq']}/revert", headers=auth)
    assert r.status_code == 200 and store.get_actor("sf2") is not None
    assert client.get("/actors/sf2").status_code == 200


def test_edits_need_the_edit_permission_and_are_audited(app, client):
    analyst = signed_in(app, "analyst")
    r = analyst.post("/api/v1/actors", json={"name": "X", "kind": "cso", "country": "MX"},
                     headers=bearer(analyst, "analyst1"))
    assert_error(r, 403, "forbidden")
    client.post("/api/v1/actors", json={"name": "Y", "kind": "cso", "country": "MX"},
                headers=bearer(client))
    entries = app.extensions["graphsvc.accounts"].audit_entries(action="edit")
    assert entries[-1].target == "actor:y"
    assert entries[-1].details["action"] == "create"


# --- the forms (in Spanish) ------------------------------------------------------

ES = {"Accept-Language": "es"}


def test_add_actor_form_shows_problems_beside_fields_and_keeps_values(client, store):
    page = client.get("/add/actor", headers=ES).text
    assert "Agregar actor" in page
    r = _form(client, "/add/actor", {"name": "Casa Nueva", "kind": "shelter",
                                     "country": "Narnia", "website": "javascript:alert(1)",
                                     "city": "Tijuana", "visibility": "public"},
              headers=ES)
    assert r.status_code == 422
    assert re.search(r'id="problem-country"[^>]*>No es un código de país', r.text)
    assert 'id="problem-website"' in r.text
    assert 'value="Tijuana"' in r.text and 'value="Casa Nueva"' in r.text
    assert store.get_actor("casa_nueva") is None


def test_add_actor_form_offers_the_existing_record(client, store):
    r = _form(client, "/add/actor", {"name": "Sin Fronteras", "kind": "cso",
                                     "country": "MX"}, headers=ES)
    assert r.status_code == 200 and 'href="/actors/sinfronteras"' in r.text
    assert store.get_actor("sin_fronteras") is None
    r = _form(client, "/add/actor", {"name": "Sin Fronteras", "kind": "cso",
                                     "country": "MX", "confirm_duplicate": "1"})
    assert r.status_code == 303 and store.get_actor("sin_fronteras") is not None


def test_form_conflict_shows_what_changed_and_reapplies(client, store):
    page = client.get("/actors/isolated/edit").text
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    store.update_actor(store.get_actor("isolated").model_copy(update={"city": "Xela"}),
                       ChangeInfo(who="other-editor", path="form"))
    data = {"name": "Colectivo Aislado", "kind": "migrant_led", "country": "GT",
            "region": "Occidente", "revision": revision, "visibility": "restricted",
            "provenance": "import"}
    r = _form(client, "/actors/isolated/edit", data, headers=ES)
    assert r.status_code == 409
    assert "other-editor" in r.text and "Xela" in r.text and 'value="Occidente"' in r.text
    new_revision = re.search(r'name="revision" value="(\d+)"', r.text).group(1)
    r = _form(client, "/actors/isolated/edit", {**data, "revision": new_revision})
    assert r.status_code == 303 and store.get_actor("isolated").region == "Occidente"


def test_tie_form_picks_the_other_actor_by_name(client, store):
    # without the picker's script the name must be one actor's whole name
    r = _form(client, "/actors/isolated/ties/new", {
        "other_name": "Fronteras", "kind": "formal", "subtype": "mou",
        "evidence_url": "https://example.org/mou", "evidence_title": "MoU",
        "evidence_date": "", "evidence_note": ""}, headers=ES)
    assert r.status_code == 422 and 'id="problem-other"' in r.text
    assert 'value="Fronteras"' in r.text and 'value="https://example.org/mou"' in r.text
    r = _form(client, "/actors/isolated/ties/new", {  # case ignored
        "other_name": "sin fronteras i.a.p.", "kind": "formal", "subtype": "mou",
        "evidence_url": "https://example.org/mou", "evidence_title": "MoU",
        "evidence_date": "", "evidence_note": ""})
    assert r.status_code == 303
    tie = store.get_tie("formal:isolated--sinfronteras:mou")
    assert tie.evidence[0].title == "MoU"
    # the evidence shows on the profile, a javascript: one is refused
    assert 'href="https://example.org/mou"' in client.get("/actors/isolated").text
    r = _form(client, "/actors/isolated/ties/new", {
        "other": "unhcr", "kind": "informal", "evidence_url": "javascript:alert(1)",
        "evidence_title": "", "evidence_date": "", "evidence_note": ""}, headers=ES)
    assert r.status_code == 422 and 'id="problem-evidence"' in r.text


def test_delete_actor_says_how_many_ties_go_and_can_be_restored(client, store):
    page = client.get("/actors/sinfronteras/delete", headers=ES).text
    n = len(store.ties("sinfronteras"))
    assert f"Sus {n} vínculos se eliminarán con él" in page
    r = _form(client, "/actors/sinfronteras/delete", {
        "revision": str(store.revision("actor", "sinfronteras"))})
    assert r.status_code == 303 and store.get_actor("sinfronteras") is None
    seq = int(re.search(r"done=(\d+)", r.location).group(1))
    r = _form(client, f"/history/{seq}/revert", {})
    assert r.status_code == 303 and len(store.ties("sinfronteras")) == n


def test_viewer_history_hides_restricted_values(app, store):
    # "img" is restricted; make it public under a new name: the old name was
    # restricted and must not show in its history to a viewer
    old = store.get_actor("img")
    store.update_actor(old.model_copy(update={"name": "Albergue Público",
                                              "visibility": "public"}),
                       ChangeInfo(who="editor1", path="form", reason="secreto del motivo"))
    viewer = signed_in(app, "viewer")
    got = viewer.get("/actors/img/history").text + viewer.get("/api/v1/history").text
    assert "Albergue Público" in got
    for secret in (old.name, "secreto del motivo", "onerror"):
        assert secret not in got
    assert viewer.get("/actors/href/history").status_code == 404  # restricted actor
