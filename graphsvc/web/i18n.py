"""Languages: the locale chosen per request, and translated vocabulary labels.

The locale comes from ``?lang=`` (remembered in a cookie), then the cookie,
then the browser's Accept-Language; English is the fallback.
"""
from __future__ import annotations

import re

from babel import Locale
from flask import Flask, request
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context

__all__ = ["LANGUAGES", "select_locale", "init_app", "kind_label", "tie_kind_label",
           "country_name", "provenance_label", "visibility_label", "area_label", "role_label",
           "population_label", "phase_label", "subtype_label", "actor_role_label",
           "status_label", "problem_text", "problem_sentence", "value_label", "LANG_COOKIE",
           "event_kind_label", "participant_role_label", "group_kind_label",
           "member_role_label"]

#: Supported languages, in the order the switch shows them.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
LANG_COOKIE = "graphsvc_lang"

KIND_LABELS = {
    "cso": _l("Civil-society organization"),
    "shelter": _l("Shelter"),
    "faith_based": _l("Faith-based organization"),
    "migrant_led": _l("Migrant-led organization"),
    "network": _l("Network or forum"),
    "international_org": _l("International organization"),
    "government": _l("Government body"),
    "official": _l("Official or legislator"),
    "funder": _l("Funder"),
    "academia": _l("Academia or think tank"),
    "business": _l("Business"),
    "individual": _l("Individual"),
}
TIE_KIND_LABELS = {
    "formal": _l("Formal"),
    "informal": _l("Informal"),
    "funding": _l("Funding"),
}
#: The layer of ties projected from shared events and groups (not a kind a
#: tie is recorded with).
LAYER_LABELS = {"co_participation": _l("Co-participation")}
PROVENANCE_LABELS = {
    "survey": _l("Survey"),
    "workshop": _l("Workshop"),
    "public_report": _l("Public report"),
    "facilitator_note": _l("Facilitator's note"),
    "introduction": _l("Introduction"),
    "import": _l("Import"),
    "illustrative": _l("Illustrative"),
}
VISIBILITY_LABELS = {"public": _l("Public"), "restricted": _l("Restricted")}
ROLE_LABELS = {"viewer": _l("viewer"), "analyst": _l("analyst"), "editor": _l("editor"),
               "admin": _l("administrator"), "public": _l("public view")}
AREA_LABELS = {
    "legal_aid": _l("Legal aid"), "shelter": _l("Shelter"), "health": _l("Health"),
    "mental_health": _l("Mental health"), "documentation": _l("Documentation"),
    "employment": _l("Employment"), "education": _l("Education"),
    "housing": _l("Housing"), "advocacy": _l("Advocacy"),
    "litigation": _l("Litigation"), "monitoring": _l("Monitoring"),
    "protection": _l("Protection"), "integration": _l("Integration"),
    "research": _l("Research"), "funding": _l("Funding"),
}
POPULATION_LABELS = {
    "central_americans": _l("Central Americans"), "haitians": _l("Haitians"),
    "venezuelans": _l("Venezuelans"), "cubans": _l("Cubans"), "mexicans": _l("Mexicans"),
    "deportees": _l("Deportees"), "idps": _l("Internally displaced people"),
    "asylum_seekers": _l("Asylum seekers"), "refugees": _l("Refugees"),
    "children": _l("Children and adolescents"), "women": _l("Women"),
    "lgbtq": _l("LGBTQ+ people"), "indigenous": _l("Indigenous peoples"),
    "families": _l("Families"),
}
PHASE_LABELS = {
    "humanitarian": _l("Humanitarian aid"),
    "short_medium_term": _l("Short and medium term"),
    "long_term": _l("Long term"),
}
#: Levels of government (graphsvc.model.LEVELS).
LEVEL_LABELS = {
    "federal": _l("federal"),
    "state": _l("state"),
    "municipal": _l("municipal"),
    "legislative": _l("legislative"),
}
SUBTYPE_LABELS = {
    "project_agreement": _l("Project agreement"), "mou": _l("Memorandum of understanding"),
    "implementing_partner": _l("Implementing partner"), "coalition": _l("Coalition"),
    "board": _l("Board seat"), "employment": _l("Employment"),
    "affiliation": _l("Affiliation"), "workshop": _l("Workshop"),
    "conference": _l("Conference"), "information_sharing": _l("Information sharing"),
    "advice": _l("Advice"), "introduction": _l("Introduction"),
    "grant": _l("Grant"), "contract": _l("Contract"), "in_kind": _l("In kind"),
}
#: An actor's roles (graphsvc.model.ROLES), not an account's (ROLE_LABELS).
ACTOR_ROLE_LABELS = {"funder": _l("Funder"), "policymaker": _l("Policymaker")}

#: Events and groups (graphsvc.model.EVENT_KINDS, PARTICIPANT_ROLES,
#: GROUP_KINDS, MEMBER_ROLES).
EVENT_KIND_LABELS = {"workshop": _l("Workshop"), "convening": _l("Convening or forum"),
                     "meeting": _l("Meeting"), "visit": _l("Visit")}
PARTICIPANT_ROLE_LABELS = {"organiser": _l("Organiser"), "speaker": _l("Speaker"),
                           "participant": _l("Participant")}
GROUP_KIND_LABELS = {"working_group": _l("Working group"), "coalition": _l("Coalition"),
                     "task_force": _l("Task force"),
                     "regional_process": _l("Regional process")}
MEMBER_ROLE_LABELS = {"chair": _l("Chair"), "member": _l("Member"),
                      "observer": _l("Observer")}

#: Measures a map can be sized by (graphsvc.web.data.MEASURES).
MEASURE_LABELS = {
    "degree": _l("Ties"), "betweenness": _l("Betweenness"), "pagerank": _l("PageRank"),
    "eigenvector": _l("Eigenvector"), "closeness": _l("Closeness"),
    "harmonic": _l("Harmonic closeness"), "strength": _l("Strength"),
    "brokerage_total": _l("Brokerage (total)"), "constraint": _l("Constraint"),
    "policymaker_reach": _l("US policymakers within two ties"),
}
#: Where the map's focus routes go (params.FOCUS_TARGETS), and its routes.
FOCUS_LABELS = {"us_policymakers": _l("US policymakers"), "funders": _l("Funders"),
                "actor": _l("Another actor")}
ROUTE_LABELS = {"shortest": _l("Shortest route"), "most_trusted": _l("Most trusted route")}
#: Attributes brokerage can group actors by.
GROUP_LABELS = {"country": _l("Country"), "kind": _l("Kind"),
                "community": _l("Community"), "city": _l("City")}


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        return lang
    lang = request.cookies.get(LANG_COOKIE)
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def _label(table: dict, value) -> str:
    if value is None:
        return ""
    label = table.get(value)
    return str(label) if label is not None else str(value).replace("_", " ")


def kind_label(kind) -> str:
    return _label(KIND_LABELS, kind)


def tie_kind_label(kind) -> str:
    return _label(TIE_KIND_LABELS if kind in TIE_KIND_LABELS else LAYER_LABELS, kind)


def provenance_label(value) -> str:
    return _label(PROVENANCE_LABELS, value)


def visibility_label(value) -> str:
    return _label(VISIBILITY_LABELS, value)


def role_label(value) -> str:
    return _label(ROLE_LABELS, value)


def area_label(value) -> str:
    return _label(AREA_LABELS, value)


def population_label(value) -> str:
    return _label(POPULATION_LABELS, value)


def phase_label(value) -> str:
    return _label(PHASE_LABELS, value)


def level_label(value) -> str:
    return _label(LEVEL_LABELS, value)


def subtype_label(value) -> str:
    return _label(SUBTYPE_LABELS, value)


def actor_role_label(value) -> str:
    return _label(ACTOR_ROLE_LABELS, value)


def event_kind_label(value) -> str:
    return _label(EVENT_KIND_LABELS, value)


def participant_role_label(value) -> str:
    return _label(PARTICIPANT_ROLE_LABELS, value)


def group_kind_label(value) -> str:
    return _label(GROUP_KIND_LABELS, value)


def member_role_label(value) -> str:
    return _label(MEMBER_ROLE_LABELS, value)


def value_label(record: str, field: str, value):
    """A stored value of ``field`` as a page shows it: vocabulary values by
    their label (lists label each item); anything else as it is."""
    if (record, field) in (("event", "participants"), ("group", "members")) and value:
        return [_entry_text(record, e) for e in value]
    label = _FIELD_LABELS.get((record, field)) or _FIELD_LABELS.get(("", field))
    if label is None or value is None:
        return value
    if isinstance(value, list):
        return [label(v) if isinstance(v, str) else v for v in value]
    return label(value) if isinstance(value, str) else value


def _entry_text(record: str, entry) -> str:
    """A participant or member as the history shows it: the actor's id and
    its role (and a member's dates and visibility), in the page's language."""
    if not isinstance(entry, dict):
        return str(entry)
    if record == "event":
        return f"{entry.get('actor')} ({participant_role_label(entry.get('role'))})"
    dates = " – ".join(str(entry.get(k) or "…") for k in ("since", "until"))
    return (f"{entry.get('actor')} ({member_role_label(entry.get('role'))}, {dates}, "
            f"{visibility_label(entry.get('visibility')).lower()})")


def measure_label(value) -> str:
    return _label(MEASURE_LABELS, value)


def group_label(value) -> str:
    return _label(GROUP_LABELS, value)


#: Introduction statuses, as pages name them.
STATUS_NAMES = {"proposed": _l("Proposed"), "made": _l("Made"), "declined": _l("Declined")}


def status_label(value) -> str:
    return _label(STATUS_NAMES, value)


def country_name(code) -> str:
    """The country's name in the current language; ``INT`` is international."""
    if not code:
        return ""
    if code == "INT":
        return str(_l("International"))
    try:
        return Locale.parse(str(get_locale())).territories.get(code, code)
    except (ValueError, TypeError):
        return code


_FIELD_LABELS = {
    ("actor", "kind"): kind_label, ("tie", "kind"): tie_kind_label,
    ("event", "kind"): event_kind_label, ("group", "kind"): group_kind_label,
    ("", "subtype"): subtype_label, ("", "phases"): phase_label,
    ("", "populations"): population_label, ("", "issue_areas"): area_label,
    ("", "roles"): actor_role_label, ("", "provenance"): provenance_label,
    ("", "visibility"): visibility_label, ("", "status"): status_label,
    ("", "country"): country_name, ("", "level"): level_label,
}


def language_name(code) -> str:
    """An ISO 639 language's name in the current language (CLDR, via Babel),
    e.g. ``es`` -> "Spanish" / "español"; an unknown code stays as it is."""
    if not code:
        return ""
    try:
        return Locale.parse(str(get_locale())).languages.get(code, code)
    except (ValueError, TypeError):
        return code


def _per_render(f):
    # Jinja folds a filter applied to a literal ('funding'|tie_kind_label) at
    # compile time, in whichever language came first; a context filter is
    # never folded, so it is translated on every render.
    @pass_context
    def filter_(_context, value):
        return f(value)
    return filter_


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    for f in (kind_label, tie_kind_label, provenance_label, visibility_label,
              area_label, role_label, measure_label, group_label, country_name,
              status_label, population_label, phase_label, subtype_label,
              actor_role_label, problem_text, event_kind_label, participant_role_label,
              group_kind_label, member_role_label):
        app.add_template_filter(_per_render(f), f.__name__)
        app.add_template_global(f)

    @app.after_request
    def remember_language(response):
        lang = request.args.get("lang")
        if lang in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600,
                                samesite="Lax", httponly=True)
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response


# --- import and validation problems in the reader's language -------------------
# The model and the readers word problems in English (the CLI's language and the
# API's ``message``); a page shows them through problem_text. Each English
# pattern (a full match) has one translated template; its groups are kept as
# written (values, ids, column names). A sentence with no pattern is shown
# as written.
_PROBLEM_WORDS: list[tuple[str, object]] = [
    (r"missing (?P<f>\w+)", _l("missing %(f)s")),
    (r"'(?P<v>.*)' is not a whole number", _l("'%(v)s' is not a whole number")),
    (r"'(?P<v>.*)' is not a number", _l("'%(v)s' is not a number")),
    (r"'(?P<v>.*)' is not a date", _l("'%(v)s' is not a date")),
    (r"'(?P<v>.*)' should be greater than (?P<n>\S+)",
     _l("'%(v)s' should be greater than %(n)s")),
    (r"'(?P<v>.*)' should be less than or equal to (?P<n>\S+)",
     _l("'%(v)s' should be at most %(n)s")),
    (r"unknown actor kind '(?P<v>.*)': use one of (?P<l>.*)",
     _l("unknown actor kind '%(v)s': use one of %(l)s")),
    (r"unknown tie kind '(?P<v>.*)': use one of (?P<l>.*)",
     _l("unknown tie kind '%(v)s': use one of %(l)s")),
    (r"unknown provenance '(?P<v>.*)': use one of (?P<l>.*)",
     _l("unknown provenance '%(v)s': use one of %(l)s")),
    (r"unknown visibility '(?P<v>.*)': use one of (?P<l>.*)",
     _l("unknown visibility '%(v)s': use one of %(l)s")),
    (r"'(?P<v>.*)' is not an ISO 3166 two-letter country code \(MX, US, GT, \.\.\.\) or INT "
     r"for international", _l("'%(v)s' is not a two-letter ISO 3166 country code "
                              "(MX, US, GT, ...) nor INT for international")),
    (r"'(?P<v>.*)' is not a label: use letters, digits and '_'",
     _l("'%(v)s' is not a label: use letters, digits and '_'")),
    (r"'(?P<v>.*)' is not an ISO 4217 currency code \(USD, MXN, EUR, \.\.\.\)",
     _l("'%(v)s' is not an ISO 4217 currency code (USD, MXN, EUR, ...)")),
    (r"no actor with id '(?P<v>.*)'", _l("no actor with id '%(v)s'")),
    (r"tie (?P<t>\S+): no actor with id '(?P<v>.*)'", _l("tie %(t)s: no actor with id '%(v)s'")),
    (r"'(?P<v>.*)' should be a finite number", _l("'%(v)s' should be a finite number")),
    (r"actor '(?P<v>.*)' is rejected \((?P<f>.*), row (?P<n>\d+)\)",
     _l("actor '%(v)s' is rejected (%(f)s, row %(n)s)")),
    (r"'(?P<v>.*)' is the name of several actors \((?P<l>.*)\)",
     _l("'%(v)s' is the name of several actors (%(l)s)")),
    (r"duplicate (?P<f>[\w ]+) '(?P<v>.*)' \(also on rows? (?P<l>.*)\)",
     _l("duplicate %(f)s '%(v)s' (also on row %(l)s)")),
    (r"no '(?P<f>\w+)' column", _l("no '%(f)s' column")),
    (r"columns (?P<l>.*) both give (?P<f>\w+)", _l("columns %(l)s both give %(f)s")),
    (r"'(?P<a>.*)' and '(?P<b>.*)' both give (?P<f>\w+)",
     _l("'%(a)s' and '%(b)s' both give %(f)s")),
    (r"the file has no data rows", _l("the file has no data rows")),
    (r"not a known (?P<f>\w+) column; ignored\.", _l("not a known column; ignored.")),
    (r"a tie needs two different actors \(source equals target\)",
     _l("a tie needs two different actors (source equals target)")),
    (r"amount, currency and channel belong to funding ties only",
     _l("amount, currency and channel belong to funding ties only")),
    (r"a funding amount needs its currency \(USD, MXN, \.\.\.\)",
     _l("a funding amount needs its currency (USD, MXN, ...)")),
    (r"'until' is before 'since'", _l("'until' is before 'since'")),
    (r"must start with a letter or digit and use only letters, digits, '_', '\.', ':' or "
     r"'-' \(at most 128 characters\)",
     _l("must start with a letter or digit and use only letters, digits, '_', '.', ':' "
        "or '-' (at most 128 characters)")),
    (r"'(?P<v>.*)' is above the largest amount accepted \((?P<n>.*)\)",
     _l("'%(v)s' is above the largest amount accepted (%(n)s)")),
    (r"read as Windows-1252 text \(what Excel saves as 'CSV'\), not UTF-8",
     _l("read as Windows-1252 text (what Excel saves as 'CSV'), not UTF-8")),
    (r"the file is not UTF-8 text \(first bad byte on line (?P<n>\d+)\)",
     _l("the file is not UTF-8 text (first bad byte on line %(n)s)")),
    (r"(?P<n>\d+) dates read day first \(dd/mm/yyyy\), e\.g\. '(?P<v>.*)' as (?P<d>\S+)",
     _l("%(n)s dates read day first (dd/mm/yyyy), e.g. '%(v)s' as %(d)s")),
    (r"(?P<n>\d+) dates read month first \(mm/dd/yyyy\), as '(?P<p>.*)' shows, e\.g\. "
     r"'(?P<v>.*)' as (?P<d>\S+)",
     _l("%(n)s dates read month first (mm/dd/yyyy), as '%(p)s' shows, e.g. '%(v)s' as "
        "%(d)s")),
    (r"(?P<n>\d+) numbers read with a decimal comma, e\.g\. '(?P<v>.*)' as (?P<d>\S+)",
     _l("%(n)s numbers read with a decimal comma, e.g. '%(v)s' as %(d)s")),
    (r"the dates mix two orders: '(?P<a>.*)' \(row (?P<r>\d+)\) is day first, "
     r"'(?P<b>.*)' \(row (?P<s>\d+)\) month first",
     _l("the dates mix two orders: '%(a)s' (row %(r)s) is day first, '%(b)s' (row %(s)s) "
        "month first")),
    # hints
    (r"Check that accents read right; save as 'CSV UTF-8' to be sure\.",
     _l("Check that accents read right; save as 'CSV UTF-8' to be sure.")),
    (r"Two-digit years are read as Excel reads them: 00-29 as 2000-2029, 30-99 as "
     r"1930-1999\.", _l("Two-digit years are read as Excel reads them: 00-29 as "
                        "2000-2029, 30-99 as 1930-1999.")),
    (r"Write every date as YYYY-MM-DD \(e\.g\. 2021-03-15\), or all in one order, and "
     r"import again\.", _l("Write every date as YYYY-MM-DD (e.g. 2021-03-15), or all in "
                           "one order, and import again.")),
    (r"Keep one of them\.", _l("Keep one of them.")),
    (r"Put one record per row under the header\.",
     _l("Put one record per row under the header.")),
    (r"Every actor needs a name\.", _l("Every actor needs a name.")),
    (r"Give the kind, e\.g\. cso, shelter, government, funder \(Spanish: osc, albergue, "
     r"gobierno, financiador\)\.",
     _l("Give the kind, e.g. cso, shelter, government, funder (Spanish: osc, albergue, "
        "gobierno, financiador).")),
    (r"Give the country as a code \(MX, US, GT; INT for international\) or a name "
     r"\(México, Estados Unidos\)\.",
     _l("Give the country as a code (MX, US, GT; INT for international) or a name "
        "(México, Estados Unidos).")),
    (r"Give the actor id the tie starts from \(the funder, for funding\)\.",
     _l("Give the actor id the tie starts from (the funder, for funding).")),
    (r"Give the actor id the tie goes to \(the recipient, for funding\)\.",
     _l("Give the actor id the tie goes to (the recipient, for funding).")),
    (r"Give an id, or a name from which one can be made\.",
     _l("Give an id, or a name from which one can be made.")),
    (r"Write an ISO code \(MX, US, GT, INT\) or a country name \(México, Estados Unidos, "
     r"Guatemala\)\.",
     _l("Write an ISO code (MX, US, GT, INT) or a country name (México, Estados Unidos, "
        "Guatemala).")),
    (r"Write dates as YYYY-MM-DD, e\.g\. 2021-03-15, or use a date cell\.",
     _l("Write dates as YYYY-MM-DD, e.g. 2021-03-15, or use a date cell.")),
    (r"Write dates as YYYY-MM-DD or DD/MM/YYYY, e\.g\. 2021-03-15 or 15/03/2021, or use a "
     r"date cell\.",
     _l("Write dates as YYYY-MM-DD or DD/MM/YYYY, e.g. 2021-03-15 or 15/03/2021, or use "
        "a date cell.")),
    (r"Write the amount as a plain number, e\.g\. 250000 or 250000\.50, and the currency "
     r"in its own column\.",
     _l("Write the amount as a plain number, e.g. 250000 or 250000.50, and the currency "
        "in its own column.")),
    (r"Write the year as four digits, e\.g\. 2021\.", _l("Write the year as four digits, "
                                                        "e.g. 2021.")),
    (r"Write a number above 0 and at most 1, e\.g\. 0\.5\.",
     _l("Write a number above 0 and at most 1, e.g. 0.5.")),
    (r"Spanish names work too \(osc, albergue, gobierno, financiador, red\)\.",
     _l("Spanish names work too (osc, albergue, gobierno, financiador, red).")),
    (r"Spanish names work too \(financiamiento for funding\)\.",
     _l("Spanish names work too (financiamiento for funding).")),
    (r"Fix that actor's row; this tie is rejected with it\.",
     _l("Fix that actor's row; this tie is rejected with it.")),
    (r"Use the id of the one you mean\.", _l("Use the id of the one you mean.")),
    (r"It is neither in the actors file nor in the graph: add it to the actors file or "
     r"correct the id\.",
     _l("It is neither in the actors file nor in the graph: add it to the actors file or "
        "correct the id.")),
    (r"It is not in the graph: import it first \(--actors\) or correct the id\.",
     _l("It is not in the graph: import it first (--actors) or correct the id.")),
    (r"Did you mean '(?P<v>.*)' \((?P<f>\w+)\)\? Rename it to import it\.",
     _l("Did you mean '%(v)s' (%(f)s)? Rename it to import it.")),
    (r"Rename it to a known column to import it, or ignore this warning\.",
     _l("Rename it to a known column to import it, or ignore this warning.")),
    (r"Add a column named (?P<f>\w+) \(or (?P<l>[^)]*)\)\.(?P<rest>.*)",
     _l("Add a column named %(f)s (or %(l)s).%(rest)s")),
    (r"Add a column named (?P<f>\w+)\.(?P<rest>.*)", _l("Add a column named %(f)s.%(rest)s")),
    (r"Use ids to be sure which actor is meant\.",
     _l("Use ids to be sure which actor is meant.")),
    (r"Use an actor id as stored \(see the actors list\)\.",
     _l("Use an actor id as stored (see the actors list).")),
    (r"Leave out --public-only to include restricted actors\.",
     _l("Leave out --public-only to include restricted actors.")),
]
_PROBLEM_RES = [(re.compile(p, re.S), t) for p, t in _PROBLEM_WORDS]


def problem_text(text) -> str:
    """An English problem sentence (message or hint) in the current language.

    >>> problem_text("")
    ''
    """
    if not text:
        return ""
    text = str(text)
    for pattern, template in _PROBLEM_RES:
        m = pattern.fullmatch(text)
        if m:
            groups = {k: (v or "") for k, v in m.groupdict().items()}
            if "rest" in groups and groups["rest"].strip():
                groups["rest"] = " " + problem_text(groups["rest"].strip())
            return str(template) % groups if groups else str(template)
    return text


def problem_sentence(p) -> str:
    """A :class:`~graphsvc.errors.Problem` (where, what, what to do) or an
    error (message and hint) as one line in the current language, as the
    command line prints it."""
    from flask_babel import gettext as _

    from ..errors import Problem, _sentences

    if isinstance(p, Problem):
        where = []
        if p.file:
            where.append(p.file)
        if p.row is not None:
            where.append(_("row %(num)d", num=p.row))
        if p.column:
            where.append(_("column '%(name)s'", name=p.column))
        elif p.field:
            where.append(_("field '%(name)s'", name=p.field))
        message = problem_text(p.message)
        text = f"{', '.join(where)}: {message}" if where else message
        return _sentences(text, problem_text(p.hint))
    return _sentences(problem_text(getattr(p, "message", str(p))),
                      problem_text(getattr(p, "hint", None)))
