"""Editing the graph on the web: the data functions behind the forms and
their JSON twins.

Every write goes through the request's view of the graph
(``access.view.edit``): it needs ``edit``, is recorded in the history with
who, when, the path (``form`` or ``api``), the reason typed and the values
before and after, advances the store's version (so every cached analysis
refreshes) and is audited. Values are checked by the model, as imports
are (:mod:`graphsvc.model`); problems come back per field, in the reader's
language. Every edit names the revision it started from: when someone else
saved first, :class:`~graphsvc.errors.Conflict` says so and nothing is
written. The history is read through the one gate
(:func:`graphsvc.snapshot.reader_history`).
"""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _
from pydantic import ValidationError

from ..duplicates import DuplicateIndex
from ..errors import NotFound, Problem, ValidationFailed
from ..history import Change
from ..ingest.columns import actor_value
from ..model import Actor, Tie, validation_problems
from ..snapshot import ALL_TIME
from ..stores import ActorFilter
from ..stores.edits import MERGE_FIELDS
from ..stores.sqlite import fold
from .access import Access
from .data import _visible_actor
from .i18n import value_label

__all__ = ["ACTOR_FIELDS", "TIE_FIELDS", "actor_from", "tie_from", "create_actor",
           "update_actor", "delete_actor", "create_tie", "update_tie", "end_tie",
           "delete_tie", "history", "revert", "revert_record", "merge", "merge_page",
           "duplicates", "field_message", "change_rows", "parse_revision", "new_id"]

#: The actor fields a form edits, in the order it shows them.
ACTOR_FIELDS = [f for f in Actor.model_fields if f != "id"]
#: The tie fields a form edits (the ends are chosen apart; evidence has rows).
TIE_FIELDS = [f for f in Tie.model_fields if f not in ("id", "source", "target", "evidence")]
_LISTS = {"issue_areas", "populations", "phases", "languages", "roles", "channel"}
_SPANISH_LISTS = {"issue_areas", "populations", "phases", "roles"}
#: Evidence rows a form offers (the entries kept, then blank ones up to this).
EVIDENCE_ROWS = 3

# --- problems in the reader's language --------------------------------------

def _messages():
    """(text in the model's message, message for the reader) pairs, in the
    order they are tried."""
    return [
        # network surveys (graphsvc.model: Survey, SurveyAnswers, check_answers)
        ("not on the scale", _("Choose a number from 1 to 5.")),
        ("choose one option only", _("Choose one option only.")),
        ("is not an option", _("Choose one of the options offered.")),
        ("needs an answer", _("This question needs an answer.")),
        ("write the answer as text", _("Write the answer as text.")),
        ("no question", _("This question is not in the survey.")),
        ("name the organisation", _("Write the organisation's name.")),
        ("only funding has a direction", _("Only funding has a direction (who gave it).")),
        ("named twice", _("An organisation is named twice with the same kind of tie.")),
        ("no public actor", _("No such organisation in the list: write its name instead.")),
        ("closes before it opens", _("The survey closes before it opens.")),
        ("needs a title", _("Give the survey a title.")),
        ("needs its wording", _("Write the question in at least one language.")),
        ("at least two options", _("A choice question needs at least two options.")),
        ("same number of options", _("Give the same number of options in each language.")),
        ("question ids must be unique", _("Two questions have the same id.")),
        ("is a standard question", _("A standard question takes only its id.")),
        ("only single and multiple", _("Only choice questions have options.")),
        ("choose the organisations", _("Choose the organisations to invite.")),
        ("already invited", _("Already invited to this survey: give it a new link "
                              "instead.")),
        ("no column naming the organisation", _("The file needs a column 'actor' with "
                                                "each organisation's id or name.")),
        ("no actor with this id or name", _("No actor with this id or name.")),
        ("several actors have this name", _("Several actors have this name: write its "
                                            "id.")),
        ("names no organisation", _("The file names no organisation.")),
        ("addresses are refused", _("That kind of address is refused: use an http:// or "
                                    "https:// address.")),
        ("http:// or https://", _("Must be an http:// or https:// address.")),
        ("ISO 3166", _("Not a country code: use two letters (MX, US, GT...) or INT.")),
        ("ISO 4217", _("Not a currency code (USD, MXN, EUR...).")),
        ("ISO 639", _("Not a language code (es, en, ht...).")),
        ("is not a label", _("Use letters, digits and '_'.")),
        ("must start with a letter or digit", _("Use letters, digits, '_', '.', ':' or "
                                                "'-' (at most 128 characters).")),
        ("already used", _("This id is already used: choose another, or edit the "
                           "existing actor.")),
        ("already have a tie", _("These two actors already have a tie of this kind and "
                                 "subtype: edit it, or choose another subtype.")),
        ("'until' is before 'since'", _("The end date is before the start date.")),
        ("belong to funding ties only", _("Amount, currency and channel belong to "
                                          "funding ties only.")),
        ("needs its currency", _("A funding amount needs its currency (USD, MXN...).")),
        ("evidence needs", _("Give the evidence an address or a title.")),
        ("two different actors", _("A tie joins two different actors.")),
        ("no actor with id", _("No such actor in the graph.")),
        ("missing", _("Required.")),
        ("too long", _("Too long.")),
        ("is not a date", _("Not a date: use YYYY-MM-DD.")),
        ("whole number", _("Must be a whole number.")),
        ("is not a number", _("Not a number.")),
        ("greater than", _("Out of range.")),
        ("less than", _("Out of range.")),
        ("unknown", _("Choose one of the values offered.")),
        ("should have at least", _("Required.")),
    ]


def field_message(problem: Problem) -> str:
    """A model problem in the reader's language (the values offered, the
    formats expected)."""
    for needle, text in _messages():
        if needle in problem.message:
            return text
    return _("Not valid here.")


def _problems(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in validation_problems(exc):
        out.setdefault(p.field or "form", field_message(p))
    return out


def _failed(problems: dict[str, str]) -> ValidationFailed:
    """The form's problems as the one validation error (422 in the API)."""
    return ValidationFailed([Problem(m, field=f) for f, m in problems.items()],
                            message=_("Nothing was saved: correct the fields marked."),
                            hint=_("Correct the fields marked and save again."))


# --- reading a form or a JSON body --------------------------------------------------

def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _list(value) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value if _text(v)]
    return [p.strip() for p in re.split(r"[;,]", _text(value)) if p.strip()]


def _get(body, name):
    """A field from a form (possibly repeated) or a JSON object."""
    if hasattr(body, "getlist") and name in _LISTS:
        got = body.getlist(name)
        return got if len(got) != 1 else got[0]
    return body.get(name)


def new_id(name: str) -> str:
    """An id made from a name, as the import makes one (one rule:
    :func:`graphsvc.ingest.validate.slug`)."""
    from ..ingest.validate import slug

    return slug(name) or "actor"


def actor_from(body, actor_id: str | None = None, base: Actor | None = None,
               partial: bool = False) -> Actor:
    """An actor from a form or JSON body, checked by the model.

    ``partial``: fields the body leaves out keep ``base``'s values (a PATCH).
    Raises :class:`ValidationFailed` with one problem per field."""
    data = base.to_record() if base is not None else {}
    for f in ACTOR_FIELDS:
        if partial and f not in body:
            continue
        value = _get(body, f)
        if f in _SPANISH_LISTS:  # the words the form's labels offer, as an import reads them
            data[f] = actor_value(f, _list(value))
        elif f in _LISTS:
            data[f] = _list(value)
        else:
            data[f] = _text(value) or None
    if base is None:
        data["provenance"] = data.get("provenance") or "facilitator_note"
        data["visibility"] = data.get("visibility") or "restricted"
    data = {k: v for k, v in data.items() if v is not None}
    data["id"] = actor_id or _text(body.get("id")) or new_id(_text(body.get("name")))
    try:
        return Actor(**data)
    except ValidationError as exc:
        raise _failed(_problems(exc)) from None


def _evidence(body) -> list[dict]:
    if not hasattr(body, "getlist"):  # JSON: a list of objects
        value = body.get("evidence")
        return value if isinstance(value, list) else []
    rows = zip(body.getlist("evidence_url"), body.getlist("evidence_title"),
               body.getlist("evidence_date"), body.getlist("evidence_note"))
    out = []
    for url, title, date, note in rows:
        entry = {k: _text(v) for k, v in (("url", url), ("title", title), ("date", date),
                                          ("note", note)) if _text(v)}
        if entry:
            out.append(entry)
    return out


def tie_from(access: Access, body, actor_id: str | None = None, base: Tie | None = None,
             partial: bool = False) -> Tie:
    """A tie from a form or JSON body, checked by the model.

    A form names the other actor by picking it (``other``, an id the picker
    fills) or by its name (``other_name``: it must name exactly one actor
    the reader can see, accents and case ignored); ``direction`` (``out``:
    the actor gives, ``in``: it receives) orients a funding tie. A JSON body
    gives ``source`` and ``target``."""
    problems: dict[str, str] = {}
    data = base.to_record() if base is not None else {}
    if base is None:
        if actor_id is not None:
            other = _other(access, body, problems)
            source, target = actor_id, other
            if _text(body.get("direction")) == "in":
                source, target = other, actor_id
            data.update(source=source, target=target)
        else:
            data.update(source=_text(body.get("source")), target=_text(body.get("target")))
        for end in ("source", "target"):
            if data.get(end) and "other" not in problems:
                try:
                    _visible_actor(access.view.service, access, data[end])
                except NotFound:
                    problems["other" if actor_id else end] = _("No such actor in the graph.")
    for f in TIE_FIELDS:
        if partial and f not in body:
            continue
        value = _get(body, f)
        data[f] = _list(value) if f in _LISTS else (_text(value) or None)
    if not partial or "evidence" in body or "evidence_url" in body:
        data["evidence"] = _evidence(body)
    if base is None:
        data["provenance"] = data.get("provenance") or "facilitator_note"
        data["visibility"] = data.get("visibility") or "restricted"
    data = {k: v for k, v in data.items() if v is not None}
    if base is not None:
        data["id"] = base.id
    elif _text(body.get("id")):
        data["id"] = _text(body.get("id"))
    try:
        tie = Tie(**data)
    except ValidationError as exc:
        for f, m in _problems(exc).items():
            problems.setdefault("other" if f in ("source", "target") and actor_id else f, m)
        raise _failed(problems) from None
    if problems:
        raise _failed(problems)
    return tie


def _other(access: Access, body, problems: dict) -> str:
    picked = _text(body.get("other"))
    if picked:
        return picked
    name = _text(body.get("other_name"))
    if not name:
        problems["other"] = _("Choose the other actor.")
        return ""
    found = [a for a in access.view.find_actors(ActorFilter(q=name), limit=50)
             if fold(a.name) == fold(name)]
    if len(found) == 1:
        return found[0].id
    problems["other"] = (_("Several actors have this name: pick one from the list.")
                         if found else _("No actor with this name: pick one from the list."))
    return ""


def parse_revision(value) -> int | None:
    """The revision an edit starts from (a form field, an ``If-Match``
    header, a JSON value); ``None`` when not given."""
    text = _text(value)
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text or text == "*":
        return None
    if not text.isdigit():
        raise _failed({"revision": _("Not a revision: send the ETag you were given.")})
    return int(text)


# --- writes ------------------------------------------------------------------------

def _done(change: Change | None) -> Change:
    """The change an operation that always changes something made."""
    assert change is not None
    return change


def duplicates(access: Access, actor: Actor) -> list[dict]:
    """Actors the reader can see that are likely the same as ``actor``."""
    index = DuplicateIndex(access.view.find_actors())
    return [{"id": a.id, "name": a.name, "reason": reason}
            for a, reason in index.matches(actor.name, actor.website, exclude=actor.id)]


def create_actor(access: Access, actor: Actor, path: str, reason: str | None) -> Change:
    return _done(access.view.edit(f"actor:{actor.id}",
                                  lambda s, i: s.create_actor(actor, i),
                                        path=path, reason=reason))


def update_actor(access: Access, actor: Actor, expect: int | None, path: str,
                 reason: str | None) -> Change | None:
    return access.view.edit(f"actor:{actor.id}",
                            lambda s, i: s.update_actor(actor, i, expect),
                            path=path, reason=reason)


def delete_actor(access: Access, actor_id: str, expect: int | None, path: str,
                 reason: str | None) -> Change:
    _visible_actor(access.view.service, access, actor_id)
    return _done(access.view.edit(f"actor:{actor_id}",
                                  lambda s, i: s.delete_actor(actor_id, i, expect),
                                  path=path, reason=reason))


def create_tie(access: Access, tie: Tie, path: str, reason: str | None) -> Change:
    return _done(access.view.edit(f"tie:{tie.id}", lambda s, i: s.create_tie(tie, i),
                                  path=path, reason=reason))


def update_tie(access: Access, tie: Tie, expect: int | None, path: str,
               reason: str | None) -> Change | None:
    return access.view.edit(f"tie:{tie.id}", lambda s, i: s.update_tie(tie, i, expect),
                            path=path, reason=reason)


def end_tie(access: Access, tid: str, until: str, expect: int | None, path: str,
            reason: str | None) -> Change | None:
    access.view.get_tie(tid)
    try:
        day = dt.date.fromisoformat(_text(until)) if _text(until) else dt.date.today()
    except ValueError:
        raise _failed({"until": _("Not a date: use YYYY-MM-DD.")}) from None
    try:
        return access.view.edit(f"tie:{tid}",
                                lambda s, i: s.end_tie(tid, day, i, expect),
                                path=path, reason=reason)
    except ValidationFailed:
        raise _failed({"until": _("The end date is before the start date.")}) from None


def delete_tie(access: Access, tid: str, expect: int | None, path: str,
               reason: str | None) -> Change:
    access.view.get_tie(tid)
    return _done(access.view.edit(f"tie:{tid}",
                                  lambda s, i: s.delete_tie(tid, i, expect),
                                        path=path, reason=reason))


def revert(access: Access, seq: int, path: str, reason: str | None) -> Change:
    """Undo one history entry (restoring what a deletion took, undoing a merge)."""
    access.view.history(seq=seq)  # 404 unless the reader may see it
    return _done(access.view.edit(f"change:{seq}", lambda s, i: s.revert(seq, i),
                                  path=path, reason=reason))


def revert_record(access: Access, record: str, rid: str, revision: int,
                  expect: int | None, path: str, reason: str | None) -> Change:
    if record == "actor":
        _visible_actor(access.view.service, access, rid)
    else:
        access.view.get_tie(rid)
    return _done(access.view.edit(f"{record}:{rid}",
                                  lambda s, i: s.revert_record(record, rid, revision, i,
                                                               expect),
                                  path=path, reason=reason))


def merge(access: Access, survivor: str, merged: str, take: dict, expect: dict,
          path: str, reason: str | None) -> Change:
    """Merge ``merged`` into ``survivor`` (``take``: field -> "merged" to keep
    the merged actor's value)."""
    for x in (survivor, merged):
        _visible_actor(access.view.service, access, x)
    return _done(access.view.edit(f"actor:{survivor}", lambda s, i: s.merge_actors(
        survivor, merged, i, take=take, expect=expect), path=path, reason=reason))


def merge_page(access: Access, survivor: str, merged: str | None) -> dict:
    """What the merge form shows: both actors, field by field, and their ties."""
    S = _visible_actor(access.view.service, access, survivor)
    page: dict = {"survivor": S.to_record(),
                  "survivor_ties": len(access.view.ties(survivor, as_of=ALL_TIME)),
                  "revision": access.view.revision("actor", survivor), "merged": None}
    if merged:
        M = _visible_actor(access.view.service, access, merged)
        page.update(merged=M.to_record(), merged_ties=len(access.view.ties(merged, as_of=ALL_TIME)),
                    merged_revision=access.view.revision("actor", merged),
                    fields=[{"name": f, "survivor": getattr(S, f), "merged": getattr(M, f),
                             # as the page shows them: vocabulary values by their label
                             "survivor_text": value_label("actor", f, getattr(S, f)),
                             "merged_text": value_label("actor", f, getattr(M, f))}
                            for f in MERGE_FIELDS])
    page["duplicates"] = [d for d in duplicates(access, S) if d["id"] != merged]
    return page


# --- history -------------------------------------------------------------------------

def history(access: Access, actor_id: str | None = None, tie_id: str | None = None,
            limit: int = 100, before: int | None = None) -> dict:
    """History entries the reader may see, newest first, each with its items."""
    entries = access.view.history(actor_id=actor_id, tie_id=tie_id, limit=limit,
                                  before=before)
    return {"items": [e.to_dict() for e in entries],
            "next_before": entries[-1].seq if len(entries) == limit else None,
            "actor": actor_id, "tie": tie_id}


def change_rows(item: dict) -> list[dict]:
    """The fields an item changed: ``{"field", "before", "after"}`` each."""
    before, after = item.get("before") or {}, item.get("after") or {}
    record = item.get("record", "actor")
    return [{"field": k, "before": value_label(record, k, before.get(k)),
             "after": value_label(record, k, after.get(k))}
            for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]


def conflict_rows(access: Access, record: str, rid: str, revision: int | None) -> dict:
    """What changed since ``revision``: the fields someone else saved (their
    values then and now), who saved, and the revision now."""
    entries = (access.view.history(actor_id=rid) if record == "actor"
               else access.view.history(tie_id=rid))
    mine = [i for e in entries for i in e.items if (i.record, i.id) == (record, rid)]
    start = next((i.after for i in mine if i.revision == revision), None) or {}
    current = (access.view.get_actor(rid) if record == "actor"
               else access.view.get_tie(rid)).to_record()
    who = sorted({e.who for e in entries for i in e.items
                  if (i.record, i.id) == (record, rid) and i.revision > (revision or 0)})
    return {"rows": change_rows({"record": record, "before": start, "after": current}),
            "who": who,
            "revision": access.view.revision(record, rid)}


def form_values(form) -> dict:
    """What a form sent, as the form shows it again (lists joined)."""
    out: dict = {}
    for key in form:
        values = form.getlist(key)
        out[key] = ", ".join(values) if key in _LISTS else values[-1]
    out["evidence"] = _evidence(form)
    return out


def record_values(record: dict) -> dict:
    """A stored record as a form shows it (lists joined, dates as text)."""
    return {k: (", ".join(map(str, v)) if k in _LISTS and isinstance(v, list) else v)
            for k, v in record.items()}
