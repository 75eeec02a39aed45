"""Every Cypher statement the Neo4j store runs, named, in one place.

The graph in the database
-------------------------
``(:Actor {id, name, kind, country, city, region, issue_areas, ...})``
    One node per actor; every field of the actor that has a value is a
    property (lists are lists; absent means empty or none). ``search`` holds
    name, id and city lowercased without accents, for ``find_actors``.
``(:Actor)-[:TIE {id, kind, subtype, strength, amount, ...}]->(:Actor)``
    One relationship per tie, with every field but ``source``/``target`` (the
    relationship's own ends). Funding runs funder -> recipient; formal and
    informal ties are undirected and stored once in the direction recorded,
    so match them without an arrow: ``(a)-[t:TIE {kind: 'formal'}]-(b)``.
    Dates (``since``, ``until``) are ISO strings: they sort and compare as
    dates do.
``(:Introduction {seq, source, target, via, status, note, recorded_at})``
    The introductions log; ``seq`` orders it. Actor ids, not relationships,
    so the log outlives a deleted actor.
``(:GraphsvcState {key: 'state', version, introductions, changes})``
    The version counter (it advances on every write that changes something),
    the introductions sequence and the history's.
``(:Change {seq, at, who, path, action, reason})`` and
``(:ChangeItem {change, record, rid, revision, before, after, actors})``
    The history (:mod:`graphsvc.history`): one node per change and one per
    record it touched, ``before`` and ``after`` as JSON text (absent for
    none), ``actors`` the actor ids the item is about.
``(:Event {id, title, kind, start, end, city, country, ..., participants, actors})``
    One node per event, every field that has a value a property;
    ``participants`` is JSON text (``[{"actor": id, "role": ...}]``: a
    property holds no list of maps) and ``actors`` the participants' ids,
    for queries (``MATCH (e:Event) WHERE 'sin-fronteras' IN e.actors``).
    Ids, not relationships, like the introductions log: an attendance
    outlives a deleted actor and comes back with it.
``(:Group {id, title, kind, ..., members, actors})``
    One node per group, ``members`` as JSON text
    (``[{"actor", "role", "since", "until", "visibility"}]``), ``actors``
    the members' ids.
``(:ActorAlias {old, new})``
    A merged actor id and the id it resolves to.
``(:GraphsvcMeta {key, value})``
    Dataset settings, e.g. ``illustrative = 'true'``.

Why one relationship type with a ``kind`` property rather than ``:FORMAL``,
``:INFORMAL``, ``:FUNDING``: every write and lookup is by tie id, and one
type lets one index (a uniqueness constraint on Neo4j) serve them all,
whatever the kind; a tie whose kind is corrected on re-import stays the same
relationship type. A researcher filters with ``{kind: 'funding'}``.

Every statement takes its values as parameters (``$name``); none is ever
built from input. The statements keep to the openCypher that both Neo4j 5
and the FalkorDB test server run, except those in :data:`NEO4J_SCHEMA`.
The ``RESEARCH_*`` statements at the end are not used by the store: they are
examples to run in Neo4j Browser or ``cypher-shell``.
"""
from __future__ import annotations

__all__ = [
    "NEO4J_SCHEMA", "NEO4J_TIE_ID_CONSTRAINT", "NEO4J_TIE_ID_INDEX", "NEO4J_CLASHING_INDEXES",
    "NEO4J_DROP_INDEX", "NEO4J_CONSTRAINED", "PORTABLE_SCHEMA", "PORTABLE_INDEXES", "IS_NEO4J",
    "STANDIN_PROBE_ERROR",
    "LOCK_WRITERS", "FINISH_WRITE", "READ_VERSION", "READ_STATE",
    "ACTORS_BY_IDS", "ACTOR_IDS", "MERGE_ACTORS", "DELETE_ACTORS",
    "TIES_BY_IDS", "DELETE_TIES", "CREATE_TIES",
    "FIND_ACTORS", "PAGE", "TIES", "TIES_OF_ACTOR", "ALL_ACTORS", "ALL_TIES",
    "COUNT_ACTORS", "COUNT_TIES", "READ_META", "SET_META", "REMOVE_META",
    "CLEAR", "RECORD_INTRODUCTION", "INTRODUCTIONS",
    "REVISIONS", "APPEND_CHANGE", "APPEND_ITEMS", "CHANGES_BY_SEQS", "ITEMS_OF_CHANGES",
    "CHANGES_OF_ACTOR", "CHANGES_OF_RECORD", "CHANGE_SEQS", "ALIASES", "SET_ALIASES",
    "DELETE_ALIASES", "TIES_TOUCHING",
    "EVENTS_BY_IDS", "ALL_EVENTS", "MERGE_EVENTS", "DELETE_EVENTS",
    "GROUPS_BY_IDS", "ALL_GROUPS", "MERGE_GROUPS", "DELETE_GROUPS",
    "RESEARCH_FUNDING_CHAINS", "RESEARCH_CROSS_BORDER_TIES",
    "RESEARCH_POLICYMAKER_REACH",
]

# --- schema -----------------------------------------------------------------

#: Neo4j 5 only: named constraints and indexes, idempotent (IF NOT EXISTS).
#: Uniqueness constraints on ids make MERGE safe under concurrent writers and
#: bring the index that lookups by id use. The relationship constraint needs
#: Neo4j 5.7 or newer; on an older 5.x the store falls back to
#: :data:`NEO4J_TIE_ID_INDEX`.
NEO4J_TIE_ID_CONSTRAINT = ("CREATE CONSTRAINT tie_id IF NOT EXISTS "
                           "FOR ()-[t:TIE]-() REQUIRE t.id IS UNIQUE")

NEO4J_SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE",
    NEO4J_TIE_ID_CONSTRAINT,
    "CREATE CONSTRAINT graphsvc_state_key IF NOT EXISTS "
    "FOR (s:GraphsvcState) REQUIRE s.key IS UNIQUE",
    "CREATE CONSTRAINT graphsvc_meta_key IF NOT EXISTS "
    "FOR (m:GraphsvcMeta) REQUIRE m.key IS UNIQUE",
    "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (e:Event) REQUIRE e.id IS UNIQUE",
    "CREATE CONSTRAINT group_id IF NOT EXISTS FOR (g:Group) REQUIRE g.id IS UNIQUE",
    "CREATE INDEX actor_kind IF NOT EXISTS FOR (a:Actor) ON (a.kind)",
    "CREATE INDEX actor_country IF NOT EXISTS FOR (a:Actor) ON (a.country)",
    "CREATE INDEX actor_name IF NOT EXISTS FOR (a:Actor) ON (a.name)",
    "CREATE INDEX tie_kind IF NOT EXISTS FOR ()-[t:TIE]-() ON (t.kind)",
    "CREATE INDEX introduction_seq IF NOT EXISTS FOR (i:Introduction) ON (i.seq)",
    "CREATE INDEX change_seq IF NOT EXISTS FOR (c:Change) ON (c.seq)",
    "CREATE INDEX change_item_rid IF NOT EXISTS FOR (i:ChangeItem) ON (i.rid)",
    "CREATE INDEX change_item_change IF NOT EXISTS FOR (i:ChangeItem) ON (i.change)",
    "CREATE INDEX actor_alias_old IF NOT EXISTS FOR (x:ActorAlias) ON (x.old)",
)

#: Fallback for Neo4j 5.0-5.6, which has no relationship uniqueness constraint.
NEO4J_TIE_ID_INDEX = "CREATE INDEX tie_id IF NOT EXISTS FOR ()-[t:TIE]-() ON (t.id)"

#: The FalkorDB test server only (never run on Neo4j): unnamed indexes, each
#: with the label (or type) and property it covers, created only when
#: :data:`PORTABLE_INDEXES` does not list them.
PORTABLE_SCHEMA: tuple[tuple[str, str, str], ...] = (
    ("Actor", "id", "CREATE INDEX FOR (a:Actor) ON (a.id)"),
    ("TIE", "id", "CREATE INDEX FOR ()-[t:TIE]-() ON (t.id)"),
    ("GraphsvcState", "key", "CREATE INDEX FOR (s:GraphsvcState) ON (s.key)"),
    ("GraphsvcMeta", "key", "CREATE INDEX FOR (m:GraphsvcMeta) ON (m.key)"),
    ("Change", "seq", "CREATE INDEX FOR (c:Change) ON (c.seq)"),
    ("ChangeItem", "rid", "CREATE INDEX FOR (i:ChangeItem) ON (i.rid)"),
    ("ChangeItem", "change", "CREATE INDEX FOR (i:ChangeItem) ON (i.change)"),
    ("ActorAlias", "old", "CREATE INDEX FOR (x:ActorAlias) ON (x.old)"),
    ("Event", "id", "CREATE INDEX FOR (e:Event) ON (e.id)"),
    ("Group", "id", "CREATE INDEX FOR (g:Group) ON (g.id)"),
)

#: The probe that tells the store which schema to create. Neo4j answers with
#: its name, version and edition; the FalkorDB test server (which announces
#: itself as "Neo4j/5.x" in the Bolt handshake, so the agent string tells
#: nothing) fails it with exactly :data:`STANDIN_PROBE_ERROR`. Any other
#: error is not an answer: the store retries or gives up, never guesses.
IS_NEO4J = ("CALL dbms.components() YIELD name, versions, edition "
            "RETURN name, versions[0] AS version, edition")

#: The stand-in's whole answer to :data:`IS_NEO4J`: its one error code, with
#: its one message. Neo4j never answers a procedure call with it.
STANDIN_PROBE_ERROR = ("Neo.DatabaseError.General.UnknownError", "An unknown error occurred")

#: Neo4j only: the indexes graphsvc's constraints and indexes would clash
#: with, i.e. range indexes on the same label/type and property that no
#: constraint owns and that are not graphsvc's own. Such an index (an unnamed
#: one a mis-detected start created, or a researcher's) makes ``CREATE
#: CONSTRAINT`` fail with ``IndexAlreadyExists`` on every later start, so the
#: store drops it first (the constraint brings an index of its own).
NEO4J_CLASHING_INDEXES = """
SHOW RANGE INDEXES
YIELD name, entityType, labelsOrTypes, properties, owningConstraint
WHERE owningConstraint IS NULL AND size(properties) = 1
  AND [labelsOrTypes[0], properties[0]] IN $schema
  AND NOT name IN $ours
RETURN name
"""

#: Drops one of those by the name SHOW INDEXES gave (Neo4j 5.16 or newer).
NEO4J_DROP_INDEX = "DROP INDEX $name IF EXISTS"

#: The ``$schema`` of :data:`NEO4J_CLASHING_INDEXES`: ``[label or type,
#: property]`` of every uniqueness constraint graphsvc creates.
NEO4J_CONSTRAINED = (["Actor", "id"], ["TIE", "id"], ["GraphsvcState", "key"],
                     ["GraphsvcMeta", "key"], ["Event", "id"], ["Group", "id"])

#: The stand-in's index list (``CALL db.indexes()``), so start-up creates only
#: the indexes it lacks instead of failing on those it has.
PORTABLE_INDEXES = "CALL db.indexes() YIELD label, properties RETURN label, properties"

# --- version and writers ----------------------------------------------------

# Statements that write the state node MERGE it, so a database emptied by
# hand (MATCH (n) DETACH DELETE n) starts again from version 0.
_STATE = """
MERGE (s:GraphsvcState {key: 'state'})
ON CREATE SET s.version = 0, s.introductions = 0"""


#: First statement of every write transaction, whatever it writes: setting
#: a property takes Neo4j's write lock on the state node, so writers queue
#: (like SQLite's BEGIN IMMEDIATE), their created/updated counts stay exact,
#: and, since every writer takes this lock before any other, two writers
#: never hold locks the other waits for (no deadlock, so no retry).
LOCK_WRITERS = _STATE + """
SET s.writer = true
"""

#: Last statement of every write transaction: release the lock property and
#: advance the version only when ``$changed``.
FINISH_WRITE = _STATE + """
REMOVE s.writer
SET s.version = CASE WHEN $changed THEN s.version + 1 ELSE s.version END
RETURN s.version AS version
"""

READ_VERSION = """
MATCH (s:GraphsvcState {key: 'state'})
RETURN s.version AS version
"""

#: The version and whether a write is under way. ``writer`` is only ever seen
#: set by a server that shows uncommitted writes (the FalkorDB test server):
#: on Neo4j it is set and removed inside each write transaction.
READ_STATE = """
MATCH (s:GraphsvcState {key: 'state'})
RETURN s.version AS version, s.writer AS writer
"""

# --- actors -----------------------------------------------------------------

#: ``$ids``: a list of actor ids. Returns the stored properties of those found.
ACTORS_BY_IDS = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN a.id AS id, properties(a) AS props
"""

#: ``$ids``: a list of actor ids. Returns those that exist.
ACTOR_IDS = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN a.id AS id
"""

#: ``$rows``: ``[{id, props}]``. Creates or replaces each actor's properties.
MERGE_ACTORS = """
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
SET a = row.props
"""

#: ``$ids``: actor ids. Deletes them with every tie touching them.
DELETE_ACTORS = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
DETACH DELETE a
RETURN count(*) AS deleted
"""

# --- ties -------------------------------------------------------------------

# Lookups by tie id match ``()-[t:TIE]->()`` with ``WHERE t.id = id``: the
# form both Neo4j and FalkorDB answer from the index on ``TIE.id`` (FalkorDB
# scans every relationship when the ends carry labels or the id is inline).

#: ``$ids``: tie ids. Returns each found tie's ends and properties.
TIES_BY_IDS = """
UNWIND $ids AS id
MATCH (s)-[t:TIE]->(d)
WHERE t.id = id
RETURN s.id AS source, d.id AS target, properties(t) AS props
"""

#: ``$ids``: tie ids. A tie that changes is deleted and created again, since
#: a relationship cannot move to other ends.
DELETE_TIES = """
UNWIND $ids AS id
MATCH ()-[t:TIE]->()
WHERE t.id = id
DELETE t
RETURN count(*) AS deleted
"""

#: ``$rows``: ``[{source, target, props}]``.
CREATE_TIES = """
UNWIND $rows AS row
MATCH (s:Actor {id: row.source}), (d:Actor {id: row.target})
CREATE (s)-[t:TIE]->(d)
SET t = row.props
RETURN count(t) AS created
"""

# --- reads ------------------------------------------------------------------

#: Filters are ``null`` when not used; ``$q`` is already folded (lowercase,
#: no accents). Ordered by name, then id.
FIND_ACTORS = """
MATCH (a:Actor)
WHERE ($q IS NULL OR a.search CONTAINS $q)
  AND ($kind IS NULL OR a.kind = $kind)
  AND ($country IS NULL OR a.country = $country)
  AND ($city IS NULL OR toLower(a.city) = toLower($city))
  AND ($issue_area IS NULL OR $issue_area IN a.issue_areas)
  AND ($include_restricted OR a.visibility = 'public')
RETURN a.name AS name, a.id AS id, properties(a) AS props
ORDER BY name, id
"""

#: Appended to :data:`FIND_ACTORS` for one page.
PAGE = "SKIP $offset LIMIT $limit"

#: All ties, optionally of ``$kinds`` only; by id.
TIES = """
MATCH (s:Actor)-[t:TIE]->(d:Actor)
WHERE ($kinds IS NULL OR t.kind IN $kinds)
  AND ($include_restricted OR (t.visibility = 'public'
       AND s.visibility = 'public' AND d.visibility = 'public'))
RETURN t.id AS id, s.id AS source, d.id AS target, properties(t) AS props
ORDER BY id
"""

#: The ties touching actor ``$id``, in either direction; by id. Starts from
#: the actor (an index seek) and matches without an arrow.
TIES_OF_ACTOR = """
MATCH (a:Actor {id: $id})-[t:TIE]-(o:Actor)
WHERE ($kinds IS NULL OR t.kind IN $kinds)
  AND ($include_restricted OR (t.visibility = 'public'
       AND a.visibility = 'public' AND o.visibility = 'public'))
RETURN t.id AS id, startNode(t).id AS source, endNode(t).id AS target,
       properties(t) AS props
ORDER BY id
"""

#: The snapshot streams these two, actors first, each by id: the snapshot's
#: node and edge order is its insertion order, which seeded analyses
#: (Louvain) depend on, so every backend builds it in this one order.
ALL_ACTORS = """
MATCH (a:Actor)
WHERE $include_restricted OR a.visibility = 'public'
RETURN a.id AS id, properties(a) AS props
ORDER BY id
"""

ALL_TIES = """
MATCH (s:Actor)-[t:TIE]->(d:Actor)
WHERE $include_restricted OR t.visibility = 'public'
RETURN t.id AS id, s.id AS source, d.id AS target, properties(t) AS props
ORDER BY id
"""

COUNT_ACTORS = "MATCH (a:Actor) RETURN count(a) AS n"
COUNT_TIES = "MATCH ()-[t:TIE]->() RETURN count(t) AS n"

# --- dataset settings -------------------------------------------------------

READ_META = "MATCH (m:GraphsvcMeta) RETURN m.key AS key, m.value AS value"

SET_META = """
MERGE (m:GraphsvcMeta {key: $key})
SET m.value = $value
"""

REMOVE_META = """
MATCH (m:GraphsvcMeta {key: $key})
DELETE m
"""

#: Everything graphsvc keeps but the state node (the version must go on).
CLEAR = """
MATCH (n)
WHERE n:Actor OR n:Introduction OR n:GraphsvcMeta OR n:ActorAlias OR n:Event
   OR n:Group
DETACH DELETE n
"""

# --- introductions ----------------------------------------------------------

#: ``$props``: the introduction's fields. Takes the next sequence number (the
#: write's :data:`FINISH_WRITE` advances the version).
RECORD_INTRODUCTION = _STATE + """
SET s.introductions = s.introductions + 1
CREATE (i:Introduction)
SET i = $props
SET i.seq = s.introductions
"""

#: ``$id``: only introductions involving this actor (either side or broker);
#: ``null`` for all. Oldest first.
INTRODUCTIONS = """
MATCH (i:Introduction)
WHERE $id IS NULL OR i.source = $id OR i.target = $id OR i.via = $id
RETURN i.seq AS seq, properties(i) AS props
ORDER BY seq
"""

# --- history and aliases ------------------------------------------------------

#: ``$keys``: ``[{record, id}]``. The revision of each: its number of changes.
REVISIONS = """
UNWIND $keys AS k
OPTIONAL MATCH (i:ChangeItem {rid: k.id})
WHERE i.record = k.record
RETURN k.record AS record, k.id AS id, max(i.revision) AS revision
"""

#: ``$props``: the change's who, when, path, action and reason. Takes the
#: next history number.
APPEND_CHANGE = _STATE + """
SET s.changes = coalesce(s.changes, 0) + 1
CREATE (c:Change)
SET c = $props
SET c.seq = s.changes
RETURN c.seq AS seq
"""

#: ``$rows``: ``[{change, n, record, rid, revision, before, after, actors}]``.
APPEND_ITEMS = """
UNWIND $rows AS row
CREATE (i:ChangeItem)
SET i = row
"""

CHANGES_BY_SEQS = """
UNWIND $seqs AS q
MATCH (c:Change {seq: q})
RETURN properties(c) AS props
"""

ITEMS_OF_CHANGES = """
UNWIND $seqs AS q
MATCH (i:ChangeItem {change: q})
RETURN properties(i) AS props
"""

#: The changes about actor ``$id``: the actor, its ties, aliases to it.
CHANGES_OF_ACTOR = """
MATCH (i:ChangeItem)
WHERE $id IN i.actors
RETURN DISTINCT i.change AS seq
"""

CHANGES_OF_RECORD = """
MATCH (i:ChangeItem {rid: $id})
WHERE i.record = $record
RETURN DISTINCT i.change AS seq
"""

#: The newest ``$limit`` history numbers below ``$before`` (``null``: any).
CHANGE_SEQS = """
MATCH (c:Change)
WHERE $before IS NULL OR c.seq < $before
RETURN c.seq AS seq
ORDER BY seq DESC
LIMIT $limit
"""

ALIASES = "MATCH (x:ActorAlias) RETURN x.old AS old, x.new AS new"

#: ``$rows``: ``[{old, new}]``.
SET_ALIASES = """
UNWIND $rows AS row
MERGE (x:ActorAlias {old: row.old})
SET x.new = row.new
"""

DELETE_ALIASES = """
UNWIND $ids AS id
MATCH (x:ActorAlias {old: id})
DELETE x
"""

#: ``$ids``: actor ids. The ids of the ties touching them.
TIES_TOUCHING = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})-[t:TIE]-()
RETURN DISTINCT t.id AS id
"""

# --- events and groups ----------------------------------------------------------

#: ``$ids``: event ids. Returns the stored properties of those found.
EVENTS_BY_IDS = """
UNWIND $ids AS id
MATCH (e:Event {id: id})
RETURN e.id AS id, properties(e) AS props
"""

#: Every event, by start date then id.
ALL_EVENTS = """
MATCH (e:Event)
RETURN e.start AS start, e.id AS id, properties(e) AS props
ORDER BY start, id
"""

#: ``$rows``: ``[{id, props}]``. Creates or replaces each event's properties.
MERGE_EVENTS = """
UNWIND $rows AS row
MERGE (e:Event {id: row.id})
SET e = row.props
"""

DELETE_EVENTS = """
UNWIND $ids AS id
MATCH (e:Event {id: id})
DELETE e
"""

#: ``$ids``: group ids. Returns the stored properties of those found.
GROUPS_BY_IDS = """
UNWIND $ids AS id
MATCH (g:Group {id: id})
RETURN g.id AS id, properties(g) AS props
"""

#: Every group, by id.
ALL_GROUPS = """
MATCH (g:Group)
RETURN g.id AS id, properties(g) AS props
ORDER BY id
"""

#: ``$rows``: ``[{id, props}]``. Creates or replaces each group's properties.
MERGE_GROUPS = """
UNWIND $rows AS row
MERGE (g:Group {id: row.id})
SET g = row.props
"""

DELETE_GROUPS = """
UNWIND $ids AS id
MATCH (g:Group {id: id})
DELETE g
"""

# --- examples for researchers (not used by the store) -----------------------

#: Money that passed through an intermediary: funder -> intermediary -> recipient
#: in the same year, e.g. PRM -> UNHCR -> a Mexican CSO.
RESEARCH_FUNDING_CHAINS = """
MATCH (f:Actor)-[a:TIE {kind: 'funding'}]->(i:Actor)-[b:TIE {kind: 'funding'}]->(r:Actor)
WHERE a.year = b.year
RETURN f.name AS funder, i.name AS intermediary, r.name AS recipient,
       a.year AS year, b.amount AS amount, b.currency AS currency
ORDER BY year, funder, intermediary, recipient
"""

#: Ties of any kind between a Mexican civil-society actor and a US actor.
RESEARCH_CROSS_BORDER_TIES = """
MATCH (m:Actor {country: 'MX'})-[t:TIE]-(u:Actor {country: 'US'})
WHERE m.kind IN ['cso', 'shelter', 'faith_based', 'migrant_led']
RETURN m.name AS mexican_actor, t.kind AS kind, u.name AS us_actor, u.kind AS us_kind
ORDER BY mexican_actor, us_actor, kind
"""

#: Policymakers (government bodies, officials, or the policymaker role) each
#: civil-society actor reaches directly, counted.
RESEARCH_POLICYMAKER_REACH = """
MATCH (c:Actor)-[:TIE]-(p:Actor)
WHERE c.kind IN ['cso', 'shelter', 'faith_based', 'migrant_led']
  AND (p.kind IN ['government', 'official'] OR 'policymaker' IN p.roles)
RETURN c.name AS actor, count(DISTINCT p) AS policymakers
ORDER BY policymakers DESC, actor
"""
