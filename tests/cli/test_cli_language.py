"""The command line speaks the reader's language: ``graphsvc --lang es`` or a
Spanish locale (``LANG=es_MX.UTF-8``) puts import and validation problems
with their hints, the influence report and the suggestions in Spanish (the
wording of graphsvc.web.i18n and reports, as on the web); anything else
stays English."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.stores.sqlite import SQLiteStore
from intro_graphs import corridor_records

BAD = ("id,name,kind,country\n"
       "casa,Casa Luz,banco,MX\n")  # spreadsheet row 2: an unknown kind


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "g.db"
    store = SQLiteStore(path)
    store.upsert(*corridor_records())
    store.close()
    return str(path)


def run(db, *args, lang_env="C.UTF-8"):
    env = {"GRAPHSVC_DB": db, "LANG": lang_env, "LC_ALL": "", "LC_MESSAGES": ""}
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize("how", ["env", "option"])
def test_import_problems_and_hints_follow_the_language(db, tmp_path, how):
    bad = tmp_path / "actores.csv"
    bad.write_text(BAD, encoding="utf-8")
    r = (run(db, "import", "--actors", str(bad), lang_env="es_MX.UTF-8") if how == "env"
         else run(db, "--lang", "es", "import", "--actors", str(bad)))
    assert r.exit_code == 1
    assert "actores.csv, fila 2, columna 'kind': tipo de actor desconocido 'banco'" in r.output
    assert "También sirven los nombres en español" in r.output  # the hint
    assert "unknown actor kind" not in r.output
    english = run(db, "import", "--actors", str(bad))
    assert "actores.csv, row 2, column 'kind': unknown actor kind 'banco'" in english.output


def test_a_domain_error_follows_the_language(db):
    r = run(db, "--lang", "es", "influence", "nobody")
    assert r.exit_code == 1
    assert r.output == ("Error: no hay ningún actor con id 'nobody'. Use el identificador "
                        "del actor tal como está guardado (vea la lista de actores).\n")


def test_influence_report_in_spanish(db):
    r = run(db, "influence", "mx1", lang_env="es_MX.UTF-8")
    assert r.exit_code == 0, r.output
    assert "desde Casa Tijuana (mx1)" in r.output
    assert "Tomadores de decisiones de EE. UU." in r.output
    assert "Financiadores" in r.output
    assert "a 2 vínculos o menos:" in r.output
    assert "US policymakers" not in r.output and "within 2 ties" not in r.output
    english = run(db, "influence", "mx1")
    assert "from Casa Tijuana (mx1)" in english.output and "within 2 ties" in english.output


def test_suggestions_follow_the_locale_and_lang_wins(db):
    es = run(db, "introductions", "suggest", "--actor", "mx1", "--mode", "open",
             lang_env="es_MX.UTF-8")
    en = run(db, "introductions", "suggest", "--actor", "mx1", "--mode", "open",
             "--lang", "en", lang_env="es_MX.UTF-8")
    assert es.exit_code == 0 and en.exit_code == 0, es.output + en.output
    assert "Pídale" in es.output or "Ambos" in es.output, es.output
    assert "Pídale" not in en.output and "Ambos" not in en.output
