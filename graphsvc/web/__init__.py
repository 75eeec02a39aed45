"""The Flask application factory."""
from __future__ import annotations

from flask import Blueprint, Flask
from flask.json.provider import DefaultJSONProvider

from ..config import load_config
from ..logs import configure_logging
from ..service import GraphService
from . import state

WEB_DEFAULTS = {
    "MAP_MAX_NODES": 5000,
    "JSON_SORT_KEYS": False,
}


def create_app(test_config: dict | None = None, service: GraphService | None = None,
               accounts=None, *, single_process: bool = False) -> Flask:
    """Build the app: configuration from defaults, the file, ``GRAPHSVC_*``
    variables, then ``test_config``; the store is opened once per app.

    Every request passes the security layer (:mod:`.security`: sessions,
    tokens, CSRF, headers) and the endpoint permission table
    (:mod:`.permissions`) before any view runs. ``accounts`` defaults to the
    accounts database named by ``ACCOUNTS_DB``.

    Without a configured ``SECRET_KEY`` the app refuses to start (each
    worker of a multi-process server would sign sessions with its own key),
    unless ``single_process`` (``graphsvc serve`` and ``demo`` in
    development: one process, which may make up its own key) or ``TESTING``.
    With ``TRUSTED_PROXIES`` set, the client's address and scheme are read
    from that many ``X-Forwarded-*`` hops (werkzeug's ``ProxyFix``).
    """
    app = Flask(__name__)
    app.config.update(WEB_DEFAULTS)
    config = load_config(test_config)
    configure_logging(config["LOG_LEVEL"])
    app.config.update(config)
    app.config["SINGLE_PROCESS"] = single_process
    if not app.config.get("MAX_CONTENT_LENGTH"):  # a config file may still give bytes
        app.config["MAX_CONTENT_LENGTH"] = int(config["UPLOAD_MAX_MB"]) * 1024 * 1024
    hops = int(config["TRUSTED_PROXIES"])
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops,  # type: ignore[method-assign]
                                x_proto=hops, x_host=hops, x_port=hops)
    state.init_app(app, service=service or GraphService.from_config(config))
    if isinstance(app.json, DefaultJSONProvider):
        app.json.sort_keys = False

    from . import api, errors, i18n, pages, permissions, templating
    from .security import init_security

    i18n.init_app(app)  # Babel first: security's messages are translated
    templating.init_app(app)
    errors.init_app(app)
    init_security(app, accounts=accounts)
    permissions.init_app(app)
    from .analyses import status_headers

    app.after_request(status_headers)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    from . import survey_views

    survey_views.init_app(app)
    app.register_blueprint(Blueprint("vendor", __name__, static_folder=str(state.VIS_DIR),
                                     static_url_path="/vendor/vis-network"))

    @app.get("/favicon.ico")
    def favicon():
        # browsers ask for it whatever the page links; our own icon, never a 404
        return app.send_static_file("favicon.ico")
    return app
