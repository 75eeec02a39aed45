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
Every write transaction takes the writers' lock (the state node) with its
first statement, so writers queue in one order and never deadlock; progress
is reported once the transaction has committed, so a retried transaction
never counts its rows twice. A write larger than ``max_transaction_rows`` is
refused before anything is sent (see ``docs/neo4j.md`` for the heap rule).

Reads of the whole graph (:meth:`Neo4jStore.snapshot`) are point in time:
the version is read before and after, and the read is repeated when a write
committed in between.

The driver is kept quiet: notifications about property keys that do not
exist yet are disabled, and whatever else the driver logs goes to the
``graphsvc.stores`` logger.
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import neo4j
from neo4j import exceptions as nex

from ..errors import ConfigError, Conflict, Problem, StoreUnavailable, ValidationFailed
from ..history import Change, ChangeInfo, Item
from ..model import Actor, Event, Group, Introduction, Tie
from ..snapshot import build_snapshot
from . import cypher as Q
from .base import ActorFilter, GraphStore, Progress, WriteResult
from .edits import _conflict, now
from .sqlite import fold

__all__ = ["Neo4jStore", "TransactionTooLarge", "DEFAULT_MAX_TRANSACTION_ROWS"]

log = logging.getLogger("graphsvc.stores")

#: Rows (actors plus ties) one write transaction may carry by default: what
#: fits the compose file's 1 GB heap with room to spare. Measured and
#: explained in docs/neo4j.md ("Heap and import size").
DEFAULT_MAX_TRANSACTION_ROWS = 50_000

#: Error codes of a transaction that ran out of memory on the server. Neo4j
#: calls them transient, so the driver would run the whole import again;
#: the store turns them into :class:`TransactionTooLarge` instead.
_MEMORY_CODES = ("Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                 "Neo.TransientError.General.TransactionMemoryLimit",
                 "Neo.TransientError.General.OutOfMemoryError")

_HEAP_HINT = ("Split the file and import the parts one after another, or give Neo4j "
              "more heap (NEO4J_HEAP in docker compose, server.memory.heap.max_size "
              "elsewhere) and raise GRAPHSVC_NEO4J_MAX_TRANSACTION_ROWS with it: "
              "see docs/neo4j.md, 'Heap and import size'.")


class TransactionTooLarge(ValidationFailed):
    """A write too large for one transaction on this server; nothing was written."""

    code = "transaction_too_large"

    def __init__(self, message: str):
        super().__init__([Problem(message, hint=_HEAP_HINT)], message=message)
        self.hint = _HEAP_HINT


def _quiet_driver_logs() -> None:
    """Send the driver's log records (notifications included) to ``graphsvc.stores``.

    Without this, the driver's WARNING records reach Python's last-resort
    handler, which prints each one to stderr; through the service's logger
    they go wherever the service's logging is configured.
    """
    driver_log = logging.getLogger("neo4j")
    if any(isinstance(h, _ToStoresLog) for h in driver_log.handlers):
        return
    driver_log.addHandler(_ToStoresLog())
    driver_log.propagate = False


class _ToStoresLog(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if log.isEnabledFor(record.levelno):
            log.log(record.levelno, "%s: %s", record.name, record.getMessage(),
                    exc_info=record.exc_info)


#: Session settings: no notifications about labels, types or property keys
#: that do not exist (yet): every optional field of a record is such a key
#: until some record has it.
if hasattr(neo4j, "NotificationDisabledClassification"):
    _SESSION_CONFIG: dict[str, Any] = {
        "notifications_disabled_classifications": ["UNRECOGNIZED"]}
else:  # drivers before 5.22
    _SESSION_CONFIG = {"notifications_disabled_categories": ["UNRECOGNIZED"]}


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


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _tie_props(t: Tie) -> dict:
    props = _props(t.to_record())
    del props["source"], props["target"]  # the relationship's own ends
    if "evidence" in props:  # a property holds no list of maps: JSON text
        props["evidence"] = _json(props["evidence"])
    return props


def _actor_record(props: dict) -> dict:
    """A full actor record from stored properties (other properties ignored)."""
    rec = {k: props.get(k, v) for k, v in _ACTOR_BLANK.items()}
    for k in _ACTOR_LISTS:  # a fresh list per record, never a shared default
        rec[k] = list(rec[k])
    return rec


def _tie_record(source: str, target: str, props: dict) -> dict:
    rec = {k: props.get(k, v) for k, v in _TIE_BLANK.items()}
    if isinstance(rec.get("evidence"), str):
        rec["evidence"] = json.loads(rec["evidence"])
    for k in _TIE_LISTS:
        rec[k] = list(rec[k])
    rec["source"], rec["target"] = source, target
    return rec


#: Event and group records: their model, the list kept as JSON text, the
#: statement writing them and the one deleting them.
_RECORDS: dict[str, tuple[type[Event] | type[Group], str, str, str]] = {
    "event": (Event, "participants", "MERGE_EVENTS", "DELETE_EVENTS"),
    "group": (Group, "members", "MERGE_GROUPS", "DELETE_GROUPS")}


def _record_props(record: str, rec) -> dict:
    """The properties stored for an event or a group: every field that has a
    value, the participants or members as JSON text beside their ids (and an
    event's kept invitation list, ``plan``, as JSON text)."""
    field = _RECORDS[record][1]
    props = _props(rec.to_record())
    entries = props.pop(field, [])
    props[field] = _json(entries)
    props["actors"] = [e["actor"] for e in entries]
    if props.get("plan") is not None:  # a kept invitation list: a map, kept as text
        props["plan"] = _json(props["plan"])
    return props


def _from_props(record: str, props: dict):
    model, field = _RECORDS[record][:2]
    rec = {k: props[k] for k in model.model_fields if props.get(k) is not None}
    rec[field] = json.loads(props.get(field) or "[]")
    if isinstance(rec.get("plan"), str):
        rec["plan"] = json.loads(rec["plan"])
    return model.model_validate(rec)


def _item_row(seq: int, n: int, item: Item) -> dict:
    row = {"change": seq, "n": n, "record": item.record, "rid": item.id,
           "revision": item.revision, "actors": list(item.actors)}
    for side in ("before", "after"):
        value = getattr(item, side)
        if value is not None:
            row[side] = _json(value)
    return row


def _item(props: dict) -> Item:
    return Item(props["record"], props["rid"],
                json.loads(props["before"]) if props.get("before") else None,
                json.loads(props["after"]) if props.get("after") else None,
                int(props["revision"]))


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
    max_transaction_rows : int, optional
        Refuse a write of more rows (actors plus ties) than this in one
        transaction, before sending anything; default
        default :data:`DEFAULT_MAX_TRANSACTION_ROWS` (the
        ``NEO4J_MAX_TRANSACTION_ROWS`` setting).
    startup_retry_seconds : float
        How long start-up retries a server that answers with a transient
        error (a database still starting, for one) before giving up.
    driver : neo4j.Driver, optional
        Use this driver instead of creating one; the store will not close it.
    """

    name = "neo4j"

    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, batch_size: int = 500,
                 max_batch_bytes: int | None = None, max_transaction_rows: int | None = None,
                 startup_retry_seconds: float = 30.0, driver: neo4j.Driver | None = None):
        if batch_size < 1:
            raise ConfigError(f"NEO4J_BATCH_SIZE must be at least 1, not {batch_size}")
        if max_transaction_rows is None:
            max_transaction_rows = DEFAULT_MAX_TRANSACTION_ROWS
        if max_transaction_rows < 1:
            raise ConfigError("GRAPHSVC_NEO4J_MAX_TRANSACTION_ROWS must be at least 1")
        self.max_transaction_rows = int(max_transaction_rows)
        self.startup_retry_seconds = float(startup_retry_seconds)
        _quiet_driver_logs()
        self.uri = uri
        self.address = _public_address(uri)
        self.database = database or None
        self.batch_size = int(batch_size)
        self.max_batch_bytes = max_batch_bytes
        self._own_driver = driver is None
        if driver is None:
            auth = (user or "neo4j", password) if password else None
            try:
                driver = neo4j.GraphDatabase.driver(uri, auth=auth,
                                                    warn_notification_severity="OFF")
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
                self.address, "authentication failed: the server refused the user name "
                "or password",
                hint="Check GRAPHSVC_NEO4J_USER and GRAPHSVC_NEO4J_PASSWORD. With docker "
                "compose, NEO4J_PASSWORD is applied only when the neo4j-data volume is "
                "first created: a password changed later is not the server's (see "
                "docs/neo4j.md, 'Passwords').") from None
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
        # Notification settings go to Neo4j only: the stand-in misreads a
        # RUN that carries them (it answers from another graph).
        quiet = _SESSION_CONFIG if self.is_neo4j else {}
        return self._driver.session(
            database=self.database,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
            **quiet, **kw)

    def _ensure_ready(self) -> None:
        """Check the server once and create the schema and state node.

        Run before the first operation, and again after the server was lost.
        A server that cannot be reached fails at once; one that answers with a
        transient error (a database still starting) is asked again with
        backoff for up to ``startup_retry_seconds``. Which schema to create is
        decided only from an answer: Neo4j's to the probe, or the stand-in's
        one error (:data:`~graphsvc.stores.cypher.STANDIN_PROBE_ERROR`).
        """
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            deadline = time.monotonic() + self.startup_retry_seconds
            delay = 0.1
            while True:
                try:
                    self._start()
                    break
                except nex.TransientError as exc:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise StoreUnavailable(
                            self.address, f"the database is not available yet ({exc.code}) "
                            f"after {self.startup_retry_seconds:g} s of retries: "
                            f"{_reason(exc)}",
                            hint="Wait for the server to finish starting, then try "
                            "again; its log says why the database is unavailable.") from None
                    log.info("graph database at %s not ready (%s); retrying in %.1f s",
                             self.address, exc.code, min(delay, left))
                    time.sleep(min(delay, left))
                    delay = min(delay * 2, 5.0)
            self._ready = True

    def _start(self) -> None:
        self._driver.verify_connectivity()
        with self._session() as s:
            neo4j_version = self._probe(s)
            if neo4j_version is not None:
                self._neo4j_schema(s, neo4j_version)
            else:
                self._portable_schema(s)
            s.execute_write(self._locked(lambda tx: (None, False)))
        self.is_neo4j = neo4j_version is not None

    def _probe(self, s) -> tuple[int, ...] | None:
        """Neo4j's version, or ``None`` for the stand-in; raises on anything else."""
        try:
            row = s.run(Q.IS_NEO4J).single()
        except nex.Neo4jError as exc:
            if (exc.code, exc.message) == Q.STANDIN_PROBE_ERROR:
                return None
            raise
        if row is None:
            raise StoreUnavailable(self.address, "the server did not say which Neo4j it is "
                                   "(dbms.components() returned nothing)")
        return _version_tuple(row["version"])

    def _neo4j_schema(self, s, version: tuple[int, ...]) -> None:
        """Named constraints and indexes; first drop indexes they would clash with."""
        rel_constraint = version >= (5, 7)
        statements = [st if rel_constraint or st is not Q.NEO4J_TIE_ID_CONSTRAINT
                      else Q.NEO4J_TIE_ID_INDEX for st in Q.NEO4J_SCHEMA]
        # Before 5.7 the tie id has a plain index, ours, named tie_id; from
        # 5.7 a constraint of that name replaces it (an upgraded server).
        ours = [] if rel_constraint else ["tie_id"]
        clashing = [r["name"] for r in s.run(
            Q.NEO4J_CLASHING_INDEXES, schema=[list(x) for x in Q.NEO4J_CONSTRAINED],
            ours=ours)]
        for name in clashing:
            log.warning("dropping index %s on %s: graphsvc's uniqueness constraint on the "
                        "same property replaces it", name, self.address)
            try:
                s.run(Q.NEO4J_DROP_INDEX, name=name).consume()
            except nex.ClientError as exc:  # Neo4j before 5.16 takes no parameter here
                raise StoreUnavailable(
                    self.address, f"index '{name}' blocks graphsvc's uniqueness "
                    f"constraints and could not be dropped ({exc.code})",
                    hint=f"Drop it by hand (DROP INDEX {name}) and start again.") from None
        for stmt in statements:
            s.run(stmt).consume()

    def _portable_schema(self, s) -> None:
        """The stand-in's unnamed indexes, only those it lacks."""
        have = {(r["label"], p) for r in s.run(Q.PORTABLE_INDEXES)
                for p in (r["properties"] or [])}
        for label, prop, stmt in Q.PORTABLE_SCHEMA:
            if (label, prop) not in have:
                s.run(stmt).consume()

    def _read(self, work):
        with self._errors():
            self._ensure_ready()
            with self._session(default_access_mode=neo4j.READ_ACCESS) as s:
                return s.execute_read(work)

    @staticmethod
    def _locked(work):
        """A write transaction's work in the one lock order.

        ``work(tx)`` returns ``(value, changed)``. The writers' lock (the state
        node) is taken by the first statement, before any data is touched, and
        released by the last, which advances the version when ``changed``.
        Returns ``(value, version)``.
        """
        def locked(tx):
            try:
                tx.run(Q.LOCK_WRITERS).consume()
                value, changed = work(tx)
                version = tx.run(Q.FINISH_WRITE, changed=bool(changed)).single()["version"]
            except nex.TransientError as exc:
                # Transient to Neo4j, so the driver would run the whole write
                # again, into the same wall: raise what it cannot retry.
                if exc.code in _MEMORY_CODES:
                    raise TransactionTooLarge(
                        "the graph database ran out of transaction memory while "
                        f"writing ({exc.code}); nothing was written") from None
                raise
            return value, version

        return locked

    def _write_tx(self, work):
        """Run ``work`` (see :meth:`_locked`) in a managed write transaction."""
        with self._errors():
            self._ensure_ready()
            with self._session() as s:
                return s.execute_write(self._locked(work))

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
        batch: list = []
        size = 0
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

    def _check_size(self, rows: int, what: str) -> None:
        if rows > self.max_transaction_rows:
            raise TransactionTooLarge(
                f"{what} has {rows:,} rows; one write to {self.address} takes at most "
                f"{self.max_transaction_rows:,} (GRAPHSVC_NEO4J_MAX_TRANSACTION_ROWS); "
                "nothing was written")

    def upsert(self, actors=(), ties=(), progress=None, info=None) -> WriteResult:
        actors, ties = list(actors), list(ties)
        self._check_size(len(actors) + len(ties), "this import")  # before any query
        return super().upsert(actors, ties, progress, info)

    def _write(self, actors: list[Actor], ties: list[Tie],
               progress: Progress | None, info: ChangeInfo) -> WriteResult:
        self._check_size(len(actors) + len(ties), "this import")
        # Everything that can be computed without the database is, before the
        # transaction starts: a server that cannot roll back (the FalkorDB test
        # server) must not be left with half a batch by a Python error.
        actor_rows = {a.id: _actor_props(a) for a in actors}
        tie_rows = {t.id: (t.source, t.target, _tie_props(t)) for t in ties}

        def work(tx):
            # Each attempt starts afresh: the driver may run this again after
            # a transient error, and only the committed attempt is reported.
            res, steps, items = WriteResult(), [], []
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
                items.append(Item("actor", aid, _actor_record(old[aid]) if aid in old
                                  else None, _actor_record(props)))
            steps.append(len(actor_rows) - len(changed))
            for batch in self._batches(changed):
                tx.run(Q.MERGE_ACTORS, rows=batch).consume()
                steps.append(len(batch))

            old = {r["props"].get("id"): (r["source"], r["target"], r["props"]) for r in
                   self._lookup(tx, Q.TIES_BY_IDS, [str(k) for k in tie_rows])}
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
                items.append(Item("tie", str(tid), _tie_record(*old[tid]) if tid in old
                                  else None, _tie_record(*row)))
            steps.append(len(tie_rows) - len(changed))
            for batch in self._batches(replaced):
                tx.run(Q.DELETE_TIES, ids=batch).consume()
            for batch in self._batches(changed):
                created = tx.run(Q.CREATE_TIES, rows=batch).single()["created"]
                if created != len(batch):
                    # An end was deleted after validation, by another writer.
                    raise ValidationFailed([Problem(
                        "an actor a tie refers to was deleted while the batch was "
                        "being written", hint="Import the batch again.")])
                steps.append(len(batch))
            if items:
                self._append(tx, info, items,
                             self._revs(tx, [(i.record, i.id) for i in items]))
            return (res, steps), res.changed

        (res, steps), res.version = self._write_tx(work)
        if progress:  # after the commit: every row once, whatever was retried
            for n in steps:
                if n:
                    progress(n)
        return res

    def _delete(self, statement: str, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        self._check_size(len(ids), "this deletion")

        def work(tx):
            n = sum(tx.run(statement, ids=part).single()["deleted"]
                    for part in self._batches(ids))
            return n, n > 0

        return self._write_tx(work)[0]

    def delete_actors(self, ids: Iterable[str]) -> int:
        return self._delete(Q.DELETE_ACTORS, ids)

    def delete_ties(self, ids: Iterable[str]) -> int:
        return self._delete(Q.DELETE_TIES, ids)

    def clear(self) -> None:
        def work(tx):
            tx.run(Q.CLEAR).consume()
            return None, True

        self._write_tx(work)

    def set_meta(self, key: str, value: str | None) -> None:
        if key == "version":
            raise ValueError("'version' is kept by the store")

        def work(tx):
            if value is None:
                tx.run(Q.REMOVE_META, key=key).consume()
            else:
                tx.run(Q.SET_META, key=key, value=str(value)).consume()
            return None, True

        self._write_tx(work)

    def record_introduction(self, intro: Introduction) -> None:
        self._check_introduction(intro)
        props = _props(intro.to_record())

        def work(tx):
            tx.run(Q.RECORD_INTRODUCTION, props=props).consume()
            return None, True

        self._write_tx(work)

    # --- history ---------------------------------------------------------

    def _revs(self, tx, keys) -> dict[tuple[str, str], int]:
        keys = list(dict.fromkeys(keys))
        out = dict.fromkeys(keys, 0)
        for part in self._batches([{"record": r, "id": i} for r, i in keys]):
            for r in tx.run(Q.REVISIONS, keys=part):
                out[(r["record"], r["id"])] = int(r["revision"] or 0)
        return out

    def _append(self, tx, info: ChangeInfo, items: list[Item], revs) -> Change:
        at = now()
        props = {"at": at, "who": info.who, "path": info.path, "action": info.action}
        if info.reason:
            props["reason"] = info.reason
        seq = tx.run(Q.APPEND_CHANGE, props=props).single()["seq"]
        numbered = tuple(Item(i.record, i.id, i.before, i.after,
                              revs.get((i.record, i.id), 0) + 1) for i in items)
        rows = [_item_row(seq, n, i) for n, i in enumerate(numbered)]
        for batch in self._batches(rows):
            tx.run(Q.APPEND_ITEMS, rows=batch).consume()
        return Change(seq, at, info.who, info.path, info.action, info.reason, numbered)

    def _apply(self, info, items, expect) -> Change:
        self._check_size(len(items), "this change")
        # Everything computable without the database is computed first (the
        # stand-in cannot roll back), and every check reads before any write.
        dropped_ties = [i.id for i in items if i.record == "tie" and i.after is None]
        gone = [i.id for i in items if i.record == "actor" and i.after is None]
        put_actors = [{"id": i.id, "props": _actor_props(Actor.model_validate(i.after))}
                      for i in items if i.record == "actor" and i.after is not None]
        put_ties: list[dict] = []
        for i in items:
            if i.record == "tie" and i.after is not None:
                t = Tie.model_validate(i.after)
                put_ties.append({"source": t.source, "target": t.target,
                                 "props": _tie_props(t)})
        set_aliases = [{"old": i.id, "new": i.after["to"]} for i in items
                       if i.record == "alias" and i.after is not None]
        put_records = {r: [{"id": i.id, "props": _record_props(
            r, _RECORDS[r][0].model_validate(i.after))} for i in items
            if i.record == r and i.after is not None] for r in _RECORDS}
        drop_records = {r: [i.id for i in items if i.record == r and i.after is None]
                        for r in _RECORDS}
        drop_aliases = [i.id for i in items if i.record == "alias" and i.after is None]

        def work(tx):
            revs = self._revs(tx, [(i.record, i.id) for i in items] + list(expect))
            for key, want in expect.items():
                if revs.get(key, 0) != want:
                    raise _conflict(key[0], key[1], want, revs.get(key, 0))
            if gone:
                left = {r["id"] for r in self._lookup(tx, Q.TIES_TOUCHING, gone)}
                if left - set(dropped_ties):
                    raise Conflict("an actor got a new tie while it was being deleted; "
                                   "nothing was written",
                                   hint="Look at the actor again and repeat.",
                                   details={"record": "actor", "id": gone[0]})
            # ties that are replaced are deleted and created again
            for batch in self._batches(dropped_ties + [r["props"]["id"] for r in put_ties]):
                tx.run(Q.DELETE_TIES, ids=batch).consume()
            for batch in self._batches(drop_aliases):
                tx.run(Q.DELETE_ALIASES, ids=batch).consume()
            for batch in self._batches(gone):
                tx.run(Q.DELETE_ACTORS, ids=batch).consume()
            for batch in self._batches(put_actors):
                tx.run(Q.MERGE_ACTORS, rows=batch).consume()
            for batch in self._batches(put_ties):
                created = tx.run(Q.CREATE_TIES, rows=batch).single()["created"]
                if created != len(batch):
                    raise ValidationFailed([Problem(
                        "an actor a tie refers to was deleted meanwhile",
                        hint="Look again and repeat.")])
            for batch in self._batches(set_aliases):
                tx.run(Q.SET_ALIASES, rows=batch).consume()
            for r, (_model, _field, merge, delete) in _RECORDS.items():
                for batch in self._batches(drop_records[r]):
                    tx.run(getattr(Q, delete), ids=batch).consume()
                for batch in self._batches(put_records[r]):
                    tx.run(getattr(Q, merge), rows=batch).consume()
            return self._append(tx, info, items, revs), True

        change, _version = self._write_tx(work)
        log.info("%s: change %d (%s, %d records)", self.address, change.seq, info.action,
                 len(items))
        return change

    def revisions(self, keys):
        keys = list(keys)
        return self._read(lambda tx: self._revs(tx, keys))

    def changes(self, *, seqs=None, actor=None, record=None, limit=None, before=None):
        def work(tx):
            wanted: list[int] | None = None
            if seqs is not None:
                wanted = [int(q) for q in seqs]
            if actor is not None:
                found = [r["seq"] for r in tx.run(Q.CHANGES_OF_ACTOR, id=actor)]
                wanted = found if wanted is None else [q for q in wanted if q in found]
            if record is not None:
                found = [r["seq"] for r in tx.run(Q.CHANGES_OF_RECORD, record=record[0],
                                                  id=record[1])]
                wanted = found if wanted is None else [q for q in wanted if q in found]
            if wanted is None:
                wanted = [r["seq"] for r in tx.run(
                    Q.CHANGE_SEQS, before=before, limit=int(limit or 2 ** 31 - 1))]
            wanted = sorted({q for q in wanted if before is None or q < before},
                            reverse=True)[:limit]
            heads: dict[int, dict] = {
                r["props"]["seq"]: r["props"] for part in self._batches(wanted)
                for r in tx.run(Q.CHANGES_BY_SEQS, seqs=part)}
            items: dict[int, list[dict]] = {q: [] for q in heads}
            for part in self._batches(wanted):
                for r in tx.run(Q.ITEMS_OF_CHANGES, seqs=part):
                    items[r["props"]["change"]].append(r["props"])
            return [Change(q, heads[q]["at"], heads[q]["who"], heads[q]["path"],
                           heads[q]["action"], heads[q].get("reason"),
                           tuple(_item(p) for p in sorted(items[q], key=lambda p: p["n"])))
                    for q in wanted if q in heads]

        return self._read(work)

    def aliases(self) -> dict[str, str]:
        return {r["old"]: r["new"] for r in self._query(Q.ALIASES)}

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

    def get_event(self, event_id: str) -> Event | None:
        rows = self._query(Q.EVENTS_BY_IDS, ids=[event_id])
        return _from_props("event", rows[0]["props"]) if rows else None

    def get_group(self, group_id: str) -> Group | None:
        rows = self._query(Q.GROUPS_BY_IDS, ids=[group_id])
        return _from_props("group", rows[0]["props"]) if rows else None

    def events(self) -> list[Event]:
        return [_from_props("event", r["props"]) for r in self._query(Q.ALL_EVENTS)]

    def groups(self) -> list[Group]:
        return [_from_props("group", r["props"]) for r in self._query(Q.ALL_GROUPS)]

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
        params: dict[str, Any] = {
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

    #: Reads of the whole graph tried before one under the writers' lock.
    SNAPSHOT_ATTEMPTS = 5
    #: The stand-in shows uncommitted writes and has no locks: only retries help.
    STANDIN_SNAPSHOT_ATTEMPTS = 500

    def snapshot(self, include_restricted: bool = True):
        """The graph as NetworkX, as of one version, built in id order.

        Records stream from the server straight into the graph (actors by
        id, then ties by id), in one read transaction that reads the state
        before and after. Neo4j reads committed data statement by statement,
        so a write that commits between the statements would leave a graph
        that no version had: then the read is repeated, and after
        :attr:`SNAPSHOT_ATTEMPTS` such reads it is done once more under the
        writers' lock, which writers wait for.
        """
        def build(tx):
            meta = {r["key"]: r["value"] for r in tx.run(Q.READ_META)}
            actors = (_actor_record(r["props"]) for r in
                      tx.run(Q.ALL_ACTORS, include_restricted=include_restricted))

            def ties():
                for r in tx.run(Q.ALL_TIES, include_restricted=include_restricted):
                    yield _tie_record(r["source"], r["target"], r["props"])

            return build_snapshot(actors, ties(), meta=meta)

        def state(tx):
            row = tx.run(Q.READ_STATE).single()
            return (row["version"], row["writer"]) if row else (0, None)

        def attempt(tx):
            before = state(tx)
            G = build(tx)
            after = state(tx)
            if before != after or before[1]:
                return None  # a write committed (or, on the stand-in, is under way)
            G.graph["version"] = before[0]
            return G

        for n in range(self.SNAPSHOT_ATTEMPTS if self.is_neo4j is not False
                       else self.STANDIN_SNAPSHOT_ATTEMPTS):
            G = self._read(attempt)
            if G is not None:
                return G
            time.sleep(min(0.002 * (n + 1), 0.05))  # let the writer finish
        if self.is_neo4j is False:
            # The stand-in has no locks to wait for, so no locked read either.
            raise StoreUnavailable(self.address, "the graph kept changing while it was read")
        log.info("snapshot of %s moved under %d reads; reading under the writers' lock",
                 self.address, self.SNAPSHOT_ATTEMPTS)
        G, version = self._write_tx(lambda tx: (build(tx), False))
        G.graph["version"] = version
        return G


def _version_tuple(text) -> tuple[int, ...]:
    """``"5.26.0"`` -> ``(5, 26, 0)``; unknown parts count as 0."""
    parts = re.findall(r"\d+", str(text or ""))[:3]
    return tuple(int(p) for p in parts) or (0,)


def _reason(exc: Exception) -> str:
    """The useful part of a driver error, on one line."""
    text = " ".join(str(exc).split())
    m = re.search(r"\(reason ([^)]*\)?)\)", text)
    if m:
        return m.group(1)
    if "handshake" in text.lower():
        return "the server did not answer the Bolt handshake"
    return text or type(exc).__name__
