"""The production graph store: Neo4j 5 through the official driver.

Layout of the graph and every statement: :mod:`graphsvc.stores.cypher`.

Each actor and tie is stored as plain properties (every field that has a
value), not as a JSON blob beside them: the properties are what researchers
query with Cypher, and reading them back through the model's defaults (an
absent list is empty, an absent value is ``None``) reproduces the record
exactly, so a second copy would only double every write and could drift from
the properties a researcher edits.

The store connects lazily: creating it never touches the network, so a web
process starts while the database is down and answers each request with an
error until it is back. Unreachable servers, refused credentials and unknown
databases all raise :class:`~graphsvc.errors.StoreUnavailable` naming the
address.

Writes are validated in full before the first statement runs (see
:meth:`GraphStore.upsert`), then sent as ``UNWIND`` batches of ``batch_size``
rows inside one managed write transaction, so on Neo4j a batch is atomic.
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import neo4j
from neo4j import exceptions as nex

from ..errors import ConfigError, Problem, StoreUnavailable, ValidationFailed
from ..model import Actor, Introduction, Tie
from . import cypher as Q
from .base import ActorFilter, GraphStore, Progress, WriteResult, build_snapshot
from .sqlite import fold

__all__ = ["Neo4jStore"]


def _blank(model) -> dict:
    return {name: f.get_default(call_default_factory=True)
            for name, f in model.model_fields.items()}


_ACTOR_BLANK = _blank(Actor)
_TIE_BLANK = _blank(Tie)
_ACTOR_LISTS = tuple(k for k, v in _ACTOR_BLANK.items() if isinstance(v, list))
_TIE_LISTS = tuple(k for k, v in _TIE_BLANK.items() if isinstance(v, list))
_INTRO_FIELDS = frozenset(Introduction.model_fields)


def _props(record: dict) -> dict:
    """The properties stored for a record: every field that has a value."""
    return {k: v for k, v in record.items() if v is not None and v != []}


def _actor_props(a: Actor) -> dict:
    props = _props(a.to_record())
    props["search"] = fold(" ".join(filter(None, (a.name, a.id, a.city))))
    return props


def _tie_props(t: Tie) -> dict:
    props = _props(t.to_record())
    del props["source"], props["target"]  # the relationship's own ends
    return props


def _actor_record(props: dict) -> dict:
    """A full actor record from stored properties (other properties ignored)."""
    rec = {k: props.get(k, v) for k, v in _ACTOR_BLANK.items()}
    for k in _ACTOR_LISTS:  # a fresh list per record, never a shared default
        rec[k] = list(rec[k])
    return rec


def _tie_record(source: str, target: str, props: dict) -> dict:
    rec = {k: props.get(k, v) for k, v in _TIE_BLANK.items()}
    for k in _TIE_LISTS:
        rec[k] = list(rec[k])
    rec["source"], rec["target"] = source, target
    return rec


def _public_address(uri: str) -> str:
    """The URI without any user:password part, for messages."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class Neo4jStore(GraphStore):
    """Graph store in a Neo4j 5 database.

    Parameters
    ----------
    uri : str
        Bolt address, e.g. ``bolt://localhost:7687`` or ``neo4j://...``.
    user, password : str, optional
        Basic credentials; without a password the driver sends none.
    database : str, optional
        Database name; the server's default when ``None``.
    batch_size : int
        Rows per ``UNWIND`` statement.
    max_batch_bytes : int, optional
        Also close a batch before its rows' JSON size passes this many bytes
        (for servers that limit message size; Neo4j needs none).
    driver : neo4j.Driver, optional
        Use this driver instead of creating one; the store will not close it.
    """

    name = "neo4j"

    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, batch_size: int = 500,
                 max_batch_bytes: int | None = None, driver: neo4j.Driver | None = None):
        if batch_size < 1:
            raise ConfigError(f"NEO4J_BATCH_SIZE must be at least 1, not {batch_size}")
        self.uri = uri
        self.address = _public_address(uri)
        self.database = database or None
        self.batch_size = int(batch_size)
        self.max_batch_bytes = max_batch_bytes
        self._own_driver = driver is None
        if driver is None:
            auth = (user or "neo4j", password) if password else None
            try:
                driver = neo4j.GraphDatabase.driver(uri, auth=auth)
            except (nex.ConfigurationError, ValueError) as exc:
                # The driver's message repeats the URI, password included.
                reason = str(exc).replace(uri, self.address).split(". Given URI")[0]
                secret = urlsplit(uri).password
                if secret:
                    reason = reason.replace(secret, "***")
                raise ConfigError(
                    f"cannot use NEO4J_URI '{self.address}': {reason}",
                    hint="Use an address like bolt://localhost:7687 and put the "
                    "credentials in GRAPHSVC_NEO4J_USER and GRAPHSVC_NEO4J_PASSWORD."
                ) from None
        self._driver = driver
        self._ready = False
        self._ready_lock = threading.Lock()
        self.is_neo4j: bool | None = None

    # --- connection, errors and start-up ----------------------------------

    @contextmanager
    def _errors(self):
        """Turn the driver's connection and credential errors into ours."""
        try:
            yield
        except nex.AuthError:
            self._ready = False
            raise StoreUnavailable(
                self.address, "the server refused the user name or password",
                hint="Check GRAPHSVC_NEO4J_USER and GRAPHSVC_NEO4J_PASSWORD.") from None
        except (nex.ServiceUnavailable, nex.SessionExpired,
                nex.DatabaseUnavailable) as exc:
            self._ready = False
            raise StoreUnavailable(self.address, _reason(exc)) from None
        except nex.ClientError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreUnavailable(
                    self.address, f"there is no database '{self.database}'",
                    hint="Check GRAPHSVC_NEO4J_DATABASE (or leave it unset for "
                    "the server's default).") from None
            raise

    def _session(self, **kw) -> neo4j.Session:
        return self._driver.session(
            database=self.database,
            bookmark_manager=self._driver.execute_query_bookmark_manager, **kw)

    def _ensure_ready(self) -> None:
        """Check the server once and create the schema and state node.

        Run before the first operation, and again after the server was lost,
        so a server that is down fails fast instead of being retried.
        """
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            self._driver.verify_connectivity()
            with self._session() as s:
                try:
                    s.run(Q.IS_NEO4J).consume()
                    self.is_neo4j = True
                except nex.Neo4jError as exc:
                    if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                        raise
                    self.is_neo4j = False
                if self.is_neo4j:
                    for stmt in Q.NEO4J_SCHEMA:
                        try:
                            s.run(stmt).consume()
                        except nex.Neo4jError:
                            if stmt is not Q.NEO4J_TIE_ID_CONSTRAINT:
                                raise
                            s.run(Q.NEO4J_TIE_ID_INDEX).consume()  # Neo4j < 5.7
                else:
                    for stmt in Q.PORTABLE_SCHEMA:
                        try:
                            s.run(stmt).consume()
                        except nex.Neo4jError:
                            pass  # the index exists already
                s.execute_write(lambda tx: tx.run(Q.INIT_STATE).consume())
            self._ready = True

    def _read(self, work):
        with self._errors():
            self._ensure_ready()
            with self._session(default_access_mode=neo4j.READ_ACCESS) as s:
                return s.execute_read(work)

    def _write_tx(self, work):
        with self._errors():
            self._ensure_ready()
            with self._session() as s:
                return s.execute_write(work)

    def _query(self, statement: str, **params) -> list[neo4j.Record]:
        """One read statement in a managed transaction; all its records."""
        return self._read(lambda tx: list(tx.run(statement, params)))

    def close(self) -> None:
        if self._own_driver:
            self._driver.close()

    # --- batching -----------------------------------------------------------

    def _batches(self, rows: list) -> Iterator[list]:
        if self.max_batch_bytes is None:
            for i in range(0, len(rows), self.batch_size):
                yield rows[i:i + self.batch_size]
            return
        batch, size = [], 0
        for row in rows:
            n = len(json.dumps(row, ensure_ascii=False).encode())
            if batch and (len(batch) >= self.batch_size or size + n > self.max_batch_bytes):
                yield batch
                batch, size = [], 0
            batch.append(row)
            size += n
        if batch:
            yield batch

    def _lookup(self, tx, statement: str, ids: list[str]) -> list[neo4j.Record]:
        out = []
        for part in self._batches(ids):
            out.extend(tx.run(statement, ids=part))
        return out

    # --- writes -----------------------------------------------------------

    def _write(self, actors: list[Actor], ties: list[Tie],
               progress: Progress | None) -> WriteResult:
        # Everything that can be computed without the database is, before the
        # transaction starts: a server that cannot roll back (the FalkorDB test
        # server) must not be left with half a batch by a Python error.
        actor_rows = {a.id: _actor_props(a) for a in actors}
        tie_rows = {t.id: (t.source, t.target, _tie_props(t)) for t in ties}

        def work(tx) -> WriteResult:
            res = WriteResult()
            tx.run(Q.LOCK_WRITERS).consume()
            old = {r["id"]: r["props"] for r in
                   self._lookup(tx, Q.ACTORS_BY_IDS, list(actor_rows))}
            changed = []
            for aid, props in actor_rows.items():
                if aid not in old:
                    res.actors_created += 1
                elif old[aid] != props:
                    res.actors_updated += 1
                else:
                    res.actors_unchanged += 1
                    continue
                changed.append({"id": aid, "props": props})
            if progress and len(actor_rows) > len(changed):
                progress(len(actor_rows) - len(changed))
            for batch in self._batches(changed):
                tx.run(Q.MERGE_ACTORS, rows=batch).consume()
                if progress:
                    progress(len(batch))

            old = {r["props"].get("id"): (r["source"], r["target"], r["props"]) for r in
                   self._lookup(tx, Q.TIES_BY_IDS, list(tie_rows))}
            changed, replaced = [], []
            for tid, row in tie_rows.items():
                if tid not in old:
                    res.ties_created += 1
                elif old[tid] != row:
                    res.ties_updated += 1
                    replaced.append(tid)
                else:
                    res.ties_unchanged += 1
                    continue
                changed.append({"source": row[0], "target": row[1], "props": row[2]})
            if progress and len(tie_rows) > len(changed):
                progress(len(tie_rows) - len(changed))
            for batch in self._batches(replaced):
                tx.run(Q.DELETE_TIES, ids=batch).consume()
            for batch in self._batches(changed):
                created = tx.run(Q.CREATE_TIES, rows=batch).single()["created"]
                if created != len(batch):
                    # An end was deleted after validation, by another writer.
                    raise ValidationFailed([Problem(
                        "an actor a tie refers to was deleted while the batch was "
                        "being written", hint="Import the batch again.")])
                if progress:
                    progress(len(batch))

            res.version = tx.run(Q.FINISH_WRITE, changed=res.changed).single()["version"]
            return res

        return self._write_tx(work)

    def _delete(self, statement: str, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))

        def work(tx) -> int:
            n = sum(tx.run(statement, ids=part).single()["deleted"]
                    for part in self._batches(ids))
            if n:
                tx.run(Q.BUMP_VERSION).consume()
            return n

        return self._write_tx(work) if ids else 0

    def delete_actors(self, ids: Iterable[str]) -> int:
        return self._delete(Q.DELETE_ACTORS, ids)

    def delete_ties(self, ids: Iterable[str]) -> int:
        return self._delete(Q.DELETE_TIES, ids)

    def clear(self) -> None:
        def work(tx):
            tx.run(Q.CLEAR).consume()
            tx.run(Q.BUMP_VERSION).consume()

        self._write_tx(work)

    def set_meta(self, key: str, value: str | None) -> None:
        if key == "version":
            raise ValueError("'version' is kept by the store")

        def work(tx):
            if value is None:
                tx.run(Q.REMOVE_META, key=key).consume()
            else:
                tx.run(Q.SET_META, key=key, value=str(value)).consume()
            tx.run(Q.BUMP_VERSION).consume()

        self._write_tx(work)

    def record_introduction(self, intro: Introduction) -> None:
        self._check_introduction(intro)
        props = _props(intro.to_record())
        self._write_tx(lambda tx: tx.run(Q.RECORD_INTRODUCTION, props=props).consume())

    # --- reads ------------------------------------------------------------

    def introductions(self, actor_id: str | None = None) -> list[Introduction]:
        rows = self._query(Q.INTRODUCTIONS, id=actor_id)
        return [Introduction.model_validate(
            {k: v for k, v in r["props"].items() if k in _INTRO_FIELDS}) for r in rows]

    def get_actor(self, actor_id: str) -> Actor | None:
        rows = self._query(Q.ACTORS_BY_IDS, ids=[actor_id])
        return Actor.model_validate(_actor_record(rows[0]["props"])) if rows else None

    def get_tie(self, tie_id: str) -> Tie | None:
        rows = self._query(Q.TIES_BY_IDS, ids=[tie_id])
        if not rows:
            return None
        r = rows[0]
        return Tie.model_validate(_tie_record(r["source"], r["target"], r["props"]))

    def _actors_by_ids(self, ids) -> list[Actor]:
        ids = list(ids)
        rows = self._read(lambda tx: self._lookup(tx, Q.ACTORS_BY_IDS, ids))
        return [Actor.model_validate(_actor_record(r["props"])) for r in rows]

    def existing_actor_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        return {r["id"] for r in self._read(lambda tx: self._lookup(tx, Q.ACTOR_IDS, ids))}

    def find_actors(self, flt: ActorFilter | None = None, limit: int | None = None,
                    offset: int = 0) -> list[Actor]:
        flt = flt or ActorFilter()
        params = {
            "q": fold(flt.q) if flt.q else None,
            "kind": flt.kind.lower() if flt.kind else None,
            "country": flt.country.upper() if flt.country else None,
            "city": flt.city or None,
            "issue_area": flt.issue_area or None,
            "include_restricted": bool(flt.include_restricted),
        }
        statement = Q.FIND_ACTORS
        if limit is not None:
            statement += Q.PAGE
            params.update(limit=int(limit), offset=int(offset))
        rows = self._query(statement, **params)
        return [Actor.model_validate(_actor_record(r["props"])) for r in rows]

    def ties(self, actor_id: str | None = None, kinds: Iterable[str] | None = None,
             include_restricted: bool = True) -> list[Tie]:
        params = {"kinds": list(kinds) if kinds is not None else None,
                  "include_restricted": bool(include_restricted)}
        if actor_id is None:
            rows = self._query(Q.TIES, **params)
        else:
            rows = self._query(Q.TIES_OF_ACTOR, id=actor_id, **params)
        return [Tie.model_validate(_tie_record(r["source"], r["target"], r["props"]))
                for r in rows]

    def version(self) -> int:
        rows = self._query(Q.READ_VERSION)
        return rows[0]["version"] if rows else 0

    def counts(self) -> dict[str, int]:
        def work(tx):
            return {"actors": tx.run(Q.COUNT_ACTORS).single()["n"],
                    "ties": tx.run(Q.COUNT_TIES).single()["n"]}

        return self._read(work)

    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self._query(Q.READ_META)}

    def snapshot(self, include_restricted: bool = True):
        """The graph as NetworkX, read in one transaction.

        Records stream from the server straight into the graph: the actors'
        result is consumed while the graph is built, and the ties' statement
        only runs once the last actor is in, so neither is held as a list.
        """
        def work(tx):
            state = tx.run(Q.READ_VERSION).single()
            version = state["version"] if state else 0
            meta = {r["key"]: r["value"] for r in tx.run(Q.READ_META)}
            actors = (_actor_record(r["props"]) for r in
                      tx.run(Q.ALL_ACTORS, include_restricted=include_restricted))

            def ties():
                for r in tx.run(Q.ALL_TIES, include_restricted=include_restricted):
                    yield _tie_record(r["source"], r["target"], r["props"])

            return build_snapshot(actors, ties(), version=version, meta=meta)

        return self._read(work)


def _reason(exc: Exception) -> str:
    """The useful part of a driver error, on one line."""
    text = " ".join(str(exc).split())
    m = re.search(r"\(reason ([^)]*\)?)\)", text)
    if m:
        return m.group(1)
    if "handshake" in text.lower():
        return "the server did not answer the Bolt handshake"
    return text or type(exc).__name__
