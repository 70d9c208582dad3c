"""The queue table (display only): each row says who, why, how urgent and whose.

Everything a cell needs beyond the lead, its account and owner (SLA policies, glossary terms,
the people a manager may assign to) is handed in once per page, so no cell runs a query. The
rich cells (reasons, owner with its claim and assign forms) are templates; the claim form is
the one the lead page shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from qualification.core.scoring.priority import (
    FRESHNESS_HALF_LIFE_DAYS,
    fresh_score_of,
    fresh_since,
)
from qualification.core.sla.display import ClockText, describe_clock
from qualification.core.sla.stored import missed_at_stop, stored_state
from qualification.core.vocabulary import QUEUE_PRIORITY, SDR_WORKABLE_STAGES, tier_name
from qualification.core.wording import reason_now
from qualification.models import Lead, user_display_name
from qualification.roles import Perm
from qualification.selectors.learning_live import likelihood_shown
from qualification.selectors.queues import TermInfo, sla_order
from qualification.selectors.sla import PolicyMap
from qualification.web.tables.base import BaseTable, CellColumn

MAX_REASONS = 3
PAGE_SIZES = (25, 50, 100)


# What a lead outside the SDR stages says instead of a clock (it is not worked from a queue).
_NO_CLOCK_STAGE = {"recycled": "recycled", "disqualified": "disqualified"}


def lead_clock_text(
    lead: Lead, *, policies: PolicyMap, now: datetime, viewer_timezone: str | None = None
) -> ClockText:
    """What a lead's SLA clock says to the viewer: the queue cell and the lead page share it.

    The state comes from the STORED clock (``stored_state``), the same columns the SLA filter,
    the SLA sort and the alert scan compare, so all four agree; the words come from
    ``describe_clock`` in the viewer's zone (the app activates each user's own), so a lead
    qualified at 19:48 Berlin time reads "Due tomorrow 10:00", not "Due in 1 h". A lead that
    left the SDR stages untouched shows that no clock runs rather than one counting down.
    """
    viewer = viewer_timezone or timezone.get_current_timezone_name()
    if lead.first_touched_at is None and (
        lead.stage not in SDR_WORKABLE_STAGES or lead.sla_stopped_at is not None
    ):
        return _stopped_text(lead)
    spec = policies.get((lead.queue, lead.tier))
    state = stored_state(
        warn_at=lead.sla_warn_at,
        due_at=lead.sla_due_at,
        touched_at=lead.first_touched_at,
        met=lead.sla_met,
        now=now,
        spec=spec,
    )
    if (
        state.state == "none"
        and spec is not None
        and spec.starts_at == "assignment"
        and lead.owner_id is None
        and lead.qualified_at is not None
    ):
        return ClockText(
            "Starts when claimed",
            "This lead's SLA clock starts when someone claims it or is assigned it.",
            "none",
        )
    return describe_clock(
        state, now=now, viewer_timezone=viewer, spec=spec, touched_at=lead.first_touched_at
    )


def _stopped_text(lead: Lead) -> ClockText:
    """An untouched lead out of the SDR queues: no clock runs, and how its clock ended."""
    if lead.stage in SDR_WORKABLE_STAGES:
        why, where = "left the queue", "it no longer qualifies for an SDR queue"
    else:
        why = _NO_CLOCK_STAGE.get(lead.stage, "with sales")
        where = f"the lead's stage is {lead.get_stage_display()}, so it is not in an SDR queue"
    title = f"No SLA clock runs: {where}."
    if missed_at_stop(lead.sla_due_at, lead.sla_stopped_at):
        title += " Its clock had passed the deadline when it stopped, so it counts as missed."
    elif lead.sla_stopped_at is not None:
        title += " Its clock stopped before the deadline: it counts as neither met nor missed."
    return ClockText(f"No clock: {why}", title, "none")


def likelihood_order(leads: QuerySet[Lead], *, descending: bool) -> QuerySet[Lead]:
    """By likelihood, leads without one last either way, ties in queue priority order."""
    likelihood = F("likelihood")
    first = likelihood.desc(nulls_last=True) if descending else likelihood.asc(nulls_last=True)
    return leads.order_by(first, *QUEUE_PRIORITY)


def likelihood_cell(value: float | None) -> SafeString:
    if value is None:
        return format_html(
            '<span class="muted" title="{}">{}</span>',
            "No model yet: a likelihood appears once a recalibration has learned from "
            "enough sales outcomes.",
            likelihood_shown(None),
        )
    return format_html(
        '<span title="{}">{}</span>',
        "Calibrated chance that sales accepts this lead, from the live model",
        likelihood_shown(value),
    )


def _local(value: datetime) -> datetime:
    return timezone.localtime(value)


class Reason(NamedTuple):
    """One stored reason as its cell shows it: signed points, the sentence, the glossary term."""

    sign: str  # "pos", "neg" or "" (the points' colour)
    shown_points: str  # "+30", "0", or a real minus sign (U+2212) before the number
    text: str
    term: TermInfo | None


def _reasons_context(record: Lead, table: QueueTable) -> dict[str, list[Reason]]:
    return {"reasons": table.reasons_shown(record)}


class QueueTable(BaseTable):
    # The bulk bar's checkboxes (``form="bulk-form"``: the rows hold their own forms, and
    # forms cannot nest), with the owner each row showed, so a bulk assign refuses a lead
    # whose owner changed since. Only for those who work leads.
    select = tables.Column(
        verbose_name=mark_safe('<span class="visually-hidden">Select</span>'),
        empty_values=(),
        orderable=False,
        attrs={"th": {"class": "select"}, "td": {"class": "select"}},
    )
    person = tables.Column(
        verbose_name="Person",
        empty_values=(),
        order_by=("last_name", "first_name"),
        attrs={"td": {"class": "col-person"}},
    )
    account = tables.Column(
        verbose_name="Account",
        empty_values=(),
        order_by=("account__name",),
        attrs={"td": {"class": "col-account"}},
    )
    queue = tables.Column(verbose_name="Queue", attrs={"td": {"class": "nowrap col-queue"}})
    tier = tables.Column(
        verbose_name="Tier",
        order_by=("tier", "total_score"),
        attrs={"td": {"class": "nowrap col-tier"}},
    )
    total_score = tables.Column(
        verbose_name="Score", attrs={"th": {"class": "num"}, "td": {"class": "num score"}}
    )
    # The live model's calibrated chance that sales accepts the lead (core.learning); leads
    # without one sort last either way (``order_likelihood``).
    likelihood = tables.Column(
        verbose_name="Likelihood",
        empty_values=(),
        attrs={"th": {"class": "num"}, "td": {"class": "num likelihood"}},
    )
    reasons = CellColumn(
        "qualification/queues/cells/reasons.html",
        cell_context=_reasons_context,
        verbose_name="Why now",
        orderable=False,
        attrs={"td": {"class": "why"}},
    )
    # Sorted by the stored deadline across policies (``order_sla``), not by qualification
    # time: a 4-hour MQL qualified before a 1-hour PQL may well be due after it.
    sla = tables.Column(
        verbose_name="SLA",
        empty_values=(),
        order_by=("sla_due_at",),
        attrs={"td": {"class": "sla-cell"}},
    )
    owner = CellColumn(
        "qualification/queues/cells/owner.html",
        verbose_name="Owner",
        order_by=("owner__first_name", "owner__username"),
        attrs={"td": {"class": "owner-cell"}},
    )
    last_signal_at = tables.Column(
        verbose_name="Last signal",
        empty_values=(),
        attrs={"td": {"class": "nowrap muted col-last-signal"}},
    )

    class Meta(BaseTable.Meta):
        attrs = {"class": "data-table queue-table"}
        row_attrs = {"id": lambda record: f"lead-{record.pk}"}
        empty_text = "No leads match these filters."

    def __init__(
        self,
        data: Any,
        *,
        request,
        policies: PolicyMap,
        now: datetime,
        terms: dict[str, TermInfo] | None = None,
        workers: list | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.request = request
        self.user = request.user
        self.policies = policies
        self.terms = terms or {}
        self.now = now
        self._clocks: dict[int, ClockText] = {}
        self.can_work = self.user.has_perm(Perm.WORK_QUEUE)
        self.can_assign = self.user.has_perm(Perm.ASSIGN_LEAD)
        # (id, name) of the people a manager may assign to, named once for every row's control.
        self.assignees = [(user.pk, user_display_name(user)) for user in workers or []]
        if not self.can_work:
            self.columns.hide("select")

    def render_select(self, record: Lead) -> SafeString:
        return format_html(
            '<input type="checkbox" name="lead" value="{}" form="bulk-form" aria-label="Select {}">'
            '<input type="hidden" name="seen-{}" value="{}" form="bulk-form">',
            record.pk,
            record.display_name,
            record.pk,
            record.owner_id or "",
        )

    def paginate(
        self, paginator_class: type[Paginator] = Paginator, per_page: int | None = None, **kwargs
    ) -> QueueTable:
        """Pages of one of the offered sizes; any other ``per_page`` gets the first."""
        per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
        return super().paginate(paginator_class, per_page, **kwargs)

    def clock(self, record: Lead) -> ClockText:
        """The row's clock, worked out once (the person cell repeats it on a phone)."""
        if record.pk not in self._clocks:
            self._clocks[record.pk] = lead_clock_text(record, policies=self.policies, now=self.now)
        return self._clocks[record.pk]

    def render_person(self, record: Lead) -> SafeString:
        """Name and title; on a phone, where the SLA column is scrolled out of sight, the
        clock's words repeat under the name (hidden from screen readers: the SLA cell says it)."""
        clock = self.clock(record)
        return format_html(
            '<a class="strong" href="{}">{}</a><span class="sub">{}</span>'
            '<span class="sla-mobile" aria-hidden="true"><span class="sla sla-{}">{}</span></span>',
            reverse("lead-detail", args=[record.pk]),
            record.display_name,
            record.title or record.email,
            clock.css,
            clock.text,
        )

    def render_account(self, record: Lead) -> SafeString:
        account = record.account
        if account is None:
            return format_html('<span class="muted">{}</span>', "No account")
        facts = [f"{account.employee_count:,} people" if account.employee_count else ""]
        facts.append(account.country)
        return format_html(
            '<span class="strong">{}</span><span class="sub">{}</span>',
            account.name,
            " · ".join(f for f in facts if f),
        )

    def render_queue(self, record: Lead) -> SafeString:
        badge = format_html(
            '<span class="badge badge-q-{}">{}</span>', record.queue, record.queue.upper()
        )
        if record.pql_kind:
            return format_html(
                '{}<span class="sub">{}</span>', badge, record.get_pql_kind_display()
            )
        return badge

    def render_tier(self, record: Lead) -> SafeString:
        return format_html(
            '<span class="badge tier-badge tier-{}">{}</span>',
            tier_name(record.tier),
            record.get_tier_display(),
        )

    def reasons_shown(self, record: Lead) -> list[Reason]:
        """The strongest few stored reasons, with the glossary terms the page read for them,
        each said as it is now for the viewer ("8 days ago", not the "today" it was scored
        with; ``wording.reason_now``, which shows a reason stored without a time as it is)."""
        items = [r for r in (record.reasons or []) if isinstance(r, dict)][:MAX_REASONS]
        now = timezone.localtime(self.now)  # "today" is the viewer's today
        shown = []
        for reason in items:
            points = reason.get("points") or 0
            shown.append(
                Reason(
                    sign="pos" if points > 0 else "neg" if points < 0 else "",
                    shown_points=(
                        f"+{points}"
                        if points > 0
                        else f"\u2212{abs(points)}"
                        if points < 0
                        else "0"
                    ),
                    text=reason_now(
                        reason.get("text", ""), reason.get("text_when"), reason.get("seen_at"), now
                    ),
                    term=self.terms.get(reason.get("term") or ""),
                )
            )
        return shown

    def order_likelihood(
        self, queryset: QuerySet[Lead], is_descending: bool
    ) -> tuple[QuerySet, bool]:
        return likelihood_order(queryset, descending=is_descending), True

    def render_likelihood(self, value: float | None) -> SafeString:
        return likelihood_cell(value)

    def order_sla(self, queryset: QuerySet[Lead], is_descending: bool) -> tuple[QuerySet, bool]:
        return sla_order(queryset, descending=is_descending), True

    def render_sla(self, record: Lead) -> SafeString:
        """The clock's words; its business-time meaning in the hover (``title``) for a mouse,
        and as a tooltip that a keyboard focus opens and a screen reader reads in place."""
        clock = self.clock(record)
        return format_html(
            '<span class="sla sla-{}" tabindex="0" title="{}">{}'
            '<span class="sla-tip" role="tooltip">{}</span></span>',
            clock.css,
            clock.hover,
            clock.text,
            clock.hover,
        )

    def render_total_score(self, record: Lead) -> SafeString:
        """The score, and under it what it ranks as now: halved every half-life since the
        lead's freshest strong signal (``core.scoring.priority``), why it sits where it does."""
        ranks = fresh_score_of(record.priority, self.now)
        if ranks is None:
            return format_html("{}", record.total_score)
        since = fresh_since(record.priority, record.total_score)
        when = _local(since).strftime("%d %b %H:%M") if since else "its qualification"
        return format_html(
            '{}<span class="sub ranks" title="{}">ranks as {}</span>',
            record.total_score,
            f"{record.total_score} points, halved every {FRESHNESS_HALF_LIFE_DAYS:g} days since "
            f"its freshest strong signal ({when}): it ranks as {ranks:.0f} now.",
            f"{ranks:.0f}",
        )

    def render_last_signal_at(self, value: datetime | None) -> SafeString:
        if value is None:
            return format_html('<span class="muted">{}</span>', "—")
        local = _local(value)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            value.isoformat(),
            local.strftime("%A %d %B %Y, %H:%M %Z"),
            local.strftime("%d %b %H:%M"),
        )
