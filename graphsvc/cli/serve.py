"""``graphsvc serve``: the web app on this machine."""
from __future__ import annotations

import click

from .common import get_service


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep 127.0.0.1 unless others must reach it.")
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host, port):
    """Serve the web app on the configured store."""
    from ..web import create_app

    service = get_service(click.get_current_context())
    app = create_app(service=service)
    click.echo(f"graphsvc serving {service.store.name} store on http://{host}:{port}/")
    app.run(host=host, port=port, debug=False, use_reloader=False)


COMMANDS = [serve]
