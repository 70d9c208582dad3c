"""Claiming or assigning several leads at once, each on its own, each reported.

A bulk action is the single-lead action (``claims.lead_claim`` / ``lead_assign``) run once
per lead, each in its own transaction: a lead that changed since the page was shown (someone
claimed it, a manager moved it, it left the queue) is refused by the same conditional UPDATE
and left exactly as it is, while the others go through. The rep gets one line per lead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from qualification.models import Lead
from qualification.roles import Perm
from qualification.services.claims import ClaimError, lead_assign, lead_claim

# At most one page of the queue's largest size.
BULK_LIMIT = 100


@dataclass(frozen=True)
class BulkOutcome:
    lead_id: int
    name: str
    done: bool
    message: str


def _names(lead_ids: Sequence[int]) -> dict[int, str]:
    leads = Lead.objects.filter(pk__in=lead_ids).only("first_name", "last_name", "email", "user_id")
    return {lead.pk: lead.display_name for lead in leads}


def _checked(lead_ids: Sequence[int]) -> list[int]:
    ids = list(dict.fromkeys(lead_ids))  # once each, in the order shown
    if not ids:
        raise ValueError("Select at least one lead first.")
    if len(ids) > BULK_LIMIT:
        raise ValueError(f"Select at most {BULK_LIMIT} leads at a time.")
    return ids


def _each(lead_ids: Sequence[int], act: Callable[[int], str]) -> list[BulkOutcome]:
    """Run ``act`` on each lead (it returns what was done, or raises ``ClaimError``)."""
    ids = _checked(lead_ids)
    names = _names(ids)
    outcomes = []
    for lead_id in ids:
        name = names.get(lead_id, f"Lead {lead_id}")
        try:
            said = act(lead_id)
        except ClaimError as error:
            outcomes.append(BulkOutcome(lead_id, name, False, error.message))
            continue
        outcomes.append(BulkOutcome(lead_id, name, True, f"{name}: {said}."))
    return outcomes


def leads_bulk_claim(*, lead_ids: Sequence[int], user) -> list[BulkOutcome]:
    """Claim each unowned lead of ``lead_ids`` for ``user``; say per lead what happened."""
    if not user.has_perm(Perm.WORK_QUEUE):
        raise PermissionDenied(Perm.WORK_QUEUE)

    def claim(lead_id: int) -> str:
        return "claimed" if lead_claim(lead_id=lead_id, user=user).changed else "already yours"

    return _each(lead_ids, claim)


def leads_bulk_assign(
    *,
    lead_ids: Sequence[int],
    user,
    assignee_id: int | None,
    seen_owners: Mapping[int, int | None],
) -> list[BulkOutcome]:
    """Give each lead to ``assignee_id`` if its owner is still the one the manager saw
    (``seen_owners``, from the page); a lead whose owner changed is left and reported."""
    if not user.has_perm(Perm.ASSIGN_LEAD):
        raise PermissionDenied(Perm.ASSIGN_LEAD)

    def assign(lead_id: int) -> str:
        result = lead_assign(
            lead_id=lead_id,
            user=user,
            assignee_id=assignee_id,
            expected_owner_id=seen_owners.get(lead_id),
        )
        return "assigned" if result else "unassigned"

    return _each(lead_ids, assign)
