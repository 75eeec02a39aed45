"""``graphsvc demo``: load the illustrative network and serve it."""
from __future__ import annotations

import click

from ..illustrative import DEFAULT_SEED, load_illustrative
from ..stores import GraphStore
from .common import get_service
from .principal import cli_graph_view
from .serve import host_option, port_option, run_server


def store_location(store: GraphStore) -> str:
    """Where the store keeps its data, for messages: a file or a server."""
    path = getattr(store, "path", None)
    if path is not None:
        return f"the {store.name} store at {path}"
    return f"the {store.name} store"


@click.command()
@click.option("--no-serve", is_flag=True, help="Only load the network; do not serve it.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int,
              help="Seed of the generator: the same seed gives the same network.")
@click.option("--replace", is_flag=True,
              help="Delete whatever the store holds, even data that is not the "
              "illustrative network, before loading.")
@host_option
@port_option
def demo(no_serve, seed, replace, host, port):
    """Load the illustrative network into the configured store and serve it.

    The network is invented: real organizations named in public reports and
    invented ones (their names contain "Ejemplo" or "Example"), joined by
    invented ties. Running demo again reloads it. A store holding any other
    data is left alone unless --replace is given.

    While demo serves, visitors who are not signed in see the public view
    (restricted actors and ties hidden); sign in to see the rest.
    """
    ctx = click.get_current_context()
    service = get_service(ctx)
    where = store_location(service.store)
    result = cli_graph_view(ctx).run_write(
        "import", "illustrative network",
        lambda: load_illustrative(service.store, seed=seed, replace=replace, where=where),
        lambda r: {"seed": r.seed, "actors": r.actors, "ties": r.ties,
                   "events": r.events, "groups": r.groups, "replaced": r.replaced})
    click.echo(f"Loaded the illustrative network (seed {result.seed}: {result.actors} "
               f"actors, {result.ties} ties, {result.events} events, {result.groups} "
               f"groups) into {where}.")
    click.echo("The data is illustrative: invented ties among real and invented "
               "organizations, not a record of real relationships.")
    if not no_serve:
        # The store now holds the invented network and nothing else (demo
        # refuses a store with other data), so this process publishes its
        # public view: a newcomer sees the app at once, without an account,
        # and restricted records stay hidden until someone signs in.
        click.echo("Showing the public view: restricted actors and ties are hidden. "
                   "To see them, create an account in another terminal "
                   "(graphsvc users create-admin --username NAME) and sign in.")
        run_server(service, host, port, settings={"PUBLIC_VIEW": True})


COMMANDS = [demo]
