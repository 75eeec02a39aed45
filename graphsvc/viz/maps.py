"""Influence maps: a snapshot (or part of it) as a pyvis network.

Styling says what a reader needs at a glance: colour is the actor's kind,
shape its country, size a chosen measure (ties by default); formal ties are
solid, informal dashed, funding an arrow whose width grows with the amount.
Ties of different kinds between one pair curve apart so each stays visible.

The network is filled through ``net.nodes``/``net.edges`` directly
(``Network.add_edge`` scans every edge per call) and positions are computed
on the server with physics off. Nothing here renders HTML: the web app
embeds :func:`network_data` as JSON in its own autoescaped template, because
pyvis's template inserts titles, headings and options unescaped.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
from pyvis.network import Network

__all__ = [
    "KIND_COLORS",
    "COUNTRY_SHAPES",
    "OTHER_SHAPE",
    "TIE_STYLES",
    "GROUP_COLORS",
    "group_colors",
    "MapFilter",
    "filter_graph",
    "ego_graph",
    "ordered",
    "node_sizes",
    "build_network",
    "network_data",
]

#: Colour per actor kind (colour-blind-safe where the palette allows).
KIND_COLORS: dict[str | None, str] = {
    "cso": "#1f77b4",
    "shelter": "#17becf",
    "faith_based": "#9467bd",
    "migrant_led": "#2ca02c",
    "network": "#bcbd22",
    "international_org": "#ff7f0e",
    "government": "#d62728",
    "official": "#e377c2",
    "funder": "#8c564b",
    "academia": "#7f7f7f",
    "business": "#393b79",
    "individual": "#aec7e8",
}

#: Node shape per country; every other country is drawn as OTHER_SHAPE.
COUNTRY_SHAPES: dict[str, str] = {
    "MX": "dot",
    "US": "square",
    "INT": "diamond",
    "GT": "triangle",
    "HN": "triangle",
    "SV": "triangle",
    "CA": "triangleDown",
}
OTHER_SHAPE = "hexagon"

#: Base style per tie kind, in vis-network's edge options.
TIE_STYLES: dict[str | None, dict] = {
    "formal": {"color": "#444444", "dashes": False, "width": 2},
    "informal": {"color": "#888888", "dashes": [6, 5], "width": 1.5},
    "funding": {"color": "#2a9d8f", "dashes": False, "width": 1.5,
                "arrows": {"to": {"enabled": True, "scaleFactor": 0.7}}},
}
#: Colours for groups (e.g. communities) when a map is coloured by group;
#: reused in order beyond its length.
GROUP_COLORS: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#bab0ac", "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
)
_KIND_ORDER: dict[str | None, int] = {"formal": 0, "informal": 1, "funding": 2}
_MIN_SIZE, _MAX_SIZE = 8.0, 40.0
_MAX_FUNDING_WIDTH = 8.0


@dataclass(frozen=True)
class MapFilter:
    """Which part of the graph a map shows; empty means no restriction.

    Node filters (``kinds``, ``countries``, ``cities``, ``issue_areas``,
    ``min_size``) keep matching actors; ``tie_kinds`` keeps those ties;
    ``min_size`` compares with the measure the map is sized by.
    """

    kinds: frozenset = frozenset()
    countries: frozenset = frozenset()
    cities: frozenset = frozenset()
    issue_areas: frozenset = frozenset()
    tie_kinds: frozenset = frozenset()
    min_size: float | None = None


def filter_graph(G: nx.MultiDiGraph, flt: MapFilter,
                 measure: Mapping | None = None) -> nx.MultiDiGraph:
    """The subgraph ``flt`` selects (a view: do not modify).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", kind="cso", country="MX")
    >>> G.add_node("b", kind="funder", country="US")
    >>> G.add_edge("b", "a", key="t", kind="funding")
    't'
    >>> list(filter_graph(G, MapFilter(countries=frozenset({"MX"}))))
    ['a']
    """
    cities = {c.casefold() for c in flt.cities}

    def keep(v):
        a = G.nodes[v]
        if flt.kinds and a.get("kind") not in flt.kinds:
            return False
        if flt.countries and a.get("country") not in flt.countries:
            return False
        if cities and (a.get("city") or "").casefold() not in cities:
            return False
        if flt.issue_areas and not flt.issue_areas & set(a.get("issue_areas") or ()):
            return False
        if flt.min_size is not None and (measure or {}).get(v, 0) < flt.min_size:
            return False
        return True

    H = nx.subgraph_view(G, filter_node=keep) if _node_filtered(flt) else G
    if flt.tie_kinds:
        kinds = flt.tie_kinds
        H = nx.subgraph_view(
            H, filter_edge=lambda u, v, k: G.edges[u, v, k].get("kind") in kinds)
    return H


def _node_filtered(flt: MapFilter) -> bool:
    return bool(flt.kinds or flt.countries or flt.cities or flt.issue_areas
                or flt.min_size is not None)


def ego_graph(G: nx.MultiDiGraph, center, depth: int = 1) -> nx.MultiDiGraph:
    """Actors within ``depth`` ties of ``center`` (either direction), with
    every tie among them.

    Examples
    --------
    >>> G = nx.MultiDiGraph([(1, 2), (2, 3), (3, 4)])
    >>> sorted(ego_graph(G, 3, depth=1))
    [2, 3, 4]
    """
    if not 1 <= depth <= 3:
        raise ValueError("depth must be 1, 2 or 3")
    return G.subgraph(nx.ego_graph(G.to_undirected(as_view=True), center,
                                   radius=depth))


def ordered(H: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``H`` with its nodes in sorted order and its edges in key
    order. A subgraph view iterates its nodes in the order of a set, which
    changes with Python's hash seed; after this, every process (every
    gunicorn worker) draws and sends a map in the same order.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("b", "a", "t2"), ("a", "c", "t1")])
    >>> H = ordered(G.subgraph({"c", "a", "b"}))
    >>> list(H), [k for _u, _v, k in H.edges(keys=True)]
    (['a', 'b', 'c'], ['t1', 't2'])
    """
    out: nx.MultiDiGraph = nx.MultiDiGraph()
    out.graph.update(H.graph)
    out.add_nodes_from((v, H.nodes[v]) for v in sorted(H, key=lambda v: (type(v).__name__,
                                                                        str(v))))
    edges: list[tuple] = list(H.edges(keys=True, data=True))
    edges.sort(key=lambda e: str(e[2]))
    out.add_edges_from(edges)
    return out


def node_sizes(measure: Mapping, nodes: Iterable) -> dict:
    """vis-network sizes from a measure: area proportional to the value."""
    nodes = list(nodes)
    top = max((measure.get(v, 0) or 0 for v in nodes), default=0) or 1
    return {v: round(_MIN_SIZE + (_MAX_SIZE - _MIN_SIZE)
                     * math.sqrt(max(measure.get(v, 0) or 0, 0) / top), 1)
            for v in nodes}


def group_colors(groups: Mapping) -> dict:
    """``{group: colour}``, largest group first, so the colours a reader
    sees most are the most distinct."""
    sizes: defaultdict[object, int] = defaultdict(int)
    for g in groups.values():
        sizes[g] += 1
    order = sorted(sizes, key=lambda g: (-sizes[g], str(g)))
    return {g: GROUP_COLORS[i % len(GROUP_COLORS)] for i, g in enumerate(order)}


def _shape(country: str | None) -> str:
    return COUNTRY_SHAPES.get(country or "", OTHER_SHAPE)


def _edge_curves(H: nx.MultiDiGraph) -> dict:
    """``{edge key: smooth option}``: the first tie of a pair straight, the
    others curving alternately to either side, further out each time."""
    pairs = defaultdict(list)
    for u, v, k, d in H.edges(keys=True, data=True):
        a, b = sorted((str(u), str(v)))
        pairs[(a, b)].append((_KIND_ORDER.get(d.get("kind"), 3), str(k), u, v, k))
    curves: dict[object, bool | dict] = {}
    for (a, _b), items in pairs.items():
        items.sort()
        for i, (_o, _s, u, _v, k) in enumerate(items):
            if i == 0:
                curves[k] = False
                continue
            side = "curvedCW" if i % 2 else "curvedCCW"
            if str(u) != a:  # drawn the other way round: mirror the side
                side = "curvedCCW" if side == "curvedCW" else "curvedCW"
            curves[k] = {"enabled": True, "type": side,
                         "roundness": round(0.2 * ((i + 1) // 2), 2)}
    return curves


def _funding_widths(H: nx.MultiDiGraph) -> dict:
    """Width per funding edge key, scaled within each currency (amounts in
    different currencies are not compared)."""
    top: defaultdict[str | None, float] = defaultdict(float)
    for _u, _v, d in H.edges(data=True):
        if d.get("kind") == "funding" and d.get("amount"):
            top[d.get("currency")] = max(top[d.get("currency")], float(d["amount"]))
    out = {}
    for _u, _v, k, d in H.edges(keys=True, data=True):
        if d.get("kind") == "funding" and d.get("amount") and top[d.get("currency")]:
            share = float(d["amount"]) / top[d.get("currency")]
            out[k] = round(1 + (_MAX_FUNDING_WIDTH - 1) * math.sqrt(share), 2)
    return out


def build_network(
    H: nx.MultiDiGraph,
    positions: Mapping,
    measure: Mapping | None = None,
    node_title: Callable[[object, dict], str] | None = None,
    edge_title: Callable[[object, object, dict], str] | None = None,
    highlight=None,
    groups: Mapping | None = None,
) -> Network:
    """A pyvis :class:`~pyvis.network.Network` of ``H`` ready to draw.

    Parameters
    ----------
    H : nx.MultiDiGraph
        A snapshot or a part of one (see :func:`filter_graph`, :func:`ego_graph`).
    positions : mapping
        ``{node: (x, y)}`` in pixels (see :func:`graphsvc.viz.layout.layout`).
    measure : mapping, optional
        Value per node that sets its size, e.g. ties or a centrality; by
        default the number of ties in ``H``.
    node_title, edge_title : callable, optional
        Plain-text tooltips (never HTML: vis-network shows a string as text).
    highlight : node, optional
        Drawn with a thick border (the centre of an ego map).
    groups : mapping, optional
        ``{node: group}`` (e.g. a community partition): colour by group
        instead of kind; each node also carries it as ``group_id``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", name="A", kind="cso", country="MX")
    >>> G.add_node("b", name="B", kind="funder", country="US")
    >>> G.add_edge("b", "a", key="f", kind="funding", amount=10.0, currency="USD")
    'f'
    >>> net = build_network(G, {"a": (0, 0), "b": (100, 0)})
    >>> [n["shape"] for n in net.nodes], net.edges[0]["arrows"]["to"]["enabled"]
    (['dot', 'square'], True)
    """
    if measure is None:
        measure = dict(H.degree())
    sizes = node_sizes(measure, H)
    palette = group_colors(groups) if groups is not None else None
    net = Network(directed=False, cdn_resources="remote")
    nodes = []
    for v, a in H.nodes(data=True):
        x, y = positions.get(v, (0.0, 0.0))
        kind = a.get("kind")
        node = {
            "id": v,
            "label": a.get("name") or str(v),
            "shape": _shape(a.get("country")),
            "color": {"background": KIND_COLORS.get(kind, "#cccccc"),
                      "border": "#222222"},
            "size": sizes[v],
            "x": x,
            "y": y,
            "kind": kind,
            "country": a.get("country"),
            "borderWidth": 4 if v == highlight else 1,
        }
        if palette is not None and groups is not None:
            node["group_id"] = groups.get(v)
            node["color"]["background"] = palette.get(groups.get(v), "#cccccc")
        if node_title is not None:
            node["title"] = node_title(v, a)
        nodes.append(node)
    curves = _edge_curves(H)
    widths = _funding_widths(H)
    edges = []
    for u, v, k, d in H.edges(keys=True, data=True):
        kind = d.get("kind")
        edge = {"id": k, "from": u, "to": v, "kind": kind,
                **TIE_STYLES.get(kind, TIE_STYLES["formal"]),
                "smooth": curves.get(k, False)}
        if k in widths:
            edge["width"] = widths[k]
        if edge_title is not None:
            edge["title"] = edge_title(u, v, d)
        edges.append(edge)
    # Filled directly: Network.add_node/add_edge check every existing entry.
    net.nodes = nodes
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    big = len(nodes) > 1000
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 120,
                        "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "navigationButtons": False, "keyboard": False},
        "nodes": {"font": {"size": 14, "face": "sans-serif"},
                  # small maps keep their labels when zoomed out to fit
                  "scaling": {"label": {"drawThreshold": 9 if big else 4}}},
        "edges": {"selectionWidth": 2, "hoverWidth": 1},
    }
    return net


def network_data(net: Network) -> dict:
    """``{"nodes", "edges", "options"}``: what vis-network is given, as
    plain data to embed as JSON."""
    nodes, edges, _heading, _height, _width, _options = net.get_network_data()
    options = net.options if isinstance(net.options, dict) else net.options.__dict__
    return {"nodes": nodes, "edges": edges, "options": options}
