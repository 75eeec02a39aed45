"""Hidden-tie evaluation: does the recommender find ties that really exist?

A seeded random share of the pairs of actors that have a tie is hidden (all
their ties removed); every method then ranks, for each actor that lost a
tie, every actor it is not (visibly) tied to. Per actor, with ``h`` hidden
partners among the candidates:

- precision@k = hidden partners in the top k / k;
- recall@k = hidden partners in the top k / h;
- AUC = probability that a hidden partner outranks a non-partner (ties
  count half; the Mann-Whitney statistic).

Figures are averaged over the actors evaluated. The recommender ranks with
the live weights and with weights tuned on the visible graph alone
(:func:`.tuning.tune_on_hidden`). Baselines are networkx's
link-prediction indices on the visible graph taken as simple and undirected
(common neighbours, Jaccard, Adamic-Adar, resource allocation) and a seeded
random ranking. Ties in scores are broken by one seeded random order shared
by all methods, so no method gains from how ids sort.
"""
from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable

import networkx as nx

from ._index import index_for
from .scoring import score_all
from .tuning import tune_on_hidden

__all__ = ["METHODS", "RECOMMENDERS", "hide_ties", "evaluate_hidden_ties", "run_evaluations",
           "format_table",
           "results_json", "results_rows", "verdicts", "tuning_text"]

METHODS = ("tuned_recommender", "recommender", "common_neighbours", "jaccard", "adamic_adar",
           "resource_allocation", "random")

#: The recommender rows: with weights tuned on the training split only
#: (:mod:`.tuning`), and with the live suggestions' weights. Every other
#: method is a baseline.
RECOMMENDERS = ("tuned_recommender", "recommender")


def hide_ties(G, share: float = 0.1, seed: int = 0):
    """``(visible graph, hidden pairs)``: a copy of ``G`` without a seeded random
    ``share`` of its tied pairs (every tie of a hidden pair is removed)."""
    pairs = sorted({tuple(sorted((str(u), str(v)))) for u, v in G.edges() if u != v})
    rng = random.Random(seed)
    hidden = set(rng.sample(pairs, max(1, round(share * len(pairs))))) if pairs else set()
    V = G.copy()
    drop = [(u, v, key) for u, v, key in G.edges(keys=True)
            if tuple(sorted((str(u), str(v)))) in hidden]
    V.remove_edges_from(drop)
    V.graph["version"] = f"{G.graph.get('version')}-hidden-{seed}-{share}"
    return V, {frozenset(p) for p in hidden}


def _baseline_scores(H, u, cands, method, rng):
    if method == "random":
        return {v: rng.random() for v in cands}
    if method == "common_neighbours":
        nu = set(H[u])
        return {v: len(nu & set(H[v])) for v in cands}
    functions: dict[str, Callable[..., Iterable[tuple]]] = {
        "jaccard": nx.jaccard_coefficient, "adamic_adar": nx.adamic_adar_index,
        "resource_allocation": nx.resource_allocation_index}
    fn = functions[method]
    return {v: s for _, v, s in fn(H, [(u, v) for v in cands])}


def _simple(V) -> nx.Graph:
    """The undirected simple graph of ``V`` (no self-loops) the baselines score."""
    H: nx.Graph = nx.Graph()
    H.add_nodes_from(V)
    H.add_edges_from((u, v) for u, v in V.edges() if u != v)
    return H


def _partners(pairs) -> dict:
    """Actor -> the set of actors it is paired with in ``pairs`` (2-sets)."""
    out: dict = {}
    for p in pairs:
        a, b = tuple(p)
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


def _metrics(scores, hidden, k, tiebreak):
    order = sorted(scores, key=lambda v: (-scores[v], tiebreak[v]))
    top = order[:k]
    hits = sum(1 for v in top if v in hidden)
    pos = [scores[v] for v in scores if v in hidden]
    neg = sorted(scores[v] for v in scores if v not in hidden)
    auc = None
    if pos and neg:
        import bisect
        wins = 0.0
        for s in pos:
            lo = bisect.bisect_left(neg, s)
            hi = bisect.bisect_right(neg, s)
            wins += lo + 0.5 * (hi - lo)
        auc = wins / (len(pos) * len(neg))
    return hits / k, hits / len(hidden), auc


def evaluate_hidden_ties(G, *, hide: float = 0.1, k: int = 10, seed: int = 0,
                         methods=METHODS, name: str = "graph", tune: bool = True) -> dict:
    """Precision@k, recall@k and AUC of each method on ``G`` with hidden ties.

    Parameters
    ----------
    G : nx.MultiDiGraph
        A snapshot-shaped graph.
    hide : float
        Share of tied pairs hidden, in (0, 1).
    k : int
        Cut-off for precision and recall.
    seed : int
        Seeds the hiding, the random baseline and the tie-breaking order.
    tune : bool
        Also rank with weights tuned on the visible graph only
        (:func:`.tuning.tune_on_hidden`: a share ``hide`` of the visible
        pairs hidden again and predicted; the hidden test pairs are not in
        the visible graph): the ``tuned_recommender`` row.

    Returns
    -------
    dict
        ``{"graph", "actors", "pairs", "hidden", "evaluated", "k", "hide",
        "seed", "methods": {method: {"precision", "recall", "auc"}},
        "tuning"}``; ``tuning`` (``None`` untuned) is
        :func:`.tuning.tune_on_hidden`'s answer.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edges_from([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"),
    ...                   ("e", "c"), ("a", "e")])
    [0, 0, 0, 0, 0, 0, 0]
    >>> r = evaluate_hidden_ties(G, hide=0.3, k=2, seed=1)
    >>> r["hidden"], sorted(r["methods"]) == sorted(METHODS)
    (2, True)
    """
    methods = tuple(m for m in methods if tune or m != "tuned_recommender")
    V, hidden = hide_ties(G, hide, seed)
    # tuned on the visible graph alone, before the hidden pairs are looked at
    tuning = (tune_on_hidden(V, share=hide, k=k, seed=seed)
              if "tuned_recommender" in methods else None)
    H = _simple(V)
    idx = index_for(V, seed)
    rng = random.Random(seed + 1)
    nodes = sorted(G, key=str)
    tiebreak = {v: rng.random() for v in nodes}
    by_actor = _partners(hidden)
    sums = {m: [0.0, 0.0, 0.0, 0] for m in methods}
    evaluated = 0
    for u in sorted(by_actor, key=str):
        cands = [v for v in nodes if v != u and v not in H[u]]
        if not cands:
            continue
        evaluated += 1
        for m in methods:
            if m == "recommender":
                scores = score_all(idx, u, cands)
            elif m == "tuned_recommender":
                assert tuning is not None
                scores = score_all(idx, u, cands, weights=tuning["weights"])
            else:
                scores = _baseline_scores(H, u, cands, m, rng)
            p, r, auc = _metrics(scores, by_actor[u], k, tiebreak)
            acc = sums[m]
            acc[0] += p
            acc[1] += r
            if auc is not None:
                acc[2] += auc
                acc[3] += 1
    out = {m: {"precision": s[0] / evaluated if evaluated else 0.0,
               "recall": s[1] / evaluated if evaluated else 0.0,
               "auc": s[2] / s[3] if s[3] else None} for m, s in sums.items()}
    return {"graph": name, "actors": G.number_of_nodes(), "pairs": H.number_of_edges()
            + len(hidden), "hidden": len(hidden), "evaluated": evaluated, "k": k,
            "hide": hide, "seed": seed,
            "illustrative": G.graph.get("illustrative") == "true", "methods": out,
            "tuning": tuning}


def run_evaluations(graphs, *, seed: int = 0, hide: float = 0.1,
                    k: int = 10, tune: bool = True) -> list[dict]:
    """:func:`evaluate_hidden_ties` on each graph the caller chose.

    Parameters
    ----------
    graphs : iterable of (str, graph or str)
        ``(name, G)`` pairs, in order. ``G`` may instead be a sentence saying
        why that graph is not available: its result is then
        ``{"graph": name, "unavailable": sentence}``.
    seed, hide, k, tune
        As for :func:`evaluate_hidden_ties`.

    Returns
    -------
    list of dict
        One result per pair.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    >>> [r["unavailable"] if "unavailable" in r else r["hidden"] for r in
    ...  run_evaluations([("small", G), ("other", "not in this build")], k=2)]
    [1, 'not in this build']
    """
    results = []
    for name, G in graphs:
        if isinstance(G, str):
            results.append({"graph": name, "unavailable": G})
        else:
            results.append(evaluate_hidden_ties(G, hide=hide, k=k, seed=seed, name=name,
                                                tune=tune))
    return results


_LABELS = {"tuned_recommender": "tuned recommender",
           "recommender": "recommender (live weights)"}


def verdicts(ms: dict, k: int) -> list[str]:
    """One line per recommender row of ``ms`` (method -> figures): whether
    its precision@k is above that of every baseline (figures compared to
    nine decimals, so equal hit counts are a tie, which is not a lead)."""
    rivals = {m: v["precision"] for m, v in ms.items()
              if m not in RECOMMENDERS and v["precision"] is not None}
    if not rivals:
        return []
    best = max(rivals, key=lambda m: rivals[m])
    out = []
    for m in RECOMMENDERS:
        if m not in ms or ms[m]["precision"] is None:
            continue
        mine = ms[m]["precision"]
        if round(mine, 9) > round(rivals[best], 9):
            out.append(f"{_LABELS[m]} beats every baseline on precision@{k} "
                       f"(best baseline: {best}, {rivals[best]:.3f})")
        else:
            out.append(f"{_LABELS[m]} does NOT beat {best} on precision@{k} "
                       f"({mine:.3f} vs {rivals[best]:.3f})")
    return out


def tuning_text(t: dict | None, split_date: str | None = None) -> str:
    """One line saying what the tuned weights were tuned on, and what they are."""
    if t is None:
        return ""
    if not t["tuned"]:
        return ("tuned recommender: nothing to tune on before the test split "
                "(no ties formed in the training window); it uses the live weights")
    if split_date is not None:
        n = len(t["inner_splits"])
        where = (f"ties formed after {t['inner_split']} up to {split_date}"
                 + (f" ({n} windows)" if n > 1 else ""))
    else:
        seeds = ", ".join(str(x) for x in t["inner_seeds"])
        where = (f"{t['pairs']} visible pairs hidden again "
                 f"(seed{'s' if len(t['inner_seeds']) > 1 else ''} {seeds})")
    weights = ", ".join(f"{p} {w:g}" for p, w in t["weights"].items())
    return (f"tuned on {where}, {t['evaluated']} actors; precision@k there "
            f"{t['precision_before']:.3f} -> {t['precision_after']:.3f}; weights: {weights}")


def format_table(results: list[dict]) -> str:
    lines = []
    for r in results:
        if "unavailable" in r:
            lines += [f"{r['graph']}: not evaluated ({r['unavailable']})", ""]
            continue
        label = " [ILLUSTRATIVE]" if r.get("illustrative") else ""
        lines.append(f"{r['graph']}{label}: {r['actors']} actors, {r['pairs']} tied pairs, "
                     f"{r['hidden']} hidden ({r['hide']:.0%}, seed {r['seed']}), "
                     f"{r['evaluated']} actors evaluated")
        k = r["k"]
        lines.append(f"  {'method':<20} {'precision@' + str(k):>13} {'recall@' + str(k):>10} "
                     f"{'AUC':>7}")
        for m, v in r["methods"].items():
            auc = f"{v['auc']:.3f}" if v["auc"] is not None else "-"
            lines.append(f"  {m:<20} {v['precision']:>13.3f} {v['recall']:>10.3f} {auc:>7}")
        lines += [f"  {x}" for x in verdicts(r["methods"], k)]
        if r.get("tuning"):
            lines.append("  " + tuning_text(r["tuning"]))
        lines.append("")
    return "\n".join(lines)


def results_json(results: list[dict]) -> str:
    return json.dumps(results, indent=2) + "\n"


def results_rows(results: list[dict]) -> list[list]:
    """The results as table rows, header first (the command line writes
    them as CSV through the one safe CSV writer)."""
    rows: list[list] = [["graph", "actors", "hidden", "evaluated", "k", "seed", "method",
                         "precision", "recall", "auc"]]
    for r in results:
        for m, v in r.get("methods", {}).items():
            rows.append([r["graph"], r["actors"], r["hidden"], r["evaluated"], r["k"],
                         r["seed"], m, round(v["precision"], 4), round(v["recall"], 4),
                         None if v["auc"] is None else round(v["auc"], 4)])
    return rows
