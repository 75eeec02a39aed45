"""What a report of suggestions or of a plan holds, as plain data.

:func:`suggestions_report` and :func:`plan_report` gather what a facilitator
needs (who, why, through whom, the weights behind the score, whether the
data is illustrative) from the snapshot. Reasons, modes, goals and weights
stay codes with their data: putting them into words, in the reader's
language, and rendering HTML, CSV or JSON is the web layer's job
(:mod:`graphsvc.web.reports`), for the web app and the command line alike.
"""
from __future__ import annotations

import datetime as dt

from .scoring import WEIGHTS

__all__ = ["suggestions_report", "plan_report", "convening_report"]


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _actor(G, n) -> dict:
    a = G.nodes[n]
    return {"id": n, "name": a.get("name") or n, "kind": a.get("kind"),
            "country": a.get("country"), "city": a.get("city")}


def _meta(G) -> dict:
    return {"illustrative": G.graph.get("illustrative") == "true",
            "version": G.graph.get("version"), "generated": _now(),
            "weights": [{"code": c, "weight": w} for c, w in WEIGHTS.items()]}


def suggestions_report(G, actor, suggestions: list[dict], *, mode: str = "open",
                       filters: dict | None = None) -> dict:
    """Everything a per-actor report shows, as plain data.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The snapshot the suggestions were computed on.
    actor : actor id
    suggestions : list of dict
        From :func:`.suggest.suggest_introductions`.
    mode : str
    filters : dict, optional
        The candidate filters used; empty ones are left out.

    Returns
    -------
    dict
        ``{"type": "suggestions", "illustrative", "version", "generated",
        "weights": [{"code", "weight"}], "actor": {"id", "name", "kind",
        "country", "city"}, "mode", "filters", "suggestions"}``.

    Examples
    --------
    >>> from graphsvc.snapshot import build_snapshot
    >>> from graphsvc.model import Actor
    >>> G = build_snapshot([Actor(id="mx", name="Casa", kind="shelter", country="MX")],
    ...                    [], version=3, meta={"illustrative": "true"})
    >>> r = suggestions_report(G, "mx", [], mode="peer", filters={"kind": "cso",
    ...                                                         "city": None})
    >>> r["actor"]["name"], r["illustrative"], r["version"], r["filters"]
    ('Casa', True, 3, {'kind': 'cso'})
    >>> r["weights"][0]
    {'code': 'common_contacts', 'weight': 0.5}
    """
    return {"type": "suggestions", **_meta(G), "actor": _actor(G, actor),
            "mode": mode, "filters": {k: v for k, v in (filters or {}).items() if v},
            "suggestions": suggestions}


def plan_report(G, plan: dict) -> dict:
    """Everything a plan report shows, as plain data: ``plan`` (from
    :func:`.plan.plan_introductions`) with ``"type": "plan"`` and the
    metadata of :func:`suggestions_report`.

    Examples
    --------
    >>> import networkx as nx
    >>> r = plan_report(nx.MultiDiGraph(version=2), {"goal": "community_bridges",
    ...                                              "steps": []})
    >>> r["type"], r["goal"], r["version"], r["illustrative"]
    ('plan', 'community_bridges', 2, False)
    """
    return {"type": "plan", **_meta(G), **plan}


def convening_report(G, plan: dict) -> dict:
    """Everything a convening plan report shows, as plain data: ``plan``
    (from :func:`.convening.plan_convening`) with ``"type": "convening"``
    and the metadata of :func:`suggestions_report`.

    Examples
    --------
    >>> import networkx as nx
    >>> r = convening_report(nx.MultiDiGraph(version=5), {"size": 20, "invitees": []})
    >>> r["type"], r["size"], r["version"]
    ('convening', 20, 5)
    """
    return {"type": "convening", **_meta(G), **plan}
