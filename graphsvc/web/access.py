"""Who is asking, and what they may see.

Every data function takes an :class:`Access`, and views get it from
:func:`current_access` only, so a permission layer replaces that one
function (and the data functions' checks) without touching the views.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Access", "current_access"]


@dataclass(frozen=True)
class Access:
    """What the current request may see."""

    #: restricted actors and ties are shown (and counted) when True
    include_restricted: bool = True


def current_access() -> Access:
    """The access of the current request.

    There are no accounts yet: everyone who can reach the app sees
    everything, which is why ``graphsvc serve`` binds 127.0.0.1.
    """
    return Access(include_restricted=True)
