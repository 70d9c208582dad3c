"""Criteria versions: the criteria and the policy as one reviewed, published unit.

A version holds its own rows: every ``Criterion`` and its one ``QualificationPolicy``
point at it. Exactly one version is *published* (a partial unique constraint); scoring
reads only that one. Ops change the rules by editing a *draft* (a copy of a version),
previewing it, and publishing it; the version it replaces becomes *retired*. Published and
retired versions are immutable: their rows refuse ``save`` and ``delete``
(``VersionFrozen``), so history cannot be rewritten. A rollback publishes a copy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from qualification.models.choices import values_sql


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class VersionFrozen(Exception):
    """A write to a published or retired version's criteria or policy."""

    def __init__(self, version: CriteriaVersion) -> None:
        self.version = version
        super().__init__(
            f"{version.label} is {version.get_status_display().lower()} and cannot change; "
            "edit a draft made from it instead."
        )


class CriteriaVersion(models.Model):
    """One set of criteria plus one policy; a draft until published, frozen after."""

    status = models.CharField(
        max_length=9, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # Given at publication, in order: "Version 3". Drafts are known by their id.
    number = models.PositiveIntegerField(null=True, blank=True, unique=True)
    title = models.CharField(max_length=200, help_text="What this change is about.")
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The published version this draft was made from (or rebased onto).",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every write to the draft's criteria or policy: a preview older than this
    # is out of date.
    content_changed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Published by a recalibration within the ops' auto-publish bounds (nobody clicked).
    published_automatically = models.BooleanField(default=False)
    note = models.TextField(blank=True, help_text="Why this version was published.")
    # At publication: the plain-words changes against the version it replaced
    # (``core.governance.Change`` as lists), and the criterion keys they touch.
    changes = models.JSONField(default=list, blank=True)
    changed_keys = models.JSONField(default=list, blank=True)
    # The rescore that applies a publication; finished when no lead is left on older scores.
    rescore_total = models.PositiveIntegerField(default=0)
    rescore_finished_at = models.DateTimeField(null=True, blank=True)
    # Measured effect: leads that entered or left each SDR queue when first scored with this
    # version (counted by the rescore batches that moved them onto it).
    mql_entered = models.PositiveIntegerField(default=0)
    mql_left = models.PositiveIntegerField(default=0)
    pql_entered = models.PositiveIntegerField(default=0)
    pql_left = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status=VersionStatus.PUBLISHED),
                name="one_published_version",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=values_sql(VersionStatus)),
                name="version_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT) | models.Q(number__isnull=False),
                name="version_published_numbered",
            ),
        ]
        permissions = [
            ("publish_criteriaversion", "Can publish criteria versions"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.status == VersionStatus.DRAFT:
            return f"Draft {self.pk}: {self.title}" if self.pk else f"Draft: {self.title}"
        return f"Version {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def delete(self, *args, **kwargs):
        """Only a draft can be deleted: published and retired versions are the record."""
        if self.status != VersionStatus.DRAFT:
            raise VersionFrozen(self)
        return super().delete(*args, **kwargs)

    def measured_effect(self) -> dict[str, dict[str, int]]:
        return {
            "mql": {"entered": self.mql_entered, "left": self.mql_left},
            "pql": {"entered": self.pql_entered, "left": self.pql_left},
        }


class VersionedRow(models.Model):
    """A row of a criteria version (it declares ``version``), frozen once that is published.

    Saving or deleting a draft's row marks the draft's content as changed, so a preview
    made before reads as out of date wherever the edit came from (admin, page, import).
    """

    version_id: int | None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.frozen_check()
        if self.pk:
            # Moving a row out of a frozen version is a write to that version too.
            stored = type(self).objects.filter(pk=self.pk).values_list("version_id", flat=True)
            if (old := stored.first()) and old != self.version_id:
                type(self)(pk=self.pk, version_id=old).frozen_check()
        super().save(*args, **kwargs)
        self._content_changed()

    def delete(self, *args, **kwargs):
        self.frozen_check()
        deleted = super().delete(*args, **kwargs)
        self._content_changed()
        return deleted

    def frozen_check(self) -> None:
        """Raise ``VersionFrozen`` unless this row's version (as stored) is a draft."""
        if not self.version_id:
            return
        status = (
            CriteriaVersion.objects.filter(pk=self.version_id)
            .values_list("status", flat=True)
            .first()
        )
        if status is not None and status != VersionStatus.DRAFT:
            raise VersionFrozen(CriteriaVersion.objects.get(pk=self.version_id))

    def _content_changed(self) -> None:
        if self.version_id:
            CriteriaVersion.objects.filter(pk=self.version_id).update(
                content_changed_at=timezone.now()
            )


class PreviewStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CriteriaPreview(models.Model):
    """One run of a draft's impact preview and backtest; the figures stay with the draft.

    The task works through the leads in chunks by id and stores its running tally here
    after each chunk, so a worker that dies resumes from ``cursor`` instead of starting over.
    """

    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="previews")
    base = models.ForeignKey(
        CriteriaVersion,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The published version the draft was compared with.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=7, choices=PreviewStatus.choices, default=PreviewStatus.QUEUED
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The draft's content_changed_at when the run started: a later edit makes it out of date.
    content_stamp = models.DateTimeField()
    # The instant every lead is scored at (windows and decay), fixed for the whole run.
    scored_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    cursor = models.BigIntegerField(default=0, help_text="Leads with ids up to this are tallied.")
    state = models.JSONField(default=dict, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    backtest = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=values_sql(PreviewStatus)),
                name="preview_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Preview of {self.version.label} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (PreviewStatus.DONE, PreviewStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == PreviewStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class CriteriaNoticeDismissal(models.Model):
    """An SDR dismissed the "criteria changed" notice of one publication."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="one_dismissal_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} dismissed the notice of {self.version}"
