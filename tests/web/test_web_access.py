"""Every data function honours Access: for the public view (as for a
viewer), no restricted actor or tie shows up anywhere in what it returns."""
import json

import pytest
from werkzeug.datastructures import MultiDict

from graphsvc.access import GraphView
from graphsvc.auth import PUBLIC as PUBLIC_PRINCIPAL
from graphsvc.errors import NotFound
from graphsvc.web import data
from graphsvc.web.access import Access
from graphsvc.web.params import actor_query, map_query, tie_query
from web_support import ACTORS, TIES

RESTRICTED_NAMES = [a.name for a in ACTORS if a.visibility == "restricted"]
RESTRICTED_TIES = [t.id for t in TIES if t.visibility == "restricted"]


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app.extensions["graphsvc"]


@pytest.fixture
def public(app):
    """The public view's Access (what a viewer sees, too)."""
    access = Access(GraphView(app.extensions["graphsvc"], PUBLIC_PRINCIPAL,
                              app.extensions["graphsvc.accounts"]))
    assert access.include_restricted is False
    return access


def outputs(service, access):
    yield data.dashboard(service, access)
    yield data.facets(service, access)
    yield data.actors(service, access, actor_query(MultiDict()))
    yield data.actors(service, access, actor_query(MultiDict({"q": "a"})))
    for a in ACTORS:
        if a.visibility == "public":
            yield data.actor(service, access, a.id)
    yield data.ties(service, access, tie_query(MultiDict({"limit": "500"})))
    yield data.map_data(service, access, map_query(MultiDict()))
    yield data.map_data(service, access, map_query(MultiDict({"ego": "sinfronteras",
                                                             "depth": "3"})))


def test_nothing_restricted_leaves_the_data_functions(ctx, public):
    for out in outputs(ctx, public):
        text = json.dumps(out)
        for name in RESTRICTED_NAMES:
            assert json.dumps(name)[1:-1] not in text
        for tie_id in RESTRICTED_TIES:
            assert tie_id not in text


def test_counts_are_those_of_the_public_graph(ctx, public):
    d = data.dashboard(ctx, public)
    # public: sinfronteras, unhcr, prm; public ties: the two grants and the
    # implementing partnership (by hand from web_fixtures)
    assert d["counts"] == {"actors": 3, "ties": 3, "countries": 3}
    assert data.actor(ctx, public, "sinfronteras")["degree"] == 2


@pytest.mark.parametrize("call", [
    lambda s, a: data.actor(s, a, "img"),
    lambda s, a: data.ties(s, a, tie_query(MultiDict({"actor": "script"}))),
    lambda s, a: data.map_data(s, a, map_query(MultiDict({"ego": "href"}))),
])
def test_restricted_actors_are_not_found(ctx, public, call):
    with pytest.raises(NotFound) as exc:
        call(ctx, public)
    assert "restricted" not in str(exc.value).lower()
