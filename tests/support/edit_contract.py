"""The store contract for edits: revisions, conflicts, history, restore, merge.

Part of :class:`store_contract.StoreContract`, so it runs on every backend.
No apostrophes in values: the stand-in cannot carry them.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from graphsvc.errors import Conflict, NotFound, ValidationFailed
from graphsvc.history import ChangeInfo
from graphsvc.model import Actor, Evidence, Introduction, Tie

WEB = ChangeInfo(who="editor1", path="form", reason="met at the Tijuana convening")
API = ChangeInfo(who="script", path="api")


def A(id, **kw):
    kw.setdefault("name", f"Actor {id}")
    kw.setdefault("kind", "cso")
    kw.setdefault("country", "MX")
    kw.setdefault("visibility", "public")
    return Actor(id=id, **kw)


def T(s, t, kind="formal", **kw):
    kw.setdefault("visibility", "public")
    return Tie(source=s, target=t, kind=kind, **kw)


def _graph(store):
    """What the graph holds, to compare before and after an operation."""
    G = store.snapshot()
    return (sorted(G.nodes(data=True)), sorted((u, v, k, sorted(d.items()))
                                               for u, v, k, d in G.edges(keys=True,
                                                                         data=True)))


class EditContract:
    def test_create_update_delete_actor_keep_history_and_revisions(self, store):
        v0 = store.version()
        c1 = store.create_actor(A("casa", city="Tijuana"), WEB)
        assert store.version() > v0 and store.revision("actor", "casa") == 1
        assert (c1.action, c1.who, c1.path, c1.reason) == (
            "create", "editor1", "form", "met at the Tijuana convening")
        assert c1.items[0].before is None and c1.items[0].after["city"] == "Tijuana"
        with pytest.raises(ValidationFailed, match="not added"):
            store.create_actor(A("casa"), WEB)  # the id is taken
        c2 = store.update_actor(A("casa", city="Mexicali"), API, expect=1)
        assert c2.action == "update" and c2.items[0].revision == 2
        assert (c2.items[0].before["city"], c2.items[0].after["city"]) == ("Tijuana",
                                                                          "Mexicali")
        assert store.get_actor("casa").city == "Mexicali"
        # nothing changed: no entry, revision and version stay
        v = store.version()
        assert store.update_actor(A("casa", city="Mexicali"), API, expect=2) is None
        assert store.version() == v and store.revision("actor", "casa") == 2
        store.delete_actor("casa", WEB, expect=2)
        assert store.get_actor("casa") is None and store.revision("actor", "casa") == 3
        history = store.changes(record=("actor", "casa"))
        assert [c.action for c in history] == ["delete", "update", "create"]
        assert [c.seq for c in history] == sorted((c.seq for c in history), reverse=True)

    def test_stale_revision_is_a_conflict_and_writes_nothing(self, store):
        store.create_actor(A("casa"), WEB)
        store.update_actor(A("casa", city="Tijuana"), WEB, expect=1)
        v, before = store.version(), _graph(store)
        with pytest.raises(Conflict) as err:
            store.update_actor(A("casa", city="Mexicali"), API, expect=1)
        assert err.value.details == {"record": "actor", "id": "casa", "expected": 1,
                                     "current": 2}
        with pytest.raises(Conflict):
            store.delete_actor("casa", API, expect=1)
        assert store.version() == v and _graph(store) == before

    def test_ties_two_kinds_end_and_delete(self, store):
        store.upsert([A("a"), A("b")])
        formal = T("a", "b", "formal", subtype="mou",
                   evidence=[Evidence(url="https://example.org/mou", title="MoU",
                                      date=dt.date(2024, 3, 1), note="signed")])
        store.create_tie(formal, WEB)
        store.create_tie(T("a", "b", "informal"), WEB)
        assert {t.kind for t in store.ties("a")} == {"formal", "informal"}
        assert store.get_tie(formal.id).evidence == formal.evidence
        with pytest.raises(ValidationFailed, match="not added"):
            store.create_tie(T("b", "a", "formal", subtype="mou"), WEB)
        with pytest.raises(ValidationFailed):
            store.create_tie(T("a", "nobody", "formal"), WEB)
        ended = store.end_tie(formal.id, dt.date(2025, 1, 31), WEB, expect=1)
        assert ended.action == "end" and store.get_tie(formal.id).until == dt.date(2025, 1, 31)
        store.delete_tie("informal:a--b", WEB, expect=1)
        assert [t.kind for t in store.ties("a")] == ["formal"]
        entries = store.changes(record=("tie", formal.id))
        assert [c.action for c in entries] == ["end", "create"]
        with pytest.raises(NotFound):
            store.delete_tie("informal:a--b", WEB)

    def test_import_is_history_too(self, store):
        store.upsert([A("a"), A("b")], [T("a", "b")])
        store.upsert([A("a", city="Tijuana"), A("b")], info=ChangeInfo(who="cli:ana"))
        first, second = sorted(store.changes(), key=lambda c: c.seq)
        assert first.action == second.action == "import"
        assert {(i.record, i.id) for i in first.items} == {
            ("actor", "a"), ("actor", "b"), ("tie", "formal:a--b")}
        assert [(i.id, i.before["city"], i.after["city"], i.revision)
                for i in second.items] == [("a", None, "Tijuana", 2)]
        assert second.who == "cli:ana"

    def test_delete_and_restore_an_actor_with_its_ties_and_channels(self, store):
        store.upsert([A("prm", kind="funder", country="US"), A("unhcr", country="CH"),
                      A("cso"), A("x")],
                     [T("prm", "unhcr", "funding", amount=10, currency="USD", year=2021),
                      T("unhcr", "cso", "funding", amount=5, currency="USD", year=2021,
                        channel=["prm"]),
                      T("prm", "x", "informal")])
        before = _graph(store)
        gone = store.delete_actor("prm", WEB)
        assert store.ties("prm") == [] and store.get_actor("prm") is None
        assert store.get_tie("funding:unhcr->cso:2021").channel == []
        assert len(gone.items) == 4  # two ties, one channel, the actor
        restored = store.revert(gone.seq, WEB)
        assert restored.action == "restore"
        assert _graph(store) == before
        # the history keeps both, and a restore can itself be undone
        assert [c.action for c in store.changes(actor="prm")][:2] == ["restore", "delete"]
        with pytest.raises(Conflict):
            store.revert(gone.seq, WEB)  # the records have changed since

    def test_revert_a_record_to_an_earlier_revision(self, store):
        store.create_actor(A("casa", city="Tijuana"), WEB)
        store.update_actor(A("casa", city="Mexicali"), WEB)
        store.update_actor(A("casa", city="Ensenada"), WEB)
        change = store.revert_record("actor", "casa", 1, API, expect=3)
        assert change.action == "revert" and store.get_actor("casa").city == "Tijuana"
        assert store.revision("actor", "casa") == 4
        with pytest.raises(NotFound):
            store.revert_record("actor", "casa", 9, API)
        with pytest.raises(Conflict):
            store.revert_record("actor", "casa", 2, API, expect=3)

    def test_a_failed_restore_leaves_the_graph_as_it_was(self, store):
        store.upsert([A("a"), A("b"), A("c")], [T("a", "b")])
        gone = store.delete_tie("formal:a--b", WEB)
        store.delete_actor("b", WEB)
        v, before = store.version(), _graph(store)
        with pytest.raises(ValidationFailed, match="not in the graph"):
            store.revert(gone.seq, WEB)  # its end is gone
        assert store.version() == v and _graph(store) == before

    def _duplicates(self, store):
        store.upsert(
            [A("sin-fronteras", name="Sin Fronteras", city="CDMX"),
             A("sin-fronteras-iap", name="Sin Fronteras I.A.P.", website="https://sf.mx",
               description="duplicate"),
             A("unhcr", country="CH"), A("prm", kind="funder", country="US"),
             A("other")],
            [T("sin-fronteras", "unhcr", "formal"),
             T("sin-fronteras-iap", "unhcr", "formal"),  # identical once merged
             T("sin-fronteras-iap", "unhcr", "informal"),  # another kind: kept
             T("sin-fronteras-iap", "sin-fronteras", "informal"),  # between the two
             T("prm", "sin-fronteras-iap", "funding", amount=9, currency="USD", year=2022),
             T("unhcr", "other", "funding", amount=3, currency="USD", year=2022,
               channel=["sin-fronteras-iap"])])
        store.record_introduction(Introduction(source="sin-fronteras-iap", target="other",
                                               status="proposed"))

    def test_merge_moves_ties_collapses_identical_ones_and_keeps_resolving(self, store):
        self._duplicates(store)
        before = _graph(store)
        change = store.merge_actors("sin-fronteras", "sin-fronteras-iap", WEB,
                                    take={"website": "merged"},
                                    expect={"sin-fronteras": 1, "sin-fronteras-iap": 1})
        assert change.action == "merge"
        survivor = store.get_actor("sin-fronteras")
        assert (survivor.name, survivor.city, survivor.website) == (
            "Sin Fronteras", "CDMX", "https://sf.mx")
        assert store.get_actor("sin-fronteras-iap") is None
        assert sorted(t.id for t in store.ties("sin-fronteras")) == [
            "formal:sin-fronteras--unhcr", "funding:prm->sin-fronteras:2022",
            "informal:sin-fronteras--unhcr"]
        assert store.get_tie("funding:unhcr->other:2022").channel == ["sin-fronteras"]
        assert store.resolve("sin-fronteras-iap") == "sin-fronteras"
        assert store.known_actor_ids({"sin-fronteras-iap", "nobody"}) == {
            "sin-fronteras-iap"}
        # introductions follow
        intro, = store.follow_aliases(store.introductions())
        assert (intro.source, intro.target) == ("sin-fronteras", "other")
        # an import by the old id lands on the survivor
        store.upsert([], [T("sin-fronteras-iap", "other", "informal")])
        assert store.get_tie("informal:other--sin-fronteras") is not None
        # one entry, about both actors
        assert change.seq in [c.seq for c in store.changes(actor="sin-fronteras")]
        assert change.seq in [c.seq for c in store.changes(actor="sin-fronteras-iap")]
        store.delete_tie("informal:other--sin-fronteras", WEB)
        store.revert(change.seq, WEB)
        assert _graph(store) == before
        assert store.resolve("sin-fronteras-iap") == "sin-fronteras-iap"

    def test_merge_checks_the_revisions_read_of_an_unchanged_survivor(self, store):
        store.create_actor(A("a", name="Casa"), WEB)
        store.create_actor(A("b", name="Casa A.C."), WEB)
        store.merge_actors("a", "b", WEB, expect={"a": 1, "b": 1})  # "a" keeps its values
        assert store.get_actor("b") is None and store.revision("actor", "a") == 1

    def test_merge_twice_follows_the_chain(self, store):
        store.upsert([A("a"), A("b"), A("c")])
        store.merge_actors("b", "a", WEB)
        store.merge_actors("c", "b", WEB)
        assert store.resolve("a") == store.resolve("b") == "c"
        assert store.aliases() == {"a": "c", "b": "c"}

    def test_a_failed_merge_leaves_the_graph_as_it_was(self, store):
        self._duplicates(store)
        store.update_actor(A("sin-fronteras", name="Sin Fronteras", city="Puebla"), WEB)
        v, before = store.version(), _graph(store)
        with pytest.raises(Conflict):  # the survivor changed since it was read
            store.merge_actors("sin-fronteras", "sin-fronteras-iap", WEB,
                               expect={"sin-fronteras": 1})
        with pytest.raises(ValidationFailed):
            store.merge_actors("sin-fronteras", "sin-fronteras", WEB)
        with pytest.raises(ValidationFailed):
            store.merge_actors("sin-fronteras", "sin-fronteras-iap", WEB,
                               take={"id": "merged"})
        with pytest.raises(NotFound):
            store.merge_actors("sin-fronteras", "nobody", WEB)
        assert store.version() == v and _graph(store) == before
        assert store.aliases() == {}

    @pytest.mark.neo4j_only(reason="the stand-in has no write locks: two transactions "
                            "can both read the old revision before either writes")
    def test_two_concurrent_editors_one_wins_one_conflicts(self, store):
        store.create_actor(A("casa"), WEB)
        results: list[str] = []
        barrier = threading.Barrier(2)

        def edit(city):
            barrier.wait()
            try:
                store.update_actor(A("casa", city=city), API, expect=1)
                results.append("saved")
            except Conflict:
                results.append("conflict")

        threads = [threading.Thread(target=edit, args=(c,)) for c in ("Tijuana", "Mexicali")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == ["conflict", "saved"]
        assert store.revision("actor", "casa") == 2
