"""The benchmark's search figures on a tiny data set: real searches that find their lead."""

from __future__ import annotations

import pytest

from qualification.devdata.benchmark import dataset
from qualification.devdata.benchmark.search import search_figures, search_terms
from qualification.selectors.search import lead_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_data():
    dataset.ensure_criteria()
    dataset.generate(dataset.DatasetSize(leads=40, events=0))


def test_the_searches_are_a_lead_name_and_an_account_name(bench_data):
    name, company = search_terms()
    assert name == "Lead 20"
    assert company.startswith("Bench Co ")
    assert lead_search(text=name).leads[0].display_name == name
    assert all(lead.account.name.startswith(company) for lead in lead_search(text=company).leads)


def test_search_figures_time_the_page_and_its_sql(bench_data):
    figures = search_figures(repeats=2)
    assert figures["search_ms"] > 0
    assert figures["search_sql_ms"] > 0
    assert figures["search_ratio"] == round(figures["search_ms"] / figures["search_sql_ms"], 2)
    assert figures["search_terms"] == " | ".join(search_terms())


def test_the_benchmark_refuses_an_empty_data_set():
    with pytest.raises(RuntimeError, match="no benchmark leads"):
        search_terms()
