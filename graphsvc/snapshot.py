"""The snapshot stage: the graph as a reader may see it.

Data flows one way: ingest -> store -> **snapshot** -> queries -> viz/web.
This module is the one place where the store's records become the NetworkX
graph every analysis reads, and the one visibility gate: what a reader who
may not see restricted data gets is decided here and nowhere else.

For such a reader (a viewer, the public view, ``--public-only``):

- restricted actors do not exist, nor does any tie touching them;
- restricted ties do not exist;
- no field names a hidden actor: a funding tie's ``channel`` keeps only
  funders the reader can see;
- an introduction record exists only when its parties and broker are all
  visible, never with the facilitator's note (free text may name anyone),
  and a ``made`` one only when the tie it became is visible (otherwise the
  record would reveal a restricted tie);
- the history (:mod:`graphsvc.history`) tells only of actors and ties the
  reader sees now, never with the reason typed (free text), and shows no
  earlier value that was restricted or named a hidden actor (a tie's
  earlier end, a funding channel's hidden funder).

Everything an analysis, page, API answer, report or export shows is
computed from :func:`reader_graph` and :func:`reader_introductions`, so
its numbers are those of a graph in which the hidden records never
existed.

It is also the one place where the graph gets its date. The reader's graph
*as of* a day D (:func:`graph_as_of`) holds the ties in force on D:

- a tie is in force on D when its ``since`` (if any) is on or before D and
  its ``until`` (if any) is on or after D; a tie without dates is in force
  on every day (a funding tie's ``year`` is not read: give it dates to
  date it);
- an actor is present on every day once it has a record: actors carry no
  dates, so one whose ties have all ended (or not yet begun) stays in the
  graph, untied;
- an introduction record counts from the day it was recorded on
  (:func:`introductions_as_of`).

The default is today; ``"all"`` (:data:`ALL_TIME`) keeps every tie ever
recorded, ended or not.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterable
from typing import Any

import networkx as nx

from .history import Change, Item
from .model import Actor, Event, Group, Introduction, Tie, tie_id

__all__ = ["build_snapshot", "reader_graph", "reader_introductions", "visible_channel",
           "introduction_tie_id", "reader_history", "ALL_TIME", "today", "as_of_key",
           "tie_since", "in_force", "ended", "graph_as_of", "introductions_as_of", "paused_gc",
           "build_two_mode", "reader_two_mode", "two_mode_as_of", "event_node",
           "group_node", "reader_records"]

#: The as-of value that keeps every tie ever recorded.
ALL_TIME = "all"


@contextlib.contextmanager
def paused_gc():
    """Within the block Python's cycle collector does not run.

    Building a snapshot makes hundreds of thousands of small dicts, none in a
    reference cycle; the collector, triggered again and again by so many new
    objects, would walk the whole growing heap each time (about half of the
    time of building 100,000 ties). Reference counting still frees
    everything as usual.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_snapshot(actors: Iterable[Actor | dict], ties: Iterable[Tie | dict],
                   version: int | str = 0, meta: dict | None = None, *,
                   owned: bool = False) -> nx.MultiDiGraph:
    """Build the snapshot graph every analysis reads.

    A ``MultiDiGraph``: one node per actor (key: actor id; attributes: every
    actor field but ``id``), one edge per tie (key: tie id; attributes: every
    tie field but ``source``/``target``, plus ``directed``). Funding edges run
    funder -> recipient; formal and informal ties are stored once, from
    ``source`` to ``target`` as recorded, with ``directed=False``. Parallel ties
    of different kinds between a pair stay separate edges. Dates are ISO
    strings. ``G.graph`` holds ``version`` and the dataset metadata. Ties whose
    ends are not both present (filtered out) are dropped. ``owned=True`` says
    the tie dicts were made for this call: they become the edges' attribute
    dicts instead of being copied.
    """
    with paused_gc():
        return _build(actors, ties, version, meta, owned)


def _build(actors, ties, version, meta, owned) -> nx.MultiDiGraph:
    G: nx.MultiDiGraph = nx.MultiDiGraph()
    G.graph.update(meta or {})
    G.graph["version"] = version
    for a in actors:
        rec = a.to_record() if isinstance(a, Actor) else dict(a)
        G.add_node(rec.pop("id"), **rec)
    # Edges go straight into the graph's adjacency, as G.add_edge would put
    # them (one key dict shared by successors and predecessors): add_edge's
    # checks cost more than the rest of building a large snapshot.
    succ, pred = G._succ, G._pred  # type: ignore[attr-defined]
    for t in ties:
        rec = t.to_record() if isinstance(t, Tie) else t if owned else dict(t)
        s, d = rec.pop("source"), rec.pop("target")
        if s in succ and d in succ:
            rec["directed"] = rec["kind"] == "funding"
            keys = succ[s].get(d)
            if keys is None:
                keys = succ[s][d] = pred[d][s] = {}
            keys[rec["id"]] = rec
    return G


def visible_channel(channel: Iterable[str] | None, visible) -> list[str]:
    """The upstream funders of a funding tie that a reader may see, in order.

    ``visible`` is anything supporting ``in`` over actor ids (the reader's
    graph, a set).
    """
    return [c for c in (channel or ()) if c in visible]


def reader_graph(G: nx.MultiDiGraph, restricted: bool) -> nx.MultiDiGraph:
    """The snapshot as a reader sees it.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The store's whole snapshot (:func:`build_snapshot`).
    restricted : bool
        True when the reader may see restricted records: ``G`` itself is
        returned.

    Returns
    -------
    nx.MultiDiGraph
        A new graph (never a view of ``G``) without restricted actors, the
        ties touching them and restricted ties, whose funding channels name
        only actors left in it. ``G.graph`` is copied.

    Examples
    --------
    >>> G = build_snapshot(
    ...     [Actor(id="prm", name="PRM", kind="funder", country="US"),
    ...      Actor(id="unhcr", name="UNHCR", kind="international_org", country="CH",
    ...            visibility="public"),
    ...      Actor(id="cso", name="CSO", kind="cso", country="MX", visibility="public")],
    ...     [Tie(source="unhcr", target="cso", kind="funding", channel=["prm"],
    ...          visibility="public")])
    >>> P = reader_graph(G, restricted=False)
    >>> sorted(P), [d["channel"] for _, _, d in P.edges(data=True)]
    (['cso', 'unhcr'], [[]])
    """
    if restricted:
        return G
    with paused_gc():
        return _reader_graph(G)


def _reader_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    H: nx.MultiDiGraph = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((v, d) for v, d in G.nodes(data=True)
                     if d.get("visibility") == "public")
    # Ties are added in id order, as the stores build the whole snapshot, so
    # the reader's graph is the one a store without the hidden records would
    # build, down to iteration order (seeded Louvain depends on it).
    succ, pred = H._succ, H._pred  # type: ignore[attr-defined]  # as in build_snapshot
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: str(e[2])):
        if d.get("visibility") != "public" or u not in succ or v not in succ:
            continue
        d = dict(d)  # the reader's own copy
        if d.get("channel"):
            d["channel"] = visible_channel(d["channel"], succ)
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[k] = d
    return H


def introduction_tie_id(intro: Introduction) -> str:
    """The id of the informal tie a ``made`` introduction becomes."""
    return tie_id(intro.source, intro.target, "informal", "introduction")


def reader_introductions(records: Iterable[Introduction], G: nx.MultiDiGraph,
                         restricted: bool) -> list[Introduction]:
    """The introduction records a reader may see, given the reader's graph.

    Parameters
    ----------
    records : iterable of Introduction
        As the store keeps them.
    G : nx.MultiDiGraph
        The reader's graph (:func:`reader_graph`).
    restricted : bool
        True when the reader may see restricted records: every record, as
        kept.

    Returns
    -------
    list of Introduction
        Records whose parties and broker are all in ``G``, without their
        note; a ``made`` record only when the tie it became is in ``G``.
    """
    records = list(records)
    if restricted:
        return records
    out = []
    for r in records:
        if any(p not in G for p in (r.source, r.target, r.via) if p):
            continue
        if r.status == "made" and not _has_tie(G, r.source, r.target,
                                               introduction_tie_id(r)):
            continue
        out.append(r.model_copy(update={"note": None}) if r.note else r)
    return out


def _has_tie(G: nx.MultiDiGraph, u: str, v: str, key: str) -> bool:
    return G.has_edge(u, v, key) or G.has_edge(v, u, key)


def reader_history(entries: Iterable[Change], G: nx.MultiDiGraph,
                   restricted: bool) -> list[Change]:
    """The history entries a reader may see, given the reader's graph.

    Parameters
    ----------
    entries : iterable of Change
        As the store keeps them.
    G : nx.MultiDiGraph
        The reader's graph (:func:`reader_graph`).
    restricted : bool
        True when the reader may see restricted records: every entry, as kept.

    Returns
    -------
    list of Change
        For any other reader: only the items about actors and ties in ``G``
        (aliases, deleted and hidden records are left out), each value
        before or after that was restricted, or that named an actor not in
        ``G`` as an end, shown as ``None``, funding channels cut to actors
        in ``G``; no reason; entries left with no item are left out.

    Examples
    --------
    >>> from graphsvc.history import Change, Item
    >>> G = build_snapshot([Actor(id="cso", name="CSO", kind="cso", country="MX",
    ...                           visibility="public")], [])
    >>> kept = Change(1, "2025-01-01T00:00:00+00:00", "ana", "form", "update",
    ...               "private reason", (Item("actor", "cso",
    ...               {"id": "cso", "name": "Hidden name", "visibility": "restricted"},
    ...               {"id": "cso", "name": "CSO", "visibility": "public"}, 2),))
    >>> shown, = reader_history([kept], reader_graph(G, False), restricted=False)
    >>> shown.reason, shown.items[0].before, shown.items[0].after["name"]
    (None, None, 'CSO')
    """
    entries = list(entries)
    if restricted:
        return entries
    ties = {k for _u, _v, k in G.edges(keys=True)}
    out = []
    for e in entries:
        items = []
        for i in e.items:
            if (i.record == "actor" and i.id in G) or (i.record == "tie" and i.id in ties):
                items.append(Item(i.record, i.id, _reader_value(i.record, i.before, G),
                                  _reader_value(i.record, i.after, G), i.revision))
        if items:
            out.append(Change(e.seq, e.at, e.who, e.path, e.action, None, tuple(items)))
    return out


def _reader_value(record: str, value: dict | None, G: nx.MultiDiGraph) -> dict | None:
    if value is None or value.get("visibility") != "public":
        return None
    if record == "tie":
        if value.get("source") not in G or value.get("target") not in G:
            return None
        if value.get("channel"):
            value = {**value, "channel": visible_channel(value["channel"], G)}
    return value


# --- the graph as of a date ---------------------------------------------------

def today() -> str:
    """Today's date (the server's local calendar), ISO: the default as-of."""
    return dt.date.today().isoformat()


def as_of_key(as_of: str | dt.date | None = None) -> str:
    """The as-of value in its one spelling: ``"YYYY-MM-DD"`` or ``"all"``.

    ``None`` is today. Raises ``ValueError`` for anything that is not a
    date or ``"all"`` (callers turn it into their own message).

    >>> as_of_key("2018-01-01"), as_of_key(dt.date(2021, 3, 1)), as_of_key("all")
    ('2018-01-01', '2021-03-01', 'all')
    """
    if as_of is None:
        return today()
    if isinstance(as_of, dt.datetime):
        return as_of.date().isoformat()
    if isinstance(as_of, dt.date):
        return as_of.isoformat()
    text = str(as_of).strip()
    if text.lower() == ALL_TIME:
        return ALL_TIME
    return dt.date.fromisoformat(text).isoformat()  # ValueError when not a date


def _iso(value) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def tie_since(attrs: dict) -> str | None:
    """The day a tie (its attributes) began, as ``YYYY-MM-DD``, or ``None``
    when not recorded.

    >>> tie_since({"since": dt.date(2021, 3, 1)}), tie_since({"since": ""})
    ('2021-03-01', None)
    """
    return _iso(attrs.get("since"))


def in_force(attrs: dict, day: str) -> bool:
    """True when a tie (its attributes: ``since``, ``until``) is in force on
    ``day`` (ISO date): ``since <= day <= until``, a missing end open.

    >>> in_force({"since": "2014-01-01", "until": "2017-06-30"}, "2018-01-01")
    False
    >>> in_force({}, "1999-01-01")
    True
    """
    since, until = _iso(attrs.get("since")), _iso(attrs.get("until"))
    return (since is None or since <= day) and (until is None or until >= day)


def ended(attrs: dict, day: str) -> bool:
    """True when a tie's ``until`` is before ``day``: it had ended by then."""
    until = _iso(attrs.get("until"))
    return until is not None and until < day


def graph_as_of(G: nx.MultiDiGraph, as_of: str | dt.date | None = None) -> nx.MultiDiGraph:
    """The graph as it was on ``as_of`` (default today): every actor, the
    ties in force that day (:func:`in_force`).

    ``"all"`` returns ``G`` itself. Otherwise a new graph, ties in ``G``'s
    order (so seeded analyses see what a store holding only those ties
    would give), sharing ``G``'s attribute dicts (read-only, like every
    snapshot); ``graph["as_of"]`` says the date.

    >>> G = build_snapshot(
    ...     [Actor(id="a", name="A", kind="cso", country="MX"),
    ...      Actor(id="b", name="B", kind="cso", country="US")],
    ...     [Tie(source="a", target="b", kind="formal", subtype="mou",
    ...          since=dt.date(2014, 1, 1), until=dt.date(2017, 6, 30))])
    >>> [graph_as_of(G, day).number_of_edges() for day in ("2016-01-01", "2018-01-01")]
    [1, 0]
    >>> sorted(graph_as_of(G, "2018-01-01"))
    ['a', 'b']
    """
    day = as_of_key(as_of)
    if day == ALL_TIME:
        return G
    H: nx.MultiDiGraph = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.graph["as_of"] = day
    # Filled through NetworkX's own adjacency dicts (a MultiDiGraph keeps
    # one key dict per pair, reached from both ends), as its copy methods do
    # internally: half the time of adding tie by tie, which matters at
    # 10,000 actors (scripts/bench_asof.py). The attribute dicts are those
    # of ``G``, like a NetworkX subgraph's: snapshots are read-only.
    h: Any = H  # NetworkX's adjacency dicts are not in its type stubs
    g: Any = G
    node, succ, pred = h._node, h._succ, h._pred
    for v, d in g._node.items():
        node[v] = d
        succ[v] = {}
        pred[v] = {}
    for u, nbrs in g._succ.items():
        out = succ[u]
        for v, keydict in nbrs.items():
            kept = {k: d for k, d in keydict.items() if _in_force_fast(d, day)}
            if kept:
                out[v] = kept
                pred[v][u] = kept
    return H


def _in_force_fast(attrs: dict, day: str) -> bool:
    """:func:`in_force` for the snapshot's ISO strings, other values through it."""
    since, until = attrs.get("since"), attrs.get("until")
    if (since is None or since.__class__ is str) and (until is None or until.__class__ is str):
        return (not since or since <= day) and (not until or until >= day)
    return in_force(attrs, day)


def introductions_as_of(records: Iterable[Introduction],
                        as_of: str | dt.date | None = None) -> list[Introduction]:
    """The introduction records as they stood on ``as_of``: those recorded
    on or before that day (all of them for ``"all"``)."""
    day = as_of_key(as_of)
    records = list(records)
    if day == ALL_TIME:
        return records
    return [r for r in records
            if r.recorded_at is None or r.recorded_at.date().isoformat() <= day]


# --- the two-mode (affiliation) graph ---------------------------------------------

#: Actor attributes copied onto the actor nodes of the two-mode graph.
_TWO_MODE_ACTOR_FIELDS = ("name", "kind", "country", "sector", "populations", "visibility")


def event_node(event_id: str) -> str:
    """The key of an event's node in the two-mode graph: ``"event:<id>"``."""
    return f"event:{event_id}"


def group_node(group_id: str) -> str:
    """The key of a group's node in the two-mode graph: ``"group:<id>"``."""
    return f"group:{group_id}"


def build_two_mode(events: Iterable[Event], groups: Iterable[Group], G: nx.MultiDiGraph,
                   *, aliases: dict[str, str] | None = None) -> nx.Graph:
    """The two-mode graph ``B`` of actors and the events and groups they
    belong to.

    Parameters
    ----------
    events, groups : iterables of Event and Group
        As the store keeps them.
    G : nx.MultiDiGraph
        The snapshot whose actors ``B`` holds (:func:`build_snapshot`, or a
        reader's graph): every actor of ``G`` is a node of ``B``, tied to
        an event or group or not; a participant or member not in ``G`` (a
        deleted actor) is left out.
    aliases : dict, optional
        Merged actor id -> the id it stands for now
        (:meth:`graphsvc.stores.edits.EditOps.aliases`): attendance recorded
        under a merged id counts for its survivor.

    Returns
    -------
    nx.Graph
        Actor nodes (key: actor id; ``type="actor"``, ``name``, ``kind``,
        ``country``, ``populations`` and ``sector`` where present,
        ``visibility``); event nodes (key ``"event:<id>"``;
        ``type="event"``, ``id``, ``kind``, ``title``, ``start`` and
        ``end`` as ISO dates, ``city``, ``country``, ``issue_areas``,
        ``languages``, ``visibility``); group nodes (key ``"group:<id>"``;
        ``type="group"``, ``id``, ``kind``, ``title``, ``issue_areas``,
        ``languages``, ``visibility``). An actor-event edge carries the
        participant's ``role``; an actor-group edge ``role``, ``since``,
        ``until`` (ISO dates or ``None``) and the membership's
        ``visibility``. ``B.graph["version"]`` is ``G``'s. Events in start
        order, then groups, by id. Notes are not copied (free text).

    Examples
    --------
    >>> G = build_snapshot([Actor(id="a", name="A", kind="cso", country="MX")], [])
    >>> B = build_two_mode([Event(id="tj", title="Taller", kind="workshop",
    ...                           start=dt.date(2017, 5, 10),
    ...                           participants=[{"actor": "a", "role": "speaker"},
    ...                                         {"actor": "gone"}])], [], G)
    >>> sorted(B), B.edges["a", "event:tj"]["role"]
    (['a', 'event:tj'], 'speaker')
    """
    actor = _follower(aliases)
    B: nx.Graph = nx.Graph()
    B.graph["version"] = G.graph.get("version", 0)
    for key in ("illustrative", "as_of"):
        if key in G.graph:
            B.graph[key] = G.graph[key]
    for v, d in G.nodes(data=True):
        B.add_node(v, type="actor", **{f: d[f] for f in _TWO_MODE_ACTOR_FIELDS
                                       if d.get(f) is not None})
    for e in sorted(events, key=lambda e: (e.start, e.id)):
        node = event_node(e.id)
        B.add_node(node, type="event", id=e.id, kind=e.kind, title=e.title,
                   start=e.start.isoformat(), end=_iso(e.end), city=e.city,
                   country=e.country, issue_areas=list(e.issue_areas),
                   languages=list(e.languages), visibility=e.visibility)
        for p in e.participants:
            a = actor(p.actor)
            if a in G and not B.has_edge(a, node):
                B.add_edge(a, node, role=p.role)
    for g in sorted(groups, key=lambda g: g.id):
        node = group_node(g.id)
        B.add_node(node, type="group", id=g.id, kind=g.kind, title=g.title,
                   issue_areas=list(g.issue_areas), languages=list(g.languages),
                   visibility=g.visibility)
        for m in g.members:
            a = actor(m.actor)
            if a in G and not B.has_edge(a, node):
                B.add_edge(a, node, role=m.role, since=_iso(m.since), until=_iso(m.until),
                           visibility=m.visibility)
    return B


def _follower(aliases: dict[str, str] | None):
    """A function giving the id an actor id stands for now (merges followed)."""
    aliases = aliases or {}

    def actor(x: str) -> str:
        seen = {x}
        while x in aliases and aliases[x] not in seen:
            x = aliases[x]
            seen.add(x)
        return x

    return actor


def _public(value) -> bool:
    """The one visibility test of events, groups and memberships (a record,
    or its attributes in the two-mode graph)."""
    got = value.get("visibility") if isinstance(value, dict) else value.visibility
    return got == "public"


def reader_records(events: Iterable[Event], groups: Iterable[Group], G: nx.MultiDiGraph,
                   restricted: bool, *, aliases: dict[str, str] | None = None
                   ) -> tuple[list[Event], list[Group]]:
    """Event and group records as a reader sees them, given the reader's graph.

    Participants and members are named by the id they stand for now
    (``aliases``: merges followed) and listed only when in ``G`` (so a
    deleted actor's attendance is not listed, as it is not drawn). For a
    reader who may not see restricted records (``restricted=False``)
    restricted events and groups are left out and so are restricted
    memberships: the records :func:`reader_two_mode` draws, with their
    notes (an export, an event's page). An event's kept invitation list
    (``plan``) keeps only invitees in ``G`` and the expected pairs of two of
    them.
    """
    actor = _follower(aliases)

    def kept(entries, public_only: bool) -> list:
        moved = [x.model_copy(update={"actor": actor(x.actor)}) for x in entries
                 if not public_only or _public(x)]
        return _once([x for x in moved if x.actor in G])

    def shown(rec, field: str, people: list):
        update: dict = {} if people == getattr(rec, field) else {field: people}
        if not restricted and rec.note:
            update["note"] = None  # free text may name anyone, as an introduction's
        plan = getattr(rec, "plan", None)
        if plan is not None:
            update.update(plan=_reader_plan(plan, actor, G))
        return rec.model_copy(update=update) if update else rec

    out_e = [shown(e, "participants", kept(e.participants, False))
             for e in events if restricted or _public(e)]
    out_g = [shown(g, "members", kept(g.members, not restricted))
             for g in groups if restricted or _public(g)]
    return out_e, out_g


def _reader_plan(plan, actor, G):
    """An event's kept invitation list as a reader sees it: the invitees in
    the reader's graph (merges followed), the expected pairs of two of them;
    ``None`` when no invitee is left."""
    invited = list(dict.fromkeys(x for x in map(actor, plan.invited) if x in G))
    if not invited:
        return None
    pairs = sorted({(min(a, b), max(a, b)) for a, b in
                    ((actor(a), actor(b)) for a, b in plan.pairs)
                    if a != b and a in G and b in G})
    if invited == plan.invited and pairs == plan.pairs:
        return plan
    return type(plan).model_validate({"invited": invited, "pairs": pairs,
                                      "planned_on": plan.planned_on})


def _once(entries: list) -> list:
    """Participants or members with each actor once (the first entry kept)."""
    seen: set[str] = set()
    out = []
    for x in entries:
        if x.actor not in seen:
            seen.add(x.actor)
            out.append(x)
    return out


def reader_two_mode(B: nx.Graph, G: nx.MultiDiGraph, restricted: bool) -> nx.Graph:
    """The two-mode graph as a reader sees it.

    Parameters
    ----------
    B : nx.Graph
        The whole two-mode graph (:func:`build_two_mode` over the whole
        snapshot).
    G : nx.MultiDiGraph
        The reader's snapshot (:func:`reader_graph`).
    restricted : bool
        True when the reader may see restricted records: ``B`` itself.

    Returns
    -------
    nx.Graph
        A new graph without restricted events and groups (and their
        edges), restricted memberships, and actors not in ``G`` (and their
        edges): what :func:`build_two_mode` gives over a store that never
        held them. ``B.graph`` is copied.
    """
    if restricted:
        return B
    H: nx.Graph = nx.Graph()
    H.graph.update(B.graph)
    H.graph["version"] = G.graph.get("version", B.graph.get("version", 0))

    def visible(v, d) -> bool:
        return v in G if d.get("type") == "actor" else _public(d)

    H.add_nodes_from((v, d) for v, d in B.nodes(data=True) if visible(v, d))
    H.add_edges_from((u, v, d) for u, v, d in B.edges(data=True)
                     if u in H and v in H and ("visibility" not in d or _public(d)))
    return H


def two_mode_as_of(B: nx.Graph, as_of: str | dt.date | None = None) -> nx.Graph:
    """The two-mode graph on ``as_of`` (default today): events that started
    after that day are left out, and memberships not in force that day
    (:func:`in_force` on ``since``/``until``); groups and actors stay.
    ``"all"`` returns ``B`` itself.

    >>> G = build_snapshot([Actor(id="a", name="A", kind="cso", country="MX")], [])
    >>> B = build_two_mode([Event(id="mty", title="Taller", kind="workshop",
    ...                           start=dt.date(2018, 3, 1), participants=[{"actor": "a"}])],
    ...                    [], G)
    >>> [two_mode_as_of(B, d).number_of_edges() for d in ("2018-01-01", "2018-03-01")]
    [0, 1]
    """
    day = as_of_key(as_of)
    if day == ALL_TIME:
        return B
    H: nx.Graph = nx.Graph()
    H.graph.update(B.graph)
    H.graph["as_of"] = day
    H.add_nodes_from((v, d) for v, d in B.nodes(data=True)
                     if d.get("type") != "event" or d["start"] <= day)
    for u, v, d in B.edges(data=True):
        if u not in H or v not in H:
            continue
        if "since" in d and not in_force(d, day):
            continue
        H.add_edge(u, v, **d)
    return H
