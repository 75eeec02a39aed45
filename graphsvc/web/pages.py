"""HTML pages: each view asks one data function and renders its result.

The web app is organised in layers: the views (this module for pages,
:mod:`.api` for their JSON twins) call data functions (:mod:`.data`,
:mod:`.analyses`, :mod:`.introductions`, :mod:`.transfer`), which read the
graph through the request's view of it (:mod:`.access`).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.datastructures import MultiDict
from werkzeug.utils import secure_filename

from ..errors import GraphsvcError, ValidationFailed
from . import data
from .access import current_access
from .errors import InvalidQuery
from .introductions import (
    STATUS_LABELS,
    plan_from_args,
    profile_section,
    record,
    suggest_query,
    suggestions,
)
from .params import actor_query, map_query
from .reports import GOAL_LABELS, MODE_LABELS, report_rows
from .state import get_service
from .transfer import (
    export_download,
    import_upload,
    rejected_report,
    report_dir,
    send_download,
    skip_invalid_requested,
)

bp = Blueprint("pages", __name__)


def _map(query):
    return data.map_data(get_service(), current_access(), query,
                         current_app.config["MAP_MAX_NODES"])


@bp.get("/")
def dashboard():
    from . import time as T

    access = current_access()
    return render_template("dashboard.html", page=data.dashboard(get_service(), access),
                           trends=T.trend_charts(T.trends(access)))


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
    return render_template("actor.html", page=page, map=ego, depth=depth,
                           intro=profile_section(actor_id, request.args),
                           modes=MODE_LABELS, statuses=STATUS_LABELS)


@bp.get("/map")
def influence_map():
    from .analyses import community_rows
    from .params import SIZE_MEASURES

    query = map_query(request.args)
    return render_template("map.html", map=_map(query), query=query,
                           map_years=_map_years(),
                           facets=data.facets(get_service(), current_access()),
                           choices=data.actor_choices(get_service(), current_access()),
                           size_measures=SIZE_MEASURES,
                           community_choices=community_rows(current_access()))


def _map_years() -> list[int]:
    """The years the map's timeline offers: from the earliest date in the
    graph to last year (then today and all time)."""
    import datetime as dt

    from ..queries.temporal import tie_dates
    from ..snapshot import ALL_TIME

    access = current_access()
    dates = access.view.cached("tie_dates", tie_dates, as_of=ALL_TIME)
    this_year = dt.date.today().year
    first = int(dates[0][:4]) if dates else this_year
    return list(range(max(first, this_year - 30), this_year))


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


# --- introductions ------------------------------------------------------------

def _download(text: str, mimetype: str, name: str) -> Response:
    return Response(text, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={name}"})


def _suggest_name(report: dict, ext: str) -> str:
    stem = secure_filename(f"introductions-{report['actor']['id']}-{report['mode']}")
    return f"{stem or 'introductions'}.{ext}"


def _plan_name(report: dict, ext: str) -> str:
    return f"introduction-plan-{report['goal']}-k{report['k']}.{ext}"


@bp.get("/actors/<actor_id>/introductions")
def actor_report(actor_id):
    report = suggestions(get_service(), current_access(), actor_id,
                         suggest_query(request.args))
    return render_template("introductions_report.html", page=report, r=report,
                           modes=MODE_LABELS, statuses=STATUS_LABELS,
                           facets=data.facets(get_service(), current_access()))


def _audit_download(report: dict, fmt: str) -> None:
    """Log a report download (restricted records included or not)."""
    details = {"format": fmt, "version": report["dataset"]["version"]}
    if report["type"] == "plan":
        target = "introductions:plan"
        details.update(goal=report["goal"], k=report["k"], hops=report["hops"])
    else:
        target = f"introductions:{report['actor']['id']}"
        details.update(mode=report["mode"])
    current_access().view.audit_download(target, details)


@bp.get("/actors/<actor_id>/introductions.csv")
def actor_report_csv(actor_id):
    report = suggestions(get_service(), current_access(), actor_id,
                         suggest_query(request.args))
    _audit_download(report, "csv")
    return _download(report_rows(report), "text/csv", _suggest_name(report, "csv"))


@bp.get("/actors/<actor_id>/introductions.json")
def actor_report_json(actor_id):
    report = suggestions(get_service(), current_access(), actor_id,
                         suggest_query(request.args))
    _audit_download(report, "json")
    response = jsonify(report)
    response.headers["Content-Disposition"] = \
        f"attachment; filename={_suggest_name(report, 'json')}"
    return response


@bp.get("/introductions/plan")
def plan_page():
    report = plan_from_args(request.args)
    return render_template("introductions_plan.html", page=report, r=report,
                           goals=GOAL_LABELS)


@bp.get("/introductions/plan.csv")
def plan_csv():
    report = plan_from_args(request.args)
    _audit_download(report, "csv")
    return _download(report_rows(report), "text/csv", _plan_name(report, "csv"))


@bp.get("/introductions/plan.json")
def plan_json():
    report = plan_from_args(request.args)
    _audit_download(report, "json")
    response = jsonify(report)
    response.headers["Content-Disposition"] = \
        f"attachment; filename={_plan_name(report, 'json')}"
    return response


def _back(default: str) -> str:
    """Where to return after a form: a path on this site only."""
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme \
            and not parts.netloc and "\\" not in target:
        return target
    return default


@bp.post("/introductions")
def record_page():
    intro = record(get_service(), current_access(), request.form)
    return redirect(_back(url_for("pages.actor", actor_id=intro["source"])), 303)


# --- time: what changed, trends, the monitoring funnel -----------------------------

@bp.get("/changes")
def changes_page():
    from . import time as T

    report = T.changes(current_access(), T.changes_query(request.args))
    return render_template("changes.html", page=report)


@bp.get("/changes.csv")
def changes_csv():
    from . import time as T

    report = T.changes(current_access(), T.changes_query(request.args))
    current_access().view.audit_download("changes.csv", {"from": report["from"],
                                                         "to": report["to"]})
    return _download(T.changes_rows(report), "text/csv",
                     f"changes-{report['from']}-{report['to']}.csv")


@bp.get("/trends.csv")
def trends_csv():
    from . import time as T

    report = T.trends(current_access(), T.period_arg(request.args))
    current_access().view.audit_download("trends.csv", {"period": report["period"]})
    return _download(T.trends_csv(report), "text/csv", f"trends-{report['as_of']}.csv")


@bp.get("/monitoring")
def monitoring_page():
    from . import time as T

    query = T.monitoring_query(request.args, current_app.config.get("FUNNEL_MONTHS", 6))
    return render_template("monitoring.html", page=T.monitoring(current_access(), query))


@bp.get("/monitoring.csv")
def monitoring_csv():
    from . import time as T

    query = T.monitoring_query(request.args, current_app.config.get("FUNNEL_MONTHS", 6))
    report = T.monitoring(current_access(), query)
    current_access().view.audit_download("monitoring.csv", query)
    return _download(T.monitoring_csv(report), "text/csv",
                     f"introductions-funnel-{report['start']}-{report['end']}.csv")


# --- import and export ----------------------------------------------------------

@bp.post("/import")
def import_upload_page():
    skip = skip_invalid_requested()
    try:
        result = import_upload(get_service(), current_access(), request.files,
                               skip_invalid=skip, reports=report_dir(current_access()))
    except ValidationFailed as exc:
        return render_template("import.html", page=data.dataset(get_service(),
                                                                current_access()),
                               problems=exc.details, hint=exc.hint,
                               skip_invalid=skip), 422
    except InvalidQuery as exc:
        return render_template("import.html", page=data.dataset(get_service(),
                                                                current_access()),
                               problems=exc.details, skip_invalid=skip), 400
    except GraphsvcError as exc:  # a file that cannot be read at all
        return render_template("import.html", page=data.dataset(get_service(),
                                                                current_access()),
                               problems=[{"message": exc.message, "hint": exc.hint}],
                               skip_invalid=skip), 400
    return render_template("import.html", page=result, result=result, skip_invalid=skip)


@bp.get("/import/rejected/<token>.csv")
def rejected_csv(token):
    path = rejected_report(report_dir(current_access()), token)
    return send_file(path, mimetype="text/csv", as_attachment=True,
                     download_name="rejected-rows.csv", max_age=0)


@bp.get("/export/<fmt>")
def export_file(fmt):
    return send_download(export_download(get_service(), current_access(), fmt))
