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
    "SHAPES",
    "BORDERS",
    "BORDER_DASHES",
    "SHAPE_OUTLINES",
    "country_marks",
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

#: Node shape per country of the corridor, each its own; any other country
#: in the data gets a mark of its own from :data:`SHAPES` and
#: :data:`BORDERS` (see :func:`country_marks`).
COUNTRY_SHAPES: dict[str, str] = {
    "MX": "dot",
    "US": "square",
    "INT": "diamond",
    "GT": "triangle",
    "HN": "triangleDown",
    "SV": "star",
    "CA": "hexagon",
}
#: The shape of an actor whose country is not recorded.
OTHER_SHAPE = "hexagon"
#: vis-network's shapes that draw their label outside the node, in the order
#: other countries take them.
SHAPES: tuple[str, ...] = ("dot", "square", "diamond", "triangle", "triangleDown",
                           "star", "hexagon")
#: Border patterns that tell apart two countries of one shape, with their
#: vis-network ``shapeProperties.borderDashes``.
BORDERS: tuple[str, ...] = ("solid", "dashed", "dotted")
BORDER_DASHES: dict[str, list] = {"dashed": [3, 3], "dotted": [1, 3]}


def _star() -> list:
    return [(round(r * math.cos(math.radians(-90 + 36 * i)), 3),
             round(r * math.sin(math.radians(-90 + 36 * i)), 3))
            for i, r in enumerate([1.0, 0.45] * 5)]


#: Outline of each shape as points around the centre for a radius of 1 (y
#: down), as vis-network draws them: for the legend and the SVG export. A
#: ``dot`` is a circle (no points).
SHAPE_OUTLINES: dict[str, list] = {
    "dot": [],
    "square": [(-1, -1), (1, -1), (1, 1), (-1, 1)],
    "diamond": [(0, -1), (1, 0), (0, 1), (-1, 0)],
    "triangle": [(0, -1.15), (1.0, 0.58), (-1.0, 0.58)],
    "triangleDown": [(0, 1.15), (1.0, -0.58), (-1.0, -0.58)],
    "star": _star(),
    "hexagon": [(round(math.cos(math.radians(60 * i)), 3),
                 round(math.sin(math.radians(60 * i)), 3)) for i in range(6)],
}

#: Base style per tie kind, in vis-network's edge options.
TIE_STYLES: dict[str | None, dict] = {
    "formal": {"color": "#444444", "dashes": False, "width": 2},
    "informal": {"color": "#888888", "dashes": [6, 5], "width": 1.5},
    "funding": {"color": "#2a9d8f", "dashes": False, "width": 1.5,
                "arrows": {"to": {"enabled": True, "scaleFactor": 0.7}}},
    # the co-participation layer (shared events and groups), drawn only when
    # a map asks for it: thin, dotted, violet
    "co_participation": {"color": "#9467bd", "dashes": [2, 4], "width": 1},
}
#: Colours for groups (e.g. communities) when a map is coloured by group;
#: reused in order beyond its length.
GROUP_COLORS: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#bab0ac", "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
)
#: The site's font (style.css), for labels and exported drawings.
SITE_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
_KIND_ORDER: dict[str | None, int] = {"formal": 0, "informal": 1, "funding": 2,
                                      "co_participation": 3}
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


def country_marks(countries: Iterable) -> dict:
    """``{country: (shape, border)}``: a mark of its own for every country.

    The corridor's countries keep their shape of :data:`COUNTRY_SHAPES`
    with a solid border; the others, in alphabetical order, take the first
    free pair of :data:`SHAPES` and :data:`BORDERS` (a dashed or dotted
    border tells them from the corridor's). Only beyond 21 countries do
    marks repeat. An unknown country (``None``) is a solid hexagon with a
    dotted border.

    Examples
    --------
    >>> marks = country_marks(["GT", "HN", "SV", "DE", "BR"])
    >>> [marks[c][0] for c in ("GT", "HN", "SV")]
    ['triangle', 'triangleDown', 'star']
    >>> marks["BR"], marks["DE"]
    (('dot', 'dashed'), ('square', 'dashed'))
    """
    marks: dict = {c: (s, "solid") for c, s in COUNTRY_SHAPES.items()}
    used = set(marks.values())
    free = [(s, b) for b in BORDERS for s in SHAPES
            if (s, b) not in used]
    others = sorted({c for c in countries if c and c not in marks}, key=str)
    for i, c in enumerate(others):
        marks[c] = free[i % len(free)]
    marks[None] = (OTHER_SHAPE, BORDERS[-1])
    return marks


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
    marks = country_marks({a.get("country") for _v, a in H.nodes(data=True)})
    net = Network(directed=False, cdn_resources="remote")
    nodes = []
    for v, a in H.nodes(data=True):
        x, y = positions.get(v, (0.0, 0.0))
        kind = a.get("kind")
        shape, border = marks.get(a.get("country"), marks[None])
        node = {
            "id": v,
            "label": a.get("name") or str(v),
            "shape": shape,
            "color": {"background": KIND_COLORS.get(kind, "#cccccc"),
                      "border": "#222222"},
            "size": sizes[v],
            "x": x,
            "y": y,
            "kind": kind,
            "country": a.get("country"),
            "borderWidth": 4 if v == highlight else (1 if border == "solid" else 2),
            "border": border,
        }
        if border in BORDER_DASHES:
            node["shapeProperties"] = {"borderDashes": BORDER_DASHES[border]}
        if v == highlight:
            node["center"] = True  # named first
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
                        "navigationButtons": False,
                        # arrows pan and +/- zoom while the map has the focus
                        "keyboard": {"enabled": True, "bindToWindow": False}},
        "nodes": {"font": {"size": 14, "face": SITE_FONT},
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
