"""Indicators on the hand-built corridor (tests/queries_corridor.py), counted by hand."""
import networkx as nx
import pytest

from graphsvc.queries import indicators as I
from queries_corridor import corridor

# Mexican civil society: mx1..mx5 (mx_gov is government, oim-mx an international org).


def test_unhcr_share():
    r = I.share_tied_to_unhcr(corridor())
    # mx1 (formal), mx2 (funding passed through UNHCR), mx4 (formal)
    assert (r.numerator, r.denominator, r.value) == (3, 5, 0.6)
    assert "UNHCR (unhcr)" in r.definition


def test_iom_share_found_by_spanish_acronym():
    r = I.share_tied_to_iom(corridor())
    assert (r.numerator, r.denominator) == (1, 5)  # mx2 - oim-mx
    assert "oim-mx" in r.definition


def test_identification_is_configurable():
    G = corridor()
    assert I.share_tied_to_iom(G, iom=["cws"]).numerator == 2  # mx2, mx3
    assert I.share_tied_to_unhcr(G, unhcr=[]).numerator == 0
    assert I.find_organization(G, {"ids": ("gt",)}) == set()  # 'gt1': no separator


def test_us_organizations_share():
    r = I.share_tied_to_us_organizations(corridor())
    # mx1 (rsn), mx2 (cws), mx3 (rsn, cws); mx4's US university is not one
    assert (r.numerator, r.denominator) == (3, 5)
    r = I.share_tied_to_us_organizations(corridor(), us_kinds={"cso", "academia"})
    assert r.numerator == 3  # mx1 (rsn), mx3 (rsn), mx4 (us_acad); mx2's cws no longer


def test_us_policymakers_share_ignores_channelled_funders():
    G = corridor()
    r = I.share_tied_to_us_policymakers(G)
    # mx1 - dhs only: PRM's money reached mx2 through UNHCR, not a tie to PRM
    assert (r.numerator, r.denominator) == (1, 5)


def test_formal_and_informal_shares_among_us_cooperators():
    G = corridor()
    f = I.formal_share_among_us_cooperators(G)
    i = I.informal_share_among_us_cooperators(G)
    # cooperators: mx1, mx2, mx3. formal/funding with a US org: mx1 (rsn), mx3
    # (cws formal, rsn funding). informal with a US org: mx2 (cws), mx3 (rsn).
    assert (f.numerator, f.denominator) == (2, 3)
    assert (i.numerator, i.denominator) == (2, 3)


def test_only_counted_kinds():
    G = corridor()
    assert I.share_tied_to_unhcr(G, kinds=["formal"]).numerator == 2  # mx1, mx4


def test_structure_indicators():
    G = corridor()
    # 14 tied pairs (rsn-mx3 has two ties, one pair; the funding chain gives
    # prm-unhcr and unhcr-mx2) among 15 actors: 105 possible pairs.
    d = I.density(G)
    assert (d.numerator, d.denominator) == (14, 105)
    assert I.component_count(G).value == 2  # everyone, and the untied senator
    lc = I.largest_component_share(G)
    assert (lc.numerator, lc.denominator) == (14, 15)
    # Pairs within one country: mx2-oim-mx and mx5-mx1 (MX); the other 12 cross.
    ei = I.ei_index(G)
    assert (ei.numerator, ei.denominator) == (10, 14)
    by = I.ei_index_by_group(G)
    assert by.loc["MX", "internal"] == 2
    assert by.loc["GT"].to_dict() == {"actors": 1, "external": 1, "internal": 0,
                                      "ei_index": 1.0}


def test_density_agrees_with_networkx():
    G = corridor()
    from graphsvc.queries.projection import project
    assert I.density(G).value == pytest.approx(nx.density(project(G)))


def test_survey_table():
    t = I.survey_indicators(corridor())
    assert list(t.columns) == ["value", "numerator", "denominator", "survey", "definition"]
    assert t.loc["tied_to_iom", "survey"] == 0.8
    assert t.loc["tied_to_us_policymakers", "value"] == pytest.approx(0.2)
    assert t["definition"].str.len().min() > 20


def test_empty_denominator_gives_no_value():
    S = nx.MultiDiGraph()
    S.add_node("x", kind="cso", country="US")
    r = I.share_tied_to_unhcr(S)
    assert r.value is None and r.denominator == 0
