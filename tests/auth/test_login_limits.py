"""Sign-in limits: atomic under concurrency, per address, per account with a
backoff, and never a lockout of the owner by someone else's failures.

Real threads on a real accounts file (two ``Accounts`` on it stand for two
web workers); the hasher counts the passwords it checks, so the tests see
how many guesses got through, not only what the callers were told.
"""
import threading

import pytest
from argon2 import PasswordHasher

from auth_helpers import PASSWORD, FakeClock
from graphsvc.auth import Accounts
from graphsvc.errors import RateLimited, Unauthorized


class CountingHasher(PasswordHasher):
    """argon2's hasher (fast parameters) that counts the passwords it checks."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checked = 0
        self._lock = threading.Lock()

    def verify(self, hash, password):
        with self._lock:
            self.checked += 1
        return super().verify(hash, password)


@pytest.fixture
def clock():
    return FakeClock()


def accounts(path, clock, hasher, **kw):
    return Accounts(path, hasher=hasher, clock=clock, login_limit="5 per 15 minutes",
                    account_backoff="5 per 15 minutes", **kw)


def attempt_all(workers, attempts):
    """Run every ``(username, password, ip)`` attempt on its own thread, all
    released at once; return what each got (a User, or the error's class)."""
    results = [None] * len(attempts)
    start = threading.Barrier(len(attempts))

    def run(i):
        username, password, ip = attempts[i]
        start.wait()
        try:
            results[i] = workers[i % len(workers)].authenticate(username, password, ip=ip)
        except (Unauthorized, RateLimited) as exc:
            results[i] = type(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_forty_concurrent_wrong_passwords_check_no_more_than_the_limit(tmp_path, clock):
    """The issue saw 32 of 40 concurrent guesses checked against a limit of 5."""
    hasher = CountingHasher()
    a = accounts(tmp_path / "acc.db", clock, hasher)
    b = accounts(tmp_path / "acc.db", clock, hasher)  # a second worker on the same file
    a.create_user("ana", PASSWORD, "admin", by="t")
    hasher.checked = 0
    results = attempt_all([a, b], [("ana", f"guess number {i}", "10.0.0.9")
                                   for i in range(40)])
    assert hasher.checked == 5  # LOGIN_RATE_LIMIT: 5 per address and user name
    assert results.count(Unauthorized) == 5
    assert results.count(RateLimited) == 35
    # every checked password is in the audit log, once
    assert len(a.audit_entries(action="login.failed")) == 5
    # and the owner, from her own address, still signs in
    assert a.authenticate("ana", PASSWORD, ip="10.0.0.20").username == "ana"


def test_concurrent_guesses_across_names_stop_at_the_address_limit(tmp_path, clock):
    hasher = CountingHasher()
    a = accounts(tmp_path / "acc.db", clock, hasher)
    hasher.checked = 0
    results = attempt_all([a], [(f"user{i}", "a wrong password", "10.0.0.9")
                                for i in range(40)])
    assert hasher.checked == 20  # four times the per-user limit, per address
    assert results.count(RateLimited) == 20


def test_others_failures_never_lock_the_owner_out(tmp_path, clock):
    """An attacker fails from one address on every name, the admin's
    included, past every limit; the admin from her address gets in."""
    hasher = CountingHasher()
    a = accounts(tmp_path / "acc.db", clock, hasher)
    a.create_user("admin1", PASSWORD, "admin", by="t")
    for i in range(30):
        name = "admin1" if i % 2 else f"user{i}"
        with pytest.raises((Unauthorized, RateLimited)):
            a.authenticate(name, "a wrong password", ip="203.0.113.5")
    with pytest.raises(RateLimited):
        a.authenticate("admin1", PASSWORD, ip="203.0.113.5")  # the attacker's address
    assert a.authenticate("admin1", PASSWORD, ip="198.51.100.7").username == "admin1"


def test_account_backoff_doubles_for_addresses_that_failed(tmp_path, clock):
    """Failures on one account from many addresses (a spread-out guess):
    past the threshold, an address that has failed waits 1, 2, 4... seconds
    after the account's last failure; a fresh address is let through."""
    hasher = CountingHasher()
    a = accounts(tmp_path / "acc.db", clock, hasher)
    a.create_user("ana", PASSWORD, "viewer", by="t")
    for i in range(5):  # five addresses, one failure each: under every per-address limit
        with pytest.raises(Unauthorized):
            a.authenticate("ana", "a wrong password", ip=f"10.0.1.{i}")
    # the threshold is reached: 10.0.1.0 has failed, so it waits 2**0 = 1 second
    with pytest.raises(RateLimited) as exc:
        a.authenticate("ana", "another guess", ip="10.0.1.0")
    assert exc.value.retry_after == 1
    clock.advance(1)
    with pytest.raises(Unauthorized):
        a.authenticate("ana", "another guess", ip="10.0.1.0")  # the 6th failure
    clock.advance(1)
    with pytest.raises(RateLimited) as exc:  # now 2**1 = 2 seconds after the last failure
        a.authenticate("ana", PASSWORD, ip="10.0.1.1")
    assert exc.value.retry_after == 1
    # an address that has not failed is never held back by the backoff
    assert a.authenticate("ana", PASSWORD, ip="10.0.2.1").username == "ana"
    clock.advance(1)
    assert a.authenticate("ana", PASSWORD, ip="10.0.1.1").username == "ana"


def test_a_refused_attempt_checks_no_password_and_a_success_takes_its_count_back(
        tmp_path, clock):
    hasher = CountingHasher()
    a = accounts(tmp_path / "acc.db", clock, hasher)
    a.create_user("ana", PASSWORD, "viewer", by="t")
    for _ in range(4):
        with pytest.raises(Unauthorized):
            a.authenticate("ana", "a wrong password", ip="10.0.0.9")
    assert a.authenticate("ana", PASSWORD, ip="10.0.0.9").username == "ana"
    # the success cleared this address's count for ana: five more tries (spaced
    # out past the account's backoff, which a success does not clear)
    for _ in range(5):
        clock.advance(30)
        with pytest.raises(Unauthorized):
            a.authenticate("ana", "a wrong password", ip="10.0.0.9")
    hasher.checked = 0
    with pytest.raises(RateLimited):
        a.authenticate("ana", PASSWORD, ip="10.0.0.9")
    assert hasher.checked == 0


def test_throttle_counts_requests_in_a_sliding_window(tmp_path):
    """The survey links' limit: the sign-in limits' table and window, per key."""
    from auth_helpers import FakeClock, make_accounts
    from graphsvc.auth.accounts import LoginLimit
    from graphsvc.errors import RateLimited

    clock = FakeClock()
    acc = make_accounts(tmp_path / "a.db", clock=clock)
    limit = LoginLimit(2, 60)
    acc.throttle("survey:10.0.0.1", limit)
    clock.advance(10)
    acc.throttle("survey:10.0.0.1", limit)
    with pytest.raises(RateLimited) as exc:
        acc.throttle("survey:10.0.0.1", limit)
    assert exc.value.retry_after == 50  # the first request leaves the window then
    acc.throttle("survey:10.0.0.2", limit)  # another address counts apart
    clock.advance(50)
    acc.throttle("survey:10.0.0.1", limit)
    acc.close()
