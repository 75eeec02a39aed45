"""``graphsvc serve``: the web app on this machine."""
from __future__ import annotations

import click

from ..service import GraphService
from .common import get_service

#: The options ``serve`` and ``demo`` share.
host_option = click.option(
    "--host", default="127.0.0.1", show_default=True,
    help="Address to listen on. Keep 127.0.0.1 unless others must reach it.")
port_option = click.option("--port", default=5000, show_default=True, type=int)


def run_server(service: GraphService, host: str, port: int,
               settings: dict | None = None) -> None:
    """Serve the web app over ``service`` until interrupted; ``settings``
    override the configuration for this process only."""
    from ..web import create_app

    app = create_app(settings, service=service, single_process=True)
    if not app.config.get("PUBLIC_VIEW") and not app.extensions["graphsvc.accounts"].list_users():
        click.echo("No accounts yet, and nothing is shown without one: create the first "
                   "admin with graphsvc users create-admin --username NAME")
    click.echo(f"graphsvc serving {service.store.name} store on http://{host}:{port}/ "
               "(open it in your browser; Ctrl+C stops)")
    app.run(host=host, port=port, debug=False, use_reloader=False)


@click.command()
@host_option
@port_option
def serve(host, port):
    """Serve the web app on the configured store."""
    run_server(get_service(click.get_current_context()), host, port)


COMMANDS = [serve]
