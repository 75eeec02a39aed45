"""The one cache of derived results: snapshots, analyses, plans and layouts.

Every result derived from the graph is a function of the store version, of
who reads (the visibility gate: with or without restricted records), of
what was asked (an analysis name and its parameters) and, later, of an
as-of date. :class:`VersionedCache` keys on exactly that, so an analyst's
result is never handed to a viewer and a write is seen at the next read.

One eviction policy: when a newer store version is seen, every result of
older versions is dropped (nobody can ask for them again), except the
newest result of each analysis the background computes
(:mod:`graphsvc.background`), kept as *previous* until its successor is
ready so pages can show it meanwhile; within a version, the least recently
used result goes once ``maxsize`` are held. A result is computed once per
key however many threads ask at the same time: the others wait for it.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["CacheKey", "MISSING", "VersionedCache", "freeze"]

#: What :meth:`VersionedCache.peek` returns for a key it does not hold.
MISSING: Any = object()

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CacheKey:
    """What a cached result depends on."""

    version: int
    restricted: bool
    name: str
    params: Hashable = ()
    as_of: str | None = None

    @property
    def slot(self) -> tuple:
        """Everything but the version: the same analysis at any version."""
        return (self.restricted, self.name, self.params, self.as_of)


class VersionedCache:
    """Results by :class:`CacheKey`, bounded, dropped when the version moves.

    Parameters
    ----------
    maxsize : int
        Results held at most (the ``CACHE_SIZE`` setting).

    Examples
    --------
    >>> cache = VersionedCache(maxsize=2)
    >>> cache.get(CacheKey(1, False, "answer"), lambda: 42)
    42
    >>> cache.get(CacheKey(1, False, "answer"), lambda: 0)  # cached
    42
    >>> cache.get(CacheKey(2, False, "answer"), lambda: 43)  # a write happened
    43
    >>> len(cache)
    1
    """

    def __init__(self, maxsize: int = 64):
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._items: OrderedDict[CacheKey, Any] = OrderedDict()
        self._pending: dict[CacheKey, threading.Event] = {}
        self._version: int | None = None
        #: Names whose newest result outlives its version (see module doc).
        self.keep_previous: set[str] = set()
        self._previous: OrderedDict[tuple, tuple[int, Any]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def _see(self, version: int) -> None:
        # Called with the lock held. Versions only grow, so an older one
        # can never be asked for again once a newer one was seen.
        if self._version is None or version > self._version:
            self._version = version
            for key in [k for k in self._items if k.version < version]:
                value = self._items.pop(key)
                if key.name in self.keep_previous:
                    self._previous[key.slot] = (key.version, value)
                    self._previous.move_to_end(key.slot)
            while len(self._previous) > self.maxsize:
                self._previous.popitem(last=False)

    def _held(self, key: CacheKey) -> Any:
        # With the lock held: the result for ``key`` (now most recently
        # used), or MISSING.
        self._see(key.version)
        if key not in self._items:
            return MISSING
        self._items.move_to_end(key)
        self.hits += 1
        return self._items[key]

    def peek(self, key: CacheKey) -> Any:
        """The result held for ``key``, or :data:`MISSING`; never computes."""
        with self._lock:
            return self._held(key)

    def previous(self, key: CacheKey) -> tuple[int, Any] | None:
        """``(version, result)``: the newest result of ``key``'s analysis
        held for an older version (names in :attr:`keep_previous`), or None."""
        with self._lock:
            self._see(key.version)
            hit = self._previous.get(key.slot)
        return hit if hit is not None and hit[0] < key.version else None

    def get(self, key: CacheKey, compute: Callable[[], T]) -> T:
        """The result for ``key``: cached, or ``compute()`` once and kept.

        Treat the result as read-only: it is shared between callers.
        """
        while True:
            with self._lock:
                held = self._held(key)
                if held is not MISSING:
                    return held
                waiting = self._pending.get(key)
                if waiting is None:
                    self._pending[key] = threading.Event()
                    self.misses += 1
                    break
            waiting.wait()  # another thread computes it; then look again
        try:
            result = compute()
        except BaseException:
            with self._lock:
                self._pending.pop(key).set()
            raise
        with self._lock:
            self._pending.pop(key).set()
            if self._version is None or key.version >= self._version:
                self._items[key] = result
                self._previous.pop(key.slot, None)  # its successor is here
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
        log.debug("computed %s %s (v%s, restricted=%s)", key.name, key.params,
                  key.version, key.restricted)
        return result

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._previous.clear()

    def keys(self) -> list[CacheKey]:
        """The keys held, least recently used first."""
        with self._lock:
            return list(self._items)


def freeze(params: Any) -> Hashable:
    """Parameters as a hashable value: lists and sets become tuples, dicts
    sorted item tuples, recursively."""
    if isinstance(params, dict):
        return tuple(sorted((k, freeze(v)) for k, v in params.items()))
    if isinstance(params, (list, tuple)):
        return tuple(freeze(v) for v in params)
    if isinstance(params, (set, frozenset)):
        return tuple(sorted((freeze(v) for v in params), key=repr))
    return params
