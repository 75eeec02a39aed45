"""The network over time: the in-force rule, the graph as of a day through the
service's one gate and cache, what changed, and the introductions funnel.

Expected values are counted plainly in the tests (loops over the records),
or by hand on graphs small enough to check on paper.
"""
from __future__ import annotations

import datetime as dt

import pytest

from graphsvc.illustrative import load_illustrative
from graphsvc.illustrative.history import SURVEY_DAY
from graphsvc.model import Actor, Introduction, Tie
from graphsvc.queries.indicators import survey_indicators
from graphsvc.queries.temporal import (
    add_months,
    changes,
    community_changes,
    introduction_funnel,
    series_days,
)
from graphsvc.service import GraphService
from graphsvc.snapshot import build_snapshot, graph_as_of, in_force, today
from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.timeline import changes_report, funnel_report, trends_report


def A(i, kind="cso", country="MX", **kw):
    return Actor(id=i, name=i.upper(), kind=kind, country=country, visibility="public", **kw)


def D(text):
    return dt.date.fromisoformat(text)


@pytest.fixture(scope="module")
def illustrative(tmp_path_factory):
    store = SQLiteStore(tmp_path_factory.mktemp("time") / "graph.db")
    load_illustrative(store)
    service = GraphService(store)
    yield service
    service.close()


# --- the rule -------------------------------------------------------------------------

@pytest.mark.parametrize("since, until, day, expected", [
    (None, None, "1990-01-01", True),       # undated: in force on every day
    ("2014-01-01", None, "2013-12-31", False),
    ("2014-01-01", None, "2014-01-01", True),  # the first day counts
    (None, "2017-06-30", "2017-06-30", True),  # so does the last
    (None, "2017-06-30", "2017-07-01", False),
    ("2014-01-01", "2017-06-30", "2016-05-05", True),
])
def test_in_force(since, until, day, expected):
    assert in_force({"since": since, "until": until}, day) is expected


def test_as_of_keeps_every_actor_and_only_ties_in_force():
    G = build_snapshot([A("a"), A("b"), A("c")], [
        Tie(source="a", target="b", kind="formal", subtype="mou", since=D("2014-01-01"),
            until=D("2017-06-30")),
        Tie(source="b", target="c", kind="informal")])
    H = graph_as_of(G, "2018-01-01")
    assert sorted(H) == ["a", "b", "c"]  # an actor is present once it has a record
    assert [k for *_e, k in H.edges(keys=True)] == ["informal:b--c"]
    assert H.graph["as_of"] == "2018-01-01"
    assert graph_as_of(G, "all") is G


# --- the one gate and the one cache ------------------------------------------------------

def test_service_snapshot_default_is_today_and_keys_the_cache_by_day(tmp_path):
    svc = GraphService(SQLiteStore(tmp_path / "g.db"))
    svc.store.upsert([A("a"), A("b", country="US")], [
        Tie(source="a", target="b", kind="formal", subtype="mou", since=D("2014-01-01"),
            until=D("2017-06-30"), visibility="public")])
    assert svc.snapshot().graph["as_of"] == today()
    assert svc.snapshot().number_of_edges() == 0
    assert svc.snapshot(as_of="2016-01-01").number_of_edges() == 1
    assert svc.snapshot(as_of="all").number_of_edges() == 1
    assert svc.snapshot(False, as_of="2016-01-01").number_of_edges() == 1  # public tie
    svc.analysis("indicators", as_of="2016-01-01")
    svc.analysis("indicators")
    days = {(k.name, k.restricted, k.as_of) for k in svc.cache.keys()}
    assert {("indicators", True, "2016-01-01"), ("indicators", True, today()),
            ("snapshot", True, "all"), ("snapshot", False, "2016-01-01")} <= days
    # the same day asked twice is computed once
    hits = svc.cache.hits
    svc.analysis("indicators", as_of="2016-01-01")
    assert svc.cache.hits > hits
    svc.close()


def test_an_mou_ended_in_2017_no_longer_counts_today(tmp_path):
    # One Mexican CSO whose only formal cooperation with a US organization is
    # an MoU that ended in 2017, and an informal tie that goes on.
    svc = GraphService(SQLiteStore(tmp_path / "g.db"))
    svc.store.upsert([A("cso"), A("usorg", country="US")], [
        Tie(source="cso", target="usorg", kind="formal", subtype="mou",
            since=D("2015-03-01"), until=D("2017-09-30")),
        Tie(source="cso", target="usorg", kind="informal", subtype="workshop")])

    def formal_share(**kw):
        return svc.analysis("indicators", **kw).at["formal_among_us_cooperators", "value"]

    assert formal_share(as_of="2016-06-01") == 1.0
    assert formal_share(as_of="all") == 1.0  # every tie ever recorded: it counts
    assert formal_share() == 0.0  # today (the default): it does not
    svc.close()


# --- on the illustrative network --------------------------------------------------------

def _plain(G, day):
    """The ties in force on ``day``, counted by a plain loop over the records."""
    return {k for _u, _v, k, d in G.edges(keys=True, data=True)
            if (d.get("since") or "0000") <= day <= (d.get("until") or "9999")}


def test_illustrative_indicators_differ_between_2018_and_today(illustrative):
    then = illustrative.analysis("indicators", as_of="2018-01-01")
    now = illustrative.analysis("indicators")
    differ = [n for n in then.index if then.at[n, "value"] != now.at[n, "value"]]
    # formal ties begun after 2018 and the introductions of 2022-2024 move
    # the survey's shares; density moves with any tie
    assert {"density", "tied_to_us_policymakers", "formal_among_us_cooperators"} <= \
        set(differ)
    G = illustrative.snapshot(as_of="all")
    assert illustrative.snapshot(as_of="2018-01-01").number_of_edges() == \
        len(_plain(G, "2018-01-01"))
    assert illustrative.snapshot().number_of_edges() == len(_plain(G, today()))


def test_illustrative_survey_figures_hold_on_the_survey_day(illustrative):
    table = illustrative.analysis("indicators", as_of=SURVEY_DAY)
    assert table.at["tied_to_unhcr", "value"] == 1.0
    for name in ("tied_to_iom", "tied_to_us_organizations", "tied_to_us_policymakers",
                 "formal_among_us_cooperators", "informal_among_us_cooperators"):
        assert table.at[name, "value"] == pytest.approx(table.at[name, "survey"], abs=0.05)


def test_changes_list_exactly_the_ties_whose_dates_say_so(illustrative):
    G = illustrative.snapshot(as_of="all")
    day1, day2 = "2018-01-01", today()
    report = changes_report(illustrative, True, day1, day2)
    begun = {k for _u, _v, k, d in G.edges(keys=True, data=True)
             if d.get("since") and day1 < d["since"] <= day2}
    ended_ = {k for _u, _v, k, d in G.edges(keys=True, data=True)
              if d.get("until") and day1 <= d["until"] < day2}
    assert {t["id"] for t in report["ties_begun"]} == begun
    assert {t["id"] for t in report["ties_ended"]} == ended_
    assert begun and ended_
    # in force on day2 = in force on day1 + begun - ended (no tie here both
    # begins and ends in between)
    assert _plain(G, day2) == (_plain(G, day1) | begun) - ended_
    rows = {r["name"]: r for r in report["indicators"]}
    then = illustrative.analysis("indicators", as_of=day1)
    assert rows["density"]["from"] == pytest.approx(then.at["density", "value"])
    assert rows["density"]["difference"] == pytest.approx(
        rows["density"]["to"] - rows["density"]["from"])
    # the introductions made since 2022 are listed, the made ones became ties
    made = [i for i in report["introductions"] if i["status"] == "made"]
    assert made and all(i["became_tie"] or i["source"] for i in made)
    assert set(report["metrics"]) == {"betweenness", "brokerage_total", "constraint"}
    assert report["communities"] is not None


def test_changes_refuse_days_out_of_order(illustrative):
    with pytest.raises(ValueError):
        changes(illustrative.snapshot(as_of="all"), "2020-01-01", "2019-01-01")


def test_trends_points_are_the_indicators_of_each_day(illustrative):
    report = trends_report(illustrative, True)
    assert report["period"] == "year"  # the illustrative history spans a decade
    assert report["dates"][-1] == today()
    assert all(d.endswith("-12-31") for d in report["dates"][:-1])
    density = next(s for s in report["series"] if s["name"] == "density")
    i = report["dates"].index("2018-12-31")
    assert density["values"][i] == pytest.approx(
        survey_indicators(graph_as_of(illustrative.snapshot(as_of="all"),
                                      "2018-12-31")).at["density", "value"])
    assert next(s for s in report["series"] if s["name"] == "tied_to_unhcr")["survey"] == 1.0


def test_series_days_by_quarter_for_a_short_span():
    G = build_snapshot([A("a"), A("b")], [
        Tie(source="a", target="b", kind="formal", since=D("2023-02-10"))])
    assert series_days(G, "2023-11-15") == (
        "quarter", ["2023-03-31", "2023-06-30", "2023-09-30", "2023-11-15"])


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months("2023-01-31", 1) == "2023-02-28"
    assert add_months("2023-11-15", 6) == "2024-05-15"


# --- communities merged and split --------------------------------------------------------

def test_community_changes_by_overlap():
    before = {**dict.fromkeys("abc", 0), **dict.fromkeys("def", 1), **dict.fromkeys("ghij", 2)}
    after = {**dict.fromkeys("abcdef", 5), **dict.fromkeys("gh", 6), **dict.fromkeys("ij", 7)}
    got = community_changes(before, after, min_size=2)
    assert got["merged"] == [{"into": 5, "from": [0, 1], "actors": 6}]
    assert got["split"] == [{"from": 2, "into": [6, 7], "actors": 4}]


# --- the funnel, counted by hand -----------------------------------------------------------

def _funnel_graph():
    actors = [A(i) for i in ("a", "b", "c", "d", "e", "f", "g", "h", "x")]
    ties = [
        # a-b: made 2023-01-10; tie from then on: yes at 6 months, yes at a year
        Tie(source="a", target="b", kind="informal", subtype="introduction",
            since=D("2023-01-10")),
        # c-d: made 2023-02-01; tie ended 2023-10-31: yes at 6 months, no at a year
        Tie(source="c", target="d", kind="informal", subtype="introduction",
            since=D("2023-02-01"), until=D("2023-10-31")),
        # e-f: made 2023-03-01; tie ended 2023-05-31: no at 6 months (so no at a year)
        Tie(source="e", target="f", kind="informal", subtype="introduction",
            since=D("2023-03-01"), until=D("2023-05-31")),
        # g-h: made 2023-12-01; tie in force: 6 months = 2024-06-01 (yes),
        # a year = 2024-12-01: after the check day 2024-09-01, too recent
        Tie(source="g", target="h", kind="informal", subtype="introduction",
            since=D("2023-12-01")),
    ]
    G = build_snapshot(actors, ties)

    def rec(s, t, status, when):
        return Introduction(source=s, target=t, via="x", status=status,
                            recorded_at=dt.datetime.fromisoformat(when + "T10:00:00+00:00"))

    records = [
        rec("a", "b", "proposed", "2022-12-01"), rec("a", "b", "made", "2023-01-10"),
        rec("c", "d", "made", "2023-02-01"),
        rec("f", "e", "made", "2023-03-01"),  # the pair is unordered
        rec("g", "h", "proposed", "2023-11-01"), rec("g", "h", "made", "2023-12-01"),
        rec("a", "c", "proposed", "2023-04-01"),  # only proposed
        rec("b", "d", "proposed", "2023-05-01"), rec("b", "d", "declined", "2023-05-20"),
        rec("a", "h", "proposed", "2021-05-01"),  # before the period: not counted
    ]
    return G, records


def test_funnel_equals_a_hand_count():
    G, records = _funnel_graph()
    got = introduction_funnel(G, records, "2022-01-01", "2023-12-31", months=6,
                              today="2024-09-01")
    # by hand: pairs a-b, c-d, e-f, g-h, a-c, b-d proposed (6); made: a-b, c-d,
    # e-f, g-h (4); a tie 6 months on: a-b, c-d, g-h (3); a year on: a-b (1),
    # g-h too recent; declined: b-d (1)
    assert got["counts"] == {"proposed": 6, "made": 4, "tie_after_months": 3,
                             "tie_after_year": 1}
    assert got["pending"] == {"tie_after_months": 0, "tie_after_year": 1}
    assert got["declined"] == 1
    rows = {(r["source"], r["target"]): r for r in got["pairs"]}
    assert rows[("e", "f")]["tie_after_months"] is False
    assert rows[("e", "f")]["tie_after_year"] is False
    assert rows[("c", "d")]["check_year"] == "2024-02-01"
    assert rows[("g", "h")]["tie_after_year"] is None  # too recent to tell


def test_funnel_through_the_service_reads_the_setting(tmp_path):
    G, records = _funnel_graph()
    svc = GraphService(SQLiteStore(tmp_path / "g.db"), {"FUNNEL_MONTHS": 12})
    svc.store.upsert([A(v) for v in G], [
        Tie(source=u, target=v, kind="informal", subtype="introduction",
            since=d.get("since"), until=d.get("until"))
        for u, v, d in G.edges(data=True)])
    for r in records:
        svc.store.record_introduction(r)
    got = funnel_report(svc, True, "2022-01-01", "2023-12-31")
    assert got["months"] == 12
    # a year on from each made day, checked today: a-b and g-h still tied
    assert got["counts"]["tie_after_months"] == 2
    svc.close()
