"""The contract every graph store passes.

A backend's test module subclasses :class:`StoreContract` and provides a
``store`` fixture yielding an empty store (see ``test_store_sqlite.py``).
Nothing here knows which backend it runs on.
"""
from __future__ import annotations

import random
import threading

import networkx as nx
import pandas as pd
import pytest

from edit_contract import EditContract
from graphsvc.errors import ValidationFailed
from graphsvc.history import ChangeInfo
from graphsvc.model import Actor, Event, Group, Introduction, Tie
from graphsvc.queries.communities import louvain
from graphsvc.queries.introductions import suggest_introductions
from graphsvc.queries.metrics import actor_metrics
from graphsvc.queries.projection import project
from graphsvc.snapshot import build_snapshot, build_two_mode
from graphsvc.stores import ActorFilter, GraphStore


def actor(id, **kw):
    kw.setdefault("name", f"Actor {id}")
    kw.setdefault("kind", "cso")
    kw.setdefault("country", "MX")
    kw.setdefault("visibility", "public")
    return Actor(id=id, **kw)


def tie(s, t, kind="formal", **kw):
    kw.setdefault("visibility", "public")
    return Tie(source=s, target=t, kind=kind, **kw)


def ordering_graph(seed: int = 0) -> tuple[list[Actor], list[Tie]]:
    """40 actors and 110 ties across the border, in a scrambled order.

    Small enough for every server, and a graph whose seeded Louvain
    communities change with the order nodes and edges are added (checked in
    :meth:`StoreContract.test_snapshot_order_is_by_id_whatever_the_insertion_order`).
    No apostrophes: the stand-in cannot carry them.
    """
    rng = random.Random(seed)
    actors = [actor(f"o{i:02d}", name=f"Org {i}",
                    kind=rng.choice(["cso", "shelter", "government", "international_org"]),
                    country=rng.choice(["MX", "US"]),
                    city=rng.choice(["Tijuana", "San Diego", "Ciudad Juárez", "El Paso"]))
              for i in range(40)]
    ties, seen = [], set()
    while len(ties) < 110:
        a, b = rng.sample(range(40), 2)
        kind = rng.choice(["formal", "informal", "funding"])
        extra = ({"year": 2020 + rng.randint(0, 3), "amount": 1000 * rng.randint(1, 50),
                  "currency": "USD"} if kind == "funding" else {})
        t = tie(f"o{a:02d}", f"o{b:02d}", kind, strength=rng.randint(1, 20) / 20, **extra)
        if t.id not in seen:
            seen.add(t.id)
            ties.append(t)
    rng.shuffle(actors)
    rng.shuffle(ties)
    return actors, ties


def answers(G: nx.MultiDiGraph) -> dict:
    """What the seeded analyses say about a snapshot."""
    H = project(G)
    return {
        "communities": {engine: louvain(H, seed=0, engine=engine)
                        for engine in ("networkx", "igraph")},
        "metrics": actor_metrics(G, seed=0),
        "suggestions": {a: suggest_introductions(G, a, seed=0) for a in ("o00", "o07")},
    }


def assert_same_answers(A: dict, B: dict) -> None:
    assert A["communities"] == B["communities"]
    pd.testing.assert_frame_equal(A["metrics"], B["metrics"])
    assert A["suggestions"] == B["suggestions"]


def small_graph():
    """Three actors, a funding chain prm -> unhcr -> cso1 and parallel ties."""
    actors = [
        actor("prm", name="PRM", kind="government", country="US", roles=["funder"],
              level="federal"),
        actor("unhcr", name="ACNUR / UNHCR", kind="international_org", country="INT"),
        actor("cso1", name="Albergue Ñandú", city="Tijuana",
              issue_areas=["shelter", "legal_aid"], languages=["es"]),
        actor("cso2", name="Sin Fronteras Demo", city="Ciudad de México",
              visibility="restricted"),
    ]
    ties = [
        tie("prm", "unhcr", "funding", amount=1_000_000, currency="USD", year=2020),
        tie("unhcr", "cso1", "funding", amount=250_000.5, currency="USD", year=2020,
            channel=["prm"]),
        tie("unhcr", "cso1", "formal", subtype="implementing_partner",
            since="2019-03-01", strength=0.8),
        tie("cso1", "unhcr", "informal", subtype="workshop", note="met in Tijuana"),
        tie("cso1", "cso2", "informal", visibility="restricted"),
    ]
    return actors, ties


def workshop(**kw):
    """A public workshop in Tijuana with three of :func:`small_graph`'s actors."""
    kw.setdefault("participants", [{"actor": "cso1", "role": "organiser"},
                                   {"actor": "unhcr", "role": "speaker"},
                                   {"actor": "cso2"}])
    return Event(**{"id": "tj-2017", "title": "Taller binacional Tijuana", "kind": "workshop",
                    "start": "2017-05-10", "end": "2017-05-11", "city": "Tijuana",
                    "country": "MX", "issue_areas": ["legal_aid", "shelter"],
                    "languages": ["es", "en"], "visibility": "public",
                    "note": "Sign-in sheet scanned", "provenance": "workshop",
                    "source_ref": "hoja de registro", **kw})


def working_group(**kw):
    kw.setdefault("members", [
        {"actor": "cso1", "role": "chair", "since": "2018-01-01", "visibility": "public"},
        {"actor": "unhcr", "role": "observer", "since": "2018-01-01", "until": "2019-12-31",
         "visibility": "public"},
        {"actor": "prm", "visibility": "restricted"}])
    return Group(**{"id": "wg-legal", "title": "Grupo de trabajo legal", "kind": "working_group",
                    "issue_areas": ["legal_aid"], "languages": ["es"],
                    "visibility": "public", **kw})


EDITOR = ChangeInfo(who="editor1", path="cli")


class EventContract:
    """Events and groups: stored whole, written through the history."""

    def test_events_and_groups_round_trip_every_field(self, store, small):
        store.upsert(*small)
        v = store.version()
        e, g = workshop(), working_group()
        store.create_record(e, EDITOR)
        store.create_record(g, EDITOR)
        assert store.get_event(e.id) == e and store.get_group(g.id) == g
        assert store.events() == [e] and store.groups() == [g]
        assert store.get_event("nope") is None and store.get_group("nope") is None
        assert store.version() == v + 2

    def test_events_by_start_then_id(self, store, small):
        store.upsert(*small)
        later = workshop(id="mty-2018", start="2018-03-01", end=None)
        store.put_records([later, workshop(), workshop(id="a-2017")], EDITOR)
        assert [x.id for x in store.events()] == ["a-2017", "tj-2017", "mty-2018"]

    def test_unknown_participant_refused_and_nothing_written(self, store, small):
        store.upsert(*small)
        v = store.version()
        bad = workshop(participants=[{"actor": "cso1"}, {"actor": "nobody"}])
        with pytest.raises(ValidationFailed, match="event or group") as exc:
            store.create_record(bad, EDITOR)
        assert [p.value for p in exc.value.problems] == ["nobody"]
        with pytest.raises(ValidationFailed):
            store.put_records([workshop(), working_group(members=[{"actor": "nobody"}])],
                              EDITOR)
        assert store.version() == v and store.events() == [] and store.groups() == []

    def test_writes_are_history_entries(self, store, small):
        store.upsert(*small)
        store.create_record(workshop(), EDITOR)
        fewer = workshop(participants=[{"actor": "cso1", "role": "organiser"}])
        change = store.update_record(fewer, EDITOR)
        assert change is not None and change.action == "update"
        item = change.item("event", "tj-2017")
        assert item is not None and item.revision == 2
        assert len(item.before["participants"]) == 3 and len(item.after["participants"]) == 1
        assert store.update_record(fewer, EDITOR) is None  # nothing changed
        # the change is found from the actors it is about
        assert change.seq in [c.seq for c in store.changes(actor="unhcr")]
        gone = store.delete_record("event", "tj-2017", EDITOR)
        assert store.get_event("tj-2017") is None
        store.revert(gone.seq, EDITOR)
        assert store.get_event("tj-2017") == fewer
        assert [c.action for c in store.changes(record=("event", "tj-2017"))] == [
            "restore", "delete", "update", "create"]

    def test_put_records_is_one_change_and_skips_unchanged(self, store, small):
        store.upsert(*small)
        change = store.put_records([workshop(), working_group()],
                                   ChangeInfo(who="ana", path="import"))
        assert change is not None and {(i.record, i.id) for i in change.items} == {
            ("event", "tj-2017"), ("group", "wg-legal")}
        v = store.version()
        assert store.put_records([workshop(), working_group()], EDITOR) is None
        assert store.version() == v

    def test_stale_revision_is_a_conflict(self, store, small):
        from graphsvc.errors import Conflict

        store.upsert(*small)
        store.create_record(workshop(), EDITOR)
        store.update_record(workshop(title="Taller renombrado"), EDITOR, expect=1)
        with pytest.raises(Conflict):
            store.update_record(workshop(title="Otro"), EDITOR, expect=1)
        assert store.get_event("tj-2017").title == "Taller renombrado"

    def test_deleted_actor_leaves_attendance_that_its_restore_brings_back(self, store, small):
        store.upsert(*small)
        store.create_record(workshop(), EDITOR)
        gone = store.delete_actor("cso2", EDITOR)
        assert "cso2" in store.get_event("tj-2017").actor_ids  # kept as written
        B = build_two_mode(store.events(), store.groups(), store.snapshot())
        assert "cso2" not in B
        # the event can still be edited while it lists the deleted actor
        store.update_record(workshop(title="Taller binacional"), EDITOR)
        store.revert(gone.seq, EDITOR)
        B = build_two_mode(store.events(), store.groups(), store.snapshot())
        assert B.has_edge("cso2", "event:tj-2017")

    def test_merged_participant_counts_for_the_survivor(self, store, small):
        store.upsert(*small)
        store.create_record(workshop(), EDITOR)
        store.merge_actors("cso1", "cso2", EDITOR)
        B = build_two_mode(store.events(), store.groups(), store.snapshot(),
                           aliases=store.aliases())
        assert B.has_edge("cso1", "event:tj-2017") and "cso2" not in B
        # a record written later under the merged id lands on the survivor
        store.create_record(workshop(id="x-2019", participants=[{"actor": "cso2"}]), EDITOR)
        assert store.get_event("x-2019").actor_ids == ["cso1"]

    def test_kept_plan_round_trips_with_history(self, store, small):
        """An event's kept invitation list is stored whole, every write of it a
        history entry (revertable), and merges move it to the survivor."""
        store.upsert(*small)
        store.create_record(workshop(), EDITOR)
        plan = {"invited": ["cso1", "cso2", "prm"], "pairs": [["prm", "cso1"],
                                                             ["cso2", "prm"]],
                "planned_on": "2017-04-01"}
        change = store.update_record(workshop(plan=plan), EDITOR)
        kept = store.get_event("tj-2017")
        assert kept.plan is not None and kept.plan.invited == ["cso1", "cso2", "prm"]
        assert kept.plan.pairs == [("cso1", "prm"), ("cso2", "prm")]
        assert kept == workshop(plan=plan)
        item = change.item("event", "tj-2017")
        assert item.before.get("plan") is None and item.after["plan"]["invited"] == [
            "cso1", "cso2", "prm"]
        assert change.seq in [c.seq for c in store.changes(actor="prm")]
        store.revert(change.seq, EDITOR)
        assert store.get_event("tj-2017").plan is None
        store.update_record(workshop(plan=plan), EDITOR)
        store.merge_actors("cso1", "cso2", EDITOR)
        store.update_record(workshop(plan=plan, title="Taller"), EDITOR)
        moved = store.get_event("tj-2017").plan
        assert moved.invited == ["cso1", "prm"] and moved.pairs == [("cso1", "prm")]

    def test_kept_plan_must_name_actors(self, store, small):
        store.upsert(*small)
        store.create_record(workshop(), EDITOR)
        v = store.version()
        with pytest.raises(ValidationFailed, match="event or group"):
            store.update_record(workshop(plan={"invited": ["cso1", "ghost"],
                                               "planned_on": "2017-04-01"}), EDITOR)
        assert store.version() == v and store.get_event("tj-2017").plan is None

    def test_clear_removes_events_and_groups(self, store, small):
        store.upsert(*small)
        store.put_records([workshop(), working_group()], EDITOR)
        store.clear()
        assert store.events() == [] and store.groups() == []

    def test_hostile_text_in_events_is_data(self, store, small):
        store.upsert(*small)
        title = 'x" }) MATCH (n) DETACH DELETE n //'
        e = workshop(title=title, note="<script>alert(1)</script>")
        store.create_record(e, EDITOR)
        assert store.get_event(e.id) == e and store.counts()["actors"] == 4


class StoreContract(EventContract, EditContract):
    """Behaviour every :class:`GraphStore` backend must show (edits, history
    and merges: :class:`edit_contract.EditContract`; events and groups:
    :class:`EventContract`)."""

    def test_is_a_graph_store(self, store):
        assert isinstance(store, GraphStore)
        assert store.name

    def test_empty(self, store):
        assert store.counts() == {"actors": 0, "ties": 0}
        assert store.find_actors() == []
        assert store.ties() == []
        assert store.snapshot().number_of_nodes() == 0

    def test_upsert_and_get_roundtrip_every_field(self, store, small):
        actors, ties = small
        res = store.upsert(actors, ties)
        assert (res.actors_created, res.ties_created) == (4, 5)
        for a in actors:
            assert store.get_actor(a.id) == a
        for t in ties:
            assert store.get_tie(t.id) == t
        assert store.get_actor("nope") is None
        assert store.get_tie("nope") is None
        assert store.counts() == {"actors": 4, "ties": 5}

    def test_parallel_ties_of_different_kinds_stay_distinct(self, store, small):
        store.upsert(*small)
        kinds = sorted(t.kind for t in store.ties("cso1") if "unhcr" in (t.source, t.target))
        assert kinds == ["formal", "funding", "informal"]
        G = store.snapshot()
        assert G.number_of_edges("unhcr", "cso1") + G.number_of_edges("cso1", "unhcr") == 3

    def test_reupsert_same_batch_changes_nothing(self, store, small):
        store.upsert(*small)
        v = store.version()
        res = store.upsert(*small)
        assert not res.changed
        assert (res.actors_unchanged, res.ties_unchanged) == (4, 5)
        assert store.version() == v
        assert store.counts() == {"actors": 4, "ties": 5}

    def test_update_changes_record_and_version(self, store, small):
        store.upsert(*small)
        v = store.version()
        changed = small[0][2].model_copy(update={"name": "Albergue Renombrado"})
        res = store.upsert([changed])
        assert (res.actors_updated, res.actors_unchanged) == (1, 0)
        assert store.get_actor("cso1").name == "Albergue Renombrado"
        assert store.version() > v
        assert res.version == store.version()

    def test_unknown_tie_end_rejected_and_nothing_written(self, store, small):
        store.upsert(*small)
        v, before = store.version(), store.counts()
        bad = [tie("cso1", "ghost"), tie("cso1", "prm")]
        with pytest.raises(ValidationFailed) as err:
            store.upsert([actor("new")], bad)
        assert "ghost" in str(err.value.problems[0])
        assert store.counts() == before
        assert store.get_actor("new") is None
        assert store.version() == v

    def test_unknown_channel_actor_rejected(self, store, small):
        store.upsert(*small)
        with pytest.raises(ValidationFailed):
            store.upsert([], [tie("unhcr", "cso2", "funding", channel=["ghost"])])

    def test_tie_ends_may_come_in_same_batch(self, store):
        store.upsert([actor("x"), actor("y")], [tie("x", "y")])
        assert store.counts() == {"actors": 2, "ties": 1}

    def test_delete_actor_removes_its_ties(self, store, small):
        store.upsert(*small)
        v = store.version()
        assert store.delete_actors(["cso1", "missing"]) == 1
        assert store.get_actor("cso1") is None
        assert {t.id for t in store.ties()} == {"funding:prm->unhcr:2020"}
        assert store.version() > v

    def test_delete_ties(self, store, small):
        store.upsert(*small)
        v = store.version()
        assert store.delete_ties(["informal:cso1--unhcr:workshop", "nope"]) == 1
        assert store.counts()["ties"] == 4
        assert store.version() > v
        assert store.delete_ties(["nope"]) == 0

    def test_version_changes_on_every_write(self, store, small):
        seen = [store.version()]
        store.upsert(*small)
        seen.append(store.version())
        store.set_meta("label", "x")
        seen.append(store.version())
        store.delete_ties(["funding:prm->unhcr:2020"])
        seen.append(store.version())
        store.clear()
        seen.append(store.version())
        assert len(set(seen)) == len(seen)

    def test_meta(self, store):
        store.set_meta("illustrative", "true")
        assert store.meta() == {"illustrative": "true"}
        assert store.snapshot().graph["illustrative"] == "true"
        store.set_meta("illustrative", None)
        assert store.meta() == {}

    def test_clear(self, store, small):
        store.upsert(*small)
        store.set_meta("illustrative", "true")
        store.clear()
        assert store.counts() == {"actors": 0, "ties": 0}
        assert store.meta() == {}

    def test_find_actors_filters(self, store, small):
        store.upsert(*small)

        def ids(**kw):
            return [a.id for a in store.find_actors(ActorFilter(**kw))]

        assert ids() == ["unhcr", "cso1", "prm", "cso2"]  # by name
        assert ids(q="nandu") == ["cso1"]  # accents and case folded
        assert ids(q="TIJUANA") == ["cso1"]  # city
        assert ids(q="100%") == []  # wildcards are literal
        assert ids(kind="government") == ["prm"]
        assert ids(country="mx") == ["cso1", "cso2"]
        assert ids(city="tijuana") == ["cso1"]
        assert ids(issue_area="legal_aid") == ["cso1"]
        assert ids(include_restricted=False) == ["unhcr", "cso1", "prm"]
        assert [a.id for a in store.find_actors(limit=2, offset=1)] == ["cso1", "prm"]

    def test_hostile_text_is_data(self, store):
        evil = "x'); DROP TABLE actors; -- \" MATCH (n) DETACH DELETE n //"
        store.upsert([actor("e1", name=evil, description=evil), actor("e2")],
                     [tie("e1", "e2", note=evil)])
        assert store.get_actor("e1").name == evil
        assert [a.id for a in store.find_actors(ActorFilter(q=evil))] == ["e1"]
        assert store.counts() == {"actors": 2, "ties": 1}

    def test_ties_filters(self, store, small):
        store.upsert(*small)
        assert len(store.ties()) == 5
        assert {t.kind for t in store.ties(kinds=["funding"])} == {"funding"}
        assert len(store.ties("cso2")) == 1
        # restricted ties and ties touching restricted actors are left out
        assert {t.id for t in store.ties(include_restricted=False)} == {
            "funding:prm->unhcr:2020", "funding:unhcr->cso1:2020",
            "formal:cso1--unhcr:implementing_partner", "informal:cso1--unhcr:workshop"}

    def test_neighbours(self, store, small):
        store.upsert(*small)
        got = sorted((t.kind, a.id) for t, a in store.neighbours("cso1"))
        assert got == [("formal", "unhcr"), ("funding", "unhcr"),
                       ("informal", "cso2"), ("informal", "unhcr")]
        got = sorted((t.kind, a.id) for t, a in store.neighbours("cso1", kinds=["informal"]))
        assert got == [("informal", "cso2"), ("informal", "unhcr")]
        assert all(a.id != "cso2" for _, a in
                   store.neighbours("cso1", include_restricted=False))

    def test_snapshot_shape(self, store, small):
        actors, ties = small
        store.upsert(actors, ties)
        G = store.snapshot()
        assert isinstance(G, nx.MultiDiGraph)
        assert G.graph["version"] == store.version()
        assert set(G) == {a.id for a in actors}
        assert G.nodes["cso1"]["name"] == "Albergue Ñandú"
        assert G.nodes["cso1"]["issue_areas"] == ["shelter", "legal_aid"]
        # funding runs funder -> recipient
        e = G.edges["unhcr", "cso1", "funding:unhcr->cso1:2020"]
        assert (e["kind"], e["directed"], e["amount"], e["channel"]) == (
            "funding", True, 250_000.5, ["prm"])
        f = [d for _, _, d in G.edges(data=True) if d["kind"] == "formal"][0]
        assert f["directed"] is False and f["since"] == "2019-03-01" and f["strength"] == 0.8
        # every attribute of every record is on the graph
        for a in actors:
            rec = a.to_record()
            rec.pop("id")
            assert G.nodes[a.id] == rec
        assert G.number_of_edges() == len(ties)

    def test_snapshot_without_restricted(self, store, small):
        store.upsert(*small)
        G = store.snapshot(include_restricted=False)
        assert "cso2" not in G
        assert G.number_of_edges() == 4

    def test_concurrent_reads_during_write(self, store, small):
        store.upsert(*small)
        errors = []

        def reader():
            try:
                for _ in range(20):
                    assert store.snapshot().number_of_nodes() >= 4
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(2)]
        for t in threads:
            t.start()
        store.upsert([actor(f"bulk{i}") for i in range(200)])
        for t in threads:
            t.join()
        assert errors == []
        assert store.counts()["actors"] == 204

    def test_introductions_log(self, store, small):
        store.upsert(*small)
        v = store.version()
        store.record_introduction(Introduction(source="cso1", target="prm", via="unhcr",
                                               status="proposed"))
        store.record_introduction(Introduction(source="cso2", target="prm",
                                               status="declined", note="not now"))
        assert store.version() > v
        got = store.introductions()
        assert [(i.source, i.target, i.via, i.status) for i in got] == [
            ("cso1", "prm", "unhcr", "proposed"), ("cso2", "prm", None, "declined")]
        assert got[1].note == "not now" and got[0].recorded_at is not None
        assert [i.status for i in store.introductions("unhcr")] == ["proposed"]
        assert [i.status for i in store.introductions("prm")] == ["proposed", "declined"]
        with pytest.raises(ValidationFailed):
            store.record_introduction(Introduction(source="cso1", target="ghost",
                                                   status="made"))
        store.clear()
        assert store.introductions() == []

    # --- same data, same answers; writers and readers at once -------------

    def test_snapshot_order_is_by_id_whatever_the_insertion_order(self, store):
        """Nodes and edges come in id order, so seeded analyses agree across stores.

        The reference is built from the same records sorted by id; the store
        was given them scrambled. A snapshot built in storage or insertion
        order fails the order assertions, and (for this graph) the
        communities with them.
        """
        actors, ties = ordering_graph()
        store.upsert(actors, ties)
        G = store.snapshot()
        ref = build_snapshot(sorted(actors, key=lambda a: a.id),
                             sorted(ties, key=lambda t: t.id),
                             version=G.graph["version"], meta=store.meta())
        assert list(G.nodes) == sorted(G.nodes)
        assert list(G.nodes(data=True)) == list(ref.nodes(data=True))
        assert list(G.edges(keys=True, data=True)) == list(ref.edges(keys=True, data=True))
        assert list(G.in_edges(keys=True)) == list(ref.in_edges(keys=True))
        assert G.graph == ref.graph
        assert_same_answers(answers(G), answers(ref))
        # the graph is one where order matters: scrambled, Louvain differs
        scrambled = build_snapshot(actors, ties)
        assert answers(scrambled)["communities"] != answers(ref)["communities"]
        # adjacency order too: each node's neighbours in the order of its ties' ids
        for u in G:
            firsts = {}
            for _, v, k in sorted(G.out_edges(u, keys=True), key=lambda e: e[2]):
                firsts.setdefault(v, k)
            assert list(G.adj[u]) == sorted(firsts, key=firsts.get)

    def test_concurrent_upserts_deletes_and_settings(self, store):
        """Writers of every kind at once: none fails, none is counted twice.

        Progress is reported once per row of each committed write, so a
        write that a server retried (after a deadlock, say) cannot overshoot.
        """
        hubs = [actor(f"h{i:02d}") for i in range(12)]
        doomed = [actor(f"d{i:02d}") for i in range(8)]
        store.upsert(hubs + doomed,
                     [tie(d.id, hubs[i].id, "informal") for i, d in enumerate(doomed)])
        errors, rounds = [], 8

        def guard(fn):
            def run():
                try:
                    fn()
                except Exception as exc:  # pragma: no cover - reported below
                    errors.append(exc)
            return run

        def upserter():
            for r in range(rounds):
                ties = [tie(hubs[i].id, hubs[(i + 1 + r) % 12].id, "formal",
                            id=f"ring{i:02d}", note=f"round {r}") for i in range(12)]
                seen = []
                store.upsert(hubs, ties, progress=seen.append)
                assert sum(seen) == len(hubs) + len(ties), seen

        def deleter():
            for r in range(rounds):
                store.delete_ties([f"ring{(3 * r) % 12:02d}"])
                store.delete_actors([doomed[r].id])

        def settler():
            for r in range(rounds):
                store.set_meta("round", str(r))
                store.record_introduction(Introduction(source="h00", target=f"h{r + 1:02d}",
                                                       status="proposed"))

        threads = [threading.Thread(target=guard(f)) for f in (upserter, deleter, settler)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert errors == []
        assert not any(t.is_alive() for t in threads)
        assert store.existing_actor_ids(d.id for d in doomed) == set()
        assert store.counts() == {"actors": 12, "ties": len(store.ties())}
        assert all(t.id.startswith("ring") for t in store.ties())
        assert store.meta() == {"round": str(rounds - 1)}
        assert len(store.introductions()) == rounds
        # a last upsert of everything changes nothing and counts every row once
        seen = []
        res = store.upsert(hubs, store.ties(), progress=seen.append)
        assert not res.changed and sum(seen) == 12 + len(store.ties())

    def test_snapshot_is_one_version_under_a_concurrent_writer(self, store):
        """Every snapshot read while a writer adds ties is exactly some version's graph."""
        hubs = [actor(f"p{i:02d}") for i in range(16)]
        base = store.upsert(hubs).version
        ties_at = {base: 0}
        done, reading, errors, seen = threading.Event(), threading.Event(), [], []

        def writer():
            try:
                reading.wait(timeout=60)
                for k in range(25):
                    batch = [tie(f"p{(k + j) % 16:02d}", f"p{(k + j + 5) % 16:02d}",
                                 "informal", id=f"w{k:02d}-{j}") for j in range(3)]
                    v = store.upsert([], batch).version
                    ties_at[v] = 3 * (k + 1)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                done.set()

        def reader():
            try:
                taken = 0
                while not done.is_set() or taken < 3:
                    G = store.snapshot()
                    seen.append((G.graph["version"], G.number_of_edges()))
                    taken += 1
                    reading.set()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=f) for f in (writer, reader, reader)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert errors == []
        assert seen, "the readers took no snapshot"
        wrong = [(v, n, ties_at.get(v)) for v, n in seen if ties_at.get(v) != n]
        assert wrong == [], f"snapshots that no version had (version, ties, expected): {wrong[:5]}"
