"""Import and export over the web: real uploaded files into a real SQLite
store; a failed import writes nothing; downloads open in the tools they are
for; every bad request answers the one error shape."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from xml.etree import ElementTree

import networkx as nx
import pytest
from openpyxl import Workbook

from graphsvc.model import Introduction
from graphsvc.stores.sqlite import SQLiteStore
from ingest_support import state
from web_support import ACTORS, IMG, TIES, assert_error, bearer, csrf, make_app, signed_in

HEADER = "id,name,kind,country,city\n"
GOOD = "casa_luz,Casa Luz,shelter,MX,Tijuana\nred_sd,Red SD,network,US,San Diego\n"
BAD_ROW = "mala,Casa Mala,banco,MX,Tijuana\n"  # row 4: unknown kind


def upload(text: str, name: str = "actores.csv"):
    return (io.BytesIO(text.encode("utf-8")), name)


@pytest.fixture
def reports(app, tmp_path):
    app.config["IMPORT_REPORT_DIR"] = str(tmp_path / "rejected")
    return tmp_path / "rejected"


# --- import page ----------------------------------------------------------

def test_import_page_has_a_working_form(client):
    html = client.get("/import").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert 'name="actors"' in html and 'name="ties"' in html
    assert 'name="skip_invalid"' in html
    assert "disabled" not in html


def test_import_page_writes_and_shows_counts(client, store, reports):
    r = client.post("/import", data={"csrf_token": csrf(client),
                                     "actors": upload(HEADER + GOOD)},
                    content_type="multipart/form-data")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert {"casa_luz", "red_sd"} <= {a.id for a in store.find_actors()}
    assert store.get_actor("casa_luz").source_ref == "actores.csv"  # the upload's name
    # 2 rows read, 2 new: the counts table shows them
    assert '<td class="num">2</td><td class="num">2</td><td class="num">0</td>' in html


def test_import_page_validation_report_and_nothing_written(client, store, reports):
    before = state(store)
    r = client.post("/import", data={"csrf_token": csrf(client),
                                     "actors": upload(HEADER + GOOD + BAD_ROW)},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert state(store) == before
    assert "1 problem found; nothing was written." in html
    # the file, the row as a spreadsheet numbers it (header = 1) and the column
    assert "<td>actores.csv</td>" in html and '<td class="num">4</td>' in html
    assert "<td>kind</td>" in html and "unknown actor kind &#39;banco&#39;" in html


def test_import_page_skip_invalid_offers_the_rejected_rows(client, store, reports):
    r = client.post("/import", data={"csrf_token": csrf(client),
                                     "actors": upload(HEADER + GOOD + BAD_ROW),
                                     "skip_invalid": "1"},
                    content_type="multipart/form-data")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert store.get_actor("casa_luz") is not None and store.get_actor("mala") is None
    link = html.split('href="/import/rejected/')[1].split('"')[0]
    got = client.get("/import/rejected/" + link)
    assert got.status_code == 200 and got.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    assert [(x["file"], x["row"], x["id"]) for x in rows] == [("actores.csv", "4", "mala")]
    assert "banco" in rows[0]["reasons"]


def test_rejected_report_addresses_are_not_paths(client, reports):
    for token in ("../../etc/passwd", "0" * 32, "abc"):
        assert client.get(f"/import/rejected/{token}.csv").status_code == 404


def test_upload_names_are_never_paths(client, store, reports, tmp_path):
    r = client.post("/import", data={"csrf_token": csrf(client),
                                     "actors": upload(HEADER + GOOD, "../../evil.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 200
    assert store.get_actor("casa_luz").source_ref == "evil.csv"
    assert not (tmp_path.parent / "evil.csv").exists()


def test_import_page_refuses_unknown_extensions_and_empty_forms(client, store):
    before = state(store)
    r = client.post("/import", data={"csrf_token": csrf(client),
                                     "actors": upload("x", "actores.exe")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "actores.exe" in r.get_data(as_text=True)
    r = client.post("/import", data={"csrf_token": csrf(client),
                                     }, content_type="multipart/form-data")
    assert r.status_code == 400
    assert "Choose an actors file, a ties file or both." in r.get_data(as_text=True)
    assert state(store) == before


def test_import_xlsx_and_ties_together(client, store, tmp_path, reports):
    wb = Workbook()
    wb.active.append(["id", "name", "kind", "country"])
    wb.active.append(["casa_luz", "Casa Luz", "shelter", "MX"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    ties = "source,target,kind\ncasa_luz,unhcr,informal\n"
    r = client.post("/api/v1/import", headers=bearer(client),
                    data={"actors": (buf, "actores.xlsx"),
                                            "ties": upload(ties, "lazos.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert body["files"] == {"actors": "actores.xlsx", "ties": "lazos.csv"}
    assert body["written"]["actors_created"] == 1 and body["written"]["ties_created"] == 1
    assert body["version"] == store.version()
    assert [t.target for t in store.ties("casa_luz")] == ["unhcr"]


# --- import API -----------------------------------------------------------

def test_import_api_validation_failure_is_422_and_writes_nothing(client, store):
    before = state(store)
    r = client.post("/api/v1/import", headers=bearer(client),
                    data={"actors": upload(HEADER + GOOD + BAD_ROW)},
                    content_type="multipart/form-data")
    err = assert_error(r, 422, "validation_failed")
    assert state(store) == before
    assert [(p["file"], p["row"], p["column"]) for p in err["details"]] == [
        ("actores.csv", 4, "kind")]
    assert err["details"][0]["hint"]


def test_import_api_json_records_and_skip_invalid(client, store, reports):
    records = [{"id": "j1", "name": IMG, "kind": "cso", "country": "MX"},
               {"id": "j2", "name": "J Dos", "kind": "nada", "country": "MX"}]
    r = client.post("/api/v1/import", headers=bearer(client),
                    data={"actors": upload(json.dumps(records), "a.json"),
                          "skip_invalid": "true"},
                    content_type="multipart/form-data")
    body = r.get_json()
    assert r.status_code == 200
    assert store.get_actor("j1").name == IMG
    # JSON records are numbered from 1: the second record is row 2
    assert [(x["file"], x["row"]) for x in body["rejected"]] == [("a.json", 2)]
    got = client.get(body["rejected_csv"])
    assert "j2" in got.get_data(as_text=True)


def test_import_api_bad_requests(client):
    assert_error(client.post("/api/v1/import", headers=bearer(client), data={},
                             content_type="multipart/form-data"), 400, "bad_request")
    err = assert_error(client.post("/api/v1/import", headers=bearer(client),
                                   data={"ties": upload("x", "t.xls")},
                                   content_type="multipart/form-data"), 400, "bad_request")
    assert err["details"][0]["field"] == "ties"
    assert_error(client.get("/api/v1/import"), 405, "method_not_allowed")


def test_upload_size_limit_is_413_in_the_error_shape(store, tmp_path):
    app = make_app(store, tmp_path / "graph.db", MAX_CONTENT_LENGTH=1000)
    c = signed_in(app)
    before = state(store)
    big = HEADER + GOOD * 100
    assert_error(c.post("/api/v1/import", headers=bearer(c), data={"actors": upload(big)},
                        content_type="multipart/form-data"), 413, "too_large")
    r = c.post("/import", data={"csrf_token": csrf(c), "actors": upload(big)},
               content_type="multipart/form-data")
    assert r.status_code == 413
    assert state(store) == before
    app.extensions["graphsvc.accounts"].close()


# --- export -----------------------------------------------------------------

def _download(client, path, mimetype, filename):
    r = client.get(path)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == mimetype
    assert r.headers["Content-Disposition"] == f"attachment; filename={filename}"
    return r.data


@pytest.mark.parametrize("prefix", ["", "/api/v1"])
def test_export_downloads(client, store, prefix):
    v = store.version()
    doc = json.loads(_download(client, f"{prefix}/export/json", "application/json",
                               f"graphsvc-v{v}.json"))
    assert {a["id"] for a in doc["actors"]} == {a.id for a in ACTORS}
    assert len(doc["ties"]) == len(TIES)
    with zipfile.ZipFile(io.BytesIO(_download(client, f"{prefix}/export/csv",
                                              "application/zip", f"graphsvc-v{v}.zip"))) as z:
        assert sorted(z.namelist()) == ["actors.csv", "ties.csv"]
        actors = list(csv.DictReader(io.TextIOWrapper(z.open("actors.csv"), "utf-8")))
        ties = list(csv.DictReader(io.TextIOWrapper(z.open("ties.csv"), "utf-8")))
    assert {a["id"]: a["name"] for a in actors}["img"] == IMG
    assert len(ties) == len(TIES)
    G = nx.read_graphml(io.BytesIO(_download(client, f"{prefix}/export/graphml",
                                             "application/graphml+xml",
                                             f"graphsvc-v{v}.graphml")))
    assert G.number_of_nodes() == len(ACTORS) and G.number_of_edges() == len(TIES)
    gexf = _download(client, f"{prefix}/export/gexf", "application/gexf+xml",
                     f"graphsvc-v{v}.gexf")
    assert ElementTree.fromstring(gexf).tag.endswith("gexf")
    assert nx.read_gexf(io.BytesIO(gexf)).number_of_nodes() == len(ACTORS)


def test_export_of_the_illustrative_network_says_so(tmp_path):
    from web_support import fill

    s = fill(SQLiteStore(tmp_path / "g.db"), illustrative=True)
    app = make_app(s, tmp_path / "g.db")
    c = signed_in(app, "analyst")
    r = c.get("/export/json")
    assert f"graphsvc-illustrative-v{s.version()}.json" in r.headers["Content-Disposition"]
    assert "Illustrative network." in c.get("/export").get_data(as_text=True)
    app.extensions["graphsvc.accounts"].close()
    s.close()


def test_export_unknown_format(client):
    err = assert_error(client.get("/api/v1/export/xlsx"), 400, "bad_request")
    assert err["details"][0]["field"] == "format"
    assert client.get("/export/xlsx").status_code == 400


def test_openapi_documents_the_transfer_endpoints(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert "post" in spec["paths"]["/import"]
    assert spec["paths"]["/import"]["post"]["responses"]["413"]
    assert "get" in spec["paths"]["/export/{fmt}"]
    # who may call each: the permission table, and 403 where the role matters
    assert spec["paths"]["/import"]["post"]["x-permission"] == "import"
    assert spec["paths"]["/export/{fmt}"]["get"]["x-permission"] == "export"
    assert "403" in spec["paths"]["/export/{fmt}"]["get"]["responses"]
    assert spec["paths"]["/actors"]["get"]["x-permission"] == "view"
    assert "403" not in spec["paths"]["/actors"]["get"]["responses"]


def test_export_then_import_the_full_graph_into_an_empty_store(client, store, tmp_path):
    store.record_introduction(Introduction(source="img", target="prm", status="proposed"))
    exported = client.get("/export/json").data
    empty = SQLiteStore(tmp_path / "empty.db")
    app = make_app(empty, tmp_path / "empty.db")
    c = signed_in(app)
    r = c.post("/api/v1/import", headers=bearer(c),
               data={"graph": (io.BytesIO(exported), "graph.json")},
               content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["introductions_added"] == 1
    assert state(empty)[1:] == state(store)[1:]  # same content, its own version
    app.extensions["graphsvc.accounts"].close()
    empty.close()


def test_full_graph_upload_must_be_json_and_alone(client, store):
    before = state(store)
    err = assert_error(client.post("/api/v1/import", headers=bearer(client), data={
        "graph": upload("{}", "g.json"), "actors": upload(HEADER + GOOD)},
        content_type="multipart/form-data"), 400, "bad_request")
    assert [d["field"] for d in err["details"]] == ["graph"]
    err = assert_error(client.post("/api/v1/import", headers=bearer(client),
                                   data={"graph": upload("x", "g.csv")},
                                   content_type="multipart/form-data"), 400, "bad_request")
    assert [d["field"] for d in err["details"]] == ["graph"]
    assert state(store) == before


def test_unreadable_file_is_reported_on_the_page(client, store):
    before = state(store)
    r = client.post("/import", data={"csrf_token": csrf(client),
                                     "actors": upload("not a workbook", "libro.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code in (400, 422)
    html = r.get_data(as_text=True)
    assert "libro.xlsx" in html and 'class="problems"' in html
    assert state(store) == before
    err = client.post("/api/v1/import", headers=bearer(client),
                      data={"actors": upload("not a workbook",
                                                                "libro.xlsx")},
                      content_type="multipart/form-data").get_json()
    assert set(err) == {"error"} and "libro.xlsx" in str(err["error"])


# --- who may import and export ------------------------------------------------

def test_rejected_rows_are_for_the_account_that_uploaded_them(app, client, reports):
    r = client.post("/api/v1/import", headers=bearer(client),
                    data={"actors": upload(HEADER + GOOD + BAD_ROW), "skip_invalid": "1"},
                    content_type="multipart/form-data")
    link = r.get_json()["rejected_csv"]
    assert "mala" in client.get(link).get_data(as_text=True)  # the uploader, by session
    other_editor = signed_in(app, "admin")  # may import too, but did not upload these
    assert other_editor.get(link).status_code == 404
    assert signed_in(app, "viewer").get(link).status_code == 403
    assert signed_in(app, "analyst").get(link).status_code == 403


def test_viewers_and_analysts_may_not_import_and_viewers_may_not_export(app, store):
    before = state(store)
    viewer, analyst = signed_in(app, "viewer"), signed_in(app, "analyst")
    for c, name in ((viewer, "viewer1"), (analyst, "analyst1")):
        r = c.post("/api/v1/import", headers=bearer(c, name),
                   data={"actors": upload(HEADER + GOOD)}, content_type="multipart/form-data")
        assert_error(r, 403, "forbidden")
        assert c.get("/import").status_code == 403
    assert state(store) == before
    for path in ("/export", "/export/json", "/api/v1/export/csv"):
        assert viewer.get(path).status_code == 403
        assert analyst.get(path).status_code == 200
