"""Who can make an introduction: a mutual contact, else the most trusted short path.

A broker's quality is the product of the trust of its two ties (see
:data:`TIE_TRUST`): a partner under formal agreement with both sides
(1.0 x 1.0) beats one that met both at a workshop (0.5 x 0.5). When the two
actors share no contact, the introduction travels along a chain: among the
shortest chains, the one whose ties multiply to the highest trust.

When the two sides record working languages and share none, a mutual
contact who speaks a language of each is preferred over a more trusted one
who does not, and is named (``language_broker``; the rule is in
:mod:`.language`).
"""
from __future__ import annotations

from ...errors import not_found_actor
from ._index import index_for
from .language import bridging_languages, language_bridge

__all__ = ["best_broker", "mutual_brokers", "trusted_path", "trusted_paths_from"]


def mutual_brokers(G, u, v, seed: int = 0) -> list[dict]:
    """Every actor tied to both ``u`` and ``v``, best first.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The snapshot.
    u, v : actor ids

    Returns
    -------
    list of dict
        ``{"broker", "trust", "formal", "kinds_u", "kinds_v"}``: the product of
        the two ties' trust, how many of the two ties include a formal one, and
        the tie kinds on each side. Sorted by trust, then formal count, then id.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_edges_from([("a", "m", {"kind": "formal"}), ("m", "b", {"kind": "informal"})])
    [0, 0]
    >>> [(b["broker"], b["trust"]) for b in mutual_brokers(G, "a", "b")]
    [('m', 0.5)]
    """
    idx = index_for(G, seed)
    for x in (u, v):
        if x not in idx.adj:
            raise not_found_actor(x)
    return _mutual(idx, u, v)


def _mutual(idx, u, v) -> list[dict]:
    au, av = idx.adj[u], idx.adj[v]
    if len(au) > len(av):
        au, av, swap = av, au, True
    else:
        swap = False
    out = []
    for z, (t1, k1) in au.items():
        if z in (u, v) or z not in av:
            continue
        t2, k2 = av[z]
        ku, kv = (k2, k1) if swap else (k1, k2)
        out.append({"broker": z, "trust": t1 * t2,
                    "formal": ("formal" in ku) + ("formal" in kv),
                    "kinds_u": list(ku), "kinds_v": list(kv)})
    out.sort(key=lambda b: (-b["trust"], -b["formal"], str(b["broker"])))
    return out


def trusted_paths_from(G, u, max_hops: int = 6, seed: int = 0) -> dict:
    """Best-trust shortest chains from ``u`` to every actor within ``max_hops``.

    Breadth-first by hops; among the chains of the fewest hops, keeps the one
    whose tie trusts multiply highest (ties broken by id, so results repeat).

    Returns
    -------
    dict
        ``{v: (hops, trust, predecessor)}``; follow predecessors back to ``u``.
    """
    idx = index_for(G, seed)
    if u not in idx.adj:
        raise not_found_actor(u)
    return _paths(idx, u, max_hops)


def _paths(idx, u, max_hops) -> dict:
    best = {u: (0, 1.0, None)}
    frontier = [u]
    hops = 0
    while frontier and hops < max_hops:
        hops += 1
        layer: dict = {}
        for p in frontier:
            tp = best[p][1]
            for w, (t, _) in idx.adj[p].items():
                if w in best:
                    continue
                cand = (tp * t, p)
                old = layer.get(w)
                if old is None or cand[0] > old[0] or (cand[0] == old[0] and str(p) < str(old[1])):
                    layer[w] = cand
        for w, (t, p) in layer.items():
            best[w] = (hops, t, p)
        frontier = sorted(layer, key=str)
    return best


def _chain(paths, v) -> list:
    chain = [v]
    while paths[chain[-1]][2] is not None:
        chain.append(paths[chain[-1]][2])
    return chain[::-1]


def trusted_path(G, u, v, max_hops: int = 6, seed: int = 0) -> list | None:
    """The most trusted among the shortest chains from ``u`` to ``v``, or ``None``."""
    paths = trusted_paths_from(G, u, max_hops, seed)
    return _chain(paths, v) if v in paths else None


def best_broker(G, u, v, *, paths=None, max_hops: int = 6, seed: int = 0) -> dict | None:
    """The best way to introduce ``u`` to ``v``: who, along which ties.

    Parameters
    ----------
    G : nx.MultiDiGraph
        The snapshot.
    u, v : actor ids
        The two sides; they need not be tied.
    paths : dict, optional
        ``trusted_paths_from(G, u)``, when the caller already has it.

    Returns
    -------
    dict or None
        For a mutual contact: ``{"type": "mutual_contact", "broker", "name",
        "trust", "path": [u, broker, v], "names", "ties": [...], "others": n}``
        with the kinds of the broker's tie to each side. Otherwise
        ``{"type": "path", ...}`` for the most trusted shortest chain (the
        first intermediary is ``broker``). ``None`` when no chain exists
        within ``max_hops``, or when ``u`` and ``v`` are already tied.
        When the two share no working language and someone on the route
        speaks one of each, the dict has ``"language_broker": {"broker",
        "name", "languages"}`` (see :mod:`.language`); a mutual contact who
        does is preferred to one who does not.
    """
    idx = index_for(G, seed)
    for x in (u, v):
        if x not in idx.adj:
            raise not_found_actor(x)
    return broker_from_index(idx, u, v, paths=paths, max_hops=max_hops)


def broker_from_index(idx, u, v, *, paths=None, max_hops: int = 6) -> dict | None:
    """:func:`best_broker` on a prepared :class:`SnapshotIndex` (no checks)."""
    brokers = _mutual(idx, u, v)
    if brokers:
        lz = language_bridge(idx, u, v)
        b = next(x for x in brokers if x["broker"] == lz) if lz is not None else brokers[0]
        z = b["broker"]
        return _with_language(idx, u, v, lz, {
            "type": "mutual_contact",
            "broker": z,
            "name": idx.name(z),
            "trust": round(b["trust"], 4),
            "path": [u, z, v],
            "names": [idx.name(u), idx.name(z), idx.name(v)],
            "ties": [{"from": u, "to": z, "kinds": b["kinds_u"]},
                     {"from": z, "to": v, "kinds": b["kinds_v"]}],
            "others": len(brokers) - 1,
        })
    if paths is None:
        paths = _paths(idx, u, max_hops)
    if v not in paths or paths[v][0] < 2:
        return None
    chain = _chain(paths, v)
    return _with_language(idx, u, v, language_bridge(idx, u, v, paths), {
        "type": "path",
        "broker": chain[1],
        "name": idx.name(chain[1]),
        "trust": round(paths[v][1], 4),
        "path": chain,
        "names": [idx.name(x) for x in chain],
        "ties": [{"from": a, "to": b, "kinds": list(idx.adj[a][b][1])}
                 for a, b in zip(chain, chain[1:])],
        "others": 0,
    })


def _with_language(idx, u, v, z, broker: dict) -> dict:
    if z is not None:
        broker["language_broker"] = {
            "broker": z, "name": idx.name(z),
            "languages": bridging_languages(idx.languages[z], idx.languages[u],
                                            idx.languages[v])}
    return broker
