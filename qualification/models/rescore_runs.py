"""A full rescore in chunks: which id ranges are done, so a crash resumes, never restarts.

A full rescore (the nightly one, or the one applying a publication) is split into chunks
of consecutive lead ids, each its own Celery task; a chunk records when it finished and
what it did. A worker killed mid-run loses at most the chunk it was on (redelivered by the
broker after its visibility timeout, or re-sent by the sweep), never the finished ones.
"""

from __future__ import annotations

from django.db import models

from qualification.models.choices import values_sql


class RescoreKind(models.TextChoices):
    NIGHTLY = "nightly", "Nightly"
    PUBLICATION = "publication", "Publication"


class RescoreRun(models.Model):
    """One full rescore; finished once every chunk is done and its report is summed."""

    kind = models.CharField(max_length=11, choices=RescoreKind.choices)
    version = models.ForeignKey(
        "qualification.CriteriaVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The publication this run applies (publication runs only).",
    )
    # The Celery task that planned the run: its redelivery finds the run instead of a twin.
    task_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Last sign of life (a chunk done, chunks sent): the sweep re-sends a run quiet too long.
    touched_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=values_sql(RescoreKind)), name="rescore_run_kind_valid"
            )
        ]
        indexes = [
            models.Index(
                fields=["touched_at"],
                condition=models.Q(finished_at__isnull=True),
                name="rescore_run_open",
            )
        ]

    def __str__(self) -> str:
        state = "finished" if self.finished_at else "running"
        return f"{self.get_kind_display()} rescore {self.pk} ({state})"


class RescoreChunk(models.Model):
    """The leads of one run whose ids are in ``first_id..last_id``; done once stored."""

    run = models.ForeignKey(RescoreRun, on_delete=models.CASCADE, related_name="chunks")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run", "first_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "first_id"], name="rescore_chunk_unique"),
            models.CheckConstraint(
                condition=models.Q(first_id__lte=models.F("last_id")),
                name="rescore_chunk_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Leads {self.first_id}-{self.last_id} of run {self.run_id}"
