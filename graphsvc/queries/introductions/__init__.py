"""Suggested introductions: who to introduce to whom, through whom, and why.

Functions take the snapshot graph first and return plain data:

- :func:`suggest_introductions`: ranked, explained candidates for one actor;
- :func:`best_broker`: a mutual contact, else the most trusted short chain;
- :func:`plan_introductions`: a network plan moving a cross-border indicator;
- :func:`evaluate_hidden_ties`: hidden-tie evaluation against link-prediction
  baselines; :func:`evaluate_time_split`: the same on the ties that formed
  after a date; both beside weights tuned on the training split only
  (:mod:`.tuning`);
- :func:`plan_convening`: an invitation list whose first meetings are
  worth most;
- :func:`suggestions_report`, :func:`plan_report` and
  :func:`convening_report`: what a report holds,
  as plain data (:mod:`graphsvc.web.reports` puts it into words).
"""
from .brokers import best_broker, mutual_brokers, trusted_path
from .candidates import MODES, default_mode
from .convening import kept_plan, plan_convening
from .evaluate import evaluate_hidden_ties
from .geography import COUNTERPART_CITIES, counterpart
from .plan import (
    GOALS,
    community_bridges,
    default_goal,
    plan_introductions,
    policymaker_reach,
)
from .report import convening_report, plan_report, suggestions_report
from .scoring import WEIGHTS
from .suggest import suggest_introductions
from .time_split import evaluate_time_split

__all__ = [
    "MODES",
    "default_mode",
    "GOALS",
    "WEIGHTS",
    "COUNTERPART_CITIES",
    "counterpart",
    "suggest_introductions",
    "best_broker",
    "mutual_brokers",
    "trusted_path",
    "plan_introductions",
    "default_goal",
    "policymaker_reach",
    "community_bridges",
    "evaluate_hidden_ties",
    "evaluate_time_split",
    "suggestions_report",
    "plan_report",
    "plan_convening",
    "kept_plan",
    "convening_report",
]
