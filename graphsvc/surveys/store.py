"""Surveys, invitations and answers in the accounts database.

A link's token is 256 random bits (``secrets.token_urlsafe(32)``), shown
once when the invitation is made and stored as its SHA-256, as API tokens
are (:mod:`graphsvc.auth.accounts`): whoever reads the file cannot answer
for anyone. A token opens its own invitation only, until the survey's
closing day. Every save is kept (``survey_answer_versions``, append-only)
and audited with the change it made, in the same transaction.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from pydantic import ValidationError

from ..auth import Accounts
from ..errors import Forbidden, NotFound, Problem, ValidationFailed
from ..model import Actor, Survey, SurveyAnswers, check_answers, validation_problems
from ..sqlite_file import guarded

__all__ = ["Surveys", "SurveyRecord", "Invitation", "STATES", "survey_from",
           "answers_from"]

#: Where an invitation stands, in order.
STATES = ("invited", "opened", "in_progress", "submitted")


def _rowid(value) -> int:
    """A row number as SQLite stores it, or -1 (which no row has) for anything
    else: text, or a number beyond SQLite's 64-bit integers."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return -1
    return n if 0 < n < 2 ** 63 else -1


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def survey_from(data: dict) -> Survey:
    """A survey design checked by the model; :class:`ValidationFailed` otherwise."""
    try:
        return Survey(**data)
    except ValidationError as exc:
        raise ValidationFailed(validation_problems(exc), message="the survey was not "
                               "saved.", hint="Correct the fields named and save again."
                               ) from None
    except TypeError:
        raise ValidationFailed([Problem("send the survey as an object of fields")],
                               message="the survey was not saved.") from None


def answers_from(data: dict) -> SurveyAnswers:
    """Answers checked by the model; :class:`ValidationFailed` otherwise."""
    try:
        return SurveyAnswers(**data)
    except ValidationError as exc:
        raise ValidationFailed(validation_problems(exc), message="the answers were not "
                               "saved.", hint="Correct the answers named and save again."
                               ) from None
    except TypeError:
        raise ValidationFailed([Problem("send the answers as an object")],
                               message="the answers were not saved.") from None


@dataclass(frozen=True)
class SurveyRecord:
    id: int
    spec: Survey
    created_at: str
    created_by: str

    def to_dict(self) -> dict:
        return {"id": self.id, **self.spec.to_record(), "created_at": self.created_at,
                "created_by": self.created_by}


@dataclass(frozen=True)
class Invitation:
    """One organisation's invitation to one survey (never its token)."""

    id: int
    survey_id: int
    actor_id: str
    name: str
    contact: str | None
    created_at: str
    expires_at: str
    opened_at: str | None
    saved_at: str | None
    submitted_at: str | None
    reminded_at: str | None
    answers: SurveyAnswers | None

    @property
    def state(self) -> str:
        """invited, opened, in_progress (saved, not submitted) or submitted."""
        if self.submitted_at:
            return "submitted"
        if self.saved_at:
            return "in_progress"
        if self.opened_at:
            return "opened"
        return "invited"

    def to_dict(self, with_answers: bool = False) -> dict:
        out = {"id": self.id, "survey": self.survey_id, "actor": self.actor_id,
               "name": self.name, "contact": self.contact, "state": self.state,
               "created_at": self.created_at, "expires_at": self.expires_at,
               "opened_at": self.opened_at, "saved_at": self.saved_at,
               "submitted_at": self.submitted_at, "reminded_at": self.reminded_at}
        if with_answers:
            out["answers"] = self.answers.to_record() if self.answers else None
        return out


@guarded("accounts file", "GRAPHSVC_ACCOUNTS_DB")
class Surveys:
    """The surveys kept in ``accounts``' file; ``accounts.clock`` says what day it is."""

    def __init__(self, accounts: Accounts):
        self.accounts = accounts
        self.db = accounts.db
        self.path = accounts.path

    # --- time ----------------------------------------------------------------

    def _now(self) -> str:
        return dt.datetime.fromtimestamp(self.accounts.clock(), tz=dt.UTC).isoformat(
            timespec="seconds")

    def today(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.accounts.clock(), tz=dt.UTC).date()

    def period(self, survey: Survey) -> str:
        """``"before"`` the survey opens, ``"open"``, or ``"closed"`` (after its closing day)."""
        today = self.today()
        if today < survey.opens:
            return "before"
        return "open" if today <= survey.closes else "closed"

    # --- designs ---------------------------------------------------------------

    def create(self, survey: Survey, *, by: str, ip: str | None = None) -> SurveyRecord:
        now = self._now()
        with self.db.tx() as c:
            cur = c.execute("INSERT INTO surveys(spec, created_at, created_by, updated_at) "
                            "VALUES (?, ?, ?, ?)",
                            (json.dumps(survey.to_record(), ensure_ascii=False), now, by,
                             now))
            sid = int(cur.lastrowid or 0)
            self.accounts.audit_in(c, by, "survey.create", f"survey:{sid}",
                                   {"title": survey.title}, ip)
        return self.get(sid)

    def update(self, sid: int, survey: Survey, *, by: str, ip: str | None = None
               ) -> SurveyRecord:
        """Replace a survey's design. Questions already answered keep their
        answers only while their ids stay; answers to removed questions are
        dropped when next saved."""
        self.get(sid)
        with self.db.tx() as c:
            c.execute("UPDATE surveys SET spec = ?, updated_at = ? WHERE id = ?",
                      (json.dumps(survey.to_record(), ensure_ascii=False), self._now(), sid))
            # every link expires with the survey's (new) closing day
            c.execute("UPDATE survey_invitations SET expires_at = ? WHERE survey_id = ?",
                      (survey.closes.isoformat(), sid))
            self.accounts.audit_in(c, by, "survey.update", f"survey:{sid}",
                                   {"title": survey.title}, ip)
        return self.get(sid)

    def get(self, sid) -> SurveyRecord:
        row = self.db.conn().execute("SELECT * FROM surveys WHERE id = ?",
                                     (_rowid(sid),)).fetchone()
        if row is None:
            raise NotFound(f"no survey number {sid}",
                           hint="See the surveys with: graphsvc survey list")
        return SurveyRecord(row["id"], Survey(**json.loads(row["spec"])), row["created_at"],
                            row["created_by"])

    def all(self) -> list[SurveyRecord]:
        rows = self.db.conn().execute("SELECT id FROM surveys ORDER BY id DESC").fetchall()
        return [self.get(r["id"]) for r in rows]

    # --- invitations --------------------------------------------------------------

    def invite(self, sid: int, actors: list[tuple[Actor, str | None]], *, by: str,
               ip: str | None = None) -> list[tuple[Invitation, str]]:
        """One invitation (and its new token) per ``(actor, contact)``; an
        actor already invited to this survey is refused (reissue its link
        instead). Returns ``(invitation, token)`` pairs: the tokens are not
        kept and cannot be shown again."""
        record = self.get(sid)
        taken = {i.actor_id for i in self.invitations(sid)}
        again = sorted({a.id for a, _ in actors} & taken)
        if again:
            raise ValidationFailed([Problem(f"'{x}' is already invited to this survey",
                                            field="actor", value=x,
                                            hint="Give it a new link instead.")
                                    for x in again], message="nobody was invited.",
                                   hint="Leave out the organisations already invited.")
        made = []
        now = self._now()
        with self.db.tx() as c:
            for actor, contact in actors:
                token = secrets.token_urlsafe(32)
                cur = c.execute(
                    "INSERT INTO survey_invitations(survey_id, token_hash, actor_id, name, "
                    "contact, created_at, created_by, expires_at) VALUES (?,?,?,?,?,?,?,?)",
                    (sid, _sha256(token), actor.id, actor.name, contact, now, by,
                     record.spec.closes.isoformat()))
                made.append((int(cur.lastrowid or 0), token))
            self.accounts.audit_in(c, by, "survey.invite", f"survey:{sid}",
                                   {"actors": [a.id for a, _ in actors][:200],
                                    "count": len(actors)}, ip)
        return [(self.invitation(i), token) for i, token in made]

    def reissue(self, sid: int, invitation_id, *, by: str, ip: str | None = None
                ) -> tuple[Invitation, str]:
        """A new link for an invitation (the old one stops working): for a
        lost link or a reminder. Answers saved so far are kept."""
        inv = self.invitation(invitation_id)
        if inv.survey_id != _rowid(sid):
            raise NotFound(f"no invitation {invitation_id} in survey {sid}")
        token = secrets.token_urlsafe(32)
        with self.db.tx() as c:
            c.execute("UPDATE survey_invitations SET token_hash = ?, reminded_at = ? "
                      "WHERE id = ?", (_sha256(token), self._now(), inv.id))
            self.accounts.audit_in(c, by, "survey.reissue", f"survey:{sid}",
                                   {"invitation": inv.id, "actor": inv.actor_id}, ip)
        return self.invitation(inv.id), token

    @staticmethod
    def _invitation(row) -> Invitation:
        answers = SurveyAnswers(**json.loads(row["answers"])) if row["answers"] else None
        return Invitation(row["id"], row["survey_id"], row["actor_id"], row["name"],
                          row["contact"], row["created_at"], row["expires_at"],
                          row["opened_at"], row["saved_at"], row["submitted_at"],
                          row["reminded_at"], answers)

    def invitation(self, invitation_id) -> Invitation:
        row = self.db.conn().execute("SELECT * FROM survey_invitations WHERE id = ?",
                                     (_rowid(invitation_id),)).fetchone()
        if row is None:
            raise NotFound(f"no invitation {invitation_id}")
        return self._invitation(row)

    def invitations(self, sid: int) -> list[Invitation]:
        rows = self.db.conn().execute("SELECT * FROM survey_invitations WHERE survey_id = ? "
                                      "ORDER BY name COLLATE NOCASE, id", (_rowid(sid),))
        return [self._invitation(r) for r in rows]

    def to_remind(self, sid: int) -> list[Invitation]:
        """Invitations not yet submitted, those never opened first."""
        order = {s: i for i, s in enumerate(STATES)}
        return sorted((i for i in self.invitations(sid) if i.state != "submitted"),
                      key=lambda i: (order[i.state], i.name.casefold()))

    def status(self, sid: int) -> dict:
        """How many invitations stand at each state, and the response rate
        (submitted over invited)."""
        invs = self.invitations(sid)
        counts = {s: sum(i.state == s for i in invs) for s in STATES}
        return {"invited": len(invs), "counts": counts,
                "response_rate": counts["submitted"] / len(invs) if invs else None}

    # --- answering (the respondent, by token) ---------------------------------------

    def by_token(self, token: str | None) -> tuple[SurveyRecord, Invitation]:
        """The survey and invitation a link opens; the same :class:`NotFound`
        for a wrong, replaced or malformed token. A token opens only its own
        invitation."""
        if not token or len(token) > 100:
            raise NotFound("no survey at this address",
                           hint="Check the link you were sent, or ask for a new one.")
        row = self.db.conn().execute("SELECT * FROM survey_invitations WHERE token_hash = ?",
                                     (_sha256(token),)).fetchone()
        if row is None:
            raise NotFound("no survey at this address",
                           hint="Check the link you were sent, or ask for a new one.")
        inv = self._invitation(row)
        return self.get(inv.survey_id), inv

    def opened(self, inv: Invitation, ip: str | None = None) -> None:
        """Note the first time a link is opened (audited once)."""
        if inv.opened_at:
            return
        with self.db.tx() as c:
            n = c.execute("UPDATE survey_invitations SET opened_at = ? WHERE id = ? AND "
                          "opened_at IS NULL", (self._now(), inv.id)).rowcount
            if n:
                self.accounts.audit_in(c, f"respondent:{inv.id}", "survey.open",
                                       f"survey:{inv.survey_id}", {"actor": inv.actor_id}, ip)

    def save(self, token: str, answers: SurveyAnswers, submit: bool = False,
             ip: str | None = None) -> Invitation:
        """Save a respondent's answers (and submit them with ``submit``).

        Refused while the survey is not open (:class:`Forbidden`), or when
        the answers do not fit the survey's questions
        (:class:`ValidationFailed`, nothing saved). Submitted answers can
        still be changed, and submitted again, until the survey closes;
        each save is kept and audited.
        """
        record, inv = self.by_token(token)
        period = self.period(record.spec)
        if period != "open":
            raise Forbidden("the survey is not open: " + (
                f"it opens on {record.spec.opens}" if period == "before"
                else f"it closed on {record.spec.closes}"),
                hint="Answers can be saved only while the survey is open.")
        if not record.spec.roster and answers.roster:
            answers = answers.model_copy(update={"roster": []})
        problems = check_answers(record.spec, answers, submit)
        if problems:
            raise ValidationFailed(problems, message="the answers were not saved.",
                                   hint="Correct the answers named and save again.")
        text = json.dumps(answers.to_record(), ensure_ascii=False)
        now = self._now()
        with self.db.tx() as c:
            c.execute("UPDATE survey_invitations SET answers = ?, saved_at = ?, "
                      "opened_at = coalesce(opened_at, ?), submitted_at = "
                      "CASE WHEN ? THEN ? ELSE submitted_at END WHERE id = ?",
                      (text, now, now, int(submit), now, inv.id))
            c.execute("INSERT INTO survey_answer_versions(invitation_id, at, submitted, "
                      "answers) VALUES (?, ?, ?, ?)", (inv.id, now, int(submit), text))
            self.accounts.audit_in(
                c, f"respondent:{inv.id}", "survey.submit" if submit else "survey.save",
                f"survey:{inv.survey_id}",
                {"actor": inv.actor_id, "organisations": len(answers.roster),
                 "answers": len(answers.answers)}, ip)
        return self.invitation(inv.id)

    def versions(self, invitation_id: int) -> list[dict]:
        """Every saved version of one invitation's answers, oldest first."""
        rows = self.db.conn().execute(
            "SELECT * FROM survey_answer_versions WHERE invitation_id = ? ORDER BY seq",
            (_rowid(invitation_id),))
        return [{"seq": r["seq"], "at": r["at"], "submitted": bool(r["submitted"]),
                 "answers": json.loads(r["answers"])} for r in rows]

    def submitted(self, sid: int) -> list[Invitation]:
        return [i for i in self.invitations(sid) if i.state == "submitted"]

    # --- the review's decisions ----------------------------------------------------

    def decisions(self, sid: int) -> dict[tuple[int, str], dict]:
        """``(invitation id, entry key) -> {status, by, at, result}``."""
        rows = self.db.conn().execute(
            "SELECT d.* FROM survey_decisions d JOIN survey_invitations i "
            "ON i.id = d.invitation_id WHERE i.survey_id = ?", (_rowid(sid),))
        return {(r["invitation_id"], r["entry_key"]): {
            "status": r["status"], "by": r["decided_by"], "at": r["decided_at"],
            "result": json.loads(r["result"])} for r in rows}

    def decide(self, sid: int, invitation_id: int, key: str, status: str, *, by: str,
               result: dict | None = None, ip: str | None = None) -> None:
        """Record an editor's decision on one proposal (audited with it)."""
        with self.db.tx() as c:
            c.execute("INSERT OR REPLACE INTO survey_decisions(invitation_id, entry_key, "
                      "status, decided_by, decided_at, result) VALUES (?, ?, ?, ?, ?, ?)",
                      (int(invitation_id), key, status, by, self._now(),
                       json.dumps(result or {}, ensure_ascii=False, default=str)))
            action = {"accepted": "survey.accept", "rejected": "survey.reject"}[status]
            self.accounts.audit_in(c, by, action, f"survey:{sid}",
                                   {"invitation": int(invitation_id), "entry": key,
                                    **(result or {})}, ip)
