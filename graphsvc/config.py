"""Configuration: defaults, then a TOML file, then ``GRAPHSVC_*`` variables.

The file is the one named by ``GRAPHSVC_CONFIG`` (if any). Every key below
can be set in the file (same name, any case) or as ``GRAPHSVC_<KEY>``.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs

from .errors import ConfigError

__all__ = ["DEFAULTS", "DESCRIPTIONS", "load_config", "default_db_path"]


def default_db_path() -> str:
    """``<user data dir>/graphsvc.db``, e.g. ``~/.local/share/graphsvc/graphsvc.db``."""
    return str(Path(platformdirs.user_data_dir("graphsvc", appauthor=False)) / "graphsvc.db")


DEFAULTS: dict[str, object] = {
    "DB": None,  # filled by default_db_path() when unset
    "STORE": None,
    "NEO4J_URI": None,
    "NEO4J_USER": "neo4j",
    "NEO4J_PASSWORD": None,
    "NEO4J_DATABASE": None,
    "NEO4J_BATCH_SIZE": 500,
    "SECRET_KEY": None,
    "ENV": "development",
}

DESCRIPTIONS: dict[str, str] = {
    "DB": "Path of the embedded SQLite store file (default: the user data dir).",
    "STORE": "Force a backend: sqlite or neo4j (default: neo4j when NEO4J_URI is set).",
    "NEO4J_URI": "Bolt address of the Neo4j server, e.g. bolt://localhost:7687.",
    "NEO4J_USER": "Neo4j user name.",
    "NEO4J_PASSWORD": "Neo4j password.",
    "NEO4J_DATABASE": "Neo4j database name (default: the server's default).",
    "NEO4J_BATCH_SIZE": "Rows per UNWIND batch when writing to Neo4j.",
    "SECRET_KEY": "Secret for signing web sessions; required in production.",
    "ENV": "development or production.",
}

_INTS = {"NEO4J_BATCH_SIZE"}


def load_config(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Merge defaults, the config file, the environment and ``overrides``."""
    env = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    path = env.get("GRAPHSVC_CONFIG")
    if path:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}",
                              hint="Fix GRAPHSVC_CONFIG or create the file.") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        for key, value in data.items():
            config[key.upper()] = value
    for key in list(DEFAULTS):
        value = env.get(f"GRAPHSVC_{key}")
        if value not in (None, ""):
            config[key] = value
    config.update(overrides or {})
    for key in _INTS:
        try:
            config[key] = int(config[key])
        except (TypeError, ValueError):
            raise ConfigError(f"{key} must be a whole number, not '{config[key]}'") from None
    if not config.get("DB"):
        config["DB"] = default_db_path()
    return config
