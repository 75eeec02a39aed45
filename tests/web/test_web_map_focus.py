"""The influence map's focus mode and "who reaches policymakers" view, through
the JSON twin (/api/v1/map) and the page, on the illustrative network as a
viewer sees it: the routes are those of the one path rule (influence_paths,
trusted_path), the rest is faded, and every country has a mark of its own."""
import pytest

from graphsvc.illustrative import load_illustrative
from graphsvc.queries.influence import influence_paths, nearest, targets_within
from graphsvc.queries.introductions.brokers import trusted_path
from graphsvc.queries.projection import project
from graphsvc.stores.sqlite import SQLiteStore
from web_support import make_app, signed_in

PELICANO = "ex-asociacion-ejemplo-pelicano"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("focus") / "graph.db"
    store = SQLiteStore(path)
    load_illustrative(store)
    app = make_app(store, path)
    yield app, signed_in(app, "viewer")
    store.close()
    app.extensions["graphsvc.accounts"].close()


@pytest.fixture(scope="module")
def client(world):
    return world[1]


@pytest.fixture(scope="module")
def G(world):
    return world[0].extensions["graphsvc"].snapshot(include_restricted=False)


def ids(route):
    return [p["id"] for p in route["path"]]


@pytest.mark.parametrize("to", ["us_policymakers", "funders"])
def test_routes_to_a_target_set_are_those_of_influence_paths(client, G, to):
    body = client.get(f"/api/v1/map?focus={PELICANO}&to={to}").get_json()
    focus = body["focus"]
    assert (focus["actor"], focus["to"]) == (PELICANO, to)
    expected = influence_paths(project(G), PELICANO, [to]).to_dict("records")
    assert [r["route"] for r in focus["routes"]] == ["shortest", "most_trusted"]
    for got, row in zip(focus["routes"], expected):
        assert ids(got) == row["path"].split(" > ")
        assert got["target"] == row["target"] and got["hops"] == row["hops"]
        assert got["cost"] == pytest.approx(row["cost"])


def test_routes_to_a_second_actor_use_the_introductions_rule(client, G):
    body = client.get(f"/api/v1/map?focus={PELICANO}&other=iom").get_json()
    shortest, trusted = body["focus"]["routes"]
    assert body["focus"]["to"] == "actor" and body["focus"]["other"] == "iom"
    assert ids(shortest) == trusted_path(G, PELICANO, "iom")
    H = project(G)
    assert ids(trusted) == nearest(H, PELICANO, lambda v, a: v == "iom",
                                   distance="distance").path


def test_route_actors_stand_out_and_the_rest_fades(client, G):
    body = client.get(f"/api/v1/map?focus={PELICANO}").get_json()
    on_route = {v for r in body["focus"]["routes"] for v in ids(r)}
    nodes = {n["id"]: n for n in body["nodes"]}
    assert {v for v, n in nodes.items() if n.get("route")} == on_route
    assert {v for v, n in nodes.items() if n.get("faded")} == set(nodes) - on_route
    pairs = {frozenset((a, b)) for r in body["focus"]["routes"] for a, b in zip(ids(r), ids(r)[1:])}
    route_edges = [e for e in body["edges"] if e.get("route")]
    # one drawn tie per step of a route, the others faded
    assert {frozenset((e["from"], e["to"])) for e in route_edges} == pairs
    assert len(route_edges) == len(pairs)
    assert all(e.get("faded") for e in body["edges"] if not e.get("route"))
    # the two routes differ in line as well as colour: solid and dashed
    styles = {e["route"]: (e["color"], bool(e["dashes"])) for e in route_edges}
    assert styles == {"shortest": ("#c0392b", False), "most_trusted": ("#1a5276", True)}


def test_a_route_stays_on_a_filtered_map(client):
    # the map shows Mexican actors only; the route's US policymaker is kept
    body = client.get(f"/api/v1/map?focus={PELICANO}&country=MX").get_json()
    shown = {n["id"] for n in body["nodes"]}
    assert {v for r in body["focus"]["routes"] for v in ids(r)} <= shown
    assert {n["country"] for n in body["nodes"]} >= {"MX", "US"}


def test_an_actor_is_named_by_name_or_id(client):
    by_name = client.get("/api/v1/map?focus=asociación ejemplo PELÍCANO").get_json()
    assert by_name["focus"]["actor"] == PELICANO
    ego = client.get("/api/v1/map?ego=Asociación Ejemplo Pelícano").get_json()
    assert ego["ego"] == PELICANO


@pytest.mark.parametrize("url, status, field", [
    ("/api/v1/map?focus=nobody-here", 404, None),
    (f"/api/v1/map?focus={PELICANO}&to=actor", 400, "other"),
    (f"/api/v1/map?focus={PELICANO}&other={PELICANO}", 400, "other"),
    (f"/api/v1/map?focus={PELICANO}&to=dragons", 400, "to"),
])
def test_focus_mistakes_get_a_clear_error(client, url, status, field):
    r = client.get(url)
    assert r.status_code == status
    error = r.get_json()["error"]
    if field:
        assert [p["field"] for p in error["details"]] == [field]
    else:
        assert "Type part of a name" in error["message"]


def test_focus_mistakes_on_the_page_in_spanish(client):
    r = client.get("/map?focus=nadie-aqui&lang=es")
    assert r.status_code == 404
    assert "Escriba parte de un nombre" in r.get_data(as_text=True)


def test_who_reaches_policymakers_sizes_by_reach(client, G):
    body = client.get("/api/v1/map?size_by=policymaker_reach").get_json()
    reach = targets_within(project(G), "us_policymakers")
    sizes = {n["id"]: n["size"] for n in body["nodes"]}
    top = max(reach.values())
    # the largest reach draws the largest node, no reach the smallest (node_sizes: 8 to 40)
    assert all(sizes[v] == 40 for v, x in reach.items() if x == top)
    assert all(sizes[v] == 8 for v, x in reach.items() if x == 0)
    page = client.get("/map?size_by=policymaker_reach&lang=en").get_data(as_text=True)
    assert "Sized by how many US policymakers each actor reaches within two ties." in page


def test_every_country_has_its_own_mark_in_the_legend(client, G):
    body = client.get("/api/v1/map").get_json()
    countries = {a.get("country") for _v, a in G.nodes(data=True)}
    marks = {c["country"]: (c["shape"], c["border"]) for c in body["countries"]}
    assert set(marks) == countries and len(set(marks.values())) == len(marks)
    page = client.get("/map?lang=en").get_data(as_text=True)
    for c in countries:
        assert f'data-country="{c}"' in page
    # Guatemala, Honduras and El Salvador: three shapes
    assert len({marks[c][0] for c in ("GT", "HN", "SV")}) == 3


def test_focus_parameters_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p for p in doc["paths"]["/map"]["get"]["parameters"]}
    assert {"focus", "to", "other"} <= set(params)
    assert params["to"]["schema"]["enum"] == ["us_policymakers", "funders", "actor"]
    assert "policymaker_reach" in params["size_by"]["schema"]["enum"]


def test_an_actor_with_no_route_is_still_shown_and_said_so(tmp_path):
    # web_support's "isolated" collective has no tie at all
    from web_support import fill

    path = tmp_path / "graph.db"
    store = fill(SQLiteStore(path))
    app = make_app(store, path)
    client = signed_in(app, "analyst")  # the collective is not public
    body = client.get("/api/v1/map?focus=isolated&country=MX").get_json()
    assert [r["path"] for r in body["focus"]["routes"]] == [[], []]
    node = next(n for n in body["nodes"] if n["id"] == "isolated")
    assert node["focus"] and not node.get("faded")  # kept despite the filter
    page = client.get("/map?focus=isolated&lang=en").get_data(as_text=True)
    assert page.count("No route in the network you can see.") == 2
    store.close()
    app.extensions["graphsvc.accounts"].close()
