"""``graphsvc import`` and ``graphsvc export`` from the command line, with the
exact messages a user sees (click's CliRunner, and one real subprocess)."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.stores.sqlite import SQLiteStore
from ingest_support import state, write_csv

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def db(tmp_path):
    return tmp_path / "graph.db"


@pytest.fixture
def run(db):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], env={"GRAPHSVC_DB": str(db)},
                             catch_exceptions=False)
    return invoke


def _state(db):
    store = SQLiteStore(db)
    try:
        return state(store)
    finally:
        store.close()


def test_examples_import(run, db):
    """The example files (docs/import.md) import, and again change nothing."""
    r = run("import", "--actors", EXAMPLES / "actors.csv", "--ties", EXAMPLES / "ties.csv")
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        f"Imported {EXAMPLES / 'actors.csv'}, {EXAMPLES / 'ties.csv'}. Actors: 7 new, "
        "0 updated, 0 unchanged; ties: 8 new, 0 updated, 0 unchanged.\n")
    assert r.stderr == ""
    store = SQLiteStore(db)
    casa = store.get_actor("casa_aurora")
    assert (casa.kind, casa.country, casa.provenance) == ("shelter", "MX", "illustrative")
    assert all(a.provenance == "illustrative" for a in store.find_actors())
    assert all("(ejemplo)" in a.name or "Ejemplo" in a.name for a in store.find_actors())
    store.close()
    before = _state(db)
    r = run("import", "--actors", EXAMPLES / "actors.csv", "--ties", EXAMPLES / "ties.csv")
    assert r.exit_code == 0
    assert "Actors: 0 new, 0 updated, 7 unchanged; ties: 0 new, 0 updated, 8 unchanged." \
        in r.stdout
    assert _state(db) == before


def _thousand_ties(tmp_path, bad_index):
    actors = write_csv(tmp_path / "actors.csv", ["id", "name", "kind", "country"],
                       [[f"a{i}", f"Actor {i}", "cso", "MX"] for i in range(50)])
    rows = []
    pairs = ((i, j) for i in range(50) for j in range(i + 1, 50))
    for n, (i, j) in zip(range(1000), pairs):
        rows.append([f"a{i}", f"a{j}", "informal", f"nota {n}"])
    rows[bad_index][2] = "amistad"
    ties = write_csv(tmp_path / "ties.csv", ["source", "target", "kind", "note"], rows)
    return actors, ties


def test_thousand_row_ties_file_with_one_bad_row(run, db, tmp_path):
    actors, ties = _thousand_ties(tmp_path, bad_index=733)
    assert run("import", "--actors", actors).exit_code == 0
    before = _state(db)
    r = run("import", "--ties", ties)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == (
        "  - ties.csv, row 735, column 'kind': unknown tie kind 'amistad': use one of "
        "formal, funding, informal. Spanish names work too (financiamiento for "
        "funding).\n"
        "Error: 1 problem found; nothing was written. Fix the rows listed and import "
        "again, or use --skip-invalid --report FILE to import the valid rows and write "
        "the rejected ones with their reasons.\n")
    assert _state(db) == before
    assert before[1] == {"actors": 50, "ties": 0}


def test_thousand_rows_in_a_real_process(db, tmp_path):
    """The same through the installed entry point's module, as a user runs it."""
    actors, ties = _thousand_ties(tmp_path, bad_index=0)
    env = {**os.environ, "GRAPHSVC_DB": str(db), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "graphsvc", "import", "--actors", str(actors),
           "--ties", str(ties)]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert p.stderr.splitlines()[0].startswith("  - ties.csv, row 2, column 'kind': "
                                               "unknown tie kind 'amistad'")
    assert SQLiteStore(db).counts() == {"actors": 0, "ties": 0}
    # Fixed, the same files import; no progress bar when stderr is not a terminal.
    rows = (ties.read_text(encoding="utf-8")).replace("amistad", "informal")
    ties.write_text(rows, encoding="utf-8")
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert "ties: 1000 new" in p.stdout


def test_skip_invalid_with_report(run, db, tmp_path):
    actors, ties = _thousand_ties(tmp_path, bad_index=10)
    report = tmp_path / "rejected.csv"
    r = run("import", "--actors", actors, "--ties", ties, "--skip-invalid",
            "--report", report)
    assert r.exit_code == 0, r.output
    assert r.stdout.endswith("ties: 999 new, 0 updated, 0 unchanged; 1 row rejected.\n"
                             f"Rejected rows written to {report}.\n")
    with open(report, newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [
            ["file", "row", "source", "target", "kind", "note", "reasons"],
            ["ties.csv", "12", "a0", "a11", "amistad", "nota 10",
             "kind: unknown tie kind 'amistad': use one of formal, funding, informal"]]


def test_skip_invalid_without_report_lists_rejected_rows(run, tmp_path):
    ties = write_csv(tmp_path / "ties.csv", ["source", "target", "kind"],
                     [["x", "y", "formal"]])
    r = run("import", "--ties", ties, "--skip-invalid")
    assert r.exit_code == 0
    assert r.stderr == ("rejected: ties.csv, row 2: source: no actor with id 'x'; "
                        "target: no actor with id 'y'\n")


def test_warnings_go_to_stderr(run, tmp_path):
    actors = write_csv(tmp_path / "actors.csv", ["name", "kind", "country", "Comentario"],
                       [["Uno", "cso", "MX", "hola"]])
    r = run("import", "--actors", actors)
    assert r.exit_code == 0
    assert r.stderr == ("warning: actors.csv, column 'Comentario': not a known actors "
                        "column; ignored. Rename it to a known column to import it, or "
                        "ignore this warning.\n")


@pytest.mark.parametrize("args,message", [
    ((), "Error: give --actors FILE, --ties FILE (or both), or --json FILE."),
    (("--json", "{f}", "--actors", "{f}"),
     "Error: use --json alone, or --actors/--ties, not both."),
    (("--actors", "{f}", "--report", "r.csv"), "Error: --report needs --skip-invalid."),
    (("--actors", "nope.csv"),
     "Error: Invalid value for '--actors': File 'nope.csv' does not exist."),
])
def test_usage_errors(run, tmp_path, args, message):
    f = write_csv(tmp_path / "a.csv", ["name"], [["x"]])
    r = run("import", *[a.format(f=f) for a in args])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == message


def test_unknown_format_is_one_line(run, tmp_path):
    path = tmp_path / "actors.ods"
    path.write_text("x")
    r = run("import", "--actors", path)
    assert r.exit_code == 1
    assert r.stderr == ("Error: actors.ods: cannot tell the file's format from its "
                        "extension '.ods'. Use a .csv, .xlsx or .json file (rename it "
                        "if it already is one).\n")


def test_directory_given_as_file(run, tmp_path):
    r = run("import", "--actors", tmp_path)
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--actors': File '{tmp_path}' is a directory.")


def test_export_and_import_json_between_stores(run, db, tmp_path):
    assert run("import", "--actors", EXAMPLES / "actors.csv", "--ties",
               EXAMPLES / "ties.csv").exit_code == 0
    out = tmp_path / "graph.json"
    r = run("export", "--format", "json", "--output", out)
    assert r.exit_code == 0
    assert r.stdout == f"Exported 7 actors, 8 ties to {out}.\n"
    other = tmp_path / "other.db"
    r = CliRunner().invoke(main, ["import", "--json", str(out)],
                           env={"GRAPHSVC_DB": str(other)})
    assert r.exit_code == 0, r.output
    assert r.stdout == (f"Imported {out}. Actors: 7 new, 0 updated, 0 unchanged; ties: "
                        "8 new, 0 updated, 0 unchanged.\n")
    assert _state(other)[1:] == _state(db)[1:]


@pytest.mark.parametrize("fmt,name,written", [
    ("csv", "out", ["out/actors.csv", "out/ties.csv"]),
    ("graphml", "g.graphml", ["g.graphml"]),
    ("gexf", "g.gexf", ["g.gexf"]),
    (None, "g.graphml", ["g.graphml"]),
])
def test_export_formats(run, tmp_path, fmt, name, written):
    run("import", "--actors", EXAMPLES / "actors.csv", "--ties", EXAMPLES / "ties.csv")
    args = ["export", "--output", tmp_path / name] + (["--format", fmt] if fmt else [])
    r = run(*args)
    assert r.exit_code == 0, r.output
    paths = ", ".join(str(tmp_path / w) for w in written)
    assert r.stdout == f"Exported 7 actors, 8 ties to {paths}.\n"
    assert all((tmp_path / w).stat().st_size > 0 for w in written)


def test_export_public_only(run, tmp_path):
    run("import", "--actors", EXAMPLES / "actors.csv", "--ties", EXAMPLES / "ties.csv")
    out = tmp_path / "p.json"
    r = run("export", "-o", out, "--public-only")
    assert r.exit_code == 0
    assert r.stdout == f"Exported 6 public actors, 6 public ties to {out}.\n"
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "oficina_municipal" not in {a["id"] for a in doc["actors"]}
    assert all(t["visibility"] == "public" for t in doc["ties"])


def test_export_errors(run, tmp_path):
    r = run("export", "--output", tmp_path / "graph")
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == (
        f"Error: cannot tell the format from '{tmp_path / 'graph'}': give --format json, "
        "csv, graphml or gexf.")
    r = run("export", "--format", "json", "--output", tmp_path / "no" / "g.json")
    assert r.exit_code == 1
    assert r.stderr == (f"Error: cannot write {tmp_path / 'no' / 'g.json'}: No such file "
                        "or directory. Check that the folder exists and is writable.\n")


@pytest.mark.parametrize("command", ["import", "export"])
def test_help(run, command):
    r = run(command, "--help")
    assert r.exit_code == 0
    assert "Examples:" in r.stdout and "--quiet" in r.stdout


def _run_on_terminal(args, db):
    """Run graphsvc with stderr on a pseudo-terminal; return what it showed there."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    # A real terminal has a size; tqdm draws nothing on a 0-column one.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    env = {**os.environ, "GRAPHSVC_DB": str(db), "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-m", "graphsvc", *map(str, args)], env=env,
                         stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    import select

    chunks = []
    while True:
        # A generous guard so a hung child fails the test instead of hanging it.
        ready, _, _ = select.select([leader], [], [], 300)
        if not ready:
            p.kill()
            pytest.fail("graphsvc wrote nothing to the terminal for 300 s")
        try:
            data = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=120)
    os.close(leader)
    return p.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_progress_bars_on_a_terminal_only(db, tmp_path):
    actors, ties = _thousand_ties(tmp_path, bad_index=0)
    rows = ties.read_text(encoding="utf-8").replace("amistad", "informal")
    ties.write_text(rows, encoding="utf-8")
    code, shown = _run_on_terminal(["import", "--actors", actors, "--ties", ties], db)
    assert code == 0
    for stage in ("checking actors.csv:", "| 0/50 ", "checking ties.csv:", "| 0/1000 ",
                  "writing:", "| 0/1050 "):
        assert stage in shown
    code, shown = _run_on_terminal(["import", "--quiet", "--actors", actors, "--ties", ties],
                                   db)
    assert code == 0
    assert shown == ""


def test_progress_reports_every_row(tmp_path):
    from graphsvc.service import GraphService

    actors, ties = _thousand_ties(tmp_path, bad_index=0)
    ties.write_text(ties.read_text(encoding="utf-8").replace("amistad", "formal"),
                    encoding="utf-8")
    stages = {}

    def progress(desc, total):
        stages[desc] = [total, 0]

        def tick(n):
            stages[desc][1] += n
        return tick

    svc = GraphService(SQLiteStore(tmp_path / "p.db"))
    svc.import_files(actors, ties, progress=progress)
    svc.close()
    assert stages == {"checking actors.csv": [50, 50], "checking ties.csv": [1000, 1000],
                      "writing": [1050, 1050]}


def _doc(page):
    return (ROOT / "docs" / page).read_text(encoding="utf-8")


def _doc_section(page, title):
    text = _doc(page)
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def test_docs_document_every_import_column_and_export_format():
    from graphsvc.ingest.columns import ACTOR_COLUMNS, TIE_COLUMNS
    from graphsvc.ingest.export import EXPORT_FORMATS

    section = _doc("import.md")
    for field in set(ACTOR_COLUMNS.values()) | set(TIE_COLUMNS.values()):
        assert f"`{field}`" in section, field
    exporting = _doc_section("researchers.md", "Exporting")
    for fmt in EXPORT_FORMATS:
        assert f"--format {fmt}" in exporting, fmt


def test_docs_example_rows_are_the_example_files():
    section = _doc("import.md")
    for name in ("actors.csv", "ties.csv"):
        lines = (EXAMPLES / name).read_text(encoding="utf-8").splitlines()
        assert lines[0] in section
        assert any(line in section for line in lines[1:]), name


def test_json_files_given_to_the_wrong_option(run, tmp_path):
    records = tmp_path / "actors.json"
    records.write_text('[{"name": "A", "kind": "cso", "country": "MX"}]', encoding="utf-8")
    r = run("import", "--json", records)
    assert r.exit_code == 1
    assert r.stderr == (
        "  - actors.json: not a full-graph export (no 'actors' or 'ties'). For a list of "
        f"actor or tie records use: graphsvc import --actors {records} (or --ties).\n"
        "Error: 1 problem found; nothing was written. Fix the file and import again.\n")
    graph = tmp_path / "graph.json"
    graph.write_text('{"format": "graphsvc-graph", "actors": [], "ties": []}')
    r = run("import", "--actors", graph)
    assert r.exit_code == 1
    assert r.stderr == ("Error: graph.json is a full-graph export, not a list of records. "
                        f"Import it with: graphsvc import --json {graph}\n")
