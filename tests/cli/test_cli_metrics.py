"""graphsvc metrics / indicators / communities / influence on a real SQLite store."""
import datetime as dt
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.model import Actor, Tie
from graphsvc.queries.metrics import COLUMNS
from graphsvc.stores.sqlite import SQLiteStore
from queries_corridor import ACTORS, TIES


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "graph.db"
    s = SQLiteStore(path)
    s.upsert([Actor(**a) for a in ACTORS], [Tie(**t) for t in TIES])
    s.close()
    return path


def run(db, *args):
    return CliRunner().invoke(main, list(args), env={"GRAPHSVC_DB": str(db),
                                                    "GRAPHSVC_CONFIG": ""})


def test_metrics_csv(db, tmp_path):
    out = tmp_path / "m.csv"
    r = run(db, "metrics", "--output", str(out))
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, index_col="id")
    assert len(df) == len(ACTORS)
    assert list(df.columns) == list(COLUMNS)
    assert df.loc["mx1", "degree"] == 4
    assert "wrote 15 actors" in r.output


def test_metrics_xlsx_and_json(db, tmp_path):
    x = tmp_path / "m.xlsx"
    assert run(db, "metrics", "-o", str(x), "--kinds", "formal,informal").exit_code == 0
    sheets = pd.read_excel(x, sheet_name=None, index_col=0)
    assert list(sheets["actors"].columns) == list(COLUMNS)
    about = dict(pd.read_excel(x, sheet_name="about").values)
    assert json.loads(about["kinds"]) == ["formal", "informal"]
    r = run(db, "metrics", "--format", "json", "-o", "-", "--group-by", "kind", "--sample", "5")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["illustrative"] is False and data["parameters"]["group_by"] == "kind"
    assert {a["id"] for a in data["actors"]} == {a["id"] for a in ACTORS}
    sen = next(a for a in data["actors"] if a["id"] == "sen")
    assert sen["constraint"] is None  # NaN becomes null


def test_metrics_labels_illustrative_data(db, tmp_path):
    s = SQLiteStore(db)
    s.set_meta("illustrative", "true")
    s.close()
    out = tmp_path / "m.csv"
    r = run(db, "metrics", "-o", str(out))
    assert "Illustrative network" in r.output
    assert (pd.read_csv(out)["dataset"] == "illustrative").all()


@pytest.mark.parametrize("args, message", [
    (["--kinds", "friendship"], "unknown tie kind 'friendship'"),
    (["--format", "xlsx", "-o", "-"], "xlsx cannot go to standard output"),
    (["--group-by", "colour"], "no actor has the attribute 'colour'"),
])
def test_metrics_bad_input(db, args, message):
    r = run(db, "metrics", "-o", "-", *args) if "-o" not in args else run(db, "metrics", *args)
    assert r.exit_code == 2
    assert message in r.output


def test_indicators_table_and_json(db):
    r = run(db, "indicators")
    assert r.exit_code == 0, r.output
    assert "tied_to_unhcr" in r.output and "= 3 / 5" in r.output and "(survey: 100%)" in r.output
    data = json.loads(run(db, "indicators", "--format", "json").output)
    rows = {i["name"]: i for i in data["indicators"]}
    assert rows["tied_to_us_policymakers"]["numerator"] == 1
    r = run(db, "indicators", "--format", "json", "--iom", "cws")
    rows = {i["name"]: i for i in json.loads(r.output)["indicators"]}
    assert rows["tied_to_iom"]["numerator"] == 2


def test_communities_and_influence(db):
    r = run(db, "communities", "--seed", "3")
    assert r.exit_code == 0, r.output
    assert "modularity" in r.output
    r = run(db, "influence", "mx5")
    assert r.exit_code == 0, r.output
    # names, not ids (queries_corridor: mx5 is "Mexican CSO five", ...)
    assert ("Mexican CSO five > Mexican CSO one > Department of Homeland Security"
            in r.output)
    assert "Mexican CSO five > Mexican CSO one > UNHCR > State Department PRM" in r.output
    assert "nan" not in r.output.split()
    r = run(db, "influence", "nobody")
    assert r.exit_code == 1 and "no actor with id 'nobody'" in r.output


def test_analyses_of_an_empty_store_say_so(tmp_path):
    empty = tmp_path / "empty.db"
    SQLiteStore(empty).close()
    r = run(empty, "communities")
    assert r.exit_code == 0, r.output
    assert r.output == (f"As of {dt.date.today().isoformat()}: the ties in force that day.\n"
                        "No actors, so no communities: import actors and ties first "
                        "(graphsvc import --help).\n")
    r = run(empty, "communities", "--format", "json")
    assert json.loads(r.output)["communities"] == []
    r = run(empty, "metrics", "-o", "-", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output)["actors"] == []


def test_communities_are_the_snapshots_one_partition(db):
    """The command prints the partition the metrics' community column holds."""
    r = run(db, "communities", "--format", "json")
    members = {c["community"]: c["size"] for c in json.loads(r.output)["communities"]}
    r = run(db, "metrics", "-o", "-", "--format", "json")
    column = pd.Series([a["community"] for a in json.loads(r.output)["actors"]])
    assert column.value_counts().to_dict() == members


def test_influence_says_no_route_for_an_actor_tied_to_no_one(db):
    store = SQLiteStore(db)
    store.upsert([Actor(id="solo", name="Colectivo Solo", kind="cso", country="MX")], [])
    store.close()
    r = run(db, "influence", "solo")
    assert r.exit_code == 0, r.output
    lines = [x for x in r.output.splitlines() if x.startswith(("US policymakers", "Funders"))]
    assert len(lines) == 4 and all(x.endswith("no route") for x in lines), r.output
    assert "nan" not in r.output.split() and "from Colectivo Solo (solo)" in r.output


@pytest.mark.parametrize("name", ["x.parquet", "metrics", "x.tsv"])
def test_metrics_refuses_an_output_it_cannot_tell_the_format_of(db, tmp_path, name):
    # as export does: nothing is written under a name promising another format
    out = tmp_path / name
    r = run(db, "metrics", "-o", str(out))
    assert r.exit_code == 2
    assert f"cannot tell the format from '{out}': give --format csv, xlsx or json" in r.output
    assert not out.exists()
    assert run(db, "metrics", "-o", str(out), "--format", "csv").exit_code == 0  # said so
