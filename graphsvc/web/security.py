"""Sign-in, sessions, CSRF, API tokens and security headers for the web app.

``init_security(app)`` sets everything up on an app whose configuration is
loaded and whose service is kept by :mod:`graphsvc.web.state`.
Views then read the graph only through :func:`graph_view`, and guard
themselves with :func:`login_required` or :func:`require`.

Sessions. Flask keeps its session in a signed cookie, which has no id of
its own and cannot be revoked. So at sign-in the session is cleared and a
new random session id (256 bits) is put in it and recorded, hashed, in the
accounts database; every request checks that record. The cookie therefore
changes completely at sign-in (old contents gone, new id), and at sign-out,
after ``SESSION_IDLE_MINUTES`` without a request, when the account is
disabled or its password changes, the record is ended: a copy of the old
cookie no longer signs anyone in.

Scripts send ``Authorization: Bearer <token>``. Such requests are
authenticated by the token alone (never by a cookie), so they are exempt
from CSRF checks: a browser never adds that header on its own to a request
another site makes it send.
"""
from __future__ import annotations

import functools
import secrets
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel, get_locale
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_user, logout_user, session_protected
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..access import GraphView
from ..auth import Accounts
from ..auth.roles import PUBLIC, Principal
from ..errors import ConfigError, Forbidden, GraphsvcError, NotFound, RateLimited, Unauthorized
from . import state
from .state import get_accounts, get_service

__all__ = [
    "init_security",
    "check_production_config",
    "graph_view",
    "current_principal",
    "login_required",
    "require",
    "csp",
    "error_response",
    "unauthorized",
    "forbidden",
    "wants_json",
    "ERROR_STATUS",
    "DEFAULT_CSP",
    "bp",
]

#: HTTP status for each security error code.
ERROR_STATUS = {"unauthorized": 401, "forbidden": 403, "rate_limited": 429,
                "csrf_failed": 400}

#: The Content-Security-Policy every response gets: scripts, styles, fonts
#: and images from this site only, and no inline script or style at all
#: (pages carry none; map data travels as a JSON block, which is never
#: executed), so injected markup stays inert even if some escaping were
#: missed. A view that cannot avoid an inline script opts in with
#: :func:`csp` and ``'nonce-{nonce}'`` (``csp_nonce()`` in its template); a
#: view that sets its own policy header (the downloadable map) keeps it.
DEFAULT_CSP: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

_MIN_SECRET = 32
bp = Blueprint("auth", __name__, template_folder="templates")
csrf = CSRFProtect()


# --- configuration --------------------------------------------------------------

_SECRET_HINT = ("Set GRAPHSVC_SECRET_KEY (or SECRET_KEY in the config file) to a long "
                "random value, e.g. the output of: python -c \"import secrets; "
                "print(secrets.token_hex(32))\"")


def check_production_config(config) -> None:
    """Refuse settings a server must not run with; call before serving.

    Raises :class:`ConfigError` when ``ENV`` is neither ``development`` nor
    ``production``; when it is ``production`` and ``SECRET_KEY`` is unset
    or shorter than 32 characters; and, whatever ``ENV``, when no
    ``SECRET_KEY`` is set unless ``SINGLE_PROCESS`` (``graphsvc serve`` or
    ``demo``) or ``TESTING`` is: under gunicorn each worker would make up
    its own key, and a session signed by one would be refused by the others.
    """
    env = str(config.get("ENV") or "development")
    if env not in ("development", "production"):
        raise ConfigError(f"ENV must be development or production, not '{env}'")
    key = config.get("SECRET_KEY")
    if env == "production":
        if not key:
            raise ConfigError("ENV is production but no SECRET_KEY is configured; "
                              "sessions could be forged.", hint=_SECRET_HINT)
        if len(str(key)) < _MIN_SECRET:
            raise ConfigError(f"SECRET_KEY is too short for production ({len(str(key))} "
                              f"characters; at least {_MIN_SECRET}).", hint=_SECRET_HINT)
    if not key and not (config.get("SINGLE_PROCESS") or config.get("TESTING")):
        raise ConfigError("no SECRET_KEY is configured: under gunicorn (or any server with "
                          "several workers) each worker would sign sessions with its own "
                          "key and sign people out at random.", hint=_SECRET_HINT)


def init_security(app, accounts: Accounts | None = None, clock=None) -> None:
    """Set up sign-in, sessions, CSRF, tokens and headers on ``app``.

    Parameters
    ----------
    app : Flask
        Configured (``ENV``, ``SECRET_KEY``, ``ACCOUNTS_DB``, ``PUBLIC_VIEW``,
        ``SESSION_IDLE_MINUTES``, ``LOGIN_RATE_LIMIT``), with the service
        kept by :func:`graphsvc.web.state.init_app`.
    accounts : Accounts, optional
        Default: opened from ``ACCOUNTS_DB``.
    clock : callable, optional
        Seconds since the epoch, for idle expiry (tests pass their own).
    """
    check_production_config(app.config)
    production = app.config.get("ENV") == "production"
    if not app.config.get("SECRET_KEY"):
        # One process in development (graphsvc serve/demo) or tests; refused
        # above otherwise. Sessions last until restart.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    clock = clock or time.time
    if accounts is None:
        accounts = Accounts.from_config(app.config, clock=clock)
    state.init_app(app, accounts=accounts)
    app.config.setdefault("PUBLIC_VIEW", False)
    app.config.setdefault("SESSION_IDLE_MINUTES", 30)

    app.config.update(
        SESSION_COOKIE_NAME="__Host-graphsvc_session" if production else "graphsvc_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        SESSION_COOKIE_PATH="/",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=production,
        # Checked by our own hook below, so bearer-token requests can skip it.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    if "babel" not in app.extensions:
        Babel(app)
    app.jinja_env.globals.setdefault("get_locale", get_locale)

    app.session_interface = _SessionInterface()
    login = LoginManager()
    login.session_protection = "strong"
    login.init_app(app)
    login.user_loader(_load_session_user)
    login.request_loader(_load_token_user)
    session_protected.connect(_on_session_protected, app)
    csrf.init_app(app)

    app.before_request(_before_request)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = _nonce
    # Pages say who is signed in (and offer sign-out) or that this is the public view.
    app.context_processor(lambda: {"principal": current_principal()})
    # The sign-in and refusal pages use the app's stylesheet when it has one.
    app.context_processor(lambda: {"stylesheet": url_for("static", filename="style.css")
                                   if current_app.has_static_folder else None})
    for exc in (Unauthorized, Forbidden, RateLimited):
        app.register_error_handler(exc, error_response)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_blueprint(bp)


class _SessionInterface(SecureCookieSessionInterface):
    """No session cookie for a request that carries its own credentials
    (``Authorization``): a script's token request is judged by the token
    alone. A cookie set for it (a page's CSRF token) would make the script's
    next request a session that never signed in, which Flask-Login's strong
    protection refuses before the token is read."""

    def should_set_cookie(self, app, session) -> bool:
        if "Authorization" in request.headers:
            return False
        return super().should_set_cookie(app, session)


# --- who is asking ------------------------------------------------------------------

def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    return None


def _load_session_user(user_id):
    if "Authorization" in request.headers:
        return None  # a request with credentials of its own is judged by them alone
    idle = float(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    user = get_accounts().session_user(session.get("_sid"), user_id, idle)
    if user is None:
        session.clear()  # ended, idle, disabled or forged: drop the cookie
    else:
        g.auth_via = "session"
    return user


def _on_session_protected(app, **extra):
    """The cookie came from another address or browser than the one that signed
    in (Flask-Login's "strong" protection): end that session for good.

    Flask-Login also signals for a visitor's session that never signed in
    (its CSRF token, a flashed message); that one is left alone."""
    if session.get("_sid"):
        get_accounts().end_session(session.get("_sid"), reason="session.hijack_suspected",
                                   ip=request.remote_addr)
        session.clear()


def _load_token_user(req):
    token = _bearer()
    if token is None:
        if "Authorization" in req.headers:
            g.bad_token = True
        return None
    user = get_accounts().user_for_token(token)
    if user is None:
        g.bad_token = True
        return None
    g.auth_via = "token"
    return user


def current_principal() -> Principal | None:
    """The signed-in user or token user, the public view (when published),
    or ``None``."""
    if current_user.is_authenticated:
        return current_user.principal(g.get("auth_via", "session"))
    if g.get("bad_token"):
        return None
    if current_app.config.get("PUBLIC_VIEW"):
        return PUBLIC
    return None


def graph_view() -> GraphView:
    """The graph as this request's principal may see it (one per request).

    Raises :class:`Unauthorized` for a visitor who is not signed in while the
    public view is off, or whose API token is not valid.
    """
    if "graph_view" not in g:
        principal = current_principal()
        if principal is None:
            raise unauthorized()
        from .time import request_as_of  # the request's ?as_of= (default today)

        g.graph_view = GraphView(get_service(), principal,
                                 get_accounts(), ip=request.remote_addr,
                                 as_of=request_as_of())
    return g.graph_view


def unauthorized() -> Unauthorized:
    """The error for a request that needs an account it does not carry."""
    if g.get("bad_token"):
        return Unauthorized(_("The API token is not valid or has been revoked."),
                            hint=_("Ask an administrator for a new token."))
    return Unauthorized(_("Sign in to see this."),
                        hint=_("Ask an administrator for an account."))


def forbidden(principal: Principal, permission: str) -> Forbidden:
    """The error for a principal whose role lacks ``permission``."""
    return Forbidden(_("The %(role)s role may not do this (%(permission)s).",
                       role=principal.role, permission=permission),
                     hint=_("Ask an administrator for a role that may."))


def login_required(view):
    """Only for a signed-in user or a valid API token (not the public view)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise unauthorized()
        return view(*args, **kwargs)

    return wrapper


def require(permission: str):
    """Decorator: the principal must hold ``permission`` (see
    :mod:`graphsvc.auth.roles`); ``require("view")`` lets the public view in
    when it is published."""

    def deco(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal is None or (principal.is_public and not principal.can(permission)):
                raise unauthorized()
            if not principal.can(permission):
                raise forbidden(principal, permission)
            return view(*args, **kwargs)

        return wrapper

    return deco


# --- request hooks -----------------------------------------------------------------

def _before_request():
    if _bearer() is None:
        csrf.protect(apply_exemptions=True)


def _nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def csp(**directives):
    """Decorator: change this view's Content-Security-Policy directives,
    e.g. ``@csp(style_src="'self' 'unsafe-inline'")`` (underscores for dashes).
    Use sparingly and say why beside it."""

    def deco(view):
        view._csp = {k.replace("_", "-"): v for k, v in directives.items()}
        return view

    return deco


def _security_headers(response):
    if "Content-Security-Policy" not in response.headers:
        policy = dict(DEFAULT_CSP)
        view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
        policy.update(getattr(view, "_csp", {}))
        directives = []
        for k, v in policy.items():
            if "{nonce}" in v:
                v = v.replace("{nonce}", _nonce())
            directives.append(f"{k} {v}")
        response.headers["Content-Security-Policy"] = "; ".join(directives)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # same-origin, not no-referrer: Flask-WTF checks the Referer of HTTPS form posts.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config.get("ENV") == "production":
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static" and "Cache-Control" not in response.headers and (
            g.get("auth_via") or "graph_view" in g):
        # What one person may see must not be kept by a browser or proxy for the next.
        response.headers["Cache-Control"] = "no-store"
    return response


# --- errors ---------------------------------------------------------------------------

def wants_json() -> bool:
    """Whether the answer should be JSON: the API, scripts, or a JSON Accept."""
    if request.path.startswith("/api/") or "Authorization" in request.headers:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(exc: GraphsvcError):
    """The response for a security error: the one JSON error shape for the
    API, a redirect to sign in or a short page for browsers."""
    status = ERROR_STATUS.get(exc.code, 400)
    if wants_json():
        body = {"error": {"code": exc.code, "message": str(exc), "details": exc.details}}
        resp = jsonify(body)
        resp.status_code = status
    elif status == 401 and request.method == "GET":
        return redirect(url_for("auth.login", next=_local_path(request.full_path)))
    else:
        resp = current_app.response_class(
            render_template("auth/error.html", message=str(exc), status=status),
            status=status, mimetype="text/html")
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="graphsvc"'
    if isinstance(exc, RateLimited):
        resp.headers["Retry-After"] = str(exc.retry_after)
    return resp


def _csrf_error(exc: CSRFError):
    err = GraphsvcError(_("The form has expired or did not come from this site. "
                          "Reload the page and try again."))
    err.code = "csrf_failed"
    err.details = {"reason": exc.description}
    return error_response(err)


def _local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else ``None`` (no open redirects)."""
    if not target:
        return None
    target = target.rstrip("?") or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


# --- sign-in and sign-out ---------------------------------------------------------

class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=1024)])


def start_login(user) -> None:
    """Sign ``user`` in: a new session with a new id, nothing carried over."""
    session.clear()
    session["_sid"] = get_accounts().start_session(user, ip=request.remote_addr)
    login_user(user)
    g.auth_via = "session"


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_path = _local_path(request.values.get("next")) or "/"
    if current_user.is_authenticated and g.get("auth_via") == "session":
        return redirect(next_path)
    form = LoginForm()
    error, status, retry_after = None, 200, None
    if form.validate_on_submit():
        try:
            user = get_accounts().authenticate(form.username.data, form.password.data,
                                               ip=request.remote_addr)
        except Unauthorized:
            error, status = _("Wrong user name or password."), 401
        except RateLimited as exc:
            retry_after = exc.retry_after
            error, status = _("Too many failed attempts. Try again in %(n)d seconds.",
                              n=retry_after), 429
        else:
            start_login(user)
            return redirect(next_path)
    elif request.method == "POST":
        error, status = _("Enter your user name and password."), 400
    resp = current_app.response_class(
        render_template("auth/login.html", form=form, error=error,
                        next=next_path if next_path != "/" else None),
        status=status, mimetype="text/html")
    if retry_after is not None:
        resp.headers["Retry-After"] = str(retry_after)
    return resp


@bp.get("/admin/audit.<fmt>")
@require("read_audit")
def audit_export(fmt):
    """The audit log as CSV or JSON, for admins (``?since=2026-01-31``)."""
    import io

    from ..auth.audit import FORMATS, export_audit

    if fmt not in FORMATS:
        raise NotFound(f"no audit format '{fmt}'", hint="Use audit.csv or audit.json.")
    principal = current_principal()
    assert principal is not None  # require() let only a reader of the audit log in
    buf = io.StringIO()
    export_audit(get_accounts(), buf, fmt, by=principal.audit_name,
                 since=request.args.get("since") or None, ip=request.remote_addr)
    mimetype = "text/csv" if fmt == "csv" else "application/json"
    resp = current_app.response_class(buf.getvalue(), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="graphsvc-audit.{fmt}"'
    return resp


@bp.post("/logout")
def logout():
    get_accounts().end_session(session.get("_sid"), ip=request.remote_addr)
    logout_user()
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))
