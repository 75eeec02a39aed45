"""The network over time: what changed between two days, indicator series,
and the introductions funnel.

Every function takes the reader's snapshot over all time (every tie ever
recorded, as :func:`graphsvc.snapshot.reader_graph` gives it) and dates it
with the one rule of :mod:`graphsvc.snapshot` (:func:`~graphsvc.snapshot.in_force`,
:func:`~graphsvc.snapshot.graph_as_of`): a tie is in force on D when
``since <= D <= until``, a missing end open; undated ties are in force on
every day; actors are present on every day.

Days are ISO strings (``"YYYY-MM-DD"``). Results are plain data.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx
import pandas as pd

from ..model import Introduction
from ..snapshot import graph_as_of, in_force
from .indicators import survey_indicators

__all__ = ["add_months", "tie_dates", "series_days", "changes",
           "ties_begun", "ties_ended", "community_changes", "introduction_funnel",
           "FUNNEL_STAGES", "MONITORED_METRICS"]

#: The per-actor measures :func:`changes` ranks by how much they moved.
MONITORED_METRICS = ("betweenness", "brokerage_total", "constraint")

#: The funnel's stages, in order (see :func:`introduction_funnel`).
FUNNEL_STAGES = ("proposed", "made", "tie_after_months", "tie_after_year")


def _day(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def add_months(day: str, months: int) -> str:
    """``day`` plus ``months`` calendar months, the day of the month kept
    where the month has it (else its last day).

    >>> add_months("2023-08-31", 6), add_months("2023-01-15", 12)
    ('2024-02-29', '2024-01-15')
    """
    d = dt.date.fromisoformat(day)
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(d.day, last)).isoformat()
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


# --- dates in the graph ----------------------------------------------------------

def tie_dates(G: nx.MultiDiGraph) -> list[str]:
    """Every distinct ``since`` and ``until`` in ``G``, sorted."""
    out = set()
    for _u, _v, d in G.edges(data=True):
        for f in ("since", "until"):
            if d.get(f):
                out.add(_day(d[f]))
    return sorted(out)


def series_days(G: nx.MultiDiGraph, end: str, *, start: str | None = None,
                period: str | None = None) -> tuple[str, list[str]]:
    """The days a series is computed on, and the period: ``"year"`` or
    ``"quarter"``.

    From the year (or quarter) of the earliest date in ``G`` (or ``start``)
    to ``end``: the last day of each period, then ``end`` itself. The period
    is chosen by the span when not given: more than three years, by year;
    otherwise by quarter. A graph without dates gives ``end`` alone.

    >>> series_days(nx.MultiDiGraph(), "2024-05-01")
    ('quarter', ['2024-05-01'])
    """
    dates = [d for d in tie_dates(G) if d <= end]
    first = start or (dates[0] if dates else end)
    first_d, end_d = dt.date.fromisoformat(first), dt.date.fromisoformat(end)
    if period is None:
        period = "year" if (end_d - first_d).days > 3 * 366 else "quarter"
    if period not in ("year", "quarter"):
        raise ValueError("period is 'year' or 'quarter'")
    days = []
    if period == "year":
        for y in range(first_d.year, end_d.year):
            days.append(dt.date(y, 12, 31).isoformat())
    else:
        q = (first_d.month - 1) // 3
        y = first_d.year
        while True:
            last_month = 3 * q + 3
            stop = add_months(dt.date(y, last_month, 1).isoformat(), 1)
            last = (dt.date.fromisoformat(stop) - dt.timedelta(days=1)).isoformat()
            if last >= end:
                break
            days.append(last)
            q += 1
            if q == 4:
                q, y = 0, y + 1
    days.append(end)
    return period, days


# --- what changed ----------------------------------------------------------------

def _number(x) -> float | None:
    """A figure as a float; None for a missing one (None, NaN)."""
    if x is None:
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return None if value != value else value


def _tie_row(G: nx.MultiDiGraph, u, v, k, d) -> dict:
    return {"id": k, "source": u, "target": v,
            "source_name": G.nodes[u].get("name") or u,
            "target_name": G.nodes[v].get("name") or v,
            "kind": d.get("kind"), "subtype": d.get("subtype"),
            "since": _day(d["since"]) if d.get("since") else None,
            "until": _day(d["until"]) if d.get("until") else None}


def ties_begun(G: nx.MultiDiGraph, day1: str, day2: str) -> list[dict]:
    """Ties whose ``since`` is after ``day1`` and on or before ``day2``, by id."""
    rows = [_tie_row(G, u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
            if d.get("since") and day1 < _day(d["since"]) <= day2]
    return sorted(rows, key=lambda r: str(r["id"]))


def ties_ended(G: nx.MultiDiGraph, day1: str, day2: str) -> list[dict]:
    """Ties whose ``until`` is on or after ``day1`` and before ``day2`` (in
    force on ``day1`` at the latest, no longer on ``day2``), by id."""
    rows = [_tie_row(G, u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
            if d.get("until") and day1 <= _day(d["until"]) < day2]
    return sorted(rows, key=lambda r: str(r["id"]))


def _tied(G: nx.MultiDiGraph) -> set:
    return {v for v in G if G.degree(v)}


def _actor_row(G, v) -> dict:
    a = G.nodes[v]
    return {"id": v, "name": a.get("name") or v, "kind": a.get("kind"),
            "country": a.get("country")}


def community_changes(part1: Mapping, part2: Mapping, min_size: int = 3) -> dict:
    """Communities merged or split between two partitions, matched by overlap.

    Each community of ``part1`` (of at least ``min_size`` actors among
    those in both partitions) is matched to the ``part2`` community holding
    most of its actors, and each of ``part2`` to the ``part1`` community
    holding most of its. A ``part2`` community that is the match of two or
    more ``part1`` communities *merged* them; a ``part1`` community that is
    the match of two or more ``part2`` communities *split* into them.
    Community numbers are those of each partition.

    >>> community_changes({1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1},
    ...                   {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0})["merged"]
    [{'into': 0, 'from': [0, 1], 'actors': 6}]
    """
    common = set(part1) & set(part2)

    def groups(part):
        out: dict = defaultdict(set)
        for v in common:
            out[part[v]].add(v)
        return {c: m for c, m in out.items() if len(m) >= min_size}

    g1, g2 = groups(part1), groups(part2)

    def best(members, other_part):
        counts = Counter(other_part[v] for v in members)
        return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]

    into: dict = defaultdict(list)
    for c, members in g1.items():
        into[best(members, part2)].append(c)
    split_into: dict = defaultdict(list)
    for c, members in g2.items():
        split_into[best(members, part1)].append(c)
    merged = [{"into": c2, "from": sorted(cs), "actors": len(g2.get(c2, ()))}
              for c2, cs in sorted(into.items()) if len(cs) > 1]
    split = [{"from": c1, "into": sorted(cs), "actors": len(g1.get(c1, ()))}
             for c1, cs in sorted(split_into.items()) if len(cs) > 1]
    return {"merged": merged, "split": split,
            "communities": {"from": len(g1), "to": len(g2)}, "min_size": min_size}


def _pair_tied(G: nx.MultiDiGraph, a, b, day: str) -> bool:
    """True when ``a`` and ``b`` share a tie (any kind, either direction) in
    force on ``day``."""
    if a not in G or b not in G:
        return False
    for x, y in ((a, b), (b, a)):
        if G.has_edge(x, y):
            if any(in_force(d, day) for d in G[x][y].values()):
                return True
    return False


def _metric_changes(G, m1: pd.DataFrame, m2: pd.DataFrame, top: int) -> dict:
    out = {}
    for col in MONITORED_METRICS:
        if col not in m1 or col not in m2:
            continue
        a, b = m1[col], m2[col].reindex(m1.index)
        rows = []
        for v in m1.index:
            x, y = a.get(v), b.get(v)
            if x is None or y is None or x != x or y != y:
                continue
            diff = float(y) - float(x)
            if diff:
                rows.append({**_actor_row(G, v), "from": float(x), "to": float(y),
                             "difference": diff})
        rows.sort(key=lambda r: (-abs(r["difference"]), str(r["id"])))
        out[col] = rows[:top]
    return out


def changes(G: nx.MultiDiGraph, day1: str, day2: str, *,
            introductions: Iterable[Introduction] = (),
            indicators: tuple[pd.DataFrame, pd.DataFrame] | None = None,
            metrics: tuple[pd.DataFrame, pd.DataFrame] | None = None,
            partitions: tuple[Mapping, Mapping] | None = None,
            top: int = 10) -> dict:
    """What changed in ``G`` (all time) between ``day1`` and ``day2``.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The reader's snapshot over all time.
    day1, day2 : str
        ISO days, ``day1`` before ``day2``.
    introductions : iterable of Introduction
        The records the reader may see; those recorded after ``day1`` and
        on or before ``day2`` are listed.
    indicators, metrics, partitions : pairs, optional
        :func:`~graphsvc.queries.indicators.survey_indicators`,
        :func:`~graphsvc.queries.metrics.actor_metrics` tables and community
        partitions on each day (a service passes its cached ones); the
        indicators are computed here when not given, metrics and
        communities left out.
    top : int
        How many actors to list per measure.

    Returns
    -------
    dict
        ``ties_begun`` (``since`` in (day1, day2]), ``ties_ended``
        (``until`` in [day1, day2)), ``actors_joined`` (no tie in force on
        ``day1``, some on ``day2``) and ``actors_left`` (the reverse),
        ``indicators`` (each at both days with the difference),
        ``metrics`` (the actors whose betweenness, brokerage or constraint
        moved most), ``communities`` (:func:`community_changes`) and
        ``introductions`` (each recorded in between, and whether the pair
        has a tie in force on ``day2``).
    """
    day1, day2 = _day(day1), _day(day2)
    if not day1 < day2:
        raise ValueError("the first day must be before the second")
    G1, G2 = graph_as_of(G, day1), graph_as_of(G, day2)
    if indicators is None:
        indicators = (survey_indicators(G1), survey_indicators(G2))
    t1, t2 = indicators
    rows = []
    for name in t1.index:
        a = _number(t1.at[name, "value"])
        b = _number(t2.at[name, "value"]) if name in t2.index else None
        rows.append({"name": name, "from": a, "to": b,
                     "difference": None if a is None or b is None else b - a,
                     "survey": _number(t1.at[name, "survey"]) if "survey" in t1 else None})
    tied1, tied2 = _tied(G1), _tied(G2)
    intros = []
    for r in introductions:
        when = r.recorded_at.date().isoformat() if r.recorded_at else None
        if when is None or not day1 < when <= day2:
            continue
        intros.append({"source": r.source, "target": r.target, "via": r.via,
                       "source_name": G.nodes[r.source].get("name") if r.source in G
                       else r.source,
                       "target_name": G.nodes[r.target].get("name") if r.target in G
                       else r.target,
                       "status": r.status, "recorded_on": when,
                       "became_tie": _pair_tied(G, r.source, r.target, day2)})
    return {
        "from": day1, "to": day2,
        "ties_begun": ties_begun(G, day1, day2),
        "ties_ended": ties_ended(G, day1, day2),
        "actors_joined": [_actor_row(G, v) for v in sorted(tied2 - tied1, key=str)],
        "actors_left": [_actor_row(G, v) for v in sorted(tied1 - tied2, key=str)],
        "indicators": rows,
        "metrics": _metric_changes(G, *metrics, top) if metrics else {},
        "communities": community_changes(*partitions) if partitions else None,
        "introductions": intros,
    }


# --- the introductions funnel ------------------------------------------------------

def introduction_funnel(G: nx.MultiDiGraph, records: Iterable[Introduction],
                        start: str, end: str, *, months: int = 6,
                        today: str | None = None) -> dict:
    """Introductions recorded from ``start`` to ``end`` (inclusive) as a funnel.

    Pairs (unordered) with any record in the period pass through four
    stages:

    1. ``proposed``: every pair with a record in the period (a made or
       declined introduction was proposed first);
    2. ``made``: a ``made`` record in the period; its day (the first such)
       starts the clock;
    3. ``tie_after_months``: a tie between the pair, of any kind and either
       direction, is in force ``months`` months after the made day;
    4. ``tie_after_year``: one is still in force twelve months after the
       made day (and was at stage 3).

    A stage whose day is after ``today`` is ``pending``: too recent to tell,
    counted apart and not as a failure. ``G`` is the reader's snapshot over
    all time (the tie may have ended since).

    Returns
    -------
    dict
        ``counts`` per stage, ``pending`` per stage, ``declined``, the
        parameters, and ``pairs``: one row per pair with its stage results
        (True, False or None for pending).
    """
    if not 1 <= months <= 12:
        raise ValueError("months is between 1 and 12")
    start, end = _day(start), _day(end)
    today = _day(today) if today else dt.date.today().isoformat()
    by_pair: dict[tuple, list[tuple[str, Introduction]]] = defaultdict(list)
    for r in records:
        when = r.recorded_at.date().isoformat() if r.recorded_at else None
        if when is not None and start <= when <= end:
            by_pair[r.pair].append((when, r))
    counts = dict.fromkeys(FUNNEL_STAGES, 0)
    pending = dict.fromkeys(FUNNEL_STAGES[2:], 0)
    declined = 0
    pairs = []
    for (a, b), dated in sorted(by_pair.items()):
        dated.sort(key=lambda wr: (wr[0], str(wr[1].recorded_at), wr[1].status))
        recs = [r for _w, r in dated]
        made = [w for w, r in dated if r.status == "made"]
        row = {"source": a, "target": b,
               "source_name": G.nodes[a].get("name") if a in G else a,
               "target_name": G.nodes[b].get("name") if b in G else b,
               "via": next((r.via for r in reversed(recs) if r.via), None),
               "first_recorded": dated[0][0],
               "status": recs[-1].status, "made_on": None,
               "check_months": None, "tie_after_months": None,
               "check_year": None, "tie_after_year": None}
        counts["proposed"] += 1
        if any(r.status == "declined" for r in recs) and not made:
            declined += 1
        if made:
            counts["made"] += 1
            made_on = made[0]
            row["made_on"] = made_on
            row["check_months"] = add_months(made_on, months)
            row["check_year"] = add_months(made_on, 12)
            # stage 3
            if row["check_months"] > today:
                pending["tie_after_months"] += 1
            else:
                row["tie_after_months"] = _pair_tied(G, a, b, row["check_months"])
                counts["tie_after_months"] += row["tie_after_months"]
            # stage 4: only a pair that reached stage 3 (or may yet) can
            if row["tie_after_months"] is False:
                row["tie_after_year"] = False
            elif row["check_year"] > today or row["tie_after_months"] is None:
                pending["tie_after_year"] += 1
            else:
                row["tie_after_year"] = _pair_tied(G, a, b, row["check_year"])
                counts["tie_after_year"] += row["tie_after_year"]
        pairs.append(row)
    return {"start": start, "end": end, "months": months, "today": today,
            "counts": counts, "pending": pending, "declined": declined, "pairs": pairs}
