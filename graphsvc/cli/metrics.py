"""``graphsvc metrics``, ``indicators``, ``communities`` and ``influence``.

Analyses of the current graph from the command line: the per-actor metric
table for Gephi, R or pandas, the survey indicators, the silo view and an
actor's routes to policymakers and funders.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import click
import pandas as pd

from ..errors import GraphsvcError, NotFound
from ..ingest.safe_write import csv_text, frame_rows, write_csv_rows, write_xlsx
from .common import get_service, policymaker_options
from .time import as_of_option, as_of_words

ILLUSTRATIVE_NOTE = ("Illustrative network: invented ties, not fact about real "
                     "organizations' relationships.")
_KINDS = ("formal", "informal", "funding", "co_participation")


def _kinds(ctx, param, value):
    if not value:
        return None
    kinds = [k.strip().lower() for v in value for k in v.split(",") if k.strip()]
    bad = [k for k in kinds if k not in _KINDS]
    if bad:
        raise click.BadParameter(f"unknown tie kind '{bad[0]}': use formal, informal, "
                                 "funding or co_participation (repeat the option or "
                                 "separate with commas)")
    return sorted(set(kinds), key=_KINDS.index)


def public_only_option(f):
    return click.option("--public-only", is_flag=True,
                        help="Leave out restricted actors and ties.")(f)


def seed_option(f):
    return click.option("--seed", type=int, default=0, show_default=True,
                        help="Seed for Louvain and for sampling.")(f)


def projection_options(f):
    f = click.option("--kinds", "--layers", "kinds", multiple=True, callback=_kinds,
                     metavar="KIND[,KIND]",
                     help="Tie kinds (layers) that count: formal, informal, funding, "
                     "co_participation (default formal, informal and funding: shared "
                     "events and groups count only when named).")(f)
    f = click.option("--directed/--undirected", default=False, show_default=True,
                     help="Whether funding direction (funder -> recipient) matters.")(f)
    f = click.option("--combine", type=click.Choice(["sum", "max"]), default="sum",
                     show_default=True,
                     help="How the weights of parallel ties between a pair combine.")(f)
    return public_only_option(f)


def _note_illustrative(service) -> bool:
    if service.illustrative:
        click.echo(ILLUSTRATIVE_NOTE, err=True)
        return True
    return False


def _jsonable(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    if hasattr(x, "item"):
        return _jsonable(x.item())
    return x


def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    for idx, row in zip(df.index, df.to_dict("records")):
        rec = {df.index.name or "id": _jsonable(idx)}
        rec.update({k: _jsonable(v) for k, v in row.items()})
        out.append(rec)
    return out


def _write(write, output) -> None:
    try:
        write()
    except OSError as exc:
        raise GraphsvcError(f"cannot write {output}: {exc.strerror or exc}.",
                            hint="Check that the folder exists and is writable.") from None


def _infer_format(fmt, output):
    if fmt:
        return fmt
    if output == "-":
        return "csv"
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix not in ("csv", "xlsx", "json"):
        # as export does: never write one format under another's name
        raise click.UsageError(f"cannot tell the format from '{output}': give --format "
                               "csv, xlsx or json, or name the file .csv, .xlsx or .json.")
    return suffix


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]),
              help="Output format (default: from the file name; csv on standard output).")
@click.option("--output", "-o", required=True, metavar="PATH",
              help="File to write; '-' writes csv or json to standard output.")
@projection_options
@seed_option
@click.option("--group-by", default="country", show_default=True,
              help="Actor attribute defining groups for brokerage roles "
                   "(country, kind, city, region...), or community.")
@click.option("--sample", type=click.IntRange(min=2), default=None, metavar="K",
              help="Estimate betweenness, closeness and harmonic from K sampled "
                   "actors (for large graphs); default exact.")
@click.option("--reach", type=click.IntRange(min=1), default=2, show_default=True,
              help="Steps for the reach_<n> column.")
@as_of_option
def metrics(fmt, output, kinds, directed, combine, seed, public_only, group_by, sample,
            reach, as_of):
    """Write every per-actor metric with the actor's attributes.

    One row per actor; docs/metrics.md lists and defines the columns.
    """
    fmt = _infer_format(fmt, output)
    if fmt == "xlsx" and output == "-":
        raise click.BadParameter("xlsx cannot go to standard output: give a file name",
                                 param_hint="--output")
    service = get_service(click.get_current_context())
    illustrative = _note_illustrative(service)
    G = service.snapshot(include_restricted=not public_only, as_of=as_of)
    if (group_by != "community" and len(G)
            and group_by not in {k for _, a in G.nodes(data=True) for k in a}):
        raise click.BadParameter(f"no actor has the attribute '{group_by}': use country, "
                                 "kind, city or region", param_hint="--group-by")
    df = service.analysis("actor_metrics", include_restricted=not public_only, as_of=as_of,
                          kinds=kinds,
                          directed=directed, combine=combine, group_by=group_by, k=sample,
                          seed=seed, reach=reach)
    about = {"illustrative": illustrative, "version": df.attrs.get("version"),
             "as_of": as_of,
             "parameters": {k: v for k, v in df.attrs.items()
                            if k not in ("version", "illustrative")}}
    if fmt == "json":
        text = json.dumps({**about, "actors": _records(df)}, ensure_ascii=False, indent=1)
        if output == "-":
            click.echo(text)
        else:
            _write(lambda: Path(output).write_text(text + "\n", encoding="utf-8"), output)
    elif fmt == "csv":
        out = df.copy()
        if illustrative:
            out.insert(0, "dataset", "illustrative")
        if output == "-":
            click.echo(csv_text(frame_rows(out)), nl=False)
        else:
            _write(lambda: write_csv_rows(output, frame_rows(out), lineterminator="\n"),
                   output)
    else:
        rows = [("key", "value"), ("illustrative", str(illustrative)),
                ("version", str(about["version"])), ("as_of", as_of)]
        rows += [(k, json.dumps(v)) for k, v in about["parameters"].items()]
        if illustrative:
            rows.insert(1, ("note", ILLUSTRATIVE_NOTE))
        # One workbook, written whole or not at all: the actors and the
        # "about" sheet (which says when the network is illustrative).
        _write(lambda: write_xlsx(output, [("actors", frame_rows(df)), ("about", rows)]),
               output)
    if output != "-":
        click.echo(f"wrote {len(df)} actors x {df.shape[1]} columns to {output} ({fmt}); "
                   + as_of_words(as_of)[0].lower() + as_of_words(as_of)[1:], err=True)
    elif fmt == "csv":
        click.echo(as_of_words(as_of), err=True)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@click.option("--unhcr", multiple=True, metavar="ID",
              help="Actor ids that are UNHCR (default: matched by id, acronym or name).")
@click.option("--iom", multiple=True, metavar="ID",
              help="Actor ids that are IOM (default: matched by id, acronym or name).")
@click.option("--public-only", is_flag=True, help="Leave out restricted actors and ties.")
@as_of_option
def indicators(fmt, unhcr, iom, public_only, as_of):
    """Print the cross-border indicators beside the 2021 survey's figures."""
    service = get_service(click.get_current_context())
    illustrative = _note_illustrative(service)
    df = service.analysis("indicators", include_restricted=not public_only, as_of=as_of,
                          unhcr=list(unhcr) or None, iom=list(iom) or None)
    if fmt == "json":
        click.echo(json.dumps({"illustrative": illustrative, "as_of": as_of,
                               "indicators": _records(df)},
                              ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        out = df.copy()
        out.insert(0, "as_of", as_of)
        click.echo(csv_text(frame_rows(out)), nl=False)
        return
    click.echo(as_of_words(as_of))
    for name, r in df.iterrows():
        value = "-" if r["value"] is None or pd.isna(r["value"]) else _fmt_value(name, r["value"])
        survey = "" if pd.isna(r["survey"]) else f"  (survey: {r['survey']:.0%})"
        ratio = ("" if name == "components"
                 else f"  = {r['numerator']:g} / {r['denominator']:g}")
        click.echo(f"{name:32} {value:>8}{ratio}{survey}")
        click.echo(f"    {r['definition']}")


def _fmt_value(name, v):
    if name in ("components",):
        return f"{v:g}"
    if name.startswith("ei_index") or name == "density":
        return f"{v:.3f}"
    return f"{v:.0%}"


@click.command()
@projection_options
@seed_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@as_of_option
def communities(kinds, directed, combine, seed, public_only, fmt, as_of):
    """Print the Louvain communities with their mix of countries, kinds and issues.

    The communities are the snapshot's one partition (seeded Louvain over
    every tie), the same the web app and the metrics show; --kinds,
    --directed and --combine choose the ties counted inside and between them.
    """
    from ..queries import communities as C
    from ..queries.projection import project

    service = get_service(click.get_current_context())
    illustrative = _note_illustrative(service)
    H = project(service.with_layers(not public_only, as_of, kinds),
                kinds=kinds, directed=directed, combine=combine)
    part = service.partition(include_restricted=not public_only, seed=seed, as_of=as_of)
    if not part:
        if fmt == "json":
            click.echo(json.dumps({"illustrative": illustrative, "as_of": as_of,
                                   "modularity": None, "seed": seed, "communities": []},
                                  indent=1))
        elif fmt == "table":
            click.echo(as_of_words(as_of))
            click.echo("No actors, so no communities: import actors and ties first "
                       "(graphsvc import --help).")
        return
    prof = C.community_profile(H, part)
    q = C.modularity(H, part) if H.number_of_edges() else float("nan")
    if fmt == "json":
        click.echo(json.dumps({"illustrative": illustrative, "as_of": as_of,
                               "modularity": _jsonable(q), "seed": seed,
                               "communities": _records(prof)}, ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        out = prof.copy()
        out.insert(0, "as_of", as_of)
        click.echo(csv_text(frame_rows(out)), nl=False)
        return
    click.echo(as_of_words(as_of))
    click.echo(f"{len(prof)} communities, modularity {q:.3f} (Louvain, seed {seed})"
               .replace("modularity nan", "no ties"))
    for c, r in prof.iterrows():
        click.echo(f"[{c}] {r['size']} actor(s), {r['internal_ties']} ties inside, "
                   f"{r['external_ties']} out; countries: {r['countries']}")
        click.echo(f"    kinds: {r['kinds']}")
        click.echo(f"    issues: {r['issue_areas'] or '-'}")


@click.command()
@click.argument("actor")
@projection_options
@click.option("--reach", type=click.IntRange(min=1), default=2, show_default=True)
@policymaker_options("paths")
@as_of_option
def influence(actor, kinds, directed, combine, public_only, reach, policymakers, level,
              as_of):
    """Print ACTOR's shortest and most trusted paths to policymakers (US by
    default; --policymakers MX, other or all) and funders."""
    from ..model import check_policymakers
    from ..queries import influence as F
    from ..queries.projection import project

    service = get_service(click.get_current_context())
    _note_illustrative(service)
    H = project(service.with_layers(not public_only, as_of, kinds),
                kinds=kinds, directed=directed, combine=combine)
    if actor not in H:
        raise NotFound(f"no actor with id '{actor}'",
                       hint="Use an actor id as stored (see the actors list).")
    def name(node) -> str:
        return str(H.nodes[node].get("name") or node)

    from ..web.reports import influence_lines
    from .common import cli_lang

    click.echo(as_of_words(as_of))
    side, level = check_policymakers(policymakers, level)
    target = next(t for t, s in F.TARGET_SETS.items() if s == side)
    rows = []
    for _, r in F.influence_paths(H, actor, (target, "funders"), level=level).iterrows():
        found = not (r["target"] is None or pd.isna(r["target"]))
        # ids never hold spaces (graphsvc.model), so the path splits on " > "
        rows.append({"targets": r["targets"], "route": r["route"],
                     "names": [name(n) for n in str(r["path"]).split(" > ")] if found
                     else None, "hops": int(r["hops"]) if found else 0,
                     "kinds": str(r["kinds"]).split(" > ") if found else [],
                     "cost": float(r["cost"]) if found else 0.0})
    rr = F.reach(H, actor, k=reach)
    for line in influence_lines(f"{name(actor)} ({actor})", rows, {
            "k": reach, "total": rr.total, "by_step": rr.by_step,
            "policymakers": [name(n) for n in rr.policymakers],
            "funders": [name(n) for n in rr.funders]}, cli_lang()):
        click.echo(line)


COMMANDS = [metrics, indicators, communities, influence]
