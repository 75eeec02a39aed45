"""Who may reach which endpoint: one explicit table, checked before every view.

Default deny: an endpoint missing from :data:`ENDPOINT_PERMISSIONS` is
refused (403) for everyone, and ``tests/web/test_web_permissions.py`` fails
naming it, so a new view cannot go live without someone deciding who may
see it. Add one line per endpoint; the permissions are those of
:mod:`graphsvc.auth.roles`.

``OPEN`` endpoints need no account (static files, signing in and out).
``"view"`` lets in the public view when ``PUBLIC_VIEW`` is on; every other
permission needs an account that holds it.
"""
from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _

from ..auth.roles import PERMISSIONS
from ..errors import Forbidden
from .security import current_principal, forbidden, unauthorized

__all__ = ["OPEN", "ENDPOINT_PERMISSIONS", "permission_for", "missing_endpoints",
           "init_app"]

#: Marks an endpoint anyone may reach.
OPEN = None

ENDPOINT_PERMISSIONS: dict[str, str | None] = {
    # assets and signing in and out
    "static": OPEN,
    "vendor.static": OPEN,
    "favicon": OPEN,
    "auth.login": OPEN,
    "auth.logout": OPEN,  # a POST: CSRF-checked; ends whatever session it carries
    # pages
    "pages.dashboard": "view",
    "pages.actors": "view",
    "pages.actor": "view",
    "pages.influence_map": "view",
    "pages.communities": "view",
    "pages.map_download": "export",
    "pages.import_page": "import",
    "pages.export_page": "export",
    # JSON API
    "api.index": "view",
    "api.dashboard": "view",
    "api.actors": "view",
    "api.actor": "view",
    "api.actor_ties": "view",
    "api.ties": "view",
    "api.influence_map": "view",
    "api.openapi": "view",
    # analyses: computed on the graph the reader may see; the CSV holds what
    # the metrics API shows (audited as a download)
    "api.metrics": "view",
    "api.metrics_csv": "view",
    "api.brokerage": "view",
    "api.communities": "view",
    "api.indicators": "view",
    # introductions: the profile's suggestions, the per-actor report and the
    # plan are views of the graph the reader may see; their CSV and JSON
    # downloads hold exactly what the page and its API twin show, so reading
    # suffices (they are audited as downloads). Recording an outcome edits.
    "pages.actor_report": "view",
    "pages.actor_report_csv": "view",
    "pages.actor_report_json": "view",
    "pages.introductions_page": "view",
    "pages.plan_page": "view",
    "pages.plan_csv": "view",
    "pages.plan_json": "view",
    "pages.record_page": "edit",
    # the convening plan: a view of the graph the reader may see, like the
    # introductions plan (its downloads are audited)
    "pages.convening_page": "view",
    "pages.convening_csv": "view",
    "pages.convening_json": "view",
    "api.convening_plan": "view",
    # keeping a plan's invitation list with an event edits the event
    "pages.convening_keep": "edit",
    "api.event_plan_keep": "edit",
    "api.actor_introductions": "view",
    "api.introductions_plan": "view",
    "api.record_introduction": "edit",
    # time: what changed, trends and the introductions funnel are views of the
    # graph the reader may see; their CSV downloads hold what the page shows
    "pages.changes_page": "view",
    "pages.changes_csv": "view",
    "pages.trends_csv": "view",
    "pages.monitoring_page": "view",
    "pages.monitoring_csv": "view",
    "api.changes": "view",
    "api.trends": "view",
    "api.trends_csv": "view",
    "api.monitoring": "view",
    # events and groups: read through the gate (no restricted event, group or
    # membership, no hidden participant for a viewer or the public)
    "pages.events_page": "view",
    "pages.event_page": "view",
    "pages.group_page": "view",
    "api.events": "view",
    "api.event": "view",
    "api.event_map": "view",
    "api.group": "view",
    "api.event_attendance": "import",  # attendance and membership lists are imports
    "api.group_members": "import",
    # import and export: the whole graph as a file needs export
    "pages.import_upload_page": "import",
    "pages.rejected_csv": "import",  # and only the account that uploaded
    "pages.export_file": "export",
    "api.import_files": "import",
    "api.export_graph": "export",
    # editing the graph: forms and their API twins need edit; the history is
    # read through the gate like everything else (graphsvc.snapshot.reader_history)
    "pages.actor_new": "edit",
    "pages.actor_edit": "edit",
    "pages.actor_delete": "edit",
    "pages.actor_merge": "edit",
    "pages.actor_revert": "edit",
    "pages.tie_new": "edit",
    "pages.tie_edit": "edit",
    "pages.tie_end": "edit",
    "pages.tie_delete": "edit",
    "pages.tie_revert": "edit",
    "pages.change_revert": "edit",
    "pages.history_page": "view",
    "pages.actor_history": "view",
    "pages.tie_history": "view",
    "api.tie": "view",
    "api.create_actor": "edit",
    "api.update_actor": "edit",
    "api.delete_actor": "edit",
    "api.create_tie": "edit",
    "api.update_tie": "edit",
    "api.delete_tie": "edit",
    "api.revert_actor": "edit",
    "api.revert_tie": "edit",
    "api.merge_actor": "edit",
    "api.revert_change": "edit",
    "api.history": "view",
    "api.actor_history": "view",
    "api.tie_history": "view",
    # network surveys: facilitators design, invite and review (edit); the
    # results hold restricted answers (view_restricted; their files, export);
    # an organisation answers at its personal link without an account: the
    # link's token is the credential and opens its own invitation only
    # (rate-limited, CSRF-checked, nothing of the graph but public names)
    "surveys.index": "edit",
    "surveys.new": "edit",
    "surveys.edit": "edit",
    "surveys.status": "edit",
    "surveys.invite": "edit",
    "surveys.reissue": "edit",
    "surveys.review_page": "edit",
    "surveys.decide": "edit",
    "surveys.results_page": "view_restricted",
    "surveys.response_page": "view_restricted",
    "surveys.results_csv_file": "export",
    "surveys.results_xlsx_file": "export",
    "surveys.respond": OPEN,
    "api_surveys.api_index": "edit",
    "api_surveys.api_create": "edit",
    "api_surveys.api_survey": "edit",
    "api_surveys.api_update": "edit",
    "api_surveys.api_invite": "edit",
    "api_surveys.api_proposals": "edit",
    "api_surveys.api_accept": "edit",
    "api_surveys.api_reject": "edit",
    "api_surveys.api_results": "view_restricted",
    "api_surveys.api_response": "view_restricted",
    "api_surveys.respond_json": OPEN,
    "api_surveys.respond_save": OPEN,
    # administration
    "auth.audit_export": "read_audit",
}

_UNLISTED = object()


def permission_for(endpoint: str | None):
    """The permission ``endpoint`` needs, :data:`OPEN`, or a private marker
    when the endpoint is not in the table (refused)."""
    if endpoint is None:
        return _UNLISTED
    return ENDPOINT_PERMISSIONS.get(endpoint, _UNLISTED)


def missing_endpoints(app: Flask) -> list[str]:
    """Endpoints ``app`` routes to that the table does not list."""
    return sorted({r.endpoint for r in app.url_map.iter_rules()}
                  - set(ENDPOINT_PERMISSIONS))


def check_request() -> None:
    """Refuse the request unless its principal holds its endpoint's permission."""
    if request.endpoint is None:
        return  # no such address or method: the 404/405 handlers answer
    needed = permission_for(request.endpoint)
    if needed is OPEN:
        return
    if needed is _UNLISTED:
        raise Forbidden(_("This address has no access rule, so it is closed."),
                        hint=_("Tell the administrator."))
    principal = current_principal()
    if principal is None or (principal.is_public and not principal.can(needed)):
        raise unauthorized()
    if not principal.can(needed):
        raise forbidden(principal, needed)


def init_app(app: Flask) -> None:
    unknown = {p for p in ENDPOINT_PERMISSIONS.values() if p is not OPEN} - set(PERMISSIONS)
    if unknown:
        raise ValueError(f"unknown permissions in the endpoint table: {sorted(unknown)}")
    app.before_request(check_request)
