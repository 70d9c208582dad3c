"""The rescore's bulk writes: the PostgreSQL ``unnest`` path stores what the ORM path stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from qualification.db import writes
from qualification.db.writes import SCORE_COLUMNS, lead_scores_update, transitions_insert
from qualification.models import Lead, StageTransition
from tests.factories import LeadFactory, criterion

pytestmark = pytest.mark.django_db
STARTED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _row(lead: Lead, **changes) -> dict:
    row = {
        "id": lead.pk,
        "fit_score": 15,
        "intent_score": 30,
        "usage_score": -5,
        "total_score": 40,
        "tier": 3,
        "qualification": "mql",
        "pql_kind": "",
        "queue": "mql",
        "qualified_at": STARTED - timedelta(days=2),
        "reasons": orjson.dumps([{"text": "Viewed pricing", "points": 30, "term": None}]).decode(),
        "breakdown": orjson.dumps({"total": 40, "near_misses": [], "nested": {"é": 1.5}}).decode(),
        "disqualified_reasons": "[]",
        "last_signal_at": STARTED - timedelta(hours=3),
        "priority": 5.25,
        "scored_at": STARTED,
        "stage": "mql",
        "score_digest": "d" * 32,
        "criteria_version_id": None,
        "sla_started_at": STARTED - timedelta(days=2),
        "sla_warn_at": STARTED - timedelta(days=2) + timedelta(minutes=45),
        "sla_due_at": STARTED - timedelta(days=2) + timedelta(hours=1),
        "sla_stopped_at": STARTED - timedelta(hours=1),
        "likelihood": 0.4213,
        "likelihood_model_id": None,
        "likelihood_factors": orjson.dumps([{"label": "Asked for a demo", "weight": 0.8}]).decode(),
    }
    row.update(changes)
    return row


def _stored(lead: Lead) -> dict:
    return Lead.objects.values(*SCORE_COLUMNS, "needs_rescore").get(pk=lead.pk)


def test_a_row_is_stored_and_its_mark_cleared_unless_a_newer_request_came():
    answered, requested_later = LeadFactory(), LeadFactory()
    Lead.objects.filter(pk=answered.pk).update(rescore_requested_at=STARTED - timedelta(1))
    Lead.objects.filter(pk=requested_later.pk).update(
        rescore_requested_at=STARTED + timedelta(seconds=1)
    )
    lead_scores_update([_row(answered), _row(requested_later)], started=STARTED)
    stored = _stored(answered)
    assert stored["needs_rescore"] is False
    assert stored["reasons"] == [{"text": "Viewed pricing", "points": 30, "term": None}]
    assert stored["breakdown"]["nested"] == {"é": 1.5}
    assert (stored["total_score"], stored["qualified_at"]) == (40, STARTED - timedelta(days=2))
    assert stored["likelihood"] == 0.4213
    assert stored["likelihood_factors"] == [{"label": "Asked for a demo", "weight": 0.8}]
    assert _stored(requested_later)["needs_rescore"] is True


@pytest.mark.postgres
def test_the_unnest_update_stores_what_bulk_update_stores(postgres):
    fast, generic = LeadFactory(), LeadFactory()
    writes._lead_scores_unnest([_row(fast, qualified_at=None)], STARTED)
    writes._lead_scores_orm([_row(generic, qualified_at=None)], STARTED)
    assert _stored(fast) == _stored(generic)
    assert _stored(fast)["qualified_at"] is None


@pytest.mark.postgres
def test_the_unnest_insert_stores_what_bulk_create_stores(postgres):
    fast, generic = LeadFactory(), LeadFactory()
    cause = criterion(key="pricing")

    def transitions(lead: Lead) -> list[StageTransition]:
        return [
            StageTransition(
                lead_id=lead.pk,
                from_stage="new",
                to_stage="mql",
                cause="criterion",
                criterion_id=criterion_id,
                reason="Viewed the pricing page 4 times",
                occurred_at=STARTED,
            )
            for criterion_id in (cause.pk, None)
        ]

    transitions_insert(transitions(fast))
    StageTransition.objects.bulk_create(transitions(generic))
    columns = [c for c in writes.TRANSITION_COLUMNS if c != "lead_id"]

    def stored(lead: Lead) -> list[dict]:
        return list(StageTransition.objects.filter(lead=lead).order_by("pk").values(*columns))

    assert len(stored(fast)) == 2
    assert stored(fast) == stored(generic)
