"""`graphsvc export --with-metrics`: metrics on the nodes, for Gephi and R."""
import csv

import igraph
import networkx as nx
import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.illustrative import load_illustrative
from graphsvc.queries.metrics import actor_metrics
from graphsvc.stores.sqlite import SQLiteStore


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "g.db"
    store = SQLiteStore(path)
    load_illustrative(store)
    store.close()
    return path


def run(db, *args):
    return CliRunner().invoke(main, list(args), env={"GRAPHSVC_DB": str(db)},
                              catch_exceptions=False)


def test_graphml_with_metrics_reads_back_in_networkx_and_igraph(db, tmp_path):
    out = tmp_path / "g.graphml"
    r = run(db, "export", "--output", str(out), "--with-metrics", "--all-time", "-q")
    assert r.exit_code == 0, r.output
    # every tie ever recorded, as the store's own snapshot holds them
    expected = actor_metrics(SQLiteStore(db).snapshot())  # computed independently here
    G = nx.read_graphml(out)
    for actor in ("unhcr", "iom", "us-state-prm"):
        node = G.nodes[actor]
        assert node["name"]  # the actor's own attributes are still there
        for col in ("betweenness", "pagerank", "degree", "constraint"):
            assert node[col] == pytest.approx(float(expected.loc[actor, col])), col
    g = igraph.Graph.Read_GraphML(str(out))
    v = g.vs.find(id="unhcr")
    assert v["pagerank"] == pytest.approx(float(expected.loc["unhcr", "pagerank"]))


def test_gexf_and_csv_carry_metrics(db, tmp_path):
    assert run(db, "export", "--output", str(tmp_path / "g.gexf"), "--with-metrics",
               "-q").exit_code == 0
    G = nx.read_gexf(tmp_path / "g.gexf")
    assert "betweenness" in G.nodes["unhcr"]
    r = run(db, "export", "--format", "csv", "--output", str(tmp_path / "csv"),
            "--with-metrics", "-q")
    assert r.exit_code == 0, r.output
    with open(tmp_path / "csv" / "actors.csv", encoding="utf-8") as fh:
        rows = {row["id"]: row for row in csv.DictReader(fh)}
    assert float(rows["unhcr"]["betweenness"]) > 0


def test_public_only_metrics_ignore_restricted_ties(db, tmp_path):
    out = tmp_path / "p.graphml"
    assert run(db, "export", "--output", str(out), "--with-metrics", "--public-only",
               "--as-of", "2021-12-31", "-q").exit_code == 0
    G = SQLiteStore(db).snapshot(include_restricted=False)
    # the ties in force on the day asked for, counted plainly
    G.remove_edges_from([(u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
                         if (d.get("since") or "2021-12-31") > "2021-12-31"
                         or (d.get("until") or "2021-12-31") < "2021-12-31"])
    public = actor_metrics(G)
    G = nx.read_graphml(out)
    assert G.nodes["unhcr"]["degree"] == int(public.loc["unhcr", "degree"])
