"""The OpenAPI document of ``/api/v1``, built with apispec.

Each API view declares its operation next to itself (:func:`operation`);
:func:`spec_for` walks the app's URL map, so a new endpoint is documented
by the decorator on its view. Actor and Tie schemas come from the pydantic
models, so the document follows the data model; it is OpenAPI 3.1, whose
schemas are JSON Schema, so pydantic's output goes in unchanged.
"""
from __future__ import annotations

import re

from apispec import APISpec

from ..model import ACTOR_KINDS, TIE_KINDS, Actor, Event, Group, Survey, SurveyAnswers, Tie
from .params import (
    COLOR_BY,
    DEFAULT_LIMIT,
    FOCUS_TARGETS,
    GROUP_BY,
    MAX_LIMIT,
    SIZE_MEASURES,
)

__all__ = ["operation", "spec_for", "actor_params", "tie_params", "page_params",
           "map_params", "metrics_params", "brokerage_params", "layers_params"]


def _q(name, description, schema=None, array=False):
    schema = schema or {"type": "string"}
    if array:
        schema = {"type": "array", "items": schema}
    p = {"name": name, "in": "query", "required": False, "description": description,
         "schema": schema}
    if array:
        p.update(style="form", explode=True)
    return p


#: The day every read is of: the ties in force that day (default today), or
#: every tie ever recorded.
AS_OF_PARAM = _q("as_of", "Read the graph as it was on this day (YYYY-MM-DD): the ties "
                 "in force then. Default: today. `all`: every tie ever recorded, ended "
                 "or not.", {"type": "string", "examples": ["2021-12-31", "all"]})

_KIND = {"type": "string", "enum": sorted(ACTOR_KINDS)}
_TIE_KIND = {"type": "string", "enum": list(TIE_KINDS)}
actor_params = [
    _q("q", "Text in the name, id or city (ignores case and accents)."),
    _q("kind", "Actor kind.", _KIND),
    _q("country", "ISO 3166 two-letter code, or INT."),
    _q("city", "City (exact, ignoring case)."),
    _q("issue_area", "Issue area label, e.g. legal_aid."),
]
tie_params = [
    _q("actor", "Only ties of this actor id."),
    _q("kind", "Tie kind (repeat for several).", _TIE_KIND, array=True),
]
page_params = [
    _q("limit", f"Page size (1-{MAX_LIMIT}).",
       {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
    _q("offset", "Items to skip.", {"type": "integer", "minimum": 0, "default": 0}),
]
map_params = [
    _q("kind", "Actor kinds to show (repeat or comma-separate).", _KIND, array=True),
    _q("country", "Countries to show.", array=True),
    _q("city", "Cities to show.", array=True),
    _q("issue_area", "Issue areas to show.", array=True),
    _q("tie_kind", "Tie kinds to show.", _TIE_KIND, array=True),
    _q("min_degree", "Only actors with at least this many ties.",
       {"type": "integer", "minimum": 0}),
    _q("ego", "Centre the map on this actor id."),
    _q("depth", "Ego map depth in ties.",
       {"type": "integer", "minimum": 1, "maximum": 3, "default": 1}),
    _q("size_by", "Measure that sizes the nodes (degree counts ties; the others "
       "are columns of the metrics table).",
       {"type": "string", "enum": list(SIZE_MEASURES), "default": "degree"}),
    _q("min_size", "Only actors whose size measure is at least this.",
       {"type": "number", "minimum": 0}),
    _q("community", "Only actors of these communities (numbers as in /communities).",
       {"type": "integer", "minimum": 0}, array=True),
    _q("color_by", "Colour nodes by actor kind or by (seeded Louvain) community.",
       {"type": "string", "enum": list(COLOR_BY), "default": "kind"}),
    _q("focus", "Focus mode: the actor (id, or a name exactly one visible actor has) "
       "whose routes the map highlights; the answer's `focus.routes` lists the "
       "shortest and the most trusted route, and every other actor and tie is "
       "marked `faded`."),
    _q("to", "Where the focus routes go: the nearest US policymaker, the nearest "
       "funder, or the actor named by `other`.",
       {"type": "string", "enum": list(FOCUS_TARGETS), "default": "us_policymakers"}),
    _q("other", "The second actor (id or name) when `to` is `actor`."),
]
#: The tie kinds an analysis counts (graphsvc.web.access.layers_arg).
layers_params = [
    _q("layers", "Tie kinds (layers) the figures count, comma-separated: formal, informal, "
       "funding, co_participation (ties projected from shared events and groups, weighed by "
       "recency). Default: formal, informal and funding, the co-participation layer left "
       "out; naming `co_participation` counts it and draws its ties on a map. `kinds` is a "
       "synonym. The community partition is the one of the recorded ties either way.",
       {"type": "string", "example": "formal,informal,funding,co_participation"}),
]
metrics_params = [
    _q("sort", "Column to sort by (see `columns`); a leading '-' sorts descending.",
       {"type": "string", "default": "name"}),
]
brokerage_params = [
    _q("group_by", "Attribute that makes the groups (community: seeded Louvain).",
       {"type": "string", "enum": list(GROUP_BY), "default": "country"}),
]


def operation(summary, description="", params=(), path_params=(), schema=None,
              not_found=False, tag="graph", body=None, extra_responses=(),
              ok_status="200"):
    """Attach an OpenAPI operation to a view function.

    ``body`` is a requestBody object; ``extra_responses`` adds error
    statuses (``"400"``, ``"413"``, ``"422"``) in the one error shape;
    ``ok_status`` is the success status the view answers ("201" for creation)."""
    def decorate(view):
        ok: dict[str, object] = {"description": "Created" if ok_status == "201" else "OK"}
        if schema:
            ok["content"] = {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"}}}
        responses = {ok_status: ok}
        if params:
            responses["400"] = {"$ref": "#/components/responses/BadRequest"}
        if not_found or path_params:
            responses["404"] = {"$ref": "#/components/responses/NotFound"}
        for status in extra_responses:
            responses[status] = {"$ref": f"#/components/responses/{_ERROR_RESPONSES[status]}"}
        # Every endpoint needs an account (or the public view, when published).
        responses["401"] = {"$ref": "#/components/responses/Unauthorized"}
        responses["503"] = {"$ref": "#/components/responses/StoreUnavailable"}
        view.openapi = {"summary": summary, "description": description,
                        "tags": [tag], "operationId": view.__name__,
                        "parameters": [
                            *({"name": p, "in": "path", "required": True,
                               "schema": {"type": "string"}} for p in path_params),
                            *params],
                        "responses": responses}
        if body is not None:
            view.openapi["requestBody"] = body
        return view
    return decorate


_ERROR_RESPONSES = {"400": "BadRequest", "404": "NotFound", "409": "Conflict",
                    "413": "TooLarge", "422": "Invalid"}

_ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "details"],
        "properties": {
            "code": {"type": "string", "examples": ["bad_request"]},
            "message": {"type": "string"},
            "details": {"description": "Per-field problems (list), extra facts "
                        "(object) or null."},
        }}},
}


def _page(item_ref):
    return {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": item_ref}},
        "total": {"type": "integer"}, "limit": {"type": "integer"},
        "offset": {"type": "integer"}, "dataset": {"$ref": "#/components/schemas/Dataset"}}}


def _model_schema(model, defs: dict | None = None) -> dict:
    """A model's JSON Schema; models it nests (a tie's Evidence) go to ``defs``,
    referenced as components."""
    schema = model.model_json_schema(mode="serialization",
                                     ref_template="#/components/schemas/{model}")
    schema.pop("title", None)
    for name, sub in schema.pop("$defs", {}).items():
        sub.pop("title", None)
        if defs is not None:
            defs[name] = sub
    return schema


def spec_for(app, prefix: str = "/api/v1") -> dict:
    spec = APISpec(title="graphsvc API", version="1", openapi_version="3.1.0",
                   info={"description": "Actors and ties across the US-Mexico "
                         "migration corridor, and maps of them. Errors share one "
                         "shape: {\"error\": {\"code\", \"message\", \"details\"}}."},
                   servers=[{"url": prefix}],
                   security=[{"bearerToken": []}, {"session": []}])
    c = spec.components
    c.security_scheme("bearerToken", {
        "type": "http", "scheme": "bearer",
        "description": "An API token an administrator created "
        "(graphsvc tokens create); it acts with its user's role."})
    c.security_scheme("session", {
        "type": "apiKey", "in": "cookie", "name": "graphsvc_session",
        "description": "The browser session after signing in at /login "
        "(__Host-graphsvc_session in production)."})
    c.schema("Error", _ERROR)
    c.schema("Actor", _model_schema(Actor))
    survey_defs: dict = {}
    c.schema("Survey", _model_schema(Survey, survey_defs))
    c.schema("SurveyAnswers", _model_schema(SurveyAnswers, survey_defs))
    for name, sub in survey_defs.items():
        c.schema(name, sub)
    nested: dict = {}
    c.schema("Tie", _model_schema(Tie, nested))
    for name, sub in nested.items():
        c.schema(name, sub)
    c.schema("Dataset", {"type": "object", "properties": {
        "illustrative": {"type": "boolean",
                         "description": "True for the illustrative (invented) network."},
        "version": {"type": "integer"}, "store": {"type": "string"},
        "as_of": {"type": "string", "description": "The day the ties shown were in force "
                  "(YYYY-MM-DD), or `all` for every tie ever recorded."}}})
    counted = {"type": "array", "items": {"type": "object", "properties": {
        "value": {"type": "string"}, "count": {"type": "integer"}}}}
    indicator = {"type": "object", "properties": {
        "name": {"type": "string"}, "label": {"type": "string"},
        "definition": {"type": "string"},
        "definition_source": {"type": "string", "description": "The analysis's own "
                              "definition (English, exact)."},
        "value": {"type": ["number", "null"]}, "numerator": {"type": "number"},
        "denominator": {"type": "number"},
        "survey": {"type": ["number", "null"], "description": "The survey's figure."}}}
    c.schema("AnalysesStatus", {"type": "object", "description": (
        "Which store version the analyses in this answer were computed for. After a "
        "write the previous version's figures are served at once with `updating` "
        "true while the current ones are computed in the background (also in the "
        "`X-Analyses-Version` and `X-Analyses-Updating` headers); add `fresh=1` "
        "to the query to wait for the current ones."), "properties": {
        "version": {"type": "integer"}, "current_version": {"type": "integer"},
        "updating": {"type": "boolean"}}})
    c.schema("Dashboard", {"type": "object", "properties": {
        "dataset": {"$ref": "#/components/schemas/Dataset"},
        "analyses": {"$ref": "#/components/schemas/AnalysesStatus"},
        "counts": {"type": "object"}, "actors_by_kind": counted,
        "actors_by_country": counted, "ties_by_kind": counted,
        "cross_border_ties": {"type": "integer"},
        "indicators": {"type": "array", "items": indicator},
        "top_brokers": {"type": "object", "description": "Top actors by betweenness "
                        "and by Gould-Fernandez total and liaison counts."},
        "communities": {"type": "object", "description": "count and modularity"}}})
    c.schema("ActorPage", _page("#/components/schemas/Actor"))
    c.schema("TiePage", _page("#/components/schemas/Tie"))
    c.schema("ActorProfile", {"type": "object", "properties": {
        "analyses": {"$ref": "#/components/schemas/AnalysesStatus"},
        "dataset": {"$ref": "#/components/schemas/Dataset"},
        "actor": {"$ref": "#/components/schemas/Actor"},
        "degree": {"type": "integer"},
        "ties": {"type": "object", "description": "Ties by kind (formal, informal, "
                 "funding), each with `other` (the actor at the other end) and "
                 "`direction` (out/in for funding)."}}})
    c.schema("MapData", {"type": "object", "properties": {
        "analyses": {"$ref": "#/components/schemas/AnalysesStatus"},
        "nodes": {"type": "array", "items": {"type": "object"}},
        "edges": {"type": "array", "items": {"type": "object"}},
        "options": {"type": "object"},
        "shown": {"type": "object"}, "total": {"type": "object"},
        "truncated": {"type": "integer", "description": "Actors left out beyond the "
                      "node limit (largest measure kept)."},
        "layered": {"type": "boolean", "description": "The co-participation layer is "
                    "counted and drawn (`layers` names it)."},
        "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    c.schema("MetricsPage", {"type": "object", "properties": {
        "analyses": {"$ref": "#/components/schemas/AnalysesStatus"},
        "items": {"type": "array", "items": {"type": "object", "description":
                  "One actor: `id` and every column of `columns` (null when "
                  "undefined, e.g. no reachable policymaker)."}},
        "columns": {"type": "object", "description": "Column name -> definition."},
        "parameters": {"type": "object", "description": "How the table was computed "
                       "(tie kinds, grouping, seed...)."},
        "sort": {"type": "string"},
        "total": {"type": "integer"}, "limit": {"type": "integer"},
        "offset": {"type": "integer"}, "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    roles = {r: {"type": "integer"} for r in ("coordinator", "itinerant", "representative",
                                               "gatekeeper", "liaison", "total")}
    c.schema("BrokeragePage", {"type": "object", "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "kind": {"type": "string"}, "country": {"type": "string"},
            "group": {"description": "The actor's group under group_by."}, **roles}}},
        "group_by": {"type": "string", "enum": list(GROUP_BY)},
        "roles": {"type": "object", "description": "Role -> definition."},
        "total": {"type": "integer"}, "limit": {"type": "integer"},
        "offset": {"type": "integer"}, "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    c.schema("Communities", {"type": "object", "properties": {
        "analyses": {"$ref": "#/components/schemas/AnalysesStatus"},
        "count": {"type": "integer"},
        "modularity": {"type": ["number", "null"]},
        "seed": {"type": "integer"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "community": {"type": "integer"}, "size": {"type": "integer"},
            "internal_ties": {"type": "integer"}, "external_ties": {"type": "integer"},
            "countries": counted, "kinds": counted, "issue_areas": counted,
            "top_issue_area": {"type": ["string", "null"]},
            "top_issue_share": {"type": "number"},
            "cross_border_share": {"type": "number"},
            "members": {"type": "array", "items": {"type": "string"}}}}},
        "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    c.schema("Indicators", {"type": "object", "properties": {
        "items": {"type": "array", "items": indicator},
        "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    c.schema("ImportResult", {"type": "object", "properties": {
        "files": {"type": "object", "description": "Saved name of each upload."},
        "read": {"type": "object"}, "written": {"type": "object"},
        "version": {"type": "integer"},
        "rejected": {"type": "array", "items": {"type": "object"},
                     "description": "Rows left out (file, row, reasons) with skip_invalid."},
        "rejected_csv": {"type": ["string", "null"],
                         "description": "Where to download the rejected rows as CSV."},
        "warnings": {"type": "array", "items": {"type": "object"}},
        "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    c.schema("IntroductionReport", {"type": "object", "description": "The introductions "
             "engine's report data (suggestions for one actor, or a network plan), with "
             "each reason and broker also as text in the request's language.",
             "properties": {"type": {"type": "string", "enum": ["suggestions", "plan"]},
                            "illustrative": {"type": "boolean"},
                            "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    c.schema("ConveningReport", {"type": "object", "description": "A convening plan: "
             "the invitees (each with its reasons, codes and text in the request's "
             "language), the first meetings expected (best first, with the reasons of "
             "their introduction score), their totals, the language brokers and "
             "communities, and what could not be satisfied.",
             "properties": {
                 "type": {"type": "string", "enum": ["convening"]},
                 "size": {"type": "integer"},
                 "filters": {"type": "object"},
                 "invitees": {"type": "array", "items": {"type": "object"}},
                 "pairs": {"type": "array", "items": {"type": "object"}},
                 "expected_pairs": {"type": "array", "description": "Every pair of "
                                    "invitees expected to meet for the first time "
                                    "(best first), as two ids: what an event keeps.",
                                    "items": {"type": "array", "items": {"type": "string"},
                                              "minItems": 2, "maxItems": 2}},
                 "totals": {"type": "object", "properties": {
                     "pairs": {"type": "integer"}, "cross_border": {"type": "integer"},
                     "cross_silo": {"type": "integer"}, "value": {"type": "number"}}},
                 "language_pairs": {"type": "array", "items": {"type": "object"}},
                 "communities": {"type": "array", "items": {"type": "object"}},
                 "unmet": {"type": "array", "items": {"type": "object"}},
                 "illustrative": {"type": "boolean"},
                 "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    item = {"type": "object", "properties": {
        "record": {"type": "string", "enum": ["actor", "tie", "alias"]},
        "id": {"type": "string"}, "revision": {"type": "integer"},
        "before": {"type": ["object", "null"]}, "after": {"type": ["object", "null"]}}}
    c.schema("Change", {"type": "object", "description": "One history entry.",
                        "properties": {
        "seq": {"type": "integer"}, "at": {"type": "string"}, "who": {"type": "string"},
        "path": {"type": "string", "enum": ["form", "api", "cli", "import"]},
        "action": {"type": "string"}, "reason": {"type": ["string", "null"]},
        "items": {"type": "array", "items": item}}})
    c.schema("History", {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Change"}},
        "next_before": {"type": ["integer", "null"],
                        "description": "Pass as `before` for older entries."}}})
    c.schema("ActorAnswer", {"type": "object", "properties": {
        "actor": {"$ref": "#/components/schemas/Actor"}, "revision": {"type": "integer"},
        "change": {"oneOf": [{"$ref": "#/components/schemas/Change"}, {"type": "null"}]},
        "duplicates": {"type": "array", "items": {"type": "object"}}}})
    c.schema("TieAnswer", {"type": "object", "properties": {
        "tie": {"$ref": "#/components/schemas/Tie"}, "revision": {"type": "integer"},
        "change": {"oneOf": [{"$ref": "#/components/schemas/Change"}, {"type": "null"}]}}})
    tie_change = {"type": "object", "properties": {
        k: {"type": ["string", "null"]} for k in ("id", "source", "target", "source_name",
                                                   "target_name", "kind", "subtype",
                                                   "since", "until")}}
    parts: dict = {}
    c.schema("Event", _model_schema(Event, parts))
    c.schema("Group", _model_schema(Group, parts))
    for name, sub in parts.items():
        c.schema(name, sub)
    row_fields: dict = {
        "id": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
        "country": {"type": "string"}, "city": {"type": ["string", "null"]}}
    _row = {"type": "object", "properties": row_fields}
    c.schema("EventList", {"type": "object", "properties": {
        "dataset": {"$ref": "#/components/schemas/Dataset"},
        "years": {"type": "array", "items": {"type": "object", "properties": {
            "year": {"type": "integer"}, "events": {"type": "array", "items": {
                "type": "object", "description": "An event: id, title, kind, start, end, "
                "city, country, number of participants, visibility."}}}}},
        "groups": {"type": "array", "items": {"type": "object", "description": "A group: "
                   "id, title, kind, members in force on the as-of day, visibility."}}}})
    c.schema("EventDetail", {"type": "object", "properties": {
        "dataset": {"$ref": "#/components/schemas/Dataset"},
        "event": {"type": "object", "description": "The event's fields without its "
                  "participants (its note empty for readers who may not see restricted "
                  "records)."},
        "participants": {"type": "array", "items": {"type": "object", "properties": {
            **row_fields, "role": {"type": "string"}}}},
        "pairs": {"type": "integer", "description": "Pairs of participants."},
        "tied_before": {"type": "integer",
                        "description": "Pairs with a tie that began before the event."},
        "tied_after": {"type": "integer",
                       "description": "Pairs with a tie, before or since."},
        "first_time": {"type": "array", "description": "Pairs who met for the first time: "
                       "no tie before the event's first day and no earlier event "
                       "together; those with ties that followed first.",
                       "items": {"type": "object", "properties": {
                           "a": _row, "b": _row, "cross_border": {"type": "boolean"},
                           "cross_silo": {"type": "boolean"},
                           "ties": {"type": "array",
                                    "description": "Ties between them that began on or "
                                    "after the event's first day."}}}},
        "first_cross_border": {"type": "integer",
                               "description": "First meetings across the border."},
        "first_cross_silo": {"type": "integer",
                             "description": "First meetings across a silo (sector)."},
        "first_followed": {"type": "integer",
                           "description": "First meetings a tie followed."},
        "plan": {"type": ["object", "null"], "description": "The invitation list kept "
                 "with the event (graphsvc convening plan --for-event, or the plan page) "
                 "against who came; null when none was kept. Invitees the reader may "
                 "not see are left out.", "properties": {
                     "planned_on": {"type": "string", "format": "date"},
                     "invited": {"type": "integer"},
                     "attendance_recorded": {"type": "boolean"},
                     "invited_came": {"type": "array", "items": _row},
                     "invited_absent": {"type": "array", "items": _row},
                     "came_uninvited": {"type": "array", "items": _row},
                     "expected_pairs": {"type": "integer", "description": "Pairs the "
                                        "plan expected to meet for the first time."},
                     "expected_met": {"type": "integer", "description": "Of those, the "
                                      "pairs of which both came."},
                     "followed": {"type": "array", "description": "Per number of months "
                                  "after the first day (6 and 12): of the pairs that met, "
                                  "those with a tie that began on or after the first day "
                                  "and was in force that day; null while the day is to "
                                  "come.", "items": {"type": "object", "properties": {
                                      "months": {"type": "integer"},
                                      "day": {"type": "string", "format": "date"},
                                      "pending": {"type": "boolean"},
                                      "pairs": {"type": ["integer", "null"]},
                                      "ties": {"type": ["integer", "null"]}}}}}}}})
    c.schema("EventMaps", {"type": "object", "properties": {
        "event": {"type": "object", "properties": {
            "id": {"type": "string"}, "title": {"type": "string"},
            "start": {"type": "string", "format": "date"}}},
        "before": {"$ref": "#/components/schemas/MapData"},
        "after": {"$ref": "#/components/schemas/MapData"}}})
    c.schema("KeptPlan", {"type": "object", "description": "The invitation list kept "
             "with an event.", "properties": {
                 "event": {"type": "string"},
                 "invited": {"type": "array", "items": {"type": "string"}},
                 "expected_pairs": {"type": "integer"},
                 "planned_on": {"type": "string", "format": "date"},
                 "change": {"type": ["integer", "null"], "description": "The history "
                            "entry; null when the same list was already kept."}}})
    c.schema("GroupDetail", {"type": "object", "properties": {
        "dataset": {"$ref": "#/components/schemas/Dataset"},
        "group": {"type": "object", "description": "The group's fields without its "
                  "members."},
        "members": {"type": "array", "items": {"type": "object", "properties": {
            **row_fields, "role": {"type": "string"},
            "since": {"type": ["string", "null"]}, "until": {"type": ["string", "null"]},
            "in_force": {"type": "boolean"}}}},
        "over_time": {"type": "array", "items": {"type": "object", "properties": {
            "year": {"type": "integer"}, "members": {"type": "integer"}}}}}})
    c.schema("Changes", {"type": "object", "properties": {
        "from": {"type": "string"}, "to": {"type": "string"},
        "ties_begun": {"type": "array", "items": tie_change},
        "ties_ended": {"type": "array", "items": tie_change},
        "actors_joined": {"type": "array", "items": {"type": "object"}},
        "actors_left": {"type": "array", "items": {"type": "object"}},
        "indicators": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "label": {"type": "string"},
            "from": {"type": ["number", "null"]}, "to": {"type": ["number", "null"]},
            "difference": {"type": ["number", "null"]},
            "survey": {"type": ["number", "null"]}}}},
        "metrics": {"type": "object", "description": "betweenness, brokerage_total, "
                    "constraint: the actors that moved most, with from, to, difference."},
        "communities": {"type": ["object", "null"], "description": "merged and split "
                        "communities (numbers of each day's partition)."},
        "introductions": {"type": "array", "items": {"type": "object"}},
        "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    c.schema("Trends", {"type": "object", "properties": {
        "period": {"type": "string", "enum": ["year", "quarter"]},
        "dates": {"type": "array", "items": {"type": "string"}},
        "series": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "label": {"type": "string"},
            "share": {"type": "boolean"}, "survey": {"type": ["number", "null"]},
            "values": {"type": "array", "items": {"type": ["number", "null"]}}}}},
        "as_of": {"type": "string"}}})
    c.schema("Funnel", {"type": "object", "properties": {
        "start": {"type": "string"}, "end": {"type": "string"},
        "months": {"type": "integer"}, "today": {"type": "string"},
        "counts": {"type": "object", "description": "proposed, made, tie_after_months, "
                   "tie_after_year"},
        "pending": {"type": "object", "description": "Stages too recent to tell."},
        "declined": {"type": "integer"},
        "pairs": {"type": "array", "items": {"type": "object"}},
        "dataset": {"$ref": "#/components/schemas/Dataset"}}})
    c.schema("Introduction", {"type": "object", "properties": {
        "source": {"type": "string"}, "target": {"type": "string"},
        "via": {"type": ["string", "null"]},
        "status": {"type": "string", "enum": ["proposed", "made", "declined"]},
        "note": {"type": ["string", "null"]}, "recorded_at": {"type": "string"}}})
    for name, description in (("BadRequest", "A parameter is malformed or out of range."),
                              ("NotFound", "No such actor (or not visible)."),
                              ("TooLarge", "The upload exceeds MAX_CONTENT_LENGTH."),
                              ("Conflict", "Someone saved first: the record is no "
                               "longer at the revision sent (If-Match); details say "
                               "which record and its revision now. Nothing was written."),
                              ("Invalid", "The input has problems (one entry per "
                               "problem in details); nothing was written."),
                              ("Unauthorized", "Not signed in, or the API token is "
                               "not valid (and the public view is not published)."),
                              ("Forbidden", "The account's role lacks the permission "
                               "this operation needs (see x-permission)."),
                              ("StoreUnavailable", "The graph database is unavailable.")):
        c.response(name, {"description": description, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        # the API blueprint
        if not rule.endpoint.startswith("api"):
            continue
        view = app.view_functions[rule.endpoint]
        op = getattr(view, "openapi", None)
        if op is None:
            continue
        from .permissions import ENDPOINT_PERMISSIONS

        permission = ENDPOINT_PERMISSIONS.get(rule.endpoint)
        if permission is None and rule.endpoint in ENDPOINT_PERMISSIONS:
            # open to anyone (a survey's link: its token is the credential)
            op = {**op, "security": [], "responses": {
                k: v for k, v in op["responses"].items() if k != "401"}}
        if permission is not None:
            op = {**op, "x-permission": permission}
            if permission != "view":  # every role reads; fewer import, export, edit
                op["responses"] = {**op["responses"], "403": {
                    "$ref": "#/components/responses/Forbidden"}}
        if "GET" in rule.methods and op["tags"][0] not in ("meta", "time", "surveys"):
            # Every read is of the graph as of a day (the time pages name their own).
            op = {**op, "parameters": [*op["parameters"], AS_OF_PARAM]}
            op["responses"] = {"400": {"$ref": "#/components/responses/BadRequest"},
                               **op["responses"]}
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        path = path.removeprefix(prefix) or "/"
        methods = sorted(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
        spec.path(path=path, operations=dict.fromkeys(methods, op))
    return spec.to_dict()
