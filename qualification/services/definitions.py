"""Writes to a draft's definitions: its criteria and its qualification policy.

Scoring reads only the published version, so nothing here rescores anyone: a draft's
edits reach the leads when the draft is published (``services.versions``). Published and
retired rows refuse every write (``VersionFrozen``); the admin offers "Edit in a draft"
instead. Each save keeps its version in the change history (django-simple-history), with
the author when one is given (the admin and the history middleware give the signed-in
user). The JSON import of criteria lives in ``services.criteria``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from qualification.models import Criterion, QualificationPolicy

Definition = Criterion | QualificationPolicy


def definition_save(*, definition: Definition, user: AbstractBaseUser | None = None) -> Definition:
    """Save a draft's criterion or policy whose fields the caller has set (a form, a revert)."""
    with transaction.atomic():
        if user is not None:
            definition._history_user = user
        definition.save()
    return definition


def definitions_delete(*, definitions: QuerySet[Criterion] | QuerySet[QualificationPolicy]) -> int:
    """Delete draft criteria or policies one by one (each refuses if frozen); how many went.

    One by one so each row's own check runs and its history keeps a deletion record; a
    published row among them stops the whole delete.
    """
    deleted = 0
    with transaction.atomic():
        for definition in definitions:
            definition.delete()
            deleted += 1
    return deleted


def criteria_set_active(
    *, criteria: Iterable[Criterion], active: bool, user: AbstractBaseUser | None = None
) -> int:
    """Switch draft criteria on or off one by one (a history version each); how many changed."""
    changed = 0
    with transaction.atomic():
        for criterion in criteria:
            if criterion.is_active == active:
                continue
            criterion.is_active = active
            if user is not None:
                criterion._history_user = user
            criterion.save(update_fields=["is_active", "updated_at"])
            changed += 1
    return changed
