"""GraphView: what each principal sees, what a viewer's numbers are, what is audited."""
import json
import sqlite3

import networkx as nx
import pytest

from access_world import ACTORS, INTROS, RESTRICTED_IDS, RESTRICTED_NAMES, TIES, A, T
from auth_helpers import PASSWORD, make_accounts
from graphsvc.access import GraphView, not_found_actor
from graphsvc.auth import PUBLIC
from graphsvc.errors import Forbidden, NotFound, Unauthorized
from graphsvc.illustrative import load_illustrative
from graphsvc.ingest.export import graph_document
from graphsvc.model import Introduction
from graphsvc.service import GraphService
from graphsvc.stores import ActorFilter
from graphsvc.stores.sqlite import SQLiteStore


@pytest.fixture
def world(tmp_path):
    store = SQLiteStore(tmp_path / "graph.db")
    store.upsert(ACTORS, TIES)
    for i in INTROS:
        store.record_introduction(i)
    service = GraphService(store)
    accounts = make_accounts(tmp_path / "accounts.db")
    users = {role: accounts.create_user(f"{role}1", PASSWORD, role, by="test")
             for role in ("viewer", "analyst", "editor", "admin")}
    yield service, accounts, users
    accounts.close()
    store.close()


def view(world, role):
    service, accounts, users = world
    if role == "public":
        return GraphView.for_anonymous(service, accounts, public_view=True)
    return GraphView(service, users[role].principal(), accounts, ip="10.0.0.7")


def everything_a_reader_can_get(v: GraphView) -> dict:
    """Call every read of the view on every id the store holds; what comes back, as
    plain data (only the answers: the questions name restricted ids)."""
    store = v.store
    all_actor_ids = [a.id for a in store.find_actors()] + ["missing"]
    all_tie_ids = [t.id for t in store.ties()] + ["missing"]
    out = {"snapshot": nx.node_link_data(v.snapshot(), edges="edges"),
           "graph_meta": v.snapshot().graph, "counts": v.counts(),
           "find": [a.to_record() for a in v.find_actors()],
           "search": [], "actors": [], "ties_of": [], "neighbours": [], "intros_of": [],
           "tie": [], "ties": [t.to_record() for t in v.ties()],
           "intros": [i.to_record() for i in v.introductions()]}
    for q in RESTRICTED_NAMES + ["Uno", "Dos", "oculta", "r"]:
        out["search"].append([a.to_record() for a in v.find_actors(ActorFilter(q=q))])
    for kind in ("individual", "funder"):
        out["search"].append([a.to_record() for a in v.find_actors(ActorFilter(kind=kind))])
    for aid in all_actor_ids:
        for key, call in (("actors", lambda aid=aid: v.get_actor(aid).to_record()),
                          ("ties_of", lambda aid=aid: [t.to_record() for t in v.ties(aid)]),
                          ("neighbours", lambda aid=aid: [[t.to_record(), a.to_record()]
                                                          for t, a in v.neighbours(aid)]),
                          ("intros_of", lambda aid=aid: [i.to_record()
                                                         for i in v.introductions(aid)])):
            try:
                out[key].append(call())
            except NotFound as exc:
                # The asker typed this id, so the message may repeat it; it must be
                # the very message a truly missing id gets.
                assert str(exc) == str(not_found_actor(aid))
                out[key].append("not found")
    for tid in all_tie_ids:
        try:
            out["tie"].append(v.get_tie(tid).to_record())
        except NotFound:
            out["tie"].append("not found")
    return out


@pytest.mark.parametrize("role", ["public", "viewer"])
def test_no_restricted_name_or_id_reaches_a_viewer(world, role):
    v = view(world, role)
    text = json.dumps(everything_a_reader_can_get(v), ensure_ascii=False, default=str)
    for name in RESTRICTED_NAMES:
        assert name not in text
    for rid in RESTRICTED_IDS:
        # ids appear quoted wherever a record carries them (ends, channels, keys)
        assert f'"{rid}"' not in text
    assert "informal:p1--p4" not in text  # the restricted tie between public actors
    with pytest.raises((Forbidden, Unauthorized)):
        v.audit_export("graph")


def test_viewer_sees_the_hand_worked_public_graph(world):
    v = view(world, "viewer")
    G = v.snapshot()
    assert set(G) == {"p1", "p2", "p3", "p4"}
    assert sorted(G.edges(keys=True)) == sorted([
        ("p1", "p2", "formal:p1--p2"), ("p2", "p4", "informal:p2--p4"),
        ("p3", "p1", "funding:p3->p1:2021")])
    assert G.edges["p3", "p1", "funding:p3->p1:2021"]["channel"] == []  # r2 scrubbed
    assert v.counts() == {"actors": 4, "ties": 3}
    assert [(t.id, t.channel) for t in v.ties("p1", kinds=["funding"])] == [
        ("funding:p3->p1:2021", [])]
    assert sorted(a.id for _, a in v.neighbours("p1")) == ["p2", "p3"]
    # introductions: only the proposed one among public actors, without its note
    [intro] = v.introductions()
    assert (intro.source, intro.target, intro.via, intro.note) == ("p2", "p3", "p1", None)
    # the shared whole snapshot itself is untouched
    raw = v.service.snapshot(include_restricted=True)
    assert raw.edges["p3", "p1", "funding:p3->p1:2021"]["channel"] == ["r2"]
    assert v.snapshot() is G  # built once per store version


def test_restricted_actor_is_not_found_like_a_missing_one(world):
    v = view(world, "viewer")
    with pytest.raises(NotFound) as hidden:
        v.get_actor("r1")
    with pytest.raises(NotFound) as missing:
        v.get_actor("zz")
    assert str(hidden.value).replace("r1", "ID") == str(missing.value).replace("zz", "ID")
    with pytest.raises(NotFound):
        v.ties("r1")
    with pytest.raises(NotFound):
        v.get_tie("informal:p1--p4")


@pytest.mark.parametrize("role", ["analyst", "editor", "admin"])
def test_analysts_and_up_see_everything(world, role):
    v = view(world, role)
    G = v.snapshot()
    assert G.number_of_nodes() == len(ACTORS) and G.number_of_edges() == len(TIES)
    assert v.get_actor("r1").name == "Defensora Oculta Uno"
    assert len(v.introductions()) == len(INTROS)
    assert v.introductions()[1].note == "ask Defensora Oculta Uno first"
    rec = graph_document(v.snapshot(), v.introductions())
    assert len(rec["actors"]) == 6 and len(rec["ties"]) == 7 and len(rec["introductions"]) == 4
    text = json.dumps(rec, ensure_ascii=False)
    assert all(name in text for name in RESTRICTED_NAMES)


def test_views_of_restricted_data_are_audited(world):
    service, accounts, _ = world
    v = view(world, "analyst")
    v.get_actor("p1")  # public: not audited
    v.get_actor("r1")
    v.get_actor("r1")  # once per view (one web request): logged once
    v.get_tie("informal:p1--p4")
    v.audit_export("graph")
    got = [(e.actor, e.action, e.target, e.ip) for e in accounts.audit_entries()
           if e.actor == "analyst1"]
    assert got == [("analyst1", "view_restricted", "actor:r1", "10.0.0.7"),
                   ("analyst1", "view_restricted", "tie:informal:p1--p4", "10.0.0.7"),
                   ("analyst1", "export", "graph", "10.0.0.7")]
    export = accounts.audit_entries(action="export")[0]
    assert export.details["restricted_included"] is True


def test_anonymous_is_refused_unless_the_public_view_is_published(world):
    service, accounts, _ = world
    with pytest.raises(Unauthorized, match="sign in"):
        GraphView.for_anonymous(service, accounts, public_view=False)
    v = GraphView.for_anonymous(service, accounts, public_view=True)
    assert v.principal == PUBLIC and not v.restricted
    with pytest.raises(Unauthorized):
        v.upsert([A("x", "X")], action="edit")


def test_writes_need_the_editor_role_and_are_audited(world):
    service, accounts, _ = world
    for role in ("viewer", "analyst"):
        with pytest.raises(Forbidden, match=f"the {role} role may not"):
            view(world, role).upsert([A("x", "Nueva")], action="import")
        with pytest.raises(Forbidden):
            view(world, role).delete_actors(["p1"])
    assert service.store.get_actor("x") is None
    ed = view(world, "editor")
    ed.upsert([A("x", "Nueva")], action="import", source="file:nuevas.csv")
    ed.upsert([], [T("x", "p1", "formal")])
    ed.record_introduction(Introduction(source="x", target="p2", status="proposed"))
    ed.delete_ties(["formal:p1--x"])
    ed.delete_actors(["x"])
    got = [(e.action, e.target) for e in accounts.audit_entries() if e.actor == "editor1"]
    assert got == [("import", "file:nuevas.csv"), ("edit", "graph"), ("edit", "introduction"),
                   ("delete", "ties"), ("delete", "actors")]
    first = accounts.audit_entries(action="import")[0].details
    assert first["actors_created"] == 1 and first["actor_ids"] == ["x"]


# --- viewer metrics equal the metrics of the graph with restricted records deleted ---

def _metrics(G: nx.MultiDiGraph) -> dict:
    simple = nx.Graph(G)  # the undirected projection the analyses use
    return {"degree": nx.degree_centrality(simple),
            "betweenness": nx.betweenness_centrality(simple),
            "pagerank": nx.pagerank(nx.DiGraph(G)),
            "multi_degree": dict(G.degree())}


def _deleted_copy(store: SQLiteStore, path) -> SQLiteStore:
    """A copy of the store file with every restricted record actually deleted."""
    src = sqlite3.connect(store.path)
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    copy = SQLiteStore(path)
    restricted_ties = [t.id for t in copy.ties() if t.visibility == "restricted"]
    restricted_actors = [a.id for a in copy.find_actors() if a.visibility == "restricted"]
    assert copy.delete_ties(restricted_ties) == len(restricted_ties)
    assert copy.delete_actors(restricted_actors) == len(restricted_actors)
    assert all(a.visibility == "public" for a in copy.find_actors())
    assert all(t.visibility == "public" for t in copy.ties())
    return copy


@pytest.mark.parametrize("dataset", ["hand-made", "illustrative"])
def test_viewer_metrics_equal_metrics_with_restricted_records_deleted(world, tmp_path, dataset):
    service, accounts, users = world
    if dataset == "illustrative":
        service.store.clear()
        load_illustrative(service.store, seed=2021)
    full = service.snapshot()
    assert any(d["visibility"] == "restricted" for _, _, d in full.edges(data=True))
    copy = _deleted_copy(service.store, tmp_path / "deleted.db")
    try:
        expected_graph = copy.snapshot()  # every tie ever recorded
        got_graph = GraphView(service, users["viewer"].principal(), accounts,
                              as_of="all").snapshot()
        assert set(got_graph) == set(expected_graph)
        assert set(got_graph.edges(keys=True)) == set(expected_graph.edges(keys=True))
        # and as of today (the default), through the same gate on both stores
        today = GraphView(service, users["viewer"].principal(), accounts).snapshot()
        copy_today = GraphService(copy).snapshot()
        assert set(today.edges(keys=True)) == set(copy_today.edges(keys=True))
        got_today, expected_today = _metrics(today), _metrics(copy_today)
        for name in expected_today:
            assert got_today[name] == pytest.approx(expected_today[name]), name
        got, expected = _metrics(got_graph), _metrics(expected_graph)
        for name in expected:
            assert got[name] == pytest.approx(expected[name]), name
        # and they differ from the analyst's, or the test would prove nothing
        analyst = _metrics(GraphView(service, users["analyst"].principal(), accounts).snapshot())
        assert analyst["betweenness"] != expected["betweenness"]
    finally:
        copy.close()


def test_illustrative_network_leaks_nothing_to_a_viewer(world):
    service, accounts, users = world
    service.store.clear()
    load_illustrative(service.store, seed=2021)
    restricted_actors = [a for a in service.store.find_actors() if a.visibility == "restricted"]
    restricted_ties = [t for t in service.store.ties() if t.visibility == "restricted"]
    assert restricted_actors and restricted_ties
    v = GraphView(service, users["viewer"].principal(), accounts)
    G = v.snapshot()
    payload = {"snapshot": nx.node_link_data(G, edges="edges"),
               "actors": [a.to_record() for a in v.find_actors()],
               "ties": [t.to_record() for t in v.ties()],
               "neighbours": {a: [[t.to_record(), b.to_record()] for t, b in v.neighbours(a)]
                              for a in G},
               "intros": [i.to_record() for i in v.introductions()]}
    text = json.dumps(payload, ensure_ascii=False)
    for a in restricted_actors:
        assert a.name not in text and f'"{a.id}"' not in text
    for t in restricted_ties:
        assert f'"{t.id}"' not in text
