"""The ``graphsvc`` command.

Each family of commands lives in its own module and is registered below.
Domain errors become one-line messages that say what to do, and exit 1;
validation problems are listed one per line.
"""
from __future__ import annotations

import sqlite3
import sys

import click

from ..errors import GraphsvcError, ValidationFailed
from ..logs import configure_from_settings
from ..sqlite_file import store_error


class DomainErrorGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            for p in exc.problems:
                click.echo(f"  - {p}", err=True)
            raise click.ClickException(str(exc)) from None
        except GraphsvcError as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            # The stores and accounts already say this; a last net for any other file.
            raise click.ClickException(str(store_error("a SQLite file", exc))) from None


@click.group(cls=DomainErrorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphsvc")
def main():
    """graphsvc: who is tied to whom across the US-Mexico migration corridor.

    The graph lives in the embedded store (GRAPHSVC_DB, a SQLite file) unless
    GRAPHSVC_NEO4J_URI names a Neo4j server.
    """
    configure_from_settings()


def _register():
    from . import (
        convening,
        data,
        demo,
        edit,
        events,
        introductions,
        maintenance,
        metrics,
        serve,
        survey,
        time,
        users,
    )

    for module in (serve, demo, data, edit, events, metrics, introductions, convening, time,
                   survey, users, maintenance):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
