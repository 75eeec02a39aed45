"""HTML pages: each view asks one data function and renders its result."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from werkzeug.datastructures import MultiDict

from . import data
from .state import get_service
from .access import current_access
from .params import actor_query, map_query

bp = Blueprint("pages", __name__)


def _map(query):
    return data.map_data(get_service(), current_access(), query,
                         current_app.config["MAP_MAX_NODES"])


@bp.get("/")
def dashboard():
    return render_template("dashboard.html",
                           page=data.dashboard(get_service(), current_access()))


@bp.get("/actors")
def actors():
    query = actor_query(request.args)
    return render_template("actors.html",
                           page=data.actors(get_service(), current_access(), query),
                           facets=data.facets(get_service(), current_access()))


@bp.get("/actors/<actor_id>")
def actor(actor_id):
    page = data.actor(get_service(), current_access(), actor_id)
    depth = map_query(request.args).depth
    ego = _map(map_query(MultiDict({"ego": actor_id, "depth": str(depth)})))
    from .introductions import MODE_LABELS, STATUS_LABELS, profile_section

    return render_template("actor.html", page=page, map=ego, depth=depth,
                           intro=profile_section(actor_id, request.args),
                           modes=MODE_LABELS, statuses=STATUS_LABELS)


@bp.get("/map")
def influence_map():
    from .analyses import community_rows
    from .params import SIZE_MEASURES

    query = map_query(request.args)
    return render_template("map.html", map=_map(query), query=query,
                           facets=data.facets(get_service(), current_access()),
                           choices=data.actor_choices(get_service(), current_access()),
                           size_measures=SIZE_MEASURES,
                           community_choices=community_rows(current_access()))


@bp.get("/map/download")
def map_download():
    from flask_babel import gettext as _

    from .standalone import render_standalone

    query = map_query(request.args)
    access = current_access()
    map_ = _map(query)
    access.view.audit_export("map", {"nodes": map_["shown"]["nodes"],
                                     "edges": map_["shown"]["edges"]})
    html, headers = render_standalone(map_, _("Influence map"))
    return html, 200, headers


@bp.get("/communities")
def communities():
    return render_template("communities.html",
                           page=data.communities(get_service(), current_access()))


@bp.get("/import")
def import_page():
    return render_template("import.html", page=data.dataset(get_service(), current_access()))


@bp.get("/export")
def export_page():
    return render_template("export.html", page=data.dataset(get_service(), current_access()))
