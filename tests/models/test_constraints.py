"""Database constraints hold the invariants even when code bypasses validation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qualification.models import (
    Account,
    CriteriaVersion,
    Criterion,
    Event,
    Feedback,
    Lead,
    QualificationPolicy,
    SLAPolicy,
    StageTransition,
    VersionFrozen,
    VersionStatus,
)
from qualification.services.versions import published_version_ensure
from tests.factories import calendar, criterion_fields, known_event

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _violates(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def _draft(title: str = "Draft") -> CriteriaVersion:
    return CriteriaVersion.objects.create(title=title)


def _published() -> CriteriaVersion:
    """The published version (the migrations record version 1)."""
    return published_version_ensure()


def _freeze(version: CriteriaVersion, status: str) -> None:
    """Make a draft published (retiring the one before) or retired, as publishing would."""
    if status == VersionStatus.PUBLISHED:
        CriteriaVersion.objects.filter(status=status).update(status=VersionStatus.RETIRED)
    CriteriaVersion.objects.filter(pk=version.pk).update(status=status, number=100 + version.pk)


def _criterion(version: CriteriaVersion | None = None, **overrides) -> Criterion:
    """An unsaved criterion of a draft, valid but for ``overrides``."""
    return Criterion(version=version or _draft(), **criterion_fields(**overrides))


@pytest.mark.parametrize(
    "fields",
    [
        {"stage": "lukewarm"},
        {"tier": 9},
        {"qualification": "sql"},
        {"queue": "vip"},
        {"qualification": "pql", "pql_kind": ""},
        {"qualification": "mql", "pql_kind": "usage"},
        {"email": "", "user_id": ""},
        {"claimed_at": T0},
    ],
    ids=[
        "bad-stage",
        "bad-tier",
        "bad-qualification",
        "bad-queue",
        "pql-without-kind",
        "kind-without-pql",
        "no-identity",
        "claim-without-owner",
    ],
)
def test_lead_invariants(fields):
    base = {"email": "ada@example.test"}
    base.update(fields)
    _violates(lambda: Lead.objects.create(**base))


def test_lead_email_unique_ignoring_case_but_blank_allowed_twice():
    Lead.objects.create(email="Ada@Example.test")
    _violates(lambda: Lead.objects.create(email="ada@example.test"))
    Lead.objects.create(user_id="u-1")
    Lead.objects.create(user_id="u-2")
    assert Lead.objects.filter(email="").count() == 2


def test_valid_pql_lead_is_accepted():
    lead = Lead.objects.create(email="p@example.test", qualification="pql", pql_kind="hand_raiser")
    assert lead.pk


def test_account_domain_lowercase_and_unique():
    _violates(lambda: Account.objects.create(name="A", domain="Acme.test"))
    Account.objects.create(name="A", domain="acme.test")
    _violates(lambda: Account.objects.create(name="B", domain="acme.test"))


def test_event_message_id_unique_per_source():
    lead = Lead.objects.create(email="e@example.test")
    kwargs = {"lead": lead, "name": "Signed Up", "occurred_at": T0, "message_id": "m-1"}
    Event.objects.create(source="product", **kwargs)
    Event.objects.create(source="marketing", **kwargs)  # another source may reuse the id
    _violates(lambda: Event.objects.create(source="product", **kwargs))
    _violates(lambda: Event.objects.create(source="web", **{**kwargs, "message_id": "m-2"}))
    _violates(lambda: Event.objects.create(source="product", **{**kwargs, "message_id": ""}))


def test_feedback_rejection_and_loss_need_a_reason():
    lead = Lead.objects.create(email="f@example.test")
    _violates(lambda: Feedback.objects.create(lead=lead, outcome="rejected"))
    _violates(lambda: Feedback.objects.create(lead=lead, outcome="lost"))
    _violates(lambda: Feedback.objects.create(lead=lead, outcome="maybe"))
    Feedback.objects.create(lead=lead, outcome="rejected", reason="no_budget")
    Feedback.objects.create(lead=lead, outcome="accepted")
    assert lead.feedback.count() == 2


def test_feedback_clean_refuses_a_loss_reason_for_a_rejection():
    lead = Lead.objects.create(email="g@example.test")
    with pytest.raises(ValidationError) as exc:
        Feedback(lead=lead, outcome="rejected", reason="lost_to_competitor").full_clean()
    assert "reason" in exc.value.message_dict


def test_stage_transition_must_move_between_valid_stages():
    lead = Lead.objects.create(email="s@example.test")
    ok = {"lead": lead, "cause": "manual", "occurred_at": T0}
    _violates(lambda: StageTransition.objects.create(from_stage="new", to_stage="new", **ok))
    _violates(lambda: StageTransition.objects.create(from_stage="new", to_stage="hot", **ok))
    _violates(
        lambda: StageTransition.objects.create(
            from_stage="new", to_stage="mql", **{**ok, "cause": "magic"}
        )
    )
    StageTransition.objects.create(from_stage="new", to_stage="mql", **ok)


def test_one_published_version_at_a_time_and_published_ones_are_numbered():
    live = _published()
    _violates(
        lambda: CriteriaVersion.objects.create(
            title="Second", status=VersionStatus.PUBLISHED, number=live.number + 1
        )
    )
    _violates(
        lambda: CriteriaVersion.objects.create(title="X", status=VersionStatus.RETIRED)
    )  # no number
    _violates(
        lambda: CriteriaVersion.objects.create(
            title="Same number", status=VersionStatus.RETIRED, number=live.number
        )
    )
    CriteriaVersion.objects.create(title="Old", status=VersionStatus.RETIRED, number=99)
    _draft()
    _draft()  # any number of drafts
    assert CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED).get() == live
    assert CriteriaVersion.objects.filter(status=VersionStatus.DRAFT).count() == 2


def test_criterion_key_is_unique_per_version_not_across_versions():
    first, second = _draft("First"), _draft("Second")
    _criterion(first, key="pricing").save()
    _criterion(second, key="pricing").save()  # the same rule in another version
    _violates(lambda: _criterion(first, key="pricing").save())
    assert Criterion.objects.filter(key="pricing").count() == 2


def test_one_policy_per_version_and_tiers_descend():
    version = _draft()
    QualificationPolicy.objects.create(version=version)
    _violates(lambda: QualificationPolicy.objects.create(version=version))
    _violates(
        lambda: QualificationPolicy.objects.create(
            version=_draft("Other"), tier_hot=40, tier_warm=50, tier_cool=10
        )
    )


@pytest.mark.parametrize("status", [VersionStatus.PUBLISHED, VersionStatus.RETIRED])
def test_a_frozen_versions_criteria_refuse_save_and_delete(status):
    version = _draft()
    crit = _criterion(version, points=10)
    crit.save()
    _freeze(version, status)

    crit.points = 99
    with pytest.raises(VersionFrozen):
        crit.save()
    with pytest.raises(VersionFrozen):
        crit.delete()
    with pytest.raises(VersionFrozen):
        _criterion(version).save()  # nothing can be added either
    assert Criterion.objects.get(pk=crit.pk).points == 10


def test_a_criterion_cannot_be_moved_out_of_a_published_version():
    published = _published()
    crit = _criterion(published)
    Criterion.objects.bulk_create([crit])  # fixtures insert published rows directly
    crit = Criterion.objects.get(version=published)
    crit.version = _draft()
    with pytest.raises(VersionFrozen):
        crit.save()
    assert Criterion.objects.get(pk=crit.pk).version_id == published.pk


def test_a_published_policy_refuses_save_and_delete():
    version = _draft()
    policy = QualificationPolicy.objects.create(version=version, mql_threshold=60)
    _freeze(version, VersionStatus.PUBLISHED)
    policy.mql_threshold = 10
    with pytest.raises(VersionFrozen):
        policy.save()
    with pytest.raises(VersionFrozen):
        policy.delete()
    assert QualificationPolicy.objects.get(pk=policy.pk).mql_threshold == 60


@pytest.mark.parametrize("status", [VersionStatus.PUBLISHED, VersionStatus.RETIRED])
def test_only_a_draft_version_can_be_deleted(status):
    frozen = _draft("Kept")
    _criterion(frozen).save()
    _freeze(frozen, status)
    frozen.refresh_from_db()
    with pytest.raises(VersionFrozen):
        frozen.delete()
    draft = _draft()
    _criterion(draft).save()
    draft.delete()
    assert CriteriaVersion.objects.filter(pk=frozen.pk).exists()
    assert not CriteriaVersion.objects.filter(pk=draft.pk).exists()
    assert list(Criterion.objects.values_list("version_id", flat=True)) == [frozen.pk]


def test_a_drafts_rows_save_and_mark_its_content_changed():
    draft = _draft()
    before = CriteriaVersion.objects.get(pk=draft.pk).content_changed_at
    crit = _criterion(draft)
    crit.save()
    crit.points = 20
    crit.save()
    assert CriteriaVersion.objects.get(pk=draft.pk).content_changed_at > before


def test_sla_policy_one_per_queue_and_tier_and_warning_before_due():
    cal = calendar(workdays=["mon"])
    SLAPolicy.objects.create(
        queue="pql", tier=4, calendar=cal, response_minutes=60, warning_percent=75
    )
    _violates(
        lambda: SLAPolicy.objects.create(queue="pql", tier=4, calendar=cal, response_minutes=30)
    )
    for percent in (0, 100):
        _violates(
            lambda percent=percent: SLAPolicy.objects.create(
                queue="mql", tier=4, calendar=cal, response_minutes=30, warning_percent=percent
            )
        )
    _violates(
        lambda: SLAPolicy.objects.create(queue="cs", tier=4, calendar=cal, response_minutes=30)
    )
    _violates(
        lambda: SLAPolicy.objects.create(queue="mql", tier=3, calendar=cal, response_minutes=0)
    )


@pytest.mark.parametrize(
    ("overrides", "constraint_hint"),
    [
        ({"window_days": 0}, "window"),
        ({"threshold": 0}, "threshold"),
        ({"half_life_days": -1.0}, "half_life"),
        ({"event_name": ""}, "event"),
        ({"kind": "negative", "points": 5}, "negative"),
        ({"signal_type": "attribute", "attribute": "account.country", "operator": ""}, "operator"),
    ],
    ids=[
        "zero-window",
        "zero-threshold",
        "negative-half-life",
        "no-event",
        "positive-negative",
        "no-op",
    ],
)
def test_criterion_constraints(overrides, constraint_hint):
    _violates(lambda: _criterion(**overrides).save())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"operator": "approx", "signal_type": "attribute", "attribute": "account.country"},
            "operator",
        ),
        (
            {
                "signal_type": "attribute",
                "attribute": "account.country",
                "operator": "in",
                "value": "DE",
            },
            "value",
        ),
        ({"reason_template": "Viewed {pages} pages"}, "reason_template"),
        ({"points_mode": "per_occurrence", "max_occurrences": None}, "max_occurrences"),
        ({"measure": "distinct_days", "window_days": None}, "window_days"),
    ],
    ids=[
        "unknown-operator",
        "in-needs-list",
        "unknown-placeholder",
        "uncapped",
        "days-without-window",
    ],
)
def test_criterion_clean_names_the_field(overrides, field):
    with pytest.raises(ValidationError) as exc:
        _criterion(**overrides).full_clean()
    assert field in exc.value.message_dict


def test_valid_criterion_passes_full_clean():
    known_event("Pricing Page Viewed")
    _criterion().full_clean()


def test_criterion_on_an_unknown_event_is_refused_naming_the_field():
    known_event("Pricing Page Viewed")
    with pytest.raises(ValidationError) as exc:
        _criterion(event_name="Pricing Page Veiwed").full_clean()
    assert "Pricing Page Veiwed" in exc.value.message_dict["event_name"][0]


def test_policy_events_must_be_known():
    known_event("Contact Sales Requested")
    policy = QualificationPolicy(
        version=_draft(),
        hand_raiser_events=["Contact Sales Requested"],
        limit_events=["Limit Hit?"],
    )
    with pytest.raises(ValidationError) as exc:
        policy.full_clean()
    assert list(exc.value.message_dict) == ["limit_events"]
    assert "Limit Hit?" in exc.value.message_dict["limit_events"][0]
