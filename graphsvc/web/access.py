"""Who is asking, and what they may see.

Every data function takes an :class:`Access`, and views get it from
:func:`current_access` only. An Access wraps the request's
:class:`~graphsvc.access.GraphView`, the one gate through which data leaves
the store: data functions read the graph through ``access.view`` and never
from the store, so every page, API answer, map and metric shows what the
principal may see and counts nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..access import GraphView
from ..queries.affiliation import LAYER

__all__ = ["Access", "current_access", "layers_arg", "LAYERS"]


@dataclass(frozen=True)
class Access:
    """What the current request may see: the principal's view of the graph."""

    view: GraphView
    #: The reader asked for fresh figures (``?fresh=1``): wait for analyses
    #: of the current version instead of being shown the previous ones.
    fresh: bool = False
    #: The tie kinds (layers) the request's analyses count (``?layers=``);
    #: empty: the default, the recorded kinds without ``co_participation``
    #: (see :func:`layers_arg`).
    layers: tuple[str, ...] = ()

    @property
    def layered(self) -> bool:
        """True when the request counts the co-participation layer."""
        return LAYER in self.layers

    @property
    def include_restricted(self) -> bool:
        """True when restricted actors and ties are shown (and counted)."""
        return self.view.restricted

    def can(self, permission: str) -> bool:
        return self.view.can(permission)


def current_access() -> Access:
    """The access of the current request, for the signed-in user, the API
    token's user or the public view (refused before any view runs when the
    request has none of these; see :mod:`graphsvc.web.permissions`)."""
    from flask import request

    from .security import graph_view

    fresh = request.args.get("fresh", "").strip().lower() in ("1", "true", "yes")
    return Access(graph_view(), fresh=fresh, layers=layers_arg(request.args))


#: The layers an analysis may count: the recorded tie kinds and the
#: co-participation layer (ties projected from shared events and groups).
LAYERS = ("formal", "informal", "funding", LAYER)


def layers_arg(args) -> tuple[str, ...]:
    """``?layers=`` (repeat or comma-separate; ``kinds`` is a synonym): the
    tie kinds the analyses count, in :data:`LAYERS` order; empty when not
    given (the default: the recorded kinds, the co-participation layer left
    out). An unknown value is a 400 naming the accepted ones."""
    from flask_babel import gettext as _

    from .errors import InvalidQuery

    raw = [v.strip().lower() for name in ("layers", "kinds") for value in args.getlist(name)
           for v in value.split(",") if v.strip()]
    bad = [v for v in raw if v not in LAYERS]
    if bad:
        raise InvalidQuery([{"field": "layers", "value": bad[0][:50],
                             "message": _("Use %(values)s, separated by commas.",
                                          values=", ".join(LAYERS))}])
    return tuple(k for k in LAYERS if k in raw)
