"""What every test shares.

Tests never touch the user's own data: each test runs with its home, its XDG
folders and the temporary folder (where rejected-row reports go by default)
inside a folder of its own, and with no ``GRAPHSVC_*`` setting inherited from
the developer's shell (a config file or a Neo4j address there would otherwise
point the tests at real data), so the store and accounts files (``DB``,
``ACCOUNTS_DB``) default to that folder too. At the end of the run, the real user's data
folder for graphsvc must be as it was before.
"""
import os
import site
import tempfile

import pytest

from isolation import REAL_DATA_DIR, listing

_REAL_USER_BASE = site.getuserbase()

#: Settings for the tests themselves (e.g. a real Neo4j to test against).
_KEEP = "GRAPHSVC_TEST_"


@pytest.fixture(scope="session", autouse=True)
def real_user_data_untouched():
    """Fails the run if a test wrote under the real user's data folder."""
    before = listing(REAL_DATA_DIR)
    yield
    after = listing(REAL_DATA_DIR)
    changed = sorted(name for name in before.keys() | after.keys()
                     if before.get(name) != after.get(name))
    assert not changed, (f"tests wrote to the real user data folder {REAL_DATA_DIR}: "
                         f"{', '.join(changed)}")


@pytest.fixture(autouse=True)
def isolated_data_paths(tmp_path_factory, monkeypatch):
    """Points every data path at a fresh folder of this test's own; returns it."""
    root = tmp_path_factory.mktemp("data")
    for name in [k for k in os.environ if k.startswith("GRAPHSVC_")
                 and not k.startswith(_KEEP)]:
        monkeypatch.delenv(name)
    for var, sub in (("HOME", "home"), ("XDG_DATA_HOME", "home/.local/share"),
                     ("XDG_CONFIG_HOME", "home/.config"), ("XDG_CACHE_HOME", "home/.cache"),
                     ("XDG_STATE_HOME", "home/.local/state"), ("TMPDIR", "tmp")):
        (root / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(root / sub))
    # Python subprocesses keep finding packages installed with `pip --user`.
    monkeypatch.setenv("PYTHONUSERBASE", os.environ.get("PYTHONUSERBASE", _REAL_USER_BASE))
    monkeypatch.setattr(tempfile, "tempdir", str(root / "tmp"))
    # With no GRAPHSVC_DB / GRAPHSVC_ACCOUNTS_DB, both default to files in
    # this test's XDG_DATA_HOME.
    return root
