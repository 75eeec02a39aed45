"""What every command shares: the service, opened lazily from configuration."""
from __future__ import annotations

import functools
import os

import click

from ..config import load_config
from ..model import LEVELS, POLICYMAKER_SIDES
from ..service import GraphService


def get_service(ctx: click.Context) -> GraphService:
    root = ctx.find_root()
    if not isinstance(root.obj, GraphService):
        root.obj = GraphService.from_config(load_config())
        root.call_on_close(root.obj.close)
    return root.obj


def cli_lang(explicit: str | None = None) -> str:
    """The language the command line speaks: ``explicit`` (a command's
    ``--lang``), else ``graphsvc --lang``, else the locale in ``LC_ALL``,
    ``LC_MESSAGES`` or ``LANG`` (``es...``: Spanish), else English."""
    if explicit:
        return explicit
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().meta.get("graphsvc.lang"):
        return ctx.find_root().meta["graphsvc.lang"]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def pass_service(f):
    """Decorator: pass the GraphService as the first argument."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(get_service(click.get_current_context()), *args, **kwargs)

    return wrapper


def policymaker_options(where: str):
    """``--policymakers`` (US, MX, other, all) and ``--level``."""
    def wrap(f):
        f = click.option("--level", type=click.Choice(list(LEVELS), case_sensitive=False),
                         help=f"{where}: only policymakers with this level of government "
                         "recorded.")(f)
        return click.option("--policymakers", type=click.Choice(list(POLICYMAKER_SIDES),
                                                                case_sensitive=False),
                            default="US", show_default=True,
                            help=f"{where}: whose policymakers: US, Mexican (MX), other "
                            "countries and international, or all.")(f)
    return wrap
