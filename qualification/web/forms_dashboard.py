"""The dashboard's GET form: a period of local dates and an optional team or rep.

Unknown ids and malformed dates are form errors naming the field (shown inline), never a
500: the URL is shareable, so a stale bookmark must still render a page that says what is
wrong.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from django import forms
from django.contrib.auth import get_user_model

from qualification.models import SDRTeam, user_display_name
from qualification.selectors.dashboard.period import MAX_DAYS, DashboardFilters, default_period


class DashboardForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(
        queryset=SDRTeam.objects.none(), required=False, empty_label="All teams"
    )
    rep = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="All reps"
    )

    def __init__(self, *args, reps: list, teams: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices from lists the view read once; the queryset only validates a submitted id.
        self.fields["rep"].queryset = get_user_model().objects.filter(pk__in=[r.pk for r in reps])
        self.fields["rep"].choices = [("", "All reps")] + [
            (r.pk, user_display_name(r)) for r in reps
        ]
        self.fields["team"].queryset = SDRTeam.objects.filter(pk__in=[t.pk for t in teams])
        self.fields["team"].choices = [("", "All teams")] + [(t.pk, t.name) for t in teams]
        self.fields["rep"].error_messages["invalid_choice"] = (
            "That rep is not one of the people who work leads; pick one from the list."
        )
        self.fields["team"].error_messages["invalid_choice"] = (
            "That SDR team does not exist; pick one from the list."
        )
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = "Enter a date as YYYY-MM-DD."

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date is before the start date.")
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", f"Choose a period of at most {MAX_DAYS} days.")
        if data.get("team") and data.get("rep"):
            self.add_error("rep", "Choose a team or a rep, not both.")
        return data

    def filters(self, *, now: datetime, tz: tzinfo) -> DashboardFilters:
        """The filters to show: the valid fields, defaults for the rest (the 4 weeks to today).

        Called on an invalid form too, so the page still shows figures (for the default
        period) beside the error instead of a blank page.
        """
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        errors = self.errors if self.is_bound else {}
        default_start, default_end = default_period(now, tz)
        start = data.get("start") if "start" not in errors else None
        end = data.get("end") if "end" not in errors else None
        if "end" in errors or "start" in errors:
            start, end = default_start, default_end
        if start is None:
            start = default_start if end is None else end - (default_end - default_start)
        end = end or default_end
        if end < start:
            end = start
        team = data.get("team") if "team" not in errors else None
        rep = data.get("rep") if "rep" not in errors and "team" not in errors else None
        if rep is not None:
            return DashboardFilters(start, end, tz, frozenset({rep.pk}), user_display_name(rep))
        if team is not None:
            members = frozenset(team.members.values_list("pk", flat=True))
            return DashboardFilters(start, end, tz, members, f"Team {team.name}")
        return DashboardFilters(start, end, tz)
