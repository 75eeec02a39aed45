"""Suggested introductions: who to introduce to whom, through whom, and why.

Functions take the snapshot graph first and return plain data:

- :func:`suggest_introductions`: ranked, explained candidates for one actor;
- :func:`best_broker`: a mutual contact, else the most trusted short chain;
- :func:`plan_introductions`: a network plan moving a cross-border indicator;
- :func:`evaluate`: hidden-tie evaluation against link-prediction baselines.
"""
from .brokers import best_broker, describe_broker, mutual_brokers, trusted_path
from .candidates import MODES
from .geography import COUNTERPART_CITIES, counterpart
from .scoring import WEIGHTS
from .suggest import suggest_introductions

__all__ = [
    "MODES",
    "WEIGHTS",
    "COUNTERPART_CITIES",
    "counterpart",
    "suggest_introductions",
    "best_broker",
    "describe_broker",
    "mutual_brokers",
    "trusted_path",
]

from .plan import GOALS, community_bridges, plan_introductions, policymaker_reach  # noqa: E402

__all__ += ["GOALS", "plan_introductions", "policymaker_reach", "community_bridges"]
