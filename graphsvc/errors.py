"""Domain errors: each says what went wrong and what to do about it.

The CLI turns them into one-line messages and the web API into the one JSON
error shape, so nothing here knows about either.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = [
    "GraphsvcError",
    "Problem",
    "ValidationFailed",
    "NotFound",
    "StoreUnavailable",
    "ConfigError",
    "Unauthorized",
    "Forbidden",
    "RateLimited",
    "Conflict",
    "InputTooLarge",
    "no_actor",
    "not_found_actor",
    "missing_actor",
    "introduction_not_recorded",
]


def _sentences(message: str, hint: str | None) -> str:
    """The message, then the hint as a sentence of its own."""
    if not hint:
        return message
    end = "" if message.endswith((".", "!", "?", ":")) else "."
    return f"{message}{end} {hint}"


class GraphsvcError(Exception):
    """Base of every error a user can cause or fix."""

    code = "error"

    def __init__(self, message: str, hint: str | None = None, details=None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def __str__(self) -> str:
        return _sentences(self.message, self.hint)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in an input: where, what, what to do."""

    message: str
    hint: str = ""
    file: str | None = None
    row: int | None = None  # 1-based data row as a spreadsheet shows it (header is row 1)
    column: str | None = None
    field: str | None = None
    value: str | None = None

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        elif self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        return _sentences(text, self.hint)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


class ValidationFailed(GraphsvcError):
    """The input has problems; nothing was written."""

    code = "validation_failed"

    def __init__(self, problems: list[Problem], message: str | None = None,
                 hint: str | None = None):
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(
            message or f"{n} problem{'s' if n != 1 else ''} found; nothing was written.",
            hint=hint or "Fix the rows listed and import again, or use --skip-invalid "
            "--report FILE to import the valid rows and write the rejected ones with "
            "their reasons.",
            details=[p.to_dict() for p in self.problems],
        )


class NotFound(GraphsvcError):
    code = "not_found"


def no_actor(actor_id) -> str:
    """The one wording for an actor id that names no actor (or none the asker
    may see)."""
    return f"no actor with id '{actor_id}'"


def not_found_actor(actor_id) -> NotFound:
    """A read asked for an actor that is missing or hidden from the asker."""
    return NotFound(no_actor(actor_id), hint="Search the actors list for the right id.")


def missing_actor(actor_id, field: str | None = None, hint: str = "Use an id the graph has.",
                  **where) -> Problem:
    """A write refers to an actor that is missing: a problem with that field.

    ``where`` is the rest of the :class:`Problem`'s place (``file``, ``row``,
    ``column``).
    """
    return Problem(no_actor(actor_id), hint=hint, field=field, value=actor_id, **where)


def introduction_not_recorded(problems: list[Problem]) -> ValidationFailed:
    """An introduction refused, for bad values or missing actors alike."""
    return ValidationFailed(problems, message="the introduction was not recorded.",
                            hint="Correct the values listed and record it again.")


class StoreUnavailable(GraphsvcError):
    """The graph database cannot be reached or refused us."""

    code = "store_unavailable"

    def __init__(self, address: str, reason: str, hint: str | None = None,
                 what: str = "graph database"):
        super().__init__(
            f"{what} unavailable at {address}: {reason}",
            hint=hint or "Check that the server is running and that GRAPHSVC_NEO4J_URI, "
            "GRAPHSVC_NEO4J_USER and GRAPHSVC_NEO4J_PASSWORD are right.",
        )
        self.address = address


class ConfigError(GraphsvcError):
    code = "config_error"


class Unauthorized(GraphsvcError):
    """Nobody is signed in (or the token is not valid) and the data is not public."""

    code = "unauthorized"


class Forbidden(GraphsvcError):
    """Signed in, but the role does not allow this."""

    code = "forbidden"


class RateLimited(GraphsvcError):
    """Too many attempts; ``retry_after`` says how many seconds to wait."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int, hint: str | None = None):
        super().__init__(message, hint=hint, details={"retry_after": retry_after})
        self.retry_after = retry_after


class Conflict(GraphsvcError):
    """The record changed since the caller read it (optimistic concurrency):
    nothing was written. ``details`` says which record, the revision the
    caller had and the one stored, and the stored values."""

    code = "conflict"


class InputTooLarge(GraphsvcError):
    """A file or request is beyond a configured limit (its size, rows,
    columns, nesting...); nothing was read further and nothing written.

    ``limit`` names the setting that raises the limit (``IMPORT_MAX_ROWS``...).
    """

    code = "too_large"

    def __init__(self, message: str, hint: str | None = None, limit: str | None = None):
        super().__init__(message, hint=hint, details={"limit": limit} if limit else None)
        self.limit = limit
