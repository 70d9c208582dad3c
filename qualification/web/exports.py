"""The queue as CSV: what the filters show, in the page's order, capped and said so.

One definition of each cell: the same clock words, likelihood and "ranks as" the table
shows, and times in the viewer's zone. Spreadsheet formulas are defused: a cell that
starts with ``= + - @`` (or a tab or carriage return) gets a leading apostrophe, so a
lead named ``=HYPERLINK(...)`` arrives in Excel as text, not as a formula (OWASP's CSV
injection advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from qualification.core.scoring.priority import fresh_score_of
from qualification.core.wording import reason_now
from qualification.models import Lead, user_display_name
from qualification.selectors.learning_live import likelihood_shown
from qualification.selectors.sla import PolicyMap
from qualification.web.tables.queue import lead_clock_text

EXPORT_CAP = 5000
HEADER = [
    "Name", "Email", "Title", "Account", "Country", "Industry", "Employees", "Queue",
    "PQL kind", "Tier", "Score", "Ranks as now", "Likelihood", "Top reason", "SLA", "Owner",
    "Qualified at", "Last signal", "Lead page",
]  # fmt: skip
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as safe CSV text (formulas defused, ``None`` empty)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z") if value else ""


def _top_reason(lead: Lead, now: datetime) -> str:
    """The strongest reason, its "when" said as of ``now`` as the queue says it."""
    for reason in lead.reasons or []:
        if isinstance(reason, dict) and reason.get("text"):
            return reason_now(
                str(reason["text"]), reason.get("text_when"), reason.get("seen_at"), now
            )
    return ""


def queue_csv(leads: Iterable[Lead], *, policies: PolicyMap, now: datetime, lead_url: str) -> str:
    """The CSV text of ``leads`` (already capped by the caller); ``lead_url`` has a ``{}``
    for the lead's id."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    local_now = timezone.localtime(now)  # "today" is the viewer's today
    for lead in leads:
        account = lead.account
        ranks = fresh_score_of(lead.priority, now)
        row = [
            lead.display_name,
            lead.email,
            lead.title,
            account.name if account else "",
            account.country if account else "",
            account.industry if account else "",
            account.employee_count if account and account.employee_count else "",
            lead.queue.upper(),
            lead.get_pql_kind_display() if lead.pql_kind else "",
            lead.get_tier_display(),
            lead.total_score,
            f"{ranks:.0f}" if ranks is not None else "",
            likelihood_shown(lead.likelihood) if lead.likelihood is not None else "",
            _top_reason(lead, local_now),
            lead_clock_text(lead, policies=policies, now=now).text,
            user_display_name(lead.owner) if lead.owner else "",
            _when(lead.qualified_at),
            _when(lead.last_signal_at),
            lead_url.format(lead.pk),
        ]
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
