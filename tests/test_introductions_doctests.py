"""The Examples sections of the introductions modules run."""
import doctest
import importlib

import pytest

MODULES = ["geography", "brokers", "suggest", "plan", "evaluate"]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    module = importlib.import_module(f"graphsvc.queries.introductions.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0
    assert result.attempted > 0
