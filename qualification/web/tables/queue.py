"""The queue table (display only): each row says who, why, how urgent and whose.

Everything a cell needs beyond the lead, its account and owner (SLA policies, glossary terms,
the people a manager may assign to) is handed in once per page, so no cell runs a query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from qualification.core.sla import sla_state
from qualification.core.vocabulary import tier_name
from qualification.models import Lead, user_display_name
from qualification.roles import Perm
from qualification.selectors.queues import PolicyMap, TermInfo

MAX_REASONS = 3


def lead_url(lead_id: int) -> str:
    """The lead page (built by another part of the app); a plain path until it is routed."""
    try:
        return reverse("lead-detail", args=[lead_id])
    except NoReverseMatch:
        return f"/leads/{lead_id}/"


def business_duration(minutes: int) -> str:
    """45 → "45m", 125 → "2h 05m": business minutes, short enough for a dense column."""
    minutes = abs(minutes)
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h {minutes % 60:02d}m"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value)


class QueueTable(tables.Table):
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
    reasons = tables.Column(
        verbose_name="Why now", empty_values=(), orderable=False, attrs={"td": {"class": "why"}}
    )
    sla = tables.Column(
        verbose_name="SLA",
        empty_values=(),
        order_by=("qualified_at",),
        attrs={"td": {"class": "nowrap"}},
    )
    owner = tables.Column(
        verbose_name="Owner",
        empty_values=(),
        order_by=("owner__first_name", "owner__username"),
        attrs={"td": {"class": "owner-cell"}},
    )
    last_signal_at = tables.Column(
        verbose_name="Last signal", empty_values=(), attrs={"td": {"class": "nowrap muted"}}
    )

    class Meta:
        attrs = {"class": "data-table queue-table"}
        row_attrs = {"id": lambda record: f"lead-{record.pk}"}
        empty_text = "No leads match these filters."
        order_by_field = "sort"

    def __init__(
        self,
        data: Any,
        *,
        request,
        policies: PolicyMap,
        terms: dict[str, TermInfo],
        now: datetime,
        workers: list | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.request = request
        self.user = request.user
        self.policies = policies
        self.terms = terms
        self.now = now
        self.can_work = self.user.has_perm(Perm.WORK_QUEUE)
        self.can_assign = self.user.has_perm(Perm.ASSIGN_LEAD)
        self.workers = workers or []

    def render_person(self, record: Lead) -> SafeString:
        return format_html(
            '<a class="strong" href="{}">{}</a><span class="sub">{}</span>',
            lead_url(record.pk),
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

    def render_reasons(self, record: Lead) -> SafeString:
        items = [r for r in (record.reasons or []) if isinstance(r, dict)][:MAX_REASONS]
        if not items:
            return format_html('<span class="muted">{}</span>', "No reasons recorded")
        return format_html('<ul class="reasons">{}</ul>', format_html_join("", "{}", (
            (self._reason(r),) for r in items
        )))  # fmt: skip

    def _reason(self, reason: dict) -> SafeString:
        points = reason.get("points") or 0
        sign = "pos" if points > 0 else "neg" if points < 0 else ""
        shown = f"+{points}" if points > 0 else f"\u2212{abs(points)}" if points < 0 else "0"
        term = self.terms.get(reason.get("term") or "")
        gloss = mark_safe("")
        if term is not None:
            gloss = format_html(
                ' <a class="gloss" href="{}"><abbr title="{}">{}</abbr>'
                '<span class="gloss-tip" role="tooltip">{}</span></a>',
                reverse("glossary-detail", kwargs={"slug": term.slug}),
                term.definition,
                term.short,
                term.definition,
            )
        return format_html(
            '<li><span class="rp {}">{}</span><span class="rt">{}{}</span></li>',
            sign,
            shown,
            reason.get("text", ""),
            gloss,
        )

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

    def render_owner(self, record: Lead) -> SafeString:
        parts: list[SafeString] = []
        if record.owner_id is None:
            parts.append(format_html('<span class="muted">{}</span>', "Unassigned"))
            if self.can_work:
                parts.append(self._claim_form(record))
        elif record.owner_id == self.user.pk:
            parts.append(format_html('<span class="owner owner-me">{}</span>', "You"))
        else:
            parts.append(
                format_html('<span class="owner">{}</span>', user_display_name(record.owner))
            )
        if self.can_assign and self.workers:
            parts.append(self._assign_form(record))
        return format_html('<div class="owner-box">{}</div>', mark_safe("".join(parts)))

    def _hidden(self) -> SafeString:
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}">',
            get_token(self.request),
            self.request.get_full_path(),
        )

    def _claim_form(self, record: Lead) -> SafeString:
        url = reverse("queue-claim", args=[record.pk])
        return format_html(
            '<form method="post" action="{}" hx-post="{}" hx-target="#lead-{}" '
            'hx-swap="outerHTML" class="inline-form">{}'
            '<button type="submit" class="btn btn-sm btn-primary" '
            'aria-label="Claim {}">Claim</button></form>',
            url,
            url,
            record.pk,
            self._hidden(),
            record.display_name,
        )

    def _assign_form(self, record: Lead) -> SafeString:
        url = reverse("queue-assign", args=[record.pk])
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    u.pk,
                    mark_safe(" selected") if u.pk == record.owner_id else "",
                    user_display_name(u),
                )
                for u in self.workers
            ),
        )
        return format_html(
            '<details class="assign"><summary>Assign…</summary>'
            '<form method="post" action="{}" hx-post="{}" hx-target="#lead-{}" '
            'hx-swap="outerHTML" class="assign-form">{}'
            '<input type="hidden" name="expected_owner" value="{}">'
            '<label class="visually-hidden" for="assign-{}">Assign {} to</label>'
            '<select id="assign-{}" name="assignee"><option value="">Nobody</option>{}</select>'
            '<button type="submit" class="btn btn-sm">Assign</button></form></details>',
            url,
            url,
            record.pk,
            self._hidden(),
            record.owner_id or "",
            record.pk,
            record.display_name,
            record.pk,
            options,
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
