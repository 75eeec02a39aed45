"""The ``graphsvc`` command.

Each family of commands lives in its own module and is registered below.
Domain errors become one-line messages that say what to do, and exit 1;
validation problems are listed one per line, in the language of
``graphsvc --lang`` or of the locale (``LANG``; see :func:`.common.cli_lang`).
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
            words = _words()
            for p in exc.problems:
                click.echo(f"  - {words(p)}", err=True)
            raise click.ClickException(words(exc)) from None
        except GraphsvcError as exc:
            raise click.ClickException(_words()(exc)) from None
        except sqlite3.DatabaseError as exc:
            # The stores and accounts already say this; a last net for any other file.
            raise click.ClickException(str(store_error("a SQLite file", exc))) from None


def _words():
    """An error or problem as a line in the command line's language."""
    from .common import cli_lang

    lang = cli_lang()
    if lang == "en":
        return str
    from ..web.reports import problem_line

    return lambda p: problem_line(p, lang)


@click.group(cls=DomainErrorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphsvc")
@click.option("--lang", type=click.Choice(["en", "es"]), default=None,
              help="Language of problems, hints and reports (default: the locale, "
              "LANG; es... for Spanish, else English).")
@click.pass_context
def main(ctx, lang):
    """graphsvc: who is tied to whom across the US-Mexico migration corridor.

    The graph lives in the embedded store (GRAPHSVC_DB, a SQLite file) unless
    GRAPHSVC_NEO4J_URI names a Neo4j server.
    """
    ctx.meta["graphsvc.lang"] = lang
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
