"""The network over time in the web app: the as-of day of every request,
what changed between two days, the indicators' trends (and their chart),
and the mechanism's monitoring funnel.

Every page and API answer reads the graph as of one day: ``?as_of=YYYY-MM-DD``
(or ``?as_of=all``: every tie ever recorded), today when absent. The day is
parsed here, once per request, and given to the request's
:class:`~graphsvc.access.GraphView`, so every data function reads that day
through the one gate. The data functions below read through the service
the view wraps (:mod:`graphsvc.timeline`), with the view's visibility.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

from flask import g, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..snapshot import ALL_TIME, as_of_key
from ..timeline import changes_report, funnel_report, trends_report
from .access import Access
from .analyses import INDICATOR_LABELS
from .errors import InvalidQuery

__all__ = ["request_as_of", "parse_as_of", "changes_query", "changes", "changes_rows",
           "period_arg", "trends",
           "trends_csv", "trend_charts", "monitoring_query", "monitoring", "monitoring_csv",
           "CHART"]


def parse_as_of(value: str | None):
    """``None`` (today) for an empty value, ``"all"``, or the ISO day; an
    :class:`InvalidQuery` naming ``as_of`` otherwise."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        day = as_of_key(text)
    except ValueError:
        day = None
    if day is None or (day != ALL_TIME and not "1900-01-01" <= day <= "2100-12-31"):
        raise InvalidQuery([{"field": "as_of", "value": text[:50], "message": _(
            "Not a date: write it YYYY-MM-DD (e.g. 2021-12-31), or 'all' for every "
            "tie ever recorded.")}])
    return day


def request_as_of():
    """The request's ``?as_of=`` (parsed once per request): None for today."""
    if "as_of" not in g:
        g.as_of = parse_as_of(request.args.get("as_of"))
    return g.as_of


def _day(args: MultiDict, name: str, default: str | None, problems: list) -> str | None:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append({"field": name, "value": text[:50],
                         "message": _("Not a date: write it YYYY-MM-DD (e.g. 2021-12-31).")})
        return default


def _today() -> str:
    return as_of_key(None)


# --- what changed ----------------------------------------------------------------

def changes_query(args: MultiDict) -> tuple[str, str]:
    """``from`` (default five years before ``to``) and ``to`` (default today)."""
    problems: list = []
    end = _day(args, "to", _today(), problems) or _today()
    default_start = dt.date.fromisoformat(end).replace(month=1, day=1)
    start = _day(args, "from", default_start.replace(year=default_start.year - 5).isoformat(),
                 problems)
    if not problems and start is not None and not start < end:
        problems.append({"field": "from", "value": start,
                         "message": _("The first day must be before the second.")})
    if problems:
        raise InvalidQuery(problems)
    assert start is not None
    return start, end


def _labelled(rows: list[dict]) -> list[dict]:
    for r in rows:
        label, definition = INDICATOR_LABELS.get(r["name"], (r["name"], ""))
        r["label"], r["definition"] = str(label), str(definition)
    return rows


def changes(access: Access, query: tuple[str, str]) -> dict:
    """What changed between the two days (see :func:`graphsvc.queries.temporal.changes`)."""
    report = changes_report(access.view.service, access.include_restricted, *query)
    _labelled(report["indicators"])
    report["dataset"] = {"illustrative": report["illustrative"],
                         "version": report["version"], "as_of": ALL_TIME,
                         "store": access.view.store.name}
    return report


CHANGE_COLUMNS = ("change", "id", "source", "source_name", "target", "target_name",
                  "kind", "subtype", "since", "until")


def changes_rows(report: dict) -> str:
    """The ties begun and ended, one row each (``change``: begun or ended)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CHANGE_COLUMNS)
    for change in ("begun", "ended"):
        for r in report[f"ties_{change}"]:
            row = {"change": change, **r}
            w.writerow([_cell(row.get(k)) for k in CHANGE_COLUMNS])
    return out.getvalue()


# --- trends ----------------------------------------------------------------------

def period_arg(args: MultiDict) -> str | None:
    """``period``: year, quarter, or empty (chosen by the data's span)."""
    value = (args.get("period") or "").strip().lower()
    if value in ("", "year", "quarter"):
        return value or None
    raise InvalidQuery([{"field": "period", "value": value[:50], "message": _(
        "Unknown value; use one of: %(values)s.", values="quarter, year")}])


def trends(access: Access, period: str | None = None) -> dict:
    """Each indicator at the end of each year (or quarter) and today."""
    report = trends_report(access.view.service, access.include_restricted, period=period)
    _labelled(report["series"])
    return report


def trends_csv(report: dict) -> str:
    """One row per day, one column per indicator."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["date", *(s["name"] for s in report["series"])])
    for i, day in enumerate(report["dates"]):
        w.writerow([day, *("" if s["values"][i] is None else s["values"][i]
                           for s in report["series"])])
    return out.getvalue()


#: Geometry of one small chart, in SVG user units.
CHART = {"width": 260, "height": 130, "left": 44, "right": 10, "top": 12, "bottom": 26}


def _scale(lo: float, hi: float, size: float, top: float):
    span = (hi - lo) or 1.0
    return lambda v: round(top + size - (v - lo) / span * size, 1)


def trend_charts(report: dict) -> list[dict]:
    """The geometry of one small chart per indicator, drawn by the template
    as inline SVG: points of the series, the survey's 2021 figure as a
    reference line, the axes' end labels. Shares run from 0 to 1; other
    indicators between their smallest and largest value."""
    c = CHART
    w = c["width"] - c["left"] - c["right"]
    h = c["height"] - c["top"] - c["bottom"]
    dates = report["dates"]
    n = len(dates)
    charts = []
    for s in report["series"]:
        values = [v for v in s["values"] if v is not None]
        if s["share"]:
            lo, hi = 0.0, 1.0
        else:
            pool = values + ([s["survey"]] if s["survey"] is not None else [])
            lo, hi = (min(pool), max(pool)) if pool else (0.0, 1.0)
            if lo == hi:
                lo, hi = lo - 1 if lo else 0.0, hi + 1
        y = _scale(lo, hi, h, c["top"])

        def x(i):
            return round(c["left"] + (w * i / (n - 1) if n > 1 else w / 2), 1)

        points = [(x(i), y(v), dates[i], v) for i, v in enumerate(s["values"])
                  if v is not None]
        charts.append({
            "name": s["name"], "label": s["label"], "definition": s["definition"],
            "share": s["share"], "lo": lo, "hi": hi,
            "points": points,
            "path": " ".join(f"{px},{py}" for px, py, _d, _v in points),
            "survey": s["survey"],
            "survey_y": y(s["survey"]) if s["survey"] is not None else None,
            "last": s["values"][-1] if s["values"] else None,
            "first_date": dates[0], "last_date": dates[-1],
            "x0": c["left"], "x1": c["left"] + w, "y0": c["top"], "y1": c["top"] + h,
        })
    return charts


# --- the monitoring funnel -----------------------------------------------------------

def monitoring_query(args: MultiDict, default_months: int) -> dict:
    """``from`` (default a year before ``to``), ``to`` (default today),
    ``months`` (1-12, default the FUNNEL_MONTHS setting)."""
    problems: list = []
    end = _day(args, "to", _today(), problems) or _today()
    start = _day(args, "from", (dt.date.fromisoformat(end)
                                - dt.timedelta(days=365)).isoformat(), problems)
    months = default_months
    raw = (args.get("months") or "").strip()
    if raw:
        try:
            months = int(raw)
            if not 1 <= months <= 12:
                raise ValueError
        except ValueError:
            problems.append({"field": "months", "value": raw[:50],
                             "message": _("Must be between %(lo)d and %(hi)d.", lo=1, hi=12)})
            months = default_months
    if not problems and start is not None and start > end:
        problems.append({"field": "from", "value": start,
                         "message": _("The first day must not be after the last.")})
    if problems:
        raise InvalidQuery(problems)
    return {"start": start, "end": end, "months": months}


def monitoring(access: Access, query: dict) -> dict:
    """The introductions funnel of the period (see
    :func:`graphsvc.queries.temporal.introduction_funnel`)."""
    report = funnel_report(access.view.service, access.include_restricted,
                           query["start"], query["end"], query["months"])
    report["dataset"] = {"illustrative": report["illustrative"],
                         "version": report["version"], "as_of": ALL_TIME,
                         "store": access.view.store.name}
    return report


MONITORING_COLUMNS = ("source", "source_name", "target", "target_name", "via",
                      "first_recorded", "status", "made_on", "check_months",
                      "tie_after_months", "check_year", "tie_after_year")


def _cell(value):
    if value is None:
        return ""
    # Spreadsheet programs run cells starting with = + - @ as formulas.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def monitoring_csv(report: dict) -> str:
    """One row per pair, with each stage's result (empty: too recent to tell)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(MONITORING_COLUMNS)
    for r in report["pairs"]:
        w.writerow([_cell(r.get(k)) for k in MONITORING_COLUMNS])
    return out.getvalue()
