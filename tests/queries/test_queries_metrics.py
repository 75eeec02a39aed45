"""actor_metrics: the joined per-actor table, and the docstring examples as tests."""
import doctest
import importlib

import numpy as np
import pandas as pd
import pytest

from graphsvc.queries import brokerage, centrality, influence, metrics
from graphsvc.queries.projection import project
from queries_corridor import ACTORS, corridor

MODULES = ["projection", "centrality", "brokerage", "communities", "influence",
           "indicators", "metrics"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    mod = importlib.import_module(f"graphsvc.queries.{name}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_documented(name):
    mod = importlib.import_module(f"graphsvc.queries.{name}")
    for f in mod.__all__:
        assert getattr(mod, f).__doc__, f"{name}.{f} has no docstring"


def test_one_row_per_actor_with_documented_columns():
    t = metrics.actor_metrics(corridor())
    assert list(t.index) == [a["id"] for a in ACTORS]
    assert list(t.columns) == list(metrics.COLUMNS)
    assert t.loc["mx1", "issue_areas"] == "legal_aid;advocacy"
    assert t.loc["prm", "roles"] == "funder;policymaker"
    assert t.attrs["version"] == 7 and t.attrs["illustrative"] is False


def test_columns_match_the_functions():
    G = corridor()
    t = metrics.actor_metrics(G, group_by="kind")
    H = project(G)
    roles = brokerage.brokerage_roles(H, "kind")
    assert (t["brokerage_total"] == roles["total"]).all()
    sh = brokerage.structural_holes(H, weight="weight")
    assert np.allclose(t["constraint"].fillna(-1), sh["constraint"].fillna(-1))
    assert np.isnan(t.loc["sen", "constraint"])  # untied senator
    # actor_metrics reuses the projection's edge arrays; the standalone
    # functions walk the graph: same numbers.
    for engine in ("igraph", "networkx"):
        ct = centrality.centrality_table(H, engine=engine)
        assert np.allclose(t[ct.columns].astype(float), ct.astype(float), rtol=1e-6,
                           atol=1e-9)
    dist = influence.distance_to(H, "funders", "distance")
    assert np.allclose(t["cost_to_funders"].fillna(-1), pd.Series(dist).replace(
        np.inf, -1).reindex(t.index))
    assert t.loc["sen", "reach_2"] == 0
    assert t["strength"].to_dict() == pytest.approx(dict(H.degree(weight="weight")))


def test_engines_agree_on_the_table():
    G = corridor()
    a = metrics.actor_metrics(G, engine="igraph").drop(columns="community")
    b = metrics.actor_metrics(G, engine="networkx").drop(columns="community")
    num = a.select_dtypes("number").columns
    assert np.allclose(a[num].astype(float).fillna(-1), b[num].astype(float).fillna(-1),
                       rtol=1e-6, atol=1e-9)


def test_parameters_recorded_and_reach_column_named():
    t = metrics.actor_metrics(corridor(), kinds=["formal"], directed=True, reach=3, k=5)
    assert "reach_3" in t.columns and "reach_2" not in t.columns
    assert t.attrs["kinds"] == ["formal"] and t.attrs["directed"] is True
    assert t.attrs["sample"] == 5


def test_node_attributes_for_graph_export():
    import networkx as nx
    G = corridor()
    attrs = metrics.node_attributes(metrics.actor_metrics(G))
    assert "constraint" not in attrs["sen"]  # NaN left out
    assert set(attrs["mx1"]) == set(metrics.COLUMNS) - set(metrics.ATTRIBUTE_COLUMNS)
    assert all(type(x) in (int, float) for x in attrs["mx1"].values())
    H = nx.DiGraph()
    H.add_nodes_from(G)
    H.add_edges_from(G.edges())
    nx.set_node_attributes(H, attrs)
    nx.write_graphml(H, __import__("io").BytesIO())  # plain types: GraphML accepts them


def test_docs_document_every_column():
    from pathlib import Path
    section = (Path(__file__).parents[2] / "docs" / "metrics.md").read_text(encoding="utf-8")
    for col in metrics.COLUMNS:
        assert f"`{col}`" in section, col


def test_empty_graph_gives_an_empty_table_with_every_column():
    import networkx as nx

    t = metrics.actor_metrics(nx.MultiDiGraph())
    assert len(t) == 0 and list(t.columns) == list(metrics.COLUMNS)
