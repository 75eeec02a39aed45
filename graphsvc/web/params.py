"""Request parameters checked as a whole: every bad one is reported at once
(:class:`~graphsvc.web.errors.InvalidQuery`, HTTP 400), none is guessed."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pycountry
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..model import ACTOR_KINDS, TIE_KINDS
from ..stores import ActorFilter
from ..viz import MapFilter
from .errors import InvalidQuery

__all__ = ["ActorQuery", "TieQuery", "MapQuery", "MetricsQuery", "BrokerageQuery",
           "actor_query", "tie_query", "map_query", "metrics_query", "brokerage_query",
           "SIZE_MEASURES", "FOCUS_TARGETS", "COLOR_BY", "GROUP_BY", "MAX_LIMIT", "DEFAULT_LIMIT"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
#: Measures a map can be sized (and filtered) by; each has its function in
#: graphsvc.web.data.MEASURES.
SIZE_MEASURES = ("degree", "betweenness", "pagerank", "eigenvector", "closeness",
                 "harmonic", "strength", "brokerage_total", "policymaker_reach")
#: Where the routes of a focus map go (``to``): US policymakers, funders,
#: or a second actor (``other``).
FOCUS_TARGETS = ("us_policymakers", "funders", "actor")
#: What a map's node colour shows.
COLOR_BY = ("kind", "community")
#: Attributes brokerage roles can group actors by (``group_by``).
GROUP_BY = ("country", "kind", "community", "city")
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_ \-]{0,63}$")


@dataclass(frozen=True)
class ActorQuery:
    filter: ActorFilter
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class TieQuery:
    actor: str | None = None
    kinds: tuple = ()
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class MapQuery:
    filter: MapFilter = field(default_factory=MapFilter)
    ego: str | None = None
    depth: int = 1
    size_by: str = "degree"
    min_degree: int | None = None
    communities: frozenset = frozenset()
    color_by: str = "kind"
    focus: str | None = None
    to: str = "us_policymakers"
    other: str | None = None


@dataclass(frozen=True)
class MetricsQuery:
    sort: str = "name"
    descending: bool = False
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class BrokerageQuery:
    group_by: str = "country"
    limit: int = DEFAULT_LIMIT
    offset: int = 0


class _Reader:
    def __init__(self, args: MultiDict):
        self.args = args
        self.problems: list[dict] = []

    def bad(self, name, value, message):
        self.problems.append({"field": name, "message": str(message), "value": value})

    def text(self, name, max_len=200):
        value = (self.args.get(name) or "").strip()
        if len(value) > max_len:
            self.bad(name, value[:50], _("At most %(n)d characters.", n=max_len))
            return None
        return value or None

    def integer(self, name, default, lo, hi):
        raw = (self.args.get(name) or "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.bad(name, raw, _("Must be a whole number."))
            return default
        if not lo <= value <= hi:
            self.bad(name, raw, _("Must be between %(lo)d and %(hi)d.", lo=lo, hi=hi))
            return default
        return value

    def values(self, name):
        """Repeated or comma-separated values, blanks dropped."""
        out = []
        for raw in self.args.getlist(name):
            out += [v.strip() for v in raw.split(",") if v.strip()]
        return out

    def choices(self, name, allowed):
        out = []
        for v in self.values(name):
            if v.lower() in allowed:
                out.append(v.lower())
            else:
                self.bad(name, v, _("Unknown value; use one of: %(values)s.",
                                    values=", ".join(sorted(allowed))))
        return out

    def countries(self, name):
        out = []
        for v in self.values(name):
            code = v.upper()
            if code == "INT" or (len(code) == 2 and pycountry.countries.get(alpha_2=code)):
                out.append(code)
            else:
                self.bad(name, v, _("Not an ISO 3166 two-letter country code "
                                    "(MX, US, GT...) or INT."))
        return out

    def labels(self, name):
        out = []
        for v in self.values(name):
            if _LABEL.match(v):
                out.append(v)
            else:
                self.bad(name, v[:50], _("Use letters, digits, spaces, '-' or '_'."))
        return out

    def number(self, name, lo=0.0):
        raw = (self.args.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = None
        if value is None or value != value or value in (float("inf"), float("-inf")):
            self.bad(name, raw[:50], _("Must be a number."))
            return None
        if value < lo:
            self.bad(name, raw[:50], _("Must be at least %(lo)s.", lo=lo))
            return None
        return value

    def done(self):
        if self.problems:
            raise InvalidQuery(self.problems)


def _one(reader: _Reader, name: str, values: list):
    if len(values) > 1:
        reader.bad(name, ",".join(values), _("Give one value only."))
    return values[0] if values else None


def actor_query(args: MultiDict) -> ActorQuery:
    r = _Reader(args)
    q = r.text("q")
    kind = _one(r, "kind", r.choices("kind", ACTOR_KINDS))
    country = _one(r, "country", r.countries("country"))
    city = r.text("city", 100)
    area = _one(r, "issue_area", r.labels("issue_area"))
    limit = r.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = r.integer("offset", 0, 0, 10**9)
    r.done()
    area = area.lower().replace(" ", "_").replace("-", "_") if area else None
    return ActorQuery(ActorFilter(q=q, kind=kind, country=country, city=city,
                                  issue_area=area), limit, offset)


def tie_query(args: MultiDict) -> TieQuery:
    r = _Reader(args)
    actor = r.text("actor", 128)
    kinds = tuple(r.choices("kind", TIE_KINDS))
    limit = r.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = r.integer("offset", 0, 0, 10**9)
    r.done()
    return TieQuery(actor, kinds, limit, offset)


def map_query(args: MultiDict) -> MapQuery:
    r = _Reader(args)
    kinds = r.choices("kind", ACTOR_KINDS)
    countries = r.countries("country")
    cities = r.values("city")
    for c in cities:
        if len(c) > 100:
            r.bad("city", c[:50], _("At most %(n)d characters.", n=100))
    areas = [a.lower().replace(" ", "_").replace("-", "_") for a in r.labels("issue_area")]
    tie_kinds = r.choices("tie_kind", TIE_KINDS)
    min_degree = r.integer("min_degree", None, 0, 10**6)
    ego = r.text("ego", 128)
    depth = r.integer("depth", 1, 1, 3)
    size_by = _one(r, "size_by", r.choices("size_by", SIZE_MEASURES)) or "degree"
    min_size = r.number("min_size")
    communities = []
    for v in r.values("community"):
        if v.isdigit() and len(v) < 7:
            communities.append(int(v))
        else:
            r.bad("community", v[:50], _("Must be a community number (0, 1, 2...)."))
    color_by = _one(r, "color_by", r.choices("color_by", COLOR_BY)) or "kind"
    focus = r.text("focus", 200)
    other = r.text("other", 200)
    to = _one(r, "to", r.choices("to", FOCUS_TARGETS)) or ("actor" if other else
                                                           "us_policymakers")
    if to == "actor" and focus and not other:
        r.bad("other", "", _("Name the second actor the routes should reach."))
    r.done()
    flt = MapFilter(kinds=frozenset(kinds), countries=frozenset(countries),
                    cities=frozenset(cities), issue_areas=frozenset(areas),
                    tie_kinds=frozenset(tie_kinds), min_size=min_size or None)
    return MapQuery(flt, ego, depth, size_by, min_degree or None, frozenset(communities),
                    color_by, focus, to, other if to == "actor" else None)


def metrics_query(args: MultiDict, columns) -> MetricsQuery:
    """``sort`` is a column name, ``-`` in front for descending."""
    r = _Reader(args)
    sort = _one(r, "sort", r.values("sort")) or "name"
    descending = sort.startswith("-")
    if sort.lstrip("-") not in columns:
        r.bad("sort", sort[:50], _("Unknown column; see the documented metric columns."))
    limit = r.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = r.integer("offset", 0, 0, 10**9)
    r.done()
    return MetricsQuery(sort.lstrip("-"), descending, limit, offset)


def brokerage_query(args: MultiDict) -> BrokerageQuery:
    r = _Reader(args)
    group_by = _one(r, "group_by", r.choices("group_by", GROUP_BY)) or "country"
    limit = r.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = r.integer("offset", 0, 0, 10**9)
    r.done()
    return BrokerageQuery(group_by, limit, offset)
