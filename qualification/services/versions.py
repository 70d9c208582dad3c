"""Criteria governance: make a draft, check it, approve it, publish it, rebase it.

The published version is what every score reads, so it never changes in place: ops copy
it into a draft, change the draft (admin, LeadHub pages, JSON import), preview it
(``services.previews``) and publish it here with a note. Publishing is one transaction
that locks the published row first, so of two publications racing, one wins and the other
finds its draft stale (based on a version that is no longer published) and is told so; a
stale draft is rebased (``draft_rebase``) and published again. After the commit every
lead is rescored in the background (``publication_rescore`` task); the request returns
at once. Roles are checked here, whatever the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qualification.core.governance import Conflict, rebase, version_diff
from qualification.core.governance.content import CRITERION_FIELDS, POLICY_FIELDS
from qualification.models import (
    CriteriaNoticeDismissal,
    CriteriaVersion,
    Criterion,
    GlossaryTerm,
    Lead,
    QualificationPolicy,
    VersionStatus,
    user_display_name,
)
from qualification.roles import Perm, editable_teams
from qualification.selectors.versions import version_content_read
from qualification.services.rescore_requests import enqueue_safely


class GovernanceError(Exception):
    """A governance action was refused; the message says why in plain words."""


class NotAllowed(GovernanceError):
    pass


class StaleDraft(GovernanceError):
    """The draft was made from a version that is no longer the published one."""


@dataclass(frozen=True)
class DraftProblem:
    """One thing that keeps a draft from being previewed or published."""

    where: str  # "Pricing page views" or "Policy"
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where} · {self.field}: {self.message}"


class DraftInvalid(GovernanceError):
    def __init__(self, problems: list[DraftProblem]) -> None:
        self.problems = problems
        super().__init__(
            "The draft has problems to fix first: " + "; ".join(str(p) for p in problems)
        )


def four_eyes_required() -> bool:
    """Whether a draft needs a second ops user's approval before it is published."""
    return bool(getattr(settings, "LEADHUB_CRITERIA_FOUR_EYES", False))


def _require(user: AbstractBaseUser | None, perm: str, action: str) -> None:
    if user is None or not user.has_perm(perm):
        raise NotAllowed(f"Your role does not allow you to {action}.")


def published_version_ensure() -> CriteriaVersion:
    """The published version, creating an empty version 1 in a database that has none."""
    version = CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED).first()
    if version is not None:
        return version
    with transaction.atomic():
        version = CriteriaVersion.objects.create(
            status=VersionStatus.PUBLISHED,
            number=1,
            title="First version",
            published_at=timezone.now(),
            rescore_finished_at=timezone.now(),
        )
        # Inserted, not saved: the version is published already, and its rows refuse save().
        QualificationPolicy.objects.bulk_create([QualificationPolicy(version=version)])
    return version


# --- drafts ------------------------------------------------------------------------------


def draft_create(
    *,
    user: AbstractBaseUser | None,
    title: str,
    source: CriteriaVersion | None = None,
    content: Mapping[str, Any] | None = None,
) -> CriteriaVersion:
    """A new draft based on the published version, holding a copy of ``source``'s rules.

    ``source`` defaults to the published version; an older one makes a rollback draft;
    ``content`` (a snapshot, e.g. from a JSON import) fills it instead of a copy.
    """
    _require(user, Perm.DRAFT_CRITERIA, "make criteria drafts")
    title = (title or "").strip()
    if not title:
        raise GovernanceError("Give the draft a title that says what it changes.")
    published = published_version_ensure()
    with transaction.atomic():
        draft = CriteriaVersion.objects.create(
            status=VersionStatus.DRAFT, title=title[:200], base=published, author=user
        )
        draft_content_write(
            draft=draft, content=content or version_content_read(source or published)
        )
    return draft


def draft_content_write(*, draft: CriteriaVersion, content: Mapping[str, Any]) -> None:
    """Replace a draft's criteria and policy with ``content`` (a snapshot), unvalidated.

    Validation is ``draft_problems``' business: a draft may hold work in progress.
    """
    _draft_only(draft)
    terms = {t.slug: t for t in GlossaryTerm.objects.all()}
    with transaction.atomic():
        Criterion.objects.filter(version=draft).delete()
        rows = []
        for key, fields in sorted(content.get("criteria", {}).items()):
            values = {
                name: fields[name]
                for name in CRITERION_FIELDS
                if name in fields and name != "glossary_term"
            }
            if values.get("property_filter") is None:
                values["property_filter"] = {}
            rows.append(
                Criterion(
                    version=draft,
                    key=key,
                    glossary_term=terms.get(fields.get("glossary_term") or ""),
                    **values,
                )
            )
        # With history rows, so a draft's first edit shows what it changed from.
        bulk_create_with_history(rows, Criterion)
        QualificationPolicy.objects.filter(version=draft).delete()
        policy = content.get("policy") or {}
        QualificationPolicy.objects.create(
            version=draft, **{name: policy[name] for name in POLICY_FIELDS if name in policy}
        )
        CriteriaVersion.objects.filter(pk=draft.pk).update(content_changed_at=timezone.now())


def draft_delete(*, user: AbstractBaseUser | None, draft: CriteriaVersion) -> None:
    """Throw a draft away (its author, or ops). Published and retired versions stay."""
    _draft_only(draft)
    if user is None or (draft.author_id != user.pk and not user.has_perm(Perm.PUBLISH_CRITERIA)):
        raise NotAllowed("Only the draft's author or ops can delete it.")
    draft.delete()


def draft_problems(draft: CriteriaVersion) -> list[DraftProblem]:
    """Everything the admin would refuse in the draft, each naming criterion and field.

    The database constraints are not re-checked one query each (Django's default, about
    250 queries for 28 criteria): the pure ``validate_criterion`` behind ``clean`` checks
    the same rules in Python, and starting a preview must answer quickly.
    """
    problems: list[DraftProblem] = []
    for criterion in Criterion.objects.filter(version=draft).select_related("glossary_term"):
        try:
            criterion.full_clean(
                validate_unique=False, validate_constraints=False, exclude=["version"]
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                problems += [DraftProblem(criterion.name, name, m) for m in messages]
    policy = QualificationPolicy.objects.filter(version=draft).first()
    if policy is not None:
        try:
            policy.full_clean(
                validate_unique=False, validate_constraints=False, exclude=["version"]
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                problems += [DraftProblem("Policy", name, m) for m in messages]
    return sorted(problems, key=lambda p: (p.where != "Policy", p.where, p.field))


def draft_check(draft: CriteriaVersion) -> None:
    """Raise ``DraftInvalid`` when the draft cannot be previewed or published."""
    if problems := draft_problems(draft):
        raise DraftInvalid(problems)


def draft_changes(draft: CriteriaVersion) -> list[list[Any]]:
    """The draft's plain-words changes against the published version, as stored lists."""
    published = published_version_ensure()
    changes = version_diff(version_content_read(published), version_content_read(draft))
    return [list(change) for change in changes]


def criterion_edit_allowed(user: AbstractBaseUser | None, criterion: Criterion) -> bool:
    """Whether the user may change this criterion: a draft's, of a team they edit for."""
    if user is None or not user.has_perm("qualification.change_criterion"):
        return False
    if (
        criterion.version_id
        and not CriteriaVersion.objects.filter(
            pk=criterion.version_id, status=VersionStatus.DRAFT
        ).exists()
    ):
        return False
    teams = editable_teams(user)
    return teams is None or criterion.owner_team in teams


def draft_rebase(*, user: AbstractBaseUser | None, draft: CriteriaVersion) -> list[Conflict]:
    """Move a stale draft onto the published version, keeping the draft's own changes.

    Returns the fields both sides changed (the draft's value was kept for each).
    """
    _require(user, Perm.DRAFT_CRITERIA, "rebase criteria drafts")
    _draft_only(draft)
    published = published_version_ensure()
    if draft.base_id == published.pk:
        return []
    base = version_content_read(draft.base_id) if draft.base_id else version_content_read(published)
    result = rebase(base, version_content_read(draft), version_content_read(published))
    with transaction.atomic():
        draft_content_write(draft=draft, content=result.content)
        CriteriaVersion.objects.filter(pk=draft.pk).update(
            base=published, approved_by=None, approved_at=None
        )
    draft.refresh_from_db()
    return list(result.conflicts)


# --- approval and publication ------------------------------------------------------------


def draft_approve(*, user: AbstractBaseUser | None, draft: CriteriaVersion) -> CriteriaVersion:
    """A second ops user approves the draft as it is now (a later edit needs a new one)."""
    _require(user, Perm.PUBLISH_CRITERIA, "approve criteria drafts")
    _draft_only(draft)
    if draft.author_id == user.pk:
        raise NotAllowed("A draft is approved by someone other than its author.")
    draft_check(draft)
    draft.approved_by = user
    draft.approved_at = timezone.now()
    draft.save(update_fields=["approved_by", "approved_at"])
    return draft


def approval_is_current(draft: CriteriaVersion) -> bool:
    return bool(draft.approved_at and draft.approved_at >= draft.content_changed_at)


def draft_publish(
    *, user: AbstractBaseUser | None, draft: CriteriaVersion, note: str
) -> CriteriaVersion:
    """Publish the draft with a note saying why; every lead is rescored after the commit."""
    _require(user, Perm.PUBLISH_CRITERIA, "publish criteria")
    return _publish(draft, user=user, note=note)


def draft_publish_automatically(*, draft: CriteriaVersion, note: str) -> CriteriaVersion:
    """Publish a draft that learning made within the bounds ops set (nobody clicked).

    ``published_by`` stays empty and ``published_automatically`` is set, so the history
    says it published itself; the note names the run and the bounds. Refused while
    four-eyes approval is required: a second pair of eyes cannot be automatic.
    """
    if four_eyes_required():
        raise NotAllowed("Four-eyes approval is required, so nothing publishes by itself.")
    return _publish(draft, user=None, note=note)


def _publish(
    draft: CriteriaVersion, *, user: AbstractBaseUser | None, note: str
) -> CriteriaVersion:
    note = (note or "").strip()
    if not note:
        raise GovernanceError("Say why in the note: sales read it in the changelog.")
    published_version_ensure()
    with transaction.atomic():
        # Lock the draft, then the version it was based on: two drafts made from the same
        # version queue up on that row, and the second, once it holds the lock, reads the
        # published version afresh (a new statement sees the first's commit) and is stale.
        draft = CriteriaVersion.objects.select_for_update().get(pk=draft.pk)
        if draft.base_id is not None:
            CriteriaVersion.objects.select_for_update().filter(pk=draft.base_id).first()
        published = (
            CriteriaVersion.objects.select_for_update()
            .filter(status=VersionStatus.PUBLISHED)
            .first()
        )
        if draft.status != VersionStatus.DRAFT:
            by = user_display_name(draft.published_by) if draft.published_by else "someone"
            raise StaleDraft(f"This draft was already published as {draft.label} by {by}.")
        if published is not None and draft.base_id != published.pk:
            by = user_display_name(published.published_by) if published.published_by else "ops"
            raise StaleDraft(
                f"{published.label} was published by {by} after this draft was made from "
                f"{draft.base.label if draft.base else 'an older version'}. Rebase the draft "
                "onto it, check the changes, and publish again."
            )
        if user is not None and four_eyes_required():
            if not approval_is_current(draft):
                raise NotAllowed(
                    "A second ops user must approve this draft before it is published."
                )
            if draft.approved_by_id == user.pk:
                raise NotAllowed("The approver cannot also publish.")
        draft_check(draft)
        changes = version_diff(
            version_content_read(published) if published else {"criteria": {}, "policy": {}},
            version_content_read(draft),
        )
        now = timezone.now()
        if published is not None:
            published.status = VersionStatus.RETIRED
            published.save(update_fields=["status"])
        number = (CriteriaVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        draft.status = VersionStatus.PUBLISHED
        draft.number = number
        draft.published_by = user
        draft.published_automatically = user is None
        draft.published_at = now
        draft.note = note
        draft.changes = [list(change) for change in changes]
        draft.changed_keys = sorted({c.key for c in changes if c.key})
        draft.rescore_total = Lead.objects.count()
        draft.rescore_finished_at = None if draft.rescore_total else now
        draft.save()
        transaction.on_commit(lambda: publication_rescore_enqueue(draft.pk))
    return draft


def publication_rescore_enqueue(version_id: int) -> bool:
    """Send the rescore that applies a publication; a broker outage leaves it to the nightly."""
    return enqueue_safely("qualification.publication_rescore", version_id)


def rollback_draft_create(
    *, user: AbstractBaseUser | None, version: CriteriaVersion
) -> CriteriaVersion:
    """A draft holding an earlier version's rules, to publish as the way back."""
    if version.status == VersionStatus.DRAFT:
        raise GovernanceError("Roll back to a version that was published, not a draft.")
    return draft_create(user=user, title=f"Roll back to {version.label}", source=version)


def notice_dismiss(*, user: AbstractBaseUser, version: CriteriaVersion) -> None:
    """The SDR has read the "criteria changed" notice of this publication."""
    CriteriaNoticeDismissal.objects.get_or_create(user=user, version=version)


def _draft_only(version: CriteriaVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise GovernanceError(
            f"{version.label} is {version.get_status_display().lower()}: published versions "
            "never change. Make a draft from it instead."
        )
