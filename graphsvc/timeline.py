"""The network over time as the CLI and the web app report it.

Each function reads through the service, so through the one gate
(:mod:`graphsvc.snapshot`) and the one cache: the graph of each day is the
reader's graph as of that day, its analyses cached by (store version,
visibility, name, parameters, day). The analyses themselves are in
:mod:`graphsvc.queries.temporal`; the words are added by the callers.
"""
from __future__ import annotations

from .queries.temporal import changes, introduction_funnel, series_days
from .service import GraphService
from .snapshot import ALL_TIME, as_of_key

__all__ = ["changes_report", "trends_report", "funnel_report", "SHARE_INDICATORS"]

#: Indicators that are shares (0 to 1); the others are counts or indices.
SHARE_INDICATORS = ("tied_to_unhcr", "tied_to_iom", "tied_to_us_organizations",
                    "tied_to_us_policymakers", "tied_to_mx_policymakers",
                    "formal_among_us_cooperators",
                    "informal_among_us_cooperators", "largest_component_share")


def _about(service: GraphService, include_restricted: bool) -> dict:
    G = service.snapshot(include_restricted, ALL_TIME)
    return {"version": G.graph.get("version"),
            "illustrative": G.graph.get("illustrative") == "true"}


def changes_report(service: GraphService, include_restricted: bool, day1: str, day2: str,
                   top: int = 10) -> dict:
    """:func:`graphsvc.queries.temporal.changes` between two days, with the
    indicators, metrics and communities of each day from the one cache."""
    day1, day2 = as_of_key(day1), as_of_key(day2)
    if ALL_TIME in (day1, day2) or not day1 < day2:
        raise ValueError("two days, the first before the second")
    G = service.snapshot(include_restricted, ALL_TIME)
    days = (day1, day2)
    report = changes(
        G, day1, day2,
        introductions=service.introductions(include_restricted, as_of=ALL_TIME),
        indicators=(service.analysis("indicators", include_restricted, as_of=day1),
                    service.analysis("indicators", include_restricted, as_of=day2)),
        metrics=(service.analysis("actor_metrics", include_restricted, as_of=day1),
                 service.analysis("actor_metrics", include_restricted, as_of=day2)),
        partitions=(service.partition(include_restricted, as_of=day1),
                    service.partition(include_restricted, as_of=day2)),
        top=top)
    return {**_about(service, include_restricted), "as_of": list(days), **report}


def trends_report(service: GraphService, include_restricted: bool,
                  period: str | None = None, end: str | None = None) -> dict:
    """Each survey indicator on the last day of each year (or quarter) since
    the graph's earliest date, and on ``end`` (default today): ``dates``,
    and ``series`` (name, values, the survey's figure, whether a share)."""
    end = as_of_key(end)
    G = service.snapshot(include_restricted, ALL_TIME)
    period, days = series_days(G, end, period=period)
    tables = [service.analysis("indicators", include_restricted, as_of=d) for d in days]
    series = []
    for name in tables[-1].index:
        survey = tables[-1].at[name, "survey"]
        values = [t.at[name, "value"] if name in t.index else None for t in tables]
        series.append({"name": name, "share": name in SHARE_INDICATORS,
                       "survey": None if survey is None or survey != survey else float(survey),
                       "values": [None if v is None or v != v else float(v) for v in values]})
    return {**_about(service, include_restricted), "as_of": end, "period": period,
            "dates": days, "series": series}


def funnel_report(service: GraphService, include_restricted: bool, start: str, end: str,
                  months: int | None = None) -> dict:
    """:func:`graphsvc.queries.temporal.introduction_funnel` of the
    introductions recorded from ``start`` to ``end``, checked today;
    ``months`` defaults to the ``FUNNEL_MONTHS`` setting."""
    months = int(months or service.config.get("FUNNEL_MONTHS") or 6)
    G = service.snapshot(include_restricted, ALL_TIME)
    records = service.introductions(include_restricted, as_of=ALL_TIME)
    report = introduction_funnel(G, records, as_of_key(start), as_of_key(end),
                                 months=months, today=as_of_key(None))
    return {**_about(service, include_restricted), "as_of": report["today"], **report}
