"""The Flask application factory."""
from __future__ import annotations

from flask import Flask

from ..config import load_config
from ..service import GraphService


def create_app(test_config: dict | None = None, service: GraphService | None = None) -> Flask:
    """Build the app: configuration from defaults, the file, ``GRAPHSVC_*``
    variables, then ``test_config``; the store is opened once per app."""
    app = Flask(__name__)
    config = load_config(test_config)
    app.config.update(config)
    app.extensions["graphsvc"] = service or GraphService.from_config(config)

    from . import pages

    app.register_blueprint(pages.bp)
    return app


def get_service() -> GraphService:
    from flask import current_app

    return current_app.extensions["graphsvc"]
