"""``graphsvc convening``: plan whom to invite to a convening."""
from __future__ import annotations

import click

from ..model import check_languages
from .common import get_service
from .time import as_of_option, as_of_words

FORMATS = ("table", "csv", "json", "html")


def _ids(values) -> list[str]:
    return [v.strip() for raw in values for v in raw.split(",") if v.strip()]


def _languages(ctx, param, value):
    if not value:
        return []
    try:
        return check_languages(value.split(","))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group()
def convening():
    """Plan a convening: whom to invite so that the meeting makes valuable first meetings."""


@convening.command()
@click.option("--size", type=click.IntRange(min=2), default=20, show_default=True,
              help="How many to invite.")
@click.option("--issue-area", help="Only actors working on this issue area.")
@click.option("--city", help="Only actors in this city or its counterpart across the border.")
@click.option("--languages", callback=_languages, metavar="CODE[,CODE]",
              help="The meeting's working languages (ISO 639 codes, e.g. es,en): actors "
              "working in none of them are left out (no language recorded: kept).")
@click.option("--must", multiple=True, metavar="ID",
              help="Invite this actor whatever the filters (repeat, or separate with commas).")
@click.option("--exclude", multiple=True, metavar="ID",
              help="Never invite this actor (repeat, or separate with commas).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the community detection and of the order that breaks ties.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
@click.option("--public-only", is_flag=True, help="Leave restricted actors and ties out.")
@click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True,
              help="Language of the reasons and headings.")
@click.option("--for-event", metavar="ID",
              help="Keep the invitation list and the pairs it expects to meet with this "
              "event (an edit, in the history), to compare with the attendance later.")
@click.option("--reason", default=None, help="Why (kept in the history, with --for-event).")
@as_of_option
def plan(size, issue_area, city, languages, must, exclude, seed, fmt, output, public_only,
         lang, as_of, for_event, reason):
    """An invitation list of SIZE actors whose first meetings are worth most.

    Greedy: each invitee adds the most value of first meetings (introduction
    scores of pairs not yet tied and not yet met, cross-border and
    cross-sector pairs weighted up); a speaker of both languages is kept for
    invitees who share none, and a broker for each community present.
    --for-event ID keeps the list with an event, to compare with who came.
    docs/convening.md explains the choice.
    """
    from ..errors import GraphsvcError
    from ..queries.introductions import convening_report, plan_convening
    from ..web.reports import localised, render_report
    from .introductions import _emit

    svc = get_service(click.get_current_context())
    include = not public_only
    G = svc.snapshot(include_restricted=include, as_of=as_of)
    try:
        p = plan_convening(G, size, B=svc.two_mode(include, as_of=as_of),
                           introductions=svc.introductions(include, as_of=as_of),
                           issue_area=issue_area, city=city, languages=languages,
                           must=_ids(must), exclude=_ids(exclude), seed=seed,
                           partition=svc.partition(include, seed, as_of))
    except ValueError as exc:
        raise GraphsvcError(str(exc), hint="Give --size at least 2 and at least the "
                            "number of --must actors.") from None
    if for_event:
        import datetime as dt

        from ..queries.introductions import kept_plan
        from .edit import _report
        from .principal import cli_graph_view

        change = cli_graph_view().keep_plan(for_event, kept_plan(p, dt.date.today().isoformat()),
                                            reason=reason)
        if output or fmt == "table":
            _report(change, f"kept the invitation list with event {for_event}")
        else:  # the plan goes to standard output: the note to standard error
            click.echo(f"kept the invitation list with event {for_event}", err=True)
    report = convening_report(G, p)
    report["as_of"] = as_of
    what = f"an invitation list of {len(p['invitees'])}"
    if fmt != "table":
        _emit(render_report(report, fmt, lang), output, what)
        return
    r = localised(report, lang)
    t = r["totals"]
    lines = []
    if r["illustrative"]:
        lines.append("ILLUSTRATIVE network: not facts about real organizations.")
    lines += [as_of_words(as_of),
              f"{len(r['invitees'])} invitees; first meetings: {t['pairs']} pairs, "
              f"{t['cross_border']} cross-border, {t['cross_silo']} cross-sector "
              f"(value {t['value']:.1f})"]
    if not r["co_participation"]:
        lines.append("No events or groups recorded: every untied pair counts as a "
                     "first meeting.")
    for i in r["invitees"]:
        lines.append(f"{i['rank']:>3}. {i['name']} ({i['id']}) {i['country'] or ''}  "
                     f"{i['value']:.1f}")
        lines += [f"       - {x['text']}" for x in i["reasons"]]
    for u in r["unmet"]:
        lines.append(f"Not met: {u['text']}")
    lines.append("Pairs expected to meet for the first time (best first):")
    for x in r["pairs"][:20]:
        tags = ", ".join(w for w, on in (("cross-border", x["cross_border"]),
                                          ("cross-sector", x["cross_silo"])) if on)
        lines.append(f"  {x['source_name']} <-> {x['target_name']}  {x['value']:.2f}"
                     + (f"  ({tags})" if tags else ""))
    _emit("\n".join(lines) + "\n", output, what)


COMMANDS = [convening]
