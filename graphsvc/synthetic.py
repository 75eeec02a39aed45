"""Invented, seeded networks for tests, benchmarks and screenshots.

One generator serves every caller: the evaluation of suggested
introductions, the store and web benchmarks, the metric benchmarks. It is
test and benchmark data, not an analysis, so it lives outside
:mod:`graphsvc.queries`. Every name it makes reads as invented ("Ejemplo
..." for actors in Spanish-speaking countries, "Example ..." elsewhere), and
every record has provenance ``illustrative``.

Actors belong to planted *working groups* (the communities a detection
should find): each group has a palette of issue areas, populations and
phases, and a border corridor (a pair of counterpart cities, from
:data:`graphsvc.queries.introductions.geography.COUNTERPART_CITIES`) where
half its members live. Ties form by three mechanisms, as field studies of
advocacy networks describe them: closing triangles (a partner's partner),
working together within a group (homophily), and chance. So both common contacts
and shared attributes carry signal, in proportions set by the arguments;
neither is the answer. A tie with a funder is a funding tie from the
funder.

Everything random follows from ``seed``: the same arguments give the same
records.
"""
from __future__ import annotations

import random
from typing import Any

from .model import CIVIL_SOCIETY_KINDS, ISSUE_AREAS, PHASES, POPULATIONS, Actor, Tie
from .queries.introductions.geography import COUNTERPART_CITIES
from .snapshot import build_snapshot

__all__ = ["synthetic_records", "synthetic_network", "synthetic_future_network",
           "synthetic_future_records", "fill_store", "illustrative_snapshot",
           "evaluation_graphs"]

_MX_INTERIOR = ["Ciudad de México", "Tapachula", "Guadalajara", "Oaxaca", "Puebla"]
_US_INTERIOR = ["Washington", "New York", "Los Angeles", "Chicago", "Houston", "Boston"]
_WORDS = ["Casa", "Red", "Frontera", "Camino", "Puente", "Alianza", "Centro", "Voz",
          "Refugio", "Norte", "Sur", "Esperanza", "Derechos", "Comunidad"]
_SPANISH = {"MX", "GT", "HN", "SV"}


def _name(i: int, country: str) -> str:
    """An invented name that says so, from the index alone (no randomness)."""
    words = f"{_WORDS[i % len(_WORDS)]} {_WORDS[(i // len(_WORDS)) % len(_WORDS)]}"
    return f"{'Ejemplo' if country in _SPANISH else 'Example'} {words} {i}"


def synthetic_records(n: int = 400, seed: int = 0, *, ties_per_actor: float = 3.0,
                      group_size: int = 25, p_triadic: float = 0.35,
                      p_group: float = 0.45, visibility: str | float = "restricted",
                      id_prefix: str = "s") -> tuple[list[Actor], list[Tie]]:
    """``(actors, ties)``: ``n`` invented actors and about ``ties_per_actor * n``
    ties, one per tied pair.

    Parameters
    ----------
    n : int
        Number of actors; ids are ``id_prefix`` + 0 .. n - 1.
    seed : int
        Everything random follows from it.
    ties_per_actor : float
        Ties aimed for, per actor (the mean degree is twice this).
    group_size : int
        Average size of a planted working group (there are
        ``max(2, n // group_size)``).
    p_triadic, p_group : float
        Probability that a new tie closes a triangle, or joins two members of
        one working group; the rest are chance ties.
    visibility : {"restricted", "public"} or float
        Every record's visibility; a number in (0, 1) makes that share of
        the actors restricted at random and the rest, and every tie, public.
    id_prefix : str
        Prefix of the actor ids.

    Examples
    --------
    >>> actors, ties = synthetic_records(30, seed=1, visibility="public")
    >>> len(actors), actors[0].id, actors[0].name.split()[0] in ("Ejemplo", "Example")
    (30, 's0', True)
    >>> synthetic_records(30, seed=1)[1] == synthetic_records(30, seed=1)[1]
    True
    """
    rng = random.Random(seed)
    share = visibility if isinstance(visibility, float) else None
    fixed: dict[str, Any] = {} if share is not None or visibility == "restricted" else {
        "visibility": visibility}
    tie_fixed = {"visibility": "public"} if share is not None else fixed
    n_groups = max(2, n // group_size)
    groups: list[dict[str, Any]] = []
    for _ in range(n_groups):
        groups.append({
            "issues": rng.sample(ISSUE_AREAS, 3),
            "pops": rng.sample(POPULATIONS, 3),
            "phases": rng.sample(list(PHASES), rng.choice((1, 2))),
            "corridor": rng.choice(COUNTERPART_CITIES),
        })
    actors: list[Actor] = []
    member_of: dict[str, int] = {}
    by_group: list[list[str]] = [[] for _ in range(n_groups)]
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
        mx_city, us_city = grp["corridor"][:2]
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
        extra = dict(fixed)
        if share is not None:
            extra["visibility"] = "restricted" if rng.random() < share else "public"
        aid = f"{id_prefix}{i}"
        actors.append(Actor(
            id=aid, name=_name(i, country), kind=kind, country=country, city=city,
            issue_areas=issues, populations=pops, phases=grp["phases"],
            roles=["funder"] if kind == "funder" else [], provenance="illustrative",
            **extra))
        member_of[aid] = g
        by_group[g].append(aid)
    kinds = {a.id: a.kind for a in actors}
    ids = [a.id for a in actors]
    adj: dict[str, set[str]] = {i: set() for i in ids}
    ties: dict[str, Tie] = {}
    target = int(n * ties_per_actor)
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
                    currency="USD", year=2020, provenance="illustrative", **tie_fixed)
        else:
            t = Tie(source=u, target=v, kind="formal" if rng.random() < 0.45 else "informal",
                    provenance="illustrative", strength=rng.choice((None, 0.5, 1.0)),
                    **tie_fixed)
        ties[str(t.id)] = t
    return actors, list(ties.values())


def synthetic_network(n: int = 400, seed: int = 0, *, ties_per_actor: float = 3.0,
                      group_size: int = 25, p_triadic: float = 0.35,
                      p_group: float = 0.45, version: int = 1, **options):
    """:func:`synthetic_records` as a snapshot-shaped MultiDiGraph.

    Built by :func:`graphsvc.snapshot.build_snapshot`; ``G.graph`` has
    ``synthetic = "true"`` and the seed. Other keyword arguments go to
    :func:`synthetic_records`.

    Examples
    --------
    >>> G = synthetic_network(60, seed=1)
    >>> G.number_of_nodes(), G.graph["synthetic"]
    (60, 'true')
    """
    actors, ties = synthetic_records(n, seed, ties_per_actor=ties_per_actor,
                                     group_size=group_size, p_triadic=p_triadic,
                                     p_group=p_group, **options)
    return build_snapshot(actors, ties, version=version,
                          meta={"synthetic": "true", "seed": str(seed)})


def fill_store(store, n: int, seed: int = 1, **options):
    """Write :func:`synthetic_records` into ``store`` and mark the dataset
    illustrative; return ``store``. Unless ``options`` say otherwise, records
    are public, ids are ``a0``, ``a1``... and there are two ties per actor."""
    options.setdefault("visibility", "public")
    options.setdefault("id_prefix", "a")
    options.setdefault("ties_per_actor", 2.0)
    store.upsert(*synthetic_records(n, seed, **options))
    store.set_meta("illustrative", "true")
    return store


def illustrative_snapshot():
    """The illustrative network as shipped (its default seed), as a snapshot;
    ``None`` when this build does not have :mod:`graphsvc.illustrative`."""
    try:
        from . import illustrative
    except ImportError:
        return None
    meta = dict(illustrative.illustrative_meta())
    meta["illustrative"] = "true"
    return build_snapshot(*illustrative.build_illustrative(), version="illustrative",
                          meta=meta)


def evaluation_graphs(names=("synthetic", "illustrative"), *, seed: int = 0,
                      store_graph=None, split_date=None) -> list[tuple]:
    """The ``(name, graph)`` pairs a hidden-tie evaluation runs on
    (:func:`graphsvc.queries.introductions.evaluate.run_evaluations`).

    ``synthetic``: two networks of 400 and 1,000 actors built with ``seed``;
    ``illustrative``: the shipped network (``seed`` only chooses the hidden
    ties), or a sentence saying this build does not have it; ``store``:
    ``store_graph``, the caller's snapshot. With ``split_date`` (an evaluation
    on time), ``synthetic`` is :func:`synthetic_future_network` with 400 and
    1,000 actors whose planted future ties formed after that day.
    """
    out = []
    for g in names:
        if g == "synthetic" and split_date is not None:
            out += [(f"synthetic n={n} seed={seed} (future ties planted after {split_date})",
                     synthetic_future_network(n, seed=seed, split_date=split_date))
                    for n in (400, 1000)]
        elif g == "synthetic":
            out += [(f"synthetic n={n} seed={seed}", synthetic_network(n, seed=seed))
                    for n in (400, 1000)]
        elif g == "illustrative":
            G = illustrative_snapshot()
            out.append(("illustrative (invented network)" if G is not None else
                        "illustrative", G if G is not None else
                        "graphsvc.illustrative is not in this build"))
        elif g == "store":
            out.append(("store snapshot", store_graph))
        else:
            raise ValueError(f"unknown graph '{g}': use synthetic, illustrative or store")
    return out


def synthetic_future_network(n: int = 400, seed: int = 0, *, split_date="2022-01-01",
                             share: float = 0.1, **options):
    """:func:`synthetic_network` with dated ties: a seeded ``share`` of its tied
    pairs formed after ``split_date`` (``since`` 1 to 730 days after it), the
    others before (``since`` 1 to 3,650 days before it). The planted future
    ties come from the same process as the others (shared groups and work,
    friends of friends), so a good recommender should find them.

    Examples
    --------
    >>> from graphsvc.queries.introductions.time_split import future_ties
    >>> G = synthetic_future_network(80, seed=2, split_date="2022-01-01", share=0.2)
    >>> pairs = {frozenset((u, v)) for u, v in G.edges() if u != v}
    >>> len(future_ties(G, "2022-01-01")) == round(0.2 * len(pairs))
    True
    """
    actors, dated = synthetic_future_records(n, seed, split_date=split_date, share=share,
                                             **options)
    return build_snapshot(actors, dated, version=1,
                          meta={"synthetic": "true", "seed": str(seed)})


def synthetic_future_records(n: int = 400, seed: int = 0, *, split_date="2022-01-01",
                             share: float = 0.1, **options) -> tuple[list[Actor], list[Tie]]:
    """``(actors, ties)`` of :func:`synthetic_future_network` (to add ties of
    one's own before building the snapshot)."""
    import datetime as dt

    day = dt.date.fromisoformat(str(split_date))
    actors, ties = synthetic_records(n, seed, **options)
    pairs = sorted({tuple(sorted((t.source, t.target))) for t in ties if t.source != t.target})
    rng = random.Random(seed + 17)
    later = set(rng.sample(pairs, round(share * len(pairs)))) if pairs else set()
    when = {p: day + dt.timedelta(days=rng.randint(1, 730)) if p in later
            else day - dt.timedelta(days=rng.randint(1, 3650)) for p in pairs}
    dated = [t.model_copy(update={"since": when[tuple(sorted((t.source, t.target)))],
                                  "until": None})
             if t.source != t.target else t for t in ties]
    return actors, dated
