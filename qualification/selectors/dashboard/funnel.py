"""Funnels MQL/PQL -> SQL -> opportunity -> won, and false positives by source and criterion.

Cohort: leads with a transition into ``mql`` (or ``pql``) in the period; a lead that entered
both counts in both funnels. A later step counts a lead that has ANY recorded transition to
that stage or a further one (``opportunity`` counts as having reached SQL too, so a deal
created straight from a PQL is not lost from the funnel), at any time up to now: a cohort
keeps converting after the period ends.

A *false positive* is a cohort lead that sales rejected (a Feedback with outcome "rejected").
By criterion: the criterion recorded on the qualifying transition (none when a policy
threshold, not one criterion, moved the lead).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)

from qualification.core.vocabulary import (
    STAGE_CUSTOMER,
    STAGE_MQL,
    STAGE_OPPORTUNITY,
    STAGE_PQL,
    STAGE_SQL,
)
from qualification.models import Feedback, Lead, StageTransition
from qualification.models.choices import FeedbackOutcome
from qualification.selectors.dashboard.arrivals import arrivals
from qualification.selectors.dashboard.period import DashboardFilters
from qualification.selectors.dashboard.tables import Column, Table, share

# Each later step and the stages that count as having reached it.
STEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("sql", "SQL", (STAGE_SQL, STAGE_OPPORTUNITY, STAGE_CUSTOMER)),
    ("opportunity", "Opportunity", (STAGE_OPPORTUNITY, STAGE_CUSTOMER)),
    ("won", "Won", (STAGE_CUSTOMER,)),
)


def rejected_q() -> Exists:
    return Exists(Feedback.objects.filter(lead=OuterRef("pk"), outcome=FeedbackOutcome.REJECTED))


def cohort(filters: DashboardFilters) -> QuerySet[Lead]:
    """Leads that entered MQL or PQL in the period (of the chosen reps)."""
    return Lead.objects.filter(pk__in=arrivals(filters).values("lead_id")).order_by()


@dataclass
class Funnel:
    name: str  # "MQL" or "PQL"
    steps: list[tuple[str, int]]  # (label, leads), first the entry stage


def _flag(condition: Q) -> Max:
    return Max(Case(When(condition, then=1), default=0, output_field=IntegerField()))


def funnel_counts_queryset(filters: DashboardFilters) -> QuerySet:
    """Per cohort lead, one row of 0/1 flags from its transitions (read by lead id).

    Driven from transitions: the cohort's ids come from the period's arrivals (an index
    range scan) and each lead's history from the ``(lead, occurred_at)`` index, so the
    query never visits leads outside the cohort.
    """
    period = filters.in_period("occurred_at")
    flags = {
        "in_mql": _flag(period & Q(to_stage=STAGE_MQL)),
        "in_pql": _flag(period & Q(to_stage=STAGE_PQL)),
        **{f"to_{key}": _flag(Q(to_stage__in=stages)) for key, _label, stages in STEPS},
    }
    return (
        StageTransition.objects.filter(lead_id__in=arrivals(filters).values("lead_id"))
        .values("lead_id")
        .annotate(**flags)
        .order_by()
    )


def funnel_aggregates() -> dict[str, Sum]:
    """Leads per entry and step: sums of products of the per-lead flags."""
    aggregates: dict[str, Sum] = {}
    for entry in ("mql", "pql"):
        aggregates[f"{entry}_entered"] = Sum(F(f"in_{entry}"))
        for key, _label, _stages in STEPS:
            aggregates[f"{entry}_{key}"] = Sum(F(f"in_{entry}") * F(f"to_{key}"))
    return aggregates


def funnels(filters: DashboardFilters) -> tuple[list[Funnel], Table]:
    counts = funnel_counts_queryset(filters).aggregate(**funnel_aggregates())
    table = Table(
        "funnel",
        "Funnel from qualification to won",
        [
            Column("funnel", "Funnel", "text"),
            Column("step", "Stage reached", "text"),
            Column("leads", "Leads"),
            Column("step_rate", "From previous step", "pct"),
            Column("overall_rate", "From entry", "pct"),
        ],
    )
    found: list[Funnel] = []
    for entry, label in (("mql", "MQL"), ("pql", "PQL")):
        entered = counts[f"{entry}_entered"] or 0
        if not entered:
            continue
        steps = [(label, entered)]
        table.rows.append([label, label, entered, None, None])
        previous = entered
        for key, step_label, _stages in STEPS:
            n = counts[f"{entry}_{key}"] or 0
            steps.append((step_label, n))
            table.rows.append([label, step_label, n, share(n, previous), share(n, entered)])
            previous = n
        found.append(Funnel(label, steps))
    return found, table


_FP_COLUMNS = [
    Column("qualified", "Qualified leads"),
    Column("rejected", "Rejected by sales"),
    Column("rate", "False-positive rate", "pct"),
]


def false_positives_by_source(filters: DashboardFilters) -> Table:
    rows = (
        cohort(filters)
        .annotate(rejected=rejected_q())
        .values("source")
        .annotate(qualified=Count("id"), fp=Count("id", filter=Q(rejected=True)))
        .order_by("-fp", "source")
    )
    table = Table(
        "fp-source",
        "False positives by lead source",
        [Column("source", "Source", "text"), *_FP_COLUMNS],
    )
    for row in rows:
        table.rows.append(
            [
                row["source"] or "(no source)",
                row["qualified"],
                row["fp"],
                share(row["fp"], row["qualified"]),
            ]
        )
    return table


def false_positives_by_criterion(filters: DashboardFilters) -> Table:
    rejected = Exists(
        Feedback.objects.filter(lead=OuterRef("lead"), outcome=FeedbackOutcome.REJECTED)
    )
    rows = (
        arrivals(filters)
        .annotate(rejected=rejected)
        .values("criterion__key", "criterion__name")
        .annotate(
            qualified=Count("lead", distinct=True),
            fp=Count("lead", distinct=True, filter=Q(rejected=True)),
        )
        .order_by("-fp", F("criterion__name").asc(nulls_last=True))
    )
    table = Table(
        "fp-criterion",
        "False positives by qualifying criterion",
        [Column("criterion", "Criterion", "text"), *_FP_COLUMNS],
    )
    for row in rows:
        name = row["criterion__name"] or "(thresholds, no single criterion)"
        table.rows.append([name, row["qualified"], row["fp"], share(row["fp"], row["qualified"])])
    return table
