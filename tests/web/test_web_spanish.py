"""Spanish everywhere: every value of every vocabulary of the model has a
label in graphsvc.web.i18n, and a crawl of the pages in Spanish over a graph
using every value finds no English vocabulary word, nor an English import
problem.

The English words looked for are derived from the model's vocabularies
(each value written out, and its English label), minus the words Spanish
writes the same (Formal, Individual, ...), so a new value with no Spanish
label fails here without anyone listing it.
"""
from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale

from graphsvc import model
from graphsvc.history import ChangeInfo
from graphsvc.model import Actor, Event, Group, Introduction, Tie
from graphsvc.stores.sqlite import SQLiteStore
from graphsvc.web import i18n, reports
from spanish_words import TABLES, VOCABULARIES, english_words
from web_support import csrf, make_app, signed_in

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}

@pytest.mark.parametrize("name", VOCABULARIES)
def test_every_vocabulary_value_has_a_spanish_label(app, name):
    values, label = VOCABULARIES[name]
    assert set(values) == set(TABLES[name]), f"{name}: labels and model differ"
    with app.test_request_context(), force_locale("es"):
        untranslated = [v for v in values if str(TABLES[name][v]._args[0]) == label(v)]
    # the same word in both languages is fine (Formal, Informal, Individual,
    # federal, municipal)
    assert set(untranslated) <= {"formal", "informal", "individual", "federal",
                                 "municipal"}, untranslated


_TAG = re.compile(r"<[^>]+>")


def visible_text(html: str) -> str:
    # ids are shown as <code> (a tie's id holds its kind and subtype: a0--a1|formal|mou);
    # an <option>'s label is checked with the vocabulary it offers
    html = re.sub(r"<script.*?</script>|<style.*?</style>|<code>.*?</code>", " ", html,
                  flags=re.S)
    return re.sub(r"\s+", " ", _TAG.sub(" ", html)).replace("&#39;", "'")


def english_on(text: str, words: set[str]) -> list[str]:
    return sorted(w for w in words
                  if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.I))


# Every value of every vocabulary, on actors with Spanish names.
_KINDS = list(model.ACTOR_KINDS)
_SUBTYPES = [(k, s) for k, subs in model.TIE_SUBTYPES.items() for s in subs]
ACTORS = [
    Actor(id=f"a{i}", name=f"Organización {i}", kind=kind,
          country=["MX", "US", "GT", "HN", "SV", "INT"][i % 6],
          issue_areas=list(model.ISSUE_AREAS), populations=list(model.POPULATIONS),
          phases=list(model.PHASES), roles=list(model.ROLES) if i < 2 else [],
          provenance=list(model.PROVENANCES)[i % len(model.PROVENANCES)],
          visibility=list(model.VISIBILITIES)[i % 2])
    for i, kind in enumerate(_KINDS)
]
TIES = [
    Tie(source=f"a{i % len(_KINDS)}", target=f"a{(i + 1) % len(_KINDS)}", kind=kind,
        subtype=sub, provenance=list(model.PROVENANCES)[i % len(model.PROVENANCES)],
        visibility="public",
        **({"amount": 1000, "currency": "MXN"} if kind == "funding" else {}))
    for i, (kind, sub) in enumerate(_SUBTYPES)
]


# Every event kind, participant role, group kind and member role.
EVENTS = [Event(id=f"e{i}", title=f"Encuentro {i}", kind=kind, start="2019-05-10",
                visibility="public", issue_areas=list(model.ISSUE_AREAS),
                participants=[{"actor": f"a{j}", "role": role}
                              for j, role in enumerate(model.PARTICIPANT_ROLES)])
          for i, kind in enumerate(model.EVENT_KINDS)]
GROUPS = [Group(id=f"g{i}", title=f"Grupo {i}", kind=kind, visibility="public",
                issue_areas=list(model.ISSUE_AREAS),
                members=[{"actor": f"a{j}", "role": role, "since": "2019-01-01",
                          "visibility": "public"}
                         for j, role in enumerate(model.MEMBER_ROLES)])
          for i, kind in enumerate(model.GROUP_KINDS)]


@pytest.fixture
def vocab_app(tmp_path):
    store = SQLiteStore(tmp_path / "vocab.db")
    store.upsert(ACTORS, TIES)
    for status, (u, v) in zip(model.INTRODUCTION_STATUSES, [("a0", "a2"), ("a3", "a5"),
                                                            ("a4", "a8")], strict=False):
        store.record_introduction(Introduction(source=u, target=v, status=status))
    store.put_records(EVENTS + GROUPS, ChangeInfo(who="editor1", path="cli"))
    app = make_app(store, tmp_path / "vocab.db")
    yield app
    app.extensions["graphsvc.accounts"].close()
    store.close()


def crawl_paths():
    paths = ["/", "/actors", "/communities", "/changes?since=2000-01-01", "/history",
             "/introductions/plan?k=3", "/map", "/events", "/convening/plan?size=8",
             "/convening/plan?size=8&languages=es,en"]
    paths += [f"/events/{e.id}" for e in EVENTS] + [f"/groups/{g.id}" for g in GROUPS]
    for a in ACTORS:
        paths += [f"/actors/{a.id}", f"/actors/{a.id}/introductions",
                  f"/actors/{a.id}/introductions?mode=open"]
    return paths


def test_spanish_pages_show_no_english_vocabulary(vocab_app):
    words = english_words(vocab_app)
    assert {"Asylum seekers", "asylum seekers", "Humanitarian aid", "mou",
            "Shelter"} <= words  # derived, not listed: a spot check
    client = signed_in(vocab_app)
    found = {}
    for path in crawl_paths():
        r = client.get(path, headers=SPANISH)
        assert r.status_code == 200, path
        html = r.get_data(as_text=True)
        assert '<html lang="es">' in html
        left = english_on(visible_text(html), words)
        if left:
            found[path] = left
    assert not found, f"English vocabulary on Spanish pages: {found}"


def test_spanish_facilitator_csv_uses_spanish_labels(vocab_app):
    client = signed_in(vocab_app)
    r = client.get("/actors/a0/introductions.csv?mode=open", headers=SPANISH)
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "Organización" in text
    left = english_on(text.replace(",", " , "), english_words(vocab_app))
    assert not left, left


def test_spanish_convening_csv_uses_spanish_labels(vocab_app):
    client = signed_in(vocab_app)
    r = client.get("/convening/plan.csv?size=8", headers=SPANISH)
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "Valor de los primeros encuentros" in text
    left = english_on(text.replace(",", " , "), english_words(vocab_app))
    assert not left, left


def test_reasons_name_populations_and_phases_in_spanish(vocab_app):
    with vocab_app.test_request_context(), force_locale("es"):
        pop = reports.reason_text({"code": "populations",
                                   "shared": ["asylum_seekers", "children"]})
        phase = reports.reason_text({"code": "phases", "shared": ["humanitarian"]})
    assert pop == "Ambos atienden a solicitantes de asilo y niñas, niños y adolescentes"
    assert "ayuda humanitaria" in phase


# --- import problems in the reader's language --------------------------------

BAD = ("id,name,kind,country,since\n"
       "casa,Casa Luz,banco,XX,2021-13-45\n"    # unknown kind, country, date
       ",,shelter,MX,\n")                        # no name, no id


def test_import_problems_and_hints_are_in_spanish(vocab_app):
    client = signed_in(vocab_app)
    r = client.post("/import?lang=es", data={
        "csrf_token": csrf(client), "actors": (io.BytesIO(BAD.encode()), "actores.csv")},
        content_type="multipart/form-data", headers=SPANISH)
    assert r.status_code == 422
    html = visible_text(r.get_data(as_text=True))
    assert "tipo de actor desconocido 'banco'" in html
    assert "no es un código de país ISO 3166" in html
    assert "También sirven los nombres en español" in html
    with vocab_app.test_request_context():
        with force_locale("en"):
            english = {"unknown actor kind", "is not an ISO 3166", "Spanish names work too",
                       "is not a date", "missing name", "Write dates as", "Write an ISO code",
                       "Every actor needs a name"}
    assert not [e for e in english if e in html]


def test_problem_text_keeps_values_and_falls_back_to_english(app):
    with app.test_request_context(), force_locale("es"):
        assert i18n.problem_text("unknown actor kind 'Banco': use one of cso, shelter") == \
            "tipo de actor desconocido 'Banco': use uno de cso, shelter"
        assert i18n.problem_text("Add a column named name (or nombre). Every actor needs "
                                 "a name.") == ("Agregue una columna llamada name (o nombre)."
                                                " Todo actor necesita un nombre.")
        assert i18n.problem_text("something new") == "something new"
