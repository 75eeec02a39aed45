"""The embedded graph store: one SQLite file, no server.

WAL mode lets the web app keep reading while a CLI import writes; writers
take the write lock up front (``BEGIN IMMEDIATE``) and wait up to
``busy_timeout`` for it rather than fail. Each actor and tie is stored as its
full JSON record, with the columns that filters need beside it, so a round
trip is lossless. Ties also keep every field in a column of its own (schema
version 3), so the snapshot is read as column data, without decoding a JSON
record per tie; a tie field without a column is read from the records.
"""
from __future__ import annotations

import json
import logging
import operator
import sqlite3
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ..errors import Conflict
from ..history import Change, ChangeInfo, Item
from ..model import Actor, Event, Group, Introduction, Tie
from ..sqlite_file import SQLiteFile, guarded
from .base import ActorFilter, GraphStore, Progress, WriteResult
from .edits import now

__all__ = ["SQLiteStore", "SCHEMA_VERSION"]

log = logging.getLogger(__name__)

# Each entry migrates the schema from version i to i + 1; never edit one
# that has shipped, append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE actors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        country TEXT NOT NULL,
        city TEXT,
        visibility TEXT NOT NULL,
        search TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX actors_kind ON actors(kind);
    CREATE INDEX actors_country ON actors(country);
    CREATE INDEX actors_name ON actors(name, id);
    CREATE TABLE ties (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
        target TEXT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        visibility TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX ties_source ON ties(source);
    CREATE INDEX ties_target ON ties(target);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta(key, value) VALUES ('version', '0');
    """,
    """
    CREATE TABLE introductions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        via TEXT,
        record TEXT NOT NULL
    );
    CREATE INDEX introductions_source ON introductions(source);
    CREATE INDEX introductions_target ON introductions(target);
    """,
    # The history (graphsvc.history): one row per change, one per record it
    # touched (values before and after, as JSON), the actors each change is
    # about (for an actor's history), and the aliases merges leave.
    """
    CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        path TEXT NOT NULL,
        action TEXT NOT NULL,
        reason TEXT
    );
    CREATE TABLE change_items (
        change INTEGER NOT NULL REFERENCES changes(seq),
        record TEXT NOT NULL,
        rid TEXT NOT NULL,
        revision INTEGER NOT NULL,
        before TEXT,
        after TEXT,
        PRIMARY KEY (record, rid, revision)
    );
    CREATE INDEX change_items_change ON change_items(change);
    CREATE TABLE change_actors (
        actor TEXT NOT NULL,
        change INTEGER NOT NULL,
        PRIMARY KEY (actor, change)
    );
    CREATE TABLE aliases (old TEXT PRIMARY KEY, new TEXT NOT NULL);
    """,
    # Every tie field in a column of its own, so a snapshot reads column
    # data instead of one JSON record per tie.
    """
    ALTER TABLE ties ADD COLUMN subtype TEXT;
    ALTER TABLE ties ADD COLUMN strength REAL;
    ALTER TABLE ties ADD COLUMN amount REAL;
    ALTER TABLE ties ADD COLUMN currency TEXT;
    ALTER TABLE ties ADD COLUMN year INTEGER;
    ALTER TABLE ties ADD COLUMN channel TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE ties ADD COLUMN since TEXT;
    ALTER TABLE ties ADD COLUMN "until" TEXT;
    ALTER TABLE ties ADD COLUMN provenance TEXT;
    ALTER TABLE ties ADD COLUMN source_ref TEXT;
    ALTER TABLE ties ADD COLUMN note TEXT;
    ALTER TABLE ties ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';
    UPDATE ties SET subtype = json_extract(record, '$.subtype'),
      strength = json_extract(record, '$.strength'),
      amount = json_extract(record, '$.amount'),
      currency = json_extract(record, '$.currency'),
      year = json_extract(record, '$.year'),
      channel = coalesce(json_extract(record, '$.channel'), '[]'),
      since = json_extract(record, '$.since'),
      "until" = json_extract(record, '$.until'),
      provenance = json_extract(record, '$.provenance'),
      source_ref = json_extract(record, '$.source_ref'),
      note = json_extract(record, '$.note'),
      evidence = coalesce(json_extract(record, '$.evidence'), '[]');
    """,
    # Events and groups (two-mode records): each kept whole as its JSON
    # record, participants or members inside, with the columns reads order
    # and filter by beside it.
    """
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        start TEXT NOT NULL,
        visibility TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX events_start ON events(start, id);
    CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        visibility TEXT NOT NULL,
        record TEXT NOT NULL
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

_CHUNK = 500  # rows per executemany; progress is reported per chunk

#: Tie fields kept in columns of their own beside the record (schema 3), in
#: the order of the INSERT; ``channel`` as compact JSON.
_TIE_COLUMNS = ("id", "source", "target", "kind", "visibility", "subtype", "strength",
                "amount", "currency", "year", "channel", "since", "until", "provenance",
                "source_ref", "note", "evidence")
#: Columns holding a list, kept as compact JSON.
_JSON_COLUMNS = ("channel", "evidence")


def fold(text: str | None) -> str:
    """Lowercase without accents, so 'Mexico' finds 'México'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _dump(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_TIE_UPSERT = (  # column names are the literals above, never input
    "INSERT INTO ties(" + ", ".join(f'"{c}"' for c in (*_TIE_COLUMNS, "record"))
    + ") VALUES (" + ", ".join("?" * (len(_TIE_COLUMNS) + 1)) + ") "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f'"{c}"=excluded."{c}"' for c in (*_TIE_COLUMNS[1:], "record")))


def _tie_row(t: Tie, text: str) -> tuple:
    """The values of :data:`_TIE_COLUMNS` and the record, for the INSERT."""
    rec = t.to_record()
    for c in _JSON_COLUMNS:
        rec[c] = json.dumps(rec.get(c) or [], ensure_ascii=False, separators=(",", ":"))
    return (*(rec.get(c) for c in _TIE_COLUMNS), text)


@guarded("graph database", "GRAPHSVC_DB")
class SQLiteStore(GraphStore):
    """Graph store in a single SQLite file at ``path``.

    A damaged, read-only or full file raises
    :class:`~graphsvc.errors.StoreUnavailable` from every method
    (:func:`graphsvc.sqlite_file.guarded`), never a raw ``sqlite3`` error.
    """

    name = "sqlite"

    def __init__(self, path: str | Path, busy_timeout_ms: int = 30_000):
        self.path = Path(path)
        self._file = SQLiteFile(path, MIGRATIONS, setting="GRAPHSVC_DB",
                                busy_timeout_ms=busy_timeout_ms,
                                pragmas=("synchronous = NORMAL",))
        self._conn = self._file.conn
        self._tx = self._file.tx

    def close(self) -> None:
        self._file.close()

    def check(self, quick: bool = False) -> list[str]:
        """SQLite's integrity check of the file (:meth:`SQLiteFile.check`)."""
        return self._file.check(quick)

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the file at ``target`` (SQLite's online backup)."""
        self._file.backup(target)

    @classmethod
    def _bump(cls, c: sqlite3.Connection) -> int:
        c.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")
        return cls._version(c)

    # --- writes -----------------------------------------------------------

    def _write(self, actors: list[Actor], ties: list[Tie],
               progress: Progress | None, info: ChangeInfo) -> WriteResult:
        res = WriteResult()
        items: list[Item] = []
        with self._tx(write=True) as c:
            old = self._records(c, "actors", [a.id for a in actors])
            rows = []
            for a in actors:
                rec = a.to_record()
                text = _dump(rec)
                if a.id not in old:
                    res.actors_created += 1
                elif old[a.id] != text:
                    res.actors_updated += 1
                else:
                    res.actors_unchanged += 1
                    continue
                items.append(Item("actor", a.id, json.loads(old[a.id]) if a.id in old
                                  else None, rec))
                rows.append((a.id, a.name, a.kind, a.country, a.city, a.visibility,
                             fold(" ".join(filter(None, (a.name, a.id, a.city)))), text))
            self._chunked(c, """
                INSERT INTO actors(id, name, kind, country, city, visibility, search, record)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name=excluded.name, kind=excluded.kind,
                  country=excluded.country, city=excluded.city,
                  visibility=excluded.visibility, search=excluded.search,
                  record=excluded.record""", rows, progress, len(actors) - len(rows))

            old = self._records(c, "ties", [t.id for t in ties])
            tie_rows = []
            for t in ties:
                rec = t.to_record()
                text = _dump(rec)
                if t.id not in old:
                    res.ties_created += 1
                elif old[t.id] != text:
                    res.ties_updated += 1
                else:
                    res.ties_unchanged += 1
                    continue
                items.append(Item("tie", str(t.id), json.loads(old[t.id]) if t.id in old
                                  else None, rec))
                tie_rows.append(_tie_row(t, text))
            self._chunked(c, _TIE_UPSERT, tie_rows, progress, len(ties) - len(tie_rows))
            if items:
                self._append(c, info, items,
                             self._revs(c, [(i.record, i.id) for i in items]))

            res.version = self._bump(c) if res.changed else self._version(c)
        log.info("%s: wrote %s (version %d)", self.path, res.summary(), res.version)
        return res

    @staticmethod
    def _chunked(c, sql, rows, progress, skipped):
        if progress and skipped:
            progress(skipped)
        for i in range(0, len(rows), _CHUNK):
            chunk = rows[i:i + _CHUNK]
            c.executemany(sql, chunk)
            if progress:
                progress(len(chunk))

    @staticmethod
    def _records(c, table: str, ids: list) -> dict[str, str]:
        out = {}
        for i in range(0, len(ids), _CHUNK):
            part = ids[i:i + _CHUNK]
            marks = ",".join("?" * len(part))
            # The table name is one of two literals from this module, never input.
            out.update(c.execute(f"SELECT id, record FROM {table} WHERE id IN ({marks})",
                                 part).fetchall())
        return out

    def delete_actors(self, ids: Iterable[str]) -> int:
        return self._delete("actors", ids)  # ties go with them: ON DELETE CASCADE

    def delete_ties(self, ids: Iterable[str]) -> int:
        return self._delete("ties", ids)

    def _delete(self, table: str, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        with self._tx(write=True) as c:
            n = 0
            for i in range(0, len(ids), _CHUNK):
                part = ids[i:i + _CHUNK]
                marks = ",".join("?" * len(part))
                # The table name is one of two literals from this module, never input.
                n += c.execute(f"DELETE FROM {table} WHERE id IN ({marks})", part).rowcount
            if n:
                self._bump(c)
        log.info("%s: deleted %d of %d %s", self.path, n, len(ids), table)
        return n

    def clear(self) -> None:
        with self._tx(write=True) as c:
            c.execute("DELETE FROM aliases")
            c.execute("DELETE FROM events")
            c.execute("DELETE FROM groups")
            c.execute("DELETE FROM introductions")
            c.execute("DELETE FROM ties")
            c.execute("DELETE FROM actors")
            c.execute("DELETE FROM meta WHERE key != 'version'")
            self._bump(c)
        log.info("%s: cleared", self.path)

    def set_meta(self, key: str, value: str | None) -> None:
        if key == "version":
            raise ValueError("'version' is kept by the store")
        with self._tx(write=True) as c:
            if value is None:
                c.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                c.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) "
                          "DO UPDATE SET value = excluded.value", (key, str(value)))
            self._bump(c)

    def record_introduction(self, intro: Introduction) -> None:
        self._check_introduction(intro)
        with self._tx(write=True) as c:
            c.execute("INSERT INTO introductions(source, target, via, record) "
                      "VALUES (?, ?, ?, ?)",
                      (intro.source, intro.target, intro.via, _dump(intro.to_record())))
            self._bump(c)

    # --- history ---------------------------------------------------------

    _UPSERT_ACTOR = """
        INSERT INTO actors(id, name, kind, country, city, visibility, search, record)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET name=excluded.name, kind=excluded.kind,
          country=excluded.country, city=excluded.city, visibility=excluded.visibility,
          search=excluded.search, record=excluded.record"""

    @staticmethod
    def _revs(c, keys) -> dict[tuple[str, str], int]:
        keys = list(dict.fromkeys(keys))
        out = dict.fromkeys(keys, 0)
        by_record: dict[str, list[str]] = {}
        for record, rid in keys:
            by_record.setdefault(record, []).append(rid)
        for record, ids in by_record.items():
            for i in range(0, len(ids), _CHUNK):
                part = ids[i:i + _CHUNK]
                for rid, rev in c.execute(
                        "SELECT rid, max(revision) FROM change_items WHERE record = ? "
                        f"AND rid IN ({','.join('?' * len(part))}) GROUP BY rid",
                        [record, *part]):
                    out[(record, rid)] = int(rev or 0)
        return out

    @staticmethod
    def _append(c, info: ChangeInfo, items: list[Item], revs) -> Change:
        at = now()
        seq = c.execute("INSERT INTO changes(at, who, path, action, reason) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (at, info.who, info.path, info.action, info.reason)).lastrowid
        numbered = tuple(Item(i.record, i.id, i.before, i.after,
                              revs.get((i.record, i.id), 0) + 1) for i in items)
        c.executemany("INSERT INTO change_items(change, record, rid, revision, before, "
                      "after) VALUES (?, ?, ?, ?, ?, ?)",
                      [(seq, i.record, i.id, i.revision,
                        None if i.before is None else _dump(i.before),
                        None if i.after is None else _dump(i.after)) for i in numbered])
        c.executemany("INSERT OR IGNORE INTO change_actors(actor, change) VALUES (?, ?)",
                      [(a, seq) for a in dict.fromkeys(x for i in numbered
                                                       for x in i.actors)])
        return Change(seq, at, info.who, info.path, info.action, info.reason, numbered)

    def _apply(self, info, items, expect) -> Change:
        with self._tx(write=True) as c:
            revs = self._revs(c, [(i.record, i.id) for i in items] + list(expect))
            for key, want in expect.items():
                if revs.get(key, 0) != want:
                    from .edits import _conflict

                    raise _conflict(key[0], key[1], want, revs.get(key, 0))
            gone = [i.id for i in items if i.record == "actor" and i.after is None]
            dropped = {i.id for i in items if i.record == "tie" and i.after is None}
            for aid in gone:
                left = [r[0] for r in c.execute(
                    "SELECT id FROM ties WHERE source = ? OR target = ?", (aid, aid))
                    if r[0] not in dropped]
                if left:
                    raise Conflict(f"the actor '{aid}' got a new tie while it was being "
                                   "deleted; nothing was written",
                                   hint="Look at the actor again and repeat.",
                                   details={"record": "actor", "id": aid})
            for i in items:
                if i.record == "tie" and i.after is None:
                    c.execute("DELETE FROM ties WHERE id = ?", (i.id,))
            for i in items:
                if i.record == "alias":
                    if i.after is None:
                        c.execute("DELETE FROM aliases WHERE old = ?", (i.id,))
                    else:
                        c.execute("INSERT INTO aliases(old, new) VALUES (?, ?) ON CONFLICT"
                                  "(old) DO UPDATE SET new = excluded.new",
                                  (i.id, i.after["to"]))
                elif i.record == "actor":
                    if i.after is None:
                        c.execute("DELETE FROM actors WHERE id = ?", (i.id,))
                    else:
                        a = Actor.model_validate(i.after)
                        c.execute(self._UPSERT_ACTOR, (
                            a.id, a.name, a.kind, a.country, a.city, a.visibility,
                            fold(" ".join(filter(None, (a.name, a.id, a.city)))),
                            _dump(a.to_record())))
            for i in items:
                if i.record == "tie" and i.after is not None:
                    t = Tie.model_validate(i.after)
                    c.execute(_TIE_UPSERT, _tie_row(t, _dump(t.to_record())))
                elif i.record == "event":
                    if i.after is None:
                        c.execute("DELETE FROM events WHERE id = ?", (i.id,))
                    else:
                        e = Event.model_validate(i.after)
                        c.execute("INSERT INTO events(id, start, visibility, record) "
                                  "VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                                  "start = excluded.start, visibility = excluded.visibility, "
                                  "record = excluded.record",
                                  (e.id, e.start.isoformat(), e.visibility,
                                   _dump(e.to_record())))
                elif i.record == "group":
                    if i.after is None:
                        c.execute("DELETE FROM groups WHERE id = ?", (i.id,))
                    else:
                        g = Group.model_validate(i.after)
                        c.execute("INSERT INTO groups(id, visibility, record) VALUES "
                                  "(?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                                  "visibility = excluded.visibility, record = excluded.record",
                                  (g.id, g.visibility, _dump(g.to_record())))
            change = self._append(c, info, items, revs)
            self._bump(c)
        log.info("%s: change %d (%s, %d records)", self.path, change.seq, info.action,
                 len(items))
        return change

    def revisions(self, keys):
        with self._tx(write=False) as c:
            return self._revs(c, list(keys))

    def changes(self, *, seqs=None, actor=None, record=None, limit=None, before=None):
        where, args = [], []
        if seqs is not None:
            seqs = [int(s) for s in seqs]
            where.append(f"seq IN ({','.join('?' * len(seqs))})")
            args += seqs
        if actor is not None:
            where.append("seq IN (SELECT change FROM change_actors WHERE actor = ?)")
            args.append(actor)
        if record is not None:
            where.append("seq IN (SELECT change FROM change_items WHERE record = ? "
                         "AND rid = ?)")
            args += list(record)
        if before is not None:
            where.append("seq < ?")
            args.append(int(before))
        sql = "SELECT seq, at, who, path, action, reason FROM changes"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        with self._tx(write=False) as c:
            heads = c.execute(sql, args).fetchall()
            items: dict[int, list[Item]] = {h[0]: [] for h in heads}
            nums = list(items)
            for i in range(0, len(nums), _CHUNK):
                part = nums[i:i + _CHUNK]
                for ch, rec, rid, rev, b, a in c.execute(
                        "SELECT change, record, rid, revision, before, after FROM "
                        f"change_items WHERE change IN ({','.join('?' * len(part))}) "
                        "ORDER BY rowid", part):
                    items[ch].append(Item(rec, rid, json.loads(b) if b else None,
                                          json.loads(a) if a else None, rev))
        return [Change(seq, at, who, path, action, reason, tuple(items[seq]))
                for seq, at, who, path, action, reason in heads]

    def aliases(self) -> dict[str, str]:
        return dict(self._conn().execute("SELECT old, new FROM aliases").fetchall())

    # --- reads ------------------------------------------------------------

    def introductions(self, actor_id: str | None = None) -> list[Introduction]:
        sql, args = "SELECT record FROM introductions", []
        if actor_id is not None:
            sql += " WHERE source = ? OR target = ? OR via = ?"
            args = [actor_id] * 3
        rows = self._conn().execute(sql + " ORDER BY seq", args).fetchall()
        return [Introduction.model_validate_json(r[0]) for r in rows]

    def get_actor(self, actor_id: str) -> Actor | None:
        row = self._conn().execute("SELECT record FROM actors WHERE id = ?",
                                   (actor_id,)).fetchone()
        return Actor.model_validate_json(row[0]) if row else None

    def get_tie(self, tie_id: str) -> Tie | None:
        row = self._conn().execute("SELECT record FROM ties WHERE id = ?",
                                   (tie_id,)).fetchone()
        return Tie.model_validate_json(row[0]) if row else None

    def get_event(self, event_id: str) -> Event | None:
        row = self._conn().execute("SELECT record FROM events WHERE id = ?",
                                   (event_id,)).fetchone()
        return Event.model_validate_json(row[0]) if row else None

    def get_group(self, group_id: str) -> Group | None:
        row = self._conn().execute("SELECT record FROM groups WHERE id = ?",
                                   (group_id,)).fetchone()
        return Group.model_validate_json(row[0]) if row else None

    def events(self) -> list[Event]:
        rows = self._conn().execute("SELECT record FROM events ORDER BY start, id")
        return [Event.model_validate_json(r[0]) for r in rows.fetchall()]

    def groups(self) -> list[Group]:
        rows = self._conn().execute("SELECT record FROM groups ORDER BY id")
        return [Group.model_validate_json(r[0]) for r in rows.fetchall()]

    def _actors_by_ids(self, ids):
        with self._tx(write=False) as c:
            recs = self._records(c, "actors", list(ids))
        return [Actor.model_validate_json(r) for r in recs.values()]

    def existing_actor_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        with self._tx(write=False) as c:
            return set(self._records(c, "actors", ids))

    def find_actors(self, flt: ActorFilter | None = None, limit: int | None = None,
                    offset: int = 0) -> list[Actor]:
        flt = flt or ActorFilter()
        where: list[str] = []
        args: list[object] = []
        if flt.q:
            where.append("search LIKE ? ESCAPE '\\'")
            q = fold(flt.q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args.append(f"%{q}%")
        for col, val in (("kind", flt.kind), ("country", flt.country)):
            if val:
                where.append(f"{col} = ?")
                args.append(val.lower() if col == "kind" else val.upper())
        if flt.city:
            where.append("lower(city) = lower(?)")
            args.append(flt.city)
        if flt.issue_area:
            where.append("EXISTS (SELECT 1 FROM json_each(record, '$.issue_areas') "
                         "WHERE value = ?)")
            args.append(flt.issue_area)
        if not flt.include_restricted:
            where.append("visibility = 'public'")
        sql = "SELECT record FROM actors"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY name, id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [int(limit), int(offset)]
        rows = self._conn().execute(sql, args).fetchall()
        return [Actor.model_validate_json(r[0]) for r in rows]

    def ties(self, actor_id: str | None = None, kinds: Iterable[str] | None = None,
             include_restricted: bool = True) -> list[Tie]:
        where, args = [], []
        if actor_id is not None:
            where.append("(t.source = ? OR t.target = ?)")
            args += [actor_id, actor_id]
        if kinds is not None:
            kinds = list(kinds)
            where.append(f"t.kind IN ({','.join('?' * len(kinds))})")
            args += kinds
        if not include_restricted:
            where.append("t.visibility = 'public' AND s.visibility = 'public' "
                         "AND d.visibility = 'public'")
        sql = ("SELECT t.record FROM ties t JOIN actors s ON s.id = t.source "
               "JOIN actors d ON d.id = t.target")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY t.id"
        rows = self._conn().execute(sql, args).fetchall()
        return [Tie.model_validate_json(r[0]) for r in rows]

    @staticmethod
    def _version(c) -> int:
        row = c.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if row is None:  # the schema creates it: only a damaged file loses it
            raise sqlite3.DatabaseError("database disk image is malformed (no version row)")
        return int(row[0])

    def version(self) -> int:
        return self._version(self._conn())

    def counts(self) -> dict[str, int]:
        c = self._conn()
        return {"actors": c.execute("SELECT count(*) FROM actors").fetchone()[0],
                "ties": c.execute("SELECT count(*) FROM ties").fetchone()[0]}

    def meta(self) -> dict[str, str]:
        rows = self._conn().execute("SELECT key, value FROM meta WHERE key != 'version'")
        return dict(rows.fetchall())

    def snapshot(self, include_restricted: bool = True):
        # One read transaction, so actors, ties and version agree.
        from ..snapshot import build_snapshot, paused_gc

        vis = "" if include_restricted else " WHERE visibility = 'public'"
        fields = sorted(f for f in Tie.model_fields if f not in ("source", "target"))
        columnar = set(fields) <= set(_TIE_COLUMNS)
        with self._tx(write=False) as c, paused_gc():
            actors = [json.loads(r[0]) for r in c.execute(
                f"SELECT record FROM actors{vis} ORDER BY id")]
            if columnar:  # one pass over column data, no JSON but the channels
                # Field names come from the Tie model, never from input.
                names = ", ".join(f'"{f}"' for f in fields)
                ties = _tie_columns(c.execute(
                    f"SELECT source, target, {names} FROM ties{vis}").fetchall(), fields)
            else:  # a field without a column yet: read the records
                ties = [json.loads(r[0]) for r in c.execute(
                    f"SELECT record FROM ties{vis} ORDER BY id")]
            version = self._version(c)
            meta = dict(c.execute("SELECT key, value FROM meta WHERE key != 'version'"))
        return build_snapshot(actors, ties, version=version, meta=meta, owned=True)


def _tie_columns(rows: list, fields: list[str]):
    """Tie records (dicts, fields in sorted order as in the JSON records) from
    rows of ``source, target, *fields``, by id (read in table order and sorted
    here: faster than walking the id index, and the same order, since
    SQLite's binary collation of UTF-8 orders as Python orders str)."""
    loads = json.loads
    names = ("source", "target", *fields)
    lists = [(c, names.index(c)) for c in _JSON_COLUMNS]
    rows.sort(key=operator.itemgetter(names.index("id")))
    for row in rows:
        rec = dict(zip(names, row))
        for c, i in lists:
            value = row[i]
            rec[c] = [] if value == "[]" or value is None else loads(value)
        yield rec
