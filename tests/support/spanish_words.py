"""English words a Spanish page must not show, derived, not listed.

:func:`english_words`: every value of every vocabulary of the model written
out and its English label (the label tables of ``graphsvc.web.i18n``), less
the words Spanish writes alike; :func:`catalog_phrases`: every English
message of the web catalog whose Spanish translation differs, as the
literal phrases between its placeholders. A new value or message with no
Spanish label fails the Spanish tests without anyone listing it.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask_babel import force_locale

from graphsvc import model
from graphsvc.web import i18n

#: Vocabulary -> its label function; every vocabulary the model defines.
VOCABULARIES = {
    "kind": (model.ACTOR_KINDS, i18n.kind_label),
    "tie kind": (model.TIE_KINDS, i18n.tie_kind_label),
    "subtype": ([s for subs in model.TIE_SUBTYPES.values() for s in subs],
                i18n.subtype_label),
    "phase": (model.PHASES, i18n.phase_label),
    "issue area": (model.ISSUE_AREAS, i18n.area_label),
    "population": (model.POPULATIONS, i18n.population_label),
    "actor role": (model.ROLES, i18n.actor_role_label),
    "provenance": (model.PROVENANCES, i18n.provenance_label),
    "visibility": (model.VISIBILITIES, i18n.visibility_label),
    "status": (model.INTRODUCTION_STATUSES, i18n.status_label),
    "level of government": (model.LEVELS, i18n.level_label),
    "event kind": (model.EVENT_KINDS, i18n.event_kind_label),
    "participant role": (model.PARTICIPANT_ROLES, i18n.participant_role_label),
    "group kind": (model.GROUP_KINDS, i18n.group_kind_label),
    "member role": (model.MEMBER_ROLES, i18n.member_role_label),
}
TABLES = {"kind": i18n.KIND_LABELS, "tie kind": i18n.TIE_KIND_LABELS,
          "subtype": i18n.SUBTYPE_LABELS, "phase": i18n.PHASE_LABELS,
          "issue area": i18n.AREA_LABELS, "population": i18n.POPULATION_LABELS,
          "actor role": i18n.ACTOR_ROLE_LABELS, "provenance": i18n.PROVENANCE_LABELS,
          "visibility": i18n.VISIBILITY_LABELS, "status": i18n.STATUS_NAMES,
          "level of government": i18n.LEVEL_LABELS, "event kind": i18n.EVENT_KIND_LABELS,
          "participant role": i18n.PARTICIPANT_ROLE_LABELS,
          "group kind": i18n.GROUP_KIND_LABELS, "member role": i18n.MEMBER_ROLE_LABELS}


def english_words(app) -> set[str]:
    """Every vocabulary value written out and its English label, less the
    words Spanish writes alike."""
    words = set()
    with app.test_request_context():
        for values, label in VOCABULARIES.values():
            for v in values:
                with force_locale("en"):
                    english = {label(v), v.replace("_", " ")}
                with force_locale("es"):
                    spanish = label(v).lower()
                # a word the Spanish label holds too is Spanish (academia, LGBTQ+)
                words |= {w for w in english
                          if not re.search(rf"(?<!\w){re.escape(w.lower())}(?!\w)", spanish)}
    return words


_CATALOG = (Path(i18n.__file__).parent / "translations" / "es" / "LC_MESSAGES"
            / "messages.po")
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%%")


def catalog_phrases(min_words: int = 1) -> set[str]:
    """English messages (or, around placeholders, their literal pieces of at
    least two words) whose Spanish translation is not the same text."""
    from babel.messages.pofile import read_po

    with open(_CATALOG, "rb") as f:
        catalog = read_po(f)
    phrases = set()
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for english in ids:
            if english in strings:
                continue  # the same in both languages (OpenAPI, PageRank)
            pieces = _PLACEHOLDER.split(english)
            for piece in pieces:
                piece = piece.strip(" .,:;()'\"·→-")
                if len(pieces) > 1 and len(piece.split()) < 2:
                    continue  # a word beside a placeholder says too little
                if len(piece.split()) >= min_words and re.search(r"[A-Za-z]{2}", piece) \
                        and not any(piece in s for s in strings):
                    phrases.add(piece)
    return phrases
