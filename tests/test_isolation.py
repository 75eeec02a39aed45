"""Tests run with every data path in a folder of their own (tests/conftest.py)."""
import tempfile
from pathlib import Path

from graphsvc.auth import Accounts
from graphsvc.config import load_config
from graphsvc.stores.sqlite import SQLiteStore
from isolation import REAL_DATA_DIR, listing


def test_default_data_paths_are_in_the_tests_own_folder(isolated_data_paths):
    config = load_config()
    for key in ("DB", "ACCOUNTS_DB"):
        path = Path(config[key])
        assert path.is_relative_to(isolated_data_paths), (key, path)
        assert not path.is_relative_to(REAL_DATA_DIR), (key, path)
    assert Path(tempfile.gettempdir()).is_relative_to(isolated_data_paths)


def test_opening_the_default_files_leaves_the_real_data_folder_alone(isolated_data_paths):
    before = listing(REAL_DATA_DIR)
    config = load_config()
    SQLiteStore(config["DB"]).close()
    accounts = Accounts(config["ACCOUNTS_DB"])
    accounts.create_user("admin1", "a-long-password-1", "admin", by="test")
    accounts.close()
    assert Path(config["DB"]).exists() and Path(config["ACCOUNTS_DB"]).exists()
    assert listing(REAL_DATA_DIR) == before


def test_settings_from_the_shell_do_not_reach_the_tests():
    # The autouse fixture removed any GRAPHSVC_* variable the shell had set.
    config = load_config()
    assert config["NEO4J_URI"] is None and config["STORE"] is None
