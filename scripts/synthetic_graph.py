"""A seeded synthetic graph for benchmarks and screenshots.

It has the shape of the real field (many Mexican CSOs and shelters, fewer US
NGOs, funders, international organizations and officials; formal, informal
and funding ties, some pairs with several kinds) but every actor and tie is
invented: the dataset is marked illustrative wherever it is loaded.
"""
from __future__ import annotations

import random

from graphsvc.model import Actor, Tie

KINDS = [("cso", 30), ("shelter", 15), ("faith_based", 8), ("migrant_led", 6),
         ("network", 4), ("international_org", 3), ("government", 8), ("official", 6),
         ("funder", 6), ("academia", 8), ("business", 3), ("individual", 3)]
COUNTRIES = [("MX", 55), ("US", 30), ("GT", 4), ("HN", 3), ("SV", 3), ("INT", 3),
             ("CA", 2)]
CITIES = {"MX": ["Tijuana", "Monterrey", "Tapachula", "Ciudad de México", "Ciudad Juárez",
                 "Comitán"],
          "US": ["San Diego", "El Paso", "Washington", "Tucson", "New York"],
          "GT": ["Ciudad de Guatemala"], "HN": ["Tegucigalpa"], "SV": ["San Salvador"],
          "CA": ["Ottawa"], "INT": [None]}
AREAS = ["legal_aid", "shelter", "health", "documentation", "employment", "education",
         "advocacy", "litigation", "monitoring"]
SYLLABLES = ["casa", "red", "frontera", "camino", "puente", "alianza", "centro", "voz",
             "refugio", "norte", "sur", "esperanza", "derechos", "comunidad"]


def _pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def synthetic(n: int, seed: int = 1, ties_per_actor: float = 2.0):
    """``(actors, ties)``: ``n`` invented actors and about
    ``ties_per_actor * n`` ties (preferential attachment, so a few hubs)."""
    rng = random.Random(seed)
    actors = []
    for i in range(n):
        country = _pick(rng, COUNTRIES)
        kind = _pick(rng, KINDS)
        name = " ".join(rng.choice(SYLLABLES).capitalize() for _ in range(2)) + f" {i}"
        actors.append(Actor(
            id=f"a{i}", name=name, kind=kind, country=country,
            city=rng.choice(CITIES[country]), issue_areas=rng.sample(AREAS, 2),
            provenance="illustrative", visibility="public"))
    ties, seen, targets = [], set(), []
    for i in range(1, n):
        for _ in range(max(1, round(rng.expovariate(1 / ties_per_actor)))):
            j = rng.choice(targets) if targets and rng.random() < 0.7 else rng.randrange(i)
            kind = rng.choices(["formal", "informal", "funding"], [4, 5, 2])[0]
            src, dst = (f"a{j}", f"a{i}") if kind == "funding" else (f"a{i}", f"a{j}")
            key = (src, dst, kind)
            if src == dst or key in seen:
                continue
            seen.add(key)
            extra = {"amount": float(rng.randrange(5, 500) * 1000), "currency": "USD",
                     "year": rng.choice([2019, 2020, 2021])} if kind == "funding" else {}
            ties.append(Tie(source=src, target=dst, kind=kind, provenance="illustrative",
                            visibility="public", **extra))
            targets += [i, j]
    return actors, ties


def fill(store, n: int, seed: int = 1):
    actors, ties = synthetic(n, seed)
    store.upsert(actors, ties)
    store.set_meta("illustrative", "true")
    return store
