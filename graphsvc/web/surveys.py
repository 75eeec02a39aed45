"""Network surveys on the web: the data functions behind the survey pages
and their JSON twins (views in :mod:`.survey_views`).

Facilitators (``edit``) design surveys, invite organisations and review
answers; the results need ``view_restricted`` (answers are restricted by
nature); an organisation answers at its personal link, with no account:
what that page shows of the graph is read through the public view
(:data:`graphsvc.auth.roles.PUBLIC`), so it holds the names of public
actors, for the roster, and nothing else.
"""
from __future__ import annotations

import datetime as dt
import re
from itertools import zip_longest

from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from ..access import GraphView
from ..auth.roles import PUBLIC
from ..duplicates import name_key
from ..errors import Problem, ValidationFailed
from ..model import (
    FREQUENCIES,
    MAX_QUESTIONS,
    STANDARD_QUESTIONS,
    STRENGTHS,
    TIE_KINDS,
    RosterEntry,
    Survey,
    SurveyAnswers,
    validation_problems,
)
from ..surveys import Surveys
from ..surveys.store import answers_from, survey_from
from .state import get_accounts, get_service

__all__ = ["surveys", "public_view", "public_names", "answers_from_form",
           "survey_from_form", "custom_count", "design_values", "form_problems",
           "standard_questions",
           "respondent_page", "respondent_json", "question_rows", "text_in", "label",
           "STATE_LABELS"]

#: The standard questions' wording.
STANDARD_TEXT = {
    "helpful": _l("Would establishing or maintaining stronger connections with NGOs and "
                  "policymakers in the United States be helpful for your organization?"),
    "barriers_organizations": _l("What are the main barriers to establishing connections "
                                 "with organizations doing similar work in the United "
                                 "States?"),
    "barriers_policymakers": _l("What is the main barrier to establishing connections "
                                "with US policymakers?"),
    "wanted_ties": _l("With whom would your organization like to have more ties?"),
    "wanted_with_whom": _l("Which organizations or offices in particular?"),
    "languages": _l("In which languages does your organization work?"),
}
OPTION_LABELS = {
    "time": _l("Time"), "resources": _l("Resources"),
    "introduction": _l("Lack of an introduction"), "language": _l("Language"),
    "context": _l("Understanding of the other country's context and asylum system"),
    "commitment": _l("Commitment to working together"), "other": _l("Other"),
    "us_organizations": _l("US organizations doing similar work"),
    "us_policymakers": _l("US policymakers"), "funders": _l("Funders"),
    "mx_organizations": _l("Mexican organizations"),
    "mx_policymakers": _l("Mexican policymakers"),
    "international_orgs": _l("International organizations (UNHCR, IOM...)"),
    "es": _l("Spanish"), "en": _l("English"), "ht": _l("Haitian Creole"),
    "fr": _l("French"), "pt": _l("Portuguese"), "indigenous": _l("Indigenous languages"),
}
SCALE_LABELS = {"1": _l("Strongly disagree"), "2": _l("Somewhat disagree"),
                "3": _l("Neither agree nor disagree"), "4": _l("Somewhat agree"),
                "5": _l("Strongly agree")}
FREQUENCY_LABELS = {"weekly": _l("Every week"), "monthly": _l("Every month"),
                    "quarterly": _l("Every few months"), "yearly": _l("Once a year"),
                    "rarely": _l("Rarely")}
STRENGTH_LABELS = {"weak": _l("Weak"), "medium": _l("Medium"), "strong": _l("Strong")}
ROSTER_KIND_LABELS = {"formal": _l("Formal (project agreement, partnership)"),
                      "informal": _l("Informal (workshops, conferences, advice)"),
                      "funding": _l("Funding")}
DIRECTION_LABELS = {"received": _l("We received it"), "gave": _l("We gave it")}
STATE_LABELS = {"invited": _l("Invited"), "opened": _l("Opened"),
                "in_progress": _l("In progress"), "submitted": _l("Submitted")}
RECIPROCITY_LABELS = {"yes": _l("Yes"), "no": _l("No"),
                      "not_answered": _l("Has not answered"),
                      "not_invited": _l("Not invited")}
TYPE_LABELS = {"single": _l("One choice"), "multiple": _l("Several choices"),
               "scale": _l("Scale from 1 to 5"), "text": _l("Text")}
DECISION_LABELS = {"pending": _l("Pending"), "accepted": _l("Accepted"),
                   "rejected": _l("Rejected")}
RESULT_LABELS = {
    "helpful": _l("Say stronger US connections would help"),
    "introduction_barrier_policymakers": _l("Name the lack of an introduction as the main "
                                            "barrier to US policymakers"),
}
#: Blank roster rows the answer page offers beyond those answered.
BLANK_ROWS = 3
#: Custom question slots the design form offers beyond those designed.
BLANK_QUESTIONS = 2


def label(table: dict, value) -> str:
    got = table.get(value)
    return str(got) if got is not None else str(value)


def surveys() -> Surveys:
    """The surveys kept beside the request's app's accounts."""
    return Surveys(get_accounts())


def public_view() -> GraphView:
    """The graph as anyone may see it: what a survey link may show."""
    return GraphView(get_service(), PUBLIC, get_accounts(), ip=request.remote_addr)


def public_names() -> dict[str, str]:
    """Public actors' names (as the roster list offers them) -> their ids;
    a name two public actors share goes to the first by id."""
    out: dict[str, str] = {}
    for a in sorted(public_view().find_actors(), key=lambda a: a.id):
        out.setdefault(a.name, a.id)
    return out


def text_in(texts: dict[str, str], languages: list[str] | None = None) -> str:
    """A survey's text in the page's language, else in its first language."""
    lang = str(get_locale() or "en")
    if lang in texts:
        return texts[lang]
    for code in languages or []:
        if code in texts:
            return texts[code]
    return next(iter(texts.values()), "")


def question_rows(survey: Survey) -> list[dict]:
    """Each question with its wording and options in the page's language."""
    rows = []
    for q in survey.questions:
        if q.id in STANDARD_QUESTIONS:
            text = str(STANDARD_TEXT[q.id])
            options = [(o, label(OPTION_LABELS, o)) for o in q.choices]
        else:
            text = text_in(q.text, survey.languages)
            options = [(code, text_in(o, survey.languages))
                       for code, o in zip(q.choices, q.options, strict=True)]
        if q.type == "scale":
            options = [(k, str(v)) for k, v in SCALE_LABELS.items()]
        rows.append({"id": q.id, "type": q.type, "text": text, "options": options,
                     "required": q.required, "standard": q.id in STANDARD_QUESTIONS})
    return rows


# --- reading the answer form -----------------------------------------------------

def answers_from_form(form, survey: Survey) -> SurveyAnswers:
    """The answer page's fields as answers. A roster row names an
    organisation by its name: a public actor's name (as the list offers
    it) picks that actor; any other name is an organisation not listed."""
    names = public_names()
    folded = {name_key(n): i for n, i in names.items()}
    problems: list[Problem] = []
    roster = []
    rows = zip_longest(form.getlist("org"), form.getlist("org_kind"),
                       form.getlist("org_direction"), form.getlist("org_since"),
                       form.getlist("org_frequency"), form.getlist("org_strength"),
                       form.getlist("org_country"), fillvalue="")
    for n, (name, kind, direction, since, freq, strength, country) in enumerate(rows, 1):
        name = (name or "").strip()
        if not name:
            continue
        actor = names.get(name) or folded.get(name_key(name))
        data: dict = {"actor": actor, "name": None if actor else name,
                "country": (country or "").strip() or None,
                "kind": kind or "informal",
                "direction": (direction or None) if kind == "funding" else None,
                "since": (since or "").strip() or None, "frequency": freq or None,
                "strength": strength or None}
        try:
            roster.append(RosterEntry(**data))
        except ValidationError as exc:
            for p in validation_problems(exc):
                problems.append(Problem(p.message, field=f"org-{n}-{p.field or 'org'}",
                                        value=p.value))
    answers: dict[str, str | list[str]] = {}
    for q in survey.questions:
        if q.type == "multiple":
            got = form.getlist(f"q_{q.id}")
            if got:
                answers[q.id] = got
        else:
            value = (form.get(f"q_{q.id}") or "").strip()
            if value:
                answers[q.id] = value
    if problems:
        raise ValidationFailed(problems, message="the answers were not saved.",
                               hint="Correct the answers named and save again.")
    return answers_from({"roster": [e.to_record() for e in roster], "answers": answers})


def _sent(form, survey: Survey) -> tuple[list[dict], dict]:
    """Roster rows and answers as the form sent them (unchecked), to show again."""
    cols = ("org", "kind", "direction", "since", "frequency", "strength", "country")
    rows = [dict(zip(cols, r, strict=True)) for r in zip_longest(
        *(form.getlist(f"org_{c}" if c != "org" else "org") for c in cols), fillvalue="")]
    answers: dict = {}
    for q in survey.questions:
        got = form.getlist(f"q_{q.id}")
        if got:
            answers[q.id] = got if q.type == "multiple" else got[0]
    return [r for r in rows if (r.get("org") or "").strip()], answers


def respondent_page(record, inv, problems: dict | None = None, form=None,
                    more: int = 0) -> dict:
    """What the answer page shows: the survey in the page's language, the
    answers saved (or, with ``form``, those just sent back with
    ``problems``), roster rows to fill, and the public names the roster offers."""
    spec = record.spec
    ids = public_names()
    by_id = {v: k for k, v in ids.items()}
    if form is not None:
        roster, answers = _sent(form, spec)
    else:
        saved = inv.answers or SurveyAnswers()
        roster = [{**e.to_record(), "org": by_id.get(e.actor, e.name or e.actor or "")
                   if e.actor else e.name} for e in saved.roster]
        answers = saved.answers
    roster += [{"org": "", "kind": "informal"} for _ in range(BLANK_ROWS + more)]
    return {"title": text_in(spec.title, spec.languages),
            "intro": text_in(spec.intro, spec.languages) if spec.intro else "",
            "languages": spec.languages, "opens": spec.opens, "closes": spec.closes,
            "roster_on": spec.roster, "roster": roster, "names": sorted(ids, key=str.casefold),
            "questions": question_rows(spec), "answers": answers,
            "state": inv.state, "name": inv.name, "problems": problems or {},
            "kinds": {k: str(ROSTER_KIND_LABELS[k]) for k in TIE_KINDS},
            "directions": {k: str(v) for k, v in DIRECTION_LABELS.items()},
            "frequencies": {k: str(FREQUENCY_LABELS[k]) for k in FREQUENCIES},
            "strengths": {k: str(STRENGTH_LABELS[k]) for k in STRENGTHS},
            "submitted_at": inv.submitted_at, "saved_at": inv.saved_at}


def respondent_json(record, inv) -> dict:
    """The answer page's JSON twin: the survey as designed, in every
    language it has, and this invitation's answers; nothing of the graph
    but the public names the roster offers."""
    return {"survey": record.spec.to_record(),
            "invitation": {"name": inv.name, "state": inv.state,
                           "saved_at": inv.saved_at, "submitted_at": inv.submitted_at},
            "answers": inv.answers.to_record() if inv.answers else None,
            "public_actors": [{"id": i, "name": n} for n, i in public_names().items()]}


# --- reading the design form ---------------------------------------------------------

def _lines(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").splitlines() if x.strip()]


def custom_count(form) -> int:
    """How many custom question slots the design form sent (0 to the most a
    survey may ask; anything else counts as none)."""
    text = str(form.get("custom_count") or "0")
    return min(int(text), MAX_QUESTIONS) if text.isdigit() else 0


def survey_from_form(form) -> Survey:
    """The design form as a survey: title and introduction per language,
    the period, the standard questions ticked and the custom questions
    filled in (options one per line, the same number in each language)."""
    languages = form.getlist("languages") or ["es", "en"]
    questions: list[dict] = []
    required = set(form.getlist("required"))
    for qid in form.getlist("standard"):
        if qid in STANDARD_QUESTIONS:
            questions.append({"id": qid, "type": STANDARD_QUESTIONS[qid][0],
                              "required": qid in required})
    problems: list[Problem] = []
    n = 0
    for i in range(custom_count(form)):
        text = {lang: (form.get(f"c{i}_text_{lang}") or "").strip() for lang in ("es", "en")}
        if not any(text.values()):
            continue
        n += 1
        qid = re.sub(r"[^a-z0-9_]", "", (form.get(f"c{i}_id") or "").lower()) or f"q{n}"
        qtype = form.get(f"c{i}_type") or "text"
        opts = {lang: _lines(form.get(f"c{i}_options_{lang}")) for lang in ("es", "en")}
        count = max(len(v) for v in opts.values())
        if any(v and len(v) != count for v in opts.values()):
            problems.append(Problem("give the same number of options in each language",
                                    field=f"c{i}_options_en"))
        options = [{lang: opts[lang][k] for lang in opts if k < len(opts[lang])}
                   for k in range(count)]
        questions.append({"id": qid, "type": qtype, "text": text, "options": options,
                          "required": f"c{i}" in required})
    data = {"title": {lang: form.get(f"title_{lang}") or "" for lang in ("es", "en")},
            "intro": {lang: form.get(f"intro_{lang}") or "" for lang in ("es", "en")},
            "languages": languages, "opens": form.get("opens") or None,
            "closes": form.get("closes") or None, "roster": bool(form.get("roster")),
            "questions": questions}
    if problems:
        raise ValidationFailed(problems, message="the survey was not saved.",
                               hint="Correct the fields named and save again.")
    return survey_from({k: v for k, v in data.items() if v is not None})


def design_values(spec: Survey | None) -> dict:
    """A survey as the design form shows it (a new one: the 2021 questions
    ticked, open from today for four weeks)."""
    if spec is None:
        today = dt.date.today()
        return {"title": {}, "intro": {}, "languages": ["es", "en"],
                "opens": today.isoformat(),
                "closes": (today + dt.timedelta(days=28)).isoformat(), "roster": True,
                "standard": list(STANDARD_QUESTIONS), "required": [],
                "custom": [_blank_question() for _ in range(BLANK_QUESTIONS)]}
    custom = [{"id": q.id, "type": q.type, "text": q.text,
               "options": {lang: "\n".join(o.get(lang, "") for o in q.options)
                           for lang in ("es", "en")}, "required": q.required}
              for q in spec.questions if q.id not in STANDARD_QUESTIONS]
    return {"title": spec.title, "intro": spec.intro, "languages": spec.languages,
            "opens": spec.opens.isoformat(), "closes": spec.closes.isoformat(),
            "roster": spec.roster,
            "standard": [q.id for q in spec.questions if q.id in STANDARD_QUESTIONS],
            "required": [q.id for q in spec.questions if q.required],
            "custom": custom + [_blank_question() for _ in range(BLANK_QUESTIONS)]}


def _blank_question() -> dict:
    return {"id": "", "type": "single", "text": {}, "options": {"es": "", "en": ""},
            "required": False}


def form_problems(exc: ValidationFailed) -> dict[str, str]:
    """Problems by field, in the page's language (the model's messages, as
    the editing forms word them: :func:`graphsvc.web.edit.field_message`)."""
    from .edit import field_message

    out: dict[str, str] = {}
    for p in exc.problems:
        out.setdefault(p.field or "form", field_message(p))
    return out


def standard_questions() -> list[dict]:
    return [{"id": q, "type": t, "type_label": str(TYPE_LABELS[t]),
             "text": str(STANDARD_TEXT[q])} for q, (t, _o) in STANDARD_QUESTIONS.items()]

