"""Writes to the SLA rules: policies, business calendars, holidays (and .ics imports).

Every open SLA clock is stored on its lead (``services.sla_clocks``), so a rule change is
not finished when the row is saved: the clocks must follow. Each write here therefore
ends in ``sla_rules_changed``, which bumps the calendar's ``updated_at`` for holiday
changes (the alert scan's staleness check reads it, so a refresh lost to a broker outage
is late, never lost) and asks Celery, on commit, to recompute every open clock. Done here
and called explicitly by the admin and the command, not in signals, so it is visible
where it happens and skipped when nothing a clock reads changed (a renamed holiday).

Each write checks the user's model permission (Ops hold them; ``qualification.roles``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qualification.core.sla.ics import parse_holidays
from qualification.models import BusinessCalendar, Holiday, SLAPolicy
from qualification.services.sla_clocks import sla_clocks_request_refresh

# What ops read once a change will move the clocks (the admin's success message).
REFRESH_MESSAGE = "Open SLA clocks are being recomputed with the new rules."
MAX_IMPORT_YEARS = 20

SLARule = SLAPolicy | BusinessCalendar

# The fields a stored clock is computed from; a change to any other field (a calendar's
# name, a policy's return-on-breach) leaves every clock as it is.
_CLOCK_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    SLAPolicy: (
        "queue",
        "tier",
        "calendar_id",
        "response_minutes",
        "warning_percent",
        "clock_starts",
    ),
    BusinessCalendar: ("timezone", "workdays", "day_start", "day_end"),
}


def _require(user: Any, action: str, model: type[models.Model]) -> None:
    perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(f"You may not {action} {model._meta.verbose_name_plural}.")


def sla_rules_changed(*, calendar_id: int | None = None) -> None:
    """The rules changed: mark the calendar changed (holidays) and refresh the open clocks.

    A holiday has no ``updated_at`` the staleness check could compare, so its calendar's
    is bumped with ``update()`` (no history row for a change the user did not make).
    """
    if calendar_id is not None:
        BusinessCalendar.objects.filter(pk=calendar_id).update(updated_at=timezone.now())
    sla_clocks_request_refresh()


def _clock_inputs_changed(rule: SLARule) -> bool:
    """Whether saving ``rule`` changes what any clock is computed from."""
    if rule._state.adding or rule.pk is None:
        # A new policy gives its queue and tier a clock; a new calendar has no policy yet.
        return isinstance(rule, SLAPolicy)
    fields = _CLOCK_FIELDS[type(rule)]
    stored = type(rule).objects.filter(pk=rule.pk).values(*fields).first()
    if stored is None:
        return True
    return any(stored[name] != getattr(rule, name) for name in fields)


def sla_rule_save(*, rule: SLARule, user: Any) -> bool:
    """Save a policy or a calendar; returns whether the open clocks are being recomputed."""
    _require(user, "add" if rule._state.adding else "change", type(rule))
    with transaction.atomic():
        moved = _clock_inputs_changed(rule)
        rule._history_user = user
        rule.save()
        if moved:
            sla_rules_changed()
    return moved


def sla_rules_delete(*, rules: Iterable[SLARule], user: Any) -> bool:
    """Delete policies or calendars; returns whether the open clocks are being recomputed.

    A calendar still used by a policy cannot be deleted (``PROTECT``), so only deleting a
    policy can move a clock: its leads lose their deadline.
    """
    rules = list(rules)
    if not rules:
        return False
    for model in {type(rule) for rule in rules}:
        _require(user, "delete", model)
    with transaction.atomic():
        calendars = {rule.calendar_id for rule in rules if isinstance(rule, SLAPolicy)}
        for rule in rules:
            rule._history_user = user
            rule.delete()
        moved = bool(calendars)
        if moved:
            # A deleted policy leaves no ``updated_at`` behind for ``sla_clocks_stale``: its
            # calendar carries the change, so a refresh lost to a broker outage stays owed.
            BusinessCalendar.objects.filter(pk__in=calendars).update(updated_at=timezone.now())
            sla_rules_changed()
    return moved


def holidays_save(
    *, calendar_id: int, saved: Sequence[Holiday], deleted: Sequence[Holiday], user: Any
) -> bool:
    """Save and delete holidays of one calendar; returns whether clocks are being recomputed.

    Only a day that appears, disappears or moves changes a clock; a renamed holiday does not.
    """
    if any(h.pk is None for h in saved):
        _require(user, "add", Holiday)
    if any(h.pk is not None for h in saved):
        _require(user, "change", Holiday)
    if deleted:
        _require(user, "delete", Holiday)
    if any(h.calendar_id != calendar_id for h in (*saved, *deleted)):
        raise ValueError("Every holiday saved here must belong to the calendar given.")
    with transaction.atomic():
        old_days = dict(
            Holiday.objects.filter(pk__in=[h.pk for h in saved if h.pk]).values_list("pk", "day")
        )
        moved = bool(deleted) or any(h.pk is None or old_days.get(h.pk) != h.day for h in saved)
        for holiday in saved:
            holiday._history_user = user
            holiday.save()
        for holiday in deleted:
            holiday._history_user = user
            holiday.delete()
        if moved:
            sla_rules_changed(calendar_id=calendar_id)
    return moved


@dataclass(frozen=True)
class ImportReport:
    """What an .ics import did: days added, days the calendar already had."""

    calendar_name: str
    added: int
    already_there: int
    first_day: date | None
    last_day: date | None

    @property
    def refresh_requested(self) -> bool:
        return self.added > 0

    def summary(self) -> str:
        noun = "holiday" if self.added == 1 else "holidays"
        text = f"Added {self.added} {noun}, {self.already_there} already there"
        if self.first_day and self.last_day:
            text += f" ({self.first_day:%d %b %Y} to {self.last_day:%d %b %Y})"
        return text + "."


def holidays_import(
    *,
    calendar_id: int,
    text: str | bytes,
    user: Any,
    years: int = 5,
    from_year: int | None = None,
) -> ImportReport:
    """Add the holidays of an iCalendar file to a calendar; days it has already are kept.

    The whole file is parsed before anything is written, so a malformed file (``IcsError``
    naming its line, from the pure parser) adds nothing. Yearly repeating holidays are
    expanded for ``years`` years from ``from_year`` (default: this year in the calendar's
    zone), so an old exported calendar still yields the coming years. The calendar row is
    locked while adding, so two imports at once cannot insert one day twice.
    """
    _require(user, "add", Holiday)
    if not 1 <= years <= MAX_IMPORT_YEARS:
        raise ValueError(f"years must be between 1 and {MAX_IMPORT_YEARS}, not {years}")
    with transaction.atomic():
        calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar_id)
        if from_year is None:
            from_year = timezone.now().astimezone(ZoneInfo(calendar.timezone)).year
        entries = parse_holidays(text, years=years, from_year=from_year)
        existing = set(calendar.holidays.values_list("day", flat=True))
        new = [
            Holiday(calendar=calendar, day=entry.day, name=entry.name[:200])
            for entry in entries
            if entry.day not in existing
        ]
        if new:
            bulk_create_with_history(new, Holiday, default_user=user)
            sla_rules_changed(calendar_id=calendar.pk)
    return ImportReport(
        calendar_name=calendar.name,
        added=len(new),
        already_there=len(entries) - len(new),
        first_day=new[0].day if new else None,
        last_day=new[-1].day if new else None,
    )
