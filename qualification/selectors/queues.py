"""Reads for the SDR queues: the rows, and what a page loads once for all its rows.

A queue page runs a fixed number of queries whatever its size: the count, the page of leads
(account and owner joined), the SLA policies, the glossary terms its reasons name, and the
filter form's choices. Nothing is read per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from qualification.core.sla import due_at, latest_start_due_by
from qualification.core.vocabulary import QUEUE_SCOPES, SDR_WORKABLE_STAGES
from qualification.models import Account, GlossaryTerm, Lead
from qualification.roles import Perm
from qualification.selectors.leads import LeadFilters, lead_list
from qualification.selectors.sla import PolicyMap


def queue_leads(*, scope: str, user) -> QuerySet[Lead]:
    """The open, qualified leads of a queue in priority order (``mine``: owned by ``user``).

    Only SDR-workable stages, whatever the stored queue says: a lead sales took, or one that
    left the funnel, is not worked from a queue.
    """
    return lead_list(
        filters=LeadFilters(
            queues=QUEUE_SCOPES[scope],
            stages=SDR_WORKABLE_STAGES,
            owner_id=user.pk if scope == "mine" else None,
        )
    )


TAB_COUNT_CAP = 999


def queue_tab_counts(*, user) -> dict[str, str]:
    """How many open leads each queue tab holds, as its label shows them ("999+" past it).

    One capped count per tab: each stops after ``TAB_COUNT_CAP`` + 1 rows, so the tabs cost
    the same few milliseconds whether a queue holds a hundred leads or a hundred thousand.
    """
    counts = {}
    for scope in QUEUE_SCOPES:
        found = queue_leads(scope=scope, user=user).order_by()[: TAB_COUNT_CAP + 1].count()
        counts[scope] = f"{TAB_COUNT_CAP:,}+" if found > TAB_COUNT_CAP else f"{found:,}"
    return counts


def queue_lead(*, lead_id: int) -> Lead | None:
    """One lead as a queue row shows it (for re-rendering the row after an action)."""
    return lead_list().filter(pk=lead_id).first()


@dataclass(frozen=True)
class TermInfo:
    term: str
    slug: str
    definition: str

    @property
    def short(self) -> str:
        """ "MQL (marketing qualified lead)" reads as "MQL" inside a dense row."""
        return self.term.split(" (")[0]


def reason_terms_read(leads: Iterable[Lead]) -> dict[str, TermInfo]:
    """The glossary terms the shown reasons name, in one query for the whole page."""
    slugs = {
        reason.get("term")
        for lead in leads
        for reason in (lead.reasons or [])
        if isinstance(reason, dict) and reason.get("term")
    }
    if not slugs:
        return {}
    rows = GlossaryTerm.objects.filter(slug__in=slugs).values_list("term", "slug", "definition")
    return {slug: TermInfo(term, slug, definition) for term, slug, definition in rows}


def queue_workers() -> list:
    """People who can own a lead (SDRs and managers), for the owner filter and assignment."""
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            Q(groups__permissions__codename=Perm.WORK_QUEUE.codename)
            | Q(user_permissions__codename=Perm.WORK_QUEUE.codename)
            | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def account_facets() -> tuple[list[str], list[str]]:
    """Distinct industries and countries, for the filter form (one query)."""
    pairs = Account.objects.values_list("industry", "country").distinct().order_by()
    industries = sorted({industry for industry, _c in pairs if industry})
    countries = sorted({country for _i, country in pairs if country})
    return industries, countries


def sla_state_q(state: str, policies: PolicyMap, now: datetime) -> Q:
    """A database condition equal to the clock's state for leads still waiting for a touch.

    Per (queue, tier) policy the deadline becomes a ``qualified_at`` threshold
    (``latest_start_due_by``), so the filter uses the queue index instead of a clock per row.
    ``met`` here means "touched" (on time or late): whether a touch was late needs each lead's
    own deadline, which only the row's clock shows.
    """
    untouched = Q(first_touched_at__isnull=True, qualified_at__isnull=False)
    if state == "met":
        return Q(first_touched_at__isnull=False)
    covered = Q(pk__in=[])
    for queue, tier in policies:
        covered |= Q(queue=queue, tier=tier)
    if state == "none":
        return untouched & ~covered | Q(qualified_at__isnull=True, first_touched_at__isnull=True)
    result = Q(pk__in=[])
    for (queue, tier), spec in policies.items():
        breached_by = latest_start_due_by(now, spec.response_minutes, spec)
        warning_by = latest_start_due_by(
            due_at(now, spec.warning_minutes, spec), spec.response_minutes, spec
        )
        if state == "breached":
            window = Q(qualified_at__lte=breached_by)
        elif state == "warning":
            window = Q(qualified_at__gt=breached_by, qualified_at__lte=warning_by)
        else:
            window = Q(qualified_at__gt=warning_by)
        result |= Q(queue=queue, tier=tier) & window
    return untouched & result
