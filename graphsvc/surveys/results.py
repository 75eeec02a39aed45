"""A survey's results: response rate, figures, charts' data and exports.

The indicators of the 2021 survey are computed twice for the organisations
that answered, with the same functions the dashboard uses
(:func:`graphsvc.queries.indicators.survey_indicators`, counting only the
respondents): once over the *network of their answers* (each respondent
tied to every organisation it named, whether or not the review accepted
it), once over the graph as the reader may see it; the 2021 survey's figure
stands beside both. The questions without a tie behind them (would stronger
ties help; the main barrier to reaching US policymakers) are counted from
the answers and put beside the 2021 figures of :data:`ANSWER_FIGURES_2021`.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx

from ..access import GraphView
from ..errors import NotFound
from ..ingest.safe_write import csv_text, write_xlsx
from ..model import Survey
from ..queries.indicators import SURVEY_FIGURES, survey_indicators
from .store import Invitation, Surveys

__all__ = ["ANSWER_FIGURES_2021", "TIE_INDICATORS", "response_graph", "answer_figures",
           "results", "results_csv", "results_xlsx"]

#: From the March 2021 survey (Baker Institute brief, 2021): over 90% strongly
#: or somewhat agreed that stronger US connections would help; almost 70%
#: named the lack of an introduction as the main barrier to US policymakers.
ANSWER_FIGURES_2021: dict[str, float] = {"helpful": 0.90,
                                         "introduction_barrier_policymakers": 0.70}

#: The tie indicators the results show, in order (those the 2021 survey
#: measured, and ties to Mexican policymakers beside them).
TIE_INDICATORS = ("tied_to_unhcr", "tied_to_iom", "tied_to_us_organizations",
                  "tied_to_us_policymakers", "tied_to_mx_policymakers",
                  "formal_among_us_cooperators", "informal_among_us_cooperators")


def response_graph(view: GraphView, invitations: list[Invitation]) -> nx.MultiDiGraph:
    """The network of the submitted answers: each respondent's actor tied to
    every organisation it named (kind as answered; funding from the funder).
    Actors in the graph carry their attributes as the reader may see them;
    an organisation not in the graph is the node ``new:<name>`` with the
    country the respondent gave. ``respondent=True`` marks who answered."""
    G: nx.MultiDiGraph = nx.MultiDiGraph()

    def add(actor_id: str, fallback: dict) -> str:
        if actor_id in G:
            return actor_id
        try:
            a = view.get_actor(actor_id)
            G.add_node(a.id, name=a.name, kind=a.kind, country=a.country)
            return a.id
        except NotFound:
            G.add_node(actor_id, **fallback)
            return actor_id

    for inv in invitations:
        if inv.state != "submitted" or inv.answers is None:
            continue
        me = add(inv.actor_id, {"name": inv.name})
        G.nodes[me]["respondent"] = True
        for e in inv.answers.roster:
            if e.actor:
                other = add(e.actor, {"name": e.name or e.actor, "country": e.country})
            else:
                other = add(f"new:{e.name}", {"name": e.name, "country": e.country})
            if other == me:
                continue
            ends = (other, me) if e.kind == "funding" and e.direction != "gave" else (me, other)
            G.add_edge(*ends, kind=e.kind)
    return G


def _values(inv: Invitation, qid: str) -> list[str]:
    if inv.answers is None or qid not in inv.answers.answers:
        return []
    v = inv.answers.answers[qid]
    return v if isinstance(v, list) else [v]


def answer_figures(survey: Survey, invitations: list[Invitation]) -> dict:
    """Counts of every choice question's answers among submitted answers, and
    the two figures of :data:`ANSWER_FIGURES_2021`."""
    done = [i for i in invitations if i.state == "submitted"]
    counts: dict[str, dict] = {}
    for q in survey.questions:
        if q.type == "text":
            continue
        got = [v for i in done for v in _values(i, q.id)]
        answered = sum(bool(_values(i, q.id)) for i in done)
        options = q.choices if q.type != "scale" else tuple(str(n) for n in range(1, 6))
        tally = Counter(got)
        counts[q.id] = {"answered": answered,
                        "counts": {o: tally.get(o, 0) for o in options}}
    figures = []
    if "helpful" in counts:
        h = counts["helpful"]
        figures.append(("helpful", h["counts"]["4"] + h["counts"]["5"], h["answered"]))
    if "barriers_policymakers" in counts:
        b = counts["barriers_policymakers"]
        figures.append(("introduction_barrier_policymakers", b["counts"]["introduction"],
                        b["answered"]))
    return {"counts": counts, "figures": [
        {"name": n, "numerator": num, "denominator": den,
         "value": num / den if den else None, "survey_2021": ANSWER_FIGURES_2021[n]}
        for n, num, den in figures]}


def _clean(x):
    try:
        return None if x is None or x != x else float(x)  # NaN is missing
    except (TypeError, ValueError):
        return None


def results(surveys: Surveys, sid: int, view: GraphView) -> dict:
    """Everything the results page and its JSON twin show (see the module)."""
    record = surveys.get(sid)
    invs = surveys.invitations(sid)
    status = surveys.status(sid)
    respondents = sorted({i.actor_id for i in invs if i.state == "submitted"})
    G = response_graph(view, invs)
    from_answers = survey_indicators(G, among=respondents)
    in_graph = survey_indicators(view.snapshot(), among=respondents)
    rows = []
    for name in TIE_INDICATORS:
        a, g = from_answers.loc[name], in_graph.loc[name]
        rows.append({"name": name, "value": _clean(a["value"]),
                     "numerator": _clean(a["numerator"]),
                     "denominator": _clean(a["denominator"]),
                     "graph": _clean(g["value"]), "graph_numerator": _clean(g["numerator"]),
                     "graph_denominator": _clean(g["denominator"]),
                     "survey_2021": SURVEY_FIGURES.get(name)})
    answers = answer_figures(record.spec, invs)
    return {"survey": {"id": record.id, "title": record.spec.title,
                       "opens": record.spec.opens.isoformat(),
                       "closes": record.spec.closes.isoformat()},
            "status": status, "respondents": len(respondents),
            "indicators": rows, "answers": answers,
            "network": {"nodes": [{"id": str(v), "name": d.get("name"),
                                   "country": d.get("country"),
                                   "respondent": bool(d.get("respondent"))}
                                  for v, d in G.nodes(data=True)],
                        "edges": [{"source": str(u), "target": str(v), "kind": d["kind"]}
                                  for u, v, d in G.edges(data=True)]}}


def _indicator_rows(page: dict) -> list[list]:
    head = ["indicator", "from_answers", "numerator", "denominator", "in_graph",
            "survey_2021"]
    rows: list[list] = [head]
    for r in page["indicators"]:
        rows.append([r["name"], r["value"], r["numerator"], r["denominator"], r["graph"],
                     r["survey_2021"]])
    for f in page["answers"]["figures"]:
        rows.append([f["name"], f["value"], f["numerator"], f["denominator"], None,
                     f["survey_2021"]])
    return rows


def _answer_rows(surveys: Surveys, sid: int) -> tuple[list[list], list[list]]:
    answers: list[list] = [["respondent", "respondent_id", "submitted_at", "question",
                            "answer"]]
    roster: list[list] = [["respondent", "respondent_id", "named_id", "named", "country",
                           "kind", "direction", "since", "frequency", "strength"]]
    for inv in surveys.submitted(sid):
        assert inv.answers is not None
        for qid, v in inv.answers.answers.items():
            answers.append([inv.name, inv.actor_id, inv.submitted_at, qid,
                            "; ".join(v) if isinstance(v, list) else v])
        for e in inv.answers.roster:
            roster.append([inv.name, inv.actor_id, e.actor, e.name, e.country, e.kind,
                           e.direction, e.since, e.frequency, e.strength])
    return answers, roster


def results_csv(surveys: Surveys, sid: int, view: GraphView) -> str:
    """The indicators beside 2021 and the graph, as CSV (cells made safe)."""
    return csv_text(_indicator_rows(results(surveys, sid, view)))


def results_xlsx(surveys: Surveys, sid: int, view: GraphView, path: str | Path) -> None:
    """A workbook: the indicators, every answer, every organisation named."""
    answers, roster = _answer_rows(surveys, sid)
    write_xlsx(path, [("indicators", _indicator_rows(results(surveys, sid, view))),
                      ("answers", answers), ("roster", roster)])

