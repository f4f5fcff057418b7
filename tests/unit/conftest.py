"""Fixtures of the unit suite: a fresh set of fakes on a fixed clock for each test."""

import pytest

from tests.fakes import Fakes


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()
