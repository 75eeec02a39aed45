"""The review queue: each submitted answer as proposed ties and actors.

Every organisation a respondent named is one *proposal*: a tie between the
respondent's actor and the organisation named, and, when the organisation is
not in the graph, a new actor, with the existing actors the duplicate check
(:class:`graphsvc.duplicates.DuplicateIndex`) finds alike. An editor accepts
(as proposed, or edited), or rejects, each one or many at once. An accepted
proposal is written through the graph's editing path (the request's
:class:`~graphsvc.access.GraphView`: the ``edit`` permission, the history
and the audit log), restricted, with provenance ``survey``, ``source_ref``
``survey:<id>`` and evidence naming the survey, the respondent and the day
the answer was submitted; the roster's "since" (a year) becomes the tie's
``since`` (1 January of that year). The decision itself is kept with the
survey and audited.

Reciprocity: for "A named B", whether B, when it answered, named A too.
"""
from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from ..access import GraphView
from ..duplicates import DuplicateIndex
from ..errors import NotFound, Problem, ValidationFailed
from ..ingest.validate import slug
from ..model import STRENGTHS, Actor, Evidence, RosterEntry, Tie, validation_problems
from .store import Invitation, SurveyRecord, Surveys

__all__ = ["proposals", "accept", "reject", "accept_all", "tie_for", "RECIPROCITY"]

#: What reciprocity a proposal "A named B" shows.
RECIPROCITY = ("yes", "no", "not_answered", "not_invited")


def _named(view: GraphView, entry: RosterEntry) -> Actor | None:
    """The actor an entry picked, when it is (still) in the graph."""
    if not entry.actor:
        return None
    try:
        return view.get_actor(view.resolve(entry.actor))
    except NotFound:
        return None


def proposals(surveys: Surveys, sid: int, view: GraphView) -> list[dict]:
    """Every proposal of the survey's submitted answers, by respondent, each
    with its status (pending, accepted, rejected), likely duplicates for an
    organisation not in the graph, and reciprocity."""
    record = surveys.get(sid)
    invs = surveys.invitations(sid)
    decisions = surveys.decisions(sid)
    submitted = [i for i in invs if i.state == "submitted"]
    invited = {i.actor_id for i in invs}
    named_by: dict[str, set[str]] = {}
    for inv in submitted:
        assert inv.answers is not None
        named_by[inv.actor_id] = {e.actor for e in inv.answers.roster if e.actor}
    index: DuplicateIndex | None = None
    out = []
    for inv in submitted:
        assert inv.answers is not None
        for entry in inv.answers.roster:
            actor = _named(view, entry)
            matches: list[dict] = []
            if actor is None:
                if index is None:
                    index = DuplicateIndex(view.find_actors())
                matches = [{"id": a.id, "name": a.name, "reason": reason}
                           for a, reason in index.matches(entry.name or entry.actor)]
            other = actor.id if actor else None
            if other is None:
                recip = None
            elif other in named_by:
                recip = "yes" if inv.actor_id in named_by[other] else "no"
            else:
                recip = "not_answered" if other in invited else "not_invited"
            decision = decisions.get((inv.id, entry.key))
            out.append({
                "invitation": inv.id, "key": entry.key,
                "respondent": {"id": inv.actor_id, "name": inv.name},
                "submitted_at": inv.submitted_at, "entry": entry.to_record(),
                "named": {"id": other, "name": actor.name if actor else (
                    entry.name or entry.actor), "in_graph": actor is not None,
                    "country": actor.country if actor else entry.country},
                "matches": matches, "reciprocity": recip,
                "status": decision["status"] if decision else "pending",
                "decision": decision, "survey": record.id})
    return out


def _find(surveys: Surveys, sid: int, invitation_id, key: str
          ) -> tuple[SurveyRecord, Invitation, RosterEntry]:
    record = surveys.get(sid)
    inv = surveys.invitation(invitation_id)
    if inv.survey_id != record.id or inv.state != "submitted" or inv.answers is None:
        raise NotFound(f"no submitted answer {invitation_id} in survey {sid}",
                       hint="See the review queue for what can be decided.")
    entry = next((e for e in inv.answers.roster if e.key == key), None)
    if entry is None:
        raise NotFound(f"no proposal '{key}' in answer {invitation_id}",
                       hint="The respondent may have changed the answer: reload the queue.")
    return record, inv, entry


def _failed(problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed(problems, message="nothing was accepted.",
                            hint="Correct the fields named and accept again.")


def tie_for(record: SurveyRecord, inv: Invitation, entry: RosterEntry, other: str,
            changes: dict | None = None) -> Tie:
    """The tie a proposal becomes: between the respondent's actor and
    ``other``, as answered, with ``changes`` (``kind``, ``since`` as a year,
    ``strength`` as weak/medium/strong) made by the editor."""
    changes = {k: v for k, v in (changes or {}).items() if v not in (None, "")}
    try:
        entry = RosterEntry(**{**entry.to_record(), **changes})
    except ValidationError as exc:
        raise _failed(validation_problems(exc)) from None
    source, target = inv.actor_id, other
    if entry.kind == "funding" and entry.direction != "gave":
        source, target = other, inv.actor_id  # the respondent received it
    day = dt.date.fromisoformat(inv.submitted_at[:10]) if inv.submitted_at else None
    title = record.spec.title.get("en") or next(iter(record.spec.title.values()))
    note = "; ".join(f"{k}: {v}" for k, v in (("frequency", entry.frequency),
                                               ("strength", entry.strength)) if v)
    try:
        return Tie(source=source, target=target, kind=entry.kind,
                   since=dt.date(entry.since, 1, 1) if entry.since else None,
                   strength=STRENGTHS[entry.strength] if entry.strength else None,
                   provenance="survey", source_ref=f"survey:{record.id}",
                   visibility="restricted",
                   evidence=[Evidence(title=f"Survey {record.id} ({title[:200]}): answer of "
                                      f"{inv.name[:60]}", date=day, note=note or None)])
    except ValidationError as exc:
        raise _failed(validation_problems(exc)) from None


def _reason(record: SurveyRecord, inv: Invitation) -> str:
    return (f"survey {record.id}: answer of {inv.name} ({inv.actor_id}), submitted "
            f"{(inv.submitted_at or '')[:10]}")


def _free_id(view: GraphView, name: str) -> str:
    base = (slug(name) or "actor")[:120]
    taken = view.edits.known_actor_ids([base] + [f"{base}_{n}" for n in range(2, 50)])
    if base not in taken:
        return base
    return next(f"{base}_{n}" for n in range(2, 1000) if f"{base}_{n}" not in taken)


def accept(surveys: Surveys, view: GraphView, sid: int, invitation_id, key: str,
           choice: dict | None = None, path: str = "form") -> dict:
    """Accept one proposal (``choice`` edits it): write its tie, and for an
    organisation not in the graph either tie it to an existing actor
    (``choice["match"]``: an id) or create the actor (``choice["kind"]`` and
    ``choice["country"]``, default the answer's country). Returns what was
    written: ``{"tie", "actor_created", "changes"}``.

    The whole proposal is checked before anything is written; a tie the
    graph already has gets the survey's evidence added instead.
    """
    view.require("edit")
    choice = dict(choice or {})
    record, inv, entry = _find(surveys, sid, invitation_id, key)
    view.get_actor(inv.actor_id)  # the respondent's actor must still be there
    actor = _named(view, entry)
    new_actor = None
    if actor is None and choice.get("match"):
        actor = view.get_actor(str(choice["match"]))
    if actor is None:
        name = entry.name or entry.actor or ""
        try:
            new_actor = Actor(id=_free_id(view, name), name=name,
                              kind=choice.get("new_kind") or "cso",
                              country=choice.get("new_country") or entry.country or "",
                              provenance="survey", source_ref=f"survey:{record.id}",
                              visibility="restricted")
        except ValidationError as exc:
            raise _failed([p if p.field not in ("kind", "country") else
                           Problem(p.message, field=f"new_{p.field}", value=p.value)
                           for p in validation_problems(exc)]) from None
    other = new_actor.id if new_actor else actor.id  # type: ignore[union-attr]
    tie = tie_for(record, inv, entry, other, {k: choice.get(k) for k in
                                               ("kind", "since", "strength", "direction")})
    reason = _reason(record, inv)
    changes = []
    if new_actor is not None:
        change = view.edit(f"actor:{new_actor.id}",
                           lambda s, i: s.create_actor(new_actor, i), path=path,
                           reason=reason)
        changes.append(change.seq if change else None)
    existing = view.edits.get_tie(str(tie.id))
    if existing is None:
        change = view.edit(f"tie:{tie.id}", lambda s, i: s.create_tie(tie, i), path=path,
                           reason=reason)
    else:
        kept = existing.model_copy(update={"evidence": [*existing.evidence,
                                                        *tie.evidence][-50:]})
        change = view.edit(f"tie:{tie.id}", lambda s, i: s.update_tie(kept, i), path=path,
                           reason=reason)
    changes.append(change.seq if change else None)
    result = {"tie": tie.id, "actor_created": new_actor.id if new_actor else None,
              "actor": other, "existing_tie": existing is not None, "changes": changes}
    surveys.decide(record.id, inv.id, key, "accepted", by=view.principal.audit_name,
                   result=result, ip=view.ip)
    return result


def reject(surveys: Surveys, view: GraphView, sid: int, invitation_id, key: str) -> None:
    """Reject one proposal: nothing is written to the graph; the decision is kept."""
    view.require("edit")
    record, inv, _entry = _find(surveys, sid, invitation_id, key)
    surveys.decide(record.id, inv.id, key, "rejected", by=view.principal.audit_name,
                   ip=view.ip)


def accept_all(surveys: Surveys, view: GraphView, sid: int,
               items: list[tuple[int, str]], path: str = "form") -> dict:
    """Accept many proposals as answered: those naming an organisation in the
    graph. One not in the graph needs a decision one by one (is it an
    existing actor, or a new one of which kind?): it is ``skipped``."""
    view.require("edit")
    wanted = set(items)
    done, skipped = [], []
    for p in proposals(surveys, sid, view):
        if (p["invitation"], p["key"]) not in wanted or p["status"] != "pending":
            continue
        if not p["named"]["in_graph"]:
            skipped.append(p["key"])
            continue
        done.append(accept(surveys, view, sid, p["invitation"], p["key"], path=path))
    return {"accepted": done, "skipped": skipped}
