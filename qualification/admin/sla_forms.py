"""Forms and plain-words display for the SLA rules admin (``admin.sla``).

The calendar's workdays are a JSON list in the database; ops tick days instead, and a
calendar whose hours never open (no workday, or an end not after the start) is refused
next to the field. Policy limits are checked by the form with the model's wording, so a
zero or negative allowance reads "Give at least 1 business minute", not a bare number
range. Team pickers offer only the people the role can be: managers and queue workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib.admin.widgets import AdminTimeWidget
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from qualification.admin.forms import LeadHubModelForm
from qualification.core.sla.display import hours_text
from qualification.core.sla.ics import MAX_BYTES
from qualification.models import BusinessCalendar, SDRTeam, SLAPolicy
from qualification.models.sla import WEEKDAYS, default_workdays
from qualification.roles import Perm
from qualification.services.sla_rules import MAX_IMPORT_YEARS

# An en dash joins ranges ("Mon\u2013Fri", "09:00\u201317:00"), as a reader would write them.
DASH = "\u2013"
DAY_LABELS = dict(zip(WEEKDAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))


def workdays_text(days: Sequence[str] | Any) -> str:
    """``["mon".."fri"]`` → "Mon-Fri" (en dash); runs of consecutive days are joined by a dash."""
    if not isinstance(days, list | tuple):
        return "—"
    ordered = [i for i, day in enumerate(WEEKDAYS) if day in days]
    runs: list[list[int]] = []
    for index in ordered:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        first, last = DAY_LABELS[WEEKDAYS[run[0]]], DAY_LABELS[WEEKDAYS[run[-1]]]
        parts.append(first if len(run) == 1 else f"{first}{DASH}{last}")
    return ", ".join(parts) or "no day"


def calendar_hours(calendar: BusinessCalendar) -> str:
    return hours_text(calendar.day_start, calendar.day_end)


def policy_summary(policy: SLAPolicy) -> str:
    """E.g. "60 business min, warn at 75 %, Mon-Fri 09:00-17:00 Europe/Berlin" (en dashes)."""
    calendar = policy.calendar
    return (
        f"{policy.response_minutes} business min, warn at {policy.warning_percent} %, "
        f"{workdays_text(calendar.workdays)} {calendar_hours(calendar)} {calendar.timezone}"
    )


def masked_url(url: str) -> str:
    """A webhook URL is a credential: show where it points and its last 4 characters only."""
    url = (url or "").strip()
    if not url:
        return "—"
    parts = urlsplit(url)
    host = f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else ""
    return f"{host}…{url[-4:]}" if len(url) > len(host) + 4 else f"{host}…"


class BusinessCalendarAdminForm(LeadHubModelForm):
    workdays = forms.MultipleChoiceField(
        choices=list(DAY_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one workday: with none, business hours never open "
            "and the SLA clock would never run."
        },
        help_text="Days the SLA clock runs (within the business hours below).",
        initial=default_workdays,
    )

    class Meta:
        model = BusinessCalendar
        fields = ("name", "timezone", "workdays", "day_start", "day_end")
        labels = {"timezone": "Time zone"}
        help_texts = {"timezone": "IANA name, e.g. Europe/Berlin or America/New_York."}
        # Hours and minutes, as ops write business hours (not "09:00:00").
        widgets = {
            "day_start": AdminTimeWidget(format="%H:%M"),
            "day_end": AdminTimeWidget(format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new calendar's hours are the model's string defaults ("09:00"); the model's
        # clean compares them with the typed-in time when the other one is refused.
        for name in ("day_start", "day_end"):
            value = getattr(self.instance, name)
            if isinstance(value, str):
                setattr(self.instance, name, time.fromisoformat(value))

    def clean_workdays(self) -> list[str]:
        chosen = set(self.cleaned_data["workdays"])
        return [day for day in WEEKDAYS if day in chosen]


# Django formats these messages with %-placeholders, hence "%%" for a literal percent sign.
_WARNING_RANGE = "The warning must come before the deadline: give 1 to 99 %% of the allowance."


class SLAPolicyAdminForm(LeadHubModelForm):
    response_minutes = forms.IntegerField(
        min_value=1,
        error_messages={"min_value": "Give at least 1 business minute."},
        help_text="Business minutes (in the calendar's hours) to first touch.",
    )
    warning_percent = forms.IntegerField(
        min_value=1,
        max_value=99,
        initial=75,
        error_messages={
            "min_value": _WARNING_RANGE,
            "max_value": _WARNING_RANGE,
        },
        help_text="Warn once this share of the allowance is used (1 to 99 %).",
    )

    class Meta:
        model = SLAPolicy
        fields = (
            "queue",
            "tier",
            "calendar",
            "response_minutes",
            "warning_percent",
            "clock_starts",
            "return_on_breach",
        )


def users_with_perm(perm: Perm) -> QuerySet:
    """Active users holding ``perm`` through a group, directly, or as superusers."""
    app_label, codename = perm.value.split(".", 1)
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True) | Q(groups__permissions__in=found) | Q(user_permissions__in=found)
        )
        .distinct()
        .order_by("username")
    )


class SDRTeamAdminForm(LeadHubModelForm):
    # Declared so a URL typed without a scheme reads as https (the only scheme accepted
    # outside debug), not Django 5's http default.
    webhook_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label="Webhook URL"
    )

    class Meta:
        model = SDRTeam
        fields = ("name", "manager", "members", "timezone", "webhook_url")
        help_texts = {
            "manager": "Managers (and ops) who see the manager dashboard.",
            "members": "People who work the queues (SDRs and managers).",
            "webhook_url": "Optional Slack-compatible incoming webhook for this team's SLA "
            "alerts. It is a secret: lists and read-only pages show only its end.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "manager" in self.fields:
            self.fields["manager"].queryset = users_with_perm(Perm.VIEW_MANAGER_DASHBOARD)
        if "members" in self.fields:
            self.fields["members"].queryset = users_with_perm(Perm.WORK_QUEUE)


class HolidayImportForm(forms.Form):
    file = forms.FileField(
        label="Calendar file (.ics)",
        help_text="An iCalendar export of public holidays, UTF-8, at most 1 MB.",
    )
    years = forms.IntegerField(
        min_value=1,
        max_value=MAX_IMPORT_YEARS,
        initial=5,
        label="Years of repeating holidays",
        help_text="Holidays that repeat every year are added for this many years from this year.",
    )

    def clean_file(self) -> str:
        """The file's text; too big or not UTF-8 is an error here, before any parsing."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than 1 MB; a holiday calendar is much smaller. "
                "Nothing was imported."
            )
        data = upload.read(MAX_BYTES + 1)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text; is it an .ics calendar? Nothing was imported."
            ) from None
