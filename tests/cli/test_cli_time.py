"""``--as-of``/``--all-time`` and the ``changes``, ``trends`` and ``funnel``
commands against the illustrative network in a real SQLite file."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.illustrative import load_illustrative
from graphsvc.snapshot import today
from graphsvc.stores.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("clitime") / "graph.db"
    store = SQLiteStore(path)
    load_illustrative(store)
    store.close()
    return path


def run(db, *args):
    return CliRunner().invoke(main, [str(a) for a in args],
                              env={"GRAPHSVC_DB": str(db), "GRAPHSVC_CONFIG": ""})


def test_indicators_as_of_a_day_all_time_and_today(db):
    then = json.loads(run(db, "indicators", "--format", "json", "--as-of", "2018-01-01").stdout)
    ever = json.loads(run(db, "indicators", "--format", "json", "--all-time").stdout)
    now = json.loads(run(db, "indicators", "--format", "json").stdout)
    assert (then["as_of"], ever["as_of"], now["as_of"]) == ("2018-01-01", "all", today())
    density = {k: {i["name"]: i["value"] for i in d["indicators"]}["density"]
               for k, d in (("then", then), ("ever", ever), ("now", now))}
    assert density["then"] < density["now"] < density["ever"]
    table = run(db, "indicators", "--as-of", "2018-01-01").stdout
    assert table.splitlines()[0] == "As of 2018-01-01: the ties in force that day."


def test_bad_dates_are_clear_errors(db):
    r = run(db, "indicators", "--as-of", "2018-02-30")
    assert r.exit_code == 2 and "'2018-02-30' is not a date: write it YYYY-MM-DD" in r.output
    r = run(db, "indicators", "--as-of", "2018-01-01", "--all-time")
    assert r.exit_code == 2 and "give --as-of or --all-time, not both" in r.output
    r = run(db, "changes", "--from", "2020-01-01", "--to", "2019-01-01")
    assert r.exit_code == 2 and "--from must be before --to" in r.output


def test_changes_in_every_format(db, tmp_path):
    data = json.loads(run(db, "changes", "--from", "2018-01-01", "--format", "json").stdout)
    assert data["from"] == "2018-01-01" and data["to"] == today()
    assert data["ties_begun"] and data["ties_ended"] and data["illustrative"] is True
    text = run(db, "changes", "--from", "2018-01-01").stdout
    assert f"Ties begun: {len(data['ties_begun'])}; ended: {len(data['ties_ended'])}" in text
    rows = run(db, "changes", "--from", "2018-01-01", "--format", "csv").stdout.splitlines()
    assert len(rows) == 1 + len(data["ties_begun"]) + len(data["ties_ended"])
    out = tmp_path / "changes.html"
    r = run(db, "changes", "--from", "2018-01-01", "--format", "html", "--lang", "es",
            "--output", out)
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "Qué cambió del 2018-01-01" in html and "Red ilustrativa" in html
    assert "<script" not in html


def test_trends_and_funnel(db):
    data = json.loads(run(db, "trends", "--format", "json").stdout)
    assert data["period"] == "year" and data["dates"][-1] == today()
    rows = run(db, "trends", "--format", "csv", "--period", "quarter").stdout.splitlines()
    assert rows[0].startswith("date,") and len(rows) > len(data["dates"])
    funnel = json.loads(run(db, "funnel", "--from", "2022-01-01", "--to", "2024-12-31",
                            "--format", "json").stdout)
    web = funnel["counts"]
    assert web["proposed"] >= web["made"] >= web["tie_after_months"] >= web["tie_after_year"]
    text = run(db, "funnel", "--from", "2022-01-01", "--to", "2024-12-31",
               "--months", "3").stdout
    assert "tie after  3 months" in text


def test_export_as_of_and_all_time(db, tmp_path):
    r = run(db, "export", "--output", tmp_path / "then.json", "--as-of", "2016-12-31", "-q")
    assert r.exit_code == 0, r.output
    assert "As of 2016-12-31: the ties in force that day." in r.stderr
    then = json.loads((tmp_path / "then.json").read_text(encoding="utf-8"))
    run(db, "export", "--output", tmp_path / "ever.json", "--all-time", "-q")
    ever = json.loads((tmp_path / "ever.json").read_text(encoding="utf-8"))
    assert (then["as_of"], ever["as_of"]) == ("2016-12-31", "all")
    assert len(then["ties"]) < len(ever["ties"])
    assert all((t.get("since") or "") <= "2016-12-31" <= (t.get("until") or "9999")
               for t in then["ties"])
