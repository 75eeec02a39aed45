"""Logging: one setup, done by the entry points (the CLI and ``create_app``).

Modules log through ``logging.getLogger(__name__)``, all under the
``graphsvc`` logger; :func:`configure_logging` sets its level from the
``LOG_LEVEL`` setting and, when nothing else handles log records (a plain
CLI run), sends them to standard error. Under a server that configures
logging itself (gunicorn) or a test runner, their handlers are used.
"""
from __future__ import annotations

import logging

from .errors import ConfigError

__all__ = ["LEVELS", "configure_logging", "parse_level"]

#: The names ``LOG_LEVEL`` accepts.
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def parse_level(value: object) -> str:
    """The level name ``value`` stands for (any case).

    >>> parse_level("debug")
    'DEBUG'
    """
    name = str(value).strip().upper()
    if name not in LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LEVELS)}, not '{value}'")
    return name


def configure_logging(level: object = "WARNING") -> logging.Logger:
    """Set the ``graphsvc`` logger's level; add a standard-error handler once,
    only when no handler would otherwise receive its records."""
    logger = logging.getLogger("graphsvc")
    logger.setLevel(parse_level(level))
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(handler)
    return logger


def configure_from_settings() -> None:
    """:func:`configure_logging` at the configured ``LOG_LEVEL``. Unreadable
    settings leave the default level: the command that needs them says why."""
    from .config import load_config

    try:
        level = load_config()["LOG_LEVEL"]
    except ConfigError:
        level = "WARNING"
    configure_logging(level)
