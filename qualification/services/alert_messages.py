"""The words of an SLA alert: the in-app line, the email and the team webhook post.

One module so the bell, the inbox and the email say the same thing. The stored in-app text
holds no clock time, because it is read later by people in different time zones: the inbox
shows the deadline next to it in the reader's zone. Emails and webhook posts are read once,
so they carry the deadline in the recipient's zone (the user's profile, the team's zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.urls import reverse

from qualification.models import AlertKind

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class AlertFacts:
    """What every message about one alert says."""

    kind: str
    lead_id: int
    lead_name: str
    account_name: str
    tier_label: str
    due_at: datetime
    escalated: bool
    returned_to_pool: bool
    owner_name: str = ""

    @property
    def who(self) -> str:
        return f"{self.lead_name} ({self.account_name})" if self.account_name else self.lead_name


def lead_name(first_name: str, last_name: str, email: str, user_id: str) -> str:
    """The lead's name as ``Lead.display_name`` gives it, from plain values."""
    return f"{first_name} {last_name}".strip() or email or user_id


def notification_text(facts: AlertFacts) -> str:
    """The in-app line, shown after its kind's badge ("Overdue", "Due soon").

    No clock time: the inbox shows the deadline next to it in the reader's zone.
    """
    tier = facts.tier_label.lower()
    if facts.kind == AlertKind.BREACH:
        text = f"{facts.who}, {tier}, had no first touch by its deadline."
    else:
        text = f"{facts.who}, {tier}, needs a first touch soon: most of its time is used."
    if facts.returned_to_pool:
        text += " It was returned to the unassigned pool."
    elif facts.escalated:
        text += " Nobody owns it yet."
    return text[:300]


def local_time(moment: datetime, zone_name: str) -> str:
    """ "Thu 3 Dec 10:00 (Europe/Berlin)", independent of the server's locale."""
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone, zone_name = ZoneInfo("UTC"), "UTC"
    local = moment.astimezone(zone)
    day = f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"
    return f"{day} {local.hour:02d}:{local.minute:02d} ({zone_name or 'UTC'})"


def lead_url(lead_id: int) -> str:
    """The absolute link to the lead page (``LEADHUB_ALERT_BASE_URL``)."""
    return settings.LEADHUB_ALERT_BASE_URL + reverse("lead-detail", args=[lead_id])


def email_subject(facts: AlertFacts) -> str:
    prefix = "SLA breached" if facts.kind == AlertKind.BREACH else "SLA warning"
    return f"{prefix}: {facts.who}"


def email_body(facts: AlertFacts, *, zone_name: str) -> str:
    """A plain-text email: what happened, by when, what to do, where."""
    due = local_time(facts.due_at, zone_name)
    if facts.kind == AlertKind.BREACH:
        lines = [f"{facts.who} ({facts.tier_label.lower()}) had no first touch by {due}."]
    else:
        lines = [
            f"{facts.who} ({facts.tier_label.lower()}) needs a first touch by {due}: "
            "most of its response time is used."
        ]
    if facts.returned_to_pool:
        who = f" from {facts.owner_name}" if facts.owner_name else ""
        lines.append(f"It was taken back{who} and returned to the unassigned pool.")
    elif facts.escalated:
        lines.append("Nobody owns it yet: assign it or claim it.")
    elif facts.owner_name:
        lines.append(f"Owner: {facts.owner_name}.")
    lines += ["", f"Open the lead: {lead_url(facts.lead_id)}", "", "— LeadHub SLA alerts"]
    return "\n".join(lines)


def webhook_text(facts: AlertFacts, *, zone_name: str) -> str:
    """A Slack-compatible ``text`` (mrkdwn link syntax ``<url|label>``)."""
    due = local_time(facts.due_at, zone_name)
    icon = ":rotating_light:" if facts.kind == AlertKind.BREACH else ":hourglass_flowing_sand:"
    if facts.kind == AlertKind.BREACH:
        what = f"*Overdue*: {facts.who}, {facts.tier_label.lower()}, no first touch by {due}."
    else:
        what = f"*Due soon*: {facts.who}, {facts.tier_label.lower()}, first touch due {due}."
    if facts.returned_to_pool:
        what += " Returned to the unassigned pool."
    elif facts.escalated:
        what += " Nobody owns it yet."
    elif facts.owner_name:
        what += f" Owner: {facts.owner_name}."
    return f"{icon} {what} <{lead_url(facts.lead_id)}|Open the lead>"
