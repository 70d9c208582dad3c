"""Admin forms: every mistake comes back as an inline error next to its field, never a 500.

Model ``clean()`` methods raise ``ValidationError`` dicts keyed by field; Django's ModelForm
puts those next to the field, but crashes (ValueError) when a key names a field the form
does not show (list editing, inlines), and repeats a complaint about a field whose input
was already refused. ``LeadHubModelForm`` handles both, and gives blank JSON inputs their
model default instead of saving NULL into a NOT NULL column.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.text import capfirst

from qualification.core.domains import DomainError, normalize_domain
from qualification.core.scoring.validation import REASON_PLACEHOLDERS
from qualification.core.vocabulary import ACCOUNT_ATTRIBUTES
from qualification.models import Account, Criterion, IngestKey, Lead, QualificationPolicy
from qualification.models.criteria import DEFINITION_FIELDS

# What each reason placeholder becomes; the list itself comes from the scoring validation so
# a placeholder the engine learns appears here without a change.
PLACEHOLDER_MEANINGS: dict[str, str] = {
    "count": "number of matching events",
    "times": '"once", "twice", "4 times"',
    "days": "distinct active days",
    "window": '"in the last 7 days" or "so far"',
    "window_days": "the window in days",
    "last_seen": '"2 days ago"',
    "value": "the attribute's value",
    "event": "the event name",
    "account": "the account's name",
    "employees": "the account's employee count",
    "industry": "the account's industry",
    "country": "the account's country",
    "users": "account-level: how many users met it",
}


def reason_placeholder_help() -> str:
    """One line per placeholder a reason template may use, for the Criterion form."""
    parts = [
        f"{{{name}}}" + (f" ({PLACEHOLDER_MEANINGS[name]})" if name in PLACEHOLDER_MEANINGS else "")
        for name in sorted(REASON_PLACEHOLDERS)
    ]
    return (
        "Write the sentence a salesperson can say aloud; placeholders are filled with the "
        "evidence. Available: " + ", ".join(parts) + '. Example: "Viewed the pricing page '
        '{times} {window}".'
    )


class NullableJSONField(forms.JSONField):
    """A JSON input that shows an empty box, not ``null``, when there is no value yet."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


def name_split_inputs(field: forms.Field) -> None:
    """Name a date-and-time field's two inputs ("Expires at: date", "Expires at: time").

    The admin's split widget shows "Date:" and "Time:" as plain text beside them, and the
    field's label points at no input (Django gives a MultiWidget's label no ``for``), so axe
    finds two unlabelled inputs (rule ``label``, critical). The widgets are the form's own
    copies, so this names them for this form only.
    """
    if not isinstance(field.widget, forms.SplitDateTimeWidget):
        return
    label = capfirst(str(field.label or ""))
    for widget, part in zip(field.widget.widgets, ("date", "time"), strict=True):
        widget.attrs.setdefault("aria-label", f"{label}: {part}" if label else part.title())


class LeadHubModelForm(forms.ModelForm):
    """Base for every admin form in LeadHub (see the module docstring)."""

    # JSON fields that must hold an object ({...}); lists or numbers there are refused.
    json_object_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            name_split_inputs(field)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, forms.JSONField) or name not in cleaned:
                continue
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if cleaned[name] is None and not model_field.null:
                cleaned[name] = model_field.get_default()
            if name in self.json_object_fields and not isinstance(cleaned[name], dict):
                self.add_error(name, 'Give a JSON object, e.g. {"key": "value"}.')
        return cleaned

    def add_error(self, field: str | None, error: Any) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            remapped: dict[str, list[ValidationError]] = {}
            for name, errors in error.error_dict.items():
                if name == NON_FIELD_ERRORS or name in self.fields:
                    if name != NON_FIELD_ERRORS and name in self._errors:
                        continue  # its input was refused already; the model saw a stale value
                    remapped.setdefault(name, []).extend(errors)
                else:
                    label = capfirst(self._field_label(name))
                    remapped.setdefault(NON_FIELD_ERRORS, []).extend(
                        ValidationError(f"{label}: {message}")
                        for err in errors
                        for message in err.messages
                    )
            if not remapped:
                return
            error = ValidationError(remapped)
        super().add_error(field, error)

    def _field_label(self, name: str) -> str:
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            return name


class AccountAdminForm(LeadHubModelForm):
    json_object_fields = ("traits",)

    class Meta:
        model = Account
        fields = (*ACCOUNT_ATTRIBUTES, "traits")

    def clean_domain(self) -> str:
        """Store the domain by the rule ingestion and CSV use, so events find the account."""
        try:
            return normalize_domain(self.cleaned_data["domain"])
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()


class LeadAdminForm(LeadHubModelForm):
    json_object_fields = ("external_ids", "traits")

    class Meta:
        model = Lead
        fields = (
            "first_name",
            "last_name",
            "email",
            "user_id",
            "title",
            "account",
            "owner",
            "source",
            "external_ids",
            "traits",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        email = (cleaned.get("email") or "").strip()
        user_id = (cleaned.get("user_id") or "").strip()
        if "email" in self.fields and "user_id" in self.fields and not email and not user_id:
            self.add_error("email", "Give an email or the product's user id (or both).")
        others = Lead.objects.exclude(pk=self.instance.pk)
        if email and others.filter(email__iexact=email).exists():
            self.add_error("email", "Another lead already has this email.")
        if user_id and others.filter(user_id=user_id).exists():
            self.add_error("user_id", "Another lead already has this user id.")
        # The claim timestamp is read-only here, so the database constraint tying it to an
        # owner would otherwise only fire on save.
        if "owner" in self.fields and self.instance.claimed_at and not cleaned.get("owner"):
            self.add_error(
                "owner", "This lead has been claimed; assign it to someone rather than no one."
            )
        return cleaned


# What it is and who owns it first, then the definition in the engine's own order.
CRITERION_FORM_FIELDS = (
    "name",
    "key",
    "description",
    "applies_to",
    "glossary_term",
    "owner_team",
    "is_active",
    *DEFINITION_FIELDS,
)


class CriterionAdminForm(LeadHubModelForm):
    class Meta:
        model = Criterion
        fields = CRITERION_FORM_FIELDS
        help_texts = {"reason_template": reason_placeholder_help()}
        field_classes = {"value": NullableJSONField}
        # The sentence must be readable whole while ops edit it.
        widgets = {"reason_template": forms.TextInput(attrs={"size": 90})}


class CriterionListRowForm(CriterionAdminForm):
    """One row of a draft's criteria list (``list_editable``): a bare input in a table cell,
    so each is named for its row, "Points: Demo requested", or a screen reader hears only
    "spin button" down the column."""

    ROW_LABELS = {"points": "Points", "is_active": "Active"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in self.ROW_LABELS.items():
            if name in self.fields:
                self.fields[name].widget.attrs["aria-label"] = f"{label}: {self.instance.name}"


class QualificationPolicyAdminForm(LeadHubModelForm):
    class Meta:
        model = QualificationPolicy
        fields = (
            "outreach_order",
            "mql_threshold",
            "mql_min_fit",
            "pql_usage_threshold",
            "hand_raiser_events",
            "limit_events",
            "purchase_events",
            "account_pql_min_users",
            "account_pql_window_days",
            "tier_hot",
            "tier_warm",
            "tier_cool",
        )


class IngestKeyAdminForm(LeadHubModelForm):
    """Name and source only: the key itself is generated by the service, never typed."""

    class Meta:
        model = IngestKey
        fields = ("name", "source")
