"""How long the survey pages take, and how large the answer page is.

Usage: python scripts/bench_surveys.py [--runs 5] [--actors 2000] [--responses 100]

Through Flask's test client against a real SQLite store holding a synthetic
network of ``--actors`` public actors (the roster offers every public name,
so the answer page grows with them), a survey with ``--responses``
submitted answers naming five organisations each (one not in the graph).
Prints, per page, wall-clock median, min and max and the CPU time beside
it over ``--runs`` runs, and the answer page's size.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from web_bench_client import signed_in_client  # noqa: E402

from graphsvc.model import RosterEntry, Survey, SurveyAnswers  # noqa: E402
from graphsvc.service import GraphService  # noqa: E402
from graphsvc.stores.sqlite import SQLiteStore  # noqa: E402
from graphsvc.surveys import Surveys  # noqa: E402
from graphsvc.synthetic import fill_store  # noqa: E402
from graphsvc.web import create_app  # noqa: E402


def timed(client, path, runs):
    wall, cpu, size = [], [], 0
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        r = client.get(path)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        assert r.status_code == 200, (path, r.status_code)
        size = len(r.get_data())
    return wall, cpu, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--actors", type=int, default=2000)
    ap.add_argument("--responses", type=int, default=100)
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.db"
        store = fill_store(SQLiteStore(path), args.actors)
        app = create_app({"DB": str(path), "ACCOUNTS_DB": str(Path(tmp) / "acc.db"),
                          "TESTING": True, "SURVEY_RATE_LIMIT": "100000 per minute"},
                         service=GraphService(store))
        accounts = app.extensions["graphsvc.accounts"]
        surveys = Surveys(accounts)
        today = time.strftime("%Y-%m-%d")
        record = surveys.create(Survey(title={"es": "Banco"}, opens=today,
                                       closes="2100-01-01"), by="script")
        actors = store.find_actors(limit=args.responses + 10)
        made = surveys.invite(record.id, [(a, None) for a in actors[:args.responses]],
                              by="script")
        for n, (inv, token) in enumerate(made):
            named = [a.id for a in actors[n + 1:n + 5] if a.id != inv.actor_id]
            surveys.save(token, SurveyAnswers(roster=[
                *(RosterEntry(actor=x, kind="informal") for x in named),
                RosterEntry(name=f"Organización nueva {n}", country="MX", kind="formal")]),
                submit=True)
        editor = signed_in_client(app, "editor")
        anonymous = app.test_client()
        print(f"{args.actors} public actors, {args.responses} answers of 5 organisations, "
              f"{args.runs} runs")
        for name, client, url in (
                ("answer page (one link)", anonymous, f"/s/{made[0][1]}"),
                ("status page", editor, f"/surveys/{record.id}"),
                ("review queue", editor, f"/surveys/{record.id}/review"),
                ("results", editor, f"/surveys/{record.id}/results")):
            wall, cpu, size = timed(client, url, args.runs)
            print(f"  {name:>24}: median {statistics.median(wall) * 1000:7.1f} ms "
                  f"(min {min(wall) * 1000:.1f}, max {max(wall) * 1000:.1f}); CPU "
                  f"{statistics.median(cpu) * 1000:7.1f} ms; {size / 1024:.0f} KB")
        accounts.close()
        store.close()


if __name__ == "__main__":
    main()
