"""Definition writes: drafts only, history with its author, and no rescore (publishing does)."""

from __future__ import annotations

import pytest

from qualification.models import CriteriaVersion, Criterion, QualificationPolicy, VersionFrozen
from qualification.roles import Role
from qualification.services.definitions import (
    criteria_set_active,
    definition_save,
    definitions_delete,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_draft_save_keeps_its_author_asks_for_no_rescore_and_marks_the_draft_changed(
    make_user, django_capture_on_commit_callbacks
):
    ops = make_user(Role.OPS)
    draft = factories.draft(author=ops)
    crit = factories.criterion(version=draft, points=10)
    stamp = CriteriaVersion.objects.get(pk=draft.pk).content_changed_at
    crit.points = 20
    with django_capture_on_commit_callbacks() as callbacks:
        definition_save(definition=crit, user=ops)
    assert callbacks == []  # scoring reads the published version: nothing to rescore
    assert crit.history.first().history_user == ops
    assert Criterion.objects.get(pk=crit.pk).points == 20
    assert CriteriaVersion.objects.get(pk=draft.pk).content_changed_at > stamp


def test_a_published_criterion_cannot_be_saved_or_deleted():
    crit = factories.criterion(points=10)
    crit.points = 20
    with pytest.raises(VersionFrozen, match="edit a draft"):
        definition_save(definition=crit)
    with pytest.raises(VersionFrozen):
        definitions_delete(definitions=Criterion.objects.filter(pk=crit.pk))
    assert Criterion.objects.get(pk=crit.pk).points == 10


def test_deleting_draft_rows_counts_them_and_leaves_the_published_ones():
    published = factories.criterion()
    draft = factories.draft()
    assert definitions_delete(definitions=Criterion.objects.filter(version=draft)) == 1
    assert definitions_delete(definitions=QualificationPolicy.objects.filter(version=draft)) == 1
    assert Criterion.objects.filter(pk=published.pk).exists()


def test_nothing_changed_changes_nothing():
    draft = factories.draft()
    active = factories.criterion(version=draft, is_active=True)
    assert criteria_set_active(criteria=[active], active=True) == 0
    assert definitions_delete(definitions=Criterion.objects.none()) == 0


def test_deactivation_records_a_version_per_criterion(make_user):
    marketing = make_user(Role.MARKETING)
    draft = factories.draft()
    crits = [factories.criterion(version=draft), factories.criterion(version=draft)]
    assert criteria_set_active(criteria=crits, active=False, user=marketing) == 2
    for crit in crits:
        newest = crit.history.first()
        assert (newest.is_active, newest.history_user) == (False, marketing)
