"""The JSON API under ``/api/v1``: the pages' data functions, as JSON.

Each view carries its OpenAPI operation (``@operation``), which
:mod:`graphsvc.web.openapi` collects into ``/api/v1/openapi.json``.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from . import data, get_layouts, get_service
from .access import current_access
from .openapi import (actor_params, brokerage_params, map_params, metrics_params, operation,
                      page_params, spec_for, tie_params)
from .params import actor_query, brokerage_query, map_query, metrics_query, tie_query

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
                                 get_layouts(), current_app.config["MAP_MAX_NODES"]))


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


@bp.get("/openapi.json")
@operation("OpenAPI document", "This API described in OpenAPI 3.1.", tag="meta")
def openapi():
    return jsonify(spec_for(current_app))
