"""Hidden-tie evaluation: metrics worked by hand, seeded hiding, the comparison."""
import pytest

from graphsvc.queries.introductions.evaluate import (
    METHODS,
    RECOMMENDERS,
    _metrics,
    evaluate_hidden_ties,
    format_table,
    hide_ties,
    run_evaluations,
)
from graphsvc.synthetic import evaluation_graphs, synthetic_network


def test_metrics_by_hand():
    # Scores: a 0.9 (hidden), b 0.5, c 0.5 (hidden), d 0.1; k = 2.
    # Top 2 with tie-break b before c: a, b -> 1 hit: precision 1/2, recall 1/2.
    # AUC: a beats b, d (2); c ties b (0.5), beats d (1) -> 3.5 / (2 * 2) = 0.875.
    scores = {"a": 0.9, "b": 0.5, "c": 0.5, "d": 0.1}
    p, r, auc = _metrics(scores, {"a", "c"}, 2, {"a": 0, "b": 1, "c": 2, "d": 3})
    assert (p, r, auc) == (0.5, 0.5, 0.875)


def test_hiding_is_seeded_and_removes_every_tie_of_a_pair():
    G = synthetic_network(120, seed=4)
    V1, h1 = hide_ties(G, 0.2, seed=7)
    V2, h2 = hide_ties(G, 0.2, seed=7)
    assert h1 == h2 and V1.number_of_edges() == V2.number_of_edges()
    assert h1 != hide_ties(G, 0.2, seed=8)[1]
    pairs = {frozenset((u, v)) for u, v in G.edges()}
    assert len(h1) == round(0.2 * len(pairs))
    for p in h1:
        a, b = tuple(p)
        assert not V1.has_edge(a, b) and not V1.has_edge(b, a)
        assert G.has_edge(a, b) or G.has_edge(b, a)


def test_recommender_beats_every_baseline_on_precision_at_10_on_synthetic():
    # Weights were set on seeds 1 and 2; seed 0 is held out.
    r = evaluate_hidden_ties(synthetic_network(400, seed=0), k=10, seed=0)
    ms = r["methods"]
    assert set(ms) == set(METHODS)
    for m in METHODS:
        if m not in RECOMMENDERS:
            assert ms["recommender"]["precision"] > ms[m]["precision"], m
    assert ms["random"]["auc"] == pytest.approx(0.5, abs=0.1)
    assert "recommender (live weights) beats every baseline on precision@10" \
        in format_table([r])


def test_illustrative_network_is_evaluated_and_labelled_or_reported_missing():
    import importlib.util

    got = run_evaluations(evaluation_graphs(["illustrative"], seed=0), k=10, seed=0)
    if importlib.util.find_spec("graphsvc.illustrative") is None:
        assert got == [{"graph": "illustrative",
                        "unavailable": "graphsvc.illustrative is not in this build"}]
        assert format_table(got).startswith("illustrative: not evaluated")
    else:
        assert got[0]["illustrative"] is True
        assert "[ILLUSTRATIVE]" in format_table(got)


def test_a_graph_the_caller_does_not_have_is_reported_not_evaluated():
    got = run_evaluations([("mine", "not in this build")])
    assert got == [{"graph": "mine", "unavailable": "not in this build"}]
    assert format_table(got) == "mine: not evaluated (not in this build)\n"


def test_synthetic_graphs_are_two_sizes_built_with_the_seed():
    pairs = evaluation_graphs(["synthetic"], seed=3)
    assert [name for name, _ in pairs] == ["synthetic n=400 seed=3",
                                           "synthetic n=1000 seed=3"]
    assert [G.number_of_nodes() for _, G in pairs] == [400, 1000]
    with pytest.raises(ValueError, match="unknown graph 'other'"):
        evaluation_graphs(["other"])
