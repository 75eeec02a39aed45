"""Tuning the score's weights on a training split only, never on the test split.

The score is a weighted sum of explainable parts (:data:`.scoring.PARTS`).
An evaluation can tune those weights for the network it is given, and
reports the tuned recommender beside the recommender with the live weights.
Nothing here changes the live suggestions: their weights stay
:func:`.scoring.default_weights`.

How the weights are chosen, without ever looking at the test split:

- **On time** (:func:`tune_on_time`, test = the ties formed after a split
  day D): only what was known on D is kept (every tie whose ``since`` is
  after D is dropped first). An inner split day D' < D is chosen so that
  the last ``share`` of the pairs in force on D formed after D' (by their
  ``since``; undated ties count as old). The weights are tuned on the graph
  as of D' predicting the ties formed in (D', D].
- **Hidden ties** (:func:`tune_on_hidden`, test = the hidden pairs): the
  visible graph, which holds no hidden pair, is split again: a seeded
  ``share`` of its pairs is hidden, and the weights are tuned on predicting
  those from the rest.

The search (:func:`search_weights`) is a seeded coordinate search over a
small grid of values per part, from the live weights: each part in a
seeded order is set to the grid value that gives the best mean
precision@k over the inner split's actors (mean reciprocal rank breaks
ties; a part keeps its value unless another one is strictly better), for
up to ``rounds`` passes or until a pass changes nothing. Weights keep their
sign (a part only ever adds points and the language gap only takes them),
so every tuned score is still explained by the same reasons, and the
weighted parts are scaled to add up to 1 at the end (the ranking does not
change). Ties in scores are broken by a seeded random order, as in the
evaluation.
"""
from __future__ import annotations

import random

import numpy as np

from ...snapshot import as_of_key, graph_as_of, tie_since
from ._index import index_for
from .candidates import candidate_ids
from .scoring import PARTS, WEIGHTS, default_weights, part_values

__all__ = ["GRID", "known_on", "inner_split_date", "search_weights", "tune_on_time",
           "tune_on_hidden"]

#: Inner windows of a time split, and inner hidings of a hidden-tie split,
#: the search scores together: more actors, so less noise (one window and
#: one hiding overfitted; compared on development seeds 5 and 6 only).
WINDOWS = 2
REPEATS = 3

#: The values each part may take in the search (the live weight is always a
#: candidate too).
GRID: dict[str, tuple[float, ...]] = {
    **dict.fromkeys(WEIGHTS, (0.0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)),
    "shared_language": (0.0, 0.02, 0.05, 0.1, 0.2),
    "language_gap": (0.0, -0.05, -0.15, -0.3, -0.6),
}


def known_on(G, split_date):
    """A copy of ``G`` without the ties whose ``since`` is after ``split_date``:
    what was known on that day (ties that had ended by then stay)."""
    day = as_of_key(split_date)
    W = G.copy()
    W.remove_edges_from([(u, v, key) for u, v, key, d in G.edges(keys=True, data=True)
                         if (s := tie_since(d)) is not None and s > day])
    W.graph["version"] = f"{G.graph.get('version')}-known-{day}"
    return W


def inner_split_date(W, split_date, share: float = 0.1) -> str | None:
    """D' < ``split_date`` such that about the last ``share`` of the pairs in
    force on ``split_date`` formed after it, or ``None`` when too few pairs
    are dated. ``W`` must hold only what was known on ``split_date``."""
    day = as_of_key(split_date)
    V = graph_as_of(W, day)
    first: dict = {}
    undated = set()
    for u, v, d in V.edges(data=True):
        if u == v:
            continue
        p = frozenset((u, v))
        s = tie_since(d)
        if s is None:
            undated.add(p)
        elif p not in first or s < first[p]:
            first[p] = s
    dated = sorted(s for p, s in first.items() if p not in undated)
    n = max(1, round(share * len({*first, *undated})))
    if len(dated) < n + 1:
        return None
    inner = dated[-n - 1]
    return inner if inner < day else None


def _tiebreak(nodes, seed):
    rng = random.Random(seed + 1)
    return {v: rng.random() for v in sorted(nodes, key=str)}


def _future_partners(W, inner, day) -> dict:
    """Actor -> partners it gained in (inner, day]: pairs untied on ``inner``
    with a tie of ``W`` (known on ``day``) dated after ``inner``."""
    V = graph_as_of(W, inner)
    out: dict = {}
    for u, v, d in W.edges(data=True):
        s = tie_since(d)
        if u != v and s is not None and inner < s <= day and not (
                V.has_edge(u, v) or V.has_edge(v, u)):
            out.setdefault(u, set()).add(v)
            out.setdefault(v, set()).add(u)
    return out


def _data(idx, partners, mode, tiebreak, policymakers="US") -> list[tuple]:
    """The inner split as padded arrays, in chunks of at most ``_CELLS`` cells.

    Per actor with a partner among its candidates: the part values of every
    candidate (rows), their tie-break keys, and which rows are partners.
    Each chunk is ``(M, valid, tb, pos_group, pos_row, actors)``: ``M``
    actors x candidates x parts (padded), ``valid`` the real rows, ``tb``
    their tie-break keys, the group and row of each partner, and the number
    of actors.
    """
    actors = []
    for u in sorted(partners, key=str):
        cands = candidate_ids(idx, u, mode, policymakers=policymakers)
        mine = partners[u]
        rows_pos = [i for i, v in enumerate(cands) if v in mine]
        if not rows_pos or len(rows_pos) == len(cands):
            continue
        values = part_values(idx, u, cands)
        actors.append(([values[v] for v in cands], [tiebreak[v] for v in cands], rows_pos))
    actors.sort(key=lambda a: len(a[0]))
    chunks, i = [], 0
    while i < len(actors):
        width = len(actors[i][0])
        j = i + 1
        while j < len(actors) and (j - i + 1) * len(actors[j][0]) <= max(_CELLS, width):
            j += 1
        part = actors[i:j]
        n = len(part[-1][0])
        M = np.zeros((len(part), n, len(PARTS)))
        valid = np.zeros((len(part), n), dtype=bool)
        tb = np.zeros((len(part), n))
        groups, rows_at = [], []
        for g, (rows, keys, rows_pos) in enumerate(part):
            M[g, :len(rows)] = rows
            valid[g, :len(rows)] = True
            tb[g, :len(keys)] = keys
            groups += [g] * len(rows_pos)
            rows_at += rows_pos
        chunks.append((M, valid, tb, np.array(groups), np.array(rows_at), len(part)))
        i = j
    return chunks


_CELLS = 1_000_000


def _objective(data, w, k) -> tuple[float, float]:
    """(mean precision@k, mean reciprocal rank) of weights ``w`` on ``data``.

    A partner is in the top k when fewer than k candidates rank ahead of it
    (a higher score, or the same score and an earlier tie-break key); the
    reciprocal rank is that of the partner with the fewest ahead.
    """
    actors = sum(c[5] for c in data)
    if not actors:
        return 0.0, 0.0
    p_sum = rr_sum = 0.0
    for M, valid, tb, groups, rows_at, count in data:
        # rounded, so that equal scores are equal whatever order the sum took
        S = np.where(valid, np.round(M @ w, 12), -np.inf)
        s_pos = S[groups, rows_at][:, None]
        t_pos = tb[groups, rows_at][:, None]
        Sg, Tg = S[groups], tb[groups]
        ahead = ((Sg > s_pos) | ((Sg == s_pos) & (Tg < t_pos))).sum(axis=1)
        p_sum += float((ahead < k).sum()) / k
        first = np.full(count, np.iinfo(np.int64).max)
        np.minimum.at(first, groups, ahead)
        rr_sum += float((1.0 / (first + 1)).sum())
    return p_sum / actors, rr_sum / actors


def search_weights(data, *, k: int = 10, seed: int = 0, rounds: int = 3,
                   start: dict | None = None) -> tuple[dict, dict]:
    """``(weights, figures)``: the coordinate search over :data:`GRID` on
    ``data`` (from the inner split), seeded; ``figures`` holds the inner
    split's precision@k and MRR with the start and the tuned weights."""
    w = dict(start or default_weights())
    vec = np.array([w[p] for p in PARTS])
    best = _objective(data, vec, k)
    before = best
    order = list(PARTS)
    random.Random(seed).shuffle(order)
    for _ in range(rounds):
        changed = False
        for part in order:
            i = PARTS.index(part)
            keep = vec[i]
            for value in GRID[part]:
                if value == keep:
                    continue
                vec[i] = value
                got = _objective(data, vec, k)
                if got > best:
                    best, keep, changed = got, value, True
            vec[i] = keep
        if not changed:
            break
    total = sum(vec[PARTS.index(p)] for p in WEIGHTS)
    if total > 0:
        vec = np.round(vec / total, 4)
        best = _objective(data, vec, k)  # the figures of the weights returned
    tuned = {p: float(x) for p, x in zip(PARTS, vec, strict=True)}
    return tuned, {"precision_before": before[0], "mrr_before": before[1],
                   "precision_after": best[0], "mrr_after": best[1]}


def _result(data, k, seed, **info) -> dict:
    if not sum(c[5] for c in data):
        return {"tuned": False, "weights": default_weights(), "evaluated": 0, **info}
    weights, figures = search_weights(data, k=k, seed=seed)
    return {"tuned": True, "weights": weights,
            "evaluated": sum(c[5] for c in data), **figures, **info}


def tune_on_time(G, split_date, *, mode: str = "open", k: int = 10, seed: int = 0,
                 share: float = 0.1, windows: int = WINDOWS,
                 policymakers: str = "US") -> dict:
    """Weights tuned for a time split at ``split_date`` on what was known then.

    ``windows`` successive inner windows, each holding about ``share`` of the
    pairs in force at its end: (D1, D], (D2, D1], ...; the search scores the
    actors of all of them together (fewer when too few ties are dated).

    Returns ``{"tuned", "weights", "inner_split", "inner_splits", "pairs",
    "evaluated", "precision_before", "mrr_before", "precision_after",
    "mrr_after"}`` (``tuned`` False, with the live weights, when no ties
    formed in the training window: then there is nothing to tune on);
    ``inner_split`` is the earliest inner day.
    """
    day = as_of_key(split_date)
    W = known_on(G, day)
    data: list = []
    splits: list = []
    pairs = 0
    end = day
    for _ in range(windows):
        inner = inner_split_date(W, end, share)
        if inner is None:
            break
        partners = _future_partners(W, inner, end)
        V = graph_as_of(W, inner)
        V.graph["version"] = f"{W.graph.get('version')}-as-of-{inner}"
        idx = index_for(V, seed)
        data += _data(idx, partners, mode, _tiebreak(V, seed), policymakers)
        pairs += sum(len(s) for s in partners.values()) // 2
        splits.append(inner)
        W, end = known_on(W, inner), inner
    if not splits:
        return {"tuned": False, "weights": default_weights(), "evaluated": 0,
                "inner_split": None, "inner_splits": [], "pairs": 0}
    return _result(data, k, seed, inner_split=splits[-1], inner_splits=splits, pairs=pairs)


def tune_on_hidden(V, *, share: float = 0.1, k: int = 10, seed: int = 0,
                   repeats: int = REPEATS) -> dict:
    """Weights tuned on the visible graph ``V`` of a hidden-tie evaluation: a
    seeded ``share`` of its pairs hidden again and predicted from the rest,
    ``repeats`` times (seeds ``seed + 1000``, ``seed + 1001``, ...); the
    search scores the actors of every repeat together.

    Returns ``{"tuned", "weights", "pairs", "evaluated", "inner_seeds", ...}``
    as :func:`tune_on_time`.
    """
    from .evaluate import _partners, hide_ties  # evaluate imports this module

    data: list = []
    seeds = [seed + 1000 + i for i in range(repeats)]
    pairs = 0
    for inner_seed in seeds:
        VV, hidden = hide_ties(V, share, inner_seed)
        idx = index_for(VV, seed)
        data += _data(idx, _partners(hidden), "open", _tiebreak(VV, seed))
        pairs += len(hidden)
    return _result(data, k, seed, pairs=pairs, inner_seeds=seeds)
