"""Events and groups from the command line: ``graphsvc events`` and
``graphsvc groups``.

Records are added, changed and deleted through
:func:`~graphsvc.cli.principal.cli_graph_view`, so each change is in the
history and the audit log; attendance and membership lists are imported as
every import is: checked whole first, nothing written on a problem.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..model import EVENT_KINDS, GROUP_KINDS, Event, Group
from .common import get_service
from .data import _warn
from .edit import _common, _field_options, _model, _report, _revision, _values
from .principal import cli_graph_view

_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)

_EVENT_OPTIONS = [
    ("title", "The event's title."),
    ("kind", f"Event kind: {', '.join(EVENT_KINDS)}."),
    ("start", "First day (YYYY-MM-DD)."), ("end", "Last day, if not the first."),
    ("city", "City."), ("country", "ISO 3166 two-letter code."),
    ("issue_areas", "Issue areas, comma-separated."),
    ("languages", "Language codes, comma-separated (es, en...)."),
    ("provenance", "Where it comes from (workshop, facilitator_note...)."),
    ("source_ref", "Source reference."), ("visibility", "public or restricted."),
    ("note", "Note."),
]
_GROUP_OPTIONS = [
    ("title", "The group's title."),
    ("kind", f"Group kind: {', '.join(GROUP_KINDS)}."),
    ("issue_areas", "Issue areas, comma-separated."),
    ("languages", "Language codes, comma-separated."),
    ("provenance", "Where it comes from."), ("source_ref", "Source reference."),
    ("visibility", "public or restricted."), ("note", "Note."),
]


def _sheet_options(one: str):
    def wrap(f):
        f = click.option("-q", "--quiet", is_flag=True, help="No summary of warnings.")(f)
        f = click.option("--create-missing", is_flag=True,
                         help="Add names that match no actor as new organisations "
                         "(kind and country from the sheet's columns; kind cso and the "
                         "event's country by default).")(f)
        f = click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
                         help="With --skip-invalid: write the rejected rows, with a "
                         "'reasons' column, to this CSV file.")(f)
        f = click.option("--skip-invalid", is_flag=True,
                         help="Import the valid rows and reject the others, instead of "
                         "importing nothing when a row has a problem.")(f)
        return click.option(f"--{one}", "target", default=None,
                            help=f"The {one} every row belongs to (its id); without it "
                            f"the sheet needs a column naming each row's {one}.")(f)
    return wrap


def _run_sheet(kind: str, path: Path, target, skip_invalid, report, create_missing,
               quiet) -> None:
    if report and not skip_invalid:
        raise click.UsageError("--report needs --skip-invalid.")
    service = get_service(click.get_current_context())
    view = cli_graph_view()

    def write():
        if kind == "events":
            return service.import_attendance(path, event=target, skip_invalid=skip_invalid,
                                             report=report, create_missing=create_missing)
        return service.import_members(path, group=target, skip_invalid=skip_invalid,
                                      report=report, create_missing=create_missing)

    result = view.run_write("import", str(path), write, lambda r: {
        "records": sorted(r.listed), "actors_created": r.actors_created,
        "rejected": len(r.rejected), "change": r.change})
    if not quiet:
        _warn(result.warnings)
    if result.rejected and not report:
        for r in result.rejected:
            click.echo(f"rejected: {r.file}, row {r.row}: {r.reasons}", err=True)
    summary = result.summary()
    click.echo(f"Imported {path}. {summary[0].upper()}{summary[1:]}.")
    if result.rejected and report:
        click.echo(f"Rejected rows written to {report}.")


def _list(records, fmt: str, line) -> None:
    if fmt == "json":
        click.echo(json.dumps([r.to_record() for r in records], ensure_ascii=False, indent=1))
        return
    for r in records:
        click.echo(line(r))


# --- events -----------------------------------------------------------------------

@click.group("events")
def events():
    """Workshops, convenings, meetings and visits, and who took part."""


@events.command("add")
@click.option("--id", "event_id", required=True, help="The event's id (e.g. tijuana-2017).")
@_field_options(_EVENT_OPTIONS)
@_common
def events_add(event_id, from_json, reason, **options):
    """Add an event; participants come from --from-json (a 'participants'
    list of {actor, role}) or an attendance sheet (events import-attendance).

    \b
    Example:
      graphsvc events add --id tijuana-2017 --title "Taller binacional" \\
        --kind workshop --start 2017-05-10 --city Tijuana --country MX
    """
    data = _values(_EVENT_OPTIONS, options, from_json)
    data["id"] = event_id
    event = _model(Event, data)
    view = cli_graph_view()
    _report(view.edit(f"event:{event.id}", lambda s, i: s.create_record(event, i),
                      reason=reason), f"added event {event.id}")


@events.command("edit")
@click.argument("event_id")
@_field_options(_EVENT_OPTIONS)
@_common
@_revision
def events_edit(event_id, from_json, reason, revision, **options):
    """Change EVENT_ID's fields given (the others, participants included, are kept)."""
    view = cli_graph_view()
    current = view.get_event(event_id)
    event = _model(Event, {**current.to_record(), **_values(_EVENT_OPTIONS, options,
                                                            from_json), "id": event_id})
    _report(view.edit(f"event:{event_id}",
                      lambda s, i: s.update_record(event, i, revision), reason=reason),
            f"event {event_id}")


@events.command("delete")
@click.argument("event_id")
@click.option("--reason", default=None, help="Why (kept in the history).")
@_revision
def events_delete(event_id, reason, revision):
    """Delete EVENT_ID (graphsvc history revert brings it back)."""
    view = cli_graph_view()
    view.get_event(event_id)
    _report(view.edit(f"event:{event_id}",
                      lambda s, i: s.delete_record("event", event_id, i, revision),
                      reason=reason), f"deleted event {event_id}")


@events.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--public-only", is_flag=True, help="Only what a viewer may see.")
def events_list(fmt, public_only):
    """Every event by date, with its number of participants."""
    service = get_service(click.get_current_context())
    _list(service.records(not public_only)[0], fmt,
          lambda e: f"{e.start.isoformat()}  {e.id}  {e.kind}  {e.title}"
          f"{'  ' + e.city if e.city else ''}  ({len(e.participants)} participants)")


@events.command("export-two-mode")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--public-only", is_flag=True, help="Only what a viewer may see.")
@click.option("--as-of", default="all", show_default=True,
              help="Events and memberships of one day (YYYY-MM-DD), or all.")
def events_export_two_mode(output, public_only, as_of):
    """The two-mode network of actors, events and groups, for UCINET, R or Gephi.

    OUTPUT ending in .graphml: GraphML with a ``type`` attribute on every
    node (actor, event, group). Ending in .csv: the actor-by-event/group
    incidence matrix (1 when the actor took part or was a member).
    """
    from ..errors import GraphsvcError
    from ..ingest.export import write_two_mode_graphml
    from ..ingest.safe_write import write_csv_rows
    from ..queries.affiliation import incidence_rows

    suffix = output.suffix.lower()
    if suffix not in (".graphml", ".csv"):
        raise GraphsvcError(f"Cannot write '{output.name}': unknown file type.",
                            hint="End OUTPUT in .graphml or .csv.")
    service = get_service(click.get_current_context())
    B = service.two_mode(not public_only, as_of=as_of)
    if suffix == ".graphml":
        write_two_mode_graphml(B, output)
    else:
        write_csv_rows(output, incidence_rows(B))
    kinds = [d.get("type") for _, d in B.nodes(data=True)]
    click.echo(f"Wrote {output}: {kinds.count('actor')} actors, {kinds.count('event')} "
               f"events, {kinds.count('group')} groups, {B.number_of_edges()} ties to them.")


@events.command("import-attendance")
@click.argument("file", type=_FILE)
@_sheet_options("event")
def events_import_attendance(file, target, skip_invalid, report, create_missing, quiet):
    """Add the participants of a sign-in sheet (CSV or XLSX) to an event.

    Each row names an organisation (or a person, or an actor id), matched to
    an actor by id or by name, ignoring accents, case and legal suffixes
    (A.C., I.A.P., Inc.). Headers may be Spanish or English: nombre,
    organización, evento, fecha, rol. A name that matches no actor is listed
    with the closest existing actors, and nothing is written.

    \b
    Examples:
      graphsvc events import-attendance registro.xlsx --event tijuana-2017
      graphsvc events import-attendance asistencia.csv --skip-invalid --report rechazadas.csv
      graphsvc events import-attendance registro.csv --event tijuana-2017 --create-missing
    """
    _run_sheet("events", file, target, skip_invalid, report, create_missing, quiet)


# --- groups -----------------------------------------------------------------------

@click.group("groups")
def groups():
    """Working groups, coalitions, task forces and regional processes, and
    their members over time."""


@groups.command("add")
@click.option("--id", "group_id", required=True, help="The group's id.")
@_field_options(_GROUP_OPTIONS)
@_common
def groups_add(group_id, from_json, reason, **options):
    """Add a group; members come from --from-json (a 'members' list of
    {actor, role, since, until, visibility}) or a membership list
    (groups import-members)."""
    data = _values(_GROUP_OPTIONS, options, from_json)
    data["id"] = group_id
    group = _model(Group, data)
    view = cli_graph_view()
    _report(view.edit(f"group:{group.id}", lambda s, i: s.create_record(group, i),
                      reason=reason), f"added group {group.id}")


@groups.command("edit")
@click.argument("group_id")
@_field_options(_GROUP_OPTIONS)
@_common
@_revision
def groups_edit(group_id, from_json, reason, revision, **options):
    """Change GROUP_ID's fields given (the others, members included, are kept)."""
    view = cli_graph_view()
    current = view.get_group(group_id)
    group = _model(Group, {**current.to_record(), **_values(_GROUP_OPTIONS, options,
                                                            from_json), "id": group_id})
    _report(view.edit(f"group:{group_id}",
                      lambda s, i: s.update_record(group, i, revision), reason=reason),
            f"group {group_id}")


@groups.command("delete")
@click.argument("group_id")
@click.option("--reason", default=None, help="Why (kept in the history).")
@_revision
def groups_delete(group_id, reason, revision):
    """Delete GROUP_ID (graphsvc history revert brings it back)."""
    view = cli_graph_view()
    view.get_group(group_id)
    _report(view.edit(f"group:{group_id}",
                      lambda s, i: s.delete_record("group", group_id, i, revision),
                      reason=reason), f"deleted group {group_id}")


@groups.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--public-only", is_flag=True, help="Only what a viewer may see.")
def groups_list(fmt, public_only):
    """Every group, with its number of members."""
    service = get_service(click.get_current_context())
    _list(service.records(not public_only)[1], fmt,
          lambda g: f"{g.id}  {g.kind}  {g.title}  ({len(g.members)} members)")


@groups.command("import-members")
@click.argument("file", type=_FILE)
@_sheet_options("group")
def groups_import_members(file, target, skip_invalid, report, create_missing, quiet):
    """Add the members of a membership list (CSV or XLSX) to a group.

    Columns: who (organización, nombre or id), rol (coordinadora, miembro,
    observadora), desde, hasta, visibilidad; grupo when no --group is given.
    Names are matched as for attendance sheets; all or nothing.

    \b
    Example:
      graphsvc groups import-members miembros.xlsx --group gt-proteccion
    """
    _run_sheet("groups", file, target, skip_invalid, report, create_missing, quiet)


COMMANDS = [events, groups]
