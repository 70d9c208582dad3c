"""Writes to the scoring definitions: criteria and the qualification policy.

Every lead's score reads every active criterion and the policy, so each change here asks
for one full rescore (``criteria_changed``) once its transaction commits. One request may
change many definitions in one transaction (a list edit of points, the criteria under a
glossary term, a bulk deactivation); they still cause one full rescore, not one each.
Each save keeps its version in the change history (django-simple-history), with the
author when one is given (the admin and the history middleware give the signed-in user).

The JSON import of criteria lives in ``services.criteria``.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from qualification.models import Criterion, QualificationPolicy
from qualification.services.rescore_requests import criteria_changed

Definition = Criterion | QualificationPolicy

# Set by a change, cleared by the first commit callback that sends the full rescore.
_rescore_pending: ContextVar[bool] = ContextVar("definitions_rescore_pending", default=False)


def definitions_changed() -> None:
    """Rescore every lead once the current transaction commits, however many changes it holds.

    Each change registers the same commit callback; at commit they run one after another
    and only the first sends the request. A rolled-back transaction runs none of them, so
    the flag it leaves set is read by no one until a committed change registers again.
    """
    _rescore_pending.set(True)
    transaction.on_commit(_rescore_everyone_once)


def _rescore_everyone_once() -> None:
    if _rescore_pending.get():
        _rescore_pending.set(False)
        criteria_changed()  # after the commit: it enqueues right away


def definition_save(*, definition: Definition, user: AbstractBaseUser | None = None) -> Definition:
    """Save a criterion or the policy whose fields the caller has set (a form, a revert)."""
    with transaction.atomic():
        if user is not None:
            definition._history_user = user
        definition.save()
        definitions_changed()
    return definition


def definitions_delete(*, definitions: QuerySet[Criterion] | QuerySet[QualificationPolicy]) -> int:
    """Delete criteria or policies (their history keeps a deletion record); how many went."""
    with transaction.atomic():
        _total, per_model = definitions.delete()
        deleted = per_model.get(definitions.model._meta.label, 0)
        if deleted:
            definitions_changed()
    return deleted


def criteria_set_active(
    *, criteria: Iterable[Criterion], active: bool, user: AbstractBaseUser | None = None
) -> int:
    """Switch criteria on or off one by one (a history version each); how many changed."""
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
        if changed:
            definitions_changed()
    return changed
