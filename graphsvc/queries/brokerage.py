"""Brokerage: structural holes (Burt) and brokerage roles (Gould and Fernandez).

Burt's measures are computed with sparse matrices over each actor's
neighbourhood, so memory grows with the number of ties and two-step paths,
never with the square of the number of actors (NetworkX's own all-nodes
path builds a dense n x n matrix). Results are Burt's measures as UCINET and
igraph compute them; they equal :func:`networkx.constraint` and
:func:`networkx.effective_size` called with ``nodes=`` (its default
all-nodes path gives other values for weighted or directed graphs).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import _engines

__all__ = [
    "ROLES",
    "structural_holes",
    "effective_size",
    "constraint",
    "efficiency",
    "brokerage_roles",
    "expected_brokerage",
]

#: Gould-Fernandez roles: sna's code -> the column name used here.
ROLES: dict[str, str] = {
    "w_I": "coordinator",
    "w_O": "itinerant",
    "b_IO": "representative",
    "b_OI": "gatekeeper",
    "b_O": "liaison",
}
_ROLE_NAMES = list(ROLES.values())


def _mutual_matrices(G: nx.Graph, weight: str | None):
    """Row-sum- and row-max-normalised mutual weights, as in Burt (1992)."""
    nodes, pairs = _engines.edge_index(G)
    n = len(nodes)
    w = (_engines.edge_values(G, weight) if weight is not None
         else np.ones(len(pairs)))
    keep = pairs[:, 0] != pairs[:, 1]
    u, v, w = pairs[keep, 0], pairs[keep, 1], w[keep]
    if not G.is_directed():  # an undirected edge is z_ij = z_ji
        u, v, w = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([w, w])
    A = sp.csr_array((w, (u, v)), shape=(n, n))
    W = sp.csr_array(A + A.T)  # mutual weight z_ij + z_ji
    W.eliminate_zeros()
    deg = np.diff(W.indptr)  # distinct neighbours, in or out
    rowsum = np.asarray(W.sum(axis=1)).ravel()
    rowmax = np.asarray(W.max(axis=1).toarray()).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        P = sp.csr_array(sp.diags_array(np.where(rowsum > 0, 1 / rowsum, 0)) @ W)
        M = sp.csr_array(sp.diags_array(np.where(rowmax > 0, 1 / rowmax, 0)) @ W)
    return nodes, W, P, M, deg


def _on_pattern(X, pattern):
    """X's entries where ``pattern`` has an entry, summed per row."""
    return np.asarray(X.multiply(pattern).sum(axis=1)).ravel()


def structural_holes(G: nx.Graph, weight: str | None = None,
                     block_paths: int = 2_000_000) -> pd.DataFrame:
    """Burt's effective size, efficiency and constraint of every actor.

    Ties are symmetrised into mutual weights ``z_ij + z_ji``; ``p_ij`` is
    ``i``'s mutual weight with ``j`` over all of ``i``'s, ``m_jq`` is ``j``'s
    mutual weight with ``q`` over ``j``'s largest.

    - effective size: ``sum_j (1 - sum_q p_iq m_jq)`` over ``i``'s contacts
      ``j`` (``q`` ranging over ``i``'s contacts): contacts minus redundancy;
    - efficiency: effective size over the number of contacts;
    - constraint: ``sum_j (p_ij + sum_q p_iq p_qj)^2``: how much ``i``'s
      contacts are tied to each other (high = embedded, low = broker).

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection; edge direction only matters through mutual weights.
    weight : str, optional
        Edge attribute for tie strength; default every tie weighs 1.
    block_paths : int
        Two-step paths handled per block of actors (bounds working memory).

    Returns
    -------
    pandas.DataFrame
        Indexed by actor id; columns ``effective_size``, ``efficiency``,
        ``constraint``. NaN for actors without contacts.

    Examples
    --------
    In a star the centre's contacts are not tied to each other: effective
    size equals the number of contacts, constraint is 4 * (1/4)^2:

    >>> t = structural_holes(nx.star_graph(4))
    >>> t.loc[0].round(3).tolist()
    [4.0, 1.0, 0.25]

    References
    ----------
    .. [1] Burt, R. S. *Structural Holes: The Social Structure of
       Competition.* Harvard University Press, 1992.
    .. [2] Borgatti, S. "Structural holes: unpacking Burt's redundancy
       measures." Connections 20(1):35-38, 1997.
    """
    nodes, W, P, M, deg = _mutual_matrices(G, weight)
    n = len(nodes)
    pattern = sp.csr_array((np.ones(W.nnz), W.indices, W.indptr), shape=W.shape)
    MT = sp.csr_array(M.T)
    redundancy = np.zeros(n)
    constraint_ = np.zeros(n)
    # Redundancy of contact j for i: sum_q p_iq m_jq = (P @ M.T)[i, j], and
    # indirect constraint sum_q p_iq p_qj = (P @ P)[i, j], both kept only
    # where j is a contact. Rows go in blocks so the two-step products never
    # hold more than ``block_paths`` entries at once: memory follows the
    # number of ties, never n^2.
    two_step = np.asarray((P != 0).astype(float) @ np.diff(P.indptr).astype(float)).ravel()
    start = 0
    while start < n:
        stop, budget = start, 0.0
        while stop < n and (stop == start or budget + two_step[stop] <= block_paths):
            budget += two_step[stop]
            stop += 1
        Pb, patb = P[start:stop], pattern[start:stop]
        redundancy[start:stop] = _on_pattern(Pb @ MT, patb)
        local = Pb + (Pb @ P).multiply(patb)
        constraint_[start:stop] = np.asarray(local.multiply(local).sum(axis=1)).ravel()
        start = stop
    isolated = deg == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        esize = np.where(isolated, np.nan, deg - redundancy)
        eff = np.where(isolated, np.nan, esize / np.where(isolated, 1, deg))
    constraint_ = np.where(isolated, np.nan, constraint_)
    return pd.DataFrame({"effective_size": esize, "efficiency": eff,
                         "constraint": constraint_}, index=pd.Index(nodes, name="id"))


def effective_size(G: nx.Graph, weight: str | None = None) -> dict:
    """Burt's effective size of every actor; see :func:`structural_holes`.

    Examples
    --------
    >>> effective_size(nx.complete_graph(3))[0]
    1.0
    """
    return structural_holes(G, weight)["effective_size"].to_dict()


def constraint(G: nx.Graph, weight: str | None = None) -> dict:
    """Burt's constraint of every actor; see :func:`structural_holes`.

    Examples
    --------
    >>> round(constraint(nx.complete_graph(3))[0], 4)
    1.125
    """
    return structural_holes(G, weight)["constraint"].to_dict()


def efficiency(G: nx.Graph, weight: str | None = None) -> dict:
    """Effective size over number of contacts; see :func:`structural_holes`.

    Examples
    --------
    >>> efficiency(nx.star_graph(3))[0]
    1.0
    """
    return structural_holes(G, weight)["efficiency"].to_dict()


def _groups(G: nx.Graph, group) -> dict:
    if callable(group):
        return {v: group(v, a) for v, a in G.nodes(data=True)}
    if isinstance(group, Mapping):
        return {v: group.get(v) for v in G}
    return {v: a.get(group) for v, a in G.nodes(data=True)}


def _arcs(G: nx.Graph, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique arcs (no loops) as int arrays sorted by source; both ways if undirected."""
    _, pairs = _engines.edge_index(G)
    src, dst = pairs[:, 0], pairs[:, 1]
    if not G.is_directed():
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
    keep = src != dst
    codes = np.unique(src[keep] * n + dst[keep])
    return codes // n, codes % n


def brokerage_roles(G: nx.Graph, group: str | Mapping | Callable = "country",
                    engine: str = "auto", chunk: int = 4_000_000) -> pd.DataFrame:
    """Gould-Fernandez brokerage role counts of every actor.

    The counting rule is that of R's ``sna::brokerage``: for every ordered
    two-path ``i -> j -> k`` with ``i``, ``j``, ``k`` distinct and no
    ``i -> k`` tie, the broker ``j`` gets one count in the role given by the
    groups of ``i``, ``j`` and ``k``. A ``k -> i`` tie does not stop the
    count; undirected ties count in both directions (so an open undirected
    triad gives the broker two counts). Roles, named as in sna's
    documentation:

    ===========  ================  ===================================
    sna code     column            groups of i, j, k
    ===========  ================  ===================================
    ``w_I``      coordinator       all three in one group
    ``w_O``      itinerant         i and k in one group, j in another
    ``b_IO``     representative    i and j in one group, k in another
    ``b_OI``     gatekeeper        j and k in one group, i in another
    ``b_O``      liaison           three different groups
    ===========  ================  ===================================

    plus ``total``, their sum. An actor whose group is missing (None) forms
    no group with anyone: compare missing values as a group of their own by
    filling them first.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
        A projection. In a directed projection formal and informal ties run
        both ways and funding runs funder -> recipient.
    group : str, mapping or callable, default "country"
        A node attribute name (country, kind, city, community...), a mapping
        actor id -> group, or ``f(actor_id, attrs) -> group``.
    engine : {"auto", "networkx", "numpy"}
        ``"networkx"`` loops over two-paths in Python (the reference);
        ``"numpy"`` (and ``"auto"``) enumerates them in vectorised chunks.
    chunk : int
        Two-paths per vectorised chunk (bounds the working memory).

    Returns
    -------
    pandas.DataFrame
        Indexed by actor id; integer columns ``coordinator``, ``itinerant``,
        ``representative``, ``gatekeeper``, ``liaison``, ``total``.

    Examples
    --------
    A Mexican organization linking a Mexican shelter to a US NGO (funding
    runs shelter-ward from the NGO, formal ties both ways):

    >>> G = nx.DiGraph()
    >>> G.add_nodes_from([("mx1", {"country": "MX"}), ("mx2", {"country": "MX"}),
    ...                   ("us1", {"country": "US"})])
    >>> G.add_edges_from([("us1", "mx1"), ("mx1", "mx2")])
    >>> brokerage_roles(G).loc["mx1"].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'coordinator': 0, 'itinerant': 0, 'representative': 0, 'gatekeeper': 1,
     'liaison': 0, 'total': 1}

    References
    ----------
    .. [1] Gould, R. V. and Fernandez, R. M. "Structures of mediation: a
       formal approach to brokerage in transaction networks." Sociological
       Methodology 19:89-126, 1989.
    .. [2] Butts, C. T. sna: Tools for Social Network Analysis, function
       ``brokerage``. https://CRAN.R-project.org/package=sna
    """
    if engine not in ("auto", "networkx", "numpy"):
        raise ValueError(f"unknown engine '{engine}': use auto, networkx or numpy")
    groups = _groups(G, group)
    nodes = list(G)
    if engine == "networkx":
        return _brokerage_reference(G, groups, nodes)
    n = len(nodes)
    # Group codes; a missing group gets a code of its own per actor, so it
    # never equals anyone's.
    labels: dict = {}
    code = np.empty(n, dtype=np.int64)
    for pos, v in enumerate(nodes):
        g = groups[v]
        code[pos] = -1 - pos if g is None else labels.setdefault(g, len(labels))
    src, dst = _arcs(G, n)
    arc_codes = src * n + dst  # sorted, as _arcs returns them
    outdeg = np.bincount(src, minlength=n)
    start = np.concatenate([[0], np.cumsum(outdeg)[:-1]])
    counts = np.zeros(5 * n, dtype=np.int64)
    per_arc = outdeg[dst]
    bounds = np.searchsorted(np.cumsum(per_arc), np.arange(chunk, per_arc.sum() + chunk, chunk))
    lo = 0
    for hi in np.unique(np.append(bounds + 1, len(src))):
        hi = min(int(hi), len(src))
        if hi <= lo:
            continue
        a_src, a_dst, c = src[lo:hi], dst[lo:hi], per_arc[lo:hi]
        lo = hi
        total = int(c.sum())
        if total == 0:
            continue
        i = np.repeat(a_src, c)
        j = np.repeat(a_dst, c)
        offs = np.arange(total) - np.repeat(np.cumsum(c) - c, c)
        k = dst[np.repeat(start[a_dst], c) + offs]
        keep = i != k
        i, j, k = i[keep], j[keep], k[keep]
        ik = i * n + k
        pos = np.searchsorted(arc_codes, ik)
        pos[pos == len(arc_codes)] = 0
        open_ = arc_codes[pos] != ik
        i, j, k = i[open_], j[open_], k[open_]
        gi, gj, gk = code[i], code[j], code[k]
        role = np.where(gi == gj, np.where(gj == gk, 0, 2),
                        np.where(gj == gk, 3, np.where(gi == gk, 1, 4)))
        counts += np.bincount(j * 5 + role, minlength=5 * n)
    table = counts.reshape(n, 5)
    df = pd.DataFrame(table, columns=_ROLE_NAMES, index=pd.Index(nodes, name="id"))
    df["total"] = table.sum(axis=1)
    return df


def _brokerage_reference(G, groups, nodes) -> pd.DataFrame:
    succ = G.succ if G.is_directed() else G.adj
    pred = G.pred if G.is_directed() else G.adj
    rows = []
    for j in nodes:
        c = dict.fromkeys(_ROLE_NAMES, 0)
        gj = groups[j]
        for i in pred[j]:
            if i == j:
                continue
            for k in succ[j]:
                if k in (i, j) or k in succ[i]:
                    continue
                gi, gk = groups[i], groups[k]
                same_ij = gi is not None and gi == gj
                same_jk = gj is not None and gj == gk
                same_ik = gi is not None and gi == gk
                if same_ij and same_jk:
                    c["coordinator"] += 1
                elif same_ij:
                    c["representative"] += 1
                elif same_jk:
                    c["gatekeeper"] += 1
                elif same_ik:
                    c["itinerant"] += 1
                else:
                    c["liaison"] += 1
        c["total"] = sum(c.values())
        rows.append(c)
    return pd.DataFrame(rows, columns=[*_ROLE_NAMES, "total"],
                        index=pd.Index(nodes, name="id"))


def expected_brokerage(G: nx.Graph, group: str | Mapping | Callable = "country",
                       observed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Expected role counts if group labels were shuffled among the actors.

    For broker ``j`` with ``T_j`` counted two-paths and group ``g`` of size
    ``N_g`` (``n`` actors in all), each two-path's ends are an ordered pair
    of distinct other actors; the chance that its ends fall in each role is
    the share of such pairs, e.g. coordinator
    ``(N_g - 1)(N_g - 2) / ((n - 1)(n - 2))``. Expected count = ``T_j`` times
    that share, as in sna's ``brokerage`` expectations. Actors with a
    missing group are treated as singleton groups.

    Parameters
    ----------
    G : nx.Graph or nx.DiGraph
    group : str, mapping or callable
    observed : pandas.DataFrame, optional
        The result of :func:`brokerage_roles` if already computed.

    Returns
    -------
    pandas.DataFrame
        Indexed by actor id; columns ``expected_<role>`` for the five roles.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": "X", "b": "X", "c": "Y"}, "country")
    >>> float(expected_brokerage(G).loc["b", "expected_representative"])
    1.0
    """
    obs = brokerage_roles(G, group) if observed is None else observed
    groups = _groups(G, group)
    n = len(G)
    sizes: dict = {}
    for v, g in groups.items():
        key = ("__none__", v) if g is None else g
        sizes[key] = sizes.get(key, 0) + 1
    all_sizes = np.array(list(sizes.values()), dtype=float)
    sum_pairs = float((all_sizes * (all_sizes - 1)).sum())
    sum_sq = float((all_sizes ** 2).sum())
    denom = (n - 1) * (n - 2) if n > 2 else np.nan
    rows = []
    for v in obs.index:
        g = groups[v]
        ng = float(sizes[("__none__", v) if g is None else g])
        rest = n - ng
        w_i = (ng - 1) * (ng - 2)
        w_o = sum_pairs - ng * (ng - 1)          # pairs within one other group
        b_io = (ng - 1) * rest
        b_oi = rest * (ng - 1)
        # i and k in two different groups, neither j's
        b_o = rest * rest - (sum_sq - ng * ng)
        t = float(obs.loc[v, "total"])
        rows.append([t * x / denom for x in (w_i, w_o, b_io, b_oi, b_o)])
    return pd.DataFrame(rows, columns=[f"expected_{r}" for r in _ROLE_NAMES],
                        index=obs.index)
