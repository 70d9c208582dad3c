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
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from qualification.core.sla import sla_state
from qualification.core.vocabulary import tier_name
from qualification.models import Lead, user_display_name
from qualification.roles import Perm
from qualification.selectors.queues import PolicyMap, TermInfo
from qualification.web.tables.base import BaseTable, CellColumn

MAX_REASONS = 3
PAGE_SIZES = (25, 50, 100)


def business_duration(minutes: int) -> str:
    """45 → "45m", 125 → "2h 05m": business minutes, short enough for a dense column."""
    minutes = abs(minutes)
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h {minutes % 60:02d}m"


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
    person = tables.Column(
        verbose_name="Person", empty_values=(), order_by=("last_name", "first_name")
    )
    account = tables.Column(verbose_name="Account", empty_values=(), order_by=("account__name",))
    queue = tables.Column(verbose_name="Queue", attrs={"td": {"class": "nowrap"}})
    tier = tables.Column(
        verbose_name="Tier", order_by=("tier", "total_score"), attrs={"td": {"class": "nowrap"}}
    )
    total_score = tables.Column(
        verbose_name="Score", attrs={"th": {"class": "num"}, "td": {"class": "num score"}}
    )
    reasons = CellColumn(
        "qualification/queues/cells/reasons.html",
        cell_context=_reasons_context,
        verbose_name="Why now",
        orderable=False,
        attrs={"td": {"class": "why"}},
    )
    sla = tables.Column(
        verbose_name="SLA",
        empty_values=(),
        order_by=("qualified_at",),
        attrs={"td": {"class": "nowrap"}},
    )
    owner = CellColumn(
        "qualification/queues/cells/owner.html",
        verbose_name="Owner",
        order_by=("owner__first_name", "owner__username"),
        attrs={"td": {"class": "owner-cell"}},
    )
    last_signal_at = tables.Column(
        verbose_name="Last signal", empty_values=(), attrs={"td": {"class": "nowrap muted"}}
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
        self.can_work = self.user.has_perm(Perm.WORK_QUEUE)
        self.can_assign = self.user.has_perm(Perm.ASSIGN_LEAD)
        # (id, name) of the people a manager may assign to, named once for every row's control.
        self.assignees = [(user.pk, user_display_name(user)) for user in workers or []]

    def paginate(
        self, paginator_class: type[Paginator] = Paginator, per_page: int | None = None, **kwargs
    ) -> QueueTable:
        """Pages of one of the offered sizes; any other ``per_page`` gets the first."""
        per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
        return super().paginate(paginator_class, per_page, **kwargs)

    def render_person(self, record: Lead) -> SafeString:
        return format_html(
            '<a class="strong" href="{}">{}</a><span class="sub">{}</span>',
            reverse("lead-detail", args=[record.pk]),
            record.display_name,
            record.title or record.email,
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
        """The strongest few stored reasons, with the glossary terms the page read for them."""
        items = [r for r in (record.reasons or []) if isinstance(r, dict)][:MAX_REASONS]
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
                    text=reason.get("text", ""),
                    term=self.terms.get(reason.get("term") or ""),
                )
            )
        return shown

    def render_sla(self, record: Lead) -> SafeString:
        spec = self.policies.get((record.queue, record.tier))
        clock = sla_state(record.qualified_at, record.first_touched_at, spec, self.now)
        if clock.state == "none":
            return format_html('<span class="sla sla-none">{}</span>', "No SLA")
        due = _local(clock.due_at).strftime("%a %d %b %H:%M")
        if record.first_touched_at is not None:
            text = "Touched" if clock.state == "met" else "Touched late"
            css = "met" if clock.state == "met" else "late"
        elif clock.state == "breached":
            text, css = f"Overdue {business_duration(clock.minutes_left or 0)}", "breached"
        else:
            text, css = f"Due in {business_duration(clock.minutes_left or 0)}", clock.state
        return format_html(
            '<span class="sla sla-{}" title="Due {} (business hours)">{}</span>', css, due, text
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
