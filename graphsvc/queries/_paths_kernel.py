"""The compiled search behind :func:`graphsvc.queries.paths.path_measures`.

Importing this module imports Numba; :mod:`graphsvc.queries.paths` does it
lazily and falls back when it fails. ``cache=True`` keeps the machine code
on disk (in ``__pycache__``, or Numba's user-wide cache folder when that is
not writable), so only the first process of an installation compiles it.
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["searches"]


@njit(nogil=True, cache=True)
def searches(indptr, indices, sources, reach_k, is_target, sums, reach_out, hops):
    """One BFS per source in ``sources``, with Brandes' accumulation.

    ``indptr``/``indices``: out-adjacency in compressed rows. Adds, over the
    sources, each node's dependency (``sums[0]``), sum of distances from the
    sources reaching it (``sums[1]``), number of such sources (``sums[2]``)
    and sum of inverse distances (``sums[3]``); writes each source's number
    of nodes within ``reach_k`` hops (``reach_out[s]``) and its hops to the
    nearest node of each target set (``hops[t, s]``, -1 when none).
    """
    n = indptr.shape[0] - 1
    ntargets = is_target.shape[0]
    dist = np.full(n, -1, dtype=np.int32)
    sigma = np.zeros(n, dtype=np.float64)
    delta = np.zeros(n, dtype=np.float64)
    coef = np.zeros(n, dtype=np.float64)  # (1 + delta[w]) / sigma[w], once w is done
    order = np.empty(n, dtype=np.int32)
    nearest = np.empty(ntargets, dtype=np.int64)
    for si in range(sources.shape[0]):
        s = sources[si]
        dist[s] = 0
        sigma[s] = 1.0
        order[0] = s
        head = 0
        tail = 1
        while head < tail:  # breadth-first: order holds nodes by distance
            v = order[head]
            head += 1
            dv = dist[v] + 1
            sv = sigma[v]
            for p in range(indptr[v], indptr[v + 1]):
                w = indices[p]
                if dist[w] < 0:
                    dist[w] = dv
                    order[tail] = w
                    tail += 1
                    sigma[w] = sv
                elif dist[w] == dv:
                    sigma[w] += sv
        within = 0
        for t in range(ntargets):
            nearest[t] = -1
        for i in range(tail):
            w = order[i]
            d = dist[w]
            if i > 0:
                sums[1, w] += d
                sums[2, w] += 1.0
                sums[3, w] += 1.0 / d
                if d <= reach_k:
                    within += 1
            for t in range(ntargets):
                if nearest[t] < 0 and is_target[t, w]:
                    nearest[t] = d  # the first found is the nearest
        reach_out[s] = within
        for t in range(ntargets):
            hops[t, s] = nearest[t]
        # Brandes: deepest first, a node's dependency is the sum over its
        # successors w of sigma[v] / sigma[w] * (1 + delta[w]).
        for i in range(tail - 1, -1, -1):
            v = order[i]
            dv = dist[v] + 1
            acc = 0.0
            for p in range(indptr[v], indptr[v + 1]):
                w = indices[p]
                if dist[w] == dv:
                    acc += coef[w]
            delta[v] = sigma[v] * acc
            coef[v] = (1.0 + delta[v]) / sigma[v]
            if i > 0:
                sums[0, v] += delta[v]
        for i in range(tail):
            w = order[i]
            dist[w] = -1
            sigma[w] = 0.0
            delta[w] = 0.0
