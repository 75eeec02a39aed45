"""The network over time from the command line: ``--as-of``/``--all-time`` on
every command that reads the graph, and ``changes``, ``trends`` and
``funnel``.

Every command reads the graph as of a day (ties in force that day, see
:mod:`graphsvc.snapshot`): today unless ``--as-of YYYY-MM-DD`` names
another, or ``--all-time`` asks for every tie ever recorded. The day is
stated on standard error (and in JSON outputs), so no figure is read
without it.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
from pathlib import Path

import click

from ..snapshot import ALL_TIME, as_of_key
from .common import cli_lang, get_service

__all__ = ["as_of_option", "as_of_words", "note_as_of", "COMMANDS"]


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date: write it YYYY-MM-DD "
                                 "(e.g. 2021-12-31)") from None


def as_of_option(f):
    """Add ``--as-of DATE`` and ``--all-time``; the command gets ``as_of``:
    the day (ISO) or ``"all"``, today by default."""

    @click.option("--as-of", "as_of_day", callback=_date, metavar="YYYY-MM-DD",
                  help="Read the graph as it was on this day: the ties in force then "
                  "(default: today).")
    @click.option("--all-time", is_flag=True,
                  help="Count every tie ever recorded, ended or not.")
    @functools.wraps(f)
    def wrapper(*args, as_of_day=None, all_time=False, **kwargs):
        if as_of_day and all_time:
            raise click.UsageError("give --as-of or --all-time, not both")
        return f(*args, as_of=ALL_TIME if all_time else as_of_key(as_of_day), **kwargs)

    return wrapper


def as_of_words(as_of: str) -> str:
    """The as-of day in a sentence."""
    if as_of == ALL_TIME:
        return "All time: every tie ever recorded, ended or not."
    return f"As of {as_of}: the ties in force that day."


def note_as_of(as_of: str) -> None:
    """State the as-of day on standard error."""
    click.echo(as_of_words(as_of), err=True)


def _note_illustrative(service) -> bool:
    from .metrics import ILLUSTRATIVE_NOTE

    if service.illustrative:
        click.echo(ILLUSTRATIVE_NOTE, err=True)
        return True
    return False


def _write(text: str, output: str | None, what: str) -> None:
    if output and output != "-":
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {what} to {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def _csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: "" if r.get(k) is None else r.get(k) for k in columns})
    return buf.getvalue()



_PUBLIC_ONLY = click.option("--public-only", is_flag=True,
                            help="Leave out restricted actors and ties.")


@click.command()
@click.option("--from", "day1", required=True, callback=_date, metavar="YYYY-MM-DD",
              help="The earlier day.")
@click.option("--to", "day2", callback=_date, metavar="YYYY-MM-DD",
              help="The later day (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json", "html"]),
              default="text", show_default=True,
              help="csv: one row per tie begun or ended.")
@click.option("--output", "-o", metavar="PATH", help="Write to this file.")
@click.option("--lang", type=click.Choice(["en", "es"]), default=None,
              help="Language of the html report; default: graphsvc --lang, else the "
              "locale (LANG).")
@_PUBLIC_ONLY
def changes(day1, day2, fmt, output, lang, public_only):
    """What changed between two days.

    Ties begun and ended, actors who joined or left, each survey indicator
    on both days with the difference, the actors whose betweenness,
    brokerage or constraint moved most, communities merged or split, and
    the introductions recorded in between (and whether each became a tie).

    \b
    Example:
      graphsvc changes --from 2018-01-01 --to 2024-12-31 --format json
    """
    from ..timeline import changes_report

    service = get_service(click.get_current_context())
    illustrative = _note_illustrative(service)
    day2 = day2 or as_of_key(None)
    if not day1 < day2:
        raise click.BadParameter("--from must be before --to", param_hint="--from")
    report = changes_report(service, not public_only, day1, day2)
    report["illustrative"] = illustrative
    if fmt == "json":
        _write(json.dumps(report, ensure_ascii=False, indent=1) + "\n", output, "changes")
    elif fmt == "csv":
        rows = [{"change": "begun", **r} for r in report["ties_begun"]]
        rows += [{"change": "ended", **r} for r in report["ties_ended"]]
        _write(_csv(rows, ["change", "id", "source", "target", "source_name",
                           "target_name", "kind", "subtype", "since", "until"]),
               output, f"{len(rows)} tie changes")
    elif fmt == "html":
        from ..web.reports import render_time_report

        _write(render_time_report("changes", report, cli_lang(lang)), output, "changes")
    else:
        _write(_changes_text(report), output, "changes")


def _num(x) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}" if abs(x) < 10 and x != int(x) else f"{x:g}"


def _changes_text(r: dict) -> str:
    lines = []
    if r.get("illustrative"):
        lines.append("ILLUSTRATIVE network: not facts about real organizations.")
    lines.append(f"Changes from {r['from']} to {r['to']}")
    lines.append(f"Ties begun: {len(r['ties_begun'])}; ended: {len(r['ties_ended'])}; "
                 f"actors joined: {len(r['actors_joined'])}; left: {len(r['actors_left'])}")
    for what in ("ties_begun", "ties_ended"):
        for t in r[what]:
            lines.append(f"  {'+' if what == 'ties_begun' else '-'} {t['kind']:8} "
                         f"{t['source_name']} -- {t['target_name']}  "
                         f"({t['since'] or '?'} to {t['until'] or 'open'})")
    lines.append("Indicators (from -> to, difference):")
    for i in r["indicators"]:
        lines.append(f"  {i['name']:32} {_num(i['from']):>8} -> {_num(i['to']):>8}  "
                     f"{_num(i['difference'])}")
    for col, rows in r["metrics"].items():
        if rows:
            lines.append(f"Largest changes in {col}:")
            for m in rows:
                lines.append(f"  {m['name']} ({m['id']}): {_num(m['from'])} -> "
                             f"{_num(m['to'])}")
    comm = r.get("communities") or {}
    for m in comm.get("merged", []):
        lines.append(f"Communities {m['from']} merged into {m['into']}")
    for s in comm.get("split", []):
        lines.append(f"Community {s['from']} split into {s['into']}")
    lines.append(f"Introductions recorded in between: {len(r['introductions'])}")
    for i in r["introductions"]:
        lines.append(f"  {i['recorded_on']} {i['status']:9} {i['source_name']} -- "
                     f"{i['target_name']}: {'became a tie' if i['became_tie'] else 'no tie'}")
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--period", type=click.Choice(["year", "quarter"]),
              help="One point per year or quarter (default: chosen by the data's span).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@click.option("--output", "-o", metavar="PATH", help="Write to this file.")
@_PUBLIC_ONLY
def trends(period, fmt, output, public_only):
    """Each indicator (density, components, E-I index...) over time.

    One point at the end of each year or quarter since the earliest date in
    the graph, and today; the survey's 2021 figures beside them.
    """
    from ..timeline import trends_report

    service = get_service(click.get_current_context())
    illustrative = _note_illustrative(service)
    report = trends_report(service, not public_only, period=period)
    report["illustrative"] = illustrative
    if fmt == "json":
        _write(json.dumps(report, ensure_ascii=False, indent=1) + "\n", output, "trends")
        return
    names = [s["name"] for s in report["series"]]
    rows = [{"date": d, **{s["name"]: s["values"][i] for s in report["series"]}}
            for i, d in enumerate(report["dates"])]
    if fmt == "csv":
        _write(_csv(rows, ["date", *names]), output, f"{len(rows)} points")
        return
    lines = [f"{len(rows)} points, by {report['period']}"]
    for s in report["series"]:
        ref = "" if s["survey"] is None else f"  (survey 2021: {_num(s['survey'])})"
        lines.append(f"{s['name']}{ref}")
        lines.append("  " + "  ".join(f"{d}: {_num(v)}"
                                      for d, v in zip(report["dates"], s["values"])))
    _write("\n".join(lines) + "\n", output, "trends")


@click.command()
@click.option("--from", "start", callback=_date, metavar="YYYY-MM-DD",
              help="First day of the period (default: a year before --to).")
@click.option("--to", "end", callback=_date, metavar="YYYY-MM-DD",
              help="Last day of the period (default: today).")
@click.option("--months", type=click.IntRange(1, 12), default=None,
              help="Months after the introduction at which a tie must be in force "
              "(default: the FUNNEL_MONTHS setting, 6).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]),
              default="text", show_default=True, help="csv: one row per pair.")
@click.option("--output", "-o", metavar="PATH", help="Write to this file.")
@_PUBLIC_ONLY
def funnel(start, end, months, fmt, output, public_only):
    """The introductions funnel: proposed, made, a tie N months later, still a
    year later; with the list of pairs. What a mechanism reports to funders."""
    from ..timeline import funnel_report

    service = get_service(click.get_current_context())
    illustrative = _note_illustrative(service)
    end = end or as_of_key(None)
    start = start or (dt.date.fromisoformat(end) - dt.timedelta(days=365)).isoformat()
    if start > end:
        raise click.BadParameter("--from must not be after --to", param_hint="--from")
    report = funnel_report(service, not public_only, start, end, months)
    report["illustrative"] = illustrative
    if fmt == "json":
        _write(json.dumps(report, ensure_ascii=False, indent=1) + "\n", output, "funnel")
        return
    if fmt == "csv":
        _write(_csv(report["pairs"], list(report["pairs"][0]) if report["pairs"]
                    else ["source", "target"]), output, f"{len(report['pairs'])} pairs")
        return
    c, p = report["counts"], report["pending"]
    lines = [f"Introductions recorded {report['start']} to {report['end']} "
             f"(checked on {report['today']}):",
             f"  proposed              {c['proposed']}",
             f"  made                  {c['made']}",
             f"  tie after {report['months']:>2} months    {c['tie_after_months']}"
             f"  (too recent to tell: {p['tie_after_months']})",
             f"  still a tie a year on {c['tie_after_year']}"
             f"  (too recent to tell: {p['tie_after_year']})",
             f"  declined              {report['declined']}"]
    for r in report["pairs"]:
        lines.append(f"  {r['first_recorded']} {r['source_name']} -- {r['target_name']}: "
                     f"{r['status']}" + (f", made {r['made_on']}" if r["made_on"] else ""))
    _write("\n".join(lines) + "\n", output, "funnel")


COMMANDS = [changes, trends, funnel]
