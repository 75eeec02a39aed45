"""Who may be suggested to an actor: modes, filters and exclusions.

A candidate is never the actor itself, never an actor it already has a tie
with (of any kind, in either direction), and never one it was introduced to
(status ``made``) or whose introduction was ``declined``: those records are
passed in as data. An introduction only ``proposed`` stays a candidate and
is flagged, so a facilitator sees it is already under way.
"""
from __future__ import annotations

from collections.abc import Iterable

from ...errors import not_found_actor
from ...model import ACTOR_KINDS, CIVIL_SOCIETY_KINDS, Introduction, policymaker_target
from .geography import city_key

__all__ = ["MODES", "PEER_KINDS", "default_mode", "introduction_pairs", "candidate_ids",
           "check_actor"]

#: Who may be suggested: ``peer`` (Mexican civil society <-> US organizations
#: doing similar work), ``policymaker`` (US officials and government bodies),
#: ``funder``, ``open`` (anyone not yet tied).
MODES: tuple[str, ...] = ("peer", "policymaker", "funder", "open")

#: Kinds that count as "organizations doing similar work" in peer mode.
PEER_KINDS = CIVIL_SOCIETY_KINDS | {"network"}

_COUNTERPART_COUNTRY = {"MX": {"US"}, "US": {"MX"}}


def default_mode(kind: str | None) -> str:
    """The mode a facilitator most likely wants for an actor of this kind:
    ``peer`` for civil society and networks (organisations doing similar work
    across the border), ``open`` for everyone else.

    >>> default_mode("shelter"), default_mode("network"), default_mode("funder")
    ('peer', 'peer', 'open')
    """
    return "peer" if kind in PEER_KINDS else "open"


def check_actor(idx, actor) -> None:
    if actor not in idx.adj:
        raise not_found_actor(actor)


def introduction_pairs(introductions: Iterable, actor=None) -> tuple[set, set]:
    """``(closed, proposed)``: unordered pairs recorded as made or declined,
    and pairs only proposed. Accepts Introduction objects or their records."""
    closed, proposed = set(), set()
    for rec in introductions or ():
        if not isinstance(rec, Introduction):
            rec = Introduction.model_validate(rec)
        if actor is not None and actor not in (rec.source, rec.target):
            continue
        pair = frozenset((rec.source, rec.target))
        if rec.status in ("made", "declined"):
            closed.add(pair)
        else:
            proposed.add(pair)
    return closed, proposed - closed


def _mode_ok(idx, u, mode, policymakers="US", level=None):
    attrs = idx.attrs
    if mode == "open":
        return lambda v: True
    if mode == "policymaker":
        target = policymaker_target(policymakers, level)
        return lambda v: target(attrs[v])
    if mode == "funder":
        return idx.is_funder
    if mode == "peer":
        countries = _COUNTERPART_COUNTRY.get(attrs[u].get("country"), {"MX", "US"})
        work = idx.issues[u] | idx.populations[u]

        def peer(v):
            a = attrs[v]
            if a.get("country") not in countries or a.get("kind") not in PEER_KINDS:
                return False
            if idx.is_policymaker(v) or idx.is_funder(v):
                return False
            return not work or bool(work & (idx.issues[v] | idx.populations[v]))

        return peer
    raise ValueError(f"unknown mode '{mode}': use one of {', '.join(MODES)}")


def candidate_ids(idx, u, mode: str = "open", *, country=None, kind=None, city=None,
                  issue_area=None, closed: set | frozenset = frozenset(),
                  policymakers: str = "US", level: str | None = None) -> list:
    """Actors that may be suggested to ``u`` in ``mode`` with these filters
    (``policymakers`` and ``level`` choose the targets of ``policymaker`` mode)."""
    check_actor(idx, u)
    ok = _mode_ok(idx, u, mode, policymakers, level)
    if kind is not None:
        kind = kind.strip().lower()
        if kind not in ACTOR_KINDS:
            raise ValueError(f"unknown actor kind '{kind}': use one of "
                             f"{', '.join(sorted(ACTOR_KINDS))}")
    country = country.strip().upper() if country else None
    ckey = city_key(city) if city else None
    area = issue_area.strip().lower().replace(" ", "_") if issue_area else None
    tied = idx.adj[u]
    out = []
    for v, a in idx.attrs.items():
        if v == u or v in tied:
            continue
        if country and a.get("country") != country:
            continue
        if kind and a.get("kind") != kind:
            continue
        if ckey and idx.city[v] != ckey:
            continue
        if area and area not in idx.issues[v]:
            continue
        if closed and frozenset((u, v)) in closed:
            continue
        if ok(v):
            out.append(v)
    return out
