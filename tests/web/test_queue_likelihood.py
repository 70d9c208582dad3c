"""The queues' Likelihood column: "72%" beside the score, "—" without a model, sortable."""

from __future__ import annotations

import re

import pytest

from qualification.models import Recalibration
from qualification.roles import Role
from tests.web.queue_helpers import qualified, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def model_run():
    return Recalibration.objects.create(status="done", trigger="command", is_live=True)


def test_column_shows_a_percentage_or_no_model_yet(client_as, model_run):
    qualified(email="known@x.test", tier=3, likelihood=0.7234, likelihood_model=model_run)
    qualified(email="unknown@x.test", tier=2)
    html = client_as(Role.SDR).get("/queues/pql/").content.decode()
    assert 'href="?sort=likelihood">Likelihood<' in html  # a sortable header
    cells = re.findall(r'<td class="likelihood num">(.*?)</td>', html, re.S)
    assert len(cells) == 2
    assert ">72%</span>" in cells[0]
    assert 'title="No model yet' in cells[1]
    assert "—" in cells[1]


def test_sorting_by_likelihood_puts_leads_without_one_last_both_ways(client_as, model_run):
    for email, value in (("low@x.test", 0.1), ("high@x.test", 0.9), ("mid@x.test", 0.5)):
        qualified(email=email, tier=2, likelihood=value, likelihood_model=model_run)
    qualified(email="none@x.test", tier=4)  # highest tier: first in the default order
    client = client_as(Role.SDR)
    assert rows(client.get("/queues/pql/"))[0] == "none@x.test"
    assert rows(client.get("/queues/pql/?sort=likelihood")) == [
        "low@x.test",
        "mid@x.test",
        "high@x.test",
        "none@x.test",
    ]
    assert rows(client.get("/queues/pql/?sort=-likelihood")) == [
        "high@x.test",
        "mid@x.test",
        "low@x.test",
        "none@x.test",
    ]
