"""Editing the graph from the command line: ``graphsvc actors``, ``graphsvc
ties`` and ``graphsvc history``.

Each command acts through :func:`~graphsvc.cli.principal.cli_graph_view`,
so its change is in the history (who: ``cli:<login>``, path ``cli``, the
``--reason`` given) and in the audit log, like the web app's. Values are
checked by the model, as imports are; ``--revision`` (the revision read,
e.g. from ``graphsvc history``) refuses the change when someone else saved
first.
"""
from __future__ import annotations

import datetime as dt
import json

import click
from pydantic import ValidationError

from ..errors import ValidationFailed
from ..history import Change
from ..model import Actor, Tie, validation_problems
from ..snapshot import ALL_TIME
from ..stores.edits import MERGE_FIELDS
from .principal import cli_graph_view

_ACTOR_OPTIONS = [
    ("name", "The actor's name."), ("kind", "Actor kind (cso, shelter, funder, ...)."),
    ("country", "ISO 3166 two-letter code, or INT."), ("city", "City."),
    ("region", "Region or state."), ("issue_areas", "Issue areas, comma-separated."),
    ("populations", "Populations served, comma-separated."),
    ("phases", "Migration phases, comma-separated."),
    ("languages", "Language codes, comma-separated."),
    ("roles", "funder and/or policymaker, comma-separated."),
    ("description", "Description."), ("website", "http(s) address."),
    ("provenance", "Where it comes from (facilitator_note, survey, ...)."),
    ("source_ref", "Source reference."), ("visibility", "public or restricted."),
]
_TIE_OPTIONS = [
    ("kind", "formal, informal or funding."), ("subtype", "Subtype (mou, workshop, grant...)."),
    ("strength", "Strength, above 0 up to 1."), ("amount", "Funding amount."),
    ("currency", "ISO 4217 currency (USD, MXN...)."), ("year", "Funding year."),
    ("channel", "Upstream funder ids, comma-separated."),
    ("since", "Start date (YYYY-MM-DD)."), ("until", "End date (YYYY-MM-DD)."),
    ("provenance", "Where it comes from."), ("source_ref", "Source reference."),
    ("visibility", "public or restricted."), ("note", "Note."),
]
_LISTS = {"issue_areas", "populations", "phases", "languages", "roles", "channel"}


def _field_options(fields):
    def decorate(f):
        for name, text in reversed(fields):
            f = click.option(f"--{name.replace('_', '-')}", name, default=None,
                             help=text)(f)
        return f
    return decorate


def _common(f):
    f = click.option("--reason", default=None, help="Why (kept in the history).")(f)
    f = click.option("--from-json", "from_json", type=click.File(encoding="utf-8"),
                     default=None, help="Read the fields from a JSON object ('-' for "
                     "standard input); flags given override it.")(f)
    return f


def _revision(f):
    return click.option("--revision", type=int, default=None,
                        help="The revision you read: refuse the change if someone saved "
                        "since.")(f)


def _values(fields, options: dict, from_json) -> dict:
    data: dict = {}
    if from_json is not None:
        try:
            loaded = json.load(from_json)
        except ValueError as exc:
            raise click.ClickException(f"--from-json: not JSON ({exc})") from None
        if not isinstance(loaded, dict):
            raise click.ClickException("--from-json: give one JSON object")
        data.update(loaded)
    for name, _text in fields:
        value = options.get(name)
        if value is not None:
            data[name] = ([v.strip() for v in value.split(",") if v.strip()]
                          if name in _LISTS else value)
    data.pop("reason", None)
    return data


def _model(model, data: dict):
    try:
        return model(**data)
    except ValidationError as exc:
        raise ValidationFailed(validation_problems(exc), message="nothing was written.",
                               hint="Correct the values listed and run the command "
                               "again.") from None


def _report(change: Change | None, what: str) -> None:
    if change is None:
        click.echo(f"{what}: nothing changed")
        return
    revs = ", ".join(f"{i.record} {i.id} revision {i.revision}" for i in change.items[:5])
    more = f" and {len(change.items) - 5} more" if len(change.items) > 5 else ""
    click.echo(f"{what}: change {change.seq} ({change.action}; {revs}{more})")


# --- actors -----------------------------------------------------------------------

@click.group("actors")
def actors():
    """Add, change, delete and merge actors (each change is kept in the history)."""


@actors.command("add")
@click.option("--id", "actor_id", default=None, help="The id (default: made from the name).")
@_field_options(_ACTOR_OPTIONS)
@_common
def actors_add(actor_id, from_json, reason, **options):
    """Add an actor; warns about likely duplicates already in the graph."""
    from ..duplicates import DuplicateIndex
    from ..ingest.validate import slug

    data = _values(_ACTOR_OPTIONS, options, from_json)
    data.setdefault("provenance", "facilitator_note")
    data["id"] = actor_id or data.get("id") or slug(str(data.get("name") or "")) or "actor"
    actor = _model(Actor, data)
    view = cli_graph_view()
    for other, why in DuplicateIndex(view.find_actors()).matches(actor.name, actor.website,
                                                                 exclude=actor.id):
        click.echo(f"warning: may be the same as {other.id} ({other.name}): same {why}",
                   err=True)
    _report(view.edit(f"actor:{actor.id}", lambda s, i: s.create_actor(actor, i),
                      reason=reason), f"added {actor.id}")


@actors.command("edit")
@click.argument("actor_id")
@_field_options(_ACTOR_OPTIONS)
@_common
@_revision
def actors_edit(actor_id, from_json, reason, revision, **options):
    """Change ACTOR_ID's fields given (the others are kept)."""
    view = cli_graph_view()
    current = view.get_actor(actor_id)
    data = {**current.to_record(), **_values(_ACTOR_OPTIONS, options, from_json),
            "id": actor_id}
    actor = _model(Actor, data)
    _report(view.edit(f"actor:{actor_id}", lambda s, i: s.update_actor(actor, i, revision),
                      reason=reason), f"changed {actor_id}")


@actors.command("delete")
@click.argument("actor_id")
@click.option("--reason", default=None, help="Why (kept in the history).")
@_revision
@click.option("--yes", is_flag=True, help="Do not ask to confirm.")
def actors_delete(actor_id, reason, revision, yes):
    """Delete ACTOR_ID with every tie touching it (one change: `graphsvc history
    revert` restores them)."""
    view = cli_graph_view()
    view.get_actor(actor_id)
    n = len(view.ties(actor_id, as_of=ALL_TIME))  # a delete takes every tie
    if not yes:
        click.confirm(f"delete {actor_id} and its {n} tie{'s' if n != 1 else ''}?",
                      abort=True)
    _report(view.edit(f"actor:{actor_id}",
                      lambda s, i: s.delete_actor(actor_id, i, revision), reason=reason),
            f"deleted {actor_id} with {n} tie{'s' if n != 1 else ''}")


@actors.command("merge")
@click.argument("survivor")
@click.argument("duplicate")
@click.option("--take", multiple=True, type=click.Choice(MERGE_FIELDS),
              help="Keep the duplicate's value of this field (repeat).")
@click.option("--reason", default=None, help="Why (kept in the history).")
def actors_merge(survivor, duplicate, take, reason):
    """Merge DUPLICATE into SURVIVOR: ties move (identical ones collapse),
    introductions follow, DUPLICATE's id resolves to SURVIVOR; one change."""
    view = cli_graph_view()
    for x in (survivor, duplicate):
        view.get_actor(x)
    _report(view.edit(f"actor:{survivor}", lambda s, i: s.merge_actors(
        survivor, duplicate, i, take=dict.fromkeys(take, "merged")), reason=reason),
        f"merged {duplicate} into {survivor}")


# --- ties ---------------------------------------------------------------------------

@click.group("ties")
def ties():
    """Add, change, end and delete ties (each change is kept in the history)."""


def _evidence_option(f):
    return click.option("--evidence", multiple=True, help="Evidence address (http/https; "
                        "repeat). Replaces the tie's evidence.")(f)


@ties.command("add")
@click.option("--source", required=False, help="One end (the funder, for funding).")
@click.option("--target", required=False, help="The other end (the recipient).")
@click.option("--id", "tie_id", default=None, help="The id (default: from ends and kind).")
@_field_options(_TIE_OPTIONS)
@_evidence_option
@_common
def ties_add(source, target, tie_id, evidence, from_json, reason, **options):
    """Add a tie between two actors."""
    data = _values(_TIE_OPTIONS, options, from_json)
    for k, v in (("source", source), ("target", target), ("id", tie_id)):
        if v:
            data[k] = v
    if evidence:
        data["evidence"] = [{"url": u} for u in evidence]
    data.setdefault("provenance", "facilitator_note")
    tie = _model(Tie, data)
    view = cli_graph_view()
    for end in (tie.source, tie.target):
        view.get_actor(end)
    _report(view.edit(f"tie:{tie.id}", lambda s, i: s.create_tie(tie, i), reason=reason),
            f"added {tie.id}")


@ties.command("edit")
@click.argument("tie_id")
@_field_options(_TIE_OPTIONS)
@_evidence_option
@_common
@_revision
def ties_edit(tie_id, evidence, from_json, reason, revision, **options):
    """Change TIE_ID's fields given (the others, and its ends, are kept)."""
    view = cli_graph_view()
    current = view.get_tie(tie_id)
    data = {**current.to_record(), **_values(_TIE_OPTIONS, options, from_json)}
    data.update(id=current.id, source=current.source, target=current.target)
    if evidence:
        data["evidence"] = [{"url": u} for u in evidence]
    tie = _model(Tie, data)
    _report(view.edit(f"tie:{tie_id}", lambda s, i: s.update_tie(tie, i, revision),
                      reason=reason), f"changed {tie_id}")


@ties.command("end")
@click.argument("tie_id")
@click.option("--on", "on", default=None, help="The day it ended (YYYY-MM-DD; default "
              "today).")
@click.option("--reason", default=None, help="Why (kept in the history).")
@_revision
def ties_end(tie_id, on, reason, revision):
    """End TIE_ID: set its `until` date (the tie is kept)."""
    try:
        day = dt.date.fromisoformat(on) if on else dt.date.today()
    except ValueError:
        raise click.BadParameter(f"'{on}' is not a date (YYYY-MM-DD)",
                                 param_hint="--on") from None
    view = cli_graph_view()
    view.get_tie(tie_id)
    _report(view.edit(f"tie:{tie_id}", lambda s, i: s.end_tie(tie_id, day, i, revision),
                      reason=reason), f"ended {tie_id}")


@ties.command("delete")
@click.argument("tie_id")
@click.option("--reason", default=None, help="Why (kept in the history).")
@_revision
def ties_delete(tie_id, reason, revision):
    """Delete TIE_ID (one change, which `graphsvc history revert` undoes)."""
    view = cli_graph_view()
    view.get_tie(tie_id)
    _report(view.edit(f"tie:{tie_id}", lambda s, i: s.delete_tie(tie_id, i, revision),
                      reason=reason), f"deleted {tie_id}")


# --- history ---------------------------------------------------------------------------

@click.group("history")
def history():
    """Read the history of changes; revert a change or restore a revision."""


@history.command("show")
@click.option("--actor", default=None, help="Only changes to this actor and its ties.")
@click.option("--tie", default=None, help="Only changes to this tie.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every value).")
def history_show(actor, tie, limit, as_json):
    """Print the latest changes, newest first: who, when, how, why and what."""
    entries = cli_graph_view().history(actor_id=actor, tie_id=tie, limit=limit)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    for e in entries:
        why = f" - {e.reason}" if e.reason else ""
        click.echo(f"#{e.seq} {e.at} {e.who} ({e.path}) {e.action}{why}")
        for i in e.items:
            before, after = i.before or {}, i.after or {}
            changed = [k for k in dict.fromkeys([*before, *after])
                       if before.get(k) != after.get(k)]
            state = "new" if not before else "deleted" if not after else ", ".join(changed)
            click.echo(f"    {i.record} {i.id} revision {i.revision}: {state}")


@history.command("revert")
@click.argument("seq", type=int)
@click.option("--reason", default=None, help="Why (kept in the history).")
def history_revert(seq, reason):
    """Undo change SEQ: a deleted actor comes back with its ties, a merge is undone."""
    view = cli_graph_view()
    _report(view.edit(f"change:{seq}", lambda s, i: s.revert(seq, i), reason=reason),
            f"reverted change {seq}")


@history.command("restore")
@click.argument("record", type=click.Choice(["actor", "tie"]))
@click.argument("record_id")
@click.argument("revision", type=int)
@click.option("--reason", default=None, help="Why (kept in the history).")
def history_restore(record, record_id, revision, reason):
    """Give RECORD RECORD_ID the values it had at REVISION (a new change)."""
    view = cli_graph_view()
    _report(view.edit(f"{record}:{record_id}", lambda s, i: s.revert_record(
        record, record_id, revision, i), reason=reason),
        f"restored {record} {record_id} to revision {revision}")


COMMANDS = [actors, ties, history]
