"""Configuration: defaults, then a TOML file, then ``GRAPHSVC_*`` variables.

The file is the one named by ``GRAPHSVC_CONFIG`` (if any). Every key below
can be set in the file (same name, any case) or as ``GRAPHSVC_<KEY>``.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

from .errors import ConfigError
from .logs import parse_level

__all__ = ["DEFAULTS", "DESCRIPTIONS", "load_config", "default_db_path",
           "default_accounts_path", "default_analyses_path"]


def default_db_path() -> str:
    """``<user data dir>/graphsvc.db``, e.g. ``~/.local/share/graphsvc/graphsvc.db``."""
    return str(Path(platformdirs.user_data_dir("graphsvc", appauthor=False)) / "graphsvc.db")


def default_accounts_path(db_path: str) -> str:
    """The accounts file beside the graph file: ``graphsvc.db`` -> ``graphsvc.accounts.db``.

    Each graph file keeps its own accounts, so pointing ``DB`` at another
    graph never lets that graph's readers in with this one's accounts.
    """
    p = Path(db_path)
    return str(p.with_name(f"{p.stem}.accounts.db"))


def default_analyses_path(db_path: str) -> str:
    """The analyses results file beside the graph file:
    ``graphsvc.db`` -> ``graphsvc.analyses.db``."""
    p = Path(db_path)
    return str(p.with_name(f"{p.stem}.analyses.db"))


DEFAULTS: dict[str, object] = {
    "DB": None,  # filled by default_db_path() when unset
    "STORE": None,
    "NEO4J_URI": None,
    "NEO4J_USER": "neo4j",
    "NEO4J_PASSWORD": None,
    "NEO4J_DATABASE": None,
    "NEO4J_BATCH_SIZE": 500,
    "NEO4J_MAX_TRANSACTION_ROWS": 50_000,
    "SECRET_KEY": None,
    "ENV": "development",
    "ACCOUNTS_DB": None,  # filled by default_accounts_path() when unset
    "PUBLIC_VIEW": False,
    "SESSION_IDLE_MINUTES": 30,
    "LOGIN_RATE_LIMIT": "5 per 15 minutes",
    "SURVEY_RATE_LIMIT": "120 per 10 minutes",
    "CACHE_SIZE": 64,
    "ANALYSES_DB": None,  # filled by default_analyses_path() when unset
    "LOG_LEVEL": "WARNING",
    "TRUSTED_PROXIES": 0,
    "LOGIN_ACCOUNT_BACKOFF": "5 per 15 minutes",
    "UPLOAD_MAX_MB": 20,
    "IMPORT_MAX_FILE_MB": 50,
    "IMPORT_MAX_ROWS": 100_000,
    "IMPORT_MAX_COLUMNS": 100,
    "IMPORT_MAX_CELLS": 2_000_000,
    "IMPORT_MAX_CELL_CHARS": 32_767,
    "XLSX_MAX_UNCOMPRESSED_MB": 100,
    "XLSX_MAX_SHEETS": 50,
    "JSON_MAX_DEPTH": 20,
    "FUNNEL_MONTHS": 6,
}

DESCRIPTIONS: dict[str, str] = {
    "DB": "Path of the embedded SQLite store file (default: the user data dir).",
    "STORE": "Force a backend: sqlite or neo4j (default: neo4j when NEO4J_URI is set).",
    "NEO4J_URI": "Bolt address of the Neo4j server, e.g. bolt://localhost:7687.",
    "NEO4J_USER": "Neo4j user name.",
    "NEO4J_PASSWORD": "Neo4j password.",
    "NEO4J_DATABASE": "Neo4j database name (default: the server's default).",
    "NEO4J_BATCH_SIZE": "Rows per UNWIND batch when writing to Neo4j.",
    "NEO4J_MAX_TRANSACTION_ROWS": "Largest write (actors plus ties) sent to Neo4j as one "
    "transaction; a larger import is refused before anything is sent. Size it with the "
    "server's heap (docs/neo4j.md).",
    "SECRET_KEY": "Secret for signing web sessions; required in production.",
    "ENV": "development or production.",
    "ACCOUNTS_DB": "Path of the SQLite file holding users, API tokens, sessions and the "
    "audit log (default: beside DB, named <DB name>.accounts.db).",
    "PUBLIC_VIEW": "true publishes a read-only public view (public actors and ties only) "
    "to visitors who are not signed in; default false: nothing is shown without an account.",
    "SESSION_IDLE_MINUTES": "A web session ends after this many minutes without a request.",
    "LOGIN_RATE_LIMIT": "Failed sign-ins allowed per address and user name, e.g. "
    "'5 per 15 minutes' (an address may try four times as many across user names).",
    "SURVEY_RATE_LIMIT": "Requests one address may make to the survey links (the pages "
    "organisations answer at, without an account), e.g. '120 per 10 minutes'; past it the "
    "answer is 429 with Retry-After.",
    "CACHE_SIZE": "Results (snapshots, analyses, plans, map layouts) kept per process for "
    "the current store version; the least recently used go first.",
    "TRUSTED_PROXIES": "How many reverse proxies (e.g. the TLS proxy of docs/deployment.md) "
    "stand in front of the web app and add X-Forwarded-For; the client's address is read "
    "from that header only this many hops back. 0 (default): the header is ignored and the "
    "address is the connection's.",
    "LOGIN_ACCOUNT_BACKOFF": "Failed sign-ins for one user name, from any address, before "
    "that account's sign-ins are slowed: each further failure doubles the wait (from 1 "
    "second, at most the window), and a correct password from an address that has not "
    "failed is never refused.",
    "UPLOAD_MAX_MB": "Largest request body the web app accepts (an upload), in MB; larger "
    "ones get 413.",
    "IMPORT_MAX_FILE_MB": "Largest file read by an import (CSV, XLSX or JSON; web or "
    "command line), in MB.",
    "IMPORT_MAX_ROWS": "Most data rows (records) one imported file may hold.",
    "IMPORT_MAX_COLUMNS": "Most columns one imported CSV or XLSX sheet may hold.",
    "IMPORT_MAX_CELLS": "Most cells (rows times columns) one imported CSV or XLSX sheet may "
    "hold; an XLSX sheet's declared dimension is checked before any cell is read.",
    "IMPORT_MAX_CELL_CHARS": "Most characters in one cell of an imported CSV or XLSX file.",
    "XLSX_MAX_UNCOMPRESSED_MB": "Most MB an imported XLSX workbook may expand to when "
    "unzipped (checked from the sizes the zip declares, before anything is expanded).",
    "XLSX_MAX_SHEETS": "Most sheets an imported XLSX workbook may hold (the first is read).",
    "JSON_MAX_DEPTH": "Deepest nesting of lists and objects accepted in a JSON file or "
    "request body (a full-graph export nests 4 deep).",
    "ANALYSES_DB": "Path of the SQLite file where the web app keeps the analyses it "
    "computes in the background, shared by its processes and kept across restarts "
    "(default: beside DB, named <DB name>.analyses.db).",
    "LOG_LEVEL": "How much graphsvc logs to standard error (or to the server's log): "
    "DEBUG, INFO, WARNING (default: problems only) or ERROR. INFO adds a line per import, "
    "write and migration; DEBUG adds the files read and stores opened.",
    "FUNNEL_MONTHS": "Months after a made introduction at which the monitoring funnel "
    "checks for a tie between the pair (1 to 12, default 6); the next check is a year "
    "after the introduction.",
}

_INTS = {"NEO4J_BATCH_SIZE", "NEO4J_MAX_TRANSACTION_ROWS", "SESSION_IDLE_MINUTES", "CACHE_SIZE",
         "TRUSTED_PROXIES", "UPLOAD_MAX_MB", "IMPORT_MAX_FILE_MB", "IMPORT_MAX_ROWS",
         "IMPORT_MAX_COLUMNS", "IMPORT_MAX_CELLS", "IMPORT_MAX_CELL_CHARS",
         "XLSX_MAX_UNCOMPRESSED_MB", "XLSX_MAX_SHEETS", "JSON_MAX_DEPTH", "FUNNEL_MONTHS"}
#: Whole-number settings that must be at least 1 (TRUSTED_PROXIES may be 0).
_POSITIVE = _INTS - {"TRUSTED_PROXIES"}
_BOOLS = {"PUBLIC_VIEW"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def load_config(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Merge defaults, the config file, the environment and ``overrides``."""
    env = os.environ if environ is None else environ
    config: dict[str, Any] = dict(DEFAULTS)
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
        if config[key] < (1 if key in _POSITIVE else 0):
            raise ConfigError(f"{key} must be at least {1 if key in _POSITIVE else 0}, "
                              f"not {config[key]}")
    for key in _BOOLS:
        value = config[key]
        if isinstance(value, bool):
            continue
        text = str(value).strip().lower()
        if text not in _TRUE | _FALSE:
            raise ConfigError(f"{key} must be true or false, not '{value}'")
        config[key] = text in _TRUE
    if not 1 <= config["FUNNEL_MONTHS"] <= 12:
        raise ConfigError(f"FUNNEL_MONTHS must be between 1 and 12, not "
                          f"'{config['FUNNEL_MONTHS']}'")
    config["LOG_LEVEL"] = parse_level(config["LOG_LEVEL"])
    if not config.get("DB"):
        config["DB"] = default_db_path()
    if not config.get("ACCOUNTS_DB"):
        config["ACCOUNTS_DB"] = default_accounts_path(config["DB"])
    if not config.get("ANALYSES_DB"):
        config["ANALYSES_DB"] = default_analyses_path(config["DB"])
    return config
