"""One error shape for the API, an error page for people.

Every failure a client can cause answers 4xx with
``{"error": {"code": ..., "message": ..., "details": ...}}`` under
``/api/``, and the same facts as an HTML page elsewhere. Domain errors map
to statuses here, so views never build error responses themselves.
"""
from __future__ import annotations

import logging
import sqlite3

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..errors import (
    ConfigError,
    Conflict,
    GraphsvcError,
    InputTooLarge,
    NotFound,
    StoreUnavailable,
    ValidationFailed,
)
from ..sqlite_file import store_error

__all__ = ["InvalidQuery", "error_body", "init_app", "STATUS"]

log = logging.getLogger(__name__)


class InvalidQuery(GraphsvcError):
    """A request parameter is malformed or out of range (HTTP 400).

    ``details`` lists ``{"field", "message", "value"}`` per bad parameter.
    """

    code = "bad_request"

    def __init__(self, problems: list[dict]):
        super().__init__(_("The request has invalid parameters."), details=problems)


STATUS: dict[type, int] = {
    InvalidQuery: 400,
    NotFound: 404,
    Conflict: 409,
    ValidationFailed: 422,
    InputTooLarge: 413,
    StoreUnavailable: 503,
    ConfigError: 500,
}

_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
               409: "conflict",
               413: "too_large", 500: "internal_error", 503: "store_unavailable"}


def error_body(code: str, message: str, details=None) -> dict:
    """The one error shape every API error uses."""
    return {"error": {"code": code, "message": str(message), "details": details}}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(status: int, code: str, message: str, details=None, title: str | None = None):
    if _wants_json():
        return jsonify(error_body(code, message, details)), status
    return render_template("error.html", status=status, code=code, title=title or message,
                           message=message, details=details), status


def _status_for(exc: GraphsvcError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def init_app(app: Flask) -> None:
    @app.errorhandler(StoreUnavailable)
    def store_unavailable(exc: StoreUnavailable):
        # The address and driver message stay in the log: they are for the
        # operator, not for whoever sent the request.
        log.error("store unavailable (%s %s): %s", request.method, request.path, exc)
        return _respond(503, exc.code, _("graph database unavailable"),
                        {"hint": _("The graph database cannot be reached. "
                                   "Try again in a moment; if it persists, "
                                   "tell the administrator.")})

    @app.errorhandler(ValidationFailed)
    def validation_failed(exc: ValidationFailed):
        n = len(exc.problems)
        return _respond(422, exc.code,
                        _("%(num)d problem(s) found; nothing was written.", num=n),
                        exc.details, title=_("The input has problems"))

    @app.errorhandler(GraphsvcError)
    def domain_error(exc: GraphsvcError):
        status = _status_for(exc)
        if status >= 500:
            app.logger.error("%s: %s", exc.code, exc)
            return _respond(status, exc.code, _("The service is misconfigured."))
        return _respond(status, exc.code, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        messages = {
            404: _("There is nothing at this address."),
            405: _("This method is not allowed here."),
            413: _("The upload is too large."),
            400: _("The request could not be understood."),
        }
        return _respond(status, _HTTP_CODES.get(status, "http_error"),
                        messages.get(status, exc.name))

    @app.errorhandler(sqlite3.DatabaseError)
    def sqlite_error(exc: sqlite3.DatabaseError):
        # The stores and accounts raise StoreUnavailable themselves; this
        # catches any other SQLite file, so a damaged disk is never a 500.
        if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
            return unexpected(exc)
        return store_unavailable(store_error("a SQLite file", exc))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.error("unexpected error on %s %s", request.method, request.path, exc_info=exc)
        return _respond(500, "internal_error",
                        _("Something went wrong on our side; it has been logged."))
