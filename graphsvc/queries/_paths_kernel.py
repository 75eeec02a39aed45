"""The compiled search behind :func:`graphsvc.queries.paths.path_measures`.

Importing this module imports Numba; :mod:`graphsvc.queries.paths` does it
lazily and falls back when it fails. ``cache=True`` keeps the machine code
on disk (in ``__pycache__``, or Numba's user-wide cache folder when that is
not writable), so only the first process of an installation compiles it.

The searches run in batches of up to :data:`LANES` sources at once (a
multi-source breadth-first search, after Then et al., "The More the
Merrier: Efficient Multi-Source Graph Traversal", VLDB 2014): each node
keeps one 64-bit mask of the sources that have reached it, one level of
all the batch's searches is expanded together, and every adjacency list
read serves every source whose frontier holds that node, instead of being
read once per source. Per source and node the batch keeps only the number
of shortest paths (``sigma``, later reused for Brandes' coefficient); the
distances are the levels, kept as a list of (node, mask of sources) entries
in level order, and the backward pass tests "one level deeper" on the masks
instead of storing predecessor lists.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

__all__ = ["LANES", "searches"]

LANES = 64  # sources searched together: the bits of one int64 mask


def _popcount_ir(typingctx, x):
    """Number of bits set in an int64 (LLVM's ctpop: one instruction)."""
    sig = types.int64(types.int64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])
    return sig, codegen


def _lowbit_ir(typingctx, x):
    """Index of the lowest bit set in a non-zero int64 (LLVM's cttz)."""
    sig = types.int64(types.int64)

    def codegen(context, builder, signature, args):
        return builder.cttz(args[0], context.get_constant(types.boolean, True))
    return sig, codegen


# Called with one argument from compiled code (the typing context is Numba's).
_popcount: Any = intrinsic(_popcount_ir)
_lowbit: Any = intrinsic(_lowbit_ir)


@njit(nogil=True, cache=True)
def _grow(a, need):
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0]), dtype=a.dtype)
    b[:a.shape[0]] = a
    return b


@njit(nogil=True, cache=True)
def searches(indptr, indices, sources, reach_k, is_target, sums, reach_out, hops):
    """One BFS per source in ``sources``, with Brandes' accumulation.

    ``indptr``/``indices``: out-adjacency in compressed rows. Adds, over the
    sources, each node's dependency (``sums[0]``), sum of distances from the
    sources reaching it (``sums[1]``), number of such sources (``sums[2]``)
    and sum of inverse distances (``sums[3]``); adds to each source's count
    of nodes within ``reach_k`` hops (``reach_out[s]``, zero on entry) and
    writes its hops to the nearest node of each target set (``hops[t, s]``,
    left at -1 when none). Sources are searched :data:`LANES` at a time.
    """
    n = indptr.shape[0] - 1
    ntargets = is_target.shape[0]
    L = LANES
    one = np.int64(1)
    seen = np.zeros(n, dtype=np.int64)  # sources that reached each node
    nxt = np.zeros(n, dtype=np.int64)  # reached in the level being built / one level deeper
    sigma = np.zeros((n, L), dtype=np.float64)  # shortest paths; then (1 + delta) / sigma
    discovered = np.empty(n, dtype=np.int32)
    ent_v = np.empty(4 * n + L, dtype=np.int32)  # (node, sources) entries in level order
    ent_m = np.empty(4 * n + L, dtype=np.int64)
    level_start = np.empty(n + 2, dtype=np.int64)
    acc = np.zeros(L, dtype=np.float64)
    found = np.zeros(ntargets, dtype=np.int64)
    for b0 in range(0, sources.shape[0], L):
        nb = min(L, sources.shape[0] - b0)
        src = sources[b0:b0 + nb]
        order = np.argsort(src)
        for i in range(nb):  # level 0: the sources, by node
            b = order[i]
            s = src[b]
            ent_v[i] = s
            ent_m[i] = one << b
            seen[s] |= one << b
            sigma[s, b] = 1.0
        level_start[0] = 0
        level_start[1] = nb
        nent = nb
        for t in range(ntargets):
            found[t] = 0
        d = 0
        while level_start[d] < level_start[d + 1]:
            lo = level_start[d]
            hi = level_start[d + 1]
            for i in range(lo, hi):  # the sums over level d
                v = ent_v[i]
                fm = ent_m[i]
                for t in range(ntargets):
                    if is_target[t, v]:  # the first level holding a target is the nearest
                        m = fm & ~found[t]
                        found[t] |= fm
                        while m != 0:
                            b = _lowbit(m)
                            m &= m - 1
                            hops[t, src[b]] = d
                if d > 0:
                    c = _popcount(fm)
                    sums[1, v] += c * d
                    sums[2, v] += c
                    sums[3, v] += c / d
                    if d <= reach_k:
                        m = fm
                        while m != 0:
                            b = _lowbit(m)
                            m &= m - 1
                            reach_out[src[b]] += 1
            cnt = 0  # expand level d: w is one level deeper for the sources in m
            for i in range(lo, hi):
                v = ent_v[i]
                fm = ent_m[i]
                for p in range(indptr[v], indptr[v + 1]):
                    w = indices[p]
                    m = fm & ~seen[w]
                    if m != 0:
                        if nxt[w] == 0:
                            discovered[cnt] = w
                            cnt += 1
                        nxt[w] |= m
                        while m != 0:
                            b = _lowbit(m)
                            m &= m - 1
                            sigma[w, b] += sigma[v, b]
            deeper = np.sort(discovered[:cnt])  # by node: the next level reads rows in order
            if nent + cnt > ent_v.shape[0]:
                ent_v = _grow(ent_v, nent + cnt)
                ent_m = _grow(ent_m, nent + cnt)
            for i in range(cnt):
                w = deeper[i]
                ent_v[nent + i] = w
                ent_m[nent + i] = nxt[w]
                seen[w] |= nxt[w]
                nxt[w] = 0
            nent += cnt
            d += 1
            level_start[d + 1] = nent
        deepest = d - 1
        # Brandes, deepest level first: delta[v] = sigma[v] * sum over the
        # successors w (one level deeper, same source) of (1 + delta[w]) /
        # sigma[w]; nxt holds each node's sources one level deeper than d,
        # and sigma[w, b] becomes that coefficient once w is done.
        for d in range(deepest, 0, -1):
            if d < deepest:
                if d + 2 <= deepest:
                    for i in range(level_start[d + 2], level_start[d + 3]):
                        nxt[ent_v[i]] = 0
                for i in range(level_start[d + 1], level_start[d + 2]):
                    nxt[ent_v[i]] = ent_m[i]
            for i in range(level_start[d], level_start[d + 1]):
                v = ent_v[i]
                fm = ent_m[i]
                if d < deepest:
                    for p in range(indptr[v], indptr[v + 1]):
                        w = indices[p]
                        m = fm & nxt[w]
                        while m != 0:
                            b = _lowbit(m)
                            m &= m - 1
                            acc[b] += sigma[w, b]
                m = fm
                dep = 0.0
                while m != 0:
                    b = _lowbit(m)
                    m &= m - 1
                    s = sigma[v, b]
                    dep += s * acc[b]
                    sigma[v, b] = 1.0 / s + acc[b]  # (1 + delta) / sigma
                    acc[b] = 0.0
                sums[0, v] += dep
        for i in range(nent):  # clean for the next batch
            v = ent_v[i]
            seen[v] = 0
            nxt[v] = 0
            m = ent_m[i]
            while m != 0:
                b = _lowbit(m)
                m &= m - 1
                sigma[v, b] = 0.0
