"""Evaluation on time: would the recommender have proposed the ties that formed later?

Fit on the graph as of a split date D (:func:`graphsvc.snapshot.graph_as_of`:
the ties in force on D), then score, for each actor that gained a partner
after D, every actor it was not tied to on D. A *future tie* is a pair of
actors untied on D with a tie whose ``since`` is after D. Per actor, with
``h`` future partners among its candidates:

- precision@k = future partners in the top k / k;
- recall@k = future partners in the top k / h;
- AUC = probability that a future partner outranks a non-partner (ties
  count half);
- reciprocal rank = 1 / rank of the first future partner (MRR is its mean).

Figures are means over the actors evaluated, each with a 95% bootstrap
interval (the actors resampled with replacement, ``boot`` times, seeded).
Methods: the recommender (:mod:`.scoring`, fitted on the graph as of D),
with the live weights and with weights tuned on what was known on D
(:func:`.tuning.tune_on_time`),
common neighbours, Jaccard, Adamic-Adar, resource allocation, preferential
attachment (networkx), *same community* (1 when the two are in one
community of the partition of the graph as of D, seeded) and a seeded
random ranking. Ties in scores are broken by one seeded random order shared
by all methods. ``modes`` restricts each actor's candidates (and future
partners) to those the mode would suggest (:data:`.candidates.MODES`).
"""
from __future__ import annotations

import random

from ...snapshot import as_of_key, graph_as_of, tie_since
from ._index import index_for
from .candidates import MODES, candidate_ids
from .evaluate import _baseline_scores, _metrics, _partners, _simple, tuning_text, verdicts
from .scoring import score_all
from .tuning import tune_on_time

__all__ = ["TIME_METHODS", "future_ties", "evaluate_time_split", "format_time_table",
           "time_rows"]

TIME_METHODS = ("tuned_recommender", "recommender", "common_neighbours", "jaccard", "adamic_adar",
                "resource_allocation", "preferential_attachment", "same_community",
                "random")

_MEASURES = ("precision", "recall", "auc", "mrr")


def future_ties(G, split_date) -> set[frozenset]:
    """Pairs untied on ``split_date`` with a tie whose ``since`` is after it."""
    day = as_of_key(split_date)
    V = graph_as_of(G, day)
    out = set()
    for u, v, d in G.edges(data=True):
        s = tie_since(d)
        if u != v and s is not None and s > day and not (V.has_edge(u, v)
                                                         or V.has_edge(v, u)):
            out.add(frozenset((u, v)))
    return out


def _rr(scores, partners, tiebreak) -> float:
    order = sorted(scores, key=lambda v: (-scores[v], tiebreak[v]))
    for i, v in enumerate(order, 1):
        if v in partners:
            return 1.0 / i
    return 0.0


def _interval(values, boot, rng):
    n = len(values)
    if not n:
        return None, None
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n
                   for _ in range(boot))
    return means[int(0.025 * (boot - 1))], means[int(round(0.975 * (boot - 1)))]


def evaluate_time_split(G, split_date, *, k: int = 10, seed: int = 0,
                        modes=("open",), methods=TIME_METHODS, boot: int = 200,
                        name: str = "graph", tune: bool = True,
                        tune_share: float = 0.1) -> dict:
    """Precision@k, recall@k, AUC and MRR of each method on ties formed after
    ``split_date``, per mode, with 95% bootstrap intervals.

    Parameters
    ----------
    G : nx.MultiDiGraph
        A snapshot over all time (ties carry ``since``/``until``).
    split_date : str or datetime.date
        Fit on the graph as of this day; score the ties formed after it.
    k : int
        Cut-off for precision and recall.
    seed : int
        Seeds the community partition, the random baseline, the tie-breaking
        order and the bootstrap.
    modes : iterable of str
        Modes of :data:`.candidates.MODES` to evaluate.
    boot : int
        Bootstrap resamples for the intervals.
    tune : bool
        Also rank with weights tuned, per mode, on what was known on
        ``split_date`` (:func:`.tuning.tune_on_time`: the ties formed in an
        earlier window predicted from the graph before it; never a tie formed
        after ``split_date``): the ``tuned_recommender`` row.
    tune_share : float
        Share of the pairs in force on ``split_date`` that the tuning's inner
        window holds (:func:`.tuning.inner_split_date`).

    Returns
    -------
    dict
        ``{"graph", "split_date", "actors", "pairs_before", "future", "k",
        "seed", "illustrative", "modes": {mode: {"evaluated", "future",
        "methods": {method: {measure: value, measure + "_ci": [lo, hi]}},
        "tuning": {...}}}}`` with measures ``precision``, ``recall``, ``auc``
        and ``mrr``; ``tuning`` (when tuned) is :func:`.tuning.tune_on_time`'s
        answer: the weights and the window they were tuned on.

    Examples
    --------
    >>> from graphsvc.model import Actor, Tie
    >>> from graphsvc.snapshot import build_snapshot
    >>> A = [Actor(id=x, name=x, kind="cso", country="MX") for x in "abcd"]
    >>> T = [Tie(source="a", target="b", kind="formal", since="2020-01-01"),
    ...      Tie(source="b", target="c", kind="formal", since="2020-01-01"),
    ...      Tie(source="a", target="c", kind="informal", since="2022-05-01")]
    >>> r = evaluate_time_split(build_snapshot(A, T), "2021-01-01", k=1, boot=10)
    >>> r["future"], r["modes"]["open"]["methods"]["common_neighbours"]["precision"]
    (1, 1.0)
    """
    day = as_of_key(split_date)
    for m in modes:
        if m not in MODES:
            raise ValueError(f"unknown mode '{m}': use one of {', '.join(MODES)}")
    k = int(k)
    if k < 1:
        raise ValueError("k must be at least 1")
    methods = tuple(m for m in methods if tune or m != "tuned_recommender")
    V = graph_as_of(G, day)
    V.graph["version"] = f"{G.graph.get('version')}-as-of-{day}"
    future = future_ties(G, day)
    H = _simple(V)
    idx = index_for(V, seed)
    comm = idx.communities if "same_community" in methods else None
    nodes = sorted(V, key=str)
    tb_rng = random.Random(seed + 1)
    tiebreak = {v: tb_rng.random() for v in nodes}
    partners = _partners(future)
    out_modes = {}
    for mode in modes:
        # tuned before the test pairs are looked at, from G known on the day
        tuning = (tune_on_time(G, day, mode=mode, k=k, seed=seed, share=tune_share)
                  if "tuned_recommender" in methods else None)
        per: dict = {m: {x: [] for x in _MEASURES} for m in methods}
        rng = random.Random(seed)
        evaluated, counted = 0, 0
        for u in sorted(partners, key=str):
            cands = candidate_ids(idx, u, mode)
            cset = set(cands)
            mine = partners[u] & cset
            if not mine or len(mine) == len(cands):
                continue
            evaluated += 1
            counted += len(mine)
            for m in methods:
                if m == "recommender":
                    scores = score_all(idx, u, cands)
                elif m == "tuned_recommender":
                    assert tuning is not None
                    scores = score_all(idx, u, cands, weights=tuning["weights"])
                elif m == "preferential_attachment":
                    du = H.degree(u)
                    scores = {v: du * H.degree(v) for v in cands}
                elif m == "same_community":
                    assert comm is not None
                    scores = {v: float(comm[v] == comm[u]) for v in cands}
                else:
                    scores = _baseline_scores(H, u, cands, m, rng)
                p, r, auc = _metrics(scores, mine, k, tiebreak)
                acc = per[m]
                acc["precision"].append(p)
                acc["recall"].append(r)
                if auc is not None:
                    acc["auc"].append(auc)
                acc["mrr"].append(_rr(scores, mine, tiebreak))
        boot_rng = random.Random(seed + 2)
        res: dict = {}
        for m, acc in per.items():
            res[m] = {}
            for x in _MEASURES:
                vals = acc[x]
                res[m][x] = sum(vals) / len(vals) if vals else None
                lo, hi = _interval(vals, boot, boot_rng)
                res[m][x + "_ci"] = [lo, hi]
        out_modes[mode] = {"evaluated": evaluated, "future": counted, "methods": res}
        if tuning is not None:
            out_modes[mode]["tuning"] = tuning
    return {"graph": name, "split_date": day, "actors": G.number_of_nodes(),
            "pairs_before": H.number_of_edges(), "future": len(future), "k": k,
            "seed": seed, "illustrative": G.graph.get("illustrative") == "true",
            "modes": out_modes}


def _fmt(v, ci) -> str:
    if v is None:
        return "-"
    if ci[0] is None:
        return f"{v:.3f}"
    return f"{v:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"


def format_time_table(results: list[dict]) -> str:
    """The results as text: one table per graph and mode, with a verdict on
    precision@k."""
    lines = []
    for r in results:
        if "unavailable" in r:
            lines += [f"{r['graph']}: not evaluated ({r['unavailable']})", ""]
            continue
        label = " [ILLUSTRATIVE]" if r.get("illustrative") else ""
        k = r["k"]
        lines.append(f"{r['graph']}{label}: fitted as of {r['split_date']} "
                     f"({r['actors']} actors, {r['pairs_before']} tied pairs then); "
                     f"{r['future']} ties formed after; seed {r['seed']}")
        for mode, mr in r["modes"].items():
            lines.append(f" mode {mode}: {mr['evaluated']} actors evaluated, "
                         f"{mr['future']} future partners among their candidates "
                         "(95% bootstrap intervals)")
            lines.append(f"  {'method':<24} {'precision@' + str(k):<22} "
                         f"{'recall@' + str(k):<22} {'AUC':<22} {'MRR':<22}")
            for m, v in mr["methods"].items():
                cells = [_fmt(v[x], v[x + "_ci"]) for x in _MEASURES]
                lines.append(f"  {m:<24} " + " ".join(f"{c:<22}" for c in cells))
            if mr["evaluated"]:
                lines += [f"  {x}" for x in verdicts(mr["methods"], k)]
            if mr.get("tuning"):
                lines.append("  " + tuning_text(mr["tuning"], r["split_date"]))
        lines.append("")
    return "\n".join(lines)


def time_rows(results: list[dict]) -> list[list]:
    """The results as table rows, header first (for CSV)."""
    rows: list[list] = [["graph", "split_date", "mode", "evaluated", "k", "seed", "method",
                         *(x for m in _MEASURES for x in (m, m + "_low", m + "_high"))]]
    for r in results:
        for mode, mr in r.get("modes", {}).items():
            for m, v in mr["methods"].items():
                cells = []
                for x in _MEASURES:
                    cells += [None if v[x] is None else round(v[x], 4),
                              *(None if c is None else round(c, 4) for c in v[x + "_ci"])]
                rows.append([r["graph"], r["split_date"], mode, mr["evaluated"], r["k"],
                             r["seed"], m, *cells])
    return rows
