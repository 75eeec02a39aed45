"""Suggested introductions on the web: the profile section, the per-actor
report, the network plan, recording outcomes, and their JSON twins.

The numbers come from :mod:`graphsvc.queries.introductions` (its report
data, unchanged); :mod:`.reports` puts the reasons, brokers, modes and
goals into the request's language, so a facilitator reads them in Spanish
or English, in the page, the CSV and the JSON alike (and the command line
renders the same reports with the same code).

Everything is computed on the principal's view of the graph
(``access.view``): its snapshot, in which restricted actors and ties do
not exist for a reader who may not see them (so no restricted tie shows as
a broker path, a contact in common or any other reason), and the
introduction records that view lets through. Recording an outcome is a
write through ``access.view.run_write("edit", ...)``, audited with the tie
a made introduction adds; report downloads are audited too.
"""
from __future__ import annotations

import copy

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..errors import NotFound
from ..model import (
    ACTOR_KINDS,
    INTRODUCTION_STATUSES,
    LEVELS,
    POLICYMAKER_SIDES,
    check_languages,
    check_policymakers,
    tie_id,
)
from ..queries.introductions import (
    GOALS,
    MODES,
    convening_report,
    default_goal,
    default_mode,
    kept_plan,
    plan_convening,
    plan_introductions,
    plan_report,
    suggest_introductions,
    suggestions_report,
)
from ..service import GraphService
from .access import Access, current_access
from .data import _dataset, _snapshot, _visible_actor
from .params import _one, _Reader
from .reports import GOAL_LABELS, MODE_LABELS, localise, report_rows
from .state import get_service

__all__ = ["SuggestQuery", "PlanQuery", "suggest_query", "plan_query", "suggestions",
           "plan", "record", "profile_section", "plan_from_args", "STATUS_LABELS",
           "report_rows", "MODE_LABELS", "GOAL_LABELS", "MAX_SUGGESTIONS", "MAX_PLAN",
           "PROFILE_SUGGESTIONS", "ConveningQuery", "convening_query", "convening",
           "convening_from_args", "MAX_CONVENING", "find_actor", "keep_convening"]

MAX_SUGGESTIONS = 50
#: The plan is greedy over the whole graph: a web request keeps it short.
MAX_PLAN = 50
#: The largest invitation list a web request plans.
MAX_CONVENING = 100
#: How many suggestions the actor profile shows (the report has the rest).
PROFILE_SUGGESTIONS = 5

STATUS_LABELS = {"proposed": _l("Proposed"), "made": _l("Made"),
                 "declined": _l("Declined")}

# --- parameters -------------------------------------------------------------

class SuggestQuery(dict):
    """``mode``, ``limit``, ``policymakers``, ``level`` and the candidate
    filters, checked."""


class PlanQuery(dict):
    """``k``, ``goal``, ``hops``, ``policymakers`` and ``level``, checked;
    ``goal`` and ``hops`` are None when not asked for (chosen from the data)."""


def _policymakers(r: _Reader) -> tuple[str, str | None]:
    side = _one(r, "policymakers",
                r.choices("policymakers", {k.lower() for k in POLICYMAKER_SIDES}))
    level = _one(r, "level", r.choices("level", LEVELS))
    return check_policymakers(side, level)


def suggest_query(args: MultiDict, default_limit: int = 10) -> SuggestQuery:
    r = _Reader(args)
    mode = _one(r, "mode", r.choices("mode", MODES))  # None: by the actor's kind
    limit = r.integer("limit", default_limit, 1, MAX_SUGGESTIONS)
    kind = _one(r, "kind", r.choices("kind", ACTOR_KINDS))
    country = _one(r, "country", r.countries("country"))
    city = r.text("city", 100)
    area = _one(r, "issue_area", r.labels("issue_area"))
    side, level = _policymakers(r)
    r.done()
    area = area.lower().replace(" ", "_").replace("-", "_") if area else None
    return SuggestQuery(mode=mode, limit=limit, policymakers=side, level=level, filters={
        "country": country, "kind": kind, "city": city, "issue_area": area})


def plan_query(args: MultiDict) -> PlanQuery:
    r = _Reader(args)
    k = r.integer("k", 10, 1, MAX_PLAN)
    goal = _one(r, "goal", r.choices("goal", GOALS))
    hops = r.integer("hops", None, 1, 3)
    side, level = _policymakers(r)
    r.done()
    return PlanQuery(k=k, goal=goal, hops=hops, policymakers=side, level=level)


class ConveningQuery(dict):
    """``size``, ``issue_area``, ``city``, ``languages``, ``must`` and
    ``exclude``, checked."""


def convening_query(args: MultiDict) -> ConveningQuery:
    r = _Reader(args)
    size = r.integer("size", 20, 2, MAX_CONVENING)
    area = _one(r, "issue_area", r.labels("issue_area"))
    city = r.text("city", 100)
    try:
        languages = check_languages(r.values("languages"))
    except ValueError:
        r.bad("languages", ",".join(r.values("languages"))[:50],
              _("Use ISO 639 language codes (es, en, ht...), separated by commas."))
        languages = []
    must = [v for v in r.values("must") if len(v) <= 128][:MAX_CONVENING]
    exclude = [v for v in r.values("exclude") if len(v) <= 128][:1000]
    if len(must) > size:
        r.bad("must", len(must), _("More actors must be invited than the list holds."))
    r.done()
    area = area.lower().replace(" ", "_").replace("-", "_") if area else None
    return ConveningQuery(size=size, issue_area=area, city=city, languages=languages,
                          must=must, exclude=exclude)


# --- data functions ------------------------------------------------------------

def _recorded(access: Access, G, actor_id: str) -> list[dict]:
    """The actor's recorded introductions that this access may see (see
    :meth:`GraphView.introductions`)."""
    out = []
    for rec in access.view.introductions(actor_id):
        d = rec.to_record()
        other = d["target"] if d["source"] == actor_id else d["source"]
        if other not in G or (d.get("via") and d["via"] not in G):
            continue
        d["other"] = {"id": other, "name": G.nodes[other].get("name") or other}
        d["via_name"] = G.nodes[d["via"]].get("name") if d.get("via") else None
        out.append(d)
    return out


def suggestions(service: GraphService, access: Access, actor_id: str,
                query: SuggestQuery) -> dict:
    """Ranked introductions for one actor, with reasons and brokers (the
    engine's report data), and the introductions already recorded."""
    _visible_actor(service, access, actor_id)
    G = _snapshot(service, access)
    if actor_id not in G:
        raise NotFound(_("No actor with id '%(id)s'.", id=actor_id), details={"id": actor_id})
    if not query.get("mode"):
        query = SuggestQuery(query, mode=default_mode(G.nodes[actor_id].get("kind")))
    got = suggest_introductions(G, actor_id, query["mode"], limit=query["limit"],
                                introductions=access.view.introductions(actor_id),
                                partition=access.view.partition(),
                                policymakers=query.get("policymakers", "US"),
                                level=query.get("level"), **query["filters"])
    report = suggestions_report(G, actor_id, got, mode=query["mode"],
                                filters=query["filters"])
    if query["mode"] == "policymaker":
        report["policymakers"] = query.get("policymakers", "US")
        report["level"] = query.get("level")
    localise(report)
    report["limit"] = query["limit"]
    report["recorded"] = _recorded(access, G, actor_id)
    return {"dataset": _dataset(service, G), "as_of": G.graph.get("as_of"), **report}


def plan(service: GraphService, access: Access, query: PlanQuery) -> dict:
    """A plan of ``k`` introductions chosen greedily to move one indicator.

    Plans are kept in the service's one cache by store version, access and
    query (the version moves with every write, recorded introductions
    included), so the page and its CSV and JSON downloads compute a plan once.
    """
    G = _snapshot(service, access)
    part = access.view.partition()
    chosen = None
    if query["goal"] is None:
        chosen = access.view.cached(
            "plan_default", lambda G: default_goal(
                G, query["k"], introductions=access.view.introductions(), partition=part,
                policymakers=query["policymakers"], level=query["level"],
                hops=query["hops"]),
            (query["k"], query["hops"], query["policymakers"], query["level"]))
        query = PlanQuery(query, goal=chosen["goal"], hops=chosen["hops"])
    elif query["hops"] is None:
        query = PlanQuery(query, hops=2)
    p = access.view.cached(
        "plan", lambda G: plan_introductions(G, query["k"], query["goal"],
                                             introductions=access.view.introductions(),
                                             hops=query["hops"], partition=part,
                                             policymakers=query["policymakers"],
                                             level=query["level"]),
        (query["k"], query["goal"], query["hops"], query["policymakers"], query["level"]))
    report = plan_report(G, copy.deepcopy(p))
    report.update(k=query["k"], hops=query["hops"], chosen=chosen)
    localise(report)  # wording is per request
    return {"dataset": _dataset(service, G), "as_of": G.graph.get("as_of"), **report}


def convening(service: GraphService, access: Access, query: ConveningQuery) -> dict:
    """An invitation list of ``size`` actors whose first meetings are worth
    most (:func:`graphsvc.queries.introductions.plan_convening`), computed on
    this access's snapshot, partition, introductions and two-mode graph, and
    kept in the one cache like the introductions plan."""
    for actor_id in (*query["must"], *query["exclude"]):
        _visible_actor(service, access, actor_id)
    G = _snapshot(service, access)
    part = access.view.partition()
    params = (query["size"], query["issue_area"], query["city"], tuple(query["languages"]),
              tuple(query["must"]), tuple(query["exclude"]))
    p = access.view.cached(
        "convening", lambda G: plan_convening(
            G, query["size"], B=access.view.two_mode(),
            introductions=access.view.introductions(), issue_area=query["issue_area"],
            city=query["city"], languages=query["languages"], must=query["must"],
            exclude=query["exclude"], partition=part), params)
    report = localise(convening_report(G, copy.deepcopy(p)))  # wording is per request
    return {"dataset": _dataset(service, G), "as_of": G.graph.get("as_of"), **report}


def keep_convening(service: GraphService, access: Access, event_id: str, args,
                   path: str) -> dict:
    """Keep the convening plan ``args`` asks for (the plan page's choices)
    with an event the reader may see: the invitation list and every pair it
    expects to meet, in the event's record (an edit: needs ``edit``, in the
    history and the audit log), to compare with the attendance later
    (:func:`graphsvc.web.events.event_detail`). The plan is computed here, on
    the reader's graph, never taken from the request."""
    import datetime as dt

    access.view.require("edit")
    access.view.get_event(event_id)  # NotFound before planning
    report = convening(service, access, convening_query(args))
    kept = kept_plan(report, dt.date.today().isoformat())
    change = access.view.keep_plan(event_id, kept, path=path)
    return {"event": event_id, "invited": kept["invited"],
            "expected_pairs": len(kept["pairs"]), "planned_on": kept["planned_on"],
            "change": change.seq if change else None}


def record(service: GraphService, access: Access, form) -> dict:
    """Record an introduction from a form or JSON body (``from``/``source``,
    ``to``/``target``, ``via``, ``status``, ``note``); a made one becomes a
    restricted informal tie. Ids must be visible to this access; the write
    needs ``edit`` and is audited (with the tie, for a made one)."""
    r = _Reader(MultiDict(form))
    source = r.text("from", 128) or r.text("source", 128)
    target = r.text("to", 128) or r.text("target", 128)
    via = r.text("via", 128)
    status = _one(r, "status", r.choices("status", INTRODUCTION_STATUSES))
    note = r.text("note", 2000)
    for name, value in (("from", source), ("to", target), ("status", status)):
        if not value:
            r.bad(name, None, _("Required."))
    r.done()
    for actor_id in filter(None, (source, target, via)):
        _visible_actor(service, access, actor_id)
    intro = access.view.run_write(
        "edit", "introduction",
        lambda: service.record_introduction(source, target, via=via, status=status,
                                            note=note),
        _record_summary)
    return intro.to_record()


def _record_summary(intro) -> dict:
    """What the audit log keeps of a recorded introduction: the record, and
    the restricted informal tie a made one adds."""
    made = intro.status == "made"
    return {"source": intro.source, "target": intro.target, "via": intro.via,
            "status": intro.status,
            "tie": tie_id(intro.source, intro.target, "informal", "introduction")
            if made else None, "tie_visibility": "restricted" if made else None}


def find_actor(service: GraphService, access: Access, actor_id: str, q: str,
               limit: int = 20) -> dict:
    """The introductions page's actor picker: ``actor`` (an id, when one was
    chosen, or when the name ``q`` matches exactly one visible actor), else
    the visible actors whose name, id or city match ``q`` (``matches``,
    ``total``)."""
    from .data import actors
    from .params import actor_query

    out: dict = {"dataset": _dataset(service, _snapshot(service, access)), "q": q,
                 "matches": [], "total": 0, "actor": None}
    if actor_id:
        _visible_actor(service, access, actor_id)  # 404 for one not visible
        return {**out, "actor": actor_id}
    if q:
        found = actors(service, access, actor_query(MultiDict({"q": q[:200],
                                                               "limit": str(limit)})))
        out.update(matches=found["items"], total=found["total"])
        if found["total"] == 1:
            out["actor"] = found["items"][0]["id"]
    return out


# --- for the request's views ------------------------------------------------

def profile_section(actor_id: str, args) -> dict:
    """The actor profile's suggestions (mode from ``?mode=``)."""
    q = suggest_query(MultiDict({k: args.get(k, "") for k in ("mode", "policymakers",
                                                               "level")}),
                      default_limit=PROFILE_SUGGESTIONS)
    return suggestions(get_service(), current_access(), actor_id, q)


def convening_from_args(args) -> dict:
    """The convening plan the request's query string asks for."""
    return convening(get_service(), current_access(), convening_query(args))


def plan_from_args(args) -> dict:
    """The plan the request's query string asks for."""
    return plan(get_service(), current_access(), plan_query(args))
