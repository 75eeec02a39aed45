"""Network surveys: ties collected from the organisations themselves.

A facilitator designs a survey (:class:`graphsvc.model.Survey`: the roster
question, the 2021 survey's standard questions, custom ones), invites
organisations with one personal, unguessable, expiring link each, and
follows who has answered. Each organisation answers at its link without an
account (:class:`graphsvc.model.SurveyAnswers`), saving and coming back
until the survey closes. An editor then reviews the answers: every
organisation named becomes a proposed tie (and, when it is not in the graph,
a proposed actor matched against the existing ones by the duplicate check)
to accept, edit or reject; accepted ones are written through the graph's
editing path (history, audit) with provenance ``survey``. The results put
the answers' figures beside the 2021 survey's and the graph's.

Surveys, invitations, answers and decisions live in the accounts database
(:mod:`graphsvc.auth.db`, schema version 2), not in the graph store: they
work with either graph backend, a graph replaced by an import keeps them,
and answers (restricted by nature) never travel with a graph export.

Modules: :mod:`.store` (designs, invitations, answers), :mod:`.review`
(proposals and decisions), :mod:`.results` (figures and exports).
"""
from __future__ import annotations

from .store import Invitation, SurveyRecord, Surveys

__all__ = ["Surveys", "SurveyRecord", "Invitation"]
