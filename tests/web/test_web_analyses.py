"""The analyses in the web app: every figure a page or the API shows equals
what graphsvc.queries computes on the same snapshot, and bad parameters
answer 400 in the error shape.

The client is an editor, who sees restricted records: the snapshot the
reference calls use is the service's full one (a viewer's numbers are
tested against a store without the restricted records in
test_web_permissions.py).
"""
import io
import math
import re

import pandas as pd
import pytest

from graphsvc.model import Tie
from graphsvc.queries import brokerage, communities, indicators, influence, metrics
from graphsvc.queries.projection import project
from graphsvc.viz import node_sizes
from web_support import IMG, assert_error


@pytest.fixture
def G(app):
    return app.extensions["graphsvc"].snapshot(include_restricted=True)


def same(a, b):
    """JSON value vs analysis value: NaN is null, floats to rounding."""
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None
    if isinstance(b, float) or isinstance(a, float):
        return a == pytest.approx(b, rel=1e-12, abs=1e-15)
    return a == b


# --- indicators ---------------------------------------------------------------------

def test_indicators_are_those_of_survey_indicators(client, G):
    expected = indicators.survey_indicators(G)
    for url in ("/api/v1/indicators", "/api/v1/dashboard"):
        body = client.get(url).get_json()
        rows = body["items"] if "items" in body else body["indicators"]
        assert [r["name"] for r in rows] == list(expected.index), url
        for r in rows:
            e = expected.loc[r["name"]]
            for col in ("value", "numerator", "denominator", "survey"):
                assert same(r[col], e[col]), (url, r["name"], col)
            assert r["definition_source"] == e["definition"]
            assert r["label"] and r["definition"]
    # by hand (web_fixtures): one Mexican CSO-like actor tied to UNHCR...
    # sinfronteras (cso), img (shelter), href (faith_based) are the Mexican
    # civil-society actors; only sinfronteras is tied to UNHCR
    by_name = {r["name"]: r for r in client.get("/api/v1/indicators").get_json()["items"]}
    tied = by_name["tied_to_unhcr"]
    assert (tied["numerator"], tied["denominator"]) == (1, 3)
    assert by_name["tied_to_unhcr"]["survey"] == 1.0


def test_dashboard_page_shows_indicators_brokers_and_communities(client, G):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    row = re.search(r'<tr id="indicator-tied_to_unhcr">(.*?)</tr>', html, re.S).group(1)
    assert "Mexican CSOs tied to UNHCR" in row
    assert "33%" in row and "1 / 3" in row and "100%" in row  # graph, counted, survey
    table = metrics.actor_metrics(G, seed=0)
    top = table["betweenness"].sort_values(ascending=False)
    best = top.index[0]
    ranking = re.search(r'<table class="ranking" id="brokers-betweenness">(.*?)</table>',
                        html, re.S).group(1)
    assert f'/actors/{best}"' in ranking.split("</tr>")[0]
    part = communities.louvain(project(G), seed=0)
    n = len(set(part.values()))
    assert f"{n} communit" in html
    es = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "OSC mexicanas vinculadas al ACNUR" in es and "Enlaces" in es


def test_dashboard_top_brokers_and_communities_api(client, G):
    body = client.get("/api/v1/dashboard").get_json()
    table = metrics.actor_metrics(G, seed=0)
    for key in ("betweenness", "brokerage_total", "brokerage_liaison"):
        expected = [v for v, x in sorted(table[key].items(), key=lambda vx: (-vx[1], vx[0]))
                    if x > 0][:10]
        assert [b["id"] for b in body["top_brokers"][key]] == expected, key
        for b in body["top_brokers"][key]:
            assert same(b["value"], table.at[b["id"], key])
    H = project(G)
    part = communities.louvain(H, seed=0)
    assert body["communities"]["count"] == len(set(part.values()))
    assert same(body["communities"]["modularity"], communities.modularity(H, part))


# --- metrics ---------------------------------------------------------------------

def test_metrics_api_is_the_actor_metrics_table(client, G):
    table = metrics.actor_metrics(G, seed=0)
    body = client.get("/api/v1/metrics?limit=500").get_json()
    assert body["columns"] == metrics.COLUMNS
    assert body["total"] == len(table) == len(body["items"])
    for item in body["items"]:
        row = table.loc[item["id"]]
        assert set(item) == {"id", *metrics.COLUMNS}
        for col in metrics.COLUMNS:
            assert same(item[col], row[col]), (item["id"], col)
    names = [i["name"] for i in body["items"]]
    assert names == sorted(names, key=str.casefold)  # default: by name


def test_metrics_sort_and_pagination(client, G):
    table = metrics.actor_metrics(G, seed=0)
    ranked = list(table["betweenness"].sort_values(ascending=False, kind="stable").index)
    first = client.get("/api/v1/metrics?sort=-betweenness&limit=4").get_json()
    rest = client.get("/api/v1/metrics?sort=-betweenness&limit=4&offset=4").get_json()
    assert [i["id"] for i in first["items"] + rest["items"]] == ranked
    assert first["sort"] == "-betweenness" and first["total"] == len(table)


def test_metrics_csv_is_the_whole_table(client, G):
    r = client.get("/api/v1/metrics.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    got = pd.read_csv(io.StringIO(r.get_data(as_text=True)), index_col="id")
    assert list(got.columns) == list(metrics.COLUMNS)
    expected = metrics.actor_metrics(G, seed=0)
    assert set(got.index) == set(expected.index)
    assert IMG in set(got["name"])  # text as typed: CSV is data, not markup
    for col in ("degree", "betweenness", "pagerank", "constraint", "brokerage_total",
                "community", "hops_to_us_policymakers"):
        pd.testing.assert_series_equal(got[col].sort_index(),
                                       expected[col].sort_index().astype(got[col].dtype),
                                       check_names=False, check_index_type=False)


# --- brokerage and communities ------------------------------------------------------

@pytest.mark.parametrize("group_by", ["country", "kind", "community", "city"])
def test_brokerage_api_is_brokerage_roles(client, G, group_by):
    H = project(G)
    part = communities.louvain(H, seed=0)
    expected = brokerage.brokerage_roles(H, part if group_by == "community" else group_by)
    body = client.get(f"/api/v1/brokerage?group_by={group_by}&limit=500").get_json()
    assert body["group_by"] == group_by and body["total"] == len(expected)
    for item in body["items"]:
        for role in ("coordinator", "itinerant", "representative", "gatekeeper",
                     "liaison", "total"):
            assert item[role] == expected.at[item["id"], role], (item["id"], role)
        group = part[item["id"]] if group_by == "community" else G.nodes[item["id"]].get(group_by)
        assert item["group"] == group
    totals = [i["total"] for i in body["items"]]
    assert totals == sorted(totals, reverse=True)


def test_brokerage_by_hand(client):
    """web_fixtures, ties made undirected: prm-unhcr, unhcr-sinfronteras,
    sinfronteras-img, sinfronteras-script, img-script, href-img. Countries:
    sinfronteras, img, href MX; script, prm US; unhcr INT.

    img: sinfronteras-href untied, both MX like img: 2 coordinator counts
    (one per direction); script (US) -> img -> href: gatekeeper; href ->
    img -> script: representative; sinfronteras-script are tied: nothing.
    sinfronteras: unhcr (INT) -> it -> img: gatekeeper, back: representative;
    unhcr -> it -> script (US) and back: 2 liaison. unhcr: prm and
    sinfronteras in two other countries: 2 liaison. script's two contacts
    are tied to each other: nothing.
    """
    items = {i["id"]: i for i in client.get("/api/v1/brokerage").get_json()["items"]}
    roles = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total")
    assert [items["img"][r] for r in roles] == [2, 0, 1, 1, 0, 4]
    assert [items["sinfronteras"][r] for r in roles] == [0, 0, 1, 1, 2, 4]
    assert [items["unhcr"][r] for r in roles] == [0, 0, 0, 0, 2, 2]
    assert items["script"]["total"] == items["isolated"]["total"] == 0
    assert list(items)[:2] == ["img", "sinfronteras"]  # most brokering first, then id


def test_communities_api_is_louvain_and_community_profile(client, G):
    H = project(G)
    part = communities.louvain(H, seed=0)
    profile = communities.community_profile(H, part)
    body = client.get("/api/v1/communities").get_json()
    assert body["count"] == len(profile) == len(body["items"])
    assert same(body["modularity"], communities.modularity(H, part))
    for item in body["items"]:
        e = profile.loc[item["community"]]
        assert item["size"] == e["size"] == len(item["members"])
        assert all(part[m] == item["community"] for m in item["members"])
        assert "; ".join(f"{c['value']} {c['count']}" for c in item["countries"]) == e["countries"]
        assert "; ".join(f"{c['value']} {c['count']}" for c in item["kinds"]) == e["kinds"]
        assert "; ".join(f"{c['value']} {c['count']}"
                         for c in item["issue_areas"]) == e["issue_areas"]
        assert same(item["cross_border_share"], e["cross_border_share"])
    assert sorted(m for i in body["items"] for m in i["members"]) == sorted(G)


def test_communities_page_is_the_silo_view(client, G):
    H = project(G)
    part = communities.louvain(H, seed=0)
    profile = communities.community_profile(H, part)
    html = client.get("/communities", headers={"Accept-Language": "en"}).text
    rows = re.findall(r'<tr id="community-(\d+)">(.*?)</tr>', html, re.S)
    assert [int(c) for c, _row in rows] == list(profile.index)
    for c, row in rows:
        e = profile.loc[int(c)]
        assert f">{e['size']}<" in row
        assert f"{e['internal_ties']} / {e['external_ties']}" in row
        assert f"community={c}" in row  # the map of that community
    es = client.get("/communities", headers={"Accept-Language": "es"}).text
    assert "Vínculos dentro / fuera" in es


# --- the actor profile --------------------------------------------------------------

def test_profile_metrics_roles_and_paths(client, G):
    table = metrics.actor_metrics(G, seed=0)
    H = project(G)
    for actor in G:
        body = client.get(f"/api/v1/actors/{actor}").get_json()
        got = {m["name"]: m["value"] for m in body["metrics"]}
        assert "betweenness" in got and "constraint" in got and "pagerank" in got
        for name, value in got.items():
            assert same(value, table.at[actor, name]), (actor, name)
        for role in ("coordinator", "liaison", "total"):
            assert body["brokerage"][role] == table.at[actor, f"brokerage_{role}"]
        paths = influence.influence_paths(
            H, actor, ("us_policymakers", "mx_policymakers", "funders"))
        assert len(body["influence"]) == len(paths) == 6  # 3 target sets x 2 routes
        for p, (_i, e) in zip(body["influence"], paths.iterrows()):
            assert (p["targets"], p["route"]) == (e["targets"], e["route"])
            expected = e["path"].split(" > ") if isinstance(e["path"], str) else []
            assert [s["id"] for s in p["path"]] == expected
            assert same(p["hops"], e["hops"])


def test_profile_page_shows_metrics_and_paths(client):
    html = client.get("/actors/sinfronteras", headers={"Accept-Language": "en"}).text
    assert 'id="metric-betweenness"' in html and "Betweenness" in html
    assert 'id="role-liaison"' in html
    # prm is a US policymaker (government, policymaker role): reachable
    row = re.search(r'<tr class="path-us_policymakers-shortest">(.*?)</tr>', html, re.S).group(1)
    assert "US State Department PRM" in row
    assert "Not available yet" not in html
    # an isolated actor reaches nobody
    html = client.get("/actors/isolated", headers={"Accept-Language": "en"}).text
    row = re.search(r'<tr class="path-funders-most_trusted">(.*?)</tr>', html, re.S).group(1)
    assert "None reachable" in row


# --- the map ------------------------------------------------------------------------

def test_map_sized_by_betweenness(client, G):
    body = client.get("/api/v1/map?size_by=betweenness").get_json()
    table = metrics.actor_metrics(G, seed=0)
    sizes = node_sizes(table["betweenness"].to_dict(), list(G))
    assert body["size_by"] == "betweenness"
    assert {n["id"]: n["size"] for n in body["nodes"]} == {v: sizes[v] for v in G}
    unhcr = next(n for n in body["nodes"] if n["id"] == "unhcr")
    assert "Betweenness: " in unhcr["title"]


def test_map_min_size_filters_on_the_chosen_measure(client, G):
    table = metrics.actor_metrics(G, seed=0)
    body = client.get("/api/v1/map?size_by=pagerank&min_size=0.15").get_json()
    assert {n["id"] for n in body["nodes"]} == set(table.index[table["pagerank"] >= 0.15])
    body = client.get("/api/v1/map?min_degree=3").get_json()
    assert {n["id"] for n in body["nodes"]} == {v for v in G if G.degree(v) >= 3}


def test_map_coloured_and_filtered_by_community(client, G):
    part = communities.louvain(project(G), seed=0)
    body = client.get("/api/v1/map?color_by=community").get_json()
    assert {n["id"]: n["group_id"] for n in body["nodes"]} == part
    colours = {}
    for n in body["nodes"]:
        colours.setdefault(n["group_id"], set()).add(n["color"]["background"])
    assert all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)
    body = client.get("/api/v1/map?community=0").get_json()
    assert {n["id"] for n in body["nodes"]} == {v for v, c in part.items() if c == 0}
    assert body["communities"] == [0]
    html = client.get("/map?color_by=community&size_by=betweenness",
                      headers={"Accept-Language": "en"}).text
    assert "Community (colour)" in html and "Size: Betweenness." in html


# --- the cache ----------------------------------------------------------------------

def test_results_follow_a_write(client, app):
    """After a write the next answer is the previous version's table, marked
    updating, while the background computes the new one; ``fresh=1`` waits
    for it, and then every answer has it."""
    first = client.get("/api/v1/metrics?limit=500")
    before = {i["id"]: i for i in first.json["items"]}
    assert before["isolated"]["degree"] == 0
    assert first.json["analyses"]["updating"] is False
    assert first.headers["X-Analyses-Updating"] == "false"
    service = app.extensions["graphsvc"]
    version = service.store.version()
    service.store.upsert([], [Tie(source="isolated", target="sinfronteras", kind="formal")])
    stale = client.get("/api/v1/metrics?limit=500")
    assert stale.json["analyses"] == {"version": version, "current_version": version + 1,
                                      "updating": True}
    assert stale.headers["X-Analyses-Version"] == str(version)
    assert stale.headers["X-Analyses-Updating"] == "true"
    fresh = client.get("/api/v1/metrics?limit=500&fresh=1")
    assert fresh.json["analyses"]["updating"] is False
    assert fresh.headers["X-Analyses-Version"] == str(version + 1)
    after = {i["id"]: i for i in fresh.json["items"]}
    assert after["isolated"]["degree"] == 1
    profile = client.get("/api/v1/actors/isolated").json
    assert {m["name"]: m["value"] for m in profile["metrics"]}["degree"] == 1


def test_a_second_request_is_served_from_the_cache(client, app, monkeypatch):
    first = client.get("/api/v1/metrics?limit=500").json
    calls = []
    real = metrics.actor_metrics
    monkeypatch.setattr(metrics, "actor_metrics",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    assert client.get("/api/v1/metrics?limit=500").json == first
    client.get("/api/v1/dashboard")
    assert calls == []


# --- bad parameters -----------------------------------------------------------------

@pytest.mark.parametrize("url, field", [
    ("/api/v1/map?size_by=popularity", "size_by"),
    ("/api/v1/map?size_by=betweenness&size_by=pagerank", "size_by"),
    ("/api/v1/map?color_by=mood", "color_by"),
    ("/api/v1/map?community=-1", "community"),
    ("/api/v1/map?community=first", "community"),
    ("/api/v1/map?min_size=lots", "min_size"),
    ("/api/v1/map?min_size=-1", "min_size"),
    ("/api/v1/map?min_size=nan", "min_size"),
    ("/api/v1/metrics?sort=__class__", "sort"),
    ("/api/v1/metrics?limit=0", "limit"),
    ("/api/v1/metrics?offset=-3", "offset"),
    ("/api/v1/brokerage?group_by=zip", "group_by"),
    ("/api/v1/brokerage?group_by=country&group_by=kind", "group_by"),
    ("/api/v1/brokerage?limit=9999", "limit"),
])
def test_bad_parameters_are_400(client, url, field):
    err = assert_error(client.get(url), 400, "bad_request")
    assert [d["field"] for d in err["details"]] == [field]


def test_bad_map_parameters_on_the_page_are_400(client):
    assert client.get("/map?size_by=popularity").status_code == 400


def test_openapi_documents_the_analyses(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    for path in ("/metrics", "/metrics.csv", "/brokerage", "/communities", "/indicators"):
        assert spec["paths"][path]["get"]["x-permission"] == "view", path
    params = {p["name"]: p for p in spec["paths"]["/brokerage"]["get"]["parameters"]}
    assert params["group_by"]["schema"]["enum"] == ["country", "kind", "community", "city"]
    params = {p["name"]: p for p in spec["paths"]["/map"]["get"]["parameters"]}
    assert "betweenness" in params["size_by"]["schema"]["enum"]
    assert {"min_size", "community", "color_by"} <= set(params)
