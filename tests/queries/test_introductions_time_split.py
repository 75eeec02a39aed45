"""Evaluation on time: future ties, metrics worked by hand, intervals, the CLI table."""
import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.model import Actor, Tie
from graphsvc.queries.introductions.time_split import (
    TIME_METHODS,
    evaluate_time_split,
    format_time_table,
    future_ties,
)
from graphsvc.snapshot import build_snapshot
from graphsvc.synthetic import synthetic_future_network


def small():
    """On 2021-01-01: a-b, b-c, c-d, b-f in force; a-e ended in 2020; e has no
    other tie. After: a-c (2022-03-01), the one future tie; c-d again in 2023
    does not count (c and d were tied on the day)."""
    A = [Actor(id=x, name=x.upper(), kind="cso", country="MX") for x in "abcdef"]
    T = [Tie(source="a", target="b", kind="formal", since="2019-01-01"),
         Tie(source="b", target="c", kind="formal", since="2019-01-01"),
         Tie(source="c", target="d", kind="formal", since="2019-01-01"),
         Tie(source="b", target="f", kind="formal"),                 # no date: always
         Tie(source="a", target="e", kind="informal", since="2019-01-01",
             until="2020-06-01"),
         Tie(source="a", target="c", kind="informal", since="2022-03-01"),
         Tie(source="c", target="d", kind="informal", since="2023-01-01")]
    return build_snapshot(A, T)


def test_future_ties_are_new_pairs_dated_after_the_split():
    assert future_ties(small(), "2021-01-01") == {frozenset("ac")}
    assert future_ties(small(), "2023-06-01") == set()


def test_common_neighbours_worked_by_hand():
    # u = a: candidates c, d, e, f (b tied). Common neighbours on the day:
    # c 1 (b), f 1 (b), d 0, e 0. Top 2 = {c, f} whatever the tie order:
    # precision 1/2, recall 1; AUC: c ties f (0.5), beats d and e -> 2.5/3.
    # u = c: candidates a, e, f (b, d tied): a 1 (b), f 1 (b), e 0:
    # precision 1/2, recall 1, AUC (0.5 + 1) / 2 = 0.75.
    # Means: precision 0.5, recall 1, AUC (2.5/3 + 0.75) / 2; the partner
    # ranks first or second for each, so MRR is 1, 0.75 or 0.5.
    r = evaluate_time_split(small(), "2021-01-01", k=2, boot=50)
    assert (r["future"], r["modes"]["open"]["evaluated"]) == (1, 2)
    cn = r["modes"]["open"]["methods"]["common_neighbours"]
    assert cn["precision"] == 0.5 and cn["recall"] == 1.0
    assert cn["auc"] == pytest.approx((2.5 / 3 + 0.75) / 2)
    assert cn["mrr"] in (1.0, 0.75, 0.5)
    # Preferential attachment (degrees on the day a 1, b 3, c 2, d 1, e 0,
    # f 1): for a, c scores 2, d and f 1, e 0 -> c first; for c, a and f
    # score 2 (tie), e 0 -> precision@2 1/2 for both.
    pa = r["modes"]["open"]["methods"]["preferential_attachment"]
    assert pa["precision"] == 0.5 and pa["recall"] == 1.0
    assert set(r["modes"]["open"]["methods"]) == set(TIME_METHODS)


def test_intervals_are_seeded_and_hold_the_mean():
    G = synthetic_future_network(200, seed=3, split_date="2022-01-01")
    r1 = evaluate_time_split(G, "2022-01-01", seed=3, boot=100)
    r2 = evaluate_time_split(G, "2022-01-01", seed=3, boot=100)
    assert r1 == r2
    for m, v in r1["modes"]["open"]["methods"].items():
        for x in ("precision", "recall", "auc", "mrr"):
            lo, hi = v[x + "_ci"]
            assert lo <= v[x] <= hi, (m, x)
    ms = r1["modes"]["open"]["methods"]
    # planted future ties follow the same process as the past: the
    # recommender ranks them well above chance
    assert ms["recommender"]["auc"] > 0.75 > ms["random"]["auc"]


def test_per_mode_and_bad_input():
    G = synthetic_future_network(200, seed=1, split_date="2022-01-01")
    r = evaluate_time_split(G, "2022-01-01", modes=("open", "peer"), boot=20)
    assert set(r["modes"]) == {"open", "peer"}
    assert r["modes"]["peer"]["evaluated"] <= r["modes"]["open"]["evaluated"]
    with pytest.raises(ValueError, match="unknown mode 'friends'"):
        evaluate_time_split(G, "2022-01-01", modes=("friends",))
    text = format_time_table([r])
    assert " mode peer:" in text and "precision@10" in text and "MRR" in text


def test_cli_prints_the_table_for_synthetic_and_illustrative_networks():
    import importlib.util

    r = CliRunner().invoke(main, ["introductions", "evaluate", "--split-date", "2022-01-01",
                                  "--boot", "20"])
    assert r.exit_code == 0, r.output
    assert "synthetic n=400 seed=0 (future ties planted after 2022-01-01)" in r.output
    assert "preferential_attachment" in r.output and "same_community" in r.output
    names = ["synthetic n=400", "synthetic n=1000"]
    if importlib.util.find_spec("graphsvc.illustrative") is not None:
        assert "illustrative (invented network) [ILLUSTRATIVE]: fitted as of 2022-01-01" \
            in r.output
        names.append("illustrative (invented network) [ILLUSTRATIVE]")
    # each network's table: the tuned recommender beside the live one and
    # every baseline, its verdict, and what it was tuned on
    blocks = r.output.split("\n\n")
    for name in names:
        block = next(b for b in blocks if b.startswith(name))
        for m in TIME_METHODS:
            assert f"\n  {m} " in block, (name, m)
        assert "\n  tuned recommender " in block and "\n  recommender (live weights) " in block
        assert "tuned on ties formed after" in block
    bad = CliRunner().invoke(main, ["introductions", "evaluate", "--split-date", "soon"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
