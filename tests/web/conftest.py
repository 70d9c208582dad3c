"""Small builders for the rows the pages show (valid by the model's constraints)."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.utils.text import slugify

from qualification.models import Criterion, GlossaryTerm, Lead
from tests import factories

_seq = itertools.count(1)


@pytest.fixture
def make_term(db):
    def _make(term: str, definition: str = "A shared definition.", **extra: Any) -> GlossaryTerm:
        return factories.term(term=term, slug=slugify(term), definition=definition, **extra)

    return _make


# What the pages' criteria look like unless a test says otherwise (tests/factories.py builds them).
_PAGE_EVENT_CRITERION = {
    "threshold": 3,
    "window_days": 7,
    "points": 15,
    "reason_template": "Viewed the pricing page {times} {window}",
}


@pytest.fixture
def make_criterion(db):
    def _make(name: str | None = None, **extra: Any) -> Criterion:
        fields = dict(_PAGE_EVENT_CRITERION) if extra.get("signal_type", "event") == "event" else {}
        fields.update(extra)
        if name is not None:
            fields["name"] = name
        return factories.criterion(**fields)

    return _make


@pytest.fixture
def make_lead(db):
    def _make(**extra: Any) -> Lead:
        n = next(_seq)
        extra.setdefault("email", f"lead{n}@example.com")
        if extra.get("qualification") == "pql":
            extra.setdefault("pql_kind", "usage")
        return Lead.objects.create(**extra)

    return _make


def nav_labels(html: str) -> list[str]:
    """The labels of the main navigation's links, in order."""
    match = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    if not match:
        return []
    return [label.strip() for label in re.findall(r"<a [^>]*>([^<]+)</a>", match.group(0))]
