"""One data function per page: plain data that feeds both the HTML page and
its JSON twin under ``/api/v1``.

Each takes the service, the request's :class:`~graphsvc.web.access.Access`
and parsed parameters, and returns JSON-ready dicts (codes, not labels:
templates translate).
"""
from __future__ import annotations

import copy
from collections import Counter

import networkx as nx
from flask_babel import gettext as _

from ..errors import NotFound
from ..ingest.safe_write import csv_text, frame_rows
from ..model import TIE_KINDS
from ..queries import influence, metrics
from ..service import GraphService
from ..snapshot import ALL_TIME, ended
from ..snapshot import today as today_iso
from ..stores import ActorFilter
from ..viz import (
    build_network,
    country_marks,
    ego_graph,
    filter_graph,
    layout,
    network_data,
    ordered,
)
from . import analyses
from .access import Access
from .errors import InvalidQuery
from .events import actor_affiliations
from .focus import apply_focus, focus_routes, resolve_actor
from .i18n import (
    country_name,
    kind_label,
    measure_label,
    provenance_label,
    subtype_label,
    tie_kind_label,
)
from .params import ActorQuery, BrokerageQuery, MapQuery, MetricsQuery, TieQuery

__all__ = ["dataset", "dashboard", "actors", "actor_choices", "actor", "ties", "map_data",
           "facets", "metrics_page", "metrics_csv", "brokerage", "communities", "indicators",
           "MEASURES", "TOP_BROKERS", "subgraph_map"]


def _column(name):
    def measure(G, access):
        table = analyses.metrics_table(access)
        return {v: x for v, x in table[name].items() if x == x}  # NaN: no value
    return measure


#: Measures a map can be sized and filtered by: name -> function of the
#: snapshot and the access returning {actor id: value} (their names are in
#: params.SIZE_MEASURES). ``degree`` counts ties, as the actors list does;
#: the others are columns of graphsvc.queries.metrics.actor_metrics.
MEASURES = {
    "degree": lambda G, access: dict(G.degree()),
    "betweenness": _column("betweenness"),
    "pagerank": _column("pagerank"),
    "eigenvector": _column("eigenvector"),
    "closeness": _column("closeness"),
    "harmonic": _column("harmonic"),
    "strength": _column("strength"),
    "brokerage_total": _column("brokerage_total"),
    "policymaker_reach": lambda G, access: analyses.cached(
        access, "policymaker_reach",
        lambda _G: influence.targets_within(analyses.projection(access), "us_policymakers")),
}

#: How many brokers each dashboard list shows.
TOP_BROKERS = 10


def _snapshot(service: GraphService, access: Access) -> nx.MultiDiGraph:
    return access.view.snapshot()


def _dataset(service: GraphService, G: nx.MultiDiGraph) -> dict:
    return {"illustrative": G.graph.get("illustrative") == "true",
            "version": G.graph.get("version"), "store": service.store.name,
            "as_of": G.graph.get("as_of")}


def dataset(service: GraphService, access: Access) -> dict:
    """What pages without data of their own show: is it illustrative, which
    version, which store."""
    return {"dataset": _dataset(service, _snapshot(service, access))}


def _counted(counter: Counter) -> list[dict]:
    return [{"value": k, "count": n}
            for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def dashboard(service: GraphService, access: Access) -> dict:
    """Counts by actor kind, country and tie kind, indicators, top brokers and
    communities, from the snapshot.

    Served (:func:`.analyses.served`): after a write the previous version's
    figures come at once, with ``analyses.updating`` true, while the current
    ones are computed in the background; ``?fresh=1`` waits for them.
    """
    def compute(G):
        return _dashboard_figures(service, access, G)
    result = analyses.served(access, "dashboard", compute)
    page = dict(result.value)
    if result.updating:  # names of actors hidden or deleted since are left out
        shown = {b["id"] for rows in page["top_brokers"].values() if isinstance(rows, list)
                 for b in rows}
        keep = access.view.visible_actor_ids(shown)
        page["top_brokers"] = {k: [b for b in rows if b["id"] in keep]
                               if isinstance(rows, list) else rows
                               for k, rows in page["top_brokers"].items()}
    # whether the data is the illustrative network is said from the store now
    page["dataset"] = {**page["dataset"], "illustrative": service.illustrative}
    page["indicators"] = analyses.label_indicators(page["indicators"])
    page["analyses"] = analyses.served_status(access)
    return page


def _dashboard_figures(service: GraphService, access: Access, G) -> dict:
    """The dashboard's figures for snapshot ``G``, in no language."""
    ties_by_kind = Counter(d.get("kind") for _u, _v, d in G.edges(data=True))
    countries = Counter(a.get("country") for _v, a in G.nodes(data=True))
    return {
        "dataset": _dataset(service, G),
        "counts": {"actors": G.number_of_nodes(), "ties": G.number_of_edges(),
                   "countries": len(countries)},
        "actors_by_kind": _counted(Counter(a.get("kind") for _v, a in G.nodes(data=True))),
        "actors_by_country": _counted(countries),
        "ties_by_kind": [{"value": k, "count": ties_by_kind.get(k, 0)} for k in TIE_KINDS],
        "cross_border_ties": sum(
            1 for u, v in G.edges() if G.nodes[u].get("country") != G.nodes[v].get("country")),
        "indicators": analyses.indicator_values(access),
        "top_brokers": _top_brokers(G, access),
        "communities": analyses.community_summary(access),
    }


def _top(G, values, n=TOP_BROKERS) -> list[dict]:
    """The ``n`` actors with the largest positive value (ties broken by id)."""
    ranked = sorted(((v, x) for v, x in values.items() if x == x and x > 0 and v in G),
                    key=lambda vx: (-vx[1], str(vx[0])))[:n]
    return [{"id": v, "name": G.nodes[v].get("name") or v, "kind": G.nodes[v].get("kind"),
             "country": G.nodes[v].get("country"), "value": analyses.clean(x)}
            for v, x in ranked]


def _top_brokers(G, access: Access) -> dict:
    """Who brokers most: by betweenness, and by Gould-Fernandez total and
    liaison counts with actors grouped by country."""
    table = analyses.metrics_table(access)
    return {"betweenness": _top(G, table["betweenness"].to_dict()),
            "brokerage_total": _top(G, table["brokerage_total"].to_dict()),
            "brokerage_liaison": _top(G, table["brokerage_liaison"].to_dict()),
            "group_by": table.attrs.get("group_by", "country")}


def facets(service: GraphService, access: Access) -> dict:
    """The values filters can take in this graph: kinds, countries, cities,
    issue areas (for the filter forms)."""
    G = _snapshot(service, access)
    return {
        "kinds": sorted({a.get("kind") for _v, a in G.nodes(data=True)} - {None}),
        "countries": sorted({a.get("country") for _v, a in G.nodes(data=True)} - {None}),
        "cities": sorted({a.get("city") for _v, a in G.nodes(data=True)} - {None, ""},
                         key=str.casefold),
        "issue_areas": sorted({x for _v, a in G.nodes(data=True)
                               for x in a.get("issue_areas") or ()}),
        "tie_kinds": list(TIE_KINDS),
    }


def actor_choices(service: GraphService, access: Access) -> list[dict]:
    """``[{"id", "name"}]`` by name: what an actor picker offers."""
    G = _snapshot(service, access)
    return sorted(({"id": v, "name": a.get("name") or v} for v, a in G.nodes(data=True)),
                  key=lambda r: (r["name"].casefold(), r["id"]))


def _actor_row(record: dict, degree: dict) -> dict:
    return {**record, "degree": degree.get(record["id"], 0)}


def actors(service: GraphService, access: Access, query: ActorQuery) -> dict:
    """A page of actors matching the query, with their number of ties."""
    flt = ActorFilter(**{**query.filter.__dict__,
                         "include_restricted": access.include_restricted})
    total = len(access.view.find_actors(flt))
    page = access.view.find_actors(flt, limit=query.limit, offset=query.offset)
    G = _snapshot(service, access)
    degree = dict(G.degree())
    f = query.filter
    return {
        "dataset": _dataset(service, G),
        "items": [_actor_row(a.to_record(), degree) for a in page],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "filters": {"q": f.q, "kind": f.kind, "country": f.country, "city": f.city,
                    "issue_area": f.issue_area},
    }


def _visible_actor(service: GraphService, access: Access, actor_id: str):
    try:
        return access.view.get_actor(actor_id)
    except NotFound:
        # The same answer whether it does not exist or may not be seen.
        raise NotFound(_("No actor with id '%(id)s'.", id=actor_id),
                       details={"id": actor_id}) from None


def actor(service: GraphService, access: Access, actor_id: str) -> dict:
    """One actor: attributes, ties grouped by kind with provenance."""
    a = _visible_actor(service, access, actor_id)
    groups: dict[str, list] = {k: [] for k in TIE_KINDS}
    for tie, other in access.view.neighbours(actor_id):
        rec = tie.to_record()
        if tie.directed:
            rec["direction"] = "out" if tie.source == actor_id else "in"
        else:
            rec["direction"] = None
        rec["other"] = {"id": other.id, "name": other.name, "kind": other.kind,
                        "country": other.country, "city": other.city}
        groups.setdefault(tie.kind, []).append(rec)
    for items in groups.values():
        items.sort(key=lambda r: (r["other"]["name"].casefold(), r["id"]))
    G = _snapshot(service, access)
    return {
        "dataset": _dataset(service, G),
        "actor": a.to_record(),
        "degree": G.degree(actor_id) if actor_id in G else 0,
        "ties": groups,
        "affiliations": actor_affiliations(access, actor_id),
        **_actor_analyses(access, actor_id),
        "analyses": analyses.served_status(access),
    }


def _actor_analyses(access: Access, actor_id: str) -> dict:
    """The actor's metrics, brokerage roles (groups by country) and influence paths."""
    table = analyses.metrics_table(access)
    if actor_id not in table.index:
        return {"metrics": [], "brokerage": {}, "influence": []}
    row = table.loc[actor_id]
    return {
        "metrics": [{"name": c, "value": analyses.clean(row[c])}
                    for c in analyses.PROFILE_METRICS if c in row.index],
        "brokerage": {"group_by": table.attrs.get("group_by", "country"),
                      **{role: analyses.clean(row[f"brokerage_{role}"])
                         for role in analyses.ROLE_LABELS}},
        "influence": analyses.influence_rows(access, actor_id),
    }


def ties(service: GraphService, access: Access, query: TieQuery) -> dict:
    """A page of ties, optionally of one actor and of some kinds."""
    if query.actor is not None:
        _visible_actor(service, access, query.actor)
    items = access.view.ties(query.actor, query.kinds or None)
    G = _snapshot(service, access)
    return {
        "dataset": _dataset(service, G),
        "items": [t.to_record() for t in items[query.offset:query.offset + query.limit]],
        "total": len(items),
        "limit": query.limit,
        "offset": query.offset,
    }


class _Words:
    """Translated words and labels for tooltips, looked up once per map
    (gettext per tooltip would dominate the time of a 2,000-actor map)."""

    def __init__(self, G):
        self.kind, self.country, self.city, self.ties = (
            _("Kind"), _("Country"), _("City"), _("Ties"))
        self.amount, self.source = _("Amount"), _("Source")
        self.kinds = {k: kind_label(k) for k in {a.get("kind") for _v, a in G.nodes(data=True)}}
        self.countries = {c: country_name(c)
                          for c in {a.get("country") for _v, a in G.nodes(data=True)}}
        self.tie_kinds = {k: tie_kind_label(k) for k in (*TIE_KINDS, "co_participation")}
        self.provenances = {}

    def provenance(self, value):
        if value not in self.provenances:
            self.provenances[value] = provenance_label(value)
        return self.provenances[value]


def _node_title(G, w: _Words, shown_measure=None):
    def title(v, a):
        lines = [a.get("name") or str(v),
                 f"{w.kind}: {w.kinds.get(a.get('kind'), '')}",
                 f"{w.country}: {w.countries.get(a.get('country'), '')}"]
        if a.get("city"):
            lines.append(f"{w.city}: {a['city']}")
        lines.append(f"{w.ties}: {G.degree(v)}")
        if shown_measure is not None:
            label, values = shown_measure
            x = values.get(v)
            lines.append(f"{label}: {x:.3g}" if x is not None else f"{label}: -")
        return "\n".join(lines)
    return title


def _edge_title(G, w: _Words):
    def title(u, v, d):
        a, b = G.nodes[u].get("name", u), G.nodes[v].get("name", v)
        ends = f"{a} → {b}" if d.get("directed") else f"{a} — {b}"
        head = w.tie_kinds.get(d.get("kind"), str(d.get("kind")))
        if d.get("subtype"):
            head += f" ({subtype_label(d['subtype'])})"
        lines = [head, ends]
        if d.get("amount") is not None:
            money = f"{d['amount']:,.0f} {d.get('currency') or ''}".strip()
            lines.append(f"{w.amount}: {money}" + (f" ({d['year']})" if d.get("year") else ""))
        lines.append(f"{w.source}: {w.provenance(d.get('provenance'))}")
        return "\n".join(lines)
    return title


def _select(G, access: Access, query: MapQuery, measure: dict, max_nodes: int,
            center) -> tuple[nx.MultiDiGraph, int]:
    """The part of ``G`` the map query shows, and how many actors were left
    out beyond ``max_nodes`` (those with the smallest measure)."""
    H = filter_graph(G, query.filter, measure)
    if query.min_degree:
        H = H.subgraph([v for v in H if G.degree(v) >= query.min_degree])
    if query.communities:
        part = analyses.shown_partition(access)
        H = H.subgraph([v for v in H if part.get(v) in query.communities])
    if center is not None:
        if center not in H:
            H = G.subgraph(set(H) | {center})
        H = ego_graph(H, center, query.depth)
    left_out = 0
    if H.number_of_nodes() > max_nodes:
        keep = sorted(H, key=lambda v: (-measure.get(v, 0), str(v)))[:max_nodes]
        left_out = H.number_of_nodes() - max_nodes
        H = H.subgraph(keep)
    if H is not G:
        # A copy (iterating nested subgraph views is slow on big maps) in
        # sorted order: a view's order follows the hash seed of the process.
        H = ordered(H)
    return H, left_out


def _all_time(access: Access) -> Access:
    """The same reader, every tie ever recorded (for one layout of all days)."""
    view = copy.copy(access.view)
    view.as_of, view.as_of_chosen = ALL_TIME, True
    return Access(view)


def _positions(access: Access, query: MapQuery, max_nodes: int, center, H) -> dict:
    """Node positions for the map: one layout for every day of a query.

    The layout is of the query's actors over all time (every tie ever
    recorded; actors kept beyond ``max_nodes`` by their number of ties),
    cached without a day, so moving the date redraws the ties and leaves
    the actors where they were. An actor the day shows that the all-time
    selection left out is put beside its placed neighbours.
    """
    whole = _all_time(access)

    def compute(G_all):
        L, _left = _select(G_all, whole, query, dict(G_all.degree()), max_nodes,
                           center if center in G_all else None)
        return layout(L)

    positions = dict(whole.view.cached(
        "layout", compute,
        (query.filter, center, query.depth, query.min_degree, query.communities,
         max_nodes)))
    missing = [v for v in H if v not in positions]
    for i, v in enumerate(sorted(missing, key=str)):
        placed = [positions[u] for u in nx.all_neighbors(H, v) if u in positions]
        if placed:
            x = sum(p[0] for p in placed) / len(placed) + 12.0
            y = sum(p[1] for p in placed) / len(placed) + 12.0
        else:
            x, y = 40.0 * (i % 10), -60.0 - 40.0 * (i // 10)
        positions[v] = (round(x, 1), round(y, 1))
    return positions


def _grey_ended(data: dict, G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> int:
    """On an all-time map, draw ties that have ended (``until`` before
    today) as ended: grey and dotted, ``ended`` true. Returns how many."""
    today = today_iso()
    n = 0
    for e in data["edges"]:
        d = H.edges[e["from"], e["to"], e["id"]] if H.has_edge(e["from"], e["to"], e["id"]) \
            else {}
        if ended(d, today):
            e.update(color="#b0b0b0", dashes=[2, 4], ended=True, width=1)
            if e.get("title"):
                e["title"] = _("Ended on %(day)s", day=d["until"]) + "\n" + e["title"]
            n += 1
    return n


def map_data(service: GraphService, access: Access, query: MapQuery,
             max_nodes: int = 5000) -> dict:
    """What vis-network needs to draw the map the query asks for.

    The graph is the request's as of its day; positions are one layout for
    every day of the query (see :func:`_positions`), from the service's
    cache. Beyond ``max_nodes`` the actors with the largest measure are kept
    and ``truncated`` says how many were left out. On an all-time map, ties
    that have ended are drawn grey and dotted (``ended``).
    """
    G = _snapshot(service, access)
    if access.layered:  # ?layers= names co_participation: its ties are drawn too
        G = access.view.layered(access.layers)
    center = None
    if query.ego is not None:
        ego = query.ego
        if ego not in G:
            try:  # a name exactly one visible actor has
                ego = resolve_actor(G, ego)
            except NotFound:
                pass
        _visible_actor(service, access, ego)
        if ego not in G:
            raise NotFound(_("No actor with id '%(id)s'.", id=ego))
        center = ego
    focus = _focus(access, G, query)
    measure = MEASURES[query.size_by](G, access)
    H, left_out = _select(G, access, query, measure, max_nodes, center)
    if focus is not None:
        # every actor of a route is on the map, whatever the filters
        extra = ({p["id"] for r in focus["routes"] for p in r["path"]}
                 | {focus["actor"], focus["other"]}) - {None} - set(H)
        if extra:
            H = ordered(G.subgraph(set(H) | extra))
    part = analyses.shown_partition(access)  # every map can collapse communities
    positions = _positions(access, query, max_nodes, center, H)
    words = _Words(H)
    shown_measure = None if query.size_by == "degree" else (
        str(measure_label(query.size_by)), measure)
    net = build_network(H, positions, measure=measure,
                        node_title=_node_title(G, words, shown_measure),
                        edge_title=_edge_title(G, words), highlight=center,
                        groups=({v: part.get(v) for v in H}
                                if query.color_by == "community" else None))
    data = network_data(net)
    for n in data["nodes"]:
        # the one partition, for collapsing communities on any map
        n["community"] = part.get(n["id"])
    ended_ties = _grey_ended(data, G, H) if G.graph.get("as_of") == ALL_TIME else 0
    if focus is not None:
        apply_focus(data, focus["routes"], {focus["actor"], focus["other"]} - {None})
    return {
        "dataset": _dataset(service, G),
        "analyses": analyses.served_status(access),
        **data,
        "shown": {"nodes": H.number_of_nodes(), "edges": H.number_of_edges()},
        "total": {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()},
        "truncated": left_out,
        "ended": ended_ties,
        "ego": center,
        "depth": query.depth if center else None,
        "size_by": query.size_by,
        "color_by": query.color_by,
        "communities": sorted(query.communities),
        "countries": [{"country": c, "shape": s, "border": b}
                      for c, (s, b) in sorted(
                          country_marks({n["country"] for n in data["nodes"]}).items(),
                          key=lambda x: (x[0] is None, str(x[0])))
                      if any(n["country"] == c for n in data["nodes"])],
        "focus": focus,
        "layered": access.layered,
    }


def subgraph_map(service: GraphService, G: nx.MultiDiGraph, H: nx.MultiDiGraph,
                 positions: dict) -> dict:
    """A small map of ``H`` (a part of the reader's graph ``G``) at the given
    positions, drawn by the map machinery (:func:`graphsvc.viz.maps.build_network`,
    sized by ties in ``H``, coloured by kind) and shaped like
    :func:`map_data`'s answer, so the page's map macro draws it."""
    H = ordered(H)
    words = _Words(H)
    net = build_network(H, positions, node_title=_node_title(G, words, None),
                        edge_title=_edge_title(G, words))
    data = network_data(net)
    return {
        "dataset": _dataset(service, G), **data,
        "shown": {"nodes": H.number_of_nodes(), "edges": H.number_of_edges()},
        "total": {"nodes": H.number_of_nodes(), "edges": H.number_of_edges()},
        "truncated": 0, "ended": 0, "ego": None, "depth": None, "size_by": "degree",
        "color_by": "kind", "communities": [], "focus": None, "layered": False,
        "countries": [{"country": c, "shape": sh, "border": b}
                      for c, (sh, b) in sorted(
                          country_marks({n["country"] for n in data["nodes"]}).items(),
                          key=lambda x: (x[0] is None, str(x[0])))],
    }


def _focus(access: Access, G: nx.MultiDiGraph, query: MapQuery) -> dict | None:
    """The focus of a map (``focus``, ``to``, ``other``): the actor, where its
    routes go and the routes (:func:`graphsvc.web.focus.focus_routes`)."""
    if not query.focus:
        return None
    actor = resolve_actor(G, query.focus)
    other = resolve_actor(G, query.other) if query.to == "actor" and query.other else None
    if other == actor:
        raise InvalidQuery([{"field": "other", "value": query.other,
                             "message": _("Choose an actor other than the one in focus.")}])
    return {"actor": actor, "name": G.nodes[actor].get("name") or actor,
            "to": query.to, "other": other,
            "other_name": (G.nodes[other].get("name") or other) if other else None,
            "routes": focus_routes(access, actor, query.to, other)}


def _records(table) -> list[dict]:
    return [{"id": v, **{c: analyses.clean(x) for c, x in row.items()}}
            for v, row in zip(table.index, table.to_dict("records"))]


def metrics_page(service: GraphService, access: Access, query: MetricsQuery) -> dict:
    """A page of :func:`graphsvc.queries.metrics.actor_metrics` of the
    snapshot: one row per actor, every documented column."""
    G = _snapshot(service, access)
    table = analyses.metrics_table(access)
    key = table[query.sort]
    if key.dtype == object:
        key = key.fillna("").astype(str).str.casefold()
    order = key.sort_values(ascending=not query.descending, na_position="last",
                            kind="stable").index
    page = table.loc[order[query.offset:query.offset + query.limit]]
    return {
        "dataset": _dataset(service, G),
        "analyses": analyses.served_status(access),
        "columns": dict(metrics.COLUMNS),
        "parameters": {k: v for k, v in table.attrs.items()
                       if k not in ("version", "illustrative")},
        "items": _records(page),
        "total": len(table),
        "limit": query.limit,
        "offset": query.offset,
        "sort": ("-" if query.descending else "") + query.sort,
    }


def metrics_csv(service: GraphService, access: Access) -> str:
    """The whole per-actor table as CSV (``id`` then :data:`COLUMNS`)."""
    return csv_text(frame_rows(analyses.metrics_table(access)))


def brokerage(service: GraphService, access: Access, query: BrokerageQuery) -> dict:
    """Gould-Fernandez roles of every actor, groups given by ``group_by``;
    most brokering first."""
    G = _snapshot(service, access)
    table = analyses.brokerage_table(access, query.group_by)
    part = analyses.partition(access) if query.group_by == "community" else None
    totals = table["total"].to_dict()
    order = sorted(table.index, key=lambda v: (-int(totals[v]), str(v)))
    items = []
    for v in order[query.offset:query.offset + query.limit]:
        a = G.nodes[v]
        items.append({"id": v, "name": a.get("name") or v, "kind": a.get("kind"),
                      "country": a.get("country"),
                      "group": analyses.clean(part.get(v) if part is not None
                                              else a.get(query.group_by)),
                      **{r: analyses.clean(table.at[v, r]) for r in analyses.ROLE_LABELS}})
    return {"dataset": _dataset(service, G), "group_by": query.group_by,
            "roles": {r: str(d) for r, (_label, d) in analyses.ROLE_LABELS.items()},
            "items": items, "total": len(order), "limit": query.limit,
            "offset": query.offset}


def communities(service: GraphService, access: Access) -> dict:
    """Seeded Louvain communities with modularity, and the silo view."""
    G = _snapshot(service, access)
    found = analyses.communities_served(access)
    return {"dataset": _dataset(service, G), "seed": analyses.SEED,
            "analyses": analyses.served_status(access),
            "count": found["count"], "modularity": found["modularity"],
            "items": found["items"]}


def indicators(service: GraphService, access: Access) -> dict:
    """The cross-border indicators with the survey's figures beside them."""
    G = _snapshot(service, access)
    return {"dataset": _dataset(service, G), "items": analyses.indicator_rows(access)}
