"""``graphsvc import`` and ``graphsvc export``: the graph in and out of files."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..model import PROVENANCES
from .common import get_service
from .principal import cli_graph_view
from .time import as_of_option, note_as_of

_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


@contextmanager
def _bars(quiet: bool):
    """A progress factory for the service: one tqdm bar per stage.

    Bars show only on a terminal (tqdm's ``disable=None``) and never with
    ``--quiet``; they go to stderr so stdout stays for results.
    """
    from tqdm import tqdm

    opened: list = []

    def start(desc: str, total: int):
        if opened:  # stages run one after another: one bar at a time
            opened.pop().close()
        bar = tqdm(total=total, desc=desc, unit="row", file=sys.stderr,
                   disable=True if quiet else None, leave=False)
        opened.append(bar)
        return bar.update

    try:
        yield start
    finally:
        for bar in opened:
            bar.close()


def _import_summary(result) -> dict:
    """What the audit log keeps of an import."""
    w = result.write
    return {"actors_created": w.actors_created, "actors_updated": w.actors_updated,
            "ties_created": w.ties_created, "ties_updated": w.ties_updated,
            "rejected": len(result.rejected), "introductions": result.introductions_added,
            "version": w.version}


def _warn(warnings) -> None:
    for w in warnings:
        click.echo(f"warning: {w}", err=True)


@click.command("import")
@click.option("--actors", type=_FILE, help="Actors file: .csv, .xlsx or .json (a list of "
              "records). Spanish or English column names.")
@click.option("--ties", type=_FILE, help="Ties file: .csv, .xlsx or .json. Its actors "
              "must be in --actors or already in the graph.")
@click.option("--json", "graph_json", type=_FILE,
              help="A full-graph JSON export (graphsvc export --format json).")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid rows and reject the others, instead of importing "
              "nothing when a row has a problem.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="With --skip-invalid: write the rejected rows, with a 'reasons' "
              "column, to this CSV file.")
@click.option("--provenance", default="import", show_default=True,
              type=click.Choice(list(PROVENANCES)),
              help="Provenance for rows that give none.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def import_(actors, ties, graph_json, skip_invalid, report, provenance, quiet):
    """Import actors and ties from files, or a full-graph JSON export.

    Every row is checked before anything is written: if any row has a
    problem, each is listed with its file, row and column, the command exits
    with status 1 and the graph is unchanged. Re-importing a file updates
    the same actors and ties (by id) and changes nothing if nothing changed.

    \b
    Examples:
      graphsvc import --actors examples/actors.csv --ties examples/ties.csv
      graphsvc import --ties ties.xlsx --skip-invalid --report rejected.csv
      graphsvc import --json graph.json
    """
    if graph_json and (actors or ties):
        raise click.UsageError("use --json alone, or --actors/--ties, not both.")
    if not (graph_json or actors or ties):
        raise click.UsageError("give --actors FILE, --ties FILE (or both), or --json FILE.")
    if report and not skip_invalid:
        raise click.UsageError("--report needs --skip-invalid.")
    service = get_service(click.get_current_context())
    files = [str(p) for p in (graph_json, actors, ties) if p]
    view = cli_graph_view()  # the importer writes; the log names this command

    with _bars(quiet) as progress:
        def write():
            if graph_json:
                return service.import_graph(graph_json, skip_invalid=skip_invalid,
                                            report=report, progress=progress)
            return service.import_files(actors, ties, skip_invalid=skip_invalid,
                                        report=report, default_provenance=provenance,
                                        progress=progress)

        result = view.run_write("import", ", ".join(files), write, _import_summary)
    _warn(result.warnings)
    if result.rejected and not report:
        for r in result.rejected:
            click.echo(f"rejected: {r.file}, row {r.row}: {r.reasons}", err=True)
    summary = result.summary()
    click.echo(f"Imported {', '.join(files)}. {summary[0].upper()}{summary[1:]}.")
    if result.rejected and report:
        click.echo(f"Rejected rows written to {report}.")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "graphml", "gexf"],
              case_sensitive=False),
              help="json: lossless (import --json reads it back); csv: actors.csv and "
              "ties.csv; graphml: R/igraph, Gephi; gexf: Gephi. Default: from the "
              "--output extension.")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="File to write; for csv, a directory (created if missing) that gets "
              "actors.csv and ties.csv.")
@click.option("--public-only", is_flag=True,
              help="Leave out restricted actors and ties (and ties touching a "
              "restricted actor).")
@click.option("--with-metrics", is_flag=True,
              help="Add every per-actor metric (docs/metrics.md) to the actors: node "
              "attributes in GraphML and GEXF (for Gephi), columns in actors.csv.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@as_of_option
def export(fmt, output, public_only, with_metrics, quiet, as_of):
    """Export the whole graph to a file.

    \b
    Examples:
      graphsvc export --format json --output graph.json
      graphsvc export --format csv --output graph-csv/
      graphsvc export --output graph.graphml
      graphsvc export --output graph.gexf --with-metrics
      graphsvc export --output history.gexf --all-time

    Ties in force today unless --as-of or --all-time says otherwise; every
    format keeps each tie's since and until, and GEXF marks them as start
    and end for Gephi's timeline.
    """
    if fmt is None:
        fmt = {".json": "json", ".graphml": "graphml", ".gexf": "gexf"}.get(
            output.suffix.lower())
        if fmt is None:
            raise click.UsageError(
                f"cannot tell the format from '{output}': give --format "
                "json, csv, graphml or gexf.")
    service = get_service(click.get_current_context())
    extra = metric_columns(service, public_only, as_of) if with_metrics else None
    run_export(service, fmt, output, public_only=public_only, quiet=quiet,
               extra_node_attrs=extra, as_of=as_of)
    cli_graph_view().audit_export(str(output), {"format": fmt,
                                                "restricted_included": not public_only,
                                                "with_metrics": with_metrics,
                                                "as_of": as_of})


def metric_columns(service, public_only: bool, as_of=None) -> dict:
    """Every per-actor metric as ``{column: {actor id: value}}``, computed on
    the same snapshot the export writes (cached per store version and day)."""
    from ..queries.metrics import node_attributes

    table = service.analysis("actor_metrics", include_restricted=not public_only,
                             as_of=as_of)
    columns: dict = {}
    for actor, values in node_attributes(table).items():
        for column, value in values.items():
            columns.setdefault(column, {})[actor] = value
    return columns


def run_export(service, fmt: str, output: Path, *, public_only: bool = False,
               quiet: bool = False, extra_node_attrs=None, as_of=None) -> None:
    """The body of ``export``; ``extra_node_attrs`` ({column: {actor id: value}})
    is where computed columns such as metrics join the actors' attributes."""
    with _bars(quiet) as progress:
        paths = service.export(fmt.lower(), output, include_restricted=not public_only,
                               extra_node_attrs=extra_node_attrs, progress=progress,
                               as_of=as_of)
    # cached: what was written
    G = service.snapshot(include_restricted=not public_only, as_of=as_of)
    note_as_of(G.graph.get("as_of", "all"))
    public = "public " if public_only else ""
    click.echo(f"Exported {G.number_of_nodes()} {public}actors, {G.number_of_edges()} "
               f"{public}ties to {', '.join(paths)}.")


COMMANDS = [import_, export]
