"""The JSON API under ``/api/v1``: the pages' data functions, as JSON.

Each view carries its OpenAPI operation (``@operation``), which
:mod:`graphsvc.web.openapi` collects into ``/api/v1/openapi.json``.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext as _

from ..ingest.export import EXPORT_FORMATS
from ..model import ACTOR_KINDS, INTRODUCTION_STATUSES
from ..queries.introductions import GOALS, MODES
from . import data
from .access import current_access
from .errors import InvalidQuery
from .introductions import (
    MAX_PLAN,
    MAX_SUGGESTIONS,
    plan_from_args,
    record,
    suggest_query,
    suggestions,
)
from .openapi import (
    _q,
    actor_params,
    brokerage_params,
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
    })


@bp.get("/dashboard")
@operation("Dashboard", "Counts by actor kind, country and tie kind, indicators, "
           "top brokers and communities.", schema="Dashboard")
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
    return jsonify(data.actor(get_service(), current_access(), actor_id))


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
           "with positions computed on the server.", params=map_params,
           schema="MapData", not_found=True)
def influence_map():
    return jsonify(data.map_data(get_service(), current_access(), map_query(request.args),
                                 current_app.config["MAP_MAX_NODES"]))


@bp.get("/metrics")
@operation("Metrics", "Every per-actor metric (graphsvc.queries.metrics.actor_metrics) "
           "with the actor's attributes, one page at a time; `columns` defines each "
           "column. Computed on the graph the caller may see.",
           params=metrics_params + page_params, schema="MetricsPage")
def metrics():
    from ..queries.metrics import COLUMNS

    query = metrics_query(request.args, COLUMNS)
    return jsonify(data.metrics_page(get_service(), current_access(), query))


@bp.get("/metrics.csv")
@operation("Metrics as CSV", "The whole per-actor table: `id` then the documented "
           "columns (the names `graphsvc metrics` writes).", tag="graph")
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
           schema="Indicators")
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

_suggest_params = [
    _q("mode", "Who to suggest.", {"type": "string", "enum": list(MODES),
                                    "default": "open"}),
    _q("limit", f"How many (1-{MAX_SUGGESTIONS}).",
       {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS, "default": 10}),
    _q("kind", "Only candidates of this kind.",
       {"type": "string", "enum": sorted(ACTOR_KINDS)}),
    _q("country", "Only candidates in this country (ISO code or INT)."),
    _q("city", "Only candidates in this city."),
    _q("issue_area", "Only candidates working on this issue area."),
]
_plan_params = [
    _q("k", f"How many introductions (1-{MAX_PLAN}).",
       {"type": "integer", "minimum": 1, "maximum": MAX_PLAN, "default": 10}),
    _q("goal", "The indicator to move.", {"type": "string", "enum": list(GOALS),
                                          "default": "policymaker_reach"}),
    _q("hops", "policymaker_reach: steps from a US policymaker that count as reached.",
       {"type": "integer", "minimum": 1, "maximum": 3, "default": 2}),
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


@bp.post("/introductions")
@operation("Record an introduction", "Record an introduction's outcome; a `made` one "
           "becomes a restricted informal tie, a `declined` one is never suggested "
           "again.", schema="Introduction", body=_RECORD_BODY,
           extra_responses=("400", "404", "422"), tag="introductions", ok_status="201")
def record_introduction():
    body = request.get_json(silent=True) if request.is_json else request.form
    if request.is_json and not isinstance(body, dict):
        raise InvalidQuery([{"field": "body", "value": None,
                             "message": _("Send a JSON object.")}])
    body = {k: "" if v is None else str(v) for k, v in (body or {}).items()}
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


@bp.get("/export/<fmt>")
@operation("Export the graph", "The whole graph as a file: `json` (lossless, "
           "re-importable), `csv` (a zip of actors.csv and ties.csv), `graphml` or "
           "`gexf`. Formats: " + ", ".join(f"`{f}` ({d})" for f, d in
                                            EXPORT_FORMATS.items()) + ".",
           path_params=["fmt"], extra_responses=("400",), tag="transfer")
def export_graph(fmt):
    return send_download(export_download(get_service(), current_access(), fmt))
