"""docker-compose.yml validates and runs the official Neo4j 5 image.

``docker-compose config`` parses, interpolates and validates the file
without a Docker engine (Debian's ``docker-compose`` package; ``.ci/run``
installs it).
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = shutil.which("docker-compose")

pytestmark = pytest.mark.skipif(
    COMPOSE is None, reason="docker-compose is not installed (Debian: apt-get install "
    "docker-compose); .ci/run installs it")


def compose_config(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("NEO4J_PASSWORD", "SECRET_KEY", "COMPOSE_FILE")}
    return subprocess.run([COMPOSE, "-f", str(ROOT / "docker-compose.yml"), "config"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**clean, **env})


def test_compose_file_validates_with_official_neo4j_5():
    proc = compose_config(NEO4J_PASSWORD="a-long-password", SECRET_KEY="k" * 32)
    assert proc.returncode == 0, proc.stderr
    config = yaml.safe_load(proc.stdout)
    neo4j, web = config["services"]["neo4j"], config["services"]["web"]
    # official image: Docker Hub's library "neo4j" (no registry or owner), major 5
    assert re.fullmatch(r"neo4j:5(\.\d+)*(-community|-enterprise)?", neo4j["image"])
    assert neo4j["healthcheck"]["test"]
    assert any(v.endswith(":/data") or ":/data:" in v for v in neo4j["volumes"])
    assert "neo4j-data" in config["volumes"]
    # the web app: built here, waits for a healthy Neo4j, talks Bolt to it
    assert web["build"]["context"] == str(ROOT)
    assert web["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = web["environment"]
    assert env["GRAPHSVC_NEO4J_URI"] == "bolt://neo4j:7687"
    assert env["GRAPHSVC_NEO4J_PASSWORD"] == "a-long-password"
    assert env["GRAPHSVC_SECRET_KEY"] == "k" * 32
    assert neo4j["environment"]["NEO4J_AUTH"] == "neo4j/a-long-password"


def test_secrets_come_from_the_environment():
    proc = compose_config(SECRET_KEY="k" * 32)
    assert proc.returncode != 0
    assert "NEO4J_PASSWORD" in proc.stderr
    proc = compose_config(NEO4J_PASSWORD="a-long-password")
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr


def test_dockerfile_serves_app_with_gunicorn():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    assert "pip install ." in text
    cmd = re.search(r"^CMD \[(.*?)\]$", text, re.M | re.S).group(1)
    assert '"gunicorn"' in cmd and '"app:app"' in cmd
