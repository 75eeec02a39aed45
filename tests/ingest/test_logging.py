"""LOG_LEVEL: how much graphsvc logs, set once at the CLI and web entry points."""
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.config import load_config
from graphsvc.errors import ConfigError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(autouse=True)
def restore_level():
    logger = logging.getLogger("graphsvc")
    level = logger.level
    yield
    logger.setLevel(level)


def run_import(tmp_path, **env):
    return CliRunner().invoke(main, ["import", "--actors", str(EXAMPLES / "actors.csv"),
                                     "--ties", str(EXAMPLES / "ties.csv")],
                              env={"GRAPHSVC_DB": str(tmp_path / "g.db"), **env})


def test_debug_level_logs_the_import_and_its_summary(tmp_path, caplog):
    result = run_import(tmp_path, GRAPHSVC_LOG_LEVEL="debug")
    assert result.exit_code == 0, result.output
    records = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    summaries = [m for name, level, m in records
                 if name == "graphsvc.ingest.importer" and level == logging.INFO]
    assert len(summaries) == 1
    assert summaries[0].startswith("import of actors.csv, ties.csv: ")
    assert " new, 0 updated, 0 unchanged; ties: " in summaries[0]
    read = [m for name, level, m in records
            if name == "graphsvc.ingest.importer" and level == logging.DEBUG]
    assert [m.split(" (")[0] for m in read] == [f"read {EXAMPLES / 'actors.csv'}",
                                                f"read {EXAMPLES / 'ties.csv'}"]
    written = [m for name, _, m in records if name == "graphsvc.stores.sqlite"]
    assert len(written) == 1 and "wrote actors: " in written[0]
    assert any(name == "graphsvc.sqlite_file" and "created (schema version" in m
               for name, _, m in records)


def test_by_default_an_import_logs_nothing(tmp_path, caplog):
    result = run_import(tmp_path)
    assert result.exit_code == 0, result.output
    assert [r for r in caplog.records if r.name.startswith("graphsvc")] == []


def test_a_refused_import_is_logged_at_info(tmp_path, caplog):
    bad = tmp_path / "ties.csv"
    bad.write_text("source,target,kind\nnobody,noone,formal\n")
    result = CliRunner().invoke(main, ["import", "--ties", str(bad)],
                                env={"GRAPHSVC_DB": str(tmp_path / "g.db"),
                                     "GRAPHSVC_LOG_LEVEL": "INFO"})
    assert result.exit_code == 1
    assert any(r.name == "graphsvc.ingest.importer"
               and r.getMessage().startswith("import refused, nothing written: ")
               for r in caplog.records)


def test_log_level_is_checked():
    assert load_config(environ={"GRAPHSVC_LOG_LEVEL": "error"})["LOG_LEVEL"] == "ERROR"
    assert load_config(environ={})["LOG_LEVEL"] == "WARNING"
    with pytest.raises(ConfigError, match="LOG_LEVEL must be one of DEBUG, INFO"):
        load_config(environ={"GRAPHSVC_LOG_LEVEL": "loud"})
