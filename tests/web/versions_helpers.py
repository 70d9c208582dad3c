"""Builders the criteria governance page tests share: a published criterion, a draft that
changes it, a publication, and preview rows as the previews task stores them."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from qualification.models import CriteriaPreview, CriteriaVersion, Criterion, PreviewStatus
from qualification.roles import Role
from qualification.services.versions import draft_publish
from tests import factories


def messages_of(response) -> list[str]:
    """The flash messages a rendered page carries."""
    return [str(m) for m in response.context["messages"]] if response.context else []


def page_text(response) -> str:
    """The page's text with tags dropped and whitespace collapsed, as a reader sees it."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def pricing_criterion(**fields: Any) -> Criterion:
    """ "Pricing page views", 20 points, in the published version."""
    return factories.criterion(key="pricing-views", name="Pricing page views", points=20, **fields)


def draft_changing_points(points: int = 25, **kwargs: Any) -> CriteriaVersion:
    """A draft whose only change is the pricing criterion's points."""
    draft = factories.draft(**kwargs)
    row = Criterion.objects.get(version=draft, key="pricing-views")
    row.points = points
    row.save()
    draft.refresh_from_db()
    return draft


def publish(draft: CriteriaVersion, note: str = "Pricing views convert well.", user=None):
    publisher = user or factories.user(Role.OPS, username=f"publisher-{draft.pk}")
    return draft_publish(user=publisher, draft=draft, note=note)


FIGURES: dict[str, Any] = {
    "leads": 1200,
    "entering": 7,
    "leaving": 3,
    "queues_moves": {
        "mql": {"entering": 5, "leaving": 1},
        "pql": {"entering": 2, "leaving": 2},
    },
    "samples": {
        "entering": {
            "mql": [
                {
                    "id": 11,
                    "name": "Ada Lovelace",
                    "email": "ada@example.com",
                    "before": 55,
                    "after": 62,
                    "tier_before": 2,
                    "tier_after": 3,
                    "reasons": ["Viewed the pricing page 4 times in the last 7 days"],
                }
            ],
            "pql": [],
        },
        "leaving": {
            "mql": [
                {
                    "id": 12,
                    "name": "Grace Hopper",
                    "email": "grace@example.com",
                    "before": 61,
                    "after": 58,
                    "tier_before": 3,
                    "tier_after": 2,
                    "reasons": ["Requested a demo"],
                }
            ],
            "pql": [],
        },
    },
    "tier_changes": [{"from": 2, "to": 3, "count": 9}, {"from": 3, "to": 4, "count": 3}],
    "tier_changed": 12,
    "top_movers": [
        {
            "id": 11,
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "before": 55,
            "after": 62,
            "delta": 7,
        },
    ],
    "queue_sizes": {
        "published": {
            "mql": {"total": 80, "hot": 10, "warm": 30, "cool": 25, "cold": 15},
            "pql": {"total": 40, "hot": 5, "warm": 15, "cool": 12, "cold": 8},
        },
        "draft": {
            "mql": {"total": 84, "hot": 12, "warm": 31, "cool": 26, "cold": 15},
            "pql": {"total": 40, "hot": 5, "warm": 15, "cool": 12, "cold": 8},
        },
    },
    "criteria_fires": [
        {"key": "pricing-views", "name": "Pricing page views", "published": 140, "draft": 140}
    ],
}


def _side(auc: float, top10: float) -> dict[str, Any]:
    return {
        "auc": auc,
        "precision_top_10": top10,
        "precision_top_20": 0.5,
        "conversion_by_tier": {
            "hot": {"n": 10, "positive": 7, "rate": 0.7},
            "warm": {"n": 10, "positive": 4, "rate": 0.4},
            "cool": {"n": 5, "positive": 1, "rate": 0.2},
            "cold": {"n": 0, "positive": 0, "rate": None},
        },
        "false_positives": {"mql": 6, "pql": 2},
        "qualified": {"mql": 18, "pql": 7},
    }


BACKTEST: dict[str, Any] = {
    "n_outcomes": 25,
    "n_positive": 12,
    "n_negative": 13,
    "enough": True,
    "message": "Based on 25 leads with outcomes: 12 accepted or won, 13 rejected or lost.",
    "auc_published": 0.71,
    "auc_draft": 0.78,
    "published": _side(0.71, 0.6),
    "draft": _side(0.78, 0.8),
}


def preview_row(draft: CriteriaVersion, **fields: Any) -> CriteriaPreview:
    """A stored preview of the draft as it is now (current unless told otherwise)."""
    values: dict[str, Any] = {
        "version": draft,
        "base_id": draft.base_id,
        "content_stamp": draft.content_changed_at,
        "status": PreviewStatus.DONE,
        "total": 1200,
        "done": 1200,
        "figures": FIGURES,
        "backtest": BACKTEST,
        "started_at": timezone.now(),
        "finished_at": timezone.now(),
    }
    values.update(fields)
    return CriteriaPreview.objects.create(**values)
