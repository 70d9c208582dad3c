"""Reads of criteria versions: content snapshots, drafts, the changelog, the SDR notice.

A version's *content* is a plain dict (``core.governance`` works on it): its criteria by
key and its policy, in the fields the diff, the rebase, the export and the preview share.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from qualification.core.governance.content import CRITERION_FIELDS, POLICY_FIELDS
from qualification.models import (
    CriteriaNoticeDismissal,
    CriteriaPreview,
    CriteriaVersion,
    Criterion,
    GlossaryTerm,
    Lead,
    QualificationPolicy,
    VersionStatus,
)

# How long an SDR sees the "criteria changed" notice unless they dismiss it first.
NOTICE_DAYS = 14


def version_content_read(version: CriteriaVersion | int) -> dict[str, Any]:
    """``{"criteria": {key: fields}, "policy": fields}`` of a version (two queries)."""
    version_id = version if isinstance(version, int) else version.pk
    criteria: dict[str, dict[str, Any]] = {}
    rows = Criterion.objects.filter(version_id=version_id).select_related("glossary_term")
    for criterion in rows.order_by("key"):
        entry = {
            name: getattr(criterion, name) for name in CRITERION_FIELDS if name != "glossary_term"
        }
        entry["glossary_term"] = criterion.glossary_term.slug if criterion.glossary_term else None
        criteria[criterion.key] = entry
    policy = QualificationPolicy.objects.filter(version_id=version_id).first()
    if policy is None:
        policy = QualificationPolicy()  # the defaults, as scoring applies them
    return {
        "criteria": criteria,
        "policy": {name: _plain(getattr(policy, name)) for name in POLICY_FIELDS},
    }


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def versions_list() -> QuerySet[CriteriaVersion]:
    """Every version, the published first, then drafts (newest first), then the retired."""
    return CriteriaVersion.objects.select_related(
        "author", "published_by", "approved_by", "base"
    ).order_by("status", "-published_at", "-id")


def drafts_list() -> QuerySet[CriteriaVersion]:
    return versions_list().filter(status=VersionStatus.DRAFT).order_by("-id")


def changelog_list() -> QuerySet[CriteriaVersion]:
    """Every publication, newest first: what the changelog page shows."""
    return (
        CriteriaVersion.objects.exclude(status=VersionStatus.DRAFT)
        .select_related("published_by", "author", "approved_by")
        .order_by("-number")
    )


def latest_preview_read(draft: CriteriaVersion) -> CriteriaPreview | None:
    # Not its resume state: a running preview keeps the backtest's rows there (up to a
    # few MB with tens of thousands of outcomes), and pages poll this every few seconds.
    return draft.previews.select_related("requested_by", "base").defer("state").first()


def preview_is_current(preview: CriteriaPreview, draft: CriteriaVersion) -> bool:
    """A preview still describes the draft: nothing changed since it started, same base."""
    return preview.content_stamp >= draft.content_changed_at and preview.base_id == (draft.base_id)


def publication_progress_read() -> dict[str, Any] | None:
    """While the published version's rescore runs: how many leads carry its scores yet.

    None once it finished (or when nothing is published). The count is one scan of the
    lead table, made only while a publication is being applied.
    """
    version = CriteriaVersion.objects.filter(
        status=VersionStatus.PUBLISHED, rescore_finished_at__isnull=True
    ).first()
    if version is None:
        return None
    total = Lead.objects.count()
    done = Lead.objects.filter(criteria_version_id=version.pk).count()
    return {
        "version": version,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 100,
    }


def criteria_notice_read(user: AbstractBaseUser) -> CriteriaVersion | None:
    """The latest publication the user has not dismissed, if it is recent enough to tell."""
    since = timezone.now() - timedelta(days=NOTICE_DAYS)
    latest = (
        CriteriaVersion.objects.exclude(status=VersionStatus.DRAFT)
        .filter(published_at__gte=since, number__gt=1)
        .order_by("-number")
        .first()
    )
    if latest is None:
        return None
    if CriteriaNoticeDismissal.objects.filter(user=user, version=latest).exists():
        return None
    return latest


def term_changes_list(term: GlossaryTerm) -> list[CriteriaVersion]:
    """Publications whose changes touched a criterion filed under this glossary term."""
    keys = set(Criterion.objects.filter(glossary_term=term).values_list("key", flat=True))
    if not keys:
        return []
    return [
        version for version in changelog_list() if keys.intersection(version.changed_keys or ())
    ]
