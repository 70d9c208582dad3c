"""What the API shows and accepts. Reads are flat and stable; the write validates input
shape only, the service (``feedback_record``) owns the rules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qualification.core.sla.stored import stored_state
from qualification.core.vocabulary import SDR_WORKABLE_STAGES
from qualification.core.wording import reason_now
from qualification.models import Account, Criterion, Feedback, GlossaryTerm, Lead, user_display_name
from qualification.models.choices import FeedbackOutcome, FeedbackReason, Tier
from qualification.services.criteria import EXPORT_FIELDS


class ReadModelSerializer(serializers.ModelSerializer):
    """A read-only ModelSerializer whose blank-able choice fields say that "" is a value.

    DRF drops ``allow_blank`` from the fields in ``read_only_fields``, so the schema's enum
    for a field such as ``pql_kind`` or ``operator`` left out the "" that most leads and
    criteria hold, and a client validating against the schema refused real responses.
    """

    def include_extra_kwargs(self, kwargs: dict[str, Any], extra_kwargs: dict[str, Any]):
        blank = kwargs.get("allow_blank", False) and "choices" in kwargs
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank:
            kwargs["allow_blank"] = True
        return kwargs


class AccountSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ["id", "name", "domain", "industry", "employee_count", "country", "plan"]


class UserSummarySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name"]

    def get_name(self, user) -> str:
        return user_display_name(user)


class TierSerializer(serializers.Serializer):
    """The tier as stored (a number, so it sorts) and as people say it."""

    value = serializers.ChoiceField(choices=Tier.choices)
    label = serializers.CharField()


class ScoreSerializer(serializers.Serializer):
    """The scores, and the number of the criteria version they were computed with (null:
    not scored since versions exist), so a client can tell scores from different rules."""

    fit = serializers.IntegerField(source="fit_score")
    intent = serializers.IntegerField(source="intent_score")
    usage = serializers.IntegerField(source="usage_score")
    total = serializers.IntegerField(source="total_score")
    criteria_version = serializers.SerializerMethodField()

    def get_criteria_version(self, lead: Lead) -> int | None:
        # The views annotate the number (one join, no query per lead); fall back otherwise.
        if hasattr(lead, "criteria_version_number"):
            return lead.criteria_version_number
        return lead.criteria_version.number if lead.criteria_version_id else None


class ReasonSerializer(serializers.Serializer):
    """One plain-language reason: its sentence as it reads when asked ("today" is the day of
    the request, UTC), and when the signal behind it happened, if it says."""

    text = serializers.CharField()
    points = serializers.IntegerField()
    kind = serializers.CharField()
    term = serializers.CharField(allow_null=True, required=False)
    seen_at = serializers.DateTimeField(
        allow_null=True,
        required=False,
        help_text="When the signal the sentence speaks of happened (absent: it names no time).",
    )


def reasons_shown(reasons: Any, now) -> list[dict[str, Any]]:
    """Stored reasons as the API shows them: ``text`` said at ``now`` (``reason_now``), the
    time slot left out; anything else as stored."""
    shown = []
    for reason in reasons or []:
        if not isinstance(reason, dict):
            continue
        item = {k: v for k, v in reason.items() if k != "text_when"}
        item["text"] = reason_now(
            reason.get("text", ""), reason.get("text_when"), reason.get("seen_at"), now
        )
        shown.append(item)
    return shown


def breakdown_shown(breakdown: Any, now) -> Any:
    """The stored breakdown with each reason and the qualification reason said at ``now``."""
    if not isinstance(breakdown, dict):
        return breakdown
    data = dict(breakdown)
    for name in ("contributions", "disqualifiers"):
        items = data.get(name)
        if isinstance(items, list):
            data[name] = [
                {
                    **item,
                    "reason": reason_now(
                        item.get("reason", ""), item.get("reason_when"), item.get("last_seen"), now
                    ),
                }
                if isinstance(item, dict) and item.get("reason_when")
                else item
                for item in items
            ]
    if data.get("qualification_reason"):
        data["qualification_reason"] = reason_now(
            data["qualification_reason"],
            data.get("qualification_reason_when"),
            data.get("qualification_seen_at"),
            now,
        )
    return data


class SLASerializer(serializers.Serializer):
    """The lead's SLA clock as stored: when it started, warns and is due, and its state now."""

    state = serializers.ChoiceField(choices=["none", "ok", "warning", "breached", "met"])
    started_at = serializers.DateTimeField(allow_null=True)
    warn_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    stopped_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the clock stopped untouched: the lead left the SDR queues. "
        "Missed if this is after due_at.",
    )
    response_business_minutes = serializers.IntegerField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)


def lead_sla(lead: Lead, now) -> dict[str, Any]:
    """``met`` / ``breached`` once touched; no running clock outside the SDR stages."""
    if lead.first_touched_at is None and lead.stage not in SDR_WORKABLE_STAGES:
        state = "none"
    else:
        state = stored_state(
            warn_at=lead.sla_warn_at,
            due_at=lead.sla_due_at,
            touched_at=lead.first_touched_at,
            met=lead.sla_met,
            now=now,
            spec=None,
            stopped_at=lead.sla_stopped_at,
        ).state
    return {
        "state": state,
        "started_at": lead.sla_started_at,
        "warn_at": lead.sla_warn_at,
        "due_at": lead.sla_due_at,
        "stopped_at": lead.sla_stopped_at,
        "response_business_minutes": lead.sla_response_minutes,
        "met": lead.sla_met,
    }


class LeadSerializer(ReadModelSerializer):
    """A lead as the queues see it: score, tier, stage, qualification and reasons."""

    name = serializers.CharField(source="display_name", read_only=True)
    score = ScoreSerializer(source="*", read_only=True)
    tier = serializers.SerializerMethodField()
    account = AccountSummarySerializer(read_only=True, allow_null=True)
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    reasons = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()
    likelihood = serializers.FloatField(
        read_only=True,
        allow_null=True,
        min_value=0.0,
        max_value=1.0,
        help_text=(
            "The live model's calibrated chance (0-1) that sales accepts the lead; null "
            "when no model has been fitted yet or the lead was not estimated yet."
        ),
    )
    likelihood_model = serializers.IntegerField(
        source="likelihood_model_id",
        read_only=True,
        allow_null=True,
        help_text="The model version: the id of the recalibration that estimated the likelihood.",
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "email",
            "user_id",
            "name",
            "first_name",
            "last_name",
            "title",
            "source",
            "score",
            "tier",
            "stage",
            "qualification",
            "pql_kind",
            "queue",
            "reasons",
            "likelihood",
            "likelihood_model",
            "owner",
            "account",
            "qualified_at",
            "last_signal_at",
            "scored_at",
            "claimed_at",
            "first_touched_at",
            "sla",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(TierSerializer)
    def get_tier(self, lead: Lead) -> dict[str, Any]:
        return {"value": lead.tier, "label": lead.get_tier_display()}

    @extend_schema_field(SLASerializer)
    def get_sla(self, lead: Lead) -> dict[str, Any]:
        now = self.context.setdefault("now", timezone.now())  # one "now" for the whole page
        return SLASerializer(lead_sla(lead, now)).data

    def _now(self):
        return timezone.localtime(self.context.setdefault("now", timezone.now()))

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, lead: Lead) -> list[Any]:
        """As the engine wrote them (strongest first), each sentence said as of the request."""
        return reasons_shown(lead.reasons, self._now())


class LikelihoodFactorSerializer(serializers.Serializer):
    label = serializers.CharField(help_text='In plain words, e.g. "Asked for a demo".')
    weight = serializers.FloatField(help_text="Log-odds; above 0 raises the likelihood.")


class LeadDetailSerializer(LeadSerializer):
    """One lead adds the itemized breakdown (every contribution behind the score) and the
    factors behind its likelihood (top raising, then top lowering)."""

    breakdown = serializers.SerializerMethodField()
    likelihood_factors = serializers.SerializerMethodField()

    class Meta(LeadSerializer.Meta):
        fields = [
            *LeadSerializer.Meta.fields,
            "breakdown",
            "disqualified_reasons",
            "likelihood_factors",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.JSONField())
    def get_breakdown(self, lead: Lead) -> Any:
        """Every contribution behind the score, its sentences said as of the request."""
        return breakdown_shown(lead.breakdown, self._now())

    @extend_schema_field(LikelihoodFactorSerializer(many=True))
    def get_likelihood_factors(self, lead: Lead) -> list[Any]:
        return list(lead.likelihood_factors or [])


class FeedbackCreateSerializer(serializers.Serializer):
    """The lead by id (``lead``) or by email (``lead_email``): exactly one of them is
    required. And what sales learned."""

    # Exactly one of these; the schema says so (schema.AutoSchema), validate() enforces it.
    required_one_of = ("lead", "lead_email")

    lead = serializers.IntegerField(required=False, min_value=1)
    lead_email = serializers.EmailField(required=False)
    outcome = serializers.ChoiceField(choices=FeedbackOutcome.choices)
    reason = serializers.ChoiceField(
        choices=FeedbackReason.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Resolve the lead here, so an unknown one is a 400 naming the field."""
        lead_id = attrs.get("lead")
        email = attrs.get("lead_email")
        if lead_id is None and not email:
            raise serializers.ValidationError({"lead": ["Give the lead's id or its email."]})
        if lead_id is not None and email:
            raise serializers.ValidationError(
                {"lead": ["Give the lead's id or its email, not both."]}
            )
        if lead_id is not None:
            if not Lead.objects.filter(pk=lead_id).exists():
                raise serializers.ValidationError({"lead": [f"No lead with id {lead_id}."]})
        else:
            lead_id = Lead.objects.filter(email__iexact=email).values_list("pk", flat=True).first()
            if lead_id is None:
                raise serializers.ValidationError({"lead_email": [f"No lead with email {email}."]})
        attrs["lead_id"] = lead_id
        return attrs


class FeedbackSerializer(ReadModelSerializer):
    """A stored feedback entry, with the stage the lead moved to."""

    lead_email = serializers.CharField(source="lead.email", read_only=True)
    lead_stage = serializers.CharField(source="lead.stage", read_only=True)
    author = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "lead",
            "lead_email",
            "lead_stage",
            "outcome",
            "reason",
            "note",
            "author",
            "created_at",
        ]
        read_only_fields = fields


class GlossaryTermSerializer(ReadModelSerializer):
    examples = serializers.ListField(
        source="example_list", child=serializers.CharField(), read_only=True
    )
    criteria = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)

    class Meta:
        model = GlossaryTerm
        fields = [
            "term",
            "slug",
            "definition",
            "owner_team",
            "examples",
            "criteria",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CriterionSerializer(ReadModelSerializer):
    """A criterion of one version (``version`` is its id: the published one unless asked)."""

    glossary_term = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    value = serializers.JSONField(read_only=True, allow_null=True)
    property_filter = serializers.JSONField(read_only=True)

    class Meta:
        model = Criterion
        # The export schema's fields (one list, kept with the JSON import/export) plus links.
        fields = [*EXPORT_FIELDS, "glossary_term", "version", "created_at", "updated_at"]
        read_only_fields = fields
