"""Surveys end to end below the web app: design, invitations, answers by
link, the review writing ties through the editing path, and the results."""
import pytest

from graphsvc.errors import Forbidden, NotFound, ValidationFailed
from graphsvc.model import RosterEntry, SurveyAnswers
from graphsvc.surveys import review
from graphsvc.surveys.results import results
from survey_support import editor_view, make_world, survey_spec


@pytest.fixture
def world(tmp_path):
    store, accounts, service, surveys = make_world(tmp_path)
    yield store, accounts, service, surveys
    accounts.close()
    store.close()


def _invite(surveys, store, sid, *ids):
    return {inv.actor_id: token for inv, token in
            surveys.invite(sid, [(store.get_actor(i), None) for i in ids], by="editor1")}


ANSWERS = SurveyAnswers(
    roster=[RosterEntry(actor="unhcr", kind="formal", since=2019, strength="strong",
                        frequency="monthly"),
            RosterEntry(actor="red-sd", kind="informal", since=2022),
            RosterEntry(name="Albergue Las Memorias A.C.", country="MX", kind="informal")],
    answers={"helpful": "5", "barriers_policymakers": "introduction",
             "barriers_organizations": ["time", "resources"], "languages": ["es", "en"]})


def test_a_link_answers_saves_submits_and_the_review_writes_survey_ties(world):
    store, accounts, service, surveys = world
    record = surveys.create(survey_spec(), by="editor1")
    tokens = _invite(surveys, store, record.id, "casa-tijuana", "sin-fronteras", "red-sd")
    assert surveys.status(record.id)["counts"]["invited"] == 3
    token = tokens["casa-tijuana"]
    # the token is stored hashed: it appears nowhere in the file's tables
    rows = accounts.db.conn().execute("SELECT token_hash FROM survey_invitations").fetchall()
    assert token not in {r[0] for r in rows}
    surveys.save(token, SurveyAnswers(roster=ANSWERS.roster[:1]))
    assert surveys.by_token(token)[1].state == "in_progress"
    surveys.save(token, ANSWERS, submit=True)
    assert surveys.status(record.id)["counts"]["submitted"] == 1
    assert surveys.status(record.id)["response_rate"] == pytest.approx(1 / 3)
    assert [i.actor_id for i in surveys.to_remind(record.id)] == ["red-sd", "sin-fronteras"]
    assert len(surveys.versions(surveys.by_token(token)[1].id)) == 2

    view = editor_view(service, accounts)
    queue = review.proposals(surveys, record.id, view)
    assert [p["named"]["name"] for p in queue] == [
        "UNHCR", "Red Fronteriza de San Diego", "Albergue Las Memorias A.C."]
    assert queue[1]["reciprocity"] == "not_answered"  # red-sd is invited, has not answered
    assert queue[0]["reciprocity"] == "not_invited"
    # accept the tie to UNHCR as answered; the new shelter is created
    got = review.accept(surveys, view, record.id, queue[0]["invitation"], queue[0]["key"])
    tie = store.get_tie(got["tie"])
    assert (tie.provenance, tie.source_ref, tie.visibility) == ("survey", f"survey:{record.id}",
                                                                "restricted")
    assert str(tie.since) == "2019-01-01" and tie.strength == 1.0
    assert "Casa del Migrante en Tijuana" in tie.evidence[0].title
    assert str(tie.evidence[0].date) == "2027-01-15"
    new = queue[2]
    assert new["matches"] == []
    got = review.accept(surveys, view, record.id, new["invitation"], new["key"],
                        {"new_kind": "shelter"})
    created = store.get_actor(got["actor_created"])
    assert (created.name, created.kind, created.provenance) == (
        "Albergue Las Memorias A.C.", "shelter", "survey")
    # in the history, by the editor, with the survey as the reason
    change = store.changes(actor=created.id)[0]
    assert change.who == "editor1" and "survey" in change.reason
    review.reject(surveys, view, record.id, queue[1]["invitation"], queue[1]["key"])
    statuses = [p["status"] for p in review.proposals(surveys, record.id, view)]
    assert statuses == ["accepted", "rejected", "accepted"]
    actions = [e.action for e in accounts.audit_entries()]
    for a in ("survey.create", "survey.invite", "survey.save", "survey.submit",
              "survey.accept", "survey.reject", "edit"):
        assert a in actions, a


def test_a_new_organisation_is_matched_against_existing_actors(world):
    store, accounts, service, surveys = world
    record = surveys.create(survey_spec(), by="editor1")
    token = _invite(surveys, store, record.id, "casa-tijuana")["casa-tijuana"]
    surveys.save(token, SurveyAnswers(roster=[RosterEntry(name="SIN FRONTERAS, IAP",
                                                          kind="formal")]), submit=True)
    view = editor_view(service, accounts)
    [p] = review.proposals(surveys, record.id, view)
    assert p["matches"] == [{"id": "sin-fronteras", "name": "Sin Fronteras I.A.P.",
                             "reason": "name"}]
    # bulk acceptance leaves it for a decision one by one
    assert review.accept_all(surveys, view, record.id, [(p["invitation"], p["key"])])[
        "skipped"] == [p["key"]]
    got = review.accept(surveys, view, record.id, p["invitation"], p["key"],
                        {"match": "sin-fronteras"})
    assert got["actor_created"] is None and got["actor"] == "sin-fronteras"
    assert store.get_tie(got["tie"]).provenance == "survey"


def test_reciprocity_and_results_beside_2021_and_the_graph(world):
    store, accounts, service, surveys = world
    record = surveys.create(survey_spec(), by="editor1")
    tokens = _invite(surveys, store, record.id, "casa-tijuana", "sin-fronteras")
    surveys.save(tokens["casa-tijuana"], ANSWERS.model_copy(update={"roster": [
        RosterEntry(actor="sin-fronteras", kind="informal"),
        RosterEntry(actor="red-sd", kind="formal")]}), submit=True)
    surveys.save(tokens["sin-fronteras"], SurveyAnswers(
        roster=[RosterEntry(actor="unhcr", kind="formal")],
        answers={"helpful": "2", "barriers_policymakers": "time"}), submit=True)
    view = editor_view(service, accounts)
    queue = review.proposals(surveys, record.id, view)
    assert queue[0]["reciprocity"] == "no"  # sin-fronteras answered without naming casa
    page = results(surveys, record.id, view)
    assert page["status"]["response_rate"] == 1.0
    rows = {r["name"]: r for r in page["indicators"]}
    # by hand: 2 Mexican respondents; casa named red-sd (US network), sin-fronteras UNHCR
    us = rows["tied_to_us_organizations"]
    assert (us["numerator"], us["denominator"], us["survey_2021"]) == (1, 2, 0.70)
    assert rows["tied_to_unhcr"]["value"] == 0.5
    # in the graph: only sin-fronteras is tied to UNHCR (tie-public); nobody to a US org
    assert rows["tied_to_unhcr"]["graph"] == 0.5 and rows["tied_to_us_organizations"][
        "graph"] == 0.0
    figures = {f["name"]: f for f in page["answers"]["figures"]}
    assert figures["helpful"]["value"] == 0.5 and figures["helpful"]["survey_2021"] == 0.90
    assert figures["introduction_barrier_policymakers"]["numerator"] == 1


def test_a_link_opens_only_its_own_invitation_and_only_while_open(world):
    store, accounts, service, surveys = world
    record = surveys.create(survey_spec(), by="editor1")
    tokens = _invite(surveys, store, record.id, "casa-tijuana", "sin-fronteras")
    _rec, inv = surveys.by_token(tokens["casa-tijuana"])
    assert inv.actor_id == "casa-tijuana"
    for bad in ("", "x" * 43, tokens["casa-tijuana"][:-1], "a" * 500):
        with pytest.raises(NotFound):
            surveys.by_token(bad)
    # a new link replaces the old one
    _inv, fresh = surveys.reissue(record.id, inv.id, by="editor1")
    with pytest.raises(NotFound):
        surveys.by_token(tokens["casa-tijuana"])
    assert surveys.by_token(fresh)[1].id == inv.id
    # closed: nothing can be saved
    closed = surveys.create(survey_spec(opens="2026-01-01", closes="2026-12-31"),
                            by="editor1")
    t = _invite(surveys, store, closed.id, "casa-tijuana")["casa-tijuana"]
    with pytest.raises(Forbidden, match="closed on 2026-12-31"):
        surveys.save(t, ANSWERS)


def test_answers_that_do_not_fit_the_survey_are_refused_whole(world):
    store, accounts, service, surveys = world
    record = surveys.create(survey_spec(), by="editor1")
    token = _invite(surveys, store, record.id, "casa-tijuana")["casa-tijuana"]
    with pytest.raises(ValidationFailed) as exc:
        surveys.save(token, SurveyAnswers(answers={"helpful": "9", "staff": "3",
                                                   "nope": "x"}))
    assert sorted(p.field for p in exc.value.problems) == ["helpful", "nope", "staff"]
    assert surveys.by_token(token)[1].state == "invited"  # nothing saved


def test_a_tie_the_graph_has_gets_the_survey_as_evidence(world):
    store, accounts, service, surveys = world
    record = surveys.create(survey_spec(), by="editor1")
    token = _invite(surveys, store, record.id, "sin-fronteras")["sin-fronteras"]
    # tie-public: sin-fronteras -- unhcr, formal, already in the graph (another id)
    store.upsert([], [store.get_tie("tie-public").model_copy(
        update={"id": "formal:sin-fronteras--unhcr"})])
    surveys.save(token, SurveyAnswers(roster=[RosterEntry(actor="unhcr", kind="formal")]),
                 submit=True)
    view = editor_view(service, accounts)
    [p] = review.proposals(surveys, record.id, view)
    got = review.accept(surveys, view, record.id, p["invitation"], p["key"])
    assert got["existing_tie"] is True
    tie = store.get_tie("formal:sin-fronteras--unhcr")
    assert tie.provenance == "import" and "Sin Fronteras" in tie.evidence[-1].title
