"""Build the illustrative network and load it into a store."""
from __future__ import annotations

import random
from dataclasses import dataclass

from ..errors import GraphsvcError
from ..history import current_info
from ..model import Actor, Event, Group, Introduction, Tie
from ..stores.base import GraphStore
from .events import build_events
from .history import INTRODUCTION_NOTE, add_history
from .invented import invent_actors
from .named import DOCUMENTS, NAMED_ACTORS
from .ties import build_ties

__all__ = [
    "DEFAULT_SEED",
    "DATASET_LABEL",
    "build_illustrative",
    "build_illustrative_history",
    "build_illustrative_events",
    "illustrative_meta",
    "load_illustrative",
    "foreign_data",
    "StoreHoldsOtherData",
    "LoadResult",
]

#: The year of the survey the network imitates.
DEFAULT_SEED = 2021
DATASET_LABEL = ("Illustrative network: real organizations named in public reports "
                 "and invented ones, joined by invented ties; not a record of real "
                 "relationships")
_NOTE = "Illustrative network: its ties are invented, not a record of a real relationship."


def _named_actor(rec: dict, seed: int) -> tuple[Actor, dict]:
    docs = " and ".join(DOCUMENTS[d] for d in rec["docs"])
    fields = {k: rec[k] for k in ("id", "name", "kind", "country", "city", "region",
                                  "issue_areas", "populations", "phases", "languages",
                                  "roles")}
    actor = Actor(**fields, description=f"{rec['what']}. Named in {docs}. {_NOTE}",
                  provenance="illustrative", visibility="public",
                  source_ref=f"illustrative: real organization named in {docs}; every "
                  f"tie invented (seed {seed})")
    hints = dict(fields, primary=(rec["issue_areas"] or [""])[0])
    return actor, hints


_INVENTED_KINDS = {
    "cso": "a civil-society organization", "shelter": "a migrant shelter",
    "faith_based": "a faith-based organization", "migrant_led": "a migrant-led collective",
    "funder": "a private foundation", "academia": "a research observatory",
    "business": "a business association", "network": "a network",
    "official": "a liaison office standing for the officials civil society deals with",
}


def _invented_actor(rec: dict, seed: int) -> tuple[Actor, dict]:
    fields = {k: v for k, v in rec.items() if k not in ("primary", "office_of")}
    where = f" in {rec['city']}" if rec.get("city") else ""
    what = _INVENTED_KINDS[rec["kind"]]
    actor = Actor(**fields, provenance="illustrative",
                  description=f"Invented for the illustrative network: {what}{where}. "
                  "Not a real organization, office or person; its ties are invented.",
                  source_ref=f"illustrative: invented by graphsvc.illustrative "
                  f"(seed {seed}); not a real organization")
    return actor, rec


def build_illustrative_history(seed: int = DEFAULT_SEED
                               ) -> tuple[list[Actor], list[Tie], list[Introduction]]:
    """The illustrative network for ``seed`` with its history: actors, dated
    ties (:mod:`graphsvc.illustrative.history`) and the introduction
    records, oldest first."""
    rng = random.Random(seed)
    n_mx = rng.randint(55, 65)
    built = [_named_actor(r, seed) for r in NAMED_ACTORS]
    built += [_invented_actor(r, seed) for r in invent_actors(rng, n_mx)]
    actors = [a for a, _ in built]
    ties = build_ties(rng, seed, [h for _, h in built])
    ties, intros = add_history(actors, ties, seed)
    return actors, ties, intros


def build_illustrative_events(seed: int = DEFAULT_SEED
                              ) -> tuple[list[Event], list[Group]]:
    """The illustrative network's events (the Tijuana 2017 and Monterrey 2018
    workshops with invented attendance, an invented restricted meeting) and
    groups (the task force's invented working groups); see
    :mod:`graphsvc.illustrative.events`.

    >>> events, groups = build_illustrative_events()
    >>> [e.id for e in events][:2], {e.provenance for e in events + groups}
    (['journeys-tijuana-2017', 'journeys-monterrey-2018'], {'illustrative'})
    """
    actors, ties, _intros = build_illustrative_history(seed)
    return build_events(actors, ties, seed)


def build_illustrative(seed: int = DEFAULT_SEED) -> tuple[list[Actor], list[Tie]]:
    """The illustrative network for ``seed``: actors and ties, validated.

    Pure: the same seed gives the same records in the same order, in any
    process. Actors come named ones first, then invented ones; ties are
    sorted by id, dated (:mod:`graphsvc.illustrative.history`). Every record
    has provenance ``illustrative``.

    Examples
    --------
    >>> actors, ties = build_illustrative()
    >>> 100 <= len(actors) <= 300
    True
    >>> {a.provenance for a in actors} | {t.provenance for t in ties}
    {'illustrative'}
    """
    actors, ties, _intros = build_illustrative_history(seed)
    return actors, ties


def illustrative_meta(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """The dataset settings stored with the network."""
    return {"illustrative": "true", "dataset_label": DATASET_LABEL,
            "illustrative_seed": str(seed)}


class StoreHoldsOtherData(GraphsvcError):
    """The store holds data that is not the illustrative network."""

    code = "store_not_empty"


@dataclass
class LoadResult:
    actors: int
    ties: int
    seed: int
    replaced: bool  # something was in the store before
    events: int = 0
    groups: int = 0


def foreign_data(store: GraphStore) -> str | None:
    """What in ``store`` is not the illustrative network, or None.

    Only a store marked illustrative whose every actor and tie is labelled
    illustrative, and whose introduction records are the illustrative ones,
    may be reloaded silently.
    """
    counts = store.counts()
    records = store.introductions()
    intros = len(records)
    kept = [*store.events(), *store.groups()]
    if not (counts["actors"] or counts["ties"] or intros or kept):
        return None
    if store.meta().get("illustrative") != "true":
        actors, ties = counts["actors"], counts["ties"]
        events = sum(isinstance(r, Event) for r in kept)
        groups = len(kept) - events
    else:
        actors = sum(a.provenance != "illustrative" for a in store.find_actors())
        ties = sum(t.provenance != "illustrative" for t in store.ties())
        intros = sum(not (r.note or "").startswith(INTRODUCTION_NOTE) for r in records)
        events = sum(isinstance(r, Event) and r.provenance != "illustrative" for r in kept)
        groups = sum(isinstance(r, Group) and r.provenance != "illustrative" for r in kept)
    parts = [_count(n, what) for n, what in ((actors, "actor"), (ties, "tie"),
                                             (intros, "introduction record"),
                                             (events, "event"), (groups, "group")) if n]
    return ", ".join(parts) or None


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def load_illustrative(store: GraphStore, seed: int = DEFAULT_SEED,
                      replace: bool = False, where: str | None = None) -> LoadResult:
    """Load the illustrative network into ``store``, replacing what it held.

    A store that is empty or already holds the illustrative network is
    cleared and loaded, so the result is exactly the generated network.
    Anything else is somebody's data: :class:`StoreHoldsOtherData` is raised
    and the store is left unchanged, unless ``replace`` is true.
    ``where`` names the store in messages (a file path, an address).
    """
    foreign = foreign_data(store)
    if foreign and not replace:
        place = where or f"the {store.name} store"
        raise StoreHoldsOtherData(
            f"{place} holds data that is not the illustrative network ({foreign}); "
            "nothing was changed.",
            hint="Set GRAPHSVC_DB to another file to keep it, or add --replace to "
            "delete it and load the illustrative network.")
    actors, ties, intros = build_illustrative_history(seed)
    had = store.counts()
    replaced = bool(had["actors"] or had["ties"])
    store.clear()
    # Mark first: if the load is interrupted, the store is an empty
    # illustrative one, which the next load may clear without asking.
    store.set_meta("illustrative", "true")
    store.upsert(actors, ties)
    events, groups = build_events(actors, ties, seed)
    store.put_records([*events, *groups], current_info())
    for intro in intros:
        store.record_introduction(intro)
    for key, value in illustrative_meta(seed).items():
        if key != "illustrative":
            store.set_meta(key, value)
    return LoadResult(actors=len(actors), ties=len(ties), seed=seed, replaced=replaced,
                      events=len(events), groups=len(groups))
