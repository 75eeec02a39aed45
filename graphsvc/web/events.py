"""Events and groups in the web app: the list by date, an event's page (who
took part, the pairs who met for the first time), a group's members over
time, and an actor's events and groups.

Every function reads through the request's view (:mod:`.access`): the
event and group records a reader may see (``GraphView.events``,
``GraphView.groups``: no restricted event, group or membership for a viewer
or the public, no participant the reader may not see) and the reader's
snapshot, all time, for the ties among participants.
"""
from __future__ import annotations

import datetime as dt

import networkx as nx
from flask_babel import gettext as _

from ..errors import NotFound
from ..queries.affiliation import FOLLOW_MONTHS, event_reach, plan_outcome
from ..snapshot import ALL_TIME, event_node, in_force
from .access import Access

__all__ = ["events_list", "event_detail", "event_maps", "group_detail",
           "actor_affiliations"]


def _names(access: Access) -> dict:
    G = access.view.snapshot(as_of=ALL_TIME)
    return dict(G.nodes(data=True))


def _actor_row(actor_id: str, attrs: dict) -> dict:
    return {"id": actor_id, "name": attrs.get("name", actor_id), "kind": attrs.get("kind"),
            "country": attrs.get("country"), "city": attrs.get("city")}


def _dataset(access: Access) -> dict:
    G = access.view.snapshot()
    return {"illustrative": G.graph.get("illustrative") == "true",
            "version": G.graph.get("version"), "as_of": G.graph.get("as_of")}


def _started(event, day: str) -> bool:
    return day == ALL_TIME or event.start.isoformat() <= day


def events_list(access: Access) -> dict:
    """Events that had started by the as-of day, newest first, grouped by
    year; every group with its members in force that day."""
    view = access.view
    day = view.as_of
    events = [e for e in view.events() if _started(e, day)]
    years: dict[int, list] = {}
    for e in sorted(events, key=lambda e: (e.start, e.id), reverse=True):
        years.setdefault(e.start.year, []).append({
            "id": e.id, "title": e.title, "kind": e.kind, "start": e.start.isoformat(),
            "end": e.end.isoformat() if e.end else None, "city": e.city,
            "country": e.country, "participants": len(e.participants),
            "visibility": e.visibility})
    groups = [{"id": g.id, "title": g.title, "kind": g.kind,
               "members": sum(1 for m in g.members if _member_in_force(m, day)),
               "visibility": g.visibility} for g in view.groups()]
    return {"dataset": _dataset(access),
            "years": [{"year": y, "events": rows} for y, rows in years.items()],
            "groups": groups}


def _member_in_force(m, day: str) -> bool:
    return day == ALL_TIME or in_force({"since": m.since, "until": m.until}, day)


def event_detail(access: Access, event_id: str) -> dict:
    """One event: its fields, participants with roles, the ties among them
    before and after it, and the pairs who met for the first time there.

    A tie between two participants counts *before* the event when it began
    before the first day (or carries no date), *after* when it began on or
    after it. The pairs who met for the first time are those of
    :func:`graphsvc.queries.affiliation.event_reach` (no tie before and no
    earlier event together), each with whether it crosses the border or a
    silo and the ties that followed. Read from the reader's graph over all
    time, so a restricted tie or event never counts for a viewer.
    """
    view = access.view
    try:
        e = view.get_event(event_id)
    except NotFound:
        raise NotFound(_("No event with id '%(id)s'.", id=event_id),
                       details={"id": event_id}) from None
    nodes = _names(access)
    participants = [{**_actor_row(p.actor, nodes.get(p.actor, {})), "role": p.role}
                    for p in e.participants if p.actor in nodes]
    order = {"organiser": 0, "speaker": 1, "participant": 2}
    participants.sort(key=lambda r: (order.get(r["role"], 3), r["name"].casefold()))
    ids = {p["id"] for p in participants}
    G = view.snapshot(as_of=ALL_TIME)
    start = e.start.isoformat()
    before: set[tuple[str, str]] = set()
    after: dict[tuple[str, str], list[dict]] = {}
    for u, v, d in G.subgraph(ids).edges(data=True):
        pair = (min(u, v), max(u, v))
        since = d.get("since")
        since = since.isoformat() if isinstance(since, dt.date) else since
        if since is None or since < start:
            before.add(pair)
        else:
            after.setdefault(pair, []).append({"kind": d.get("kind"),
                                               "subtype": d.get("subtype"),
                                               "since": since})
    key = event_node(e.id)
    reach: dict = next((r for r in event_reach(view.two_mode(as_of=ALL_TIME), G, pairs=True)
                  if r["event"] == key), {"new": []})
    first = []
    for u, v, cross_border, cross_silo in reach["new"]:
        a, b = min(u, v), max(u, v)
        first.append({"a": _actor_row(a, nodes[a]), "b": _actor_row(b, nodes[b]),
                      "cross_border": cross_border, "cross_silo": cross_silo,
                      "ties": sorted(after.get((a, b), []),
                                     key=lambda t: (t["since"], t["kind"]))})
    first.sort(key=lambda p: (not p["ties"], p["a"]["id"], p["b"]["id"]))
    n = len(participants)
    record = e.to_record()  # a viewer's has no note (graphsvc.snapshot.reader_records)
    record.pop("participants")
    record.pop("plan")
    return {"dataset": _dataset(access), "event": record, "participants": participants,
            "plan": _plan_vs_attended(e, G, nodes, ids),
            "pairs": n * (n - 1) // 2, "tied_before": len(before),
            "tied_after": len(before | set(after)), "first_time": first,
            "first_cross_border": sum(p["cross_border"] for p in first),
            "first_cross_silo": sum(p["cross_silo"] for p in first),
            "first_followed": sum(1 for p in first if p["ties"])}


def _started_before(d: dict, start: str) -> bool:
    """The event page's rule for a tie between participants: *before* the
    event when it began before the first day or carries no date."""
    since = d.get("since")
    since = since.isoformat() if isinstance(since, dt.date) else since
    return since is None or since < start


def event_maps(access: Access, event_id: str) -> dict:
    """The event's participants and the ties among them, twice, at the same
    positions: ``before`` (the ties that began before the first day, or
    undated) and ``after`` (those and the ties that began since), as the
    counts of :func:`event_detail` count them; each shaped like a map of
    :func:`graphsvc.web.data.map_data`. Read from the reader's graph over
    all time: a hidden participant or restricted tie is not drawn for a
    viewer."""
    from ..viz.layout import layout
    from .data import subgraph_map
    from .state import get_service

    view = access.view
    try:
        e = view.get_event(event_id)
    except NotFound:
        raise NotFound(_("No event with id '%(id)s'.", id=event_id),
                       details={"id": event_id}) from None
    G = view.snapshot(as_of=ALL_TIME)
    ids = {p.actor for p in e.participants if p.actor in G}
    after = G.subgraph(ids)
    start = e.start.isoformat()
    before = nx.subgraph_view(after, filter_edge=lambda u, v, k: _started_before(
        after.edges[u, v, k], start))
    positions = view.cached("event_layout", lambda _G: layout(after),
                            (event_id, tuple(sorted(ids)), after.number_of_edges()),
                            as_of=ALL_TIME)
    service = get_service()
    return {"event": {"id": e.id, "title": e.title, "start": start},
            "before": subgraph_map(service, G, before, positions),
            "after": subgraph_map(service, G, after, positions)}


def _plan_vs_attended(e, G, nodes: dict, came: set[str]) -> dict | None:
    """The invitation list kept with the event (``graphsvc convening plan
    --for-event``) against who came: invited and came, invited and absent,
    came uninvited; how many of the pairs it expected to meet were both
    there; and how many of those had a tie that began on or after the first
    day and was in force 6 and 12 months later
    (:func:`graphsvc.queries.affiliation.plan_outcome`). ``None`` when no
    list was kept. The list is the reader's (``reader_records``: a restricted
    invitee is not in it for a viewer), the ties those of the reader's graph."""
    if e.plan is None:
        return None
    out = plan_outcome(G, e.plan.invited, e.plan.pairs, came, e.start.isoformat(),
                       months=FOLLOW_MONTHS)

    def rows(ids):
        return sorted((_actor_row(x, nodes.get(x, {})) for x in ids),
                      key=lambda r: r["name"].casefold())

    return {"planned_on": e.plan.planned_on.isoformat(), "invited": len(e.plan.invited),
            "attendance_recorded": bool(came),
            "invited_came": rows(out["invited_came"]),
            "invited_absent": rows(out["invited_absent"]),
            "came_uninvited": rows(out["came_uninvited"]),
            "expected_pairs": out["expected"], "expected_met": len(out["met"]),
            "followed": out["followed"]}


def group_detail(access: Access, group_id: str) -> dict:
    """One group: its fields and members over time (each membership with
    role and dates, whether in force on the as-of day; members in force at
    the end of each year from the first ``since``)."""
    view = access.view
    try:
        g = view.get_group(group_id)
    except NotFound:
        raise NotFound(_("No group with id '%(id)s'.", id=group_id),
                       details={"id": group_id}) from None
    nodes = _names(access)
    day = view.as_of
    members = [{**_actor_row(m.actor, nodes.get(m.actor, {})), "role": m.role,
                "since": m.since.isoformat() if m.since else None,
                "until": m.until.isoformat() if m.until else None,
                "in_force": _member_in_force(m, day)}
               for m in g.members if m.actor in nodes]
    members.sort(key=lambda r: (not r["in_force"], r["since"] or "", r["name"].casefold()))
    years = sorted({int(d[:4]) for r in members for d in (r["since"], r["until"]) if d})
    over_time = []
    if years:
        last = max(years[-1], dt.date.today().year if day == ALL_TIME else int(day[:4]))
        for y in range(years[0], last + 1):
            end = f"{y}-12-31"
            over_time.append({"year": y, "members": sum(
                1 for r in members if in_force({"since": r["since"], "until": r["until"]},
                                               end))})
    record = g.to_record()
    record.pop("members")
    return {"dataset": _dataset(access), "group": record, "members": members,
            "over_time": over_time}


def actor_affiliations(access: Access, actor_id: str) -> dict:
    """The events an actor took part in (with its role) and the groups it
    belongs or belonged to, as the reader may see them."""
    B = access.view.two_mode(as_of=ALL_TIME)
    events, groups = [], []
    if actor_id in B:
        for node in B[actor_id]:
            d, edge = B.nodes[node], B.edges[actor_id, node]
            if d.get("type") == "event":
                events.append({"id": d["id"], "title": d["title"], "kind": d["kind"],
                               "start": d["start"], "city": d.get("city"),
                               "role": edge.get("role")})
            elif d.get("type") == "group":
                groups.append({"id": d["id"], "title": d["title"], "kind": d["kind"],
                               "role": edge.get("role"), "since": edge.get("since"),
                               "until": edge.get("until")})
    events.sort(key=lambda r: (r["start"], r["id"]), reverse=True)
    groups.sort(key=lambda r: r["title"].casefold())
    return {"events": events, "groups": groups}
