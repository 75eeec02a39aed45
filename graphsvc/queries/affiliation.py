"""Two-mode (affiliation) analysis: who met whom at events, who sat in which groups.

The two-mode graph ``B`` (built by the snapshot stage) is an ``nx.Graph``
whose nodes are actors (``type="actor"``, keyed by actor id), events
(``type="event"``, keyed ``"event:<id>"``, with ``start``/``end`` ISO dates)
and groups (``type="group"``, keyed ``"group:<id>"``); an actor-event edge
carries the actor's ``role`` (organiser, speaker, participant), an
actor-group edge the ``role`` and the membership's ``since``/``until`` (ISO
dates or ``None``). Only the records a reader may see are in that reader's
``B``, so everything here is already gated.

Co-participation
----------------
:func:`co_participation` projects ``B`` onto the actors: two actors are tied
when they attended one same event, or were members of one same group at the
same time (their membership periods overlap; a missing ``since`` is an open
start, a missing ``until`` a membership still running). Each shared event or
group counts once, and counts less the longer ago it was:

    weight = sum over shared events and groups of 0.5 ** (age / half_life)

``age`` is the number of days from the event's last day (its ``end``, else
its ``start``), or from the last day the two memberships overlapped, to the
reference day ``on`` (default ``B.graph["as_of"]`` when it is a date, else
today). The default half-life is :data:`HALF_LIFE_DAYS`, two years: an
event of two years ago counts half, of four years ago a quarter, so a pair
who met once at the Tijuana workshop in 2017 weighs less than a pair who
met at last year's convening. ``half_life=None`` gives the plain count
(every shared event or group 1), which is what
``networkx.algorithms.bipartite.weighted_projected_graph`` counts on a graph
of events. Events that start after ``on`` (planned, not yet held) and
memberships that overlap only after ``on`` are left out; an undated event
counts 1.

Every projected tie carries where it came from: ``events`` and ``groups``
(keys in ``B``, oldest first), ``count``, ``weight``, ``first`` and
``last`` (the dates of the oldest and newest shared affiliation).

The layer
---------
:func:`with_co_participation` adds the projection to the tie snapshot as
ties of their own kind, ``co_participation`` (:data:`LAYER`), so an
analysis can count them or not: :func:`graphsvc.queries.projection.project`
leaves them out unless ``kinds`` names them, and
:data:`graphsvc.queries.projection.KIND_WEIGHTS` weighs one shared event at
a quarter (half an informal tie: being in the same room with thirty others
is weaker evidence of a working relationship than a recorded informal tie).
They are excluded by default so that every figure computed before events
were recorded stays the same, and so that an analysis says when it counts
shared attendance as a tie.

Silos and borders
-----------------
A pair is *cross-border* when both actors have a country and the countries
differ, *cross-silo* when both have a silo and the silos differ. An actor's
silo is its ``sector`` when recorded, else the sector of its kind
(:data:`SILOS`: civil society, government, international, funder, academia,
business, individual).

References
----------
.. [1] Borgatti, S. P. and Everett, M. G. "Network analysis of 2-mode
   data." Social Networks 19(3):243-269, 1997.
.. [2] Newman, M. E. J. "Scientific collaboration networks. II. Shortest
   paths, weighted networks, and centrality." Physical Review E 64, 016132,
   2001.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import combinations

import networkx as nx

from ..snapshot import as_of_key, graph_as_of
from .temporal import add_months

__all__ = ["HALF_LIFE_DAYS", "LAYER", "SILOS", "silo", "actor_nodes", "affiliation_nodes",
           "co_participation", "co_participated_pairs", "participation", "bipartite_degree",
           "event_reach", "incidence_rows", "with_co_participation", "plan_outcome",
           "FOLLOW_MONTHS"]

#: Default half-life of a shared event or group, in days (two years).
HALF_LIFE_DAYS = 730
#: The tie kind of the co-participation layer.
LAYER = "co_participation"
#: The silo of each actor kind (an actor's own ``sector`` comes first).
SILOS: dict[str, str] = {
    "cso": "civil_society", "shelter": "civil_society", "faith_based": "civil_society",
    "migrant_led": "civil_society", "network": "civil_society",
    "government": "government", "official": "government",
    "international_org": "international", "funder": "funder", "academia": "academia",
    "business": "business", "individual": "individual",
}


def silo(attrs: dict) -> str | None:
    """An actor's silo: its ``sector``, else its kind's (:data:`SILOS`).

    Examples
    --------
    >>> silo({"kind": "shelter"}), silo({"kind": "official"})
    ('civil_society', 'government')
    >>> silo({"kind": "cso", "sector": "health"}), silo({})
    ('health', None)
    """
    return attrs.get("sector") or SILOS.get(str(attrs.get("kind")))


def actor_nodes(B: nx.Graph) -> list:
    """The actor nodes of ``B``, in ``B``'s order."""
    return [n for n, a in B.nodes(data=True) if a.get("type") == "actor"]


def affiliation_nodes(B: nx.Graph, types: Iterable[str] = ("event", "group")) -> list:
    """Event nodes, oldest first (by ``start``, then key), then group nodes by key."""
    types = tuple(types)
    kind = dict(B.nodes(data="type"))
    events = sorted((n for n, t in kind.items() if t == "event" and "event" in types),
                    key=lambda n: (B.nodes[n].get("start") or "", str(n)))
    groups = sorted((n for n, t in kind.items() if t == "group" and "group" in types),
                    key=str)
    return events + groups


def _day(x) -> dt.date | None:
    if x is None or x == "":
        return None
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    try:
        return dt.date.fromisoformat(str(x)[:10])
    except ValueError:
        return None


def _reference_day(B, on) -> dt.date:
    day = _day(on) if on is not None else _day(B.graph.get("as_of"))
    return day or dt.date.today()


def _decay(day: dt.date | None, on: dt.date, half_life) -> float:
    if half_life is None or day is None:
        return 1.0
    return 0.5 ** (max((on - day).days, 0) / float(half_life))


def _overlap_end(a: dict, b: dict, on: dt.date) -> dt.date | None:
    """The last day two memberships overlap (up to ``on``), or ``None``."""
    starts = [d for d in (_day(a.get("since")), _day(b.get("since"))) if d]
    ends = [d for d in (_day(a.get("until")), _day(b.get("until"))) if d] + [on]
    start, end = (max(starts) if starts else None), min(ends)
    if start is not None and start > end:
        return None
    return end


def co_participation(B: nx.Graph, half_life: float | None = HALF_LIFE_DAYS, on=None,
                     include: Iterable[str] = ("event", "group")) -> nx.Graph:
    """Actor-actor ties from shared events and overlapping group memberships.

    Parameters
    ----------
    B : nx.Graph
        The two-mode graph (see the module notes).
    half_life : float or None, default :data:`HALF_LIFE_DAYS`
        Days after which a shared event or group counts half; ``None``: no
        decay, every shared event or group counts 1.
    on : ISO date or date, optional
        The day ages are measured to (default ``B.graph["as_of"]`` when it
        is a date, else today); events after it are left out.
    include : iterable of {"event", "group"}
        Which affiliations count (default both).

    Returns
    -------
    nx.Graph
        Every actor of ``B`` (with its attributes), and one edge per pair
        that shares an affiliation: ``weight`` (decayed), ``count``,
        ``events`` and ``groups`` (keys in ``B``, oldest first), ``first``
        and ``last`` (ISO dates, ``None`` when undated).
        ``graph["co_participation"]`` records the parameters.

    Examples
    --------
    Two workshops, one group; ``b`` and ``c`` were members at different
    times, so the group ties ``a`` only to each of them:

    >>> B = nx.Graph(as_of="2020-01-01")
    >>> B.add_nodes_from(["a", "b", "c"], type="actor")
    >>> B.add_node("event:t", type="event", start="2018-01-01", end="2018-01-02")
    >>> B.add_node("event:m", type="event", start="2019-01-02")
    >>> B.add_node("group:wg", type="group")
    >>> B.add_edges_from([("a", "event:t"), ("b", "event:t"), ("a", "event:m"),
    ...                   ("b", "event:m"), ("c", "event:m")], role="participant")
    >>> B.add_edge("a", "group:wg", since="2015-01-01", until=None)
    >>> B.add_edge("b", "group:wg", since="2015-01-01", until="2016-01-01")
    >>> B.add_edge("c", "group:wg", since="2017-01-01", until=None)
    >>> P = co_participation(B, half_life=None)
    >>> P["a"]["b"]["count"], P["a"]["b"]["events"], P["a"]["b"]["groups"]
    (3, ['event:t', 'event:m'], ['group:wg'])
    >>> P.has_edge("b", "c"), P["b"]["c"]["count"]
    (True, 1)
    >>> round(co_participation(B)["b"]["c"]["weight"], 3)  # one year ago: 0.5 ** (364/730)
    0.708
    """
    include = tuple(include)
    for t in include:
        if t not in ("event", "group"):
            raise ValueError(f"unknown affiliation '{t}': use event or group")
    if half_life is not None and not float(half_life) > 0:
        raise ValueError("half_life must be a positive number of days, or None")
    on_day = _reference_day(B, on)
    P: nx.Graph = nx.Graph()
    P.graph.update(B.graph)
    P.graph["co_participation"] = {"half_life": half_life, "on": on_day.isoformat(),
                                   "include": include}
    P.add_nodes_from((n, B.nodes[n]) for n in actor_nodes(B))
    acc: dict = {}

    def add(u, v, where, key, day):
        if str(v) < str(u):
            u, v = v, u
        rec = acc.get((u, v))
        if rec is None:
            rec = acc[(u, v)] = {"weight": 0.0, "count": 0, "events": [], "groups": [],
                                 "days": []}
        rec["weight"] += _decay(day, on_day, half_life)
        rec["count"] += 1
        rec[where].append(key)
        if day is not None:
            rec["days"].append(day)

    for x in affiliation_nodes(B, include):
        a = B.nodes[x]
        members = [n for n in B[x] if B.nodes[n].get("type") == "actor"]
        if a.get("type") == "event":
            start = _day(a.get("start"))
            if start is not None and start > on_day:
                continue
            day = _day(a.get("end")) or start
            for u, v in combinations(members, 2):
                add(u, v, "events", x, day)
        else:
            for u, v in combinations(members, 2):
                end = _overlap_end(B[u][x], B[v][x], on_day)
                if end is not None:
                    add(u, v, "groups", x, end)
    for (u, v), rec in acc.items():
        days = rec.pop("days")
        rec["first"] = min(days).isoformat() if days else None
        rec["last"] = max(days).isoformat() if days else None
        P.add_edge(u, v, **rec)
    return P


def co_participated_pairs(B: nx.Graph, on=None) -> set[frozenset]:
    """Pairs of actors who shared an event or an overlapping group membership
    (up to ``on``), as ``frozenset`` pairs."""
    P = co_participation(B, half_life=None, on=on)
    return {frozenset((u, v)) for u, v in P.edges()}


def participation(B: nx.Graph) -> dict:
    """Per actor: events attended, groups joined and roles held.

    Returns
    -------
    dict
        ``{actor: {"events", "groups", "degree", "roles"}}``: counts of
        event and group nodes the actor is tied to, their sum (the bipartite
        degree) and ``{role: count}``.

    Examples
    --------
    >>> B = nx.Graph()
    >>> B.add_node("a", type="actor"); B.add_node("event:e", type="event")
    >>> B.add_node("group:g", type="group")
    >>> B.add_edge("a", "event:e", role="speaker"); B.add_edge("a", "group:g", role="chair")
    >>> participation(B)["a"]
    {'events': 1, 'groups': 1, 'degree': 2, 'roles': {'chair': 1, 'speaker': 1}}
    """
    out = {}
    for n in actor_nodes(B):
        counts = {"event": 0, "group": 0}
        roles: dict = {}
        for x, d in B[n].items():
            t = B.nodes[x].get("type")
            if t in counts:
                counts[t] += 1
                r = d.get("role")
                if r:
                    roles[r] = roles.get(r, 0) + 1
        out[n] = {"events": counts["event"], "groups": counts["group"],
                  "degree": counts["event"] + counts["group"],
                  "roles": dict(sorted(roles.items()))}
    return out


def bipartite_degree(B: nx.Graph) -> dict:
    """Bipartite degree of every node: ``{node: {"type", "degree", "centrality"}}``.

    ``centrality`` is the degree over the size of the other mode (actors
    over events and groups, and the reverse), as
    ``networkx.algorithms.bipartite.degree_centrality`` normalises it [1]_.

    Examples
    --------
    >>> B = nx.Graph()
    >>> B.add_nodes_from(["a", "b"], type="actor")
    >>> B.add_nodes_from(["event:e", "event:f"], type="event")
    >>> B.add_edges_from([("a", "event:e"), ("b", "event:e"), ("a", "event:f")])
    >>> bipartite_degree(B)["a"], bipartite_degree(B)["event:e"]["centrality"]
    ({'type': 'actor', 'degree': 2, 'centrality': 1.0}, 1.0)

    References
    ----------
    .. [1] Borgatti, S. P. and Halgin, D. S. "Analyzing affiliation
       networks." The SAGE Handbook of Social Network Analysis, 2011.
    """
    actors = set(actor_nodes(B))
    n_actors, n_other = len(actors), len(B) - len(actors)
    out = {}
    for n in B:
        deg = B.degree(n)
        other = n_other if n in actors else n_actors
        out[n] = {"type": B.nodes[n].get("type"), "degree": deg,
                  "centrality": deg / other if other else 0.0}
    return out


def _prior_tie(G, u, v, start: dt.date | None) -> bool:
    """A tie (not of the co-participation layer) between ``u`` and ``v``
    that began before ``start`` (an undated tie counts as prior)."""
    if G is None or u not in G or v not in G:
        return False
    for a, b in ((u, v), (v, u)):
        for d in (G.get_edge_data(a, b) or {}).values():
            if d.get("kind") == LAYER:
                continue
            since = _day(d.get("since"))
            if since is None or start is None or since < start:
                return True
    return False


def event_reach(B: nx.Graph, G: nx.Graph | None = None, pairs: bool = False) -> list[dict]:
    """Per event, the first meetings it made: pairs new to each other, and how
    many of them cross the border or a silo.

    A pair of participants of event ``e`` meets for the first time at ``e``
    when (a) ``G`` has no tie between them that began before ``e``'s start
    (undated ties count as older; ties of the co-participation layer do
    not count) and (b) they were not both at an earlier event. Events are
    taken in order of ``start``, then key, so of two events on one day the
    first by key gets the meeting.

    Parameters
    ----------
    B : nx.Graph
        The two-mode graph.
    G : nx.MultiDiGraph, optional
        The tie snapshot (default: no prior ties).
    pairs : bool
        Also list the new pairs (``new``: ``[u, v, cross_border, cross_silo]``).

    Returns
    -------
    list of dict
        Events oldest first: ``{"event", "title", "kind", "start",
        "participants", "pairs", "new_pairs", "new_cross_border",
        "new_cross_silo", "reach"}``, where ``reach`` counts the new pairs
        that are cross-border or cross-silo (see the module notes).

    Examples
    --------
    ``m`` and ``u`` had a tie before; ``m`` and ``g`` met at the first
    event, so only ``u``-``g`` is new at the second:

    >>> B = nx.Graph()
    >>> B.add_node("m", type="actor", country="MX", kind="cso")
    >>> B.add_node("u", type="actor", country="US", kind="cso")
    >>> B.add_node("g", type="actor", country="US", kind="government")
    >>> B.add_node("event:1", type="event", start="2017-05-01")
    >>> B.add_node("event:2", type="event", start="2018-05-01")
    >>> B.add_edges_from([("m", "event:1"), ("g", "event:1"), ("m", "event:2"),
    ...                   ("u", "event:2"), ("g", "event:2")])
    >>> G = nx.MultiDiGraph(); G.add_edge("m", "u", kind="formal")
    0
    >>> [(r["event"], r["new_pairs"], r["new_cross_border"], r["new_cross_silo"])
    ...  for r in event_reach(B, G)]
    [('event:1', 1, 1, 1), ('event:2', 1, 0, 1)]
    """
    met: set = set()
    out = []
    for e in affiliation_nodes(B, ("event",)):
        a = B.nodes[e]
        start = _day(a.get("start"))
        members = sorted((n for n in B[e] if B.nodes[n].get("type") == "actor"), key=str)
        row = {"event": e, "title": a.get("title"), "kind": a.get("kind"),
               "start": a.get("start"), "participants": len(members),
               "pairs": len(members) * (len(members) - 1) // 2, "new_pairs": 0,
               "new_cross_border": 0, "new_cross_silo": 0, "reach": 0}
        new = []
        for u, v in combinations(members, 2):
            p = frozenset((u, v))
            if p in met:
                continue
            met.add(p)
            if _prior_tie(G, u, v, start):
                continue
            au, av = B.nodes[u], B.nodes[v]
            cb = bool(au.get("country") and av.get("country")
                      and au["country"] != av["country"])
            su, sv = silo(au), silo(av)
            cs = bool(su and sv and su != sv)
            row["new_pairs"] += 1
            row["new_cross_border"] += cb
            row["new_cross_silo"] += cs
            row["reach"] += cb or cs
            new.append([u, v, cb, cs])
        if pairs:
            row["new"] = new
        out.append(row)
    return out


def incidence_rows(B: nx.Graph, include: Iterable[str] = ("event", "group")) -> list[list]:
    """The actor-by-affiliation incidence matrix as rows, for UCINET or R.

    The header is ``["actor", <event and group keys>]`` (events oldest
    first, then groups); each row is an actor id then 1 where the actor is
    tied to that event or group, 0 elsewhere. Actors are sorted by id. Write
    it with :func:`graphsvc.ingest.safe_write.write_csv_rows`, which keeps
    names a spreadsheet would run as formulas inert.

    Examples
    --------
    >>> B = nx.Graph()
    >>> B.add_nodes_from(["b", "a"], type="actor")
    >>> B.add_node("event:e", type="event", start="2018-01-01")
    >>> B.add_node("group:g", type="group")
    >>> B.add_edges_from([("a", "event:e"), ("b", "group:g")])
    >>> incidence_rows(B)
    [['actor', 'event:e', 'group:g'], ['a', 1, 0], ['b', 0, 1]]
    """
    cols = affiliation_nodes(B, include)
    rows: list[list] = [["actor", *cols]]
    for n in sorted(actor_nodes(B), key=str):
        rows.append([n, *(int(B.has_edge(n, c)) for c in cols)])
    return rows


def with_co_participation(G: nx.MultiDiGraph, B: nx.Graph,
                          half_life: float | None = HALF_LIFE_DAYS,
                          on=None) -> nx.MultiDiGraph:
    """A copy of the tie snapshot ``G`` with the co-participation layer added.

    One undirected tie of kind :data:`LAYER` per projected pair of actors
    that are both in ``G`` (key ``"co_participation:<u>|<v>"``), with
    ``strength`` the projected weight (so
    :func:`graphsvc.queries.projection.project` weighs it
    ``KIND_WEIGHTS["co_participation"] * weight``), ``count``, ``events``,
    ``groups``, ``since`` (the first shared affiliation) and
    ``provenance="derived"``. ``G`` is not changed; node attribute dicts
    are shared, as in every snapshot. ``graph["layers"]`` lists the layer.

    Examples
    --------
    >>> G = nx.MultiDiGraph(version=4)
    >>> G.add_nodes_from(["a", "b"])
    >>> B = nx.Graph()
    >>> B.add_nodes_from(["a", "b"], type="actor")
    >>> B.add_node("event:e", type="event", start="2019-03-01")
    >>> B.add_edges_from([("a", "event:e"), ("b", "event:e")])
    >>> H = with_co_participation(G, B, half_life=None)
    >>> [(u, v, d["kind"], d["strength"], d["events"]) for u, v, d in H.edges(data=True)]
    [('a', 'b', 'co_participation', 1.0, ['event:e'])]
    >>> G.number_of_edges(), H.graph["layers"]
    (0, ['co_participation'])
    """
    P = co_participation(B, half_life=half_life, on=on)
    H: nx.MultiDiGraph = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.graph["layers"] = [*G.graph.get("layers", []), LAYER]
    H.graph["co_participation"] = P.graph["co_participation"]
    H.add_nodes_from(G.nodes(data=True))
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **d)
    for u, v, d in P.edges(data=True):
        if u in G and v in G and d["weight"] > 0:
            H.add_edge(u, v, key=f"{LAYER}:{u}|{v}", kind=LAYER, directed=False,
                       strength=d["weight"], count=d["count"], events=list(d["events"]),
                       groups=list(d["groups"]), since=d["first"], provenance="derived")
    return H


#: How many months after an event :func:`plan_outcome` looks for the ties
#: that followed, by default.
FOLLOW_MONTHS = (6, 12)


def plan_outcome(G: nx.MultiDiGraph, invited: Iterable[str],
                 pairs: Iterable[tuple[str, str]], attended: Iterable[str], start: str,
                 months: Iterable[int] = FOLLOW_MONTHS, today: str | None = None) -> dict:
    """A kept invitation list against who came, and the ties that followed.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The tie snapshot over all time (the reader's: restricted ties are
        not counted for a viewer). Ties of the co-participation layer are
        never counted: attending together is not a tie that followed.
    invited, pairs : the kept list and the pairs it expected to meet.
    attended : the event's participants.
    start : str
        The event's first day (ISO).
    months : iterable of int
        Look for the ties in force this many months after ``start``.
    today : str, optional
        Today (ISO); a day after it is ``pending`` (not yet known).

    Returns
    -------
    dict
        ``invited_came``, ``invited_absent``, ``came_uninvited`` (sorted
        ids); ``expected`` (pairs planned), ``met`` (the expected pairs of
        which both came, sorted); ``followed``: per ``months``, the ``day``
        looked at, ``pending``, and when known the ``pairs`` among ``met``
        with a tie that began on or after ``start`` and is in force that day
        (:func:`graphsvc.snapshot.graph_as_of`, the one date rule), and
        ``ties`` (how many such ties).

    Examples
    --------
    ``a`` and ``b`` were expected to meet and came; a formal tie began a
    month later and ended after eight months:

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from("abcd")
    >>> G.add_edge("a", "b", kind="formal", since="2020-04-01", until="2020-12-31")
    0
    >>> r = plan_outcome(G, ["a", "b", "c"], [("a", "b"), ("a", "c")], ["a", "b", "d"],
    ...                  "2020-03-01", today="2022-01-01")
    >>> r["invited_came"], r["invited_absent"], r["came_uninvited"], r["met"]
    (['a', 'b'], ['c'], ['d'], [('a', 'b')])
    >>> [(f["months"], f["pairs"]) for f in r["followed"]]
    [(6, 1), (12, 0)]
    """
    invited_set, came = set(invited), set(attended)
    expected = sorted({(min(a, b), max(a, b)) for a, b in pairs})
    met = [p for p in expected if p[0] in came and p[1] in came]
    ends = {x for p in met for x in p}
    H: nx.MultiDiGraph = nx.MultiDiGraph(G.subgraph(ends))
    H.graph.update(G.graph)
    now = as_of_key(today)
    followed = []
    for n in months:
        day = add_months(start, n)
        row: dict = {"months": n, "day": day, "pending": day > now, "pairs": None,
                     "ties": None}
        if not row["pending"]:
            F = graph_as_of(H, day)
            counted = []
            for u, v in met:
                ties: list[dict] = []
                for a, b in ((u, v), (v, u)):
                    if F.has_edge(a, b):
                        ties += F[a][b].values()
                counted += [(u, v) for d in ties
                            if d.get("kind") != LAYER and _iso(d.get("since")) is not None
                            and str(_iso(d.get("since"))) >= start]
            row.update(pairs=len(set(counted)), ties=len(counted))
        followed.append(row)
    return {"invited_came": sorted(invited_set & came),
            "invited_absent": sorted(invited_set - came),
            "came_uninvited": sorted(came - invited_set),
            "expected": len(expected), "met": met, "followed": followed}


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value
