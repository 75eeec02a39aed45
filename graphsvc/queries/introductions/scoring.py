"""The score of a possible introduction: a weighted sum of explainable parts.

Each part is between 0 and 1 and comes with the data that explains it (a
reason: a code and its details; the web layer puts it into words):

====================  ======  ==================================================
part                  weight  value
====================  ======  ==================================================
``common_contacts``   0.50    1 - exp(-AA), AA = sum over common contacts z of
                              1 / log(degree z) (Adamic-Adar)
``issue_areas``       0.18    Jaccard similarity of the issue areas
``populations``       0.10    Jaccard similarity of the populations served
``phases``            0.04    Jaccard similarity of the migration phases
``geography``         0.08    1 twin border cities, 0.6 cities on one corridor,
                              0.5 the same city
``funding_channel``   0.05    1 when money from one same funder reaches both
                              (directly or through a channel)
``bridge``            0.05    1 when they are in different communities
====================  ======  ==================================================

The score is the sum of weight x value, so it lies in [0, 1]; the weights
add up to 1. Working languages then add or take points
(:data:`.language.LANGUAGE_POINTS`): +0.05 for a shared language, -0.15 when
the two share none and nobody on the route speaks a language of each
(see :mod:`.language`), so a score lies in [-0.15, 1.05]; actors with no
recorded language change nothing. Common contacts weigh most because in social networks they are
the best single predictor of a tie that works (the Adamic-Adar index of
Liben-Nowell & Kleinberg 2007); the attribute parts say whether the two do
similar work in places that face each other, which common contacts alone
miss between actors that have never been in the same room. The weights were
set on synthetic networks with seeds 1 and 2 (common contacts at 0.35 gave
a lower precision@10 there); the published evaluation figures use seed 0.

References
----------
.. [1] D. Liben-Nowell and J. Kleinberg, "The link-prediction problem for
   social networks", JASIST 58(7), 2007.
"""
from __future__ import annotations

import math

from .brokers import _paths
from .geography import _PAIRS
from .language import LANGUAGE_POINTS, bridging_languages, language_bridge, language_state

__all__ = ["WEIGHTS", "PARTS", "default_weights", "common_contacts", "part_values",
           "score_all", "explain"]

WEIGHTS: dict[str, float] = {
    "common_contacts": 0.50,
    "issue_areas": 0.18,
    "populations": 0.10,
    "phases": 0.04,
    "geography": 0.08,
    "funding_channel": 0.05,
    "bridge": 0.05,
}

#: Every part of the score, in order: the weighted parts of :data:`WEIGHTS`,
#: then the language points of :data:`.language.LANGUAGE_POINTS`.
PARTS: tuple[str, ...] = (*WEIGHTS, *LANGUAGE_POINTS)


def default_weights() -> dict[str, float]:
    """The live suggestions' weight of every part of :data:`PARTS` (a copy)."""
    return {**WEIGHTS, **LANGUAGE_POINTS}


_DEFAULT = default_weights()


def common_contacts(idx, u) -> dict:
    """``{v: Adamic-Adar sum}`` over actors two steps from ``u``."""
    aa: dict = {}
    for z in idx.adj[u]:
        w = idx.aa_weight(z)
        for v in idx.adj[z]:
            if v != u:
                aa[v] = aa.get(v, 0.0) + w
    return aa


def _jaccard(a, b) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / len(a | b) if inter else 0.0


def _geo(idx, u, v):
    cu, cv = idx.city[u], idx.city[v]
    if not cu or not cv:
        return None
    ku, kv = idx.attrs[u].get("country"), idx.attrs[v].get("country")
    if ku == "MX" and kv == "US":
        hit = _PAIRS.get((cu, cv))
    elif ku == "US" and kv == "MX":
        hit = _PAIRS.get((cv, cu))
    else:
        hit = None
    if hit:
        return hit
    if cu == cv and ku == kv:
        return ("same_city", 0.5)
    return None


def part_values(idx, u, candidates, *, aa=None, bridge: bool = True, paths=None,
                max_hops: int = 6) -> dict:
    """``{v: values}`` for each candidate: one value per part of :data:`PARTS`.

    The weighted parts are in [0, 1] (see the table above); the last two are
    1.0 or 0.0: ``shared_language`` when the two share a working language,
    ``language_gap`` when they share none and nobody on the route speaks a
    language of each. The score is the sum of weight x value
    (:func:`score_all`); this is the one place the values are computed, so the
    score and the tuning of its weights (:mod:`.tuning`) cannot disagree.
    Runs over every actor of the graph for each request, hence inlined.
    """
    return dict(_rows(idx, u, candidates, aa, bridge, paths, max_hops))


def _rows(idx, u, candidates, aa, bridge, paths, max_hops):
    if aa is None:
        aa = common_contacts(idx, u)
    Iu, Pu, Hu, Fu = idx.issues[u], idx.populations[u], idx.phases[u], idx.upstream[u]
    issues, pops, phases, upstream, city = (idx.issues, idx.populations, idx.phases,
                                            idx.upstream, idx.city)
    cu_city = city[u]
    comm = idx.communities if bridge else None
    cu = comm[u] if comm else None
    exp = math.exp
    langs, Lu = idx.languages, idx.languages[u]
    for v in candidates:
        cc = 1.0 - exp(-aa[v]) if v in aa else 0.0
        i = p = h = g = f = b = shared = gap = 0.0
        if Iu:
            x = issues[v]
            n = len(Iu & x) if x else 0
            if n:
                i = n / (len(Iu) + len(x) - n)
        if Pu:
            x = pops[v]
            n = len(Pu & x) if x else 0
            if n:
                p = n / (len(Pu) + len(x) - n)
        if Hu:
            x = phases[v]
            n = len(Hu & x) if x else 0
            if n:
                h = n / (len(Hu) + len(x) - n)
        if cu_city and city[v]:
            geo = _geo(idx, u, v)
            if geo:
                g = geo[1]
        if Fu and not Fu.isdisjoint(upstream[v]):
            f = 1.0
        if comm is not None and comm[v] != cu:
            b = 1.0
        if Lu and langs[v]:
            if not Lu.isdisjoint(langs[v]):
                shared = 1.0
            else:
                if paths is None and v not in aa:
                    paths = _paths(idx, u, max_hops)
                if language_bridge(idx, u, v, paths) is None:
                    gap = 1.0
        yield v, (cc, i, p, h, g, f, b, shared, gap)


def score_all(idx, u, candidates, *, aa=None, bridge: bool = True, paths=None,
              max_hops: int = 6, weights: dict | None = None) -> dict:
    """``{v: score}`` for each candidate (no reasons; fast).

    The sum of weight x value over :func:`part_values`, the same sum as
    :func:`explain`. ``weights`` maps every part of :data:`PARTS` to its
    weight (default :func:`default_weights`: the live suggestions' weights;
    other weights serve the evaluation of tuned weights, :mod:`.tuning`).
    """
    w = weights if weights is not None else _DEFAULT
    w0, w1, w2, w3, w4, w5, w6, w7, w8 = (w[p] for p in PARTS)
    return {v: (w0 * r[0] + w1 * r[1] + w2 * r[2] + w3 * r[3] + w4 * r[4] + w5 * r[5]
                + w6 * r[6] + w7 * r[7] + w8 * r[8])
            for v, r in _rows(idx, u, candidates, aa, bridge, paths, max_hops)}


def explain(idx, u, v, *, aa=None, bridge: bool = True, paths=None,
            max_hops: int = 6) -> tuple[float, list[dict]]:
    """The score of ``(u, v)`` and its reasons, largest contribution first.

    Each reason is ``{"code", "points", ...details}``: ``code`` is a key of
    :data:`WEIGHTS`, ``points`` is weight x value (the points add up to the
    score), and the details are the data a sentence needs (``count`` and
    ``names`` of common contacts, ``shared`` values, ``relation``,
    ``city_u`` and ``city_v``, ``funders`` and their ``names``, the two
    communities and the names of their hubs). Languages (see
    :mod:`.language`): ``shared_language`` with the shared ``languages``;
    ``language_broker`` (0 points) with the ``broker``, its ``name`` and the
    two ``languages`` it bridges; ``language_gap`` (negative points) with
    ``languages_u`` and ``languages_v``.
    """
    W = WEIGHTS
    reasons = []

    def add(code, value, **info):
        if value > 0:
            reasons.append({"code": code, "points": W[code] * value, **info})

    common = [z for z in idx.adj[u] if z in idx.adj[v] and z != v]
    if common:
        a = sum(idx.aa_weight(z) for z in common) if aa is None else aa.get(v, 0.0)
        common.sort(key=lambda z: (-idx.adj[u][z][0] * idx.adj[v][z][0], str(z)))
        add("common_contacts", 1.0 - math.exp(-a), count=len(common),
            contacts=common[:10], names=[idx.name(z) for z in common[:3]])
    for code, sets in (("issue_areas", idx.issues), ("populations", idx.populations),
                       ("phases", idx.phases)):
        j = _jaccard(sets[u], sets[v])
        add(code, j, shared=sorted(sets[u] & sets[v]))
    g = _geo(idx, u, v)
    if g:
        add("geography", g[1], relation=g[0], city_u=idx.attrs[u].get("city"),
            city_v=idx.attrs[v].get("city"))
    shared = idx.upstream[u] & idx.upstream[v]
    if shared:
        funders = sorted(shared, key=str)
        add("funding_channel", 1.0, funders=funders, names=[idx.name(f) for f in funders])
    if bridge:
        comm = idx.communities
        if comm[u] != comm[v]:
            hubs = idx.community_hubs
            add("bridge", 1.0, community_u=comm[u], community_v=comm[v],
                hub_u=idx.name(hubs[comm[u]]), hub_v=idx.name(hubs[comm[v]]))
    if idx.languages[u] and idx.languages[v]:
        if paths is None and idx.languages[u].isdisjoint(idx.languages[v]) and not common:
            paths = _paths(idx, u, max_hops)
        state = language_state(idx, u, v, paths)
        if state[0] == "shared":
            reasons.append({"code": "shared_language",
                            "points": LANGUAGE_POINTS["shared_language"],
                            "languages": state[1]})
        elif state[0] == "bridged":
            z = state[1]
            reasons.append({"code": "language_broker", "points": 0.0, "broker": z,
                            "name": idx.name(z),
                            "languages": bridging_languages(
                                idx.languages[z], idx.languages[u], idx.languages[v])})
        else:
            reasons.append({"code": "language_gap",
                            "points": LANGUAGE_POINTS["language_gap"],
                            "languages_u": state[1], "languages_v": state[2]})
    reasons.sort(key=lambda r: -r["points"])
    for r in reasons:
        r["points"] = round(r["points"], 4)
    return sum(r["points"] for r in reasons), reasons
