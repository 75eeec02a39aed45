"""``graphsvc survey``: network surveys at the console.

The same surveys as the web pages (kept in the accounts file): create one,
invite organisations (each gets a personal link, printed once), follow who
answered, review what they said (accepted proposals are written through
the editing path, in the history with path ``cli``), and write the results.
Commands act as ``cli:<login>`` and are audited like the web app's.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..ingest.safe_write import write_csv_rows
from ..model import STANDARD_QUESTIONS
from ..surveys import Surveys, review
from ..surveys.contacts import read_contacts
from ..surveys.results import results, results_csv, results_xlsx
from ..surveys.store import survey_from
from .principal import cli_actor, cli_graph_view, get_accounts


def _surveys() -> Surveys:
    return Surveys(get_accounts(click.get_current_context()))


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


@click.group()
def survey():
    """Network surveys: design, invite, follow, review, results."""


@survey.command("create")
@click.option("--title", "title_es", help="The title in Spanish.")
@click.option("--title-en", help="The title in English.")
@click.option("--opens", help="First day to answer (YYYY-MM-DD).")
@click.option("--closes", help="Last day to answer (YYYY-MM-DD).")
@click.option("--standard/--no-standard", default=True, show_default=True,
              help="Include the 2021 survey's standard questions.")
@click.option("--from", "from_file", type=click.Path(exists=True, dir_okay=False),
              help="A JSON file with the whole design (as the API takes it) instead.")
def create(title_es, title_en, opens, closes, standard, from_file):
    """Create a survey (with the roster question) and print its number."""
    if from_file:
        from ..ingest.bounded import loads_json

        data = loads_json(Path(from_file).read_bytes(), from_file)
        if not isinstance(data, dict):
            raise click.ClickException(f"{from_file}: the design must be a JSON object")
    else:
        data = {"title": {k: v for k, v in (("es", title_es), ("en", title_en)) if v},
                "opens": opens, "closes": closes,
                "questions": [{"id": q, "type": t} for q, (t, _o)
                              in STANDARD_QUESTIONS.items()] if standard else []}
    record = _surveys().create(survey_from(data), by=cli_actor())
    click.echo(f"Created survey {record.id}.")


@survey.command("list")
def list_():
    """Every survey: number, period, invited, submitted, response rate."""
    store = _surveys()
    for r in store.all():
        s = store.status(r.id)
        title = r.spec.title.get("es") or next(iter(r.spec.title.values()))
        click.echo(f"{r.id}\t{r.spec.opens}..{r.spec.closes}\t{store.period(r.spec)}\t"
                   f"invited {s['invited']}\tsubmitted {s['counts']['submitted']}\t"
                   f"{_pct(s['response_rate'])}\t{title}")


@survey.command("invite")
@click.argument("survey_id", type=int)
@click.option("--actor", "actors", multiple=True, help="An actor id to invite (repeat).")
@click.option("--contacts", type=click.Path(exists=True, dir_okay=False),
              help="A CSV or XLSX file: a column actor (id or name), a column contact.")
@click.option("--base-url", default="", help="The site's address, put before each link "
              "(e.g. https://graphsvc.example.org).")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Also write the links to this CSV file (actor, name, contact, link), "
              "for a mail merge.")
def invite(survey_id, actors, contacts, base_url, out):
    """Invite organisations; print each one's personal link (shown only now)."""
    view = cli_graph_view()
    if contacts:
        chosen = read_contacts(contacts, view, view.service.read_limits)
    elif actors:
        chosen = [(view.get_actor(a), None) for a in actors]
    else:
        raise click.UsageError("give --actor or --contacts")
    made = _surveys().invite(survey_id, chosen, by=cli_actor())
    _print_links(made, base_url, out)


def _print_links(made, base_url: str, out: str | None) -> None:
    rows = [(inv.actor_id, inv.name, inv.contact or "", f"{base_url.rstrip('/')}/s/{token}")
            for inv, token in made]
    for actor, _name, contact, link in rows:
        click.echo(f"{actor}\t{contact}\t{link}")
    if out:
        write_csv_rows(out, [("actor", "name", "contact", "link"), *rows])


@survey.command("new-link")
@click.argument("survey_id", type=int)
@click.argument("invitation", type=int)
@click.option("--base-url", default="", help="The site's address, put before the link.")
def new_link(survey_id, invitation, base_url):
    """A new link for one invitation (lost, or for a reminder); the old one
    stops working, answers saved are kept. INVITATION: its number, as
    'graphsvc survey status' prints it."""
    made = _surveys().reissue(survey_id, invitation, by=cli_actor())
    _print_links([made], base_url, None)


@survey.command("status")
@click.argument("survey_id", type=int)
def status(survey_id):
    """Where each invitation stands, and who to remind."""
    store = _surveys()
    s = store.status(survey_id)
    click.echo(f"invited {s['invited']}; " + "; ".join(
        f"{k} {v}" for k, v in s["counts"].items()) + f"; response rate "
        f"{_pct(s['response_rate'])}")
    for inv in store.to_remind(survey_id):
        click.echo(f"remind\t{inv.id}\t{inv.actor_id}\t{inv.state}\t{inv.contact or ''}")


@survey.command("proposals")
@click.argument("survey_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the queue as JSON.")
def proposals(survey_id, as_json):
    """The review queue: one line per organisation named (invitation, key,
    status, respondent, organisation named, duplicates, reciprocity)."""
    items = review.proposals(_surveys(), survey_id, cli_graph_view())
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    for p in items:
        like = ",".join(m["id"] for m in p["matches"])
        click.echo(f"{p['invitation']}\t{p['key']}\t{p['status']}\t{p['respondent']['id']}"
                   f"\t{p['named']['id'] or 'new: ' + str(p['named']['name'])}\t"
                   f"{p['entry']['kind']}\t{('like ' + like) if like else ''}\t"
                   f"{p['reciprocity'] or ''}")


@survey.command("accept")
@click.argument("survey_id", type=int)
@click.argument("invitation", type=int)
@click.argument("key")
@click.option("--match", help="An organisation not in the graph is this actor id.")
@click.option("--kind", "new_kind", help="Else create it with this actor kind.")
@click.option("--country", "new_country", help="... and this country (default: as answered).")
def accept(survey_id, invitation, key, match, new_kind, new_country):
    """Accept one proposal (from 'graphsvc survey proposals')."""
    got = review.accept(_surveys(), cli_graph_view(), survey_id, invitation, key,
                        {"match": match, "new_kind": new_kind, "new_country": new_country},
                        path="cli")
    click.echo(f"Accepted: tie {got['tie']}" + (f"; actor {got['actor_created']} created"
                                                 if got["actor_created"] else ""))


@survey.command("reject")
@click.argument("survey_id", type=int)
@click.argument("invitation", type=int)
@click.argument("key")
def reject(survey_id, invitation, key):
    """Reject one proposal: nothing is written to the graph."""
    review.reject(_surveys(), cli_graph_view(), survey_id, invitation, key)
    click.echo("Rejected.")


@survey.command("results")
@click.argument("survey_id", type=int)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False),
              help="Write the indicators to this CSV file.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False),
              help="Write indicators, answers and organisations named to this workbook.")
def results_(survey_id, csv_path, xlsx_path):
    """Response rate and the indicators beside 2021 and the graph."""
    store, view = _surveys(), cli_graph_view()
    page = results(store, survey_id, view)
    click.echo(f"response rate {_pct(page['status']['response_rate'])} "
               f"({page['status']['counts']['submitted']} of {page['status']['invited']})")
    click.echo("indicator\tanswers\tgraph\t2021")
    for r in page["indicators"]:
        click.echo(f"{r['name']}\t{_pct(r['value'])}\t{_pct(r['graph'])}\t"
                   f"{_pct(r['survey_2021'])}")
    for f in page["answers"]["figures"]:
        click.echo(f"{f['name']}\t{_pct(f['value'])}\t-\t{_pct(f['survey_2021'])}")
    if csv_path:
        Path(csv_path).write_text(results_csv(store, survey_id, view), encoding="utf-8")
    if xlsx_path:
        results_xlsx(store, survey_id, view, xlsx_path)
    if csv_path or xlsx_path:
        view.audit_export(f"survey:{survey_id}", {"csv": csv_path, "xlsx": xlsx_path})


COMMANDS = [survey]
