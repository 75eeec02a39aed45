"""Reports of suggestions and plans: one data dict feeds JSON, CSV and HTML.

:func:`suggestions_report` and :func:`plan_report` gather what a facilitator
needs (who, why, through whom, what the score means, whether the data is
illustrative); :func:`report_json`, :func:`report_csv` and
:func:`render_report_html` render it. The HTML template autoescapes every
value, so names and notes from imported files cannot inject markup.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import jinja2

from ...model import ACTOR_KINDS
from .candidates import MODES
from .scoring import WEIGHTS

__all__ = ["suggestions_report", "plan_report", "report_json", "report_csv",
           "render_report_html"]

PART_LABELS = {
    "common_contacts": ("Contactos en común", "Contacts in common"),
    "issue_areas": ("Mismos temas", "Same issue areas"),
    "populations": ("Mismas poblaciones", "Same populations"),
    "phases": ("Mismas fases", "Same migration phases"),
    "geography": ("Ciudades contrapartes", "Counterpart cities"),
    "funding_channel": ("Mismo canal de financiamiento", "Same funding channel"),
    "bridge": ("Une dos grupos", "Bridges two groups"),
}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _actor(G, n) -> dict:
    a = G.nodes[n]
    return {"id": n, "name": a.get("name") or n, "kind": a.get("kind"),
            "kind_text": ACTOR_KINDS.get(a.get("kind"), a.get("kind")),
            "country": a.get("country"), "city": a.get("city")}


def _meta(G) -> dict:
    return {"illustrative": G.graph.get("illustrative") == "true",
            "version": G.graph.get("version"), "generated": _now(),
            "weights": [{"code": c, "weight": w, "label_es": PART_LABELS[c][0],
                         "label_en": PART_LABELS[c][1]} for c, w in WEIGHTS.items()]}


def suggestions_report(G, actor, suggestions: list[dict], *, mode: str = "open",
                       filters: dict | None = None) -> dict:
    """Everything a per-actor report shows, as plain data."""
    return {"type": "suggestions", **_meta(G), "actor": _actor(G, actor),
            "mode": mode, "mode_text": MODES.get(mode, mode),
            "filters": {k: v for k, v in (filters or {}).items() if v},
            "suggestions": suggestions}


def plan_report(G, plan: dict) -> dict:
    """Everything a plan report shows, as plain data."""
    return {"type": "plan", **_meta(G), **plan}


def report_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, default=str)


def _cell(value):
    # Spreadsheet programs run cells starting with = + - @ as formulas.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _broker_cols(b):
    if not b:
        return ["", "", "", ""]
    return [b["type"], b["broker"], b["name"], " → ".join(b["names"])]


def report_csv(report: dict) -> str:
    """One row per suggestion or planned introduction."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if report["type"] == "suggestions":
        w.writerow(["rank", "actor", "name", "kind", "country", "city", "score",
                    "reasons", "broker_type", "broker", "broker_name", "broker_path",
                    "proposed", "illustrative"])
        for s in report["suggestions"]:
            w.writerow([_cell(x) for x in [
                s["rank"], s["actor"], s["name"], s["kind"], s["country"], s["city"] or "",
                s["score"], "; ".join(r["text"] for r in s["reasons"]),
                *_broker_cols(s["broker"]), s["proposed"], report["illustrative"]]])
    else:
        w.writerow(["rank", "source", "source_name", "target", "target_name", "gain",
                    "indicator_after", "score", "reasons", "broker_type", "broker",
                    "broker_name", "broker_path", "illustrative"])
        for s in report["steps"]:
            w.writerow([_cell(x) for x in [
                s["rank"], s["source"], s["source_name"], s["target"], s["target_name"],
                s["gain"], s.get("indicator_after", ""), s["score"],
                "; ".join(r["text"] for r in s["reasons"]), *_broker_cols(s["broker"]),
                report["illustrative"]]])
    return out.getvalue()


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=True,  # every value is escaped; the template never uses |safe
    undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True,
)
_ENV.filters["pct"] = lambda x: f"{100 * x:.1f}%"


def render_report_html(report: dict) -> str:
    """A printable, self-contained HTML page for a suggestions or plan report.

    Headings are in Spanish and English; an illustrative dataset is labelled
    as such at the top of the page and in the title.
    """
    return _ENV.get_template("introductions_report.html").render(r=report)
