"""Who a command acts as, and the audited view of the graph commands write through.

Whoever runs ``graphsvc`` can open the store and accounts files anyway, so
commands act with every permission; the audit log names them
``cli:<login name>``. Commands that import, edit or delete should write
through :func:`cli_graph_view` so every write is audited like the web app's.
"""
from __future__ import annotations

import getpass

import click

from ..access import GraphView
from ..auth import Accounts
from ..auth.roles import Principal
from ..config import load_config
from .common import get_service

__all__ = ["cli_actor", "cli_principal", "get_accounts", "cli_graph_view"]


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name (some containers): still say it was the console
        return "cli:unknown"


def cli_principal() -> Principal:
    return Principal(cli_actor(), "admin", None, "cli")


def get_accounts(ctx: click.Context) -> Accounts:
    """The accounts database named by the configuration, opened once per command."""
    root = ctx.find_root()
    accounts = root.meta.get("graphsvc.accounts")
    if accounts is None:
        accounts = Accounts.from_config(load_config())
        root.meta["graphsvc.accounts"] = accounts
        root.call_on_close(accounts.close)
    return accounts


def cli_graph_view(ctx: click.Context | None = None) -> GraphView:
    """The whole graph, with writes and restricted reads audited as this command."""
    ctx = ctx or click.get_current_context()
    return GraphView(get_service(ctx), cli_principal(), get_accounts(ctx))
