"""What the app holds between requests, set once by ``create_app``.

The service (the store and its one versioned cache), the accounts file and
where vis-network's files are. Views and data functions reach them through
the getters here, never through ``current_app.extensions`` or the package
that builds the app.
"""
from __future__ import annotations

from pathlib import Path

import pyvis
from flask import Flask, current_app

from ..auth.accounts import Accounts
from ..service import GraphService

__all__ = ["VIS_DIR", "init_app", "get_service", "get_accounts"]

#: vis-network as shipped inside the pyvis package: served by the app itself,
#: so maps work with no internet connection.
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"

_SERVICE = "graphsvc"
_ACCOUNTS = "graphsvc.accounts"


def init_app(app: Flask, service: GraphService | None = None,
             accounts: Accounts | None = None) -> None:
    """Keep ``service`` and/or ``accounts`` on ``app``."""
    if service is not None:
        app.extensions[_SERVICE] = service
    if accounts is not None:
        app.extensions[_ACCOUNTS] = accounts


def get_service() -> GraphService:
    """The request's app's service."""
    return current_app.extensions[_SERVICE]


def get_accounts() -> Accounts:
    """The request's app's accounts and audit log."""
    return current_app.extensions[_ACCOUNTS]
