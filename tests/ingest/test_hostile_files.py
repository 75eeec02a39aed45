"""Hostile files are refused quickly, in bounded memory, with a clear message.

Each file is generated here (nothing large is committed) and imported by
``graphsvc import`` in a subprocess whose address space is capped at 512 MB
(``resource.setrlimit``): a reader that expanded the file would die of
``MemoryError`` instead of printing its one-line refusal. The issue measured
the A1+XFD1048576 workbook taking a server past 8 GB.
"""
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hostile_files import (
    a1_and_xfd,
    a1_and_xfd_undeclared,
    billion_laughs,
    huge_cell_csv,
    many_rows_csv,
    nested_graph_json,
    nested_json,
    three_million_rows,
    wide_csv,
    zip_bomb,
)

CAP = 512 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]

#: (builder, option, what the refusal says)
HOSTILE = [
    (a1_and_xfd, "--actors", "declares 1,048,576 rows"),
    (a1_and_xfd_undeclared, "--actors", "has 100,002 rows"),
    (three_million_rows, "--actors", "expands to"),
    (zip_bomb, "--actors", "expands to 1024 MB"),
    (billion_laughs, "--actors", "declares entities or a DTD"),
    (nested_json, "--actors", "nests lists or objects too deeply"),
    (nested_graph_json, "--json", "nests lists or objects too deeply"),
    (wide_csv, "--actors", "5,000 columns"),
    (many_rows_csv, "--actors", "rows"),
    (huge_cell_csv, "--actors", "longer than 32,767 characters"),
]


def _cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


@pytest.mark.parametrize("build, option, says", HOSTILE, ids=[h[0].__name__ for h in HOSTILE])
def test_hostile_file_is_refused_within_512_mb(tmp_path, build, option, says):
    path = build(tmp_path)
    env = {**os.environ, "GRAPHSVC_DB": str(tmp_path / "graph.db"),
           "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "graphsvc", "import", option, str(path)],
                          capture_output=True, text=True, timeout=120, env=env,
                          preexec_fn=_cap_memory, cwd=tmp_path)
    took = time.monotonic() - started
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr  # one line, no traceback, no MemoryError
    assert lines[0].startswith("Error: ") and path.name in lines[0]
    assert says in lines[0]
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    # Not a timing test: a generous bound that an expanding reader would blow.
    assert took < 60, took
    # nothing was written
    assert proc.stdout == ""
