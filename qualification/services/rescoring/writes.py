"""Storing a scored batch: its rows, its cleared marks and its transitions, in one commit.

A batch is all or nothing, so a crash mid-batch leaves every one of its leads marked and
the sweep scores them again. How the rows reach the table (binary ``unnest`` statements
on PostgreSQL, the ORM elsewhere) is ``qualification.db.writes``'s business.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q

from qualification.db.writes import asynchronous_commit, lead_scores_update, transitions_insert
from qualification.models import CriteriaVersion, Lead
from qualification.services.rescoring.batch import ScoredBatch


def batch_write(scored: ScoredBatch, *, started: datetime) -> None:
    """Write a scored batch; rescore requests made after ``started`` keep their mark."""
    with transaction.atomic():
        if scored.rows or scored.transitions:
            asynchronous_commit()  # scores are derived data; see there
        lead_scores_update(scored.rows, started=started)
        lead_marks_clear(scored.unchanged, started=started)
        transitions_insert(scored.transitions)
        version_moves_add(scored)


def version_moves_add(scored: ScoredBatch) -> None:
    """Add the batch's queue moves onto its version's measured effect (one UPDATE)."""
    if scored.version_id is None or not scored.moves:
        return
    CriteriaVersion.objects.filter(pk=scored.version_id).update(
        **{name: F(name) + count for name, count in scored.moves.items()}
    )


def lead_marks_clear(lead_ids: Sequence[int], *, started: datetime) -> None:
    """Clear the rescore mark of leads whose score did not change (nothing else to write)."""
    if lead_ids:
        Lead.objects.filter(pk__in=lead_ids, needs_rescore=True).filter(
            Q(rescore_requested_at__isnull=True) | Q(rescore_requested_at__lte=started)
        ).update(needs_rescore=False)
