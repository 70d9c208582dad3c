"""SDR-facing forms: what a person types on the lead page, checked before a service runs.

Forms only parse and give inline errors; the services hold the rules (a form-valid entry
can still be refused by the service, whose ValidationError is put back on the form).
Each form carries the lead's ``updated_at`` as the SDR saw it, so a change made meanwhile
is caught instead of overwritten.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from qualification.models.choices import (
    LOSS_REASONS,
    REJECTION_REASONS,
    FeedbackOutcome,
    FeedbackReason,
)


def _reason_choices() -> list[tuple[str, str]]:
    return [("", "Choose a reason…"), *FeedbackReason.choices]


class LeadVersionForm(forms.Form):
    """Base: the version of the lead the SDR's page showed."""

    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def apply_service_error(self, error: ValidationError) -> bool:
        """Put a service's errors on the fields they name; False when none is a field here.

        A refusal that names no field of this form (a second first touch, "already
        recycled") is better told as a message than as an error on a form not shown.
        """
        if not hasattr(error, "error_dict"):
            return False
        fields = {name for name in self.fields if name != "updated_at"}
        named = {f: m for f, m in error.message_dict.items() if f in fields}
        for field, messages in named.items():
            for message in messages:
                self.add_error(field, message)
        return bool(named)


class FirstTouchForm(LeadVersionForm):
    """Only the version: the SDR confirms they reached out."""


class FeedbackForm(LeadVersionForm):
    outcome = forms.ChoiceField(
        choices=[("", "Choose an outcome…"), *FeedbackOutcome.choices],
        label="Outcome",
        # The "f" shortcut (static/js/shortcuts.js) lands here.
        widget=forms.Select(attrs={"data-shortcut": "f", "aria-keyshortcuts": "f"}),
    )
    reason = forms.ChoiceField(choices=_reason_choices, required=False, label="Reason")
    note = forms.CharField(
        required=False,
        label="Note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What did you learn?"}),
    )

    def clean(self) -> dict:
        """The same rule Feedback.clean enforces, shown inline on the reason field."""
        data = super().clean()
        outcome, reason = data.get("outcome"), data.get("reason", "")
        if outcome == FeedbackOutcome.REJECTED:
            if not reason:
                self.add_error("reason", "Say why the lead was rejected.")
            elif reason not in REJECTION_REASONS:
                self.add_error("reason", "That is not a reason for rejecting a lead.")
        elif outcome == FeedbackOutcome.LOST:
            if not reason:
                self.add_error("reason", "Say why the deal was lost.")
            elif reason not in LOSS_REASONS:
                self.add_error("reason", "That is not a reason for losing a deal.")
        return data


class StageExitForm(LeadVersionForm):
    """Recycle or disqualify: both need a reason the next person can read."""

    reason = forms.CharField(
        label="Reason",
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Budget frozen until Q3"}),
        error_messages={"required": "Say why, so the next person knows."},
    )
