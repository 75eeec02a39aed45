"""Tuning the score's weights on the training split only: it never sees the test
pairs, it is reproducible, its fast figures are the evaluation's, and the
tables print the tuned recommender beside every baseline."""

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.model import Tie
from graphsvc.queries.introductions._index import index_for
from graphsvc.queries.introductions.evaluate import (
    METHODS,
    evaluate_hidden_ties,
    format_table,
    hide_ties,
)
from graphsvc.queries.introductions.geography import counterpart
from graphsvc.queries.introductions.scoring import (
    PARTS,
    default_weights,
    explain,
    part_values,
    score_all,
)
from graphsvc.queries.introductions.time_split import (
    TIME_METHODS,
    evaluate_time_split,
    format_time_table,
)
from graphsvc.queries.introductions.tuning import (
    inner_split_date,
    known_on,
    tune_on_hidden,
    tune_on_time,
)
from graphsvc.snapshot import build_snapshot
from graphsvc.synthetic import synthetic_future_network, synthetic_future_records

SPLIT = "2022-01-01"


def planted(since=None, n=150, seed=5):
    """A synthetic network with future ties after SPLIT, plus (with ``since``)
    ties dated ``since`` between a Mexican and a US actor of twin border
    cities with no contact or issue area in common, each actor in one such
    pair at most: a signal the geography part explains and the rest of the
    network does not carry."""
    actors, ties = synthetic_future_records(n, seed, split_date=SPLIT)
    if since is not None:
        tied = {frozenset((t.source, t.target)) for t in ties}
        adj: dict = {a.id: set() for a in actors}
        for t in ties:
            adj[t.source].add(t.target)
            adj[t.target].add(t.source)
        extra: list = []
        used: set = set()
        for a in actors:
            for b in actors:
                if (a.country == "MX" and not {a.id, b.id} & used
                        and counterpart(a.city, a.country, b.city, b.country)
                        and frozenset((a.id, b.id)) not in tied
                        and not adj[a.id] & adj[b.id]
                        and not set(a.issue_areas) & set(b.issue_areas)):
                    extra.append(Tie(source=a.id, target=b.id, kind="informal", since=since))
                    used |= {a.id, b.id}
        assert len(extra) >= 5
        ties = ties + extra
    return build_snapshot(actors, ties, version=1)


def test_the_tuning_never_sees_a_tie_formed_after_the_split():
    # Ties formed after the split (the test split), with a signal of their
    # own planted among them, or none at all: the tuning gives the same weights.
    plain = tune_on_time(planted(), SPLIT, seed=0)
    assert plain["tuned"]
    assert tune_on_time(planted(since="2022-06-01"), SPLIT, seed=0) == plain
    assert tune_on_time(known_on(planted(), SPLIT), SPLIT, seed=0) == plain
    # The same planted ties formed in the tuning's window (before the split)
    # change the weights: had the tuning looked past the split, the
    # equalities above would fail.
    seen = tune_on_time(planted(since="2021-12-01"), SPLIT, seed=0)
    assert plain["inner_splits"][0] < seen["inner_splits"][0] < "2021-12-01"
    assert seen["weights"] != plain["weights"]


def test_known_on_keeps_only_what_was_known_on_the_day():
    G = synthetic_future_network(120, seed=2, split_date=SPLIT)
    W = known_on(G, SPLIT)
    assert all(str(d["since"]) <= SPLIT for _, _, d in W.edges(data=True) if d.get("since"))
    assert W.number_of_edges() < G.number_of_edges()
    # about the last 10% of the pairs in force on the day formed after the inner day
    inner = inner_split_date(W, SPLIT, 0.1)
    assert inner is not None and inner < SPLIT


def test_the_hidden_tie_tuning_hides_only_visible_pairs():
    G = synthetic_future_network(150, seed=1, split_date=SPLIT)
    V, test = hide_ties(G, 0.1, seed=4)
    t = tune_on_hidden(V, share=0.1, seed=4)
    inner = set().union(*(hide_ties(V, 0.1, x)[1] for x in t["inner_seeds"]))
    visible = {frozenset((u, v)) for u, v in V.edges()}
    assert inner <= visible and not inner & test
    assert evaluate_hidden_ties(G, hide=0.1, seed=4)["tuning"] == t


def test_tuned_weights_are_reproducible_for_a_seed():
    G = synthetic_future_network(150, seed=3, split_date=SPLIT)
    a = tune_on_time(G, SPLIT, seed=7)
    assert a == tune_on_time(G, SPLIT, seed=7)
    w = a["weights"]
    assert set(w) == set(PARTS)
    # signs kept, weighted parts add up to 1
    assert all(w[p] >= 0 for p in PARTS if p != "language_gap") and w["language_gap"] <= 0
    assert sum(w[p] for p in PARTS[:7]) == pytest.approx(1.0, abs=1e-3)


def test_the_tunings_figures_are_the_evaluations_on_the_inner_split():
    # The search's fast figures (numpy) are the evaluation's (score_all,
    # _metrics, _rr): precision@10 and MRR of the live weights on the inner
    # split, over the same actors.
    G = synthetic_future_network(200, seed=4, split_date=SPLIT)
    t = tune_on_time(G, SPLIT, seed=0, windows=1)
    r = evaluate_time_split(known_on(G, SPLIT), t["inner_split"], seed=0, boot=10,
                            tune=False)["modes"]["open"]
    assert r["evaluated"] == t["evaluated"]
    live = r["methods"]["recommender"]
    assert live["precision"] == pytest.approx(t["precision_before"])
    assert live["mrr"] == pytest.approx(t["mrr_before"])
    assert t["precision_after"] >= t["precision_before"]
    assert "tuned_recommender" not in r["methods"]


def test_score_is_the_weighted_sum_of_the_part_values():
    G = synthetic_future_network(120, seed=6, split_date=SPLIT)
    idx = index_for(G, 0)
    u = sorted(G)[0]
    cands = [v for v in idx.attrs if v != u and v not in idx.adj[u]]
    rows = part_values(idx, u, cands)
    w = {p: float(i + 1) for i, p in enumerate(PARTS)}
    scores = score_all(idx, u, cands, weights=w)
    live = score_all(idx, u, cands)
    d = default_weights()
    for v in cands:
        assert scores[v] == pytest.approx(sum(w[p] * x for p, x in zip(PARTS, rows[v])))
        assert live[v] == pytest.approx(sum(d[p] * x for p, x in zip(PARTS, rows[v])))
        assert live[v] == pytest.approx(explain(idx, u, v)[0], abs=1e-3)


def test_tables_print_the_tuned_recommender_beside_every_baseline():
    G = synthetic_future_network(200, seed=0, split_date=SPLIT)
    r = evaluate_time_split(G, SPLIT, boot=10, name="small")
    assert list(r["modes"]["open"]["methods"]) == list(TIME_METHODS)
    text = format_time_table([r])
    for m in TIME_METHODS:
        assert f"  {m} " in text
    assert "tuned recommender" in text and "recommender (live weights)" in text
    assert f"tuned on ties formed after {r['modes']['open']['tuning']['inner_split']} " \
        f"up to {SPLIT}" in text
    h = evaluate_hidden_ties(G, hide=0.1, seed=0)
    assert list(h["methods"]) == list(METHODS)
    assert "tuned on " in format_table([h]) and "visible pairs hidden again" in format_table([h])


def test_nothing_to_tune_on_keeps_the_live_weights():
    from graphsvc.model import Actor

    A = [Actor(id=x, name=x.upper(), kind="cso", country="MX") for x in "abcd"]
    T = [Tie(source="a", target="b", kind="formal"), Tie(source="b", target="c", kind="formal"),
         Tie(source="a", target="c", kind="informal", since="2022-05-01")]
    r = evaluate_time_split(build_snapshot(A, T), "2021-01-01", k=1, boot=10)
    t = r["modes"]["open"]["tuning"]
    assert t["tuned"] is False and t["weights"] == default_weights()
    assert "nothing to tune on before the test split" in format_time_table([r])


def test_cli_tunes_by_default_and_no_tune_drops_the_tuned_row():
    # The default (tuned) table for the synthetic and illustrative networks is
    # checked in test_introductions_time_split.py (one run of the command).
    off = CliRunner().invoke(main, ["introductions", "evaluate", "--graph", "illustrative",
                                    "--graph", "store", "--no-tune", "--hide", "0.2", "--k", "5"])
    assert off.exit_code == 0, off.output
    assert "tuned_recommender" not in off.output and "tuned on" not in off.output
    assert "recommender (live weights)" in off.output
    on = CliRunner().invoke(main, ["introductions", "evaluate", "--graph", "store",
                                   "--hide", "0.2", "--k", "5", "--format", "json"])
    assert on.exit_code == 0, on.output
    import json

    (r,) = json.loads(on.output)
    assert "tuned_recommender" in r["methods"] and r["tuning"]["inner_seeds"][0] == 1000
