"""Recording introduction outcomes through a real SQLite store."""
import pytest

from graphsvc.errors import ValidationFailed
from graphsvc.queries.introductions import suggest_introductions
from graphsvc.service import GraphService
from graphsvc.stores.sqlite import SQLiteStore
from intro_graphs import corridor_records


@pytest.fixture
def service(tmp_path):
    store = SQLiteStore(tmp_path / "g.db")
    actors, ties = corridor_records()
    store.upsert(actors, ties)
    svc = GraphService(store)
    yield svc
    svc.close()


def suggested(svc, actor="mx1", mode="open"):
    return {s["actor"]: s for s in suggest_introductions(
        svc.snapshot(), actor, mode, limit=None, introductions=svc.store.introductions())}


def test_made_introduction_becomes_a_restricted_tie_and_leaves_suggestions(service):
    assert "us1" in suggested(service)
    service.record_introduction("mx1", "us1", via="unhcr", status="made", note="met in May")
    tie = service.store.get_tie("informal:mx1--us1:introduction")
    assert tie is not None
    assert (tie.kind, tie.subtype, tie.provenance, tie.visibility, tie.note) == (
        "informal", "introduction", "introduction", "restricted", "met in May")
    G = service.snapshot()
    assert G.has_edge("mx1", "us1")
    assert "us1" not in suggested(service)
    # The new tie makes mx1 a mutual contact of us1 and its contacts: us1's
    # funder is now two steps from mx1 through us1.
    reasons = {r["code"]: r for r in suggested(service)["fund"]["reasons"]}
    assert reasons["common_contacts"]["contacts"] == ["us1"]


def test_made_introduction_may_be_public_when_told(service):
    service.record_introduction("mx1", "us2", status="made", visibility="public")
    assert service.store.get_tie("informal:mx1--us2:introduction").visibility == "public"


def test_declined_is_never_suggested_again_and_writes_no_tie(service):
    n = service.store.counts()["ties"]
    service.record_introduction("us2", "mx1", via="ws", status="declined")
    assert service.store.counts()["ties"] == n
    assert "us2" not in suggested(service)
    assert "mx1" not in suggested(service, "us2")          # either side
    # a later "proposed" record does not bring it back
    service.record_introduction("mx1", "us2", status="proposed")
    assert "us2" not in suggested(service)


def test_proposed_is_flagged(service):
    service.record_introduction("mx1", "prm", via="unhcr", status="proposed")
    assert suggested(service)["prm"]["proposed"] is True


def test_bad_input_writes_nothing(service):
    before = (service.store.version(), service.store.counts())
    with pytest.raises(ValidationFailed) as exc:
        service.record_introduction("mx1", "us1", via="mx1", status="made")
    assert "the broker ('via') must be a third actor" in str(exc.value.problems[0])
    with pytest.raises(ValidationFailed) as exc:
        service.record_introduction("mx1", "us1", status="maybe")
    assert exc.value.problems[0].field == "status"
    with pytest.raises(ValidationFailed) as exc:
        service.record_introduction("mx1", "ghost", via="nobody", status="made")
    assert [str(p) for p in exc.value.problems] == [
        "field 'to': no actor with id 'ghost'. Use an id the graph has.",
        "field 'via': no actor with id 'nobody'. Use an id the graph has."]
    assert str(exc.value) == ("the introduction was not recorded. Correct the values "
                              "listed and record it again.")
    assert (service.store.version(), service.store.counts()) == before
    assert service.store.introductions() == []
