"""Every data function honours Access: for the public view (as for a
viewer), no restricted actor or tie shows up anywhere in what it returns."""
import json

import pytest
from werkzeug.datastructures import MultiDict

from graphsvc.access import GraphView
from graphsvc.auth import PUBLIC as PUBLIC_PRINCIPAL
from graphsvc.errors import NotFound
from graphsvc.web import data, get_layouts
from graphsvc.web.access import Access
from graphsvc.web.params import actor_query, map_query, tie_query
from web_fixtures import ACTORS, TIES, app, store  # noqa: F401

RESTRICTED_NAMES = [a.name for a in ACTORS if a.visibility == "restricted"]
RESTRICTED_TIES = [t.id for t in TIES if t.visibility == "restricted"]


PUBLIC = None  # the public view's Access, made per app below


@pytest.fixture
def ctx(app):
    global PUBLIC
    service = app.extensions["graphsvc"]
    PUBLIC = Access(GraphView(service, PUBLIC_PRINCIPAL, app.extensions["graphsvc.accounts"]))
    assert PUBLIC.include_restricted is False
    with app.test_request_context():
        yield service


def outputs(service):
    yield data.dashboard(service, PUBLIC)
    yield data.facets(service, PUBLIC)
    yield data.actors(service, PUBLIC, actor_query(MultiDict()))
    yield data.actors(service, PUBLIC, actor_query(MultiDict({"q": "a"})))
    for a in ACTORS:
        if a.visibility == "public":
            yield data.actor(service, PUBLIC, a.id)
    yield data.ties(service, PUBLIC, tie_query(MultiDict({"limit": "500"})))
    yield data.map_data(service, PUBLIC, map_query(MultiDict()), get_layouts())
    yield data.map_data(service, PUBLIC, map_query(MultiDict({"ego": "sinfronteras",
                                                             "depth": "3"})), get_layouts())


def test_nothing_restricted_leaves_the_data_functions(ctx):
    for out in outputs(ctx):
        text = json.dumps(out)
        for name in RESTRICTED_NAMES:
            assert json.dumps(name)[1:-1] not in text
        for tie_id in RESTRICTED_TIES:
            assert tie_id not in text


def test_counts_are_those_of_the_public_graph(ctx):
    d = data.dashboard(ctx, PUBLIC)
    # public: sinfronteras, unhcr, prm; public ties: the two grants and the
    # implementing partnership (by hand from web_fixtures)
    assert d["counts"] == {"actors": 3, "ties": 3, "countries": 3}
    assert data.actor(ctx, PUBLIC, "sinfronteras")["degree"] == 2


@pytest.mark.parametrize("call", [
    lambda s: data.actor(s, PUBLIC, "img"),
    lambda s: data.ties(s, PUBLIC, tie_query(MultiDict({"actor": "script"}))),
    lambda s: data.map_data(s, PUBLIC, map_query(MultiDict({"ego": "href"})), get_layouts()),
])
def test_restricted_actors_are_not_found(ctx, call):
    with pytest.raises(NotFound) as exc:
        call(ctx)
    assert "restricted" not in str(exc.value).lower()
