"""``graphsvc serve`` listens on 127.0.0.1 unless told otherwise."""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from graphsvc.cli.serve import serve

ROOT = Path(__file__).resolve().parents[2]


def test_host_option_defaults_to_loopback():
    [host] = [p for p in serve.params if p.name == "host"]
    assert host.default == "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of sockets listening on ``port``, from the kernel's own table."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            addr, hexport = fields[1].split(":")
            if int(hexport, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(addr)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_serve_listens_on_loopback_only(tmp_path):
    port = _free_port()
    env = dict(os.environ, GRAPHSVC_DB=str(tmp_path / "g.db"), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "graphsvc", "serve", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120  # only guards a hang
        answered = False
        while not answered:
            if proc.poll() is not None:
                pytest.fail(f"serve exited with {proc.returncode}: {proc.stdout.read()}")
            if time.monotonic() > deadline:
                pytest.fail("serve did not answer on its port")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
                answered = True
            except urllib.error.HTTPError:
                answered = True  # any HTTP answer (a sign-in redirect, 401) will do
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        # 127.0.0.1 as the kernel writes it: 0100007F (little-endian hex)
        assert _listening_addresses(port) == {"0100007F"}
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out
    # a fresh install has no account yet: say how to make the first one
    assert "graphsvc users create-admin --username NAME" in out
