"""Plan a convening: whom to invite so the meeting makes the most valuable first meetings.

A convening of ``K`` invitees lets every pair of them meet. The plan values
a pair only when they would meet **for the first time**: not tied in the
snapshot (any tie kind, either direction), not already at one same event or
in one same group at the same time (the two-mode graph, when given), and
not recorded as a made or declined introduction. Such a pair is worth a
base value for meeting at all (:data:`MEETING_BASE`) plus its introduction
score (:func:`.scoring.score_all`: common contacts, shared issue areas and
populations, counterpart cities, funding channel, bridging two
communities, languages; negative scores count 0), weighted up when it
crosses the border or a silo (:func:`graphsvc.queries.affiliation.silo`)::

    value(u, v) = (MEETING_BASE + max(score(u, v), 0))
                  * (1 + CROSS_WEIGHTS["border"] * cross_border
                       + CROSS_WEIGHTS["silo"] * cross_silo)

so with the defaults a cross-border pair counts three times, a cross-silo
pair twice, a pair crossing both four times. The plan maximises the sum of
the values of its pairs. The base value is there because the point of a
convening is that strangers meet: scores of pairs with no contact in common
are small (a shared issue area and population give about 0.25), and
without the base the plan drifted towards pairs of one country with contacts
in common; on the illustrative network a plan of 20 without it made 119
first cross-border meetings, no more than a random list (median 116 over
20 seeds), and with it 153 (``scripts/bench_convening.py``).

Algorithm
---------
Greedy, with incremental gains. The list starts with the ``must`` actors;
when they do not fill it, the first invitee is the candidate whose best
``K - 1`` pair values add up most (over at most :data:`START_POOL`
candidates with the most contacts, or over every candidate in a smaller
graph). Each step then adds the candidate whose pairs with the invitees
so far add the most value (ties to the actor with more contacts, then the
seeded order). The gain of every candidate is kept and updated when one
is added, scoring the new invitee against all candidates once: ``K`` calls
of the scorer, not one per pair of the graph.

Then the brokers: for every two working languages that invitees speak
without a common language (someone speaks one and not the other, someone
the other and not the first) the list keeps someone who speaks both
(:func:`.language.speaks_both`, the rule of suggestions), and every
community of the one partition with invitees keeps an invitee tied to an
invitee of another community present; a missing broker is swapped in for
the invitee whose pairs add the least (never a ``must``), the candidate
with the most value that fills the gap. What cannot be filled is listed in
``unmet``.

Guarantee: the objective is monotone (adding an invitee never lowers it)
but supermodular (an invitee's gain grows as the list grows), so this is
the densest-K-subgraph problem, NP-hard, for which greedy has no constant
factor guarantee; the 1 - 1/e bound of greedy holds for submodular
objectives only. What the plan guarantees is that each invitee added was
the best next one given those before, and the benchmark
(``scripts/bench_convening.py``) compares it with a random list and with
the most central actors.

Filters: ``issue_area`` keeps candidates working on that area; ``city``
those in the city (accents and case ignored) or in its counterpart across
the border; ``languages`` those who work in one of the meeting's
languages (actors with no language recorded are kept: unknown is not a
mismatch). ``must`` are invited whatever the filters; ``exclude`` never.
"""
from __future__ import annotations

import random
from itertools import combinations

from ...errors import not_found_actor
from ..affiliation import co_participated_pairs, silo
from ._index import index_for
from .candidates import introduction_pairs
from .geography import _PAIRS, city_key
from .language import bridging_languages, speaks_both
from .scoring import explain, score_all

__all__ = ["MEETING_BASE", "CROSS_WEIGHTS", "START_POOL", "plan_convening", "pair_value",
           "first_time_pairs", "kept_plan"]

#: What any first meeting is worth before its introduction score is added.
MEETING_BASE = 0.3
#: How much more a first meeting across the border or across silos is worth.
CROSS_WEIGHTS: dict[str, float] = {"border": 2.0, "silo": 1.0}
#: Candidates (most contacts first) among which the first invitee is chosen.
START_POOL = 300
#: Pairs expected to meet listed with their reasons (the best first).
PAIRS_LISTED = 60


def _cross(attrs_u: dict, attrs_v: dict) -> tuple[bool, bool]:
    cu, cv = attrs_u.get("country"), attrs_v.get("country")
    su, sv = silo(attrs_u), silo(attrs_v)
    return bool(cu and cv and cu != cv), bool(su and sv and su != sv)


def pair_value(score: float, cross_border: bool, cross_silo: bool,
               weights: dict | None = None) -> float:
    """A first meeting's value: :data:`MEETING_BASE` plus its score (at
    least 0), weighted up when it crosses the border or a silo.

    Examples
    --------
    >>> pair_value(0.2, False, False), pair_value(0.2, True, False)
    (0.5, 1.5)
    >>> pair_value(0.2, True, True), pair_value(-0.1, True, True)
    (2.0, 1.2)
    """
    w = CROSS_WEIGHTS if weights is None else weights
    return (MEETING_BASE + max(score, 0.0)) * (1.0 + w["border"] * cross_border
                                               + w["silo"] * cross_silo)


def first_time_pairs(G, invitees, B=None, introductions=()) -> list[tuple]:
    """Pairs of ``invitees`` who would meet for the first time (see the
    module notes), with whether each crosses the border and a silo:
    ``[(u, v, cross_border, cross_silo)]``. Used to compare any list (the
    plan's, a random one, the most central actors) on the same count."""
    met = co_participated_pairs(B) if B is not None else set()
    closed, _ = introduction_pairs(introductions)
    out = []
    for u, v in combinations(sorted(invitees, key=str), 2):
        if G.has_edge(u, v) or G.has_edge(v, u):
            continue
        p = frozenset((u, v))
        if p in met or p in closed:
            continue
        out.append((u, v, *_cross(G.nodes[u], G.nodes[v])))
    return out


def _counterpart_of(ckey: str) -> set:
    out = {ckey}
    for (mx, us) in _PAIRS:
        if mx == ckey:
            out.add(us)
        elif us == ckey:
            out.add(mx)
    return out


def _candidates(idx, issue_area, city, languages, exclude) -> list:
    area = issue_area.strip().lower().replace(" ", "_").replace("-", "_") \
        if issue_area else None
    cities = _counterpart_of(city_key(city)) if city else None
    langs = frozenset(languages or ())
    out = []
    for v in idx.attrs:
        if v in exclude:
            continue
        if area and area not in idx.issues[v]:
            continue
        if cities and idx.city[v] not in cities:
            continue
        if langs and idx.languages[v] and idx.languages[v].isdisjoint(langs):
            continue
        out.append(v)
    return out


def _language_gaps(idx, invitees) -> list[tuple[str, str]]:
    """Pairs of languages some invitees speak without the other."""
    spoken = sorted({x for n in invitees for x in idx.languages[n]})
    gaps = []
    for a, b in combinations(spoken, 2):
        only_a = any(a in idx.languages[n] and b not in idx.languages[n] for n in invitees)
        only_b = any(b in idx.languages[n] and a not in idx.languages[n] for n in invitees)
        if only_a and only_b:
            gaps.append((a, b))
    return gaps


def plan_convening(G, size: int = 20, *, B=None, introductions=(), issue_area=None,
                   city=None, languages=None, must=(), exclude=(), seed: int = 0,
                   partition: dict | None = None, weights: dict | None = None) -> dict:
    """An invitation list of ``size`` actors maximising the value of the first
    meetings it makes possible (greedy; see the module notes).

    Parameters
    ----------
    G : nx.MultiDiGraph
        The reader's snapshot.
    size : int
        How many to invite (at least 2).
    B : nx.Graph, optional
        The reader's two-mode graph (events and groups): pairs who already
        shared an event or a group are not first meetings.
    introductions : iterable of Introduction or dict
        Pairs recorded as made or declined are not first meetings.
    issue_area, city : str, optional
    languages : iterable of str, optional
        The meeting's working languages (ISO 639 codes).
    must, exclude : iterable of actor ids
    seed : int
        Seed of the community partition (when not given) and of the order
        that breaks ties.
    partition : dict, optional
        ``G``'s community partition for ``seed`` (the service's one).
    weights : dict, optional
        ``{"border", "silo"}``, default :data:`CROSS_WEIGHTS`.

    Returns
    -------
    dict
        ``{"size", "filters", "invitees", "pairs", "totals", "language_pairs",
        "communities", "unmet", "illustrative"}``: each invitee has ``rank``,
        ``id``, ``name``, ``kind``, ``country``, ``city``, ``languages``,
        ``community``, ``value`` (of its pairs in the list, halved: the
        values of the invitees add up to the plan's) and ``reasons`` (codes
        with their data: ``must``, ``first_meetings``, ``language_broker``,
        ``community_broker``); ``pairs`` lists the first meetings, best
        first (at most :data:`PAIRS_LISTED` with the reasons of their
        score); ``totals`` counts all of them (``pairs``, ``cross_border``,
        ``cross_silo``, ``value``).

    Raises
    ------
    graphsvc.errors.NotFound
        When a ``must`` actor is not in ``G``.
    ValueError
        When ``size`` is below 2 or below the number of ``must`` actors.

    Examples
    --------
    >>> from graphsvc.snapshot import build_snapshot
    >>> from graphsvc.model import Actor, Tie
    >>> G = build_snapshot(
    ...     [Actor(id="mx", name="Casa", kind="shelter", country="MX", city="Tijuana",
    ...            issue_areas=["asylum"]),
    ...      Actor(id="us", name="Aid", kind="cso", country="US", city="San Diego",
    ...            issue_areas=["asylum"]),
    ...      Actor(id="mx2", name="Red", kind="cso", country="MX", city="Tijuana")],
    ...     [Tie(source="mx", target="mx2", kind="formal")])
    >>> p = plan_convening(G, 2)
    >>> sorted(i["id"] for i in p["invitees"]), p["totals"]["cross_border"]
    (['mx', 'us'], 1)
    """
    size = int(size)
    if size < 2:
        raise ValueError("a convening needs at least 2 invitees")
    must = list(dict.fromkeys(must or ()))
    exclude = set(exclude or ())
    for m in must:
        if m not in G:
            raise not_found_actor(m)
    if len(must) > size:
        raise ValueError(f"{len(must)} actors must be invited but the list holds {size}")
    idx = index_for(G, seed, partition)
    met = co_participated_pairs(B) if B is not None else set()
    closed, _ = introduction_pairs(introductions)
    pool = [v for v in _candidates(idx, issue_area, city, languages, exclude)
            if v not in must]
    rng = random.Random(seed)
    order = {v: i for i, v in enumerate(rng.sample(pool, len(pool)))}
    everyone = [*must, *pool]
    attrs = idx.attrs
    rows: dict = {}

    def row(u) -> dict:
        """``{v: value}`` of first meetings between ``u`` and every candidate."""
        r = rows.get(u)
        if r is None:
            others = [v for v in everyone if v != u and v not in idx.adj[u]
                      and frozenset((u, v)) not in met and frozenset((u, v)) not in closed]
            sc = score_all(idx, u, others)
            r = rows[u] = {v: pair_value(s, *_cross(attrs[u], attrs[v]), weights)
                           for v, s in sc.items()}
        return r

    chosen: list = []
    gain: dict = dict.fromkeys(pool, 0.0)

    def add(u):
        chosen.append(u)
        gain.pop(u, None)
        for v, x in row(u).items():
            if v in gain:
                gain[v] += x

    for m in must:
        add(m)
    if not chosen and pool:
        start = sorted(pool, key=lambda v: (-idx.degree(v), order[v]))[:START_POOL]

        def potential(v):
            return sum(sorted(row(v).values(), reverse=True)[:size - 1])

        add(max(start, key=lambda v: (potential(v), idx.degree(v), -order[v])))
    while len(chosen) < size and gain:
        add(max(gain, key=lambda v: (gain[v], idx.degree(v), -order[v])))

    # --- brokers: languages and communities -----------------------------------
    comm = idx.communities
    roles: dict = {}
    unmet: list = []

    def contribution(u):
        r = row(u)
        return sum(r.get(v, 0.0) for v in chosen if v != u)

    def swap_in(fits, reason):
        """Put the best candidate satisfying ``fits`` in place of the invitee
        adding the least (not a must, not already a broker)."""
        options = [v for v in everyone if v not in chosen and fits(v)]
        if not options:
            return None
        removable = [u for u in chosen if u not in must and u not in roles]
        if len(chosen) >= size:
            if not removable:
                return None
            out = min(removable, key=lambda u: (contribution(u), -order.get(u, 0)))
            chosen.remove(out)
        best = max(options, key=lambda v: (sum(row(v).get(u, 0.0) for u in chosen),
                                           idx.degree(v), -order.get(v, 0)))
        chosen.append(best)
        roles[best] = reason
        return best

    language_pairs: dict = {}
    for u, v in combinations(list(chosen), 2):
        lu, lv = idx.languages[u], idx.languages[v]
        if u not in chosen or v not in chosen or not lu or not lv or not lu.isdisjoint(lv):
            continue
        have = [z for z in chosen if speaks_both(idx.languages[z], lu, lv)]
        if have:
            z = max(have, key=lambda n: (n in roles, contribution(n), str(n)))
        else:
            z = swap_in(lambda x, lu=lu, lv=lv: speaks_both(idx.languages[x], lu, lv),
                        {"code": "language_broker", "languages": []})
        if z is None:
            unmet.append({"code": "language_broker", "languages": [min(lu), min(lv)],
                          "actors": [u, v]})
            continue
        langs = sorted(bridging_languages(idx.languages[z], lu, lv))
        roles.setdefault(z, {"code": "language_broker", "languages": []})
        if roles[z]["code"] == "language_broker" and langs not in roles[z]["languages"]:
            roles[z]["languages"].append(langs)
        language_pairs.setdefault(tuple(langs), z)

    def hub(c):
        return idx.name(idx.community_hubs[c]) if c in idx.community_hubs else str(c)

    def bridges(n, present):
        return any(comm.get(x) != comm.get(n) for x in idx.adj[n] if x in present)

    communities = []
    for c in sorted({comm.get(n) for n in chosen}, key=str):
        present = set(chosen)
        members = [n for n in chosen if comm.get(n) == c]
        if not members:
            continue
        have = [n for n in members if bridges(n, present)]
        if have:
            z = max(have, key=lambda n: contribution(n))
            roles.setdefault(z, {"code": "community_broker", "community": c, "hub": hub(c)})
        else:
            z = swap_in(lambda v, c=c, present=present: comm.get(v) == c
                        and bridges(v, present),
                        {"code": "community_broker", "community": c, "hub": hub(c)})
            if z is None and len(present) > 1 and len({comm.get(n) for n in present}) > 1:
                unmet.append({"code": "community_broker", "community": c})
        communities.append({"community": c, "broker": z,
                            "invitees": sum(1 for n in chosen if comm.get(n) == c)})

    # --- the result ----------------------------------------------------------
    pairs = []
    for u, v in combinations(chosen, 2):
        if v in row(u):
            cb, cs = _cross(attrs[u], attrs[v])
            pairs.append((row(u)[v], u, v, cb, cs))
    pairs.sort(key=lambda p: (-p[0], str(p[1]), str(p[2])))
    listed = []
    for value, u, v, cb, cs in pairs[:PAIRS_LISTED]:
        score, why = explain(idx, u, v)
        listed.append({"source": u, "source_name": idx.name(u), "target": v,
                       "target_name": idx.name(v), "score": round(score, 4),
                       "value": round(value, 4), "cross_border": cb, "cross_silo": cs,
                       "reasons": why})
    invitees = []
    ranked = sorted(chosen, key=lambda u: (u not in must, -contribution(u), str(u)))
    for i, u in enumerate(ranked, 1):
        mine = [p for p in pairs if u in (p[1], p[2])]
        reasons: list[dict] = []
        if u in must:
            reasons.append({"code": "must"})
        if mine:
            best = sorted(mine, key=lambda p: -p[0])[:3]
            reasons.append({
                "code": "first_meetings", "count": len(mine),
                "cross_border": sum(1 for p in mine if p[3]),
                "cross_silo": sum(1 for p in mine if p[4]),
                "names": [idx.name(p[2] if p[1] == u else p[1]) for p in best]})
        if u in roles:
            reasons.append(dict(roles[u]))
        a = attrs[u]
        invitees.append({"rank": i, "id": u, "name": idx.name(u), "kind": a.get("kind"),
                         "country": a.get("country"), "city": a.get("city"),
                         "languages": sorted(idx.languages[u]),
                         "community": comm.get(u),
                         "value": round(contribution(u) / 2, 4), "reasons": reasons})
    return {
        "size": size,
        "filters": {"issue_area": issue_area, "city": city,
                    "languages": sorted(languages or ()), "must": must,
                    "exclude": sorted(exclude, key=str)},
        "invitees": invitees, "pairs": listed,
        "expected_pairs": [[u, v] for _value, u, v, _cb, _cs in pairs],
        "totals": {"pairs": len(pairs), "cross_border": sum(1 for p in pairs if p[3]),
                   "cross_silo": sum(1 for p in pairs if p[4]),
                   "value": round(sum(p[0] for p in pairs), 4)},
        "language_pairs": [{"languages": list(k), "broker": z}
                           for k, z in sorted(language_pairs.items())],
        "communities": communities, "unmet": unmet,
        "cross_weights": dict(CROSS_WEIGHTS if weights is None else weights),
        "co_participation": B is not None,
        "illustrative": G.graph.get("illustrative") == "true",
    }


def kept_plan(p: dict, planned_on: str) -> dict:
    """What an event keeps of a convening plan ``p`` (the ``plan`` field of
    :class:`graphsvc.model.Event`): the invitees, every pair expected to
    meet for the first time, and the day it was planned."""
    return {"invited": [i["id"] for i in p["invitees"]],
            "pairs": [list(x) for x in p["expected_pairs"]], "planned_on": planned_on}
