"""The map's focus mode: an actor's routes to US policymakers, to funders or
to a second actor, and which of the map's actors and ties they use.

No rule of its own: routes to a target set are
:func:`graphsvc.queries.influence.influence_paths` (the shortest and the
most trusted, as on the actor's profile); to a second actor, the shortest is
:func:`graphsvc.queries.introductions.brokers.trusted_path` (the most trusted
of the shortest chains, as the introductions use) and the most trusted
:func:`graphsvc.queries.influence.nearest` over tie distance. Everything is
read through the request's gate and cached in the one cache.
"""
from __future__ import annotations

import networkx as nx
from flask_babel import gettext as _

from ..errors import NotFound
from ..queries import influence
from ..queries.introductions.brokers import trusted_path
from . import analyses
from .access import Access
from .params import FOCUS_TARGETS

__all__ = ["FOCUS_TARGETS", "resolve_actor", "focus_routes", "apply_focus"]


#: Drawing of the focus: route ties and actors stand out, the rest fades.
#: The two routes differ in line as well as colour (solid, long dashes).
ROUTE_COLORS = {"shortest": "#c0392b", "most_trusted": "#1a5276"}
ROUTE_DASHES = {"shortest": False, "most_trusted": [14, 6]}
FADED_NODE = "rgba(200,200,200,0.35)"
FADED_EDGE = "rgba(180,180,180,0.25)"


def resolve_actor(G: nx.MultiDiGraph, text: str) -> str:
    """The id of the actor ``text`` names: an id, else a name (any case) that
    exactly one visible actor has. Raises 404 otherwise, saying what to do."""
    if text in G:
        return text
    wanted = text.casefold().strip()
    found = [v for v, a in G.nodes(data=True)
             if str(a.get("name") or "").casefold().strip() == wanted]
    if len(found) == 1:
        return found[0]
    if found:
        raise NotFound(_("Several actors are named '%(name)s': pick one from the list.",
                         name=text))
    raise NotFound(_("No actor with id or name '%(id)s'. Type part of a name and "
                     "pick it from the list.", id=text))


def _row(H, targets, route, path, kinds, cost) -> dict:
    return {"targets": targets, "route": route,
            "target": path[-1] if path else None,
            "target_name": (H.nodes[path[-1]].get("name") or path[-1]) if path else None,
            "hops": len(path) - 1 if path else None,
            "cost": cost,
            "path": [{"id": v, "name": H.nodes[v].get("name") or v} for v in path],
            "kinds": kinds}


def _kinds(H, path) -> list:
    return [H.edges[a, b].get("kinds") for a, b in zip(path, path[1:])]


def _cost(H, path) -> float | None:
    if not path:
        return None
    return float(sum(H.edges[a, b].get("distance", 1.0) for a, b in zip(path, path[1:])))


def focus_routes(access: Access, actor: str, to: str, other: str | None = None) -> list[dict]:
    """The shortest and the most trusted route from ``actor`` to ``to``
    (a target set of :data:`FOCUS_TARGETS`, or ``"actor"`` and ``other``):
    one row each, ``path`` empty when nothing is reachable."""
    H = analyses.projection(access)

    def compute(G):
        if to == "actor":
            short = trusted_path(G, actor, other) or []
            trusted = influence.nearest(H, actor, lambda v, a: v == other,
                                        distance="distance")
            best = trusted.path if trusted is not None else []
            return [_row(H, "actor", "shortest", short, _kinds(H, short), _cost(H, short)),
                    _row(H, "actor", "most_trusted", best, _kinds(H, best), _cost(H, best))]
        table = influence.influence_paths(H, actor, [to])
        rows = []
        for r in table.to_dict("records"):
            path = r["path"].split(" > ") if isinstance(r["path"], str) and r["path"] else []
            rows.append(_row(H, to, r["route"], path, _kinds(H, path), _cost(H, path)))
        return rows

    return analyses.cached(access, "focus", compute, actor, to, other)


def apply_focus(data: dict, routes: list[dict], ends=()) -> None:
    """Mark the routes on a map's vis-network data: their actors and ties
    keep their colours and stand out (``route`` on each, a thick tie in the
    route's colour), every other actor and tie fades. The actors in
    ``ends`` (the focus and the second actor) stand out (``focus``) even
    when no route reaches them."""
    on_route: dict = {}
    ties: dict = {}
    for r in routes:
        ids = [p["id"] for p in r["path"]]
        for i, v in enumerate(ids):
            on_route.setdefault(v, []).append(r["route"])
            if i:
                ties.setdefault(frozenset((ids[i - 1], v)), r["route"])
    for n in data["nodes"]:
        if n["id"] in ends:
            n["focus"] = True
        if n["id"] in on_route:
            n["route"] = on_route[n["id"]]
            n["borderWidth"] = 3
        elif n["id"] in ends:
            n["borderWidth"] = 3
        else:
            n["faded"] = True
            n["color"] = {"background": FADED_NODE, "border": "rgba(150,150,150,0.4)"}
    drawn: set = set()
    for e in data["edges"]:
        pair = frozenset((e["from"], e["to"]))
        if pair in ties and pair not in drawn:
            drawn.add(pair)
            e.update(route=ties[pair], color=ROUTE_COLORS[ties[pair]], width=5,
                     dashes=ROUTE_DASHES[ties[pair]])
        else:
            e.update(faded=True, color=FADED_EDGE)
