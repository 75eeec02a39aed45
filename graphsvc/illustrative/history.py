"""Dates for the illustrative network: a plausible history, invented.

The generator's ties describe the network at the time of the 2021 survey.
This pass gives it a past and a present, with its own seeded random source
(so the ties themselves are those the survey shaped):

- the workshops and forums the reports date (Tijuana 2017, Monterrey 2018)
  begin then;
- a few agreements ended before the survey (among them SICA's cooperation
  MoU with UNHCR, ended in 2017);
- some ties ended after it, from 2022 to 2024 (contacts that faded,
  agreements not renewed);
- facilitators recorded introductions from 2022 to 2024, mostly of Mexican
  civil-society organizations to US policymakers through a US organization
  both know; most were made and became informal ties (a few of those ended
  within the year), some were only proposed, one was declined.

The survey's figures hold on :data:`SURVEY_DAY`, the last day of the
survey's year: every tie the survey shaped is in force then, and neither
the agreements ended earlier nor the later introductions touch the
survey's indicators that day.
"""
from __future__ import annotations

import datetime as dt
import random

from ..model import CIVIL_SOCIETY_KINDS, Actor, Introduction, Tie
from .events import MONTERREY_DAY, TIJUANA_DAY
from .ties import _TieMaker

__all__ = ["SURVEY_DAY", "INTRODUCTION_NOTE", "add_history"]

#: The day the survey's figures hold for in the illustrative network.
SURVEY_DAY = "2021-12-31"
#: The note every illustrative introduction record carries (and starts with).
INTRODUCTION_NOTE = "Illustrative introduction, invented: not a record of a real one."

#: The workshops' ties begin on the workshops' days (May 2017 and May 2018, as
#: the reports say; the day invented, :mod:`graphsvc.illustrative.events`).
_DATED_EVENTS = {"(2017)": TIJUANA_DAY, "(2018)": MONTERREY_DAY}


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randint(9, 17),
                       rng.choice((0, 15, 30, 45)), tzinfo=dt.UTC)


def add_history(actors: list[Actor], ties: list[Tie], seed: int
                ) -> tuple[list[Tie], list[Introduction]]:
    """The ties with dates, plus the introduction ties, sorted by id; and
    the introduction records, oldest first."""
    rng = random.Random(f"graphsvc-illustrative-history-{seed}")
    attrs = {a.id: a.to_record() for a in actors}
    out = {str(t.id): t for t in ties}

    def date(t: Tie, **kw) -> None:
        out[str(t.id)] = t.model_copy(update=kw)

    # Dated events begin on their day.
    for t in ties:
        for mark, day in _DATED_EVENTS.items():
            if t.note and mark in t.note and t.since is None:
                date(t, since=day)
    # Agreements ended before the survey: SICA's MoU with UNHCR, and a few
    # local coalition MoUs between Mexican organizations.
    mx = {i for i, a in attrs.items()
          if a["country"] == "MX" and a["kind"] in CIVIL_SOCIETY_KINDS}
    ended_early = [t for t in ties if t.subtype == "mou" and t.kind == "formal"
                   and ({t.source, t.target} == {"sica", "unhcr"}
                        or {t.source, t.target} <= mx)]
    early = [t for t in ended_early if "sica" in (t.source, t.target)]
    local = [t for t in ended_early if t not in early]
    early += rng.sample(local, min(2, len(local)))
    for t in early:
        until = _month_end(rng.choice((2016, 2017)), rng.randint(1, 12))
        if "sica" in (t.source, t.target):
            until = dt.date(2017, 6, 30)
        since = out[str(t.id)].since
        if since is None or since >= until:
            since = dt.date(until.year - rng.randint(2, 4), rng.randint(1, 12), 1)
        date(out[str(t.id)], since=since, until=until)
    # Ties that ended after the survey, 2022-2024.
    done = {t.id for t in early}
    later = [t for t in ties if t.kind in ("formal", "informal") and t.id not in done
             and t.subtype not in ("employment",)]
    for t in rng.sample(later, max(1, len(later) // 16)):
        date(out[str(t.id)], until=_month_end(rng.randint(2022, 2024), rng.randint(1, 12)))

    intros = _introductions(rng, seed, attrs, list(out.values()), out)
    return [out[k] for k in sorted(out)], intros


def _introductions(rng: random.Random, seed: int, attrs: dict, ties: list[Tie],
                   out: dict[str, Tie]) -> list[Introduction]:
    """Introductions of Mexican civil society to US policymakers through a
    US organization tied to both; the made ones become informal ties."""
    maker = _TieMaker(rng, seed, attrs)
    neighbours: dict[str, set] = {}
    for t in ties:
        neighbours.setdefault(t.source, set()).add(t.target)
        neighbours.setdefault(t.target, set()).add(t.source)

    def kind(i):
        return attrs[i]["kind"]

    def country(i):
        return attrs[i]["country"]

    triples = []
    for a in sorted(attrs):
        if country(a) != "MX" or kind(a) not in CIVIL_SOCIETY_KINDS:
            continue
        for b in sorted(neighbours.get(a, ())):
            if country(b) != "US" or kind(b) not in (*CIVIL_SOCIETY_KINDS, "network"):
                continue
            for p in sorted(neighbours.get(b, ())):
                if country(p) == "US" and kind(p) in ("government", "official") \
                        and p not in neighbours.get(a, ()):
                    triples.append((a, p, b))
    seen: set = set()
    chosen: list[tuple[str, str, str]] = []
    for a, p, b in rng.sample(triples, len(triples)):
        if (a, p) in seen or a in {x for x, _p, _b in chosen}:
            continue
        seen.add((a, p))
        chosen.append((a, p, b))
        if len(chosen) == 12:
            break
    records: list[Introduction] = []
    start, span = dt.date(2022, 1, 10), (dt.date(2024, 9, 30) - dt.date(2022, 1, 10)).days
    outcomes = ["made"] * 8 + ["proposed"] * 3 + ["declined"]
    for (a, p, b), outcome in zip(sorted(chosen), rng.sample(outcomes, len(outcomes))):
        proposed = start + dt.timedelta(days=rng.randint(0, span))
        records.append(Introduction(source=a, target=p, via=b, status="proposed",
                                    note=INTRODUCTION_NOTE, recorded_at=_at(proposed, rng)))
        if outcome == "proposed":
            continue
        later = proposed + dt.timedelta(days=rng.randint(20, 90))
        records.append(Introduction(source=a, target=p, via=b, status=outcome,
                                    note=INTRODUCTION_NOTE, recorded_at=_at(later, rng)))
        if outcome == "made":
            tie = Tie(source=a, target=p, kind="informal", subtype="introduction",
                      provenance="illustrative", source_ref=maker.ref,
                      visibility="restricted" if maker.sensitive(a, p, "informal")
                      else "public",
                      strength=round(rng.uniform(0.2, 0.6), 2), since=later,
                      note=f"Illustrative, not a record of a real relationship: "
                      f"introduced through {attrs[b]['name']}.")
            out[str(tie.id)] = tie
    # Two of the made ties did not last: one ended within six months, one
    # within the year.
    made = sorted((t for t in out.values() if t.subtype == "introduction"),
                  key=lambda t: str(t.id))
    for t, months in zip(rng.sample(made, min(2, len(made))), (3, 9)):
        assert t.since is not None
        m0 = t.since.month - 1 + months
        until = _month_end(t.since.year + m0 // 12, m0 % 12 + 1)
        out[str(t.id)] = t.model_copy(update={"until": until})
    return sorted(records, key=lambda r: (r.recorded_at, r.source, r.target))
