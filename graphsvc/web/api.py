"""The JSON API under ``/api/v1``: the pages' data functions, as JSON.

Each view carries its OpenAPI operation (``@operation``), which
:mod:`graphsvc.web.openapi` collects into ``/api/v1/openapi.json``.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..ingest.bounded import loads_json
from ..ingest.export import EXPORT_FORMATS
from ..model import ACTOR_KINDS, INTRODUCTION_STATUSES, LEVELS, POLICYMAKER_SIDES
from ..queries.introductions import GOALS, MODES
from . import data
from .access import current_access
from .errors import InvalidQuery
from .introductions import (
    MAX_CONVENING,
    MAX_PLAN,
    MAX_SUGGESTIONS,
    convening_from_args,
    plan_from_args,
    record,
    suggest_query,
    suggestions,
)
from .openapi import (
    _q,
    actor_params,
    brokerage_params,
    layers_params,
    map_params,
    metrics_params,
    operation,
    page_params,
    spec_for,
    tie_params,
)
from .params import actor_query, brokerage_query, map_query, metrics_query, tie_query
from .state import get_service
from .transfer import (
    export_download,
    import_upload,
    report_dir,
    send_download,
    sheet_upload,
    skip_invalid_requested,
)

bp = Blueprint("api", __name__)


@bp.get("/")
@operation("Index of the API", "Links to every collection.", tag="meta")
def index():
    return jsonify({
        "openapi": url_for(".openapi"),
        "dashboard": url_for(".dashboard"),
        "actors": url_for(".actors"),
        "ties": url_for(".ties"),
        "map": url_for(".influence_map"),
        "metrics": url_for(".metrics"),
        "metrics_csv": url_for(".metrics_csv"),
        "brokerage": url_for(".brokerage"),
        "communities": url_for(".communities"),
        "indicators": url_for(".indicators"),
        "changes": url_for(".changes"),
        "trends": url_for(".trends"),
        "monitoring": url_for(".monitoring"),
        "events": url_for(".events"),
    })


@bp.get("/dashboard")
@operation("Dashboard", "Counts by actor kind, country and tie kind, indicators, "
           "top brokers and communities.", params=layers_params, schema="Dashboard")
def dashboard():
    return jsonify(data.dashboard(get_service(), current_access()))


@bp.get("/actors")
@operation("Actors", "Actors matching the filters, by name, one page at a time.",
           params=actor_params + page_params, schema="ActorPage")
def actors():
    return jsonify(data.actors(get_service(), current_access(), actor_query(request.args)))


@bp.get("/actors/<actor_id>")
@operation("One actor", "Attributes, number of ties, and ties grouped by kind "
           "with the actor at the other end.", path_params=["actor_id"],
           schema="ActorProfile", not_found=True)
def actor(actor_id):
    page = data.actor(get_service(), current_access(), actor_id)
    revision = current_access().view.revision("actor", actor_id)
    return _with_etag({**page, "revision": revision}, revision)


@bp.get("/actors/<actor_id>/ties")
@operation("Ties of one actor", "The actor's ties, one page at a time.",
           params=tie_params[1:] + page_params, path_params=["actor_id"],
           schema="TiePage", not_found=True)
def actor_ties(actor_id):
    args = request.args.copy()
    args.setlist("actor", [actor_id])
    return jsonify(data.ties(get_service(), current_access(), tie_query(args)))


@bp.get("/ties")
@operation("Ties", "Ties, optionally of one actor and of some kinds.",
           params=tie_params + page_params, schema="TiePage", not_found=True)
def ties():
    return jsonify(data.ties(get_service(), current_access(), tie_query(request.args)))


@bp.get("/map")
@operation("Map data", "Nodes, edges and options as vis-network draws them, "
           "with positions computed on the server.", params=map_params + layers_params,
           schema="MapData", not_found=True)
def influence_map():
    return jsonify(data.map_data(get_service(), current_access(), map_query(request.args),
                                 current_app.config["MAP_MAX_NODES"]))


@bp.get("/metrics")
@operation("Metrics", "Every per-actor metric (graphsvc.queries.metrics.actor_metrics) "
           "with the actor's attributes, one page at a time; `columns` defines each "
           "column. Computed on the graph the caller may see.",
           params=metrics_params + layers_params + page_params, schema="MetricsPage")
def metrics():
    from ..queries.metrics import COLUMNS

    query = metrics_query(request.args, COLUMNS)
    return jsonify(data.metrics_page(get_service(), current_access(), query))


@bp.get("/metrics.csv")
@operation("Metrics as CSV", "The whole per-actor table: `id` then the documented "
           "columns (the names `graphsvc metrics` writes).", params=layers_params,
           tag="graph")
def metrics_csv():
    access = current_access()
    text = data.metrics_csv(get_service(), access)
    access.view.audit_download("metrics.csv")
    return text, 200, {"Content-Type": "text/csv; charset=utf-8",
                       "Content-Disposition": 'attachment; filename="metrics.csv"'}


@bp.get("/brokerage")
@operation("Brokerage", "Gould-Fernandez brokerage roles of every actor (counting "
           "rule of R's sna::brokerage), actors grouped by `group_by`; most "
           "brokering first.", params=brokerage_params + page_params, schema="BrokeragePage")
def brokerage():
    return jsonify(data.brokerage(get_service(), current_access(),
                                  brokerage_query(request.args)))


@bp.get("/communities")
@operation("Communities", "Seeded Louvain communities, their count and modularity, "
           "and the silo view: each community's mix of countries, kinds and issue "
           "areas.", schema="Communities")
def communities():
    return jsonify(data.communities(get_service(), current_access()))


@bp.get("/indicators")
@operation("Cross-border indicators", "Each indicator with its value, numerator, "
           "denominator, definition and the survey's figure beside it.",
           params=layers_params, schema="Indicators")
def indicators():
    return jsonify(data.indicators(get_service(), current_access()))


# --- time ------------------------------------------------------------------------

_changes_params = [
    _q("from", "The earlier day, YYYY-MM-DD (default: 1 January five years before `to`).",
       {"type": "string", "format": "date"}),
    _q("to", "The later day, YYYY-MM-DD (default: today).",
       {"type": "string", "format": "date"}),
]
_period_param = [_q("period", "One point per year or quarter (default: chosen by the "
                    "data's span).", {"type": "string", "enum": ["year", "quarter"]})]
_monitoring_params = [
    _q("from", "First day of the period (default: a year before `to`).",
       {"type": "string", "format": "date"}),
    _q("to", "Last day of the period (default: today).",
       {"type": "string", "format": "date"}),
    _q("months", "Months after a made introduction at which a tie must be in force "
       "(default: the FUNNEL_MONTHS setting).",
       {"type": "integer", "minimum": 1, "maximum": 12}),
]


@bp.get("/events")
@operation("Events and groups", "Events that had started by the as-of day, newest "
           "first, by year (with their number of participants), and every group with its "
           "number of members in force that day. Restricted events and groups are left "
           "out for readers who may not see restricted records.", schema="EventList",
           tag="events")
def events():
    from . import events as E

    return jsonify(E.events_list(current_access()))


@bp.get("/events/<event_id>")
@operation("One event", "An event's fields, its participants with their roles, and "
           "the ties among them: the pairs tied before the event, after it, and the pairs "
           "who met for the first time (a tie that began on or after its first day and "
           "none before).", path_params=["event_id"], schema="EventDetail", tag="events")
def event(event_id):
    from . import events as E

    return jsonify(E.event_detail(current_access(), event_id))


@bp.get("/events/<event_id>/map")
@operation("An event's map", "The event's participants and the ties among them, "
           "`before` the event (ties that began before its first day, or undated) and "
           "`after` it (those and the ties that began since), each as the map data "
           "vis-network draws, at the same positions.", path_params=["event_id"],
           schema="EventMaps", tag="events")
def event_map(event_id):
    from . import events as E

    return jsonify(E.event_maps(current_access(), event_id))


@bp.get("/groups/<group_id>")
@operation("One group", "A group's fields and its members over time: each membership "
           "with its role, since and until, whether it is in force on the as-of day, and "
           "the number of members in force at the end of each year.",
           path_params=["group_id"], schema="GroupDetail", tag="events")
def group(group_id):
    from . import events as E

    return jsonify(E.group_detail(current_access(), group_id))


@bp.get("/changes")
@operation("What changed between two days", "Ties begun (since in (from, to]) and "
           "ended (until in [from, to)), actors who joined or left, each indicator on "
           "both days with the difference, the actors whose betweenness, brokerage or "
           "constraint moved most, communities merged or split (matched by overlap), "
           "and the introductions recorded in between with whether each became a tie.",
           params=_changes_params, schema="Changes", tag="time")
def changes():
    from . import time as T

    return jsonify(T.changes(current_access(), T.changes_query(request.args)))


@bp.get("/trends")
@operation("Indicator trends", "Each indicator (the survey's shares, density, "
           "components, the E-I index...) at the end of each year or quarter since the "
           "earliest date in the graph, and today; the survey's 2021 figure beside "
           "each.", params=_period_param, schema="Trends", tag="time")
def trends():
    from . import time as T

    return jsonify(T.trends(current_access(), T.period_arg(request.args)))


@bp.get("/trends.csv")
@operation("Indicator trends as CSV", "One row per day, one column per indicator.",
           params=_period_param, tag="time")
def trends_csv():
    from . import time as T

    access = current_access()
    report = T.trends(access, T.period_arg(request.args))
    access.view.audit_download("trends.csv", {"period": report["period"]})
    return T.trends_csv(report), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="trends-{report["as_of"]}.csv"'}


@bp.get("/monitoring")
@operation("Introductions funnel", "The introductions recorded in the period as a "
           "funnel: proposed, made, a tie between the pair in force `months` months "
           "later, still in force a year after the introduction; each stage too recent "
           "to tell is counted apart. With one row per pair.",
           params=_monitoring_params, schema="Funnel", tag="time")
def monitoring():
    from . import time as T

    query = T.monitoring_query(request.args, current_app.config.get("FUNNEL_MONTHS", 6))
    return jsonify(T.monitoring(current_access(), query))


@bp.get("/openapi.json")
@operation("OpenAPI document", "This API described in OpenAPI 3.1.", tag="meta")
def openapi():
    return jsonify(spec_for(current_app))


# --- introductions ------------------------------------------------------------

def _policymaker_params(where: str) -> list:
    return [
        _q("policymakers", f"{where}: whose policymakers: US, Mexican (MX), other "
           "countries and international, or all.",
           {"type": "string", "enum": list(POLICYMAKER_SIDES), "default": "US"}),
        _q("level", f"{where}: only policymakers with this level of government "
           "recorded.", {"type": "string", "enum": list(LEVELS)}),
    ]


_suggest_params = [
    _q("mode", "Who to suggest; by default chosen by the actor's kind: peer for "
       "civil society and networks, open for everyone else.",
       {"type": "string", "enum": list(MODES)}),
    _q("limit", f"How many (1-{MAX_SUGGESTIONS}).",
       {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS, "default": 10}),
    _q("kind", "Only candidates of this kind.",
       {"type": "string", "enum": sorted(ACTOR_KINDS)}),
    _q("country", "Only candidates in this country (ISO code or INT)."),
    _q("city", "Only candidates in this city."),
    _q("issue_area", "Only candidates working on this issue area."),
    *_policymaker_params("mode=policymaker"),
]
_plan_params = [
    _q("k", f"How many introductions (1-{MAX_PLAN}).",
       {"type": "integer", "minimum": 1, "maximum": MAX_PLAN, "default": 10}),
    _q("goal", "The indicator to move; by default the first of two-step reach, "
       "direct-tie reach and community bridges whose plan finds all k introductions on "
       "the data loaded (else the one improving most).",
       {"type": "string", "enum": list(GOALS)}),
    _q("hops", "policymaker_reach: steps from a policymaker that count as reached "
       "(2 when a goal is given; else chosen with the goal).",
       {"type": "integer", "minimum": 1, "maximum": 3}),
    *_policymaker_params("goal=policymaker_reach"),
]
_convening_params = [
    _q("size", f"How many to invite (2-{MAX_CONVENING}).",
       {"type": "integer", "minimum": 2, "maximum": MAX_CONVENING, "default": 20}),
    _q("issue_area", "Only actors working on this issue area."),
    _q("city", "Only actors in this city or its counterpart across the border."),
    _q("languages", "The meeting's working languages (ISO 639 codes, comma-separated); "
       "actors working in none of them are left out (no language recorded: kept)."),
    _q("must", "Actor ids to invite whatever the filters (comma-separated or repeated)."),
    _q("exclude", "Actor ids never to invite (comma-separated or repeated)."),
]
_RECORD_BODY = {"required": True, "content": {
    media: {"schema": {"type": "object", "required": ["from", "to", "status"],
                       "properties": {
                           "from": {"type": "string"}, "to": {"type": "string"},
                           "via": {"type": "string"},
                           "status": {"type": "string",
                                      "enum": list(INTRODUCTION_STATUSES)},
                           "note": {"type": "string"}}}}
    for media in ("application/json", "application/x-www-form-urlencoded")}}


@bp.get("/actors/<actor_id>/introductions")
@operation("Suggested introductions", "Ranked candidates the actor has no tie with, "
           "each with its score, reasons (code, points, text in the request's "
           "language) and best broker.", params=_suggest_params,
           path_params=["actor_id"], schema="IntroductionReport", tag="introductions")
def actor_introductions(actor_id):
    return jsonify(suggestions(get_service(), current_access(), actor_id,
                               suggest_query(request.args)))


@bp.get("/introductions/plan")
@operation("Introductions plan", "K introductions chosen greedily to move a "
           "cross-border indicator, each with its broker, and the indicator before "
           "and after.", params=_plan_params, schema="IntroductionReport",
           tag="introductions")
def introductions_plan():
    return jsonify(plan_from_args(request.args))


@bp.get("/convening/plan")
@operation("Convening plan", "An invitation list of `size` actors chosen greedily to "
           "maximise the value of the first meetings it makes possible (introduction "
           "scores, cross-border and cross-sector pairs weighted up), keeping a broker "
           "for every language gap and community present; each invitee with its reasons "
           "(text in the request's language) and the pairs expected to meet.",
           params=_convening_params, schema="ConveningReport", tag="introductions")
def convening_plan():
    return jsonify(convening_from_args(request.args))


_KEEP_BODY = {"required": False, "content": {
    media: {"schema": {"type": "object", "properties": {
        "size": {"type": "integer", "minimum": 2}, "issue_area": {"type": "string"},
        "city": {"type": "string"},
        "languages": {"type": "string", "description": "Codes, comma-separated."},
        "must": {"type": "string", "description": "Ids, comma-separated."},
        "exclude": {"type": "string", "description": "Ids, comma-separated."}}}}
    for media in ("application/json", "application/x-www-form-urlencoded")}}


@bp.post("/events/<event_id>/plan")
@operation("Keep a convening plan for an event", "Plan a convening with the choices "
           "given (those of `GET /convening/plan`, computed on the graph the caller may "
           "see) and keep its invitation list and every pair it expects to meet with the "
           "event, replacing a list kept before (an edit, in the history). Once the "
           "attendance is recorded, `GET /events/{event_id}` compares them (`plan`).",
           path_params=["event_id"], schema="KeptPlan", body=_KEEP_BODY,
           extra_responses=("400", "404", "422"), tag="events")
def event_plan_keep(event_id):
    from .introductions import keep_convening

    body = {k: ",".join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)
            for k, v in _body().items()}
    return jsonify(keep_convening(get_service(), current_access(), event_id,
                                  MultiDict(body), "api"))


@bp.post("/introductions")
@operation("Record an introduction", "Record an introduction's outcome; a `made` one "
           "becomes a restricted informal tie, a `declined` one is never suggested "
           "again.", schema="Introduction", body=_RECORD_BODY,
           extra_responses=("400", "404", "422"), tag="introductions", ok_status="201")
def record_introduction():
    body = {k: "" if v is None else str(v) for k, v in _body().items()}
    return jsonify(record(get_service(), current_access(), body)), 201


# --- import and export ----------------------------------------------------------

_UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {
        "actors": {"type": "string", "format": "binary",
                   "description": "Actors file (.csv, .xlsx or .json records)."},
        "ties": {"type": "string", "format": "binary", "description": "Ties file."},
        "graph": {"type": "string", "format": "binary", "description": "A full-graph "
                  "JSON export (instead of actors and ties files)."},
        "skip_invalid": {"type": "boolean", "description": "Write the valid rows and "
                         "return the rejected ones (with a CSV link) instead of "
                         "refusing the whole import."}}}}}}


@bp.post("/import")
@operation("Import files", "Upload an actors file and/or a ties file. Every row is "
           "checked before anything is written: any problem answers 422 with one "
           "entry per problem (file, row, column, message, hint) and the graph "
           "unchanged, unless `skip_invalid`. Uploads over MAX_CONTENT_LENGTH "
           "answer 413.", schema="ImportResult", body=_UPLOAD_BODY,
           extra_responses=("400", "413", "422"), tag="transfer")
def import_files():
    access = current_access()
    result = import_upload(get_service(), access, request.files,
                           skip_invalid=skip_invalid_requested(), reports=report_dir(access))
    token = result.pop("rejected_token")
    result["rejected_csv"] = url_for("pages.rejected_csv", token=token) if token else None
    return jsonify(result)


_SHEET_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {
        "sheet": {"type": "string", "format": "binary",
                  "description": "The sign-in sheet or membership list (.csv or .xlsx), "
                  "Spanish or English headers."},
        "skip_invalid": {"type": "boolean", "description": "Write the valid rows and "
                         "return the rejected ones instead of refusing the whole sheet."},
        "create_missing": {"type": "boolean", "description": "Add names that match no "
                           "actor as new organisations (restricted)."}}}}}}


def _sheet(what: str, target: str):
    access = current_access()
    flag = request.form.get("create_missing", "").strip().lower()
    result = sheet_upload(get_service(), access, what, target, request.files,
                          skip_invalid=skip_invalid_requested(),
                          create_missing=flag in ("1", "true", "yes", "on"),
                          reports=report_dir(access))
    token = result.pop("rejected_token")
    result["rejected_csv"] = url_for("pages.rejected_csv", token=token) if token else None
    return jsonify(result)


@bp.post("/events/<event_id>/attendance")
@operation("Import an attendance sheet", "Add the participants of a sign-in sheet to "
           "the event, each row matched to an actor by id or by name (accents, case and "
           "legal suffixes ignored). Every row is checked first: a name matching no actor, "
           "or any other problem, answers 422 with one entry per problem (file, row, "
           "column, message, and a hint naming the closest actors) and nothing written, "
           "unless `skip_invalid`.", path_params=["event_id"], body=_SHEET_BODY,
           extra_responses=("400", "413", "422"), tag="events")
def event_attendance(event_id):
    return _sheet("events", event_id)


@bp.post("/groups/<group_id>/members")
@operation("Import a membership list", "Add the members of a list (role, since, until, "
           "visibility) to the group; matched and checked like an attendance sheet.",
           path_params=["group_id"], body=_SHEET_BODY,
           extra_responses=("400", "413", "422"), tag="events")
def group_members(group_id):
    return _sheet("groups", group_id)


@bp.get("/export/<fmt>")
@operation("Export the graph", "The whole graph as a file: `json` (lossless, "
           "re-importable), `csv` (a zip of actors.csv and ties.csv), `graphml` or "
           "`gexf`. Formats: " + ", ".join(f"`{f}` ({d})" for f, d in
                                            EXPORT_FORMATS.items()) + ".",
           path_params=["fmt"], extra_responses=("400",), tag="transfer")
def export_graph(fmt):
    return send_download(export_download(get_service(), current_access(), fmt))


# --- editing (graphsvc.web.edit) ----------------------------------------------------

def _body() -> dict:
    """The request's JSON object (or form fields), read like every JSON we
    read: bounded, so 200,000 nested brackets are a 413, not a 500."""
    if not request.is_json:
        return request.form.to_dict()
    try:
        body = loads_json(request.get_data(), "the request body", get_service().read_limits)
    except ValueError:  # not JSON, or not UTF-8
        body = None
    if not isinstance(body, dict):
        raise InvalidQuery([{"field": "body", "value": None,
                             "message": _("Send a JSON object.")}])
    return body


def _expect(body: dict) -> int | None:
    """The revision an edit starts from: If-Match, else the body's ``revision``."""
    from .edit import parse_revision

    return parse_revision(request.headers.get("If-Match") or body.get("revision"))


def _reason(body: dict) -> str | None:
    return (str(body.get("reason") or "").strip() or None)


def _with_etag(payload: dict, revision: int, status: int = 200):
    response = jsonify(payload)
    response.status_code = status
    response.headers["ETag"] = f'"{revision}"'
    return response


def _change(change) -> dict | None:
    return change.to_dict() if change is not None else None


def _actor_answer(actor_id: str, change=None, status: int = 200, extra=None):
    access = current_access()
    record = access.view.get_actor(actor_id).to_record()
    revision = access.view.revision("actor", actor_id)
    return _with_etag({"actor": record, "revision": revision, "change": _change(change),
                       **(extra or {})}, revision, status)


def _tie_answer(tid: str, change=None, status: int = 200):
    access = current_access()
    record = access.view.get_tie(tid).to_record()
    revision = access.view.revision("tie", tid)
    return _with_etag({"tie": record, "revision": revision, "change": _change(change)},
                      revision, status)


_EDIT_ERRORS = ("400", "404", "409", "422")
_REASON = {"reason": {"type": "string", "description": "Why (kept in the history)."}}


def _json_body(ref: str, description: str, extra: dict | None = None) -> dict:
    return {"required": True, "description": description, "content": {
        "application/json": {"schema": {"allOf": [
            {"$ref": f"#/components/schemas/{ref}"},
            {"type": "object", "properties": {**_REASON, **(extra or {})}}]}}}}


_IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
             "description": "The ETag (revision) the change starts from; a stale one "
             "answers 409 conflict and writes nothing.", "schema": {"type": "string"}}


@bp.get("/ties/<tie_id>/history")
@operation("History of one tie", "Every change to the tie, newest first, as the caller "
           "may see it.", path_params=["tie_id"], schema="History", tag="history")
def tie_history(tie_id):
    from .edit import history

    return jsonify(history(current_access(), tie_id=tie_id))


@bp.get("/ties/<tie_id>")
@operation("One tie", "The tie's values, its revision (also the ETag).",
           path_params=["tie_id"], schema="TieAnswer", tag="edit")
def tie(tie_id):
    return _tie_answer(tie_id)


@bp.post("/actors")
@operation("Add an actor", "Creates an actor (the id is made from the name when not "
           "given). `duplicates` lists actors that are likely the same (same name once "
           "accents, case, punctuation and legal suffixes are ignored, or same website "
           "domain).", body=_json_body("Actor", "The actor's fields."),
           schema="ActorAnswer", extra_responses=_EDIT_ERRORS, tag="edit", ok_status="201")
def create_actor():
    from .edit import actor_from, create_actor, duplicates

    body = _body()
    actor = actor_from(body)
    access = current_access()
    similar = duplicates(access, actor)
    change = create_actor(access, actor, "api", _reason(body))
    return _actor_answer(actor.id, change, 201, {"duplicates": similar})


@bp.patch("/actors/<actor_id>")
@operation("Change an actor", "Changes the fields given (others are kept). Send the "
           "ETag as If-Match: when someone saved first the answer is 409 conflict and "
           "nothing is written.", path_params=["actor_id"], params=[_IF_MATCH],
           body=_json_body("Actor", "Fields to change."), schema="ActorAnswer",
           extra_responses=_EDIT_ERRORS, tag="edit")
def update_actor(actor_id):
    from .edit import actor_from, update_actor

    body = _body()
    access = current_access()
    current = access.view.get_actor(actor_id)
    actor = actor_from(body, actor_id, base=current, partial=True)
    change = update_actor(access, actor, _expect(body), "api", _reason(body))
    return _actor_answer(actor_id, change)


@bp.delete("/actors/<actor_id>")
@operation("Delete an actor", "Deletes the actor and every tie touching it, as one "
           "history entry that can be reverted (restoring them).",
           path_params=["actor_id"], params=[_IF_MATCH], schema="Change",
           extra_responses=_EDIT_ERRORS, tag="edit")
def delete_actor(actor_id):
    from .edit import delete_actor

    body = _body() if request.data else {}
    return jsonify(delete_actor(current_access(), actor_id, _expect(body), "api",
                                _reason(body)).to_dict())


@bp.post("/ties")
@operation("Add a tie", "Creates a tie between two actors (`source` and `target`); "
           "two actors may have ties of several kinds.",
           body=_json_body("Tie", "The tie's fields."), schema="TieAnswer",
           extra_responses=_EDIT_ERRORS, tag="edit", ok_status="201")
def create_tie():
    from .edit import create_tie, tie_from

    body = _body()
    access = current_access()
    tie = tie_from(access, body)
    change = create_tie(access, tie, "api", _reason(body))
    return _tie_answer(str(tie.id), change, 201)


@bp.patch("/ties/<tie_id>")
@operation("Change or end a tie", "Changes the fields given; set `until` to end the "
           "tie. If-Match as for actors.", path_params=["tie_id"], params=[_IF_MATCH],
           body=_json_body("Tie", "Fields to change."), schema="TieAnswer",
           extra_responses=_EDIT_ERRORS, tag="edit")
def update_tie(tie_id):
    from .edit import tie_from, update_tie

    body = _body()
    access = current_access()
    current = access.view.get_tie(tie_id)
    tie = tie_from(access, body, base=current, partial=True)
    change = update_tie(access, tie, _expect(body), "api", _reason(body))
    return _tie_answer(tie_id, change)


@bp.delete("/ties/<tie_id>")
@operation("Delete a tie", "One history entry that can be reverted.",
           path_params=["tie_id"], params=[_IF_MATCH], schema="Change",
           extra_responses=_EDIT_ERRORS, tag="edit")
def delete_tie(tie_id):
    from .edit import delete_tie

    body = _body() if request.data else {}
    return jsonify(delete_tie(current_access(), tie_id, _expect(body), "api",
                              _reason(body)).to_dict())


_REVERT_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["revision"], "properties": {
        "revision": {"type": "integer", "description": "The revision to go back to."},
        **_REASON}}}}}


@bp.post("/actors/<actor_id>/revert")
@operation("Restore an earlier revision of an actor", "Gives the actor the values it "
           "had at `revision` (a new history entry). If-Match as for a change.",
           path_params=["actor_id"], params=[_IF_MATCH], body=_REVERT_BODY,
           schema="Change", extra_responses=_EDIT_ERRORS, tag="history")
def revert_actor(actor_id):
    from .edit import parse_revision, revert_record

    body = _body()
    revision = parse_revision(body.get("revision"))
    if revision is None:
        raise InvalidQuery([{"field": "revision", "value": None, "message": _("Required.")}])
    return jsonify(revert_record(current_access(), "actor", actor_id, revision,
                                 parse_revision(request.headers.get("If-Match")), "api",
                                 _reason(body)).to_dict())


@bp.post("/ties/<tie_id>/revert")
@operation("Restore an earlier revision of a tie", "As for an actor.",
           path_params=["tie_id"], params=[_IF_MATCH], body=_REVERT_BODY,
           schema="Change", extra_responses=_EDIT_ERRORS, tag="history")
def revert_tie(tie_id):
    from .edit import parse_revision, revert_record

    body = _body()
    revision = parse_revision(body.get("revision"))
    if revision is None:
        raise InvalidQuery([{"field": "revision", "value": None, "message": _("Required.")}])
    return jsonify(revert_record(current_access(), "tie", tie_id, revision,
                                 parse_revision(request.headers.get("If-Match")), "api",
                                 _reason(body)).to_dict())


@bp.post("/actors/<actor_id>/merge")
@operation("Merge a duplicate into this actor", "`merge`: the duplicate's id. `take`: "
           "field -> `merged` to keep the duplicate's value (the survivor's is kept "
           "otherwise). Ties move here (identical ties collapse), introductions follow, "
           "the duplicate's id resolves here; one history entry that can be reverted. "
           "`revisions`: {id: revision} read, for conflicts.",
           path_params=["actor_id"], body={"required": True, "content": {
               "application/json": {"schema": {"type": "object", "required": ["merge"],
                                                "properties": {
                   "merge": {"type": "string"}, "take": {"type": "object"},
                   "revisions": {"type": "object"}, **_REASON}}}}},
           schema="Change", extra_responses=_EDIT_ERRORS, tag="edit")
def merge_actor(actor_id):
    from .edit import merge, parse_revision

    body = _body()
    other = str(body.get("merge") or "").strip()
    if not other:
        raise InvalidQuery([{"field": "merge", "value": None, "message": _("Required.")}])
    take = body.get("take") or {}
    revisions = body.get("revisions") or {}
    if not isinstance(take, dict) or not isinstance(revisions, dict):
        raise InvalidQuery([{"field": "take", "value": None,
                             "message": _("Send a JSON object.")}])
    expect = {k: parse_revision(v) for k, v in revisions.items()}
    return jsonify(merge(current_access(), actor_id, other, take, expect, "api",
                         _reason(body)).to_dict())


@bp.get("/history")
@operation("History", "Every change to the graph the caller may see, newest first "
           "(`before` pages).", params=[_q("before", "Only changes numbered below this.",
                                           {"type": "integer"}),
                                        _q("limit", "How many (1-500).",
                                           {"type": "integer", "default": 100})],
           schema="History", tag="history")
def history():
    from .edit import history as read

    r = _history_args()
    return jsonify(read(current_access(), limit=r[0], before=r[1]))


def _history_args() -> tuple[int, int | None]:
    from .params import _Reader

    r = _Reader(request.args)
    limit = r.integer("limit", 100, 1, 500)
    before = r.integer("before", None, 1, 2 ** 62)
    r.done()
    return limit, before


@bp.get("/actors/<actor_id>/history")
@operation("History of one actor", "Every change to the actor and its ties, newest "
           "first, as the caller may see it.", path_params=["actor_id"],
           schema="History", tag="history")
def actor_history(actor_id):
    from .edit import history as read

    limit, before = _history_args()
    return jsonify(read(current_access(), actor_id=actor_id, limit=limit, before=before))


@bp.post("/history/<int:seq>/revert")
@operation("Revert a change", "Undo one history entry: a deleted actor comes back with "
           "its ties, a merge is undone. 409 when a record changed since.",
           path_params=["seq"], body={"required": False, "content": {
               "application/json": {"schema": {"type": "object", "properties": _REASON}}}},
           schema="Change", extra_responses=_EDIT_ERRORS, tag="history")
def revert_change(seq):
    from .edit import revert

    body = _body() if request.data else {}
    return jsonify(revert(current_access(), seq, "api", _reason(body)).to_dict())
