"""Ranked, explained introductions for one actor."""
from __future__ import annotations

import heapq

from ._index import index_for
from .brokers import _paths, broker_from_index
from .candidates import MODES, candidate_ids, check_actor, introduction_pairs
from .scoring import common_contacts, explain, score_all

__all__ = ["suggest_introductions"]


def _actor_summary(idx, n) -> dict:
    a = idx.attrs[n]
    return {"id": n, "name": idx.name(n), "kind": a.get("kind"),
            "country": a.get("country"), "city": a.get("city")}


def suggest_introductions(G, actor, mode: str = "open", *, limit: int | None = 10,
                          country=None, kind=None, city=None, issue_area=None,
                          introductions=(), seed: int = 0, max_hops: int = 6,
                          partition: dict | None = None, policymakers: str = "US",
                          level: str | None = None) -> list[dict]:
    """Actors to introduce ``actor`` to, best first, with reasons and a broker.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The snapshot (see :func:`graphsvc.snapshot.build_snapshot`).
    actor : actor id
    mode : {"peer", "policymaker", "funder", "open"}
        ``peer``: for a Mexican actor, US civil society and networks doing
        similar work (sharing an issue area or population); for a US actor,
        the Mexican ones; otherwise both. ``policymaker``: officials and
        government bodies (``is_policymaker``) of the side ``policymakers``
        chooses. ``funder``: ``is_funder``.
        ``open``: anyone.
    limit : int or None
        How many to return (``None``: all).
    country, kind, city, issue_area : str, optional
        Keep only candidates with this country code, actor kind, city
        (ignoring accents and case) or issue area.
    introductions : iterable of Introduction or dict
        Recorded introductions; pairs ``made`` or ``declined`` are excluded,
        pairs ``proposed`` are flagged.
    seed : int
        Seed of the community detection behind the ``bridge`` reason.
    max_hops : int
        Longest chain considered when there is no mutual contact.
    partition : dict, optional
        ``G``'s community partition for ``seed`` when the caller already has
        it; default :func:`graphsvc.queries.communities.snapshot_partition`.
    policymakers : {"US", "MX", "other", "all"}
        In ``policymaker`` mode, whose policymakers: US (the default),
        Mexican, of other countries or international, or all.
    level : {"federal", "state", "municipal", "legislative"}, optional
        In ``policymaker`` mode, only policymakers with this level recorded.

    Returns
    -------
    list of dict
        ``{"rank", "actor", "name", "kind", "country", "city", "score",
        "reasons", "broker", "proposed"}``; the score is in [-0.15, 1.05] (see
        :mod:`.scoring`), reasons are codes with their data, largest first
        (see :func:`.scoring.explain`), ``broker`` is from
        :func:`.brokers.best_broker`.

    Raises
    ------
    graphsvc.errors.NotFound
        When ``actor`` is not in ``G``.
    ValueError
        For an unknown mode, actor kind, policymaker side or level.

    Examples
    --------
    >>> from graphsvc.snapshot import build_snapshot
    >>> from graphsvc.model import Actor, Tie
    >>> G = build_snapshot(
    ...     [Actor(id="mx", name="Casa", kind="shelter", country="MX", city="Tijuana",
    ...            issue_areas=["shelter"]),
    ...      Actor(id="us", name="Aid", kind="cso", country="US", city="San Diego",
    ...            issue_areas=["shelter"]),
    ...      Actor(id="hub", name="Hub", kind="network", country="US")],
    ...     [Tie(source="mx", target="hub", kind="formal"),
    ...      Tie(source="hub", target="us", kind="formal")])
    >>> [s["actor"] for s in suggest_introductions(G, "mx", "peer")]
    ['us']
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode '{mode}': use one of {', '.join(MODES)}")
    idx = index_for(G, seed, partition)
    check_actor(idx, actor)
    closed, proposed = introduction_pairs(introductions, actor)
    cands = candidate_ids(idx, actor, mode, country=country, kind=kind, city=city,
                          issue_area=issue_area, closed=closed,
                          policymakers=policymakers, level=level)
    aa = common_contacts(idx, actor)
    scores = score_all(idx, actor, cands, aa=aa, max_hops=max_hops)
    def order(v):
        return (-scores[v], str(v))

    if limit is None:
        ranked = sorted(scores, key=order)
    else:
        ranked = heapq.nsmallest(max(0, int(limit)), scores, key=order)
    paths = None
    out = []
    for i, v in enumerate(ranked, 1):
        if v not in aa and paths is None:
            # No mutual contact: walk the most trusted chain (computed once).
            paths = _paths(idx, actor, max_hops)
        score, reasons = explain(idx, actor, v, aa=aa, paths=paths, max_hops=max_hops)
        broker = broker_from_index(idx, actor, v, paths=paths, max_hops=max_hops)
        out.append({"rank": i, "actor": v, **{k: x for k, x in _actor_summary(idx, v).items()
                                              if k != "id"},
                    "score": round(score, 4), "reasons": reasons, "broker": broker,
                    "proposed": frozenset((actor, v)) in proposed})
    return out
