"""Whom to invite, from a file of contacts (CSV, XLSX or JSON records).

The file is read by the bounded readers of the import
(:func:`graphsvc.ingest.readers.read_table`: size, rows and columns
limited, encodings and spreadsheets handled as an import handles them).
Each row names an organisation in the graph (column ``actor``,
``organization`` or ``organización``: its id or its exact name, accents and
case ignored) and may give a ``contact`` (``email``, ``correo``,
``contacto``): the person the link is for. Every row is checked before
anyone is invited; a row naming no actor, or several, is a problem with its
row number.
"""
from __future__ import annotations

from pathlib import Path

from ..access import GraphView
from ..duplicates import name_key
from ..errors import Problem, ValidationFailed
from ..ingest.bounded import ReadLimits
from ..ingest.columns import header_key
from ..ingest.readers import read_table
from ..model import Actor

__all__ = ["read_contacts", "ACTOR_HEADERS", "CONTACT_HEADERS"]

ACTOR_HEADERS = ("actor", "actor_id", "id", "organization", "organisation", "organizacion",
                 "name", "nombre")
CONTACT_HEADERS = ("contact", "email", "e_mail", "correo", "contacto")


def read_contacts(path: str | Path, view: GraphView, limits: ReadLimits
                  ) -> list[tuple[Actor, str | None]]:
    """``(actor, contact)`` for every row of the file at ``path``; raises
    :class:`ValidationFailed` listing every row that names no single actor."""
    table = read_table(path, limits)
    keys = {header_key(h): h for h in table.headers}
    actor_col = next((keys[k] for k in ACTOR_HEADERS if k in keys), None)
    contact_col = next((keys[k] for k in CONTACT_HEADERS if k in keys), None)
    if actor_col is None:
        raise ValidationFailed([Problem("no column naming the organisation",
                                        hint="Add a column 'actor' with each organisation's "
                                        "id or name.", file=table.name)],
                               message="nobody was invited.",
                               hint="Add the column and upload again.")
    actors = view.find_actors()
    by_id = {a.id: a for a in actors}
    by_name: dict[str, list[Actor]] = {}
    for a in actors:
        by_name.setdefault(name_key(a.name), []).append(a)
    out, problems = [], []
    for row in table.rows:
        text = str(row.values.get(actor_col) or "").strip()
        contact = str(row.values.get(contact_col) or "").strip()[:300] or None \
            if contact_col else None
        if not text:
            continue
        found = [by_id[text]] if text in by_id else by_name.get(name_key(text), [])
        if len(found) != 1:
            problems.append(Problem(
                "no actor with this id or name" if not found else
                "several actors have this name", file=table.name, row=row.number,
                column=actor_col, value=text,
                hint="Write the actor's id (see its page), or add it to the graph first."))
            continue
        out.append((found[0], contact))
    if problems:
        raise ValidationFailed(problems, message="nobody was invited.",
                               hint="Correct the rows named and upload again.")
    if not out:
        raise ValidationFailed([Problem("the file names no organisation", file=table.name)],
                               message="nobody was invited.")
    return out
