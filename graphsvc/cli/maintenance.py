"""``graphsvc check`` and ``graphsvc backup``: is the store sound, and a copy of it.

``check`` runs SQLite's integrity check over the graph file and the accounts
file (for Neo4j: that the server answers and its data can be read; its full
consistency check runs offline with ``neo4j-admin``) and says what to do
about a damaged file. ``backup`` copies both SQLite files with SQLite's
online backup API, consistent even while the web app keeps writing.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import click

from ..config import default_accounts_path
from ..errors import GraphsvcError
from ..ingest.safe_write import atomic_path
from ..sqlite_file import BACKUP_HINT, store_error
from .common import get_service
from .principal import get_accounts


def _report(what: str, path, run_check) -> bool:
    try:
        problems = run_check()
    except sqlite3.DatabaseError as exc:
        problems = [str(store_error(path, exc))]
    if not problems:
        click.echo(f"{what} {path}: ok")
        return True
    click.echo(f"{what} {path}: DAMAGED, {len(problems)} problem(s), first: {problems[0]}")
    return False


@click.command()
@click.option("--quick", is_flag=True,
              help="SQLite's quick check (skips comparing indexes with their tables).")
def check(quick):
    """Check that the graph store and the accounts file are sound.

    Exits 1 when either is damaged, saying how to restore it.
    """
    ctx = click.get_current_context()
    store = get_service(ctx).store
    ok = True
    if store.name == "sqlite":
        ok &= _report("graph store", getattr(store, "path", "?"), lambda: store.check(quick))
    else:
        store.check(quick)
        click.echo(f"graph store ({store.name}): answers and its data can be read. Its full "
                   "consistency check runs on a stopped database: neo4j-admin database "
                   "check (docs/neo4j.md).")
    accounts = get_accounts(ctx)
    ok &= _report("accounts file", accounts.path, lambda: accounts.db.check(quick))
    if not ok:
        raise GraphsvcError("the check found a damaged file.", hint=BACKUP_HINT)


@click.command()
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def backup(output, force):
    """Copy the SQLite graph store to OUTPUT, and its accounts file beside it.

    The accounts copy is named like OUTPUT with '.accounts.db' (graph.db ->
    graph.accounts.db), as graphsvc names them, so pointing GRAPHSVC_DB at the
    copy (or copying both back) restores both. Uses SQLite's online backup,
    so the copy is consistent even while the web app writes.
    """
    ctx = click.get_current_context()
    store = get_service(ctx).store
    if store.name != "sqlite":
        raise GraphsvcError(f"backup copies the SQLite store; this one is {store.name}.",
                            hint="Back up Neo4j with neo4j-admin database dump "
                            "(docs/neo4j.md), or keep a graphsvc export --format json.")
    targets: list[tuple[Any, Path]] = [
        (store, Path(output)), (get_accounts(ctx).db, Path(default_accounts_path(output)))]
    for source, path in targets:
        problems = source.check(quick=True)
        if problems:
            # Never replace a good backup with a copy of a damaged file.
            raise GraphsvcError(f"{source.path} is damaged ({problems[0]}); no backup was "
                                "written.", hint=BACKUP_HINT)
        if path.exists() and not force:
            raise GraphsvcError(f"{path} exists.", hint="Choose another name or add --force.")
    for source, path in targets:
        try:
            with atomic_path(path) as tmp:
                source.backup(tmp)
        except sqlite3.DatabaseError as exc:
            raise store_error(path, exc) from None
        except OSError as exc:
            raise GraphsvcError(f"cannot write {path}: {exc.strerror or exc}.",
                                hint="Check that the folder exists and is writable.") from None
    click.echo(f"backed up the graph store to {targets[0][1]} and the accounts file to "
               f"{targets[1][1]}; restore: docs/deployment.md, Backups")


COMMANDS = [check, backup]
