"""Fixtures for the admin tests."""

from __future__ import annotations

import pytest

from qualification.roles import Role
from tests.factories import known_event


@pytest.fixture
def ops_client(client_as):
    """A client signed in as revenue operations, who may use every LeadHub admin page."""
    return client_as(Role.OPS)


@pytest.fixture(autouse=True)
def tracking_plan(db) -> None:
    """The event the tests' criteria count is a known one (criteria refuse unknown events)."""
    known_event("Pricing Page Viewed", "marketing")
