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

__all__ = ["Access", "current_access"]


@dataclass(frozen=True)
class Access:
    """What the current request may see: the principal's view of the graph."""

    view: GraphView
    #: The reader asked for fresh figures (``?fresh=1``): wait for analyses
    #: of the current version instead of being shown the previous ones.
    fresh: bool = False

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
    return Access(graph_view(), fresh=fresh)
