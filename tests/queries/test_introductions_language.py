"""Working languages in suggestions, brokers and plans (graphs built by hand).

language_graph(): casa (MX shelter, Tijuana, Spanish only) and aid (US CSO,
San Diego, English only) both work on shelter and share two contacts:
mono (English only) under formal agreements with both (trust 1 x 1 = 1) and
puente (Spanish and English) met at workshops (0.5 x 0.5 = 0.25). Without
languages mono is the broker (more trusted); with them, casa and aid share
no language and only puente speaks both, so puente is preferred and named.
"""
import pytest

from graphsvc.model import Actor, Tie
from graphsvc.queries.introductions import plan_introductions, suggest_introductions
from graphsvc.queries.introductions.language import LANGUAGE_POINTS
from graphsvc.snapshot import build_snapshot


def A(id, kind, country, langs, **kw):
    return Actor(id=id, name=kw.pop("name", id.capitalize()), kind=kind, country=country,
                 languages=langs, **kw)


def language_graph(casa=("es",), aid=("en",), with_puente=True):
    actors = [A("casa", "shelter", "MX", list(casa), city="Tijuana", issue_areas=["shelter"]),
              A("aid", "cso", "US", list(aid), city="San Diego", issue_areas=["shelter"]),
              A("mono", "network", "US", ["en"])]
    ties = [Tie(source="mono", target="casa", kind="formal"),
            Tie(source="mono", target="aid", kind="formal")]
    if with_puente:
        actors.append(A("puente", "cso", "MX", ["es", "en"]))
        ties += [Tie(source="puente", target="casa", kind="informal"),
                 Tie(source="puente", target="aid", kind="informal")]
    return build_snapshot(actors, ties)


def only(G, actor="casa", target="aid", **kw):
    got = {s["actor"]: s for s in suggest_introductions(G, actor, "open", limit=None, **kw)}
    return got[target]


def codes(s):
    return {r["code"]: r for r in s["reasons"]}


def test_a_bilingual_mutual_contact_is_preferred_and_named():
    s = only(language_graph())
    assert s["broker"]["broker"] == "puente"           # not mono, the more trusted
    assert s["broker"]["language_broker"] == {"broker": "puente", "name": "Puente",
                                               "languages": ["es", "en"]}
    r = codes(s)["language_broker"]
    assert (r["name"], r["languages"], r["points"]) == ("Puente", ["es", "en"], 0.0)
    assert "language_gap" not in codes(s)
    # The score is the same as with no languages recorded (a bridged gap costs nothing).
    unknown = only(language_graph(casa=(), aid=()))
    assert s["score"] == pytest.approx(unknown["score"], abs=1e-4)
    assert unknown["broker"]["broker"] == "mono" and "language_broker" not in unknown["broker"]


def test_without_a_bilingual_broker_the_gap_lowers_the_score_and_says_so():
    s = only(language_graph(with_puente=False))
    unknown = only(language_graph(casa=(), aid=(), with_puente=False))
    assert s["score"] == pytest.approx(unknown["score"] + LANGUAGE_POINTS["language_gap"],
                                       abs=1e-4)
    r = codes(s)["language_gap"]
    assert (r["languages_u"], r["languages_v"], r["points"]) == (["es"], ["en"], -0.15)
    assert s["broker"]["broker"] == "mono" and "language_broker" not in s["broker"]
    assert sum(x["points"] for x in s["reasons"]) == pytest.approx(s["score"], abs=1e-3)


def test_a_shared_language_raises_the_score_and_unknown_is_not_a_mismatch():
    unknown = only(language_graph(casa=(), aid=()))
    shared = only(language_graph(aid=("en", "es")))
    assert shared["score"] == pytest.approx(unknown["score"] + 0.05, abs=1e-4)
    assert codes(shared)["shared_language"]["languages"] == ["es"]
    # Only one side recorded: unknown, no language reason, same score.
    half = only(language_graph(aid=()))
    assert half["score"] == pytest.approx(unknown["score"], abs=1e-4)
    assert not {"shared_language", "language_gap", "language_broker"} & set(codes(half))


def test_a_spanish_only_and_an_english_only_actor_are_ranked_by_whether_a_broker_bridges():
    # aid2 is like aid (same city, same work, English only) but reached only
    # through mono: it carries the gap, aid (bridged by puente) does not.
    G = language_graph()
    actors = [G.nodes[n] | {"id": n} for n in G]
    actors = [Actor(**{k: v for k, v in a.items() if k in Actor.model_fields})
              for a in actors]
    actors.append(A("aid2", "cso", "US", ["en"], city="San Diego", issue_areas=["shelter"]))
    ties = [Tie(source=u, target=v, kind=d["kind"]) for u, v, d in G.edges(data=True)]
    ties.append(Tie(source="mono", target="aid2", kind="formal"))
    got = suggest_introductions(build_snapshot(actors, ties), "casa", "open", limit=None)
    order = [s["actor"] for s in got]
    assert order.index("aid") < order.index("aid2")
    by = {s["actor"]: s for s in got}
    assert codes(by["aid2"])["language_gap"]["points"] == -0.15
    assert "language_gap" not in codes(by["aid"])
    assert by["aid"]["broker"]["language_broker"]["broker"] == "puente"


def test_on_a_chain_the_bilingual_intermediary_is_named():
    # casa -- hola (Spanish) -- puente (Spanish, English) -- aid: no mutual
    # contact; the chain's first intermediary is hola, but puente bridges.
    actors = [A("casa", "shelter", "MX", ["es"]), A("aid", "cso", "US", ["en"]),
              A("hola", "cso", "MX", ["es"]), A("puente", "cso", "MX", ["es", "en"])]
    ties = [Tie(source="casa", target="hola", kind="formal"),
            Tie(source="hola", target="puente", kind="formal"),
            Tie(source="puente", target="aid", kind="formal")]
    s = only(build_snapshot(actors, ties))
    assert s["broker"]["type"] == "path" and s["broker"]["path"] == ["casa", "hola",
                                                                    "puente", "aid"]
    assert s["broker"]["language_broker"]["broker"] == "puente"
    assert codes(s)["language_broker"]["name"] == "Puente"


def test_the_plan_uses_the_same_rule():
    # casa (MX shelter, Spanish) can be introduced to two US bodies with no
    # contacts: a_dhs (English only) and b_dhs (English and Spanish). Without
    # languages they score the same and a_dhs comes first by id; with them,
    # a_dhs has the gap (-0.15) and b_dhs shares Spanish (+0.05).
    actors = [A("casa", "shelter", "MX", ["es"]), A("a_dhs", "government", "US", ["en"]),
              A("b_dhs", "government", "US", ["en", "es"])]
    plan = plan_introductions(build_snapshot(actors, []), 1, hops=1)
    step = plan["steps"][0]
    assert (step["source"], step["target"]) == ("casa", "b_dhs")
    assert codes(step)["shared_language"]["languages"] == ["es"]
    none = [A("casa", "shelter", "MX", []), A("a_dhs", "government", "US", ["en"]),
            A("b_dhs", "government", "US", ["en", "es"])]
    assert plan_introductions(build_snapshot(none, []), 1, hops=1)["steps"][0]["target"] \
        == "a_dhs"
