"""Database constraints hold the invariants even when code bypasses validation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qualification.models import (
    Account,
    Criterion,
    Event,
    Feedback,
    Lead,
    QualificationPolicy,
    SLAPolicy,
    StageTransition,
)
from tests.factories import criterion_fields, known_event

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _violates(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def _criterion(**overrides) -> Criterion:
    """An unsaved criterion, valid but for ``overrides``."""
    return Criterion(**criterion_fields(**overrides))


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


def test_only_one_active_policy_and_tiers_descend():
    QualificationPolicy.objects.create(name="Default", is_active=True)
    _violates(lambda: QualificationPolicy.objects.create(name="Second", is_active=True))
    QualificationPolicy.objects.create(name="Draft", is_active=False)
    _violates(
        lambda: QualificationPolicy.objects.create(
            name="Bad", tier_hot=40, tier_warm=50, tier_cool=10
        )
    )


def test_sla_policy_one_per_queue_and_tier_and_warning_before_due():
    SLAPolicy.objects.create(
        queue="pql", tier=4, response_minutes=60, warning_minutes=15, workdays=["mon"]
    )
    _violates(
        lambda: SLAPolicy.objects.create(queue="pql", tier=4, response_minutes=30, workdays=["mon"])
    )
    _violates(
        lambda: SLAPolicy.objects.create(
            queue="mql", tier=4, response_minutes=30, warning_minutes=30, workdays=["mon"]
        )
    )
    _violates(
        lambda: SLAPolicy.objects.create(queue="cs", tier=4, response_minutes=30, workdays=["mon"])
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
        name="P", hand_raiser_events=["Contact Sales Requested"], limit_events=["Limit Hit?"]
    )
    with pytest.raises(ValidationError) as exc:
        policy.full_clean()
    assert list(exc.value.message_dict) == ["limit_events"]
    assert "Limit Hit?" in exc.value.message_dict["limit_events"][0]
