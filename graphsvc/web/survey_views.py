"""The survey pages (blueprint ``surveys``) and their JSON twins (blueprint
``api_surveys`` under ``/api/v1/surveys``); the data functions are in
:mod:`.surveys`, the survey logic in :mod:`graphsvc.surveys`.

The answer pages (``/s/<token>``, ``/api/v1/surveys/respond/<token>``)
need no account: the link's token is the credential, and it opens its own
invitation only. They are rate-limited per address (``SURVEY_RATE_LIMIT``,
counted in the accounts file like the sign-in limits, so every worker
shares the count), CSRF-checked like every form, and show nothing of the
graph but public actors' names.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from werkzeug.utils import secure_filename

from ..auth.accounts import parse_rate_limit
from ..errors import Forbidden, NotFound, Problem, ValidationFailed
from ..surveys import review
from ..surveys.contacts import read_contacts
from ..surveys.results import results, results_csv, results_xlsx
from ..surveys.store import STATES, answers_from, survey_from
from . import surveys as S
from .access import current_access
from .errors import InvalidQuery
from .openapi import operation
from .state import get_accounts, get_service

bp = Blueprint("surveys", __name__)
api_bp = Blueprint("api_surveys", __name__)

#: The endpoints anyone with a link may reach (rate-limited).
RESPONDENT_ENDPOINTS = ("surveys.respond", "api_surveys.respond_json",
                        "api_surveys.respond_save")


_LIMIT = "graphsvc.survey_limit"


def init_app(app) -> None:
    """Register the survey blueprints; a ``SURVEY_RATE_LIMIT`` that is not a
    rate stops the app at start (:class:`~graphsvc.errors.ConfigError`)."""
    app.extensions[_LIMIT] = parse_rate_limit(
        app.config.get("SURVEY_RATE_LIMIT") or "120 per 10 minutes", "SURVEY_RATE_LIMIT")
    app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1/surveys")


def _throttle():
    """Count this request against the address's survey-link limit."""
    if request.endpoint in RESPONDENT_ENDPOINTS:
        get_accounts().throttle(f"survey:{request.remote_addr or '-'}",
                                current_app.extensions[_LIMIT])


bp.before_request(_throttle)
api_bp.before_request(_throttle)


def _who() -> str:
    return current_access().view.principal.audit_name


def _sid(survey_id) -> int:
    """The survey's number from the address (checked: 404 when there is none)."""
    return S.surveys().get(survey_id).id


def _common() -> dict:
    return {"state_labels": {k: str(v) for k, v in S.STATE_LABELS.items()},
            "labels": S, "page": {"dataset": None}}


# --- facilitators: list, design, status and invitations ------------------------------

@bp.get("/surveys")
def index():
    store = S.surveys()
    rows = [{"record": r, "status": store.status(r.id), "period": store.period(r.spec),
             "title": S.text_in(r.spec.title, r.spec.languages)} for r in store.all()]
    return render_template("surveys/index.html", rows=rows, **_common())


@bp.route("/surveys/new", methods=["GET", "POST"])
def new():
    return _design(None)


@bp.route("/surveys/<survey_id>/edit", methods=["GET", "POST"])
def edit(survey_id):
    return _design(_sid(survey_id))


def _design(sid: int | None):
    store = S.surveys()
    record = store.get(sid) if sid is not None else None
    ctx = {"sid": sid, "standard": S.standard_questions(),
           "types": {k: str(v) for k, v in S.TYPE_LABELS.items()}, **_common()}
    if request.method == "GET":
        return render_template("surveys/design.html", values=S.design_values(
            record.spec if record else None), problems={}, **ctx)
    try:
        spec = S.survey_from_form(request.form)
    except ValidationFailed as exc:
        return render_template("surveys/design.html", values=_sent_design(),
                               problems=S.form_problems(exc), **ctx), 422
    ip = request.remote_addr
    saved = (store.update(sid, spec, by=_who(), ip=ip) if sid is not None
             else store.create(spec, by=_who(), ip=ip))
    return redirect(url_for(".status", survey_id=saved.id), 303)


def _sent_design() -> dict:
    f = request.form
    count = S.custom_count(f)
    return {"title": {g: f.get(f"title_{g}", "") for g in ("es", "en")},
            "intro": {g: f.get(f"intro_{g}", "") for g in ("es", "en")},
            "languages": f.getlist("languages"), "opens": f.get("opens"),
            "closes": f.get("closes"), "roster": bool(f.get("roster")),
            "standard": f.getlist("standard"), "required": f.getlist("required"),
            "custom": [{"id": f.get(f"c{i}_id", ""), "type": f.get(f"c{i}_type"),
                        "text": {g: f.get(f"c{i}_text_{g}", "") for g in ("es", "en")},
                        "options": {g: f.get(f"c{i}_options_{g}", "") for g in ("es", "en")},
                        "required": f"c{i}" in f.getlist("required")}
                       for i in range(count)]}


def _status_context(sid: int) -> dict:
    store = S.surveys()
    record = store.get(sid)
    view = current_access().view
    return {"record": record, "title": S.text_in(record.spec.title, record.spec.languages),
            "status": store.status(sid), "period": store.period(record.spec),
            "invitations": store.invitations(sid), "remind": store.to_remind(sid),
            "actors": sorted(view.find_actors(), key=lambda a: a.name.casefold()),
            "states": STATES, **_common()}


@bp.get("/surveys/<survey_id>")
def status(survey_id):
    return render_template("surveys/status.html", links=None, problems={},
                           **_status_context(_sid(survey_id)))


def _links(made) -> list[dict]:
    return [{"name": inv.name, "actor": inv.actor_id, "contact": inv.contact,
             "link": url_for("surveys.respond", token=token, _external=True)}
            for inv, token in made]


@bp.post("/surveys/<survey_id>/invite")
def invite(survey_id):
    sid = _sid(survey_id)
    store = S.surveys()
    view = current_access().view
    try:
        upload = request.files.get("contacts")
        if upload is not None and upload.filename:
            with tempfile.TemporaryDirectory(prefix="graphsvc-contacts-") as tmp:
                path = Path(tmp) / (secure_filename(upload.filename) or "contacts.csv")
                upload.save(path)
                chosen = read_contacts(path, view, get_service().read_limits)
        else:
            chosen = [(view.get_actor(i), None) for i in request.form.getlist("actor")]
            if not chosen:
                raise ValidationFailed([Problem("choose the organisations to invite",
                                                field="actor")],
                                       message="nobody was invited.")
        made = store.invite(sid, chosen, by=_who(), ip=request.remote_addr)
    except ValidationFailed as exc:
        return render_template("surveys/status.html", links=None,
                               problems=S.form_problems(exc),
                               **_status_context(sid)), 422
    return render_template("surveys/status.html", links=_links(made), problems={},
                           **_status_context(sid))


@bp.post("/surveys/<survey_id>/reissue")
def reissue(survey_id):
    sid = _sid(survey_id)
    made = S.surveys().reissue(sid, request.form.get("invitation"), by=_who(),
                               ip=request.remote_addr)
    return render_template("surveys/status.html", links=_links([made]), problems={},
                           **_status_context(sid))


# --- the review queue ------------------------------------------------------------------

def _review_context(sid: int, problems: dict | None = None) -> dict:
    from ..model import ACTOR_KINDS
    from .i18n import kind_label

    store = S.surveys()
    record = store.get(sid)
    items = review.proposals(store, sid, current_access().view)
    return {"record": record, "title": S.text_in(record.spec.title, record.spec.languages),
            "items": items, "problems": problems or {}, "actor_kinds": ACTOR_KINDS,
            "kind_label": kind_label, "pending": sum(p["status"] == "pending" for p in items),
            **_common()}


@bp.get("/surveys/<survey_id>/review")
def review_page(survey_id):
    return render_template("surveys/review.html", done=None,
                           **_review_context(_sid(survey_id)))


def _choice(form) -> dict:
    return {k: (form.get(k) or "").strip() or None
            for k in ("match", "new_kind", "new_country", "kind", "since", "strength",
                      "direction")}


@bp.post("/surveys/<survey_id>/review")
def decide(survey_id):
    sid = _sid(survey_id)
    store, view = S.surveys(), current_access().view
    form = request.form
    action = form.get("action")
    done = None
    try:
        if action in ("accept_selected", "reject_selected"):
            items = []
            for item in form.getlist("item"):
                inv, _sep, key = item.partition(":")
                if inv.isdigit() and key:
                    items.append((int(inv), key))
            if action == "accept_selected":
                got = review.accept_all(store, view, sid, items)
                done = {"accepted": len(got["accepted"]), "skipped": len(got["skipped"])}
            else:
                for inv_id, key in items:
                    review.reject(store, view, sid, inv_id, key)
                done = {"rejected": len(items)}
        elif action == "accept":
            review.accept(store, view, sid, form.get("invitation"), form.get("key") or "",
                          _choice(form))
            done = {"accepted": 1}
        elif action == "reject":
            review.reject(store, view, sid, form.get("invitation"), form.get("key") or "")
            done = {"rejected": 1}
        else:
            raise InvalidQuery([{"field": "action", "value": action,
                                 "message": _("Choose accept or reject.")}])
    except ValidationFailed as exc:
        return render_template("surveys/review.html", done=None,
                               **_review_context(sid, {
                                   f"{form.get('invitation')}:{form.get('key')}":
                                   S.form_problems(exc)})), 422
    return render_template("surveys/review.html", done=done, **_review_context(sid))


# --- results -----------------------------------------------------------------------

@bp.get("/surveys/<survey_id>/results")
def results_page(survey_id):
    from .analyses import INDICATOR_LABELS

    sid = _sid(survey_id)
    page = results(S.surveys(), sid, current_access().view)
    record = S.surveys().get(sid)
    charts = _charts(record.spec, page)
    return render_template("surveys/results.html", page_data=page, record=record,
                           title=S.text_in(record.spec.title, record.spec.languages),
                           indicator_labels={k: str(v[0]) for k, v in INDICATOR_LABELS.items()},
                           result_labels={k: str(v) for k, v in S.RESULT_LABELS.items()},
                           charts=charts, **_common())


def _charts(spec, page) -> list[dict]:
    """Bar charts of the choice questions' answers (barriers, wanted ties...)."""
    rows = {q["id"]: q for q in S.question_rows(spec)}
    out = []
    for qid, c in page["answers"]["counts"].items():
        q = rows[qid]
        names = dict(q["options"])
        top = max(c["counts"].values(), default=0) or 1
        out.append({"id": qid, "text": q["text"], "answered": c["answered"],
                    "bars": [{"label": names.get(o, o), "count": n,
                              "share": n / c["answered"] if c["answered"] else 0,
                              "width": round(260 * n / top)}
                             for o, n in c["counts"].items()]})
    return out


def _download(body, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={name}"})


@bp.get("/surveys/<survey_id>/results.csv")
def results_csv_file(survey_id):
    sid = _sid(survey_id)
    view = current_access().view
    text = results_csv(S.surveys(), sid, view)
    view.audit_export(f"survey:{sid}", {"format": "csv"})
    return _download(text, "text/csv", f"survey-{sid}-results.csv")


@bp.get("/surveys/<survey_id>/results.xlsx")
def results_xlsx_file(survey_id):
    sid = _sid(survey_id)
    view = current_access().view
    with tempfile.TemporaryDirectory(prefix="graphsvc-survey-") as tmp:
        path = Path(tmp) / "results.xlsx"
        results_xlsx(S.surveys(), sid, view, path)
        data = path.read_bytes()
    view.audit_export(f"survey:{sid}", {"format": "xlsx"})
    return _download(data, "application/vnd.openxmlformats-"
                     "officedocument.spreadsheetml.sheet", f"survey-{sid}-results.xlsx")


# --- one organisation's answers, and every version saved --------------------------

def _response(survey_id, invitation_id) -> tuple:
    store = S.surveys()
    record = store.get(_sid(survey_id))
    inv = store.invitation(invitation_id)
    if inv.survey_id != record.id:
        raise NotFound(f"no invitation {invitation_id} in survey {record.id}")
    return store, record, inv


def response_data(store, record, inv) -> dict:
    """One invitation's answers, question by question in the reader's
    language, and every version saved (when, whether sent)."""
    rows = []
    given = inv.answers.answers if inv.answers else {}
    for q in S.question_rows(record.spec):
        names = dict(q["options"])
        v = given.get(q["id"])
        values = v if isinstance(v, list) else ([v] if v else [])
        rows.append({"id": q["id"], "text": q["text"],
                     "answer": [names.get(x, x) for x in values]})
    return {"invitation": inv.to_dict(), "questions": rows,
            "roster": [e.to_record() for e in inv.answers.roster] if inv.answers else [],
            "versions": [{k: v for k, v in ver.items() if k != "answers"}
                         for ver in store.versions(inv.id)]}


@bp.get("/surveys/<survey_id>/responses/<invitation_id>")
def response_page(survey_id, invitation_id):
    store, record, inv = _response(survey_id, invitation_id)
    current_access().view.audit_read(f"survey:{record.id}", {"invitation": inv.id})
    return render_template("surveys/response.html", record=record, inv=inv,
                           title=S.text_in(record.spec.title, record.spec.languages),
                           data=response_data(store, record, inv), **_common())


# --- the respondent ----------------------------------------------------------------

@bp.route("/s/<token>", methods=["GET", "POST"])
def respond(token):
    store = S.surveys()
    record, inv = store.by_token(token)
    # the page speaks one of the survey's languages: the reader's, else its first
    lang = str(get_locale() or "en")
    with force_locale(lang if lang in record.spec.languages else record.spec.languages[0]):
        return _respond(store, record, inv, token)


def _respond(store, record, inv, token):
    ctx = {"period": store.period(record.spec), "token": token, "notice": None}
    if request.method == "GET":
        store.opened(inv, request.remote_addr)
        return _respond_page(S.respondent_page(record, inv), ctx)
    action = request.form.get("action", "save")
    try:
        answers = S.answers_from_form(request.form, record.spec)
        saved = store.save(token, answers, submit=action == "submit",
                           ip=request.remote_addr)
    except ValidationFailed as exc:
        # shown again as sent, with each problem beside its answer: nothing typed is lost
        return _respond_page(S.respondent_page(record, inv, S.form_problems(exc),
                                               form=request.form), ctx, 422)
    except Forbidden:
        return _respond_page(S.respondent_page(record, inv), ctx, 403)
    ctx["notice"] = "submitted" if action == "submit" else "saved"
    more = 3 if action == "more" else 0
    return _respond_page(S.respondent_page(record, saved, more=more), ctx)


def _respond_page(page: dict, ctx: dict, status: int = 200):
    resp = current_app.response_class(
        render_template("surveys/respond.html", survey=page, **ctx), status=status,
        mimetype="text/html")
    # one organisation's answers: never kept by a browser or proxy for the next
    resp.headers["Cache-Control"] = "no-store"
    return resp


# --- the JSON twins ----------------------------------------------------------------

def _body() -> dict:
    from .api import _body as body

    return body()


_SURVEY_BODY = {"required": True, "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Survey"}}}}


@api_bp.get("")
@operation("Surveys", "Every survey, newest first, with how many organisations were "
           "invited and how many answered.", tag="surveys")
def api_index():
    store = S.surveys()
    return jsonify({"items": [{**r.to_dict(), "status": store.status(r.id),
                               "period": store.period(r.spec)} for r in store.all()]})


@api_bp.post("")
@operation("Create a survey", "A survey's design (model Survey); 201 with the survey.",
           body=_SURVEY_BODY, extra_responses=("400", "422"), ok_status="201",
           tag="surveys")
def api_create():
    spec = survey_from(_body())
    record = S.surveys().create(spec, by=_who(), ip=request.remote_addr)
    return jsonify(record.to_dict()), 201


@api_bp.get("/<survey_id>")
@operation("One survey", "Its design and where each invitation stands.",
           path_params=["survey_id"], tag="surveys")
def api_survey(survey_id):
    store = S.surveys()
    sid = _sid(survey_id)
    return jsonify({**store.get(sid).to_dict(), "status": store.status(sid),
                    "invitations": [i.to_dict() for i in store.invitations(sid)],
                    "to_remind": [i.id for i in store.to_remind(sid)]})


@api_bp.put("/<survey_id>")
@operation("Change a survey", "Replaces the design.", path_params=["survey_id"],
           body=_SURVEY_BODY, extra_responses=("400", "422"), tag="surveys")
def api_update(survey_id):
    S.surveys().get(_sid(survey_id))  # 404 for no such survey, before the body
    spec = survey_from(_body())
    record = S.surveys().update(_sid(survey_id), spec, by=_who(), ip=request.remote_addr)
    return jsonify(record.to_dict())


@api_bp.post("/<survey_id>/invitations")
@operation("Invite organisations", "Body: {\"actors\": [ids], \"contacts\": {id: "
           "contact}}. Answers each invitation with its personal link, shown this once.",
           path_params=["survey_id"], extra_responses=("400", "422"), ok_status="201",
           tag="surveys")
def api_invite(survey_id):
    body = _body()
    view = current_access().view
    ids = body.get("actors")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise InvalidQuery([{"field": "actors", "value": None,
                             "message": _("Give the ids of the actors to invite.")}])
    given = body.get("contacts")
    contacts: dict = given if isinstance(given, dict) else {}
    chosen = [(view.get_actor(i), str(contacts.get(i) or "")[:300] or None) for i in ids]
    made = S.surveys().invite(_sid(survey_id), chosen, by=_who(), ip=request.remote_addr)
    return jsonify({"items": [{**inv.to_dict(), "link": url_for(
        "surveys.respond", token=token, _external=True)} for inv, token in made]}), 201


@api_bp.get("/<survey_id>/proposals")
@operation("The review queue", "Every organisation named in a submitted answer, as a "
           "proposed tie (and actor), with its status, likely duplicates and "
           "reciprocity.", path_params=["survey_id"], tag="surveys")
def api_proposals(survey_id):
    return jsonify({"items": review.proposals(S.surveys(), _sid(survey_id),
                                              current_access().view)})


@api_bp.post("/<survey_id>/proposals/accept")
@operation("Accept proposals", "Body: {\"invitation\", \"key\", and optionally "
           "\"match\" (an actor id), \"new_kind\", \"new_country\", \"kind\", \"since\", "
           "\"strength\"} for one, or {\"items\": [[invitation, key], ...]} for many "
           "(organisations not in the graph are skipped: they need a decision one by "
           "one).", path_params=["survey_id"], extra_responses=("400", "422"),
           tag="surveys")
def api_accept(survey_id):
    body = _body()
    store, view, sid = S.surveys(), current_access().view, _sid(survey_id)
    if isinstance(body.get("items"), list):
        items = [(int(i[0]), str(i[1])) for i in body["items"]
                 if isinstance(i, list) and len(i) == 2 and str(i[0]).isdigit()]
        return jsonify(review.accept_all(store, view, sid, items, path="api"))
    choice = {k: body.get(k) for k in ("match", "new_kind", "new_country", "kind", "since",
                                       "strength", "direction")}
    return jsonify(review.accept(store, view, sid, body.get("invitation"),
                                 str(body.get("key") or ""), choice, path="api"))


@api_bp.post("/<survey_id>/proposals/reject")
@operation("Reject a proposal", "Body: {\"invitation\", \"key\"}. Nothing is written to "
           "the graph; the decision is kept and audited.", path_params=["survey_id"],
           extra_responses=("400",), tag="surveys")
def api_reject(survey_id):
    body = _body()
    review.reject(S.surveys(), current_access().view, _sid(survey_id),
                  body.get("invitation"), str(body.get("key") or ""))
    return jsonify({"rejected": 1})


@api_bp.get("/<survey_id>/results")
@operation("Results", "Response rate; the 2021 indicators from the answers beside the "
           "2021 figures and the graph; counts of every choice question; the network of "
           "the answers.", path_params=["survey_id"], tag="surveys")
def api_results(survey_id):
    return jsonify(results(S.surveys(), _sid(survey_id), current_access().view))


@api_bp.get("/<survey_id>/responses/<invitation_id>")
@operation("One organisation's answers", "Its answers question by question, the "
           "organisations it named, and every version saved (when, whether sent).",
           path_params=["survey_id", "invitation_id"], tag="surveys")
def api_response(survey_id, invitation_id):
    store, record, inv = _response(survey_id, invitation_id)
    current_access().view.audit_read(f"survey:{record.id}", {"invitation": inv.id})
    return jsonify(response_data(store, record, inv))


@api_bp.get("/respond/<token>")
@operation("A survey at its link", "No account: the link's token opens its own "
           "invitation. The survey, the answers saved and the public actors' names; "
           "`csrf_token` goes back in the X-CSRFToken header of the PUT.",
           path_params=["token"], tag="surveys")
def respond_json(token):
    store = S.surveys()
    record, inv = store.by_token(token)
    store.opened(inv, request.remote_addr)
    period = store.period(record.spec)
    body = {**S.respondent_json(record, inv), "period": period, "csrf_token": generate_csrf()}
    if period == "closed":  # an expired link reads no answers
        body["answers"] = None
    resp = jsonify(body)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@api_bp.put("/respond/<token>")
@operation("Save answers at a link", "Body: {\"answers\": SurveyAnswers, \"submit\": "
           "bool}. Saved (and submitted) while the survey is open; 403 otherwise.",
           path_params=["token"], extra_responses=("400", "422"), tag="surveys")
def respond_save(token):
    body = _body()
    sent = body.get("answers")
    answers = answers_from(sent if isinstance(sent, dict) else {})
    S.surveys().by_token(token)  # a wrong link is 404 before anything else
    public = set(S.public_names().values())
    unknown = [(n, e.actor) for n, e in enumerate(answers.roster, 1)
               if e.actor and e.actor not in public]
    if unknown:
        # the same answer for a restricted actor as for one that does not exist
        raise ValidationFailed([Problem(f"no public actor with id '{a}'",
                                        field=f"roster.{n}.actor", value=a,
                                        hint="Pick an actor from public_actors, or give "
                                        "the organisation's name instead.")
                                for n, a in unknown], message="the answers were not saved.",
                               hint="Correct the answers named and save again.")
    inv = S.surveys().save(token, answers, submit=bool(body.get("submit")),
                           ip=request.remote_addr)
    return jsonify({"state": inv.state, "saved_at": inv.saved_at,
                    "submitted_at": inv.submitted_at})

