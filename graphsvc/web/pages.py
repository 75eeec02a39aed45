"""HTML pages: each view asks one data function and renders its result.

The web app is organised in layers: the views (this module for pages,
:mod:`.api` for their JSON twins) call data functions (:mod:`.data`,
:mod:`.analyses`, :mod:`.introductions`, :mod:`.transfer`), which read the
graph through the request's view of it (:mod:`.access`).
"""
from __future__ import annotations

from typing import Any
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
from ..snapshot import ALL_TIME
from . import data
from .access import current_access
from .errors import InvalidQuery
from .i18n import LEVEL_LABELS
from .introductions import (
    MAX_CONVENING,
    STATUS_LABELS,
    convening_from_args,
    plan_from_args,
    profile_section,
    record,
    suggest_query,
    suggestions,
)
from .params import actor_query, map_query
from .reports import GOAL_LABELS, MODE_LABELS, POLICYMAKER_LABELS, report_rows
from .state import get_service
from .templating import keep_as_of
from .transfer import (
    export_download,
    import_upload,
    rejected_report,
    report_dir,
    send_download,
    skip_invalid_requested,
)

bp = Blueprint("pages", __name__)


def _merged_into(actor_id: str) -> str | None:
    """The actor a merged id now stands for, when the reader may see it."""
    view = current_access().view
    target = view.resolve(actor_id)
    if target == actor_id:
        return None
    try:
        view.get_actor(target)
    except GraphsvcError:
        return None
    return target


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
    moved = _merged_into(actor_id)
    if moved:
        return redirect(url_for("pages.actor", actor_id=moved), 301)
    page = data.actor(get_service(), current_access(), actor_id)
    depth = map_query(request.args).depth
    ego = _map(map_query(MultiDict({"ego": actor_id, "depth": str(depth)})))
    return render_template("actor.html", page=page, map=ego, depth=depth,
                           intro=profile_section(actor_id, request.args),
                           modes=MODE_LABELS, statuses=STATUS_LABELS,
                           sides=POLICYMAKER_LABELS, levels=LEVEL_LABELS)


@bp.get("/events")
def events_page():
    from . import events as E

    return render_template("events.html", page=E.events_list(current_access()))


@bp.get("/events/<event_id>")
def event_page(event_id):
    from . import events as E

    access = current_access()
    return render_template("event.html", page=E.event_detail(access, event_id),
                           maps=E.event_maps(access, event_id))


@bp.get("/groups/<group_id>")
def group_page(group_id):
    from . import events as E

    return render_template("group.html", page=E.group_detail(current_access(), group_id))


@bp.get("/map")
def influence_map():
    from .analyses import communities_served
    from .focus import ROUTE_COLORS, ROUTE_DASHES
    from .i18n import FOCUS_LABELS, ROUTE_LABELS
    from .params import FOCUS_TARGETS, SIZE_MEASURES

    query = map_query(request.args)
    args: dict[str, Any] = {k: request.args.getlist(k) for k in request.args if k != "fresh"}
    return render_template("map.html", map=_map(query), query=query,
                           refresh_url=url_for("api.influence_map", **args),
                           fresh_url=url_for("pages.influence_map", **args, fresh=1),
                           map_years=_map_years(), focus_targets=FOCUS_TARGETS,
                           focus_labels=FOCUS_LABELS, route_labels=ROUTE_LABELS,
                           route_colors=ROUTE_COLORS, route_dashes=ROUTE_DASHES,
                           facets=data.facets(get_service(), current_access()),
                           choices=data.actor_choices(get_service(), current_access()),
                           size_measures=SIZE_MEASURES,
                           community_choices=communities_served(current_access())["items"])


def _map_years() -> list[int]:
    """The years the map's timeline offers: from the earliest date in the
    graph to last year (then today and all time)."""
    import datetime as dt

    from ..queries.temporal import tie_dates


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
                           sides=POLICYMAKER_LABELS, levels=LEVEL_LABELS,
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


@bp.get("/introductions")
def introductions_page():
    """Introductions: pick an actor by name (``?q=``, or ``?actor=`` once
    chosen) for its suggestions, or go to the network plan."""
    from .introductions import find_actor
    from .templating import keep_as_of

    chosen = (request.args.get("actor") or "").strip()
    found = find_actor(get_service(), current_access(), chosen,
                       (request.args.get("q") or "").strip())
    if found.get("actor"):
        return redirect(url_for("pages.actor_report", actor_id=found["actor"],
                                **keep_as_of()), 303)
    return render_template("introductions.html", page=found)


@bp.get("/introductions/plan")
def plan_page():
    report = plan_from_args(request.args)
    return render_template("introductions_plan.html", page=report, r=report,
                           goals=GOAL_LABELS, sides=POLICYMAKER_LABELS, levels=LEVEL_LABELS)


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


def _convening_args(report: dict) -> dict:
    f = report["filters"]
    args = {"size": report["size"], "issue_area": f["issue_area"], "city": f["city"],
            "languages": ",".join(f["languages"]) or None,
            "must": ",".join(f["must"]) or None, "exclude": ",".join(f["exclude"]) or None}
    return {**{k: v for k, v in args.items() if v is not None}, **keep_as_of()}


def _convening_name(report: dict, ext: str) -> str:
    return f"convening-plan-{report['size']}.{ext}"


@bp.get("/convening/plan")
def convening_page():
    report = convening_from_args(request.args)
    access = current_access()
    events = None
    if access.can("edit"):
        events = sorted(access.view.events(), key=lambda e: (e.start, e.id), reverse=True)
    return render_template("convening_plan.html", page=report, r=report,
                           max_size=MAX_CONVENING, link_args=_convening_args(report),
                           facets=data.facets(get_service(), access), events=events)


@bp.post("/convening/plan/keep")
def convening_keep():
    from flask_babel import gettext as _

    from .introductions import keep_convening

    event_id = (request.form.get("event") or "").strip()[:128]
    if not event_id:
        raise InvalidQuery([{"field": "event", "value": None,
                             "message": _("Choose the event to keep the list for.")}])
    keep_convening(get_service(), current_access(), event_id, request.form, "form")
    return redirect(url_for("pages.event_page", event_id=event_id, **keep_as_of())
                    + "#plan", 303)


@bp.get("/convening/plan.csv")
def convening_csv():
    report = convening_from_args(request.args)
    current_access().view.audit_download("convening:plan", {
        "format": "csv", "version": report["dataset"]["version"], "size": report["size"]})
    return _download(report_rows(report), "text/csv", _convening_name(report, "csv"))


@bp.get("/convening/plan.json")
def convening_json():
    report = convening_from_args(request.args)
    current_access().view.audit_download("convening:plan", {
        "format": "json", "version": report["dataset"]["version"], "size": report["size"]})
    response = jsonify(report)
    response.headers["Content-Disposition"] = \
        f"attachment; filename={_convening_name(report, 'json')}"
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


# --- editing (graphsvc.web.edit) ----------------------------------------------------

def _edit_context() -> dict:
    from ..model import (
        ACTOR_KINDS,
        PHASES,
        PROVENANCES,
        ROLES,
        TIE_KINDS,
        TIE_SUBTYPES,
        VISIBILITIES,
    )
    from .i18n import kind_label, provenance_label, tie_kind_label, visibility_label

    return {"actor_kinds": ACTOR_KINDS, "tie_kinds": TIE_KINDS, "phases": PHASES,
            "roles": ROLES, "provenances": PROVENANCES, "visibilities": VISIBILITIES,
            "subtypes": TIE_SUBTYPES, "kind_label": kind_label,
            "page": data.dataset(get_service(), current_access()),
            "provenance_label": provenance_label, "tie_kind_label": tie_kind_label,
            "visibility_label": visibility_label}


def _form_problems(exc) -> dict:
    return {p.field or "form": p.message for p in exc.problems}


def _reason_of(form) -> str | None:
    return (form.get("reason") or "").strip()[:2000] or None


@bp.route("/add/actor", methods=["GET", "POST"])
def actor_new():
    return _actor_form(None)


@bp.route("/actors/<actor_id>/edit", methods=["GET", "POST"])
def actor_edit(actor_id):
    return _actor_form(actor_id)


def _actor_form(actor_id):
    from ..errors import Conflict
    from . import edit

    access = current_access()
    current = access.view.get_actor(actor_id) if actor_id else None
    ctx = {"actor_id": actor_id, "current": current, **_edit_context()}
    if request.method == "GET":
        values = edit.record_values(current.to_record()) if current else {
            "visibility": "restricted", "provenance": "facilitator_note", "country": "MX"}
        return render_template("edit_actor.html", values=values, revision=(
            access.view.revision("actor", actor_id) if actor_id else None),
                               problems={}, **ctx)
    form = request.form
    values = edit.form_values(form)
    revision = form.get("revision")
    try:
        actor = edit.actor_from(form, actor_id)
        if actor_id is None:
            similar = edit.duplicates(access, actor)
            if similar and not form.get("confirm_duplicate"):
                return render_template("edit_actor.html", values=values, revision=None,
                                       problems={}, duplicates=similar, **ctx)
            edit.create_actor(access, actor, "form", _reason_of(form))
        else:
            edit.update_actor(access, actor, edit.parse_revision(revision), "form",
                              _reason_of(form))
    except ValidationFailed as exc:
        return render_template("edit_actor.html", values=values, revision=revision,
                               problems=_form_problems(exc), **ctx), 422
    except Conflict:
        conflict = edit.conflict_rows(access, "actor", actor_id,
                                      edit.parse_revision(revision))
        return render_template("edit_actor.html", values=values,
                               revision=conflict["revision"], problems={},
                               conflict=conflict, **ctx), 409
    return redirect(url_for("pages.actor", actor_id=actor.id), 303)


@bp.route("/actors/<actor_id>/delete", methods=["GET", "POST"])
def actor_delete(actor_id):
    from ..errors import Conflict
    from . import edit

    access = current_access()
    actor = access.view.get_actor(actor_id)
    ties = access.view.ties(actor_id, as_of=ALL_TIME)  # a delete takes every tie
    revision = request.form.get("revision") if request.method == "POST" else \
        access.view.revision("actor", actor_id)
    conflict = None
    if request.method == "POST":
        try:
            change = edit.delete_actor(access, actor_id, edit.parse_revision(revision),
                                       "form", _reason_of(request.form))
            return redirect(url_for("pages.history_page", done=change.seq), 303)
        except Conflict:
            conflict = True
            revision = access.view.revision("actor", actor_id)
    return render_template("confirm_delete.html", what="actor", actor=actor, ties=ties,
                           page=data.dataset(get_service(), access),
                           revision=revision, conflict=conflict), 409 if conflict else 200


@bp.route("/actors/<actor_id>/ties/new", methods=["GET", "POST"])
def tie_new(actor_id):
    from . import edit

    access = current_access()
    actor = access.view.get_actor(actor_id)
    ctx = {"actor": actor, "tie": None, **_edit_context()}
    if request.method == "GET":
        kind = request.args.get("kind") if request.args.get("kind") in ctx["tie_kinds"] \
            else "formal"
        return render_template("edit_tie.html", values={
            "kind": kind, "visibility": "restricted", "provenance": "facilitator_note",
            "direction": "out", "evidence": []}, problems={}, revision=None, **ctx)
    values = edit.form_values(request.form)
    try:
        tie = edit.tie_from(access, request.form, actor_id)
        edit.create_tie(access, tie, "form", _reason_of(request.form))
    except ValidationFailed as exc:
        return render_template("edit_tie.html", values=values,
                               problems=_form_problems(exc), revision=None, **ctx), 422
    return redirect(url_for("pages.actor", actor_id=actor_id) + "#ties", 303)


def _tie_actor(tie, access) -> tuple:
    """The actor a tie's pages return to (``?from=``, else the source) and the other."""
    here = request.values.get("from")
    if here not in (tie.source, tie.target):
        here = tie.source
    other = tie.target if here == tie.source else tie.source
    return access.view.get_actor(here), access.view.get_actor(other)


@bp.route("/ties/<tie_id>/edit", methods=["GET", "POST"])
def tie_edit(tie_id):
    from ..errors import Conflict
    from . import edit

    access = current_access()
    tie = access.view.get_tie(tie_id)
    actor, other = _tie_actor(tie, access)
    ctx = {"actor": actor, "other": other, "tie": tie, **_edit_context()}
    if request.method == "GET":
        return render_template("edit_tie.html", values=edit.record_values(tie.to_record()),
                               problems={}, revision=access.view.revision("tie", tie_id),
                               **ctx)
    values = edit.form_values(request.form)
    revision = request.form.get("revision")
    try:
        new = edit.tie_from(access, request.form, base=tie)
        edit.update_tie(access, new, edit.parse_revision(revision), "form",
                        _reason_of(request.form))
    except ValidationFailed as exc:
        return render_template("edit_tie.html", values=values, revision=revision,
                               problems=_form_problems(exc), **ctx), 422
    except Conflict:
        conflict = edit.conflict_rows(access, "tie", tie_id, edit.parse_revision(revision))
        return render_template("edit_tie.html", values=values, problems={},
                               revision=conflict["revision"], conflict=conflict, **ctx), 409
    return redirect(url_for("pages.actor", actor_id=actor.id) + "#ties", 303)


@bp.route("/ties/<tie_id>/end", methods=["GET", "POST"])
def tie_end(tie_id):
    return _tie_confirm(tie_id, "end")


@bp.route("/ties/<tie_id>/delete", methods=["GET", "POST"])
def tie_delete(tie_id):
    return _tie_confirm(tie_id, "delete")


def _tie_confirm(tie_id, what):
    import datetime as dt

    from ..errors import Conflict
    from . import edit

    access = current_access()
    tie = access.view.get_tie(tie_id)
    actor, other = _tie_actor(tie, access)
    revision = request.form.get("revision") if request.method == "POST" else \
        access.view.revision("tie", tie_id)
    problems, conflict = {}, None
    until = request.form.get("until") or dt.date.today().isoformat()
    if request.method == "POST":
        try:
            expect, reason = edit.parse_revision(revision), _reason_of(request.form)
            if what == "end":
                edit.end_tie(access, tie_id, until, expect, "form", reason)
                # An ended tie is no longer in force today: show the profile
                # over all time, where it stands marked as ended.
                return redirect(url_for("pages.actor", actor_id=actor.id, as_of=ALL_TIME)
                                + "#ties", 303)
            edit.delete_tie(access, tie_id, expect, "form", reason)
            return redirect(url_for("pages.actor", actor_id=actor.id) + "#ties", 303)
        except ValidationFailed as exc:
            problems = _form_problems(exc)
        except Conflict:
            conflict = True
            revision = access.view.revision("tie", tie_id)
    status = 409 if conflict else 422 if problems else 200
    return render_template("confirm_delete.html", what=what, tie=tie, actor=actor,
                           page=data.dataset(get_service(), access),
                           other=other, revision=revision, until=until, problems=problems,
                           conflict=conflict), status


@bp.route("/actors/<actor_id>/merge", methods=["GET", "POST"])
def actor_merge(actor_id):
    from ..errors import Conflict
    from . import edit

    access = current_access()
    other = (request.values.get("other") or "").strip() or None
    if other is None and request.values.get("other_name"):
        problems: dict = {}
        other = edit._other(access, request.values, problems) or None
    problems, conflict = {}, None
    if request.method == "POST" and other:
        take = {f: "merged" for f in edit.MERGE_FIELDS if request.form.get(f) == "merged"}
        expect = {actor_id: edit.parse_revision(request.form.get("revision")),
                  other: edit.parse_revision(request.form.get("merged_revision"))}
        try:
            edit.merge(access, actor_id, other, take, expect, "form",
                       _reason_of(request.form))
            return redirect(url_for("pages.actor_history", actor_id=actor_id), 303)
        except ValidationFailed as exc:
            problems = _form_problems(exc)
        except Conflict:
            conflict = True
    page = {**edit.merge_page(access, actor_id, other),
            **data.dataset(get_service(), access)}
    status = 409 if conflict else 422 if problems else 200
    return render_template("merge.html", page=page, problems=problems,
                           conflict=conflict), status


@bp.get("/history")
def history_page():
    from .api import _history_args
    from .edit import history

    limit, before = _history_args()
    return render_template("history.html", page=_with_dataset(
        history(current_access(), limit=limit, before=before)),
                           done=request.args.get("done", type=int))


@bp.get("/actors/<actor_id>/history")
def actor_history(actor_id):
    from .edit import history

    page = _with_dataset(history(current_access(), actor_id=actor_id))
    actor = None
    try:
        actor = current_access().view.get_actor(actor_id)
    except GraphsvcError:  # deleted: its history stays (for readers who may see it)
        pass
    return render_template("history.html", page=page, actor=actor, actor_id=actor_id)


@bp.get("/ties/<tie_id>/history")
def tie_history(tie_id):
    from .edit import history

    return render_template("history.html",
                           page=_with_dataset(history(current_access(), tie_id=tie_id)),
                           tie_id=tie_id)


def _with_dataset(page: dict) -> dict:
    """A page with the dataset it shows (is it illustrative?)."""
    return {**page, **data.dataset(get_service(), current_access())}


@bp.post("/history/<int:seq>/revert")
def change_revert(seq):
    from . import edit

    change = edit.revert(current_access(), seq, "form", _reason_of(request.form))
    return redirect(_back(url_for("pages.history_page", done=change.seq)), 303)


@bp.post("/actors/<actor_id>/revert")
def actor_revert(actor_id):
    return _record_revert("actor", actor_id)


@bp.post("/ties/<tie_id>/revert")
def tie_revert(tie_id):
    return _record_revert("tie", tie_id)


def _record_revert(record, rid):
    from . import edit

    revision = edit.parse_revision(request.form.get("to_revision"))
    if revision is None:
        raise InvalidQuery([{"field": "to_revision", "value": None, "message": "?"}])
    edit.revert_record(current_access(), record, rid, revision,
                       edit.parse_revision(request.form.get("revision")), "form",
                       _reason_of(request.form))
    target = (url_for("pages.actor_history", actor_id=rid) if record == "actor"
              else url_for("pages.tie_history", tie_id=rid))
    return redirect(_back(target), 303)
