"""The numbers on the overview page, read in a fixed number of queries whatever the data volume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from qualification.models import Criterion, Feedback, GlossaryTerm, Lead
from qualification.models.choices import FeedbackOutcome, LifecycleStage, Queue, Tier

FEEDBACK_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Bucket:
    """One labelled count, with its share of a total for the bar charts."""

    key: str
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class Overview:
    total_leads: int
    stages: list[Bucket]
    tiers: list[Bucket]
    mql_queue: int
    pql_queue: int
    cs_queue: int
    unclaimed_in_queues: int
    feedback_recent: int
    feedback_accepted: int
    feedback_rejected: int
    feedback_window_days: int
    glossary_terms: int
    active_criteria: int

    @property
    def queued(self) -> int:
        return self.mql_queue + self.pql_queue

    @property
    def has_leads(self) -> bool:
        return self.total_leads > 0


def _buckets(counts: dict[str, int], choices, total: int) -> list[Bucket]:
    return [
        Bucket(
            key=str(value),
            label=str(label),
            count=counts[f"n_{value}"],
            percent=round(100 * counts[f"n_{value}"] / total) if total else 0,
        )
        for value, label in choices
    ]


def overview_read(*, now: datetime) -> Overview:
    """Leads by stage, tier and queue, recent feedback and the size of the rulebook.

    Four aggregate queries (leads, feedback, glossary, criteria) - never one per lead - so the
    page costs the same with ten leads or a million.
    """
    stage_counts = {f"n_{s.value}": Count("id", filter=Q(stage=s)) for s in LifecycleStage}
    tier_counts = {f"n_{t.value}": Count("id", filter=Q(tier=t)) for t in Tier}
    in_queues = Q(queue__in=[Queue.MQL, Queue.PQL])
    leads = Lead.objects.aggregate(
        total=Count("id"),
        mql_queue=Count("id", filter=Q(queue=Queue.MQL)),
        pql_queue=Count("id", filter=Q(queue=Queue.PQL)),
        cs_queue=Count("id", filter=Q(queue=Queue.CUSTOMER_SUCCESS)),
        unclaimed=Count("id", filter=in_queues & Q(owner__isnull=True)),
        **stage_counts,
        **tier_counts,
    )
    since = now - timedelta(days=FEEDBACK_WINDOW_DAYS)
    feedback = Feedback.objects.filter(created_at__gte=since).aggregate(
        total=Count("id"),
        accepted=Count("id", filter=Q(outcome=FeedbackOutcome.ACCEPTED)),
        rejected=Count("id", filter=Q(outcome=FeedbackOutcome.REJECTED)),
    )
    total = leads["total"]
    return Overview(
        total_leads=total,
        stages=_buckets(leads, LifecycleStage.choices, total),
        # Hottest first: the order an SDR reads them in.
        tiers=list(reversed(_buckets(leads, Tier.choices, total))),
        mql_queue=leads["mql_queue"],
        pql_queue=leads["pql_queue"],
        cs_queue=leads["cs_queue"],
        unclaimed_in_queues=leads["unclaimed"],
        feedback_recent=feedback["total"],
        feedback_accepted=feedback["accepted"],
        feedback_rejected=feedback["rejected"],
        feedback_window_days=FEEDBACK_WINDOW_DAYS,
        glossary_terms=GlossaryTerm.objects.count(),
        active_criteria=Criterion.objects.published().filter(is_active=True).count(),
    )
