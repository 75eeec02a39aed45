"""Introduction reports in words: one code for the web app and the command line.

:mod:`graphsvc.queries.introductions` returns plain data (reasons are codes
with their data, brokers are paths, goals and modes are codes). Here that
data is put into the reader's language with the app's Flask-Babel catalogs
and rendered:

- :func:`localise` adds the words (reason sentences, who can introduce
  them, mode, goal, indicator, weights) to a report, in the current locale;
- :func:`report_rows` is the CSV a facilitator opens in a spreadsheet
  (translated headings; cells a spreadsheet would run as formulas are
  defused); :func:`report_json` the JSON;
- :func:`render_report` renders any of them, HTML included, in a given
  language outside a request (the command line): it uses the web app's own
  templates, ``introductions_report.html`` and ``introductions_plan.html``,
  as a self-contained page with no links, forms or scripts.

Templates autoescape every value, so names and notes from imported files
cannot inject markup.
"""
from __future__ import annotations

import contextlib
import functools
import json
from pathlib import Path

from flask import Flask, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..ingest.safe_write import csv_text
from .i18n import (
    LANGUAGES,
    LEVEL_LABELS,
    area_label,
    kind_label,
    language_name,
    phase_label,
    population_label,
    tie_kind_label,
)

__all__ = ["MODE_LABELS", "GOAL_LABELS", "POLICYMAKER_LABELS",
           "policymakers_text", "COLUMNS", "reason_text", "broker_text",
           "indicator_text", "localise", "localised", "report_rows", "report_json",
           "render_report", "render_time_report", "FORMATS", "convening_reason_text",
           "convening_rows", "in_language", "problem_line", "influence_lines"]

#: What :func:`render_report` can produce.
FORMATS = ("html", "csv", "json")

MODE_LABELS = {
    "peer": _l("Peers: Mexican civil society and US organizations doing similar work"),
    "policymaker": _l("Policymakers: US officials and government bodies (via a broker)"),
    "funder": _l("Funders"),
    "open": _l("Anyone not yet tied"),
}
GOAL_LABELS = {
    "policymaker_reach": _l("Reach of US policymakers"),
    "community_bridges": _l("Bridges between communities"),
}
#: Whose policymakers a query targets, and levels of government.
POLICYMAKER_LABELS = {
    "US": _l("US policymakers"),
    "MX": _l("Mexican policymakers"),
    "other": _l("policymakers of other countries and international bodies"),
    "all": _l("policymakers of every country"),
}
_REACH = {
    1: _l("Share of Mexican civil-society actors directly tied to a US policymaker"),
    2: _l("Share of Mexican civil-society actors within two steps of a US policymaker"),
    3: _l("Share of Mexican civil-society actors within three steps of a US policymaker"),
}
_OPTIMISES = {
    "policymaker_reach": _l(
        "Each step adds the introduction between a US policymaker and the actor whose "
        "introduction brings the most Mexican civil-society actors (itself and, beyond "
        "one step, those near it) within reach of a US policymaker for the first time; "
        "the policymaker is the one the recommender scores highest for that actor. "
        "Greedy maximum coverage: within 1 - 1/e of the best plan of the same size."),
    "community_bridges": _l(
        "Each step adds one tie between a pair of the largest communities that is not "
        "yet joined: the pair fewest ties short of joined first, then the most "
        "separated (farthest apart in the graph of communities), then the largest; "
        "the tie is between the two actors the recommender scores highest among each "
        "community's five best-connected members."),
}
#: Why no introduction can raise a plan's indicator, and what to try
#: (the plan's ``blocked`` code, graphsvc.queries.introductions.plan).
_BLOCKED = {
    "no_civil_society": (
        _l("There is no Mexican civil-society actor in the data you may see, so nobody "
           "can be brought within reach."),
        _l("Import Mexican civil-society actors (country MX; kind cso, shelter, "
           "faith_based or migrant_led), or choose the goal \"Bridges between "
           "communities\".")),
    "no_policymakers": (
        _l("There is no policymaker of this country and level of government in the "
           "data you may see."),
        _l("Choose other policymakers or any level of government, or the goal "
           "\"Bridges between communities\".")),
    "all_reached": (
        _l("Every Mexican civil-society actor is already within reach at this number "
           "of steps."),
        _l("Choose fewer steps (1 counts direct ties only, as the 2021 survey did), or "
           "the goal \"Bridges between communities\".")),
    "few_communities": (
        _l("The network has fewer than two communities of three or more actors, so "
           "there is no pair of communities to join."),
        _l("Choose the goal \"Reach of US policymakers\", or import more actors and "
           "ties.")),
    "all_joined": (
        _l("Every pair of the largest communities is already joined by a tie."),
        _l("Choose the goal \"Reach of US policymakers\"; on the command line, "
           "--min-ties asks for more ties between each pair.")),
    "no_candidates": (
        _l("Every introduction that could raise it is already a tie, or was recorded "
           "as made or declined."),
        _l("Choose another goal, number of steps or policymakers.")),
}
_PARTS = {
    "common_contacts": _l("Contacts in common"),
    "issue_areas": _l("Same issue areas"),
    "populations": _l("Same populations"),
    "phases": _l("Same migration phases"),
    "geography": _l("Counterpart cities"),
    "funding_channel": _l("Same funding channel"),
    "bridge": _l("Bridges two groups"),
}
#: How a broker connects the two (the CSV's broker type column).
BROKER_TYPES = {"mutual_contact": _l("Mutual contact"), "path": _l("Chain of contacts")}
#: CSV columns: key in the report -> heading.
COLUMNS = {
    "rank": _l("Rank"), "actor": _l("Actor id"), "name": _l("Name"), "kind": _l("Kind"),
    "country": _l("Country"), "city": _l("City"), "score": _l("Score"),
    "reasons": _l("Reasons"), "broker_type": _l("Broker type"), "broker": _l("Broker id"),
    "broker_name": _l("Broker"), "broker_path": _l("Chain"),
    "proposed": _l("Already proposed"), "illustrative": _l("Illustrative"),
    "source": _l("Id of one side"), "source_name": _l("One side"),
    "target": _l("Id of the other side"), "target_name": _l("Other side"),
    "gain": _l("Gain"), "indicator_after": _l("Indicator after"),
    "as_of": _l("As of"),
}
#: CSV columns of a convening plan: one row per invitee.
CONVENING_COLUMNS = {
    "rank": _l("Rank"), "id": _l("Actor id"), "name": _l("Name"), "kind": _l("Kind"),
    "country": _l("Country"), "city": _l("City"), "languages": _l("Languages"),
    "value": _l("Value of first meetings"), "reasons": _l("Reasons"),
    "illustrative": _l("Illustrative"), "as_of": _l("As of"),
}
_CONVENING_OPTIMISES = _l(
    "Each invitee is added greedily: the one whose first meetings with those already "
    "on the list are worth most. A first meeting is between two invitees with no tie, "
    "no shared event or group and no recorded introduction; it is worth 0.3 plus its "
    "introduction score, times three across the border, twice across sectors, four "
    "times across both. Then someone who speaks a language of each side is kept for "
    "every two invitees without a common language, and in each community present "
    "someone tied to another community present. Greedy has no guarantee of the best "
    "list here; the benchmark compares it with random lists and the most central "
    "actors.")
_SUGGESTION_KEYS = ("rank", "actor", "name", "kind", "country", "city", "score", "reasons",
                    "broker_type", "broker", "broker_name", "broker_path", "proposed",
                    "illustrative", "as_of")
_PLAN_KEYS = ("rank", "source", "source_name", "target", "target_name", "gain",
              "indicator_after", "score", "reasons", "broker_type", "broker", "broker_name",
              "broker_path", "illustrative", "as_of")


# --- words in the current language ---------------------------------------------

def _listing(items, limit: int = 4) -> str:
    items = [str(x) for x in items]
    if len(items) > limit:
        items = items[:limit] + [_("%(n)d more", n=len(items) - limit)]
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1])


def reason_text(r: dict) -> str:
    """One reason (a code and its data) as a sentence in the current language."""
    code = r["code"]
    if code == "common_contacts":
        return ngettext("%(num)d contact in common (%(names)s)",
                        "%(num)d contacts in common (%(names)s)", r["count"],
                        names=_listing(r["names"], 3))
    if code == "issue_areas":
        return _("Both work on %(what)s",
                 what=_listing(area_label(x).lower() for x in r["shared"]))
    if code == "populations":
        return _("Both serve %(what)s",
                 what=_listing(population_label(x).lower() for x in r["shared"]))
    if code == "phases":
        return ngettext("Both work in the %(what)s phase", "Both work in the %(what)s phases",
                        len(r["shared"]),
                        what=_listing(phase_label(x).lower() for x in r["shared"]))
    if code == "geography":
        if r["relation"] == "same_city":
            return _("Both are in %(city)s", city=r["city_u"])
        if r["relation"] == "twin":
            return _("Counterpart places across the border: %(a)s and %(b)s "
                     "(twin border cities)", a=r["city_u"], b=r["city_v"])
        return _("Counterpart places across the border: %(a)s and %(b)s (cities on "
                 "the same border corridor)", a=r["city_u"], b=r["city_v"])
    if code == "funding_channel":
        return _("Both receive money that comes from %(who)s", who=_listing(r["names"]))
    if code == "shared_language":
        return _("Both work in %(what)s",
                 what=_listing(language_name(x) for x in r["languages"]))
    if code == "language_broker":
        return _language_broker(r)
    if code == "language_gap":
        return _("No working language in common (%(a)s; %(b)s) and nobody on the route "
                 "speaks both: plan for interpretation",
                 a=_listing(language_name(x) for x in r["languages_u"]),
                 b=_listing(language_name(x) for x in r["languages_v"]))
    if code == "bridge":
        return _("They sit in different groups of the network (the group around "
                 "%(a)s and the one around %(b)s); the introduction would bridge the "
                 "two groups", a=r["hub_u"], b=r["hub_v"])
    return str(code)


def convening_reason_text(r: dict) -> str:
    """Why an actor is on a convening's invitation list, in the current language."""
    code = r["code"]
    if code == "must":
        return _("Invited on request")
    if code == "first_meetings":
        return ngettext("Would meet %(num)d invitee for the first time (%(border)d across "
                        "the border, %(silo)d across sectors), among them %(names)s",
                        "Would meet %(num)d invitees for the first time (%(border)d "
                        "across the border, %(silo)d across sectors), among them "
                        "%(names)s", r["count"], border=r["cross_border"],
                        silo=r["cross_silo"], names=_listing(r["names"], 3))
    if code == "language_broker":
        return _("Speaks the languages of invitees who share none: %(pairs)s",
                 pairs=_listing(_("%(a)s and %(b)s", a=language_name(a), b=language_name(b))
                                for a, b in r["languages"]))
    if code == "community_broker":
        return _("Tied to other groups in the room: brings in the group around %(hub)s",
                 hub=r["hub"])
    return str(code)


def _unmet_text(r: dict) -> str:
    if r["code"] == "language_broker":
        return _("Nobody who may be invited speaks both %(a)s and %(b)s: plan for "
                 "interpretation", a=language_name(r["languages"][0]),
                 b=language_name(r["languages"][1]))
    return _("No invitee from the group around %(hub)s is tied to another group in "
             "the room", hub=r.get("hub", r.get("community")))


def _localise_convening(report: dict) -> None:
    for i in report["invitees"]:
        for r in i["reasons"]:
            r["text"] = convening_reason_text(r)
        i["kind_text"] = kind_label(i["kind"]) if i.get("kind") else ""
        i["languages_text"] = _listing([language_name(x) for x in i["languages"]], 6)
    for p in report["pairs"]:
        for r in p["reasons"]:
            r["text"] = reason_text(r)
    for u in report["unmet"]:
        u["text"] = _unmet_text(u)
    for lp in report["language_pairs"]:
        lp["text"] = _("%(a)s and %(b)s", a=language_name(lp["languages"][0]),
                       b=language_name(lp["languages"][1]))
    report["optimises"] = str(_CONVENING_OPTIMISES)


def _language_broker(r: dict) -> str:
    a, b = r["languages"]
    return _("Ask %(broker)s, who works in %(a)s and %(b)s", broker=r["name"],
             a=language_name(a), b=language_name(b))


def _tie_kinds(kinds) -> str:
    return _listing([tie_kind_label(k).lower() for k in kinds])


def broker_text(b: dict | None) -> str:
    """Who can make the introduction, as one sentence a facilitator can act on."""
    if b is None:
        return _("No one in the graph links them: the facilitator would make first "
                 "contact directly.")
    if b["type"] == "mutual_contact":
        a, z, c = b["names"]
        t1, t2 = b["ties"]
        text = _("Ask %(broker)s: tied to %(a)s (%(kinds_a)s) and to %(b)s "
                 "(%(kinds_b)s).", broker=z, kinds_a=_tie_kinds(t1["kinds"]),
                 a=a, kinds_b=_tie_kinds(t2["kinds"]), b=c)
        if b.get("others"):
            text += " " + ngettext("%(num)d other mutual contact.",
                                   "%(num)d other mutual contacts.", b["others"])
        if b.get("language_broker"):
            text += " " + _language_broker(b["language_broker"]) + "."
        return text
    steps = len(b["path"]) - 1
    text = ngettext("No mutual contact; the most trusted short chain is %(chain)s "
                    "(%(num)d step).", "No mutual contact; the most trusted short chain "
                    "is %(chain)s (%(num)d steps).", steps, chain=" → ".join(b["names"]))
    if b.get("language_broker"):
        text += " " + _language_broker(b["language_broker"]) + "."
    return text


def policymakers_text(side: str | None, level: str | None) -> str:
    """Whose policymakers, in words: "Mexican policymakers (municipal level)"."""
    who = str(POLICYMAKER_LABELS[side or "US"])
    if level:
        who = _("%(who)s (%(level)s level)", who=who, level=LEVEL_LABELS[level])
    return who


def _default_side(report: dict) -> bool:
    return report.get("policymakers", "US") in (None, "US") and not report.get("level")


def indicator_text(plan: dict) -> str:
    """What a plan's indicator measures, with its ``hops`` or ``min_ties``
    (and whose policymakers, when not the US ones)."""
    if plan["goal"] == "policymaker_reach":
        hops = plan.get("hops", 2)
        if _default_side(plan):
            return str(_REACH[hops])
        return ngettext("Share of Mexican civil-society actors directly tied to one of "
                        "the %(who)s", "Share of Mexican civil-society actors within "
                        "%(num)d steps of one of the %(who)s", hops,
                        who=policymakers_text(plan.get("policymakers"), plan.get("level")))
    n = plan.get("min_ties", 1)
    if n == 1:
        return _("Share of pairs among the largest communities joined by at least one tie")
    return _("Share of pairs among the largest communities joined by at least "
             "%(num)d ties", num=n)


def _chosen_text(report: dict) -> str:
    """Why the plan has this goal when none was asked for."""
    text = _("Goal and steps chosen from the data loaded: the first whose plan finds "
             "every introduction asked for, else the one that raises its indicator most.")
    tried = [indicator_text({**report, "goal": g, "hops": h})
             for g, h in report["chosen"].get("tried", [])]
    if tried and not report.get("blocked"):
        text += " " + _("Tried first, with less to improve: %(list)s.",
                        list="; ".join(t.rstrip(".") for t in tried))
    return text


def _localise_items(items: list[dict]) -> None:
    for s in items:
        for r in s["reasons"]:
            r["text"] = reason_text(r)
        s["broker_text"] = broker_text(s["broker"])


def localise(report: dict) -> dict:
    """Add the words to a report from :mod:`graphsvc.queries.introductions.report`,
    in the current locale; returns ``report``, changed in place.

    Each reason gets ``text``, each suggestion or step ``broker_text``,
    each weight ``label``; a suggestions report gets ``mode_text`` and the
    actor's ``kind_text``, a plan ``goal_text``, ``indicator`` and
    ``optimises`` (and ``blocked_text`` and ``blocked_hint`` when nothing can
    raise it, ``chosen_text`` when its goal was chosen from the data).
    """
    for w in report["weights"]:
        w["label"] = str(_PARTS[w["code"]])
    if report["type"] == "convening":
        _localise_convening(report)
    elif report["type"] == "plan":
        _localise_items(report["steps"])
        report["goal_text"] = str(GOAL_LABELS[report["goal"]])
        if report["goal"] == "policymaker_reach" and not _default_side(report):
            report["goal_text"] = _("Reach of %(who)s", who=policymakers_text(
                report.get("policymakers"), report.get("level")))
        report["indicator"] = indicator_text(report)
        report["optimises"] = str(_OPTIMISES[report["goal"]])
        if report.get("blocked"):
            why, hint = _BLOCKED[report["blocked"]]
            report["blocked_text"], report["blocked_hint"] = str(why), str(hint)
            report["blocked_title"] = _("No introduction can raise this indicator.")
        if report.get("chosen"):
            report["chosen_text"] = _chosen_text(report)
    else:
        _localise_items(report["suggestions"])
        report["mode_text"] = str(MODE_LABELS[report["mode"]])
        if report["mode"] == "policymaker" and not _default_side(report):
            report["mode_text"] = _("Policymakers: %(who)s (via a broker)",
                                    who=policymakers_text(report.get("policymakers"),
                                                          report.get("level")))
        report["actor"]["kind_text"] = kind_label(report["actor"]["kind"])
    return report


# --- CSV and JSON -----------------------------------------------------------------


def _row(s: dict, report: dict) -> dict:
    b = s["broker"] or {}
    return {**s, "kind": kind_label(s["kind"]) if s.get("kind") else "",
            "city": s.get("city") or "", "indicator_after": s.get("indicator_after", ""),
            "reasons": "; ".join(r["text"] for r in s["reasons"]),
            "broker_type": str(BROKER_TYPES.get(b.get("type", ""), b.get("type", ""))),
            "broker": b.get("broker", ""),
            "broker_name": b.get("name", ""), "broker_path": " → ".join(b.get("names", ())),
            "illustrative": report["illustrative"], "as_of": report.get("as_of") or ""}


def convening_rows(report: dict) -> str:
    """A localised convening plan as CSV: one row per invitee, headings in
    the current language."""
    keys = tuple(CONVENING_COLUMNS)
    rows = [[str(CONVENING_COLUMNS[k]) for k in keys]]
    for i in report["invitees"]:
        row = {**i, "kind": i.get("kind_text", ""), "city": i.get("city") or "",
               "languages": ", ".join(i["languages"]),
               "reasons": "; ".join(r["text"] for r in i["reasons"]),
               "illustrative": report["illustrative"], "as_of": report.get("as_of") or ""}
        rows.append([row[k] for k in keys])
    return csv_text(rows)


def report_rows(report: dict) -> str:
    """A localised report as CSV: one row per suggestion, planned
    introduction or invitee, headings in the current language."""
    if report["type"] == "convening":
        return convening_rows(report)
    plan = report["type"] == "plan"
    keys = _PLAN_KEYS if plan else _SUGGESTION_KEYS
    rows = [[str(COLUMNS[k]) for k in keys]]
    for s in report["steps" if plan else "suggestions"]:
        row = _row(s, report)
        rows.append([row[k] for k in keys])
    return csv_text(rows)


def report_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, default=str)


# --- outside a request ---------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _renderer() -> Flask:
    """An app with the web app's templates, catalogs and template helpers, and
    no store: enough to render a report outside a request."""
    from . import i18n, templating

    app = Flask(__name__.rpartition(".")[0])
    i18n.init_app(app)
    templating.init_app(app)
    return app


@functools.lru_cache(maxsize=1)
def _style() -> Markup:
    from .standalone import _inline

    static = _renderer().static_folder
    if static is None:  # pragma: no cover - the renderer is built with its folder
        raise RuntimeError("the report renderer has no static folder")
    return Markup(_inline(Path(static) / "style.css"))


def _html(report: dict) -> str:
    template = {"plan": "introductions_plan.html",
                "convening": "convening_plan.html"}.get(report["type"],
                                                         "introductions_report.html")
    return render_template(template, r=report, standalone=True, style=_style())


def render_report(report: dict, fmt: str = "html", lang: str = "en") -> str:
    """A report (plain data from :mod:`graphsvc.queries.introductions.report`)
    rendered as ``html``, ``csv`` or ``json`` in ``lang``, outside a request.

    The HTML is the web app's report page as one self-contained, printable
    file: the same template, without links, forms or scripts. ``report`` is
    not changed.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}': use one of {', '.join(LANGUAGES)}")
    with _renderer().test_request_context("/"), force_locale(lang):
        r = localise(json.loads(json.dumps(report, default=str)))
        if fmt == "json":
            return report_json(r)
        if fmt == "csv":
            return report_rows(r)
        return _html(r)


@contextlib.contextmanager
def in_language(lang: str):
    """Words in ``lang`` outside a request (the command line)."""
    with _renderer().test_request_context("/"), force_locale(lang):
        yield


def problem_line(p, lang: str = "en") -> str:
    """A problem or an error as one line in ``lang``
    (:func:`graphsvc.web.i18n.problem_sentence`)."""
    from .i18n import problem_sentence

    with in_language(lang):
        return problem_sentence(p)


#: Whose routes the influence report lists (graphsvc.queries.influence.TARGET_SETS).
INFLUENCE_TARGETS = {
    "us_policymakers": _l("US policymakers"), "mx_policymakers": _l("Mexican policymakers"),
    "other_policymakers": _l("policymakers of other countries and international bodies"),
    "policymakers": _l("policymakers of every country"), "funders": _l("Funders"),
}
INFLUENCE_ROUTES = {"shortest": _l("Shortest"), "trusted": _l("Most trusted")}


def influence_lines(actor: str, rows: list[dict], reach: dict, lang: str = "en") -> list[str]:
    """The command line's influence report in ``lang``: one line per route
    (``rows``: ``targets``, ``route``, ``names`` or None for no route,
    ``hops``, ``kinds``, ``cost``), then what is within ``reach["k"]`` ties."""
    with in_language(lang):
        lines = [_("from %(actor)s", actor=actor)]
        for r in rows:
            head = f"{str(INFLUENCE_TARGETS.get(r['targets'], r['targets'])):22} " \
                   f"{str(INFLUENCE_ROUTES.get(r['route'], r['route'])):14}"
            if r["names"] is None:
                lines.append(f"{head} {_('no route')}")
                continue
            lines.append(f"{head} {' > '.join(r['names'])}  (" + ngettext(
                "%(num)d tie: %(kinds)s; cost %(cost)s", "%(num)d ties: %(kinds)s; cost "
                "%(cost)s", r["hops"], kinds=_tie_kinds(r["kinds"]),
                cost=f"{r['cost']:.2f}") + ")")
        lines.append(ngettext(
            "within %(num)d tie: %(total)d actors %(steps)s; policymakers: %(pm)s; "
            "funders: %(funders)s", "within %(num)d ties: %(total)d actors %(steps)s; "
            "policymakers: %(pm)s; funders: %(funders)s", reach["k"], total=reach["total"],
            steps=reach["by_step"], pm=", ".join(reach["policymakers"]) or "-",
            funders=", ".join(reach["funders"]) or "-"))
    return lines


def localised(report: dict, lang: str = "en") -> dict:
    """A copy of ``report`` with its words (see :func:`localise`) in ``lang``,
    outside a request."""
    with _renderer().test_request_context("/"), force_locale(lang):
        return localise(json.loads(json.dumps(report, default=str)))


def render_time_report(kind: str, report: dict, lang: str = "en") -> str:
    """A time report (``changes``) as one self-contained, printable HTML file
    in ``lang``, outside a request: the web page's template without links,
    forms or scripts."""
    if kind != "changes":
        raise ValueError("only the changes report prints as HTML")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}': use one of {', '.join(LANGUAGES)}")
    from .analyses import INDICATOR_LABELS

    with _renderer().test_request_context("/"), force_locale(lang):
        r = json.loads(json.dumps(report, default=str))
        for row in r["indicators"]:
            row["label"] = str(INDICATOR_LABELS.get(row["name"], (row["name"],))[0])
        return render_template("changes.html", page=r, r=r, standalone=True,
                               style=_style())
