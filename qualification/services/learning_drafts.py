"""Suggestions become a criteria draft: nothing learned is ever applied silently.

A recalibration suggests points for criteria that fired often enough and new criteria
with high lift (``figures["criteria"]``, ``figures["new_criteria"]``). Ops pick some on the
criteria health page; ``suggestion_draft_create`` puts them in a governance draft copied
from the published version, where they are reviewed, previewed and published (or thrown
away) like any other change.

Auto-publish is off unless ops turn it on (``AutoPublishBounds``, in the admin). Then a
finished run publishes the point changes ``core.learning.autopublish`` finds within the
bounds, as a version with an empty publisher and a note naming the run and the bounds;
new criteria, and everything while four-eyes approval is required, still wait as a draft.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qualification.core.governance.content import CRITERION_FIELDS
from qualification.core.learning.autopublish import Bounds, changes_within_bounds
from qualification.models import (
    CriteriaVersion,
    Recalibration,
    VersionStatus,
    user_display_name,
)
from qualification.models.learning import RecalibrationStatus
from qualification.roles import Perm
from qualification.selectors.learning import auto_publish_bounds_read
from qualification.selectors.versions import version_content_read
from qualification.services.versions import (
    NotAllowed,
    draft_content_write,
    draft_create,
    draft_publish_automatically,
    four_eyes_required,
    published_version_ensure,
)

logger = logging.getLogger(__name__)


def _keys(values: Iterable[str], field: str) -> list[str]:
    keys: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError({field: "Each suggestion is named by its criterion key."})
        if value.strip() not in keys:
            keys.append(value.strip())
    return keys


def suggestion_draft_create(
    *,
    user,
    recalibration: Recalibration,
    point_keys: Iterable[str] = (),
    new_keys: Iterable[str] = (),
) -> CriteriaVersion:
    """A draft of the published criteria with the chosen suggestions applied.

    ``point_keys``: criteria whose points become the run's suggested points;
    ``new_keys``: suggested new criteria to add (their stored content). A key the run did
    not suggest, or a criterion the published version no longer has, is refused with the
    field named, and nothing is made. Needs ``Perm.DRAFT_CRITERIA`` (as any draft).
    """
    if user is None or not user.has_perm(Perm.DRAFT_CRITERIA):
        raise NotAllowed("Your role does not allow you to make criteria drafts.")
    points = _keys(point_keys, "point_keys")
    new = _keys(new_keys, "new_keys")
    if not points and not new:
        raise ValidationError({"point_keys": "Choose at least one suggestion for the draft."})
    if recalibration.status != RecalibrationStatus.DONE:
        raise ValidationError(
            {"recalibration": f"Recalibration #{recalibration.pk} has no finished figures."}
        )
    figures = recalibration.figures or {}
    suggested = {
        c["key"]: c["suggested_points"]
        for c in figures.get("criteria") or []
        if c.get("suggested_points") is not None
    }
    proposals = {n["key"]: n for n in figures.get("new_criteria") or []}
    _refuse_unknown(points, suggested, "point_keys", recalibration, "suggested points")
    _refuse_unknown(new, proposals, "new_keys", recalibration, "a suggested new criterion")

    content, changes = _suggested_content(points, suggested, new, proposals)
    title = f"From recalibration #{recalibration.pk}: " + "; ".join(changes)
    return draft_create(user=user, title=title[:200], content=content)


def _suggested_content(
    points: list[str],
    suggested: dict[str, Any],
    new: list[str],
    proposals: dict[str, Any],
) -> tuple[dict[str, Any], list[str]]:
    """The published content with these suggestions applied, and the changes in words."""
    content = version_content_read(published_version_ensure())
    criteria: dict[str, dict[str, Any]] = content["criteria"]
    gone = [key for key in points if key not in criteria]
    if gone:
        raise ValidationError(
            {"point_keys": f"No longer in the published criteria: {', '.join(gone)}."}
        )
    taken = [key for key in new if key in criteria]
    if taken:
        raise ValidationError(
            {"new_keys": f"The published criteria already have a criterion {', '.join(taken)}."}
        )
    changes = []
    for key in points:
        old = criteria[key]["points"]
        criteria[key]["points"] = int(suggested[key])
        changes.append(f"{criteria[key]['name']} {old} -> {int(suggested[key])}")
    for key in new:
        proposal = proposals[key].get("content") or {}
        criteria[key] = {name: proposal.get(name) for name in CRITERION_FIELDS}
        changes.append(f"add {criteria[key]['name'] or key}")
    return content, changes


def suggestions_auto_publish(recalibration_id: int) -> dict[str, Any]:
    """Publish the finished run's point changes within the ops bounds; what happened.

    Returns ``{"status", "reason", "version", "changes"}``; status is ``off`` (bounds not
    enabled), ``none`` (nothing within them), ``draft`` (four-eyes approval is required:
    the changes wait as a draft) or ``published``. Stored on the run by the caller.
    """
    run = Recalibration.objects.get(pk=recalibration_id)
    bounds = auto_publish_bounds_read()
    if not bounds.enabled or run.status != RecalibrationStatus.DONE:
        return {"status": "off", "reason": "Auto-publish is off: suggestions wait for ops."}
    found, reason = changes_within_bounds(
        run.figures or {}, run.n_outcomes, Bounds(bounds.max_change, bounds.min_outcomes)
    )
    if not found:
        return {"status": "none", "reason": reason}
    content, changes = _suggested_content(
        [c.key for c in found], {c.key: c.new for c in found}, [], {}
    )
    set_by = user_display_name(bounds.changed_by) if bounds.changed_by else "ops"
    title = f"From recalibration #{run.pk} (auto-publish): " + "; ".join(changes)
    with transaction.atomic():
        draft = CriteriaVersion.objects.create(
            status=VersionStatus.DRAFT, title=title[:200], base=published_version_ensure()
        )
        draft_content_write(draft=draft, content=content)
    if four_eyes_required():
        return {
            "status": "draft",
            "reason": "Four-eyes approval is required, so the changes wait as a draft.",
            "version": draft.label,
            "version_id": draft.pk,
            "changes": changes,
        }
    note = (
        f"Published automatically from recalibration #{run.pk} ({run.n_outcomes} outcomes), "
        f"within the bounds {set_by} set on {timezone.localdate(bounds.changed_at):%Y-%m-%d}: "
        f"changes of at most {bounds.max_change} points whose 90% interval excludes the "
        f"current points. {'; '.join(changes)}."
    )
    version = draft_publish_automatically(draft=draft, note=note)
    logger.info("Recalibration %s auto-published %s: %s", run.pk, version.label, changes)
    return {
        "status": "published",
        "reason": "",
        "version": version.label,
        "version_id": version.pk,
        "changes": changes,
    }


def _refuse_unknown(
    keys: list[str], known: dict[str, Any], field: str, run: Recalibration, what: str
) -> None:
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValidationError(
            {field: f"Recalibration #{run.pk} has no {what} for {', '.join(unknown)}."}
        )
