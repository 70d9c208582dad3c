"""The REST API says stored reasons as of the request, and stays backward compatible: every
reason keeps its ``text``; ``seen_at`` says when; the internal time slot is not shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.core.wording import WHEN_SLOT
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _lead():
    seen_at = (timezone.now() - timedelta(days=8)).isoformat()
    return LeadFactory(
        tier=4,
        total_score=90,
        qualification="pql",
        pql_kind="limit_reached",
        queue="pql",
        stage="pql",
        reasons=[
            {
                "text": "Hit a free-plan limit today",
                "text_when": f"Hit a free-plan limit {WHEN_SLOT}",
                "seen_at": seen_at,
                "points": 25,
                "kind": "usage",
                "term": None,
            },
            {"text": "Stored before slots existed", "points": 5, "kind": "fit", "term": None},
        ],
        breakdown={
            "contributions": [
                {
                    "key": "limit",
                    "reason": "Hit a free-plan limit today",
                    "reason_when": f"Hit a free-plan limit {WHEN_SLOT}",
                    "last_seen": seen_at,
                    "points": 25,
                },
                {"key": "old", "reason": "Old sentence", "points": 5},
            ],
            "qualification_reason": "Hit a plan limit (Usage Limit Reached, today)",
            "qualification_reason_when": f"Hit a plan limit (Usage Limit Reached, {WHEN_SLOT})",
            "qualification_seen_at": seen_at,
        },
    )


def test_list_reasons_are_said_as_of_the_request(api):
    lead = _lead()
    rows = api().get("/api/leads/").json()["results"]
    reasons = next(row for row in rows if row["id"] == lead.pk)["reasons"]
    assert [r["text"] for r in reasons] == [
        "Hit a free-plan limit 8 days ago",
        "Stored before slots existed",
    ]
    assert reasons[0]["seen_at"] == lead.reasons[0]["seen_at"]
    assert all("text_when" not in r for r in reasons)


def test_detail_breakdown_is_said_as_of_the_request(api):
    lead = _lead()
    body = api().get(f"/api/leads/{lead.pk}/").json()
    contributions = body["breakdown"]["contributions"]
    assert contributions[0]["reason"] == "Hit a free-plan limit 8 days ago"
    assert contributions[1] == {"key": "old", "reason": "Old sentence", "points": 5}
    assert body["breakdown"]["qualification_reason"] == (
        "Hit a plan limit (Usage Limit Reached, 8 days ago)"
    )
