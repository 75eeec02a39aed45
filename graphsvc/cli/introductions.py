"""``graphsvc introductions``: suggest, record, plan and evaluate introductions."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..model import ACTOR_KINDS, INTRODUCTION_STATUSES
from .common import cli_lang, get_service, policymaker_options
from .time import as_of_option, as_of_words

FORMATS = ("text", "json", "csv", "html")



def _service():
    return get_service(click.get_current_context())


def _emit(text: str, output: str | None, what: str) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {what} to {output}")
    else:
        click.echo(text, nl=not text.endswith("\n"))


def _render(report: dict, fmt: str, lang: str) -> str:
    """The report as the web app renders it (same templates and catalogs)."""
    from ..web.reports import render_report

    return render_report(report, fmt, lang)


def _words(report: dict, lang: str) -> dict:
    from ..web.reports import localised

    return localised(report, lang)


_LANG = click.option("--lang", type=click.Choice(["en", "es"]), default=None,
                     help="Language of the report (html, csv, json; the reasons in text); "
                     "default: graphsvc --lang, else the locale (LANG).")


@click.group()
def introductions():
    """Suggest introductions, record their outcome, plan and evaluate."""


@introductions.command()
@click.option("--actor", "actor_id", required=True, help="Id of the actor to suggest for.")
@click.option("--mode", type=click.Choice(["peer", "policymaker", "funder", "open"]),
              default="open", show_default=True,
              help="peer: Mexican CSO <-> US organizations doing similar work; "
              "policymaker: US officials and agencies; funder; open: anyone.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of the terminal.")
@click.option("--country", help="Only candidates in this country (ISO code: US, MX...).")
@click.option("--kind", type=click.Choice(sorted(ACTOR_KINDS)),
              help="Only candidates of this kind.")
@click.option("--city", help="Only candidates in this city (accents and case ignored).")
@click.option("--issue-area", help="Only candidates working on this issue area.")
@click.option("--public-only", is_flag=True,
              help="Leave restricted actors and ties out (for reports shared outside).")
@policymaker_options("--mode policymaker")
@_LANG
@as_of_option
def suggest(actor_id, mode, limit, fmt, output, country, kind, city, issue_area,
            public_only, policymakers, level, lang, as_of):
    """Ranked introductions for one actor, with reasons and a broker."""
    lang = cli_lang(lang)
    from ..errors import NotFound
    from ..model import check_policymakers
    from ..queries.introductions import suggest_introductions, suggestions_report

    svc = _service()
    G = svc.snapshot(include_restricted=not public_only, as_of=as_of)
    if actor_id not in G and public_only and svc.store.get_actor(actor_id) is not None:
        raise NotFound(f"actor '{actor_id}' is restricted",
                       hint="Leave out --public-only to include restricted actors.")
    filters = {"country": country, "kind": kind, "city": city, "issue_area": issue_area}
    got = suggest_introductions(G, actor_id, mode, limit=limit,
                                introductions=svc.introductions(not public_only, actor_id,
                                                                as_of),
                                partition=svc.partition(not public_only, as_of=as_of),
                                policymakers=policymakers, level=level, **filters)
    report = suggestions_report(G, actor_id, got, mode=mode, filters=filters)
    if mode == "policymaker":
        report["policymakers"], report["level"] = check_policymakers(policymakers, level)
    report["as_of"] = as_of
    if fmt != "text":
        _emit(_render(report, fmt, lang), output, f"{len(got)} suggestions")
        return
    got = _words(report, lang)["suggestions"]
    lines = []
    if report["illustrative"]:
        lines.append("ILLUSTRATIVE network: not facts about real organizations.")
    a = report["actor"]
    when = "all time" if as_of == "all" else f"as of {as_of}"
    lines.append(f"Suggested introductions for {a['name']} ({a['id']}), mode {mode}, "
                 f"{when}:")
    if not got:
        lines.append("  no candidates match.")
    for s in got:
        flag = " [already proposed]" if s["proposed"] else ""
        lines.append(f"{s['rank']:>3}. {s['name']} ({s['actor']}; {s['kind']}, "
                     f"{s['city'] or '-'}, {s['country']})  score {s['score']:.2f}{flag}")
        for r in s["reasons"]:
            lines.append(f"       - {r['text']}")
        lines.append(f"       broker: {s['broker_text']}")
    _emit("\n".join(lines) + "\n", output, f"{len(got)} suggestions")


@introductions.command()
@click.option("--from", "source", required=True, help="Id of one side.")
@click.option("--to", "target", required=True, help="Id of the other side.")
@click.option("--via", help="Id of the broker who made the introduction.")
@click.option("--status", type=click.Choice(list(INTRODUCTION_STATUSES)), required=True)
@click.option("--note", help="Free text kept with the record (and the tie, if made).")
@click.option("--public", is_flag=True,
              help="Make the tie of a made introduction public (default: restricted).")
def record(source, target, via, status, note, public):
    """Record an introduction; a made one becomes an informal tie."""
    from ..model import tie_id
    from .principal import cli_graph_view

    svc = _service()
    visibility = "public" if public else "restricted"
    intro = cli_graph_view().run_write(
        "edit", "introduction",
        lambda: svc.record_introduction(source, target, via=via, status=status, note=note,
                                        visibility=visibility),
        lambda i: {"source": i.source, "target": i.target, "via": i.via,
                   "status": i.status, "tie": i.status == "made",
                   "tie_visibility": visibility if i.status == "made" else None})
    via_text = f" via {intro.via}" if intro.via else ""
    click.echo(f"recorded {intro.status} introduction {intro.source} -> "
               f"{intro.target}{via_text}")
    if intro.status == "made":
        tid = tie_id(intro.source, intro.target, "informal", "introduction")
        click.echo(f"added informal tie {tid} "
                   f"({'public' if public else 'restricted'})")


@introductions.command()
@click.option("--k", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many introductions.")
@click.option("--goal", type=click.Choice(["policymaker_reach", "community_bridges"]),
              default="policymaker_reach", show_default=True,
              help="policymaker_reach: share of Mexican civil society within two steps "
              "of a US policymaker; community_bridges: share of pairs of the largest "
              "communities joined by a tie.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True))
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the community detection.")
@click.option("--hops", type=click.IntRange(1, 3), default=2, show_default=True,
              help="policymaker_reach: steps from a US policymaker that count as "
              "reached (1: a direct tie, as the 2021 survey counted).")
@click.option("--communities", type=click.IntRange(min=2), default=10, show_default=True,
              help="community_bridges: how many of the largest communities count.")
@click.option("--min-ties", type=click.IntRange(min=1), default=1, show_default=True,
              help="community_bridges: ties a pair of communities needs to be joined.")
@click.option("--public-only", is_flag=True,
              help="Leave restricted actors and ties out.")
@policymaker_options("policymaker_reach")
@_LANG
@as_of_option
def plan(k, goal, fmt, output, seed, hops, communities, min_ties, public_only, policymakers,
         level, lang, as_of):
    """A plan of K introductions chosen greedily to move a cross-border indicator."""
    lang = cli_lang(lang)
    from ..queries.introductions import plan_introductions, plan_report

    svc = _service()
    G = svc.snapshot(include_restricted=not public_only, as_of=as_of)
    p = plan_introductions(G, k, goal,
                           introductions=svc.introductions(not public_only, as_of=as_of),
                           seed=seed, communities=communities, min_ties=min_ties, hops=hops,
                           partition=svc.partition(not public_only, seed, as_of),
                           policymakers=policymakers, level=level)
    report = plan_report(G, p)
    report["as_of"] = as_of
    if fmt != "text":
        _emit(_render(report, fmt, lang), output,
              f"a plan of {len(p['steps'])} introductions")
        return
    p = _words(report, lang)
    b, a = p["before"], p["after"]
    lines = []
    if report["illustrative"]:
        lines.append("ILLUSTRATIVE network: not facts about real organizations.")
    lines += [as_of_words(as_of), f"{p['indicator']}:",
              f"  before {b['value']:.1%} ({b['count']}/{b['total']}), "
              f"after {a['value']:.1%} ({a['count']}/{a['total']})",
              f"Optimises: {p['optimises']}"]
    if p.get("blocked_text"):
        lines += [f"{p['blocked_title']} {p['blocked_text']}", p["blocked_hint"]]
    for s in p["steps"]:
        lines.append(f"{s['rank']:>3}. {s['source_name']} ({s['source']}) <-> "
                     f"{s['target_name']} ({s['target']})  +{s['gain']}")
        lines.append(f"       broker: {s['broker_text']}")
    _emit("\n".join(lines) + "\n", output, f"a plan of {len(p['steps'])} introductions")


@introductions.command()
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--hide", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.1, show_default=True, help="Share of ties hidden.")
@click.option("--k", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--graph", "graphs", type=click.Choice(["synthetic", "illustrative", "store"]),
              multiple=True, help="Graphs to evaluate on (repeatable; default: synthetic "
              "and illustrative when available).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]),
              default="text", show_default=True)
@click.option("--split-date", help="Evaluate on time instead: fit on the graph as of this "
              "day (YYYY-MM-DD) and score the ties that formed after it.")
@click.option("--mode", "modes", type=click.Choice(["peer", "policymaker", "funder", "open"]),
              multiple=True, help="With --split-date: modes to evaluate (repeatable; "
              "default open).")
@click.option("--boot", type=click.IntRange(min=10), default=200, show_default=True,
              help="With --split-date: bootstrap resamples for the 95% intervals.")
@click.option("--tune/--no-tune", default=True, show_default=True,
              help="Also rank with weights tuned on the training split only (the "
              "tuned_recommender row, beside the live weights' row).")
def evaluate(seed, hide, k, graphs, fmt, split_date, modes, boot, tune):
    """Hide ties (or, with --split-date, take the ties formed after a day), rank
    candidates, compare with link-prediction baselines."""
    from ..queries.introductions import evaluate as ev
    from ..synthetic import evaluation_graphs

    if split_date is not None:
        _evaluate_on_time(seed, k, graphs, fmt, split_date, modes or ("open",), boot, tune)
        return

    # the store's graph over all time: hiding ties tests recovering them
    store_graph = _service().snapshot(as_of="all") if "store" in graphs else None
    results = ev.run_evaluations(
        evaluation_graphs(graphs or ("synthetic", "illustrative"), seed=seed,
                          store_graph=store_graph), seed=seed, hide=hide, k=k, tune=tune)
    from ..ingest.safe_write import csv_text

    click.echo({"text": ev.format_table, "json": ev.results_json,
                "csv": lambda r: csv_text(ev.results_rows(r))}[fmt](results), nl=False)


def _evaluate_on_time(seed, k, graphs, fmt, split_date, modes, boot, tune):
    from ..errors import GraphsvcError
    from ..ingest.safe_write import csv_text
    from ..queries.introductions import time_split as ts
    from ..snapshot import as_of_key
    from ..synthetic import evaluation_graphs

    try:
        day = as_of_key(split_date)
    except ValueError:
        raise GraphsvcError(f"--split-date '{split_date}' is not a date",
                            hint="Write it as YYYY-MM-DD, e.g. 2022-01-01.") from None
    store_graph = _service().snapshot(as_of="all") if "store" in graphs else None
    results = []
    for name, G in evaluation_graphs(graphs or ("synthetic", "illustrative"), seed=seed,
                                     store_graph=store_graph, split_date=day):
        if isinstance(G, str):
            results.append({"graph": name, "unavailable": G})
        else:
            results.append(ts.evaluate_time_split(G, day, k=k, seed=seed, modes=modes,
                                                  boot=boot, name=name, tune=tune))
    click.echo({"text": ts.format_time_table,
                "json": lambda r: json.dumps(r, indent=2) + "\n",
                "csv": lambda r: csv_text(ts.time_rows(r))}[fmt](results), nl=False)


COMMANDS = [introductions]
