"""Cross-border indicators: the survey's figures, computed from the graph.

Each function returns an :class:`Indicator` with its value, numerator,
denominator and a one-sentence definition, so a reader can check what was
counted. The survey figures they correspond to (March 2021 online survey of
Mexican civil-society organizations) are in :data:`SURVEY_FIGURES`.

Who counts as what
------------------
- *Mexican civil society*: actors with ``country == "MX"`` and ``kind`` in
  :data:`graphsvc.model.CIVIL_SOCIETY_KINDS` (cso, shelter, faith_based,
  migrant_led).
- *US organization doing similar work*: ``country == "US"`` and ``kind`` in
  :data:`US_ORGANIZATION_KINDS` (civil-society kinds plus networks).
- *US policymaker*: ``country == "US"`` and
  :func:`graphsvc.model.is_policymaker` (government, official, or the
  policymaker role); *Mexican policymaker* likewise with ``country == "MX"``
  (:func:`graphsvc.model.policymaker_target`, which also narrows either to
  one recorded ``level``: federal, state, municipal or legislative).
- *UNHCR* and *IOM*: see :func:`find_organization`; any actor whose id is
  ``unhcr``/``acnur`` (``iom``/``oim``), or starts with it followed by
  ``-``, ``_``, ``.`` or ``:`` (country offices such as ``unhcr-mx``), or
  whose name contains the acronym as a word (UNHCR, ACNUR; IOM, OIM) or the
  full English or Spanish name. Pass ``unhcr=[ids]`` / ``iom=[ids]`` to say
  exactly which actors count.
- *tied*: at least one tie of the counted kinds (default all: formal,
  informal, funding), in either direction. A tie joins its own two ends
  only: a grant UNHCR -> CSO whose money came from PRM (``channel``) ties
  the CSO to UNHCR, not to PRM (see :mod:`graphsvc.queries.projection`).
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass

import networkx as nx
import pandas as pd

from ..model import CIVIL_SOCIETY_KINDS, policymaker_target
from .projection import project

__all__ = [
    "Indicator",
    "SURVEY_FIGURES",
    "US_ORGANIZATION_KINDS",
    "UNHCR",
    "IOM",
    "find_organization",
    "mexican_civil_society",
    "share_tied_to_unhcr",
    "share_tied_to_iom",
    "share_tied_to_us_organizations",
    "share_tied_to_us_policymakers",
    "share_tied_to_mx_policymakers",
    "formal_share_among_us_cooperators",
    "informal_share_among_us_cooperators",
    "density",
    "component_count",
    "largest_component_share",
    "ei_index",
    "ei_index_by_group",
    "survey_indicators",
]

#: Actor kinds counted as "US organizations doing similar work".
US_ORGANIZATION_KINDS = frozenset(CIVIL_SOCIETY_KINDS | {"network"})

#: How UNHCR and IOM are recognised: ids (also as prefixes), acronyms, full names.
UNHCR = {"ids": ("unhcr", "acnur"), "acronyms": ("UNHCR", "ACNUR"),
         "names": ("united nations high commissioner for refugees",
                   "alto comisionado de las naciones unidas para los refugiados")}
IOM = {"ids": ("iom", "oim"), "acronyms": ("IOM", "OIM"),
       "names": ("international organization for migration",
                 "organizacion internacional para las migraciones")}

#: The survey's figures (share of respondents), by indicator name.
SURVEY_FIGURES: dict[str, float] = {
    "tied_to_unhcr": 1.00,
    "tied_to_iom": 0.80,
    "tied_to_us_organizations": 0.70,
    "tied_to_us_policymakers": 0.20,
    "formal_among_us_cooperators": 0.45,
    "informal_among_us_cooperators": 0.60,
}


@dataclass(frozen=True)
class Indicator:
    """One figure computed from the graph, with what it counted."""

    name: str
    value: float | None  # numerator / denominator; None when the denominator is 0
    numerator: float
    denominator: float
    definition: str

    def as_dict(self) -> dict:
        return asdict(self)


def _ratio(name, num, den, definition) -> Indicator:
    return Indicator(name, (num / den) if den else None, num, den, definition)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def find_organization(G: nx.Graph, spec: dict | Iterable[Hashable]) -> set:
    """Actors that are one organization (e.g. :data:`UNHCR`), matched robustly.

    Parameters
    ----------
    G : graph
        The snapshot or a projection (node attribute ``name``).
    spec : dict or iterable of ids
        A dict with ``ids``, ``acronyms`` and ``names`` (see :data:`UNHCR`),
        or an explicit collection of actor ids (only those present count).

    Returns
    -------
    set
        Matching actor ids.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("unhcr-mx", name="ACNUR México")
    >>> G.add_node("x1", name="Oficina del Alto Comisionado de las Naciones Unidas "
    ...                       "para los Refugiados")
    >>> G.add_node("x2", name="Biomass Institute")  # 'iom' inside a word: no match
    >>> sorted(find_organization(G, UNHCR)), sorted(find_organization(G, IOM))
    (['unhcr-mx', 'x1'], [])
    """
    if not isinstance(spec, dict):
        wanted = set(spec)
        return {v for v in G if v in wanted}
    ids = tuple(i.lower() for i in spec.get("ids", ()))
    acr = [re.compile(rf"(?<![A-Za-z0-9]){re.escape(a)}(?![A-Za-z0-9])")
           for a in spec.get("acronyms", ())]
    names = tuple(_fold(n) for n in spec.get("names", ()))
    out = set()
    for v, a in G.nodes(data=True):
        vid = str(v).lower()
        if any(vid == i or (vid.startswith(i) and vid[len(i)] in "-_.:") for i in ids):
            out.add(v)
            continue
        name = a.get("name") or ""
        if any(p.search(name) for p in acr) or any(n in _fold(name) for n in names):
            out.add(v)
    return out


def mexican_civil_society(G: nx.Graph) -> list:
    """Ids of Mexican civil-society actors (country MX, a civil-society kind).

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("a", kind="shelter", country="MX")
    >>> G.add_node("b", kind="government", country="MX")
    >>> mexican_civil_society(G)
    ['a']
    """
    return [v for v, a in G.nodes(data=True)
            if a.get("country") == "MX" and a.get("kind") in CIVIL_SOCIETY_KINDS]


def _neighbours_by_kind(G: nx.MultiDiGraph, of: set, kinds) -> dict:
    """actor -> {neighbour -> set of tie kinds}, for actors in ``of``; both directions."""
    wanted = set(kinds or ("formal", "informal", "funding"))
    out: dict = defaultdict(lambda: defaultdict(set))
    for u, v, a in G.edges(data=True):
        k = a.get("kind")
        if k not in wanted or u == v:
            continue
        if u in of:
            out[u][v].add(k)
        if v in of:
            out[v][u].add(k)
    return out


def _population(G, among) -> list:
    """The Mexican civil-society actors counted: all, or those in ``among``
    (the respondents of a survey)."""
    mx = mexican_civil_society(G)
    if among is None:
        return mx
    wanted = set(among)
    return [v for v in mx if v in wanted]


def _share_tied_to(G, name, targets: Callable[[Hashable, dict], bool], what: str,
                   kinds, among=None) -> Indicator:
    mx = _population(G, among)
    nb = _neighbours_by_kind(G, set(mx), kinds)
    num = sum(1 for v in mx if any(targets(w, G.nodes[w]) for w in nb.get(v, {})))
    kinds_txt = ", ".join(kinds) if kinds else "any kind"
    return _ratio(name, num, len(mx),
                  f"Share of Mexican civil-society actors (country MX, kind in "
                  f"{', '.join(sorted(CIVIL_SOCIETY_KINDS))}) with at least one tie "
                  f"({kinds_txt}, either direction) to {what}.")


def share_tied_to_unhcr(G: nx.MultiDiGraph, unhcr=None, kinds=None,
                        among=None) -> Indicator:
    """Share of Mexican civil-society actors tied to UNHCR (survey: 100%).

    Parameters
    ----------
    G : nx.MultiDiGraph
        The tie snapshot.
    unhcr : iterable of ids or dict, optional
        Which actors are UNHCR; default :data:`UNHCR` matching rules.
    kinds : iterable of str, optional
        Tie kinds that count; default all.
    among : iterable of ids, optional
        Count only these actors (a survey's respondents); default every
        Mexican civil-society actor. Every share function takes it.

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("unhcr", name="UNHCR", kind="international_org", country="INT")
    >>> S.add_node("a", kind="cso", country="MX"); S.add_node("b", kind="cso", country="MX")
    >>> _ = S.add_edge("unhcr", "a", kind="funding")
    >>> r = share_tied_to_unhcr(S)
    >>> r.value, r.numerator, r.denominator
    (0.5, 1, 2)
    """
    ids = find_organization(G, UNHCR if unhcr is None else unhcr)
    return _share_tied_to(G, "tied_to_unhcr", lambda v, a: v in ids,
                          f"UNHCR ({', '.join(sorted(map(str, ids))) or 'not found'})", kinds,
                          among)


def share_tied_to_iom(G: nx.MultiDiGraph, iom=None, kinds=None, among=None) -> Indicator:
    """Share of Mexican civil-society actors tied to IOM (survey: 80%).

    Parameters as :func:`share_tied_to_unhcr`, with ``iom`` defaulting to
    the :data:`IOM` matching rules.

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("oim-mx", name="OIM México", kind="international_org", country="MX")
    >>> S.add_node("a", kind="cso", country="MX")
    >>> _ = S.add_edge("a", "oim-mx", kind="informal")
    >>> share_tied_to_iom(S).value
    1.0
    """
    ids = find_organization(G, IOM if iom is None else iom)
    return _share_tied_to(G, "tied_to_iom", lambda v, a: v in ids,
                          f"IOM ({', '.join(sorted(map(str, ids))) or 'not found'})", kinds,
                          among)


def _is_us_org(us_kinds):
    return lambda v, a: a.get("country") == "US" and a.get("kind") in us_kinds


def share_tied_to_us_organizations(G: nx.MultiDiGraph, us_kinds=US_ORGANIZATION_KINDS,
                                   kinds=None, among=None) -> Indicator:
    """Share of Mexican civil-society actors tied to >= 1 US organization (survey: ~70%).

    A US organization is an actor with country US and kind in ``us_kinds``
    (default :data:`US_ORGANIZATION_KINDS`).

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("us", kind="cso", country="US"); S.add_node("a", kind="cso", country="MX")
    >>> _ = S.add_edge("a", "us", kind="informal")
    >>> share_tied_to_us_organizations(S).value
    1.0
    """
    return _share_tied_to(G, "tied_to_us_organizations", _is_us_org(us_kinds),
                          f"at least one US organization (country US, kind in "
                          f"{', '.join(sorted(us_kinds))})", kinds, among)


def share_tied_to_us_policymakers(G: nx.MultiDiGraph, kinds=None,
                                  level: str | None = None, among=None) -> Indicator:
    """Share of Mexican civil-society actors tied to US policymakers (survey: ~20%).

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("dhs", kind="government", country="US")
    >>> S.add_node("a", kind="cso", country="MX")
    >>> S.add_node("b", kind="cso", country="MX")
    >>> _ = S.add_edge("a", "dhs", kind="formal")
    >>> share_tied_to_us_policymakers(S).value
    0.5
    """
    return _policymakers(G, "US", level, kinds, among)


def _policymakers(G, side, level, kinds, among=None) -> Indicator:
    target = policymaker_target(side, level)
    at = f" at the {level} level" if level else ""
    return _share_tied_to(G, f"tied_to_{side.lower()}_policymakers",
                          lambda v, a: target(a),
                          f"a {side} policymaker{at} (country {side}; government, "
                          f"official or the policymaker role)", kinds, among)


def share_tied_to_mx_policymakers(G: nx.MultiDiGraph, kinds=None,
                                  level: str | None = None, among=None) -> Indicator:
    """Share of Mexican civil-society actors tied to Mexican policymakers.

    Beside :func:`share_tied_to_us_policymakers` (the survey did not ask;
    the Monterrey workshop asked to identify policymakers on both sides).
    ``level`` counts only policymakers with that level recorded.

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("ayto", kind="government", country="MX", level="municipal")
    >>> S.add_node("segob", kind="government", country="MX", level="federal")
    >>> for v in "abc": S.add_node(v, kind="cso", country="MX")
    >>> _ = S.add_edge("a", "ayto", kind="formal"); _ = S.add_edge("b", "segob", kind="informal")
    >>> share_tied_to_mx_policymakers(S).numerator
    2
    >>> share_tied_to_mx_policymakers(S, level="municipal").numerator
    1
    """
    return _policymakers(G, "MX", level, kinds, among)


def _among_us_cooperators(G, name, counted: set, label: str, us_kinds,
                          among=None) -> Indicator:
    mx = _population(G, among)
    nb = _neighbours_by_kind(G, set(mx), None)
    is_us = _is_us_org(us_kinds)
    coop = [v for v in mx if any(is_us(w, G.nodes[w]) for w in nb.get(v, {}))]
    num = sum(1 for v in coop
              if any(is_us(w, G.nodes[w]) and ks & counted for w, ks in nb[v].items()))
    return _ratio(name, num, len(coop),
                  f"Of the Mexican civil-society actors tied (any kind) to at least one US "
                  f"organization (country US, kind in {', '.join(sorted(us_kinds))}), the "
                  f"share with at least one {label} tie to a US organization. The formal "
                  f"and informal shares may add up to more than 100%.")


def formal_share_among_us_cooperators(G: nx.MultiDiGraph,
                                      us_kinds=US_ORGANIZATION_KINDS,
                                      among=None) -> Indicator:
    """Of those cooperating with US organizations, the share with a formal tie (survey: 45%).

    Formal here means a formal tie (project agreement, MoU, ...) or funding,
    as in the survey's "project agreement or funding".

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("us", kind="cso", country="US")
    >>> for v in "abc": S.add_node(v, kind="cso", country="MX")
    >>> _ = S.add_edge("a", "us", kind="formal"); _ = S.add_edge("us", "b", kind="funding")
    >>> _ = S.add_edge("c", "us", kind="informal")
    >>> r = formal_share_among_us_cooperators(S)
    >>> r.numerator, r.denominator
    (2, 3)
    """
    return _among_us_cooperators(G, "formal_among_us_cooperators", {"formal", "funding"},
                                 "formal or funding", us_kinds, among)


def informal_share_among_us_cooperators(G: nx.MultiDiGraph,
                                        us_kinds=US_ORGANIZATION_KINDS,
                                        among=None) -> Indicator:
    """Of those cooperating with US organizations, the share with an informal tie (survey: 60%).

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("us", kind="cso", country="US")
    >>> for v in "ab": S.add_node(v, kind="cso", country="MX")
    >>> _ = S.add_edge("a", "us", kind="formal"); _ = S.add_edge("b", "us", kind="informal")
    >>> informal_share_among_us_cooperators(S).value
    0.5
    """
    return _among_us_cooperators(G, "informal_among_us_cooperators", {"informal"},
                                 "informal", us_kinds, among)


def _simple(G, kinds):
    return project(G, kinds=kinds) if G.is_multigraph() else nx.Graph(G)


def density(G: nx.Graph, kinds=None) -> Indicator:
    """Density: tied pairs over possible pairs, ties of any counted kind, undirected.

    Examples
    --------
    >>> density(nx.path_graph(4)).value
    0.5
    """
    H = _simple(G, kinds)
    n, m = H.number_of_nodes(), H.number_of_edges()
    return _ratio("density", m, n * (n - 1) / 2,
                  "Pairs of actors joined by at least one tie (direction ignored) over "
                  "all pairs, n(n-1)/2.")


def component_count(G: nx.Graph, kinds=None) -> Indicator:
    """Number of connected components (direction ignored; an isolate is one).

    Examples
    --------
    >>> component_count(nx.Graph([(1, 2), (3, 4)])).value
    2.0
    """
    H = _simple(G, kinds)
    c = nx.number_connected_components(H)
    return _ratio("components", c, 1,
                  "Number of connected components, ties of any counted kind, direction "
                  "ignored; each untied actor is a component of its own.")


def largest_component_share(G: nx.Graph, kinds=None) -> Indicator:
    """Share of actors in the largest connected component.

    Examples
    --------
    >>> largest_component_share(nx.Graph([(1, 2), (2, 3), (4, 5)])).value
    0.6
    """
    H = _simple(G, kinds)
    big = max((len(c) for c in nx.connected_components(H)), default=0)
    return _ratio("largest_component_share", big, H.number_of_nodes(),
                  "Actors in the largest connected component over all actors.")


def ei_index(G: nx.Graph, attribute: str = "country", kinds=None) -> Indicator:
    """Krackhardt and Stern's E-I index: (external - internal) / all ties.

    A tie is external when its two actors differ on ``attribute`` (country by
    default): -1 means every tie stays within a country, +1 every tie crosses
    a border. Ties are pairs joined by any counted tie, direction ignored;
    ties touching an actor with no value are left out.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": "MX", "b": "MX", "c": "US", "d": "US"}, "country")
    >>> r = ei_index(G)
    >>> round(r.value, 4), r.numerator, r.denominator
    (-0.3333, -1, 3)

    References
    ----------
    .. [1] Krackhardt, D. and Stern, R. N. "Informal networks and
       organizational crises: an experimental simulation." Social Psychology
       Quarterly 51(2):123-140, 1988.
    """
    H = _simple(G, kinds)
    e = i = 0
    for u, v in H.edges():
        gu, gv = H.nodes[u].get(attribute), H.nodes[v].get(attribute)
        if gu is None or gv is None:
            continue
        if gu == gv:
            i += 1
        else:
            e += 1
    return _ratio(f"ei_index_{attribute}", e - i, e + i,
                  f"(E - I) / (E + I), where E counts tied pairs whose actors differ in "
                  f"{attribute} and I pairs that share it; from -1 (all within) to +1 "
                  f"(all across).")


def ei_index_by_group(G: nx.Graph, attribute: str = "country", kinds=None) -> pd.DataFrame:
    """E-I index of each group: its members' ties to outside vs inside.

    Returns
    -------
    pandas.DataFrame
        Index: group value; columns ``actors``, ``external``, ``internal``,
        ``ei_index`` (None for a group without ties).

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": "MX", "b": "MX", "c": "US"}, "country")
    >>> ei_index_by_group(G)["ei_index"].to_dict()
    {'MX': 0.0, 'US': 1.0}
    """
    H = _simple(G, kinds)
    actors: defaultdict[str, int] = defaultdict(int)
    ext: defaultdict[str, int] = defaultdict(int)
    inn: defaultdict[str, int] = defaultdict(int)
    for _, a in H.nodes(data=True):
        if a.get(attribute) is not None:
            actors[a[attribute]] += 1
    for u, v in H.edges():
        gu, gv = H.nodes[u].get(attribute), H.nodes[v].get(attribute)
        if gu is None or gv is None:
            continue
        if gu == gv:
            inn[gu] += 1
        else:
            ext[gu] += 1
            ext[gv] += 1
    rows = [{attribute: g, "actors": actors[g], "external": ext[g], "internal": inn[g],
             "ei_index": (ext[g] - inn[g]) / (ext[g] + inn[g]) if ext[g] + inn[g] else None}
            for g in sorted(actors, key=str)]
    return pd.DataFrame(rows).set_index(attribute)


def survey_indicators(G: nx.MultiDiGraph, unhcr=None, iom=None,
                      us_kinds=US_ORGANIZATION_KINDS, among=None,
                      kinds=None) -> pd.DataFrame:
    """Every indicator, with the survey's figure beside it where there is one.

    ``among`` counts only those actors in the shares of Mexican civil
    society (a survey's respondents, over the network of their answers).

    ``kinds`` are the tie kinds (layers) that count for the shares tied to
    someone, the density, the components and the E-I index (default the
    recorded kinds; name ``co_participation`` to count that layer, on a
    graph that holds it); the formal and informal shares among US
    cooperators are about those kinds whatever ``kinds`` says.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (index ``name``): ``value``, ``numerator``,
        ``denominator``, ``survey`` (the survey's share, or missing),
        ``definition``.

    Examples
    --------
    >>> S = nx.MultiDiGraph()
    >>> S.add_node("a", kind="cso", country="MX")
    >>> t = survey_indicators(S)
    >>> t.loc["tied_to_unhcr", ["numerator", "denominator"]].tolist()
    [0.0, 1.0]
    """
    rows = [
        share_tied_to_unhcr(G, unhcr, among=among, kinds=kinds),
        share_tied_to_iom(G, iom, among=among, kinds=kinds),
        share_tied_to_us_organizations(G, us_kinds, among=among, kinds=kinds),
        share_tied_to_us_policymakers(G, among=among, kinds=kinds),
        share_tied_to_mx_policymakers(G, among=among, kinds=kinds),
        formal_share_among_us_cooperators(G, us_kinds, among=among),
        informal_share_among_us_cooperators(G, us_kinds, among=among),
        density(G, kinds=kinds),
        component_count(G, kinds=kinds),
        largest_component_share(G, kinds=kinds),
        ei_index(G, "country", kinds=kinds),
    ]
    df = pd.DataFrame([r.as_dict() for r in rows]).set_index("name")
    df.insert(3, "survey", [SURVEY_FIGURES.get(n) for n in df.index])
    return df
