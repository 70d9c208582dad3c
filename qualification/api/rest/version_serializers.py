"""What the API shows of criteria versions, drafts and previews, and what it accepts.

Reads are flat; the writes check only the shape of the input (a title, a note, a source
version that exists) so those errors name the field. The rules (roles, stale drafts,
invalid drafts, four-eyes) are the services' (``services.versions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qualification.api.rest.serializers import UserSummarySerializer
from qualification.models import CriteriaPreview, CriteriaVersion
from qualification.selectors.versions import version_content_read


def change_dicts(changes: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Changes (``core.governance.Change`` or the lists a publication stores) as dicts.

    The before/after values are left out: for an added criterion they are whole
    criteria, and the text already says what moved in words people read.
    """
    return [
        {"kind": kind, "key": key, "field": field, "text": text}
        for kind, key, field, _before, _after, text in changes
    ]


class VersionRefSerializer(serializers.ModelSerializer):
    """A version by id, with its number (null for a draft) and its label."""

    label = serializers.CharField(read_only=True)

    class Meta:
        model = CriteriaVersion
        fields = ["id", "number", "label"]
        read_only_fields = fields


class ChangeSerializer(serializers.Serializer):
    """One plain-words change; ``key`` is "" for the policy, ``field`` "" for a criterion
    added or removed as a whole."""

    kind = serializers.ChoiceField(choices=["added", "removed", "changed", "policy"])
    key = serializers.CharField()
    field = serializers.CharField()
    text = serializers.CharField()


class QueueEffectSerializer(serializers.Serializer):
    entered = serializers.IntegerField()
    left = serializers.IntegerField()


class MeasuredEffectSerializer(serializers.Serializer):
    """Leads that entered or left each SDR queue when rescored with the version."""

    mql = QueueEffectSerializer()
    pql = QueueEffectSerializer()


class RescoreSerializer(serializers.Serializer):
    total = serializers.IntegerField(source="rescore_total")
    finished_at = serializers.DateTimeField(source="rescore_finished_at", allow_null=True)


class VersionSerializer(serializers.ModelSerializer):
    """A version or draft.

    ``changes`` are a publication's stored changes; a draft's live diff against the
    published version in its detail (null in lists: see ``/api/criteria/drafts/{id}/diff/``).
    ``content`` (criteria by key and the policy, the export's fields) only in a detail.
    One serializer for lists and details, so the schema has one Version component.
    """

    label = serializers.CharField(read_only=True)
    author = UserSummarySerializer(read_only=True, allow_null=True)
    base = VersionRefSerializer(read_only=True, allow_null=True)
    approved_by = UserSummarySerializer(read_only=True, allow_null=True)
    published_by = UserSummarySerializer(read_only=True, allow_null=True)
    changes = serializers.SerializerMethodField()
    measured_effect = serializers.SerializerMethodField()
    rescore = RescoreSerializer(source="*", read_only=True)
    content = serializers.SerializerMethodField()

    class Meta:
        model = CriteriaVersion
        fields = [
            "id",
            "number",
            "status",
            "label",
            "title",
            "author",
            "base",
            "created_at",
            "approved_by",
            "approved_at",
            "published_by",
            "published_at",
            "note",
            "changes",
            "measured_effect",
            "rescore",
            "content",
        ]
        read_only_fields = fields

    @extend_schema_field(ChangeSerializer(many=True, allow_null=True))
    def get_changes(self, version: CriteriaVersion) -> list[dict[str, Any]] | None:
        if version.is_draft:
            live = self.context.get("draft_changes", {}).get(version.pk)
            return change_dicts(live) if live is not None else None
        return change_dicts(version.changes or [])

    @extend_schema_field(MeasuredEffectSerializer)
    def get_measured_effect(self, version: CriteriaVersion) -> dict[str, dict[str, int]]:
        return version.measured_effect()

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_content(self, version: CriteriaVersion) -> dict[str, Any] | None:
        if not self.context.get("with_content"):
            return None
        return version_content_read(version)


class DraftCreateSerializer(serializers.Serializer):
    """A title saying what the draft changes; ``source`` copies another version's rules
    (an earlier publication rolls back to it), the published version by default."""

    title = serializers.CharField(max_length=200)
    source = serializers.IntegerField(required=False, min_value=1)

    def validate_source(self, value: int) -> CriteriaVersion:
        version = CriteriaVersion.objects.filter(pk=value).first()
        if version is None:
            raise serializers.ValidationError(f"No criteria version with id {value}.")
        return version


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=5000,
        error_messages={
            "required": "Say why in the note: sales read it in the changelog.",
            "blank": "Say why in the note: sales read it in the changelog.",
        },
    )


class DiffSerializer(serializers.Serializer):
    """The draft against the published version; ``stale`` when it was made from another."""

    draft = VersionRefSerializer()
    published = VersionRefSerializer()
    stale = serializers.BooleanField()
    changes = ChangeSerializer(many=True)


class StaleDraftSerializer(serializers.Serializer):
    """409: another version was published since the draft was made; rebase and retry."""

    detail = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    published_version = VersionRefSerializer(allow_null=True)


class ConflictSerializer(serializers.Serializer):
    """A field both the draft and a later publication changed; the draft's value was kept."""

    key = serializers.CharField()
    field = serializers.CharField()
    text = serializers.CharField()


class RebaseSerializer(serializers.Serializer):
    draft = VersionSerializer()
    conflicts = ConflictSerializer(many=True)


class PreviewSerializer(serializers.ModelSerializer):
    """A preview run: progress while it runs, then the figures and the backtest.

    ``current`` is false when the draft changed (or was rebased) after the run started.
    """

    requested_by = UserSummarySerializer(read_only=True, allow_null=True)
    base = VersionRefSerializer(read_only=True)
    percent = serializers.IntegerField(read_only=True)
    current = serializers.SerializerMethodField()
    figures = serializers.JSONField(read_only=True)
    backtest = serializers.JSONField(read_only=True)

    class Meta:
        model = CriteriaPreview
        fields = [
            "id",
            "status",
            "percent",
            "current",
            "base",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "total",
            "done",
            "figures",
            "backtest",
            "error",
        ]
        read_only_fields = fields

    def get_current(self, preview: CriteriaPreview) -> bool:
        return bool(self.context.get("current", True))
