"""Definition writes: history with its author, and one full rescore per committed transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from qualification.models import Criterion, QualificationPolicy
from qualification.roles import Role
from qualification.services import definitions
from qualification.services.definitions import (
    criteria_set_active,
    definition_save,
    definitions_delete,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rescores(monkeypatch) -> list[None]:
    """Record each full-rescore request instead of enqueuing it."""
    calls: list[None] = []
    monkeypatch.setattr(definitions, "criteria_changed", lambda: calls.append(None))
    return calls


def test_a_save_keeps_its_author_and_rescores_once_it_commits(
    make_user, rescores, django_capture_on_commit_callbacks
):
    ops = make_user(Role.OPS)
    crit = factories.criterion(points=10)
    crit.points = 20
    with django_capture_on_commit_callbacks() as callbacks:
        definition_save(definition=crit, user=ops)
    assert rescores == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(rescores) == 1
    assert crit.history.first().history_user == ops
    assert Criterion.objects.get().points == 20


def test_many_changes_in_one_transaction_rescore_once(rescores, django_capture_on_commit_callbacks):
    first, second = factories.criterion(), factories.criterion(is_active=False)
    policy = factories.policy()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first.points = 30
        definition_save(definition=first)
        criteria_set_active(criteria=[first, second], active=True)
        definitions_delete(definitions=QualificationPolicy.objects.filter(pk=policy.pk))
    assert len(rescores) == 1
    assert set(Criterion.objects.values_list("is_active", flat=True)) == {True}


def test_a_rolled_back_change_rescores_no_one_and_does_not_swallow_the_next(
    rescores, django_capture_on_commit_callbacks
):
    crit = factories.criterion()

    def save_then_fail() -> None:
        with transaction.atomic():
            definition_save(definition=crit)
            raise RuntimeError("refused after the save")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        save_then_fail()
    assert rescores == []
    with django_capture_on_commit_callbacks(execute=True):
        definition_save(definition=crit)
    assert len(rescores) == 1


def test_nothing_changed_asks_for_nothing(rescores, django_capture_on_commit_callbacks):
    active = factories.criterion(is_active=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert criteria_set_active(criteria=[active], active=True) == 0
        assert definitions_delete(definitions=Criterion.objects.none()) == 0
    assert rescores == []


def test_deactivation_records_a_version_per_criterion(make_user):
    marketing = make_user(Role.MARKETING)
    crits = [factories.criterion(), factories.criterion()]
    assert criteria_set_active(criteria=crits, active=False, user=marketing) == 2
    for crit in crits:
        newest = crit.history.first()
        assert (newest.is_active, newest.history_user) == (False, marketing)
