"""Shared by the accounts, access and web-security tests."""
from __future__ import annotations

from argon2 import PasswordHasher

from graphsvc.auth import Accounts

#: Argon2id with small parameters, so the tests stay quick; the parameters
#: themselves are covered by test_default_hasher_is_argon2id.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

PASSWORD = "correct horse battery"


class FakeClock:
    """A clock the test moves by hand, so no test waits or depends on timing."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_accounts(path, clock=None, **kwargs) -> Accounts:
    return Accounts(path, hasher=FAST_HASHER, clock=clock or FakeClock(), **kwargs)
