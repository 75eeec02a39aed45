"""Graph stores: one interface, a backend per database.

``STORES`` maps a backend name to a factory taking the configuration;
:func:`get_store` picks Neo4j when ``NEO4J_URI`` is configured and the
embedded SQLite store otherwise.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from .base import ActorFilter, GraphStore, WriteResult, build_snapshot

__all__ = ["STORES", "get_store", "store_name", "GraphStore", "ActorFilter",
           "WriteResult", "build_snapshot"]


def _sqlite(config: Mapping) -> GraphStore:
    from .sqlite import SQLiteStore

    return SQLiteStore(config["DB"])


def _neo4j(config: Mapping) -> GraphStore:
    from ..errors import ConfigError
    from .neo4j import Neo4jStore

    if not config.get("NEO4J_URI"):
        raise ConfigError("the neo4j store needs NEO4J_URI",
                          hint="Set GRAPHSVC_NEO4J_URI, e.g. bolt://localhost:7687.")
    # Connects lazily: a server that is down fails each operation, not start-up.
    return Neo4jStore(config["NEO4J_URI"], user=config.get("NEO4J_USER"),
                      password=config.get("NEO4J_PASSWORD"),
                      database=config.get("NEO4J_DATABASE"),
                      batch_size=int(config.get("NEO4J_BATCH_SIZE") or 500),
                      max_transaction_rows=config.get("NEO4J_MAX_TRANSACTION_ROWS"))


STORES: dict[str, Callable[[Mapping], GraphStore]] = {
    "sqlite": _sqlite,
    "neo4j": _neo4j,
}


def store_name(config: Mapping) -> str:
    """The backend ``config`` selects: explicit ``STORE``, else by ``NEO4J_URI``."""
    if config.get("STORE"):
        return config["STORE"]
    return "neo4j" if config.get("NEO4J_URI") else "sqlite"


def get_store(config: Mapping) -> GraphStore:
    from ..errors import ConfigError

    name = store_name(config)
    try:
        factory = STORES[name]
    except KeyError:
        raise ConfigError(f"unknown store '{name}'",
                          hint=f"Use one of: {', '.join(sorted(STORES))}.") from None
    return factory(config)
