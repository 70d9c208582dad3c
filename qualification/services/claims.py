"""Claiming and assigning leads: one conditional UPDATE, so a race has exactly one winner.

Two SDRs pressing "Claim" at the same moment both send ``UPDATE ... WHERE owner IS NULL``; the
database lets one through and the other's WHERE no longer matches (PostgreSQL re-checks the row
after the first commit). The loser is then told who has the lead. A manager's assignment is
conditional the same way on the owner they saw, so nobody's change is overwritten silently.

Each change of owner recomputes the lead's stored SLA clock in the same transaction: a policy
that starts at assignment starts (or, on unassign, stops) its clock at that moment, and the
queue, its SLA filter and the alert scan all read the stored clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qualification.core.vocabulary import SDR_WORKABLE_STAGES
from qualification.models import Lead, LeadActivity, user_display_name
from qualification.roles import Perm
from qualification.services.sla_clocks import sla_clocks_refresh


class ClaimError(Exception):
    """The claim or assignment did not happen; ``message`` says why, in the SDR's words."""

    def __init__(self, message: str, *, owner=None) -> None:
        super().__init__(message)
        self.message = message
        self.owner = owner


@dataclass(frozen=True)
class ClaimResult:
    lead_id: int
    owner_id: int
    claimed_at: datetime
    changed: bool  # False when the user already owned it (a double click)


def _explain_miss(lead_id: int, user) -> tuple[Lead, str]:
    lead = Lead.objects.select_related("owner").filter(pk=lead_id).first()
    if lead is None:
        raise ClaimError("This lead no longer exists.")
    if lead.stage not in SDR_WORKABLE_STAGES:
        raise ClaimError(
            f"{lead.display_name} is no longer in an SDR queue (stage: "
            f"{lead.get_stage_display()}); it was moved meanwhile."
        )
    if lead.owner is None:
        return lead, ""
    if lead.owner_id == user.pk:
        return lead, "yours"
    return lead, f"{user_display_name(lead.owner)} has {lead.display_name}"


def _open_lead(lead_id: int) -> Q:
    return Q(pk=lead_id, stage__in=SDR_WORKABLE_STAGES)


@transaction.atomic
def lead_claim(*, lead_id: int, user) -> ClaimResult:
    """Make ``user`` the owner of an unowned lead in an SDR-workable stage.

    Claiming a lead you already own is a no-op, not an error (a double click).
    """
    now = timezone.now()
    updated = Lead.objects.filter(_open_lead(lead_id), owner__isnull=True).update(
        owner=user, claimed_at=now, updated_at=now
    )
    if updated:
        LeadActivity.objects.create(
            lead_id=lead_id, kind=LeadActivity.Kind.CLAIMED, actor=user, occurred_at=now
        )
        sla_clocks_refresh(lead_ids=[lead_id])
        return ClaimResult(lead_id, user.pk, now, changed=True)
    lead, why = _explain_miss(lead_id, user)
    if why == "yours":
        return ClaimResult(lead_id, user.pk, lead.claimed_at or now, changed=False)
    raise ClaimError(f"{why} already.", owner=lead.owner)


@transaction.atomic
def lead_assign(
    *, lead_id: int, user, assignee_id: int | None, expected_owner_id: int | None
) -> ClaimResult | None:
    """A manager gives a lead to ``assignee_id`` (None: back to unassigned).

    Only if the owner is still ``expected_owner_id`` (what the manager saw), so an SDR's claim
    in between is never overwritten; the manager is told who has it instead.
    """
    if not user.has_perm(Perm.ASSIGN_LEAD):
        raise ClaimError("Only managers can assign leads to someone else.")
    assignee = None
    if assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None or not assignee.has_perm(Perm.WORK_QUEUE):
            raise ClaimError("Leads can only be assigned to people who work the queues.")
    now = timezone.now()
    seen = Q(owner__isnull=True) if expected_owner_id is None else Q(owner_id=expected_owner_id)
    updated = Lead.objects.filter(_open_lead(lead_id) & seen).update(
        owner=assignee, claimed_at=now if assignee else None, updated_at=now
    )
    if updated:
        note = f"to {user_display_name(assignee)}" if assignee else "unassigned"
        LeadActivity.objects.create(
            lead_id=lead_id, kind=LeadActivity.Kind.ASSIGNED, actor=user, note=note, occurred_at=now
        )
        sla_clocks_refresh(lead_ids=[lead_id])
        return ClaimResult(lead_id, assignee.pk, now, True) if assignee else None
    lead, why = _explain_miss(lead_id, user)
    if why == "yours":
        why = f"You have {lead.display_name}"
    if not why:
        why = f"{lead.display_name} was released"
    raise ClaimError(f"{why} now; nothing was changed. Look again and retry.", owner=lead.owner)
