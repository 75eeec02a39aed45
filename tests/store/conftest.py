"""Fixtures of the store contract (see store_contract)."""
import pytest

from store_contract import small_graph


@pytest.fixture
def small():
    """Three actors, a funding chain prm -> unhcr -> cso1 and parallel ties."""
    return small_graph()
