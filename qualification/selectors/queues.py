"""Reads for the SDR queues: the rows, and what a page loads once for all its rows.

A queue page runs a fixed number of queries whatever its size: the count, the page of leads
(account and owner joined), the SLA policies, the glossary terms its reasons name, and the
filter form's choices. Nothing is read per row. The SLA filter and sorts compare each lead's
stored clock (``sla_warn_at``/``sla_due_at``) with ``now``, as the cell does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Case, DateTimeField, F, IntegerField, Q, QuerySet, Value, When

from qualification.core.vocabulary import QUEUE_PRIORITY, QUEUE_SCOPES, SDR_WORKABLE_STAGES
from qualification.models import Account, GlossaryTerm, Lead, SavedView
from qualification.models.accounts import CLOCK_RUNNING
from qualification.roles import Perm
from qualification.selectors.leads import LeadFilters, lead_list


def queue_leads(*, scope: str, user, now: datetime | None = None) -> QuerySet[Lead]:
    """The open, qualified leads of a queue in priority order (``mine``: owned by ``user``).

    Only SDR-workable stages, whatever the stored queue says: a lead sales took, or one that
    left the funnel, is not worked from a queue. Given ``now``, *My queue* puts overdue and
    due-soon leads first (``mine_order``): those are the ones its owner must answer next;
    the shared queues put, within each tier, the leads whose clock is about to run out
    first (``shared_order``).
    """
    leads = lead_list(
        filters=LeadFilters(
            queues=QUEUE_SCOPES[scope],
            stages=SDR_WORKABLE_STAGES,
            owner_id=user.pk if scope == "mine" else None,
        )
    )
    if now is not None:
        leads = mine_order(leads, now=now) if scope == "mine" else shared_order(leads, now=now)
    return leads


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


def sla_state_q(state: str, now: datetime) -> Q:
    """A database condition equal to the state the queue cell shows, from the STORED clock.

    The cell (``core.sla.stored.stored_state``) makes the same comparisons with the same
    columns, so a row marked "Overdue" is exactly a row the Overdue filter lists: due at
    10:00 is overdue at 10:00 (``sla_due_at <= now``), due soon from ``sla_warn_at`` on.
    Comparing stored columns also orders and filters across policies without reading them.
    ``met`` means "touched" (in time or late); ``none``: untouched with no clock running
    (none at all, or one that stopped when the lead left the queues).
    """
    untouched = CLOCK_RUNNING
    if state == "met":
        return Q(first_touched_at__isnull=False)
    if state == "none":
        return Q(first_touched_at__isnull=True) & (
            Q(sla_due_at__isnull=True) | Q(sla_stopped_at__isnull=False)
        )
    if state == "breached":
        return untouched & Q(sla_due_at__lte=now)
    if state == "warning":
        return (
            untouched
            & Q(sla_due_at__gt=now)
            & (Q(sla_warn_at__lte=now) | Q(sla_warn_at__isnull=True, sla_due_at__lte=now))
        )
    if state == "ok":
        return (
            untouched
            & Q(sla_due_at__gt=now)
            & (Q(sla_warn_at__gt=now) | Q(sla_warn_at__isnull=True))
        )
    raise ValueError(f"unknown SLA state {state!r}")


# The three urgency groups of "My queue", most urgent first.
OVERDUE, DUE_SOON, ON_TRACK = 0, 1, 2


def sla_urgency(now: datetime) -> Case:
    """Overdue (0), due soon (1) or neither (2) for each lead, by its stored clock at ``now``."""
    untouched = CLOCK_RUNNING
    return Case(
        When(untouched & Q(sla_due_at__lte=now), then=Value(OVERDUE)),
        When(untouched & Q(sla_warn_at__lte=now), then=Value(DUE_SOON)),
        default=Value(ON_TRACK),
        output_field=IntegerField(),
    )


def mine_order(leads: QuerySet[Lead], *, now: datetime) -> QuerySet[Lead]:
    """My queue's order: overdue first, then due soon, each by deadline; then priority.

    One ``CASE`` in the ``ORDER BY``, so the page is still one query, whatever its size. An
    SDR with a breach and a hot new lead should answer the breach first: the hot lead's
    clock has time left, the breach's has none.
    """
    urgency = sla_urgency(now)
    urgent = CLOCK_RUNNING & (Q(sla_warn_at__lte=now) | Q(sla_due_at__lte=now))
    urgent_due = Case(
        When(urgent, then=F("sla_due_at")),
        default=None,
        output_field=DateTimeField(),
    )
    return leads.alias(sla_urgency=urgency).order_by(
        "sla_urgency", urgent_due.asc(nulls_last=True), *QUEUE_PRIORITY
    )


def shared_order(leads: QuerySet[Lead], *, now: datetime) -> QuerySet[Lead]:
    """A shared queue's order: by tier; within it, leads due soon (their warning passed,
    their deadline not yet) first, then ``QUEUE_PRIORITY``'s freshness-weighted score.

    Due soon, not overdue: a due-soon lead answered now still meets its SLA, while an
    overdue one has already lost most of what speed buys (qualification odds fall about
    21-fold between 5 and 30 minutes), so it competes on freshness like the others. One
    ``CASE`` in the ``ORDER BY``; the page is still one query.
    """
    due_soon = Case(
        When(
            CLOCK_RUNNING & Q(sla_warn_at__lte=now, sla_due_at__gt=now),
            then=Value(0),
        ),
        default=Value(1),
        output_field=IntegerField(),
    )
    # alias, not annotate: the page's capped count then leaves the CASE out.
    return leads.alias(sla_due_soon=due_soon).order_by("-tier", "sla_due_soon", *QUEUE_PRIORITY)


def sla_order(leads: QuerySet[Lead], *, descending: bool = False) -> QuerySet[Lead]:
    """Sorted by the real deadline across policies: running clocks by ``sla_due_at``, then
    stopped ones (touched, or left the queues) by theirs, leads with no clock last."""
    touched = Case(
        When(CLOCK_RUNNING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    due = F("sla_due_at")
    due = due.desc(nulls_last=True) if descending else due.asc(nulls_last=True)
    no_clock = Case(
        When(sla_due_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return leads.order_by(no_clock, touched, due, *QUEUE_PRIORITY)


def saved_views_read(*, user, scope: str) -> list:
    """The user's own saved views of one queue, by name."""
    return list(SavedView.objects.filter(user=user, scope=scope).order_by("name", "pk"))
