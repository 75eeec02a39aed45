"""A network plan: N introductions chosen greedily to move one indicator most.

Two goals, each an indicator that can be recomputed from the graph alone:

``policymaker_reach``
    The share of Mexican civil-society actors (country MX, a civil-society
    kind) within ``hops`` steps (default two) of a US policymaker (country
    US, a government body, an official or the policymaker role), counting any
    tie in either direction. An introduction between an actor ``a`` and a US
    policymaker brings every actor within ``hops - 1`` steps of ``a`` within
    reach, and nobody else; so the plan repeatedly picks the actor whose
    introduction reaches the most Mexican civil-society actors still out of
    reach (exact marginal gain, lazy greedy: this is maximum coverage, and
    greedy is within 1 - 1/e of the best possible plan of the same size;
    equal gains go to Mexican civil society first, then to the actor with
    more contacts), then the US policymaker the recommender scores highest
    for it (already-tied, made and declined pairs excluded). With
    ``hops=1`` it counts direct ties, as the 2021 survey did (~20%).
    ``policymakers`` chooses whose policymakers count (``US`` by default,
    ``MX``, ``other`` or ``all``) and ``level`` narrows them to one level of
    government (:func:`graphsvc.model.policymaker_target`); the reached
    actors are Mexican civil society whichever side is chosen.

``community_bridges``
    The share of pairs among the largest communities (Louvain, seeded; at most
    ``communities`` of them, each of at least 3 actors) joined by at least
    ``min_ties`` ties (distinct pairs of actors, default 1). Each introduction
    adds one tie to one pair of communities, so the plan takes the pairs
    fewest ties short of joined first, and among those the most separated
    (farthest apart in the graph of communities, then the larger pair); within
    a pair, the two actors the recommender scores highest, drawn from each
    community's five best-connected members.

Brokers are found on the graph as it is now (the plan's own introductions
are not yet made). ``after`` is recomputed from scratch on the graph with the
planned ties added, not accumulated from the gains.
"""
from __future__ import annotations

import heapq
from collections import deque
from itertools import combinations

from ...model import check_policymakers, is_civil_society, policymaker_target
from ._index import index_for
from .brokers import broker_from_index
from .candidates import introduction_pairs
from .scoring import explain, score_all

__all__ = ["GOALS", "DEFAULT_TRIES", "plan_introductions", "default_goal", "policymaker_reach",
           "community_bridges"]

#: The indicators a plan can move (see the module notes).
GOALS: tuple[str, ...] = ("policymaker_reach", "community_bridges")

#: The goals and hops :func:`default_goal` tries, in order: the reach of
#: policymakers within two steps, then by a direct tie (the survey's
#: measure), then the bridges between communities.
DEFAULT_TRIES: tuple[tuple[str, int], ...] = (
    ("policymaker_reach", 2), ("policymaker_reach", 1), ("community_bridges", 2))


def _adjacency(G, extra=()) -> dict:
    adj: dict = {n: set() for n in G}
    for u, v in G.edges():
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    for u, v in extra:
        adj[u].add(v)
        adj[v].add(u)
    return adj


def _sets(G, policymakers="US", level=None):
    target = policymaker_target(policymakers, level)
    pm = {n for n, a in G.nodes(data=True) if target(a)}
    mx = {n for n, a in G.nodes(data=True) if a.get("country") == "MX" and is_civil_society(a)}
    return pm, mx


def _distances(adj, sources, limit) -> dict:
    dist = dict.fromkeys(sources, 0)
    q = deque(sources)
    while q:
        x = q.popleft()
        if dist[x] >= limit:
            continue
        for y in adj[x]:
            if y not in dist:
                dist[y] = dist[x] + 1
                q.append(y)
    return dist


def policymaker_reach(G, extra_edges=(), hops: int = 2, policymakers: str = "US",
                      level: str | None = None) -> dict:
    """Mexican civil-society actors within ``hops`` steps of a policymaker
    (US by default; ``policymakers`` and ``level`` choose which, see
    :func:`graphsvc.model.policymaker_target`).

    Parameters
    ----------
    G : nx.MultiDiGraph
    extra_edges : iterable of (u, v)
        Ties to add before measuring (e.g. a plan's introductions).
    hops : int
        1: a direct tie; 2: a tie to someone tied to a policymaker; ...

    Returns
    -------
    dict
        ``{"value": share, "count": reached, "total": Mexican civil society}``.
    """
    pm, mx = _sets(G, policymakers, level)
    dist = _distances(_adjacency(G, extra_edges), pm, hops)
    hit = sum(1 for m in mx if m in dist)
    return {"value": hit / len(mx) if mx else 0.0, "count": hit, "total": len(mx)}


def _top_communities(G, seed, m):
    comm = index_for(G, seed).communities
    members: dict = {}
    for n, c in comm.items():
        members.setdefault(c, []).append(n)
    big = sorted((c for c, ms in members.items() if len(ms) >= 3),
                 key=lambda c: (-len(members[c]), min(map(str, members[c]))))[:m]
    return comm, {c: members[c] for c in big}


def _community_links(G, comm, extra=()) -> dict:
    """``{frozenset((A, B)): distinct actor pairs tied across A and B}``."""
    pairs = set()
    for u, v in (*G.edges(), *extra):
        if comm[u] != comm[v]:
            pairs.add(frozenset((u, v)))
    links: dict = {}
    for p in pairs:
        u, v = tuple(p)
        key = frozenset((comm[u], comm[v]))
        links[key] = links.get(key, 0) + 1
    return links


def community_bridges(G, extra_edges=(), communities: int = 10, seed: int = 0,
                      min_ties: int = 1) -> dict:
    """Pairs among the largest communities joined by at least ``min_ties`` ties.

    Ties are counted as distinct pairs of actors, one in each community.

    Returns
    -------
    dict
        ``{"value": share, "count": joined pairs, "total": pairs}``.
    """
    comm, big = _top_communities(G, seed, communities)
    links = _community_links(G, comm, extra_edges)
    pairs = [frozenset(p) for p in combinations(sorted(big), 2)]
    hit = sum(1 for p in pairs if links.get(p, 0) >= min_ties)
    return {"value": hit / len(pairs) if pairs else 0.0, "count": hit, "total": len(pairs)}


def _step(G, idx, a, b, gain, seed):
    score, reasons = explain(idx, a, b)
    broker = broker_from_index(idx, a, b)
    return {"source": a, "source_name": idx.name(a), "target": b,
            "target_name": idx.name(b), "score": round(score, 4), "reasons": reasons,
            "broker": broker, "gain": gain}


def _plan_reach(G, idx, k, closed, seed, hops, policymakers, level):
    pm, mx = _sets(G, policymakers, level)
    adj = {n: set(nb) for n, nb in idx.adj.items()}
    covered = {m for m in _distances(adj, pm, hops) if m in mx}
    pm_list = sorted(pm, key=str)

    def ball(a):
        return _distances(adj, [a], hops - 1) if hops > 1 else (a,)

    def gain(a):
        return sum(1 for x in ball(a) if x in mx and x not in covered)

    heap = [(-gain(a), a not in mx, -len(adj[a]), str(a), a) for a in adj if a not in pm]
    heap = [h for h in heap if h[0] < 0]
    heapq.heapify(heap)
    steps: list[dict] = []
    used: set = set()
    while heap and len(steps) < k:
        g, nonmx, deg, key, a = heapq.heappop(heap)
        fresh = gain(a)
        if fresh == 0:
            continue
        if -g != fresh:  # stale: gains only fall as coverage grows
            heapq.heappush(heap, (-fresh, nonmx, deg, key, a))
            continue
        options = [b for b in pm_list if b not in adj[a]
                   and frozenset((a, b)) not in closed and frozenset((a, b)) not in used]
        if not options:
            continue
        scores = score_all(idx, a, options)
        b = min(options, key=lambda v: (-scores[v], str(v)))
        steps.append(_step(G, idx, a, b, fresh, seed))
        used.add(frozenset((a, b)))
        covered.update(x for x in ball(a) if x in mx)
        adj[a].add(b)
        adj[b].add(a)
    return steps


def _plan_bridges(G, idx, k, closed, seed, communities, min_ties):
    comm, big = _top_communities(G, seed, communities)
    links = _community_links(G, comm)
    steps: list[dict] = []
    used: set = set()
    given_up: set = set()
    top = {c: sorted(ms, key=lambda n: (-idx.degree(n), str(n)))[:5] for c, ms in big.items()}
    while len(steps) < k:
        # Distance between communities in the graph of communities (any tie).
        cadj: dict = {c: set() for c in big}
        for p in links:
            x, y = tuple(p)
            if x in cadj and y in cadj:
                cadj[x].add(y)
                cadj[y].add(x)
        open_pairs = [(x, y) for x, y in combinations(sorted(big), 2)
                      if links.get(frozenset((x, y)), 0) < min_ties
                      and frozenset((x, y)) not in given_up]
        if not open_pairs:
            break
        far = {c: _distances(cadj, [c], len(big)) for c in big}

        def priority(p, far=far):
            missing = min_ties - links.get(frozenset(p), 0)
            d = far[p[0]].get(p[1], len(big) + 1)
            return (missing, -d, -len(big[p[0]]) * len(big[p[1]]), p)

        x, y = min(open_pairs, key=priority)
        best = None
        for a in top[x]:
            opts = [b for b in big[y] if b not in idx.adj[a]
                    and frozenset((a, b)) not in closed and frozenset((a, b)) not in used]
            if not opts:
                continue
            sc = score_all(idx, a, opts)
            b = min(opts, key=lambda v: (-sc[v], str(v)))
            if best is None or sc[b] > best[0]:
                best = (sc[b], a, b)
        if best is None:
            given_up.add(frozenset((x, y)))
            continue
        _, a, b = best
        used.add(frozenset((a, b)))
        key = frozenset((x, y))
        links[key] = links.get(key, 0) + 1
        step = _step(G, idx, a, b, int(links[key] == min_ties), seed)
        step["communities"] = [x, y]
        steps.append(step)
    return steps


def plan_introductions(G, k: int = 20, goal: str = "policymaker_reach", *,
                       introductions=(), seed: int = 0, communities: int = 10,
                       min_ties: int = 1, hops: int = 2,
                       partition: dict | None = None, policymakers: str = "US",
                       level: str | None = None) -> dict:
    """Choose ``k`` introductions that move the ``goal`` indicator most (greedy).

    Parameters
    ----------
    G : nx.MultiDiGraph
        The snapshot.
    k : int
        How many introductions.
    goal : {"policymaker_reach", "community_bridges"}
        What to optimise; see the module notes for exactly how.
    introductions : iterable of Introduction or dict
        Pairs recorded as made or declined are never planned.
    seed : int
        Seed of the community detection.
    partition : dict, optional
        ``G``'s community partition for ``seed`` when the caller already has
        it; default :func:`graphsvc.queries.communities.snapshot_partition`.
    communities : int
        For ``community_bridges``: how many of the largest communities count.
    min_ties : int
        For ``community_bridges``: ties a pair of communities needs to count
        as joined (1 by default; more for networks where every pair of groups
        has some tie already).
    hops : int
        For ``policymaker_reach``: how many steps from a US policymaker count
        as reached (2 by default; 1 for direct ties).
    policymakers : {"US", "MX", "other", "all"}
        For ``policymaker_reach``: whose policymakers (US by default).
    level : {"federal", "state", "municipal", "legislative"}, optional
        For ``policymaker_reach``: only policymakers with this level recorded.

    Returns
    -------
    dict
        ``{"goal", "hops", "policymakers", "level", "communities", "min_ties",
        "before", "after",
        "steps", "blocked", "illustrative"}``: the goal and the arguments that define its
        indicator; ``before``/``after`` are ``{"value", "count", "total"}``
        and each step has ``rank``, ``source``, ``target``, their names,
        ``score``, ``reasons`` (as in :func:`.scoring.explain`), ``broker``,
        ``gain`` and ``indicator_after``. ``blocked`` is None, or when no
        introduction can move the indicator, why: ``no_civil_society`` (no
        Mexican civil-society actor), ``no_policymakers`` (none of the chosen
        side and level), ``all_reached``, ``few_communities`` (fewer than two
        communities of three or more), ``all_joined`` or ``no_candidates``
        (every possible pair is tied, made or declined). Putting the goal
        into words is the report's job (:mod:`graphsvc.web.reports`).

    Examples
    --------
    >>> from graphsvc.snapshot import build_snapshot
    >>> from graphsvc.model import Actor, Tie
    >>> G = build_snapshot(
    ...     [Actor(id="net", name="Red", kind="network", country="MX"),
    ...      Actor(id="c1", name="C1", kind="cso", country="MX"),
    ...      Actor(id="c2", name="C2", kind="cso", country="MX"),
    ...      Actor(id="dhs", name="DHS", kind="government", country="US")],
    ...     [Tie(source="net", target="c1", kind="formal"),
    ...      Tie(source="net", target="c2", kind="formal")])
    >>> p = plan_introductions(G, 1)
    >>> (p["steps"][0]["source"], p["steps"][0]["target"], p["before"]["value"],
    ...  p["after"]["value"])
    ('net', 'dhs', 0.0, 1.0)
    """
    if goal not in GOALS:
        raise ValueError(f"unknown goal '{goal}': use one of {', '.join(GOALS)}")
    k = int(k)
    if k < 1:
        raise ValueError("k must be at least 1")
    idx = index_for(G, seed, partition)
    closed, _ = introduction_pairs(introductions)
    if goal == "policymaker_reach":
        if not 1 <= int(hops) <= 3:
            raise ValueError("hops must be 1, 2 or 3")
        hops = int(hops)
        policymakers, level = check_policymakers(policymakers, level)
        steps = _plan_reach(G, idx, k, closed, seed, hops, policymakers, level)

        def measure(extra):
            return policymaker_reach(G, extra, hops, policymakers, level)
    else:
        steps = _plan_bridges(G, idx, k, closed, seed, communities, min_ties)

        def measure(extra):
            return community_bridges(G, extra, communities, seed, min_ties)
    before = measure(())
    extra, count = [], before["count"]
    for i, s in enumerate(steps, 1):
        s["rank"] = i
        extra.append((s["source"], s["target"]))
        # Gains are exact, so the running indicator is before + gains so far;
        # ``after`` below is recomputed from scratch as the check.
        count += s["gain"]
        s["indicator_after"] = count / before["total"] if before["total"] else 0.0
    after = measure(extra)
    blocked = None
    if not steps:
        blocked = (_reach_blocked(G, before, policymakers, level)
                   if goal == "policymaker_reach" else _bridges_blocked(before))
    return {"goal": goal, "hops": hops, "policymakers": policymakers, "level": level,
            "communities": communities, "min_ties": min_ties,
            "before": before, "after": after, "steps": steps, "blocked": blocked,
            "illustrative": G.graph.get("illustrative") == "true"}


def _reach_blocked(G, before, policymakers, level) -> str:
    pm, _ = _sets(G, policymakers, level)
    if not before["total"]:
        return "no_civil_society"
    if not pm:
        return "no_policymakers"
    if before["count"] == before["total"]:
        return "all_reached"
    return "no_candidates"


def _bridges_blocked(before) -> str:
    if not before["total"]:
        return "few_communities"
    if before["count"] == before["total"]:
        return "all_joined"
    return "no_candidates"


def default_goal(G, k: int = 1, *, introductions=(), seed: int = 0,
                 partition: dict | None = None, policymakers: str = "US",
                 level: str | None = None, hops: int | None = None) -> dict:
    """A goal with something to improve on ``G``: the first of
    :data:`DEFAULT_TRIES` (with ``hops`` given, only those with that many
    hops, and the bridges) whose plan of ``k`` finds all ``k`` introductions;
    else the one whose plan raises its indicator most; else, when none can
    raise it, the first, so its plan can say why.

    Returns
    -------
    dict
        ``{"goal", "hops", "tried"}``: ``tried`` lists the ``[goal, hops]``
        tried before the one chosen.

    Examples
    --------
    >>> from graphsvc.snapshot import build_snapshot
    >>> from graphsvc.model import Actor, Tie
    >>> G = build_snapshot(
    ...     [Actor(id="c1", name="C1", kind="cso", country="MX"),
    ...      Actor(id="dhs", name="DHS", kind="government", country="US"),
    ...      Actor(id="c2", name="C2", kind="cso", country="MX")],
    ...     [Tie(source="c1", target="dhs", kind="formal"),
    ...      Tie(source="c2", target="c1", kind="formal")])
    >>> default_goal(G)  # both within two steps; c2 has no direct tie yet
    {'goal': 'policymaker_reach', 'hops': 1, 'tried': [['policymaker_reach', 2]]}
    """
    tries = [(g, h) for g, h in DEFAULT_TRIES
             if hops is None or g != "policymaker_reach" or h == hops]
    if hops is not None and ("policymaker_reach", hops) not in tries:
        tries.insert(0, ("policymaker_reach", hops))
    gains: list[int] = []
    for goal, h in tries:
        p = plan_introductions(G, k, goal, introductions=introductions, seed=seed,
                               partition=partition, hops=h, policymakers=policymakers,
                               level=level)
        if len(p["steps"]) == k and p["steps"][-1]["gain"] > 0:
            return {"goal": goal, "hops": h, "tried": [list(t) for t in tries[:len(gains)]]}
        gains.append(sum(s["gain"] for s in p["steps"]))
    best = max(range(len(tries)), key=lambda i: (gains[i] > 0, gains[i], -i))
    if not gains[best]:
        best = 0
    return {"goal": tries[best][0], "hops": tries[best][1],
            "tried": [list(t) for t in tries[:best]]}
