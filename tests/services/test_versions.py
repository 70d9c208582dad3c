"""Criteria governance: drafts, publication (with its races), four-eyes, rollback, roles."""

from __future__ import annotations

import pytest
from django.test import override_settings

from qualification.models import (
    CriteriaVersion,
    Criterion,
    Lead,
    QualificationPolicy,
    VersionFrozen,
    VersionStatus,
)
from qualification.roles import Role
from qualification.services.rescoring import lead_rescore_all, publication_finish_check
from qualification.services.versions import (
    DraftInvalid,
    GovernanceError,
    NotAllowed,
    StaleDraft,
    draft_approve,
    draft_create,
    draft_publish,
    draft_rebase,
    rollback_draft_create,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops():
    return factories.user(Role.OPS, username="olivia")


@pytest.fixture
def ops2():
    return factories.user(Role.OPS, username="omar")


def _pricing(**fields) -> Criterion:
    return factories.criterion(key="pricing", name="Pricing page views", points=20, **fields)


def test_a_draft_copies_the_published_rules_and_names_author_and_base(ops):
    published = factories.published()
    _pricing()
    factories.policy(mql_threshold=60)
    draft = draft_create(user=ops, title="More for pricing")
    assert draft.status == VersionStatus.DRAFT
    assert (draft.author, draft.base) == (ops, published)
    copy = Criterion.objects.get(version=draft, key="pricing")
    assert copy.points == 20
    assert copy.pk != Criterion.objects.get(version=published).pk
    assert QualificationPolicy.objects.get(version=draft).mql_threshold == 60


def test_published_rows_refuse_every_write():
    published = factories.published()
    criterion = _pricing()
    criterion.points = 99
    with pytest.raises(VersionFrozen):
        criterion.save()
    with pytest.raises(VersionFrozen):
        criterion.delete()
    with pytest.raises(VersionFrozen):
        QualificationPolicy.objects.get(version=published).save()
    with pytest.raises(VersionFrozen):
        published.delete()
    assert Criterion.objects.get(pk=criterion.pk).points == 20


def test_moving_a_draft_row_into_the_published_version_is_refused(ops):
    _pricing()
    draft = draft_create(user=ops, title="x")
    row = Criterion.objects.get(version=draft, key="pricing")
    factories.criterion(version=draft, key="other")
    row.version = factories.published()
    row.key = "moved"
    with pytest.raises(VersionFrozen):
        row.save()


def test_publishing_swaps_versions_numbers_them_and_records_the_changes(ops):
    old = factories.published()
    _pricing()
    draft = draft_create(user=ops, title="More for pricing")
    row = Criterion.objects.get(version=draft, key="pricing")
    row.points = 25
    row.save()
    published = draft_publish(user=ops, draft=draft, note="Sales asked for it")
    old.refresh_from_db()
    assert old.status == VersionStatus.RETIRED
    assert (published.status, published.number) == (VersionStatus.PUBLISHED, old.number + 1)
    assert published.note == "Sales asked for it"
    assert published.published_by == ops
    assert [change[5] for change in published.changes] == ["Pricing page views: 20 → 25 points"]
    assert published.changed_keys == ["pricing"]
    assert CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 1


def test_publishing_needs_a_note_and_a_valid_draft(ops):
    _pricing()
    draft = draft_create(user=ops, title="x")
    with pytest.raises(GovernanceError, match="note"):
        draft_publish(user=ops, draft=draft, note="  ")
    Criterion.objects.filter(version=draft, key="pricing").update(reason_template="{nonsense}")
    with pytest.raises(DraftInvalid) as refused:
        draft_publish(user=ops, draft=draft, note="why")
    assert [(p.where, p.field) for p in refused.value.problems] == [
        ("Pricing page views", "reason_template")
    ]
    assert CriteriaVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_a_stale_draft_is_refused_and_can_be_rebased(ops, ops2):
    _pricing()
    first = draft_create(user=ops, title="first")
    second = draft_create(user=ops2, title="second")
    Criterion.objects.filter(version=second, key="pricing").update(points=30)
    winner = draft_publish(user=ops, draft=first, note="first")
    with pytest.raises(StaleDraft, match=f"{winner.label} was published by"):
        draft_publish(user=ops2, draft=second, note="second")
    conflicts = draft_rebase(user=ops2, draft=second)
    assert conflicts == []
    second.refresh_from_db()
    assert second.base == winner
    assert Criterion.objects.get(version=second, key="pricing").points == 30
    assert draft_publish(user=ops2, draft=second, note="second").number == winner.number + 1


def test_a_draft_is_published_once(ops, ops2):
    _pricing()
    draft = draft_create(user=ops, title="x")
    draft_publish(user=ops, draft=draft, note="once")
    with pytest.raises(StaleDraft, match="already published"):
        draft_publish(user=ops2, draft=draft, note="twice")


@override_settings(LEADHUB_CRITERIA_FOUR_EYES=True)
def test_four_eyes_a_second_ops_user_approves_first(ops, ops2):
    _pricing()
    draft = draft_create(user=ops, title="x")
    with pytest.raises(NotAllowed, match="approve"):
        draft_publish(user=ops, draft=draft, note="why")
    with pytest.raises(NotAllowed, match="other than its author"):
        draft_approve(user=ops, draft=draft)
    draft_approve(user=ops2, draft=draft)
    with pytest.raises(NotAllowed, match="approver cannot also publish"):
        draft_publish(user=ops2, draft=draft, note="why")
    # An edit after the approval needs a new one.
    row = Criterion.objects.get(version=draft, key="pricing")
    row.points = 21
    row.save()
    with pytest.raises(NotAllowed, match="approve"):
        draft_publish(user=ops, draft=draft, note="why")
    draft_approve(user=ops2, draft=draft)
    assert draft_publish(user=ops, draft=draft, note="why").status == VersionStatus.PUBLISHED


def test_without_four_eyes_the_author_publishes_alone(ops):
    _pricing()
    draft = draft_create(user=ops, title="x")
    assert draft_publish(user=ops, draft=draft, note="why").status == VersionStatus.PUBLISHED


def test_rollback_publishes_a_copy_of_an_earlier_version(ops):
    first = factories.published()
    _pricing()
    draft = draft_create(user=ops, title="x")
    Criterion.objects.filter(version=draft, key="pricing").update(points=50)
    draft_publish(user=ops, draft=draft, note="raise")
    back = rollback_draft_create(user=ops, version=first)
    assert back.title == f"Roll back to {first.label}"
    restored = draft_publish(user=ops, draft=back, note="too much")
    assert Criterion.objects.get(version=restored, key="pricing").points == 20
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED  # the old one stays the record


@pytest.mark.parametrize("role", [Role.SDR, Role.MANAGER])
def test_sdrs_and_managers_cannot_draft(role):
    with pytest.raises(NotAllowed):
        draft_create(user=factories.user(role), title="x")


@pytest.mark.parametrize("role", [Role.MARKETING, Role.PRODUCT, Role.SDR])
def test_only_ops_publish(role, ops):
    _pricing()
    draft = draft_create(user=ops, title="x")
    with pytest.raises(NotAllowed):
        draft_publish(user=factories.user(role), draft=draft, note="why")


def test_marketing_may_draft():
    draft = draft_create(user=factories.user(Role.MARKETING), title="Marketing's idea")
    assert draft.is_draft


def test_scores_record_the_version_and_a_publication_rewrites_each_lead_once(ops):
    factories.criterion(key="titled", signal_type="attribute", attribute="lead.title",
                        operator="is_set", points=10, kind="fit")  # fmt: skip
    lead = factories.LeadFactory(title="CTO")
    lead_rescore_all()
    lead.refresh_from_db()
    first = factories.published()
    assert lead.criteria_version_id == first.pk
    assert publication_finish_check() is False  # version 1 was applied already
    draft = draft_create(user=ops, title="same rules")
    second = draft_publish(user=ops, draft=draft, note="no change to the points")
    assert second.rescore_finished_at is None
    assert second.rescore_total == Lead.objects.count()
    report = lead_rescore_all()
    assert report.written == 1  # same score, new version: stored once
    lead.refresh_from_db()
    assert lead.criteria_version_id == second.pk
    assert publication_finish_check() is True
    second.refresh_from_db()
    assert second.rescore_finished_at is not None
    assert lead_rescore_all().written == 0


def test_the_measured_effect_counts_leads_entering_and_leaving_queues(ops):
    factories.policy(mql_threshold=20, mql_min_fit=0)
    factories.criterion(key="titled", signal_type="attribute", attribute="lead.title",
                        operator="is_set", points=30, kind="fit")  # fmt: skip
    stays = factories.LeadFactory(title="CTO", stage="mql")
    leaves = factories.LeadFactory(title="Intern", stage="mql")
    factories.LeadFactory(title="", stage="new")  # never qualifies
    lead_rescore_all()
    assert set(Lead.objects.filter(queue="mql").values_list("pk", flat=True)) == {
        stays.pk,
        leaves.pk,
    }
    draft = draft_create(user=ops, title="no interns")
    factories.criterion(version=draft, key="intern", signal_type="attribute", kind="negative",
                        attribute="lead.title", operator="eq", value="Intern", points=-25)  # fmt: skip
    published = draft_publish(user=ops, draft=draft, note="Interns do not buy")
    lead_rescore_all()
    published.refresh_from_db()
    assert published.measured_effect() == {
        "mql": {"entered": 0, "left": 1},
        "pql": {"entered": 0, "left": 0},
    }
    lead_rescore_all()  # a second pass on the same version counts nothing again
    published.refresh_from_db()
    assert published.mql_left == 1


@pytest.mark.django_db(transaction=True)
def test_two_ops_publishing_at_once_one_wins(postgres):
    """Two drafts on the same base, two connections, released together: one publication."""
    import threading

    from django.db import connections

    first_ops = factories.user(Role.OPS, username="olivia")
    second_ops = factories.user(Role.OPS, username="omar")
    _pricing()
    for _round in range(3):
        drafts = {
            user.username: draft_create(user=user, title=f"by {user.username}")
            for user in (first_ops, second_ops)
        }
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def publish(user, barrier=barrier, outcomes=outcomes, drafts=drafts) -> None:
            try:
                barrier.wait(timeout=5)
                draft_publish(user=user, draft=drafts[user.username], note="race")
                outcomes[user.username] = "won"
            except StaleDraft as refused:
                outcomes[user.username] = str(refused)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=publish, args=(u,)) for u in (first_ops, second_ops)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        assert list(outcomes.values()).count("won") == 1, outcomes
        loser = next(name for name, outcome in outcomes.items() if outcome != "won")
        assert "Rebase the draft" in outcomes[loser]
        assert CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 1
        assert CriteriaVersion.objects.get(pk=drafts[loser].pk).status == VersionStatus.DRAFT
