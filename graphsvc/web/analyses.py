"""The analyses of :mod:`graphsvc.queries` as the web app serves them.

Every figure is computed on the request's own snapshot
(``access.view.snapshot()``), so a viewer's numbers are those of the graph
without restricted records, and cached by (store version, restricted or
not, analysis, parameters): an analyst's result is never handed to a
viewer, and a write drops every cached result at the next request.

The heavy ones (the per-actor table, the dashboard's figures, the
communities, an actor's influence paths) are *served*
(:func:`served`): after a write a request gets the previous version's
result at once, marked ``updating``, while the current one is computed in
the background (:mod:`graphsvc.background`); every answer that used such a
result says so in the ``X-Analyses-Version`` and ``X-Analyses-Updating``
headers, and its JSON in an ``analyses`` field. ``?fresh=1`` waits.

Functions here return JSON-ready data (codes and numbers; NaN and infinity
as ``None``). The labels and definitions shown to people are translated
here, since the analyses' own docstrings and column definitions are
English.
"""
from __future__ import annotations

import math

import networkx as nx
import pandas as pd
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from ..queries import brokerage, communities, indicators, influence, metrics
from ..queries.projection import project
from ..service import SEED
from .access import Access
from .params import GROUP_BY  # noqa: F401  (the groupings brokerage_table takes)

__all__ = ["SEED", "METRIC_LABELS", "PROFILE_METRICS",
           "INDICATOR_LABELS", "ROLE_LABELS", "cached", "served", "served_status",
           "status_headers", "projection", "metrics_table", "indicator_values",
           "label_indicators", "indicator_rows",
           "partition", "community_summary", "community_rows", "communities_served",
           "shown_partition", "brokerage_table",
           "influence_rows", "PROFILE_TARGETS", "clean"]



#: Readable names and definitions of the metric columns the pages show
#: (the API carries every column of graphsvc.queries.metrics.COLUMNS).
METRIC_LABELS = {
    "degree": (_l("Contacts"), _l("Distinct actors tied to this one by any tie.")),
    "degree_formal": (_l("Formal contacts"), _l("Distinct actors tied by a formal tie.")),
    "degree_informal": (_l("Informal contacts"),
                        _l("Distinct actors tied by an informal tie.")),
    "funders": (_l("Funders"), _l("Distinct actors recorded as funding this actor.")),
    "recipients": (_l("Recipients"), _l("Distinct actors this actor is recorded as funding.")),
    "betweenness": (_l("Betweenness"),
                    _l("Share of shortest paths between other actors that pass "
                       "through this one (0 to 1).")),
    "closeness": (_l("Closeness"),
                  _l("How near this actor is to all the others it can reach "
                     "(Wasserman-Faust correction).")),
    "eigenvector": (_l("Eigenvector"),
                    _l("High when tied to actors that are themselves well connected.")),
    "pagerank": (_l("PageRank"),
                 _l("Share of time a random walk along ties spends here "
                    "(damping 0.85, weighted).")),
    "harmonic": (_l("Harmonic closeness"),
                 _l("Sum of 1/distance to the other actors.")),
    "strength": (_l("Strength"),
                 _l("Sum of tie weights: formal ties weigh more than informal ones.")),
    "effective_size": (_l("Effective size"),
                       _l("Burt: contacts that are not tied to one another.")),
    "constraint": (_l("Constraint"),
                   _l("Burt: low for a broker between separate groups, high for an "
                      "actor whose contacts all know each other.")),
    "community": (_l("Community"), _l("Louvain community number (0 = largest), seeded.")),
    "reach_2": (_l("Reach in two steps"), _l("Other actors within two ties.")),
}

#: The metrics an actor's profile shows, in order.
PROFILE_METRICS = ("degree", "degree_formal", "degree_informal", "funders", "recipients",
                   "betweenness", "closeness", "eigenvector", "pagerank", "effective_size",
                   "constraint", "community", "reach_2")

#: Gould-Fernandez roles: column -> (label, definition). Names as in R's
#: sna::brokerage documentation.
ROLE_LABELS = {
    "coordinator": (_l("Coordinator"), _l("Broker and both ends in one group.")),
    "itinerant": (_l("Itinerant"), _l("Both ends in one group, the broker in another.")),
    "representative": (_l("Representative"),
                       _l("The broker passes from its own group to another.")),
    "gatekeeper": (_l("Gatekeeper"),
                   _l("The broker lets another group into its own.")),
    "liaison": (_l("Liaison"), _l("Broker and both ends in three different groups.")),
    "total": (_l("Total"), _l("Every two-path the actor brokers.")),
}

#: Survey indicators: name -> (label, definition).
INDICATOR_LABELS = {
    "tied_to_unhcr": (_l("Mexican CSOs tied to UNHCR"),
                      _l("Share of Mexican civil-society actors (CSOs, shelters, "
                         "faith-based and migrant-led groups) with at least one tie "
                         "of any kind to UNHCR.")),
    "tied_to_iom": (_l("Mexican CSOs tied to IOM"),
                    _l("Share of Mexican civil-society actors with at least one tie "
                       "of any kind to IOM.")),
    "tied_to_us_organizations": (
        _l("Mexican CSOs tied to a US organization"),
        _l("Share of Mexican civil-society actors with at least one tie of any kind "
           "to a US civil-society organization, shelter or network.")),
    "tied_to_us_policymakers": (
        _l("Mexican CSOs tied to US policymakers"),
        _l("Share of Mexican civil-society actors with at least one tie of any kind "
           "to a US policymaker (government, official or the policymaker role).")),
    "tied_to_mx_policymakers": (
        _l("Mexican CSOs tied to Mexican policymakers"),
        _l("Share of Mexican civil-society actors with at least one tie of any kind "
           "to a Mexican policymaker (federal, state or municipal government, "
           "official, legislator or the policymaker role).")),
    "formal_among_us_cooperators": (
        _l("Formal cooperation with US organizations"),
        _l("Of the Mexican civil-society actors tied to a US organization, the share "
           "with at least one formal or funding tie to one. The formal and informal "
           "shares may add up to more than the whole.")),
    "informal_among_us_cooperators": (
        _l("Informal cooperation with US organizations"),
        _l("Of the Mexican civil-society actors tied to a US organization, the share "
           "with at least one informal tie to one.")),
    "density": (_l("Density"), _l("Pairs of actors joined by at least one tie, over "
                                  "all pairs.")),
    "components": (_l("Components"), _l("Groups of actors joined by some path; an "
                                        "untied actor is a group of its own.")),
    "largest_component_share": (_l("Largest component"),
                                _l("Share of actors in the largest connected group.")),
    "ei_index_country": (_l("E-I index by country"),
                         _l("(pairs across countries - pairs within) / all tied pairs: "
                            "-1 all within, +1 all across.")),
}


def cached(access: Access, name: str, compute, *params):
    """``compute(snapshot)`` for the request's snapshot, from the service's
    one versioned cache (keyed by store version, visibility, name and
    ``params``)."""
    return access.view.cached(name, compute, params)


def served(access: Access, name: str, compute, *params):
    """``compute(snapshot)`` from the one cache without waiting after a write
    (:meth:`graphsvc.access.GraphView.served`): returns the
    :class:`~graphsvc.background.Served` and notes its version and whether
    it is updating for this request's headers (:func:`status_headers`)."""
    result = access.view.served(name, compute, params, fresh=access.fresh)
    if has_request_context():
        seen = g.get("analyses_served")
        if seen is None or result.version < seen.version or result.updating:
            g.analyses_served = result
    return result


def served_status(access: Access) -> dict:
    """``{"version", "current_version", "updating"}`` of the served results
    this request used (``updating`` False when it used none)."""
    seen = g.get("analyses_served") if has_request_context() else None
    if seen is None:
        version = access.view.store.version()
        return {"version": version, "current_version": version, "updating": False}
    return seen.status()


def status_headers(response):
    """After a request that used served results: ``X-Analyses-Version`` (the
    store version they were computed for) and ``X-Analyses-Updating``
    (``true`` while newer ones are being computed)."""
    seen = g.get("analyses_served")
    if seen is not None:
        response.headers["X-Analyses-Version"] = str(seen.version)
        response.headers["X-Analyses-Updating"] = "true" if seen.updating else "false"
    return response


def clean(x):
    """A JSON-ready scalar: NaN/inf -> None, numpy numbers -> Python."""
    if x is None:
        return None
    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if x is pd.NA or x is pd.NaT:
        return None
    return x


def projection(access: Access) -> nx.Graph:
    """The undirected projection of the snapshot (graphsvc.queries.projection)."""
    return cached(access, "projection", project)


def metrics_table(access: Access) -> pd.DataFrame:
    """:func:`graphsvc.queries.metrics.actor_metrics` of the snapshot (seeded),
    its ``community`` column the snapshot's partition, counting the tie
    kinds the request names (``?layers=``, :attr:`Access.layers`; with
    ``co_participation`` on the layered graph); by default served (see
    :func:`served`): after a write, the previous version's table while the
    current one is computed, without the rows of actors the reader may no
    longer see."""
    if access.layers:
        # the layers the request names: the measures run on the layered
        # graph (GraphService.with_layers); the partition stays the one
        kinds = access.layers
        return cached(access, "actor_metrics", lambda _G: metrics.actor_metrics(
            access.view.layered(kinds), kinds=kinds, seed=SEED,
            partition=partition(access)), SEED, kinds)

    def compute(G):
        return metrics.actor_metrics(G, seed=SEED, partition=partition(access))
    result = served(access, "actor_metrics", compute, SEED)
    table = result.value
    if result.updating:
        keep = access.view.visible_actor_ids(table.index)
        if len(keep) < len(table):
            kept = table[table.index.isin(keep)]
            kept.attrs = dict(table.attrs)
            return kept
    return table


def indicator_values(access: Access) -> list[dict]:
    """:func:`graphsvc.queries.indicators.survey_indicators`, one dict per
    indicator, without words (see :func:`label_indicators`)."""
    if access.layers:
        kinds = access.layers
        table = cached(access, "indicators", lambda _G: indicators.survey_indicators(
            access.view.layered(kinds), kinds=kinds), kinds)
    else:
        table = cached(access, "indicators", indicators.survey_indicators)
    return [{"name": name, "share": name not in ("components", "ei_index_country", "density"),
             "definition_source": r["definition"],
             "value": clean(r["value"]), "numerator": clean(r["numerator"]),
             "denominator": clean(r["denominator"]), "survey": clean(r["survey"])}
            for name, r in table.iterrows()]


def label_indicators(rows: list[dict]) -> list[dict]:
    """Each indicator with its label and definition in the request's language
    (the analysis's own English definition stays as ``definition_source``)."""
    out = []
    for r in rows:
        label, definition = INDICATOR_LABELS.get(r["name"], (r["name"],
                                                             r["definition_source"]))
        out.append({"name": r["name"], "label": str(label), "definition": str(definition),
                    **{k: v for k, v in r.items() if k != "name"}})
    return out


def indicator_rows(access: Access) -> list[dict]:
    """:func:`indicator_values` with :func:`label_indicators`."""
    return label_indicators(indicator_values(access))


def partition(access: Access) -> dict:
    """The snapshot's one community partition
    (:func:`graphsvc.queries.communities.snapshot_partition`, seeded)."""
    return access.view.partition()


def community_summary(access: Access) -> dict:
    part = partition(access)
    H = projection(access)
    modularity = (communities.modularity(H, part)
                  if H.number_of_edges() else None)
    return {"count": len(set(part.values())), "modularity": clean(modularity)}


def _mix(text) -> list[dict]:
    out = []
    for item in (text or "").split("; "):
        if item:
            value, _sp, n = item.rpartition(" ")
            out.append({"value": value, "count": int(n)})
    return out


def community_rows(access: Access) -> list[dict]:
    """The silo view (:func:`graphsvc.queries.communities.community_profile`),
    with each mix as ``[{"value", "count"}]`` and the members' ids."""
    part = partition(access)
    if not part:
        return []
    table = communities.community_profile(projection(access), part)
    members: dict = {}
    for v, c in part.items():
        members.setdefault(c, []).append(v)
    rows = []
    for c, r in table.iterrows():
        rows.append({
            "community": clean(c), "size": clean(r["size"]),
            "internal_ties": clean(r["internal_ties"]),
            "external_ties": clean(r["external_ties"]),
            "countries": _mix(r["countries"]), "kinds": _mix(r["kinds"]),
            "issue_areas": _mix(r["issue_areas"]),
            "top_issue_area": clean(r["top_issue_area"]),
            "top_issue_share": clean(r["top_issue_share"]),
            "cross_border_share": clean(r["cross_border_share"]),
            "members": sorted(members[c], key=str),
        })
    return rows


def communities_served(access: Access) -> dict:
    """The communities page's figures, served (see :func:`served`):
    ``count``, ``modularity``, ``items`` (:func:`community_rows`) and
    ``partition`` (actor id -> community). After a write, the previous
    version's while the current ones are computed, without the actors the
    reader may no longer see."""
    def compute(G):
        return {**community_summary(access), "items": community_rows(access),
                "partition": dict(partition(access))}
    result = served(access, "communities", compute)
    found = result.value
    if not result.updating:
        return found
    keep = access.view.visible_actor_ids(found["partition"])
    return {**found, "partition": {v: c for v, c in found["partition"].items() if v in keep},
            "items": [{**r, "members": [v for v in r["members"] if v in keep]}
                      for r in found["items"]]}


def shown_partition(access: Access) -> dict:
    """The partition the pages show (:func:`communities_served`): the
    current one, or after a write the previous one while it is computed."""
    return communities_served(access)["partition"]


def brokerage_table(access: Access, group_by: str) -> pd.DataFrame:
    """Gould-Fernandez roles of every actor, groups by ``group_by`` (one of
    :data:`GROUP_BY`; ``community`` is the seeded Louvain partition)."""
    def compute(G):
        group = partition(access) if group_by == "community" else group_by
        if G.number_of_nodes() == 0:
            return pd.DataFrame(columns=list(ROLE_LABELS), dtype=int)
        return brokerage.brokerage_roles(projection(access), group)
    return cached(access, "brokerage", compute, group_by)


#: The target sets of the profile's paths: policymakers on both sides, funders.
PROFILE_TARGETS = ("us_policymakers", "mx_policymakers", "funders")


def influence_rows(access: Access, actor_id: str) -> list[dict]:
    """Shortest and most trusted paths from ``actor_id`` to US policymakers,
    to Mexican policymakers and to funders
    (:func:`graphsvc.queries.influence.influence_paths`); served (see
    :func:`served`)."""
    def compute(G):
        H = projection(access)
        if actor_id not in H:
            return []
        return _influence_rows(H, influence.influence_paths(H, actor_id, PROFILE_TARGETS))
    result = served(access, "influence", compute, actor_id)
    if not result.updating:
        return result.value
    # paths through an actor the reader may no longer see are left out
    keep = access.view.visible_actor_ids({s["id"] for r in result.value for s in r["path"]})
    return [r for r in result.value if all(s["id"] in keep for s in r["path"])]


def _influence_rows(H, table) -> list[dict]:
    rows = []
    for r in table.to_dict("records"):
        # (a target set nobody reaches has no path: NaN in the table)
        path = r["path"].split(" > ") if isinstance(r["path"], str) and r["path"] else []
        rows.append({
            "targets": r["targets"], "route": r["route"], "target": clean(r["target"]),
            "target_name": clean(r["target_name"]), "hops": clean(r["hops"]),
            "cost": clean(r["cost"]),
            "path": [{"id": v, "name": H.nodes[v].get("name") or v} for v in path],
            "kinds": r["kinds"].split(" > ") if isinstance(r["kinds"], str) and r["kinds"] else [],
        })
    return rows
