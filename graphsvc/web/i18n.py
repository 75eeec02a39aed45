"""Languages: the locale chosen per request, and translated vocabulary labels.

The locale comes from ``?lang=`` (remembered in a cookie), then the cookie,
then the browser's Accept-Language; English is the fallback.
"""
from __future__ import annotations

from babel import Locale
from flask import Flask, request
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context

__all__ = ["LANGUAGES", "select_locale", "init_app", "kind_label", "tie_kind_label",
           "country_name", "provenance_label", "visibility_label", "area_label", "role_label",
           "LANG_COOKIE"]

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

#: Measures a map can be sized by (graphsvc.web.data.MEASURES).
MEASURE_LABELS = {
    "degree": _l("Ties"), "betweenness": _l("Betweenness"), "pagerank": _l("PageRank"),
    "eigenvector": _l("Eigenvector"), "closeness": _l("Closeness"),
    "harmonic": _l("Harmonic closeness"), "strength": _l("Strength"),
    "brokerage_total": _l("Brokerage (total)"), "constraint": _l("Constraint"),
}
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
    return _label(TIE_KIND_LABELS, kind)


def provenance_label(value) -> str:
    return _label(PROVENANCE_LABELS, value)


def visibility_label(value) -> str:
    return _label(VISIBILITY_LABELS, value)


def role_label(value) -> str:
    return _label(ROLE_LABELS, value)


def area_label(value) -> str:
    return _label(AREA_LABELS, value)


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
              status_label):
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
