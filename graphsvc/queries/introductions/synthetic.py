"""Seeded synthetic networks with the attributes suggestions reason about.

Actors belong to hidden *working groups*: each group has a palette of issue
areas, populations and phases, a funder, and a border corridor (a pair of
counterpart cities) where half its members live. Ties form by three
mechanisms, as field studies of advocacy networks describe them: closing
triangles (a partner's partner), working together within a group
(homophily), and chance. So both common contacts and shared attributes
carry signal, in proportions set by the arguments; neither is the answer.
"""
from __future__ import annotations

import random

from ...model import CIVIL_SOCIETY_KINDS, ISSUE_AREAS, PHASES, POPULATIONS, Actor, Tie
from ...snapshot import build_snapshot
from .geography import COUNTERPART_CITIES

__all__ = ["synthetic_network"]

_MX_INTERIOR = ["Ciudad de México", "Tapachula", "Guadalajara", "Oaxaca", "Puebla"]
_US_INTERIOR = ["Washington", "New York", "Los Angeles", "Chicago", "Houston", "Boston"]


def synthetic_network(n: int = 400, seed: int = 0, *, mean_degree: float = 6.0,
                      group_size: int = 25, p_triadic: float = 0.35,
                      p_group: float = 0.45, version: int = 1):
    """A snapshot-shaped MultiDiGraph of ``n`` actors.

    Parameters
    ----------
    n : int
        Number of actors.
    seed : int
        Everything random follows from it.
    mean_degree : float
        Average number of distinct neighbours aimed for.
    group_size : int
        Average size of a working group.
    p_triadic, p_group : float
        Probability that a new tie closes a triangle, or joins two members of
        one working group; the rest are chance ties.

    Returns
    -------
    nx.MultiDiGraph
        Built by :func:`graphsvc.snapshot.build_snapshot`; ``G.graph`` has
        ``synthetic = "true"`` and the seed.

    Examples
    --------
    >>> G = synthetic_network(60, seed=1)
    >>> G.number_of_nodes()
    60
    """
    rng = random.Random(seed)
    n_groups = max(2, n // group_size)
    corridors = [c for c in COUNTERPART_CITIES]
    groups = []
    for g in range(n_groups):
        groups.append({
            "issues": rng.sample(ISSUE_AREAS, 3),
            "pops": rng.sample(POPULATIONS, 3),
            "phases": rng.sample(list(PHASES), rng.choice((1, 2))),
            "corridor": rng.choice(corridors),
        })
    actors, member_of, by_group = [], {}, [[] for _ in range(n_groups)]
    cs_kinds = sorted(CIVIL_SOCIETY_KINDS)
    for i in range(n):
        g = i % n_groups if i < n_groups else rng.randrange(n_groups)
        grp = groups[g]
        r = rng.random()
        if r < 0.5:
            country = "MX"
            kind = rng.choice(cs_kinds) if rng.random() < 0.85 else rng.choice(
                ("government", "academia", "network"))
        elif r < 0.88:
            country = "US"
            kind = rng.choices(["cso", "network", "government", "official", "funder",
                                "academia", "faith_based"], [40, 10, 10, 10, 8, 12, 10])[0]
        elif r < 0.95:
            country = rng.choice(("GT", "HN", "SV"))
            kind = rng.choice(cs_kinds)
        else:
            country, kind = "INT", "international_org"
        mx_city, us_city = grp["corridor"][0], grp["corridor"][1]
        if country == "MX":
            city = mx_city if rng.random() < 0.5 else rng.choice(_MX_INTERIOR)
        elif country == "US":
            city = us_city if rng.random() < 0.5 else rng.choice(_US_INTERIOR)
        else:
            city = None
        issues = rng.sample(grp["issues"], 2) + (
            [rng.choice(ISSUE_AREAS)] if rng.random() < 0.4 else [])
        pops = rng.sample(grp["pops"], rng.choice((1, 2))) + (
            [rng.choice(POPULATIONS)] if rng.random() < 0.3 else [])
        actors.append(Actor(
            id=f"s{i}", name=f"Actor {i}", kind=kind, country=country, city=city,
            issue_areas=issues, populations=pops, phases=grp["phases"],
            roles=["funder"] if kind == "funder" else [], provenance="illustrative"))
        member_of[f"s{i}"] = g
        by_group[g].append(f"s{i}")
    kinds = {a.id: a.kind for a in actors}
    ids = [a.id for a in actors]
    adj = {i: set() for i in ids}
    ties = {}
    target = int(n * mean_degree / 2)
    attempts = 0
    while len(ties) < target and attempts < target * 20:
        attempts += 1
        u = rng.choice(ids)
        r = rng.random()
        if r < p_triadic and adj[u]:
            z = rng.choice(sorted(adj[u]))
            v = rng.choice(sorted(adj[z]))
        elif r < p_triadic + p_group:
            v = rng.choice(by_group[member_of[u]])
        else:
            v = rng.choice(ids)
        if v == u or v in adj[u]:
            continue
        adj[u].add(v)
        adj[v].add(u)
        if kinds[u] == "funder" or kinds[v] == "funder":
            src, dst = (u, v) if kinds[u] == "funder" else (v, u)
            t = Tie(source=src, target=dst, kind="funding", amount=rng.randint(1, 100) * 1000,
                    currency="USD", year=2020, provenance="illustrative")
        else:
            kind = "formal" if rng.random() < 0.45 else "informal"
            t = Tie(source=u, target=v, kind=kind, provenance="illustrative",
                    strength=rng.choice((None, 0.5, 1.0)))
        ties[t.id] = t
    return build_snapshot(actors, ties.values(), version=version,
                          meta={"synthetic": "true", "seed": str(seed)})
