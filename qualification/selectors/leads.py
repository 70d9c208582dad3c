"""Reads of leads: the lists (queues, REST) and the lead page.

``lead_list`` is the one queryset every list of leads starts from: account and owner joined,
the large JSON columns left out, in the queue priority order. The lead page reads one query
per panel with the joins it needs, so its query count does not grow with the data
(tests/web/test_lead_page.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from qualification.core.scoring.evidence import evidence_words
from qualification.core.vocabulary import QUEUE_PRIORITY
from qualification.core.wording import attribute_label, parse_when, reason_now
from qualification.models import (
    Event,
    Feedback,
    GlossaryTerm,
    Lead,
    LeadActivity,
    MessageTemplate,
    StageTransition,
)
from qualification.models.choices import SignalSource

# Large JSON no list shows (a row needs its reasons, not its breakdown); the lead page reads them.
LIST_DEFERRED_COLUMNS = (
    "breakdown",
    "traits",
    "external_ids",
    "disqualified_reasons",
    "score_digest",
)


@dataclass(frozen=True)
class LeadFilters:
    """What a list of leads is narrowed to; an empty or None field narrows nothing.

    The callers hand over values already checked (a queue's scope, the REST query string
    parsed into 400s naming the parameter), so the selector never guesses what a typo meant.
    A queue page narrows further with its filter form (web/filters.py).
    """

    queues: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    tier: int | None = None
    owner_id: int | None = None
    unowned: bool = False
    updated_since: datetime | None = None


def lead_list(*, filters: LeadFilters | None = None) -> QuerySet[Lead]:
    """Leads in queue priority order (``QUEUE_PRIORITY``), with account and owner joined."""
    filters = filters or LeadFilters()
    leads = Lead.objects.select_related("account", "owner").defer(*LIST_DEFERRED_COLUMNS)
    if filters.queues:
        leads = leads.filter(queue__in=filters.queues)
    if filters.stages:
        leads = leads.filter(stage__in=filters.stages)
    if filters.tier is not None:
        leads = leads.filter(tier=filters.tier)
    if filters.owner_id is not None:
        leads = leads.filter(owner_id=filters.owner_id)
    if filters.unowned:
        leads = leads.filter(owner__isnull=True)
    if filters.updated_since is not None:
        leads = leads.filter(updated_at__gte=filters.updated_since)
    return leads.order_by(*QUEUE_PRIORITY)


ACTIVITY_LIMIT = 50
TIMELINE_LIMIT = 100
ACCOUNT_LEADS_LIMIT = 20


@dataclass
class LeadPage:
    """Everything the lead page renders, read in a fixed number of queries."""

    lead: Lead
    events: list[Event]
    event_count: int
    transitions: list[StageTransition]
    feedback: list[Feedback]
    activities: list[LeadActivity] = field(default_factory=list)
    account_leads: list[Lead] = field(default_factory=list)
    account_lead_count: int = 0
    templates: list[dict[str, Any]] = field(default_factory=list)


def lead_read(*, lead_id: int) -> Lead:
    """The lead with its account and owner (404 when unknown)."""
    return get_object_or_404(
        Lead.objects.select_related("account", "owner", "criteria_version"), pk=lead_id
    )


def lead_page_read(*, lead_id: int, source: str = "") -> LeadPage:
    """The lead page's data; ``source`` ("marketing"/"product") filters the timeline."""
    lead = lead_read(lead_id=lead_id)
    events_qs = Event.objects.filter(lead_id=lead.pk)
    if source in SignalSource.values:
        events_qs = events_qs.filter(source=source)
    events = list(
        events_qs.order_by("-occurred_at", "-id").only(
            "id", "name", "source", "properties", "occurred_at", "lead_id"
        )[:TIMELINE_LIMIT]
    )
    event_count = events_qs.count()
    transitions = list(
        StageTransition.objects.filter(lead_id=lead.pk)
        .select_related("actor", "criterion")
        .order_by("-occurred_at", "-id")
    )
    feedback = list(
        Feedback.objects.filter(lead_id=lead.pk).select_related("author").order_by("-created_at")
    )
    activities = list(
        LeadActivity.objects.filter(lead_id=lead.pk)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:ACTIVITY_LIMIT]
    )
    page = LeadPage(
        lead=lead,
        events=events,
        event_count=event_count,
        transitions=transitions,
        feedback=feedback,
        activities=activities,
    )
    if lead.account_id:
        others = (
            Lead.objects.filter(account_id=lead.account_id)
            .exclude(pk=lead.pk)
            .select_related("owner")
            .annotate(account_total=Count("account__leads", distinct=True))
            .order_by("-tier", "-total_score", "pk")
        )
        page.account_leads = list(others[:ACCOUNT_LEADS_LIMIT])
        page.account_lead_count = page.account_leads[0].account_total if page.account_leads else 1
    page.templates = list(
        MessageTemplate.objects.filter(is_active=True)
        .order_by("trigger", "name")
        .values("name", "trigger", "subject", "body")
    )
    return page


def _shown(row: dict[str, Any], now: datetime | None) -> dict[str, Any]:
    """One stored contribution with what the page says of it: the reason as it reads
    ``now`` (in the viewer's zone) and its evidence in words."""
    row["last_seen_at"] = parse_when(row.get("last_seen"))
    if now is not None:
        row["reason"] = reason_now(
            row.get("reason", ""), row.get("reason_when"), row.get("last_seen"), now
        )
    row["evidence"] = evidence_words(row)
    return row


def breakdown_read(
    breakdown: dict[str, Any] | None, *, now: datetime | None = None
) -> dict[str, Any]:
    """The stored breakdown with ISO times as datetimes (shown in the viewer's timezone)
    and glossary slugs named (one query, only when some criterion links a term).

    With ``now`` (the viewer's local time) every sentence that says when reads as it is
    then ("yesterday", not the "today" of the day it was scored; ``wording.reason_now``),
    and attributes the score could not see are named in words.

    Tolerant of older or partial breakdowns: a missing list is empty, never an error, and a
    reason stored before reasons had a time slot is shown as written.
    """
    data = dict(breakdown or {})
    contributions = [_shown(dict(item), now) for item in data.get("contributions") or []]
    disqualifiers = [_shown(dict(item), now) for item in data.get("disqualifiers") or []]
    slugs = {r["glossary_term"] for r in contributions + disqualifiers if r.get("glossary_term")}
    terms = dict(
        GlossaryTerm.objects.filter(slug__in=slugs).values_list("slug", "term") if slugs else ()
    )
    for row in contributions + disqualifiers:
        slug = row.get("glossary_term")
        row["term_name"] = terms.get(slug, slug) if slug else ""
    qualification_reason = data.get("qualification_reason", "")
    if now is not None:
        qualification_reason = reason_now(
            qualification_reason,
            data.get("qualification_reason_when"),
            data.get("qualification_seen_at"),
            now,
        )
    return {
        "contributions": contributions,
        "disqualifiers": disqualifiers,
        "near_misses": list(data.get("near_misses") or []),
        "unknown_attributes": list(data.get("unknown_attributes") or []),
        "unknown_labels": [attribute_label(a) for a in data.get("unknown_attributes") or []],
        "qualification_reason": qualification_reason,
        "pql_level": data.get("pql_level", ""),
        "qualification_seen_at": parse_when(data.get("qualification_seen_at")),
        "strongest_signal_at": parse_when(data.get("strongest_signal_at")),
    }
