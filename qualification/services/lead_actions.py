"""What an SDR does to a lead: first touch, feedback, recycle, disqualify.

Every action is keyword-only, runs in one transaction on a locked row, checks the role on
the server, and leaves a record (a Feedback entry or a StageTransition). When the form the
SDR saw is out of date (``expected_updated_at`` no longer matches) nothing is written and
the SDR is told who changed the lead and when, so no one's work is overwritten silently.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from qualification.core.vocabulary import SDR_QUEUES, SDR_WORKABLE_STAGES
from qualification.models import Feedback, Lead, LeadActivity, StageTransition, user_display_name
from qualification.models.choices import (
    FeedbackOutcome,
    FeedbackReason,
    LifecycleStage,
    TransitionCause,
)
from qualification.models.learning import SnapshotMoment
from qualification.roles import Perm
from qualification.selectors.sla import sla_policies_read
from qualification.services.rescore_requests import leads_mark_for_rescore
from qualification.services.sla_clocks import sla_clocks_refresh, touch_figures
from qualification.services.snapshots import lead_snapshot_take

# Rejections that mean "never a buyer"; any other rejection goes back to nurture.
DISQUALIFYING_REJECTIONS = frozenset(
    {FeedbackReason.NOT_ICP, FeedbackReason.STUDENT, FeedbackReason.COMPETITOR, FeedbackReason.SPAM}
)
OUTCOME_STAGE: dict[str, str] = {
    FeedbackOutcome.ACCEPTED: LifecycleStage.SQL,
    FeedbackOutcome.CONVERTED: LifecycleStage.OPPORTUNITY,
    FeedbackOutcome.WON: LifecycleStage.CUSTOMER,
    FeedbackOutcome.LOST: LifecycleStage.RECYCLED,
}
MAX_REASON = 300
EXIT_FIELDS = ("stage", "queue", "sla_stopped_at")  # what ``_move`` changes on the lead


class LeadChanged(Exception):
    """The lead changed since the SDR's page loaded; the message says who and when."""


class NotYourLead(PermissionDenied):
    """The lead is someone else's: the message names the owner and who else may act."""


def _require_role(user) -> None:
    if not user.has_perm(Perm.WORK_QUEUE):
        raise PermissionDenied("Only SDRs and managers can work leads.")


def may_work(lead: Lead, user) -> bool:
    """Whether ``user`` may touch, give feedback on, recycle or disqualify ``lead``.

    An SDR works their own leads and unowned ones (a first touch claims an unowned queue
    lead); a claimed lead is its owner's, so a colleague cannot stop its SLA clock or move
    it out of the funnel. Whoever may assign leads (managers) acts on any lead, for a rep.
    The lead page offers the actions by this same rule, so it never offers a refusal.
    """
    return lead.owner_id in (None, user.pk) or user.has_perm(Perm.ASSIGN_LEAD)


def owner_only_message(lead: Lead, doing: str) -> str:
    """The refusal the services raise and the lead page shows, naming the owner:
    "Owned by Kim Lee: only Kim Lee or a manager can <doing>."."""
    owner = user_display_name(lead.owner)
    return f"Owned by {owner}: only {owner} or a manager can {doing}."


def _name(who, fallback: str = "someone") -> str:
    return user_display_name(who) if who is not None else fallback


def _last_change_by(lead: Lead) -> str:
    """Who most recently changed the lead, as far as the records tell.

    Every change a person makes leaves a record with its time: a stage transition, a
    feedback entry, or an activity (a claim, an assignment, a first touch). A rescore that
    changed the score leaves ``scored_at``. The latest of these is the answer, so a
    colleague's claim is reported as theirs, and "the scoring engine" is named only when a
    rescore really came last (the transitions it records have no actor and the rescore's
    own time, so they count as the engine's too).
    """
    candidates: list[tuple[datetime, int, str]] = []  # (when, tie-break, who)
    if lead.scored_at is not None:
        candidates.append((lead.scored_at, 0, "the scoring engine"))
    transition = lead.transitions.select_related("actor").order_by("-occurred_at", "-id").first()
    if transition is not None:
        who = _name(
            transition.actor,
            "the scoring engine" if transition.cause == TransitionCause.CRITERION else "someone",
        )
        candidates.append((transition.occurred_at, 1, who))
    feedback = lead.feedback.select_related("author").order_by("-created_at", "-id").first()
    if feedback is not None:
        candidates.append((feedback.created_at, 1, _name(feedback.author)))
    activity = lead.activities.select_related("actor").order_by("-occurred_at", "-id").first()
    if activity is not None:
        candidates.append((activity.occurred_at, 1, _name(activity.actor)))
    if not candidates:
        return "someone"
    return max(candidates, key=lambda c: (c[0], c[1]))[2]


def _locked_lead(lead_id: int, expected_updated_at: datetime | None, *, user, doing: str) -> Lead:
    """The lead, locked for this transaction; refuses a stale copy (naming who changed it),
    then someone else's lead (``may_work``, on the locked row, so a claim counts)."""
    try:
        lead = Lead.objects.select_for_update().get(pk=lead_id)
    except Lead.DoesNotExist as exc:
        raise Lead.DoesNotExist(f"No lead with id {lead_id}.") from exc
    if expected_updated_at is not None and lead.updated_at != expected_updated_at:
        when = date_format(timezone.localtime(lead.updated_at), "H:i")
        raise LeadChanged(
            f"This lead was changed by {_last_change_by(lead)} at {when}; "
            "reload the page to see the change. Nothing was saved."
        )
    if not may_work(lead, user):
        raise NotYourLead(f"{owner_only_message(lead, doing)} Nothing was saved.")
    return lead


def _move(lead: Lead, *, to_stage: str, cause: str, user, reason: str, now: datetime) -> None:
    """Move the lead and record the transition (no record when it is already there)."""
    if lead.stage == to_stage:
        return
    StageTransition.objects.create(
        lead=lead,
        from_stage=lead.stage,
        to_stage=to_stage,
        cause=cause,
        actor=user,
        reason=reason[:MAX_REASON],
        occurred_at=now,
    )
    lead.stage = to_stage
    if to_stage not in SDR_WORKABLE_STAGES and lead.queue in SDR_QUEUES:
        # Out of the SDR queues at once, not only after the rescore this action enqueues.
        lead.queue = "none"
        running = lead.first_touched_at is None and lead.sla_stopped_at is None
        if running and lead.sla_due_at is not None:
            lead.sla_stopped_at = now  # judged here, so a miss stays a miss (sla_clocks)


@transaction.atomic
def lead_first_touch(*, lead_id: int, user, expected_updated_at: datetime | None = None) -> Lead:
    """Log the first touch once: it stops the SLA clock, so a second one must not move it.

    Whoever reaches out to an unowned queue lead is working it, so the touch also claims it
    (owner, claim time, a "claimed" activity): otherwise the lead would sit in the shared
    queue, touched but ownerless, for a colleague to touch again. Someone else's lead is
    touched only by its owner or a manager (``may_work``); an SDR is told whose it is.

    The clock is recomputed before the figures are taken, inside this transaction, so the
    recorded business minutes and "met" use the clock as it now is (a claim starts the clock
    of a policy that starts at assignment).
    """
    _require_role(user)
    lead = _locked_lead(lead_id, expected_updated_at, user=user, doing="log its first touch")
    if lead.first_touched_at is not None:
        when = date_format(timezone.localtime(lead.first_touched_at), "j M Y, H:i")
        raise ValidationError(
            {
                "first_touched_at": f"First touch was already logged at {when}; the SLA clock stopped then."
            }
        )
    now = timezone.now()
    fields = ["first_touched_at", "first_touched_by", "sla_response_minutes", "sla_met"]
    if lead.owner_id is None and lead.stage in SDR_WORKABLE_STAGES:
        lead.owner, lead.claimed_at = user, now
        fields += ["owner", "claimed_at"]
        Lead.objects.filter(pk=lead.pk).update(owner=user, claimed_at=now)
        LeadActivity.objects.create(
            lead=lead, kind=LeadActivity.Kind.CLAIMED, actor=user, occurred_at=now
        )
    policies = sla_policies_read()
    sla_clocks_refresh(lead_ids=[lead.pk], policies=policies)
    lead.refresh_from_db(fields=["sla_started_at", "sla_warn_at", "sla_due_at"])
    figures = touch_figures(lead, now, policies)
    lead.first_touched_at = now
    lead.first_touched_by = user
    lead.sla_response_minutes = figures.business_minutes
    lead.sla_met = figures.met
    lead.save(update_fields=[*fields, "updated_at"])
    LeadActivity.objects.create(
        lead=lead, kind=LeadActivity.Kind.FIRST_TOUCH, actor=user, occurred_at=now
    )
    # What learning reads about this lead: it as it was when sales first acted.
    lead_snapshot_take(lead=lead, moment=SnapshotMoment.FIRST_TOUCH, now=now)
    return lead


def touch_claimed(lead: Lead, user) -> bool:
    """Whether this first touch also made ``user`` the owner (the claim has the touch's time)."""
    return (
        lead.owner_id == user.pk
        and lead.claimed_at is not None
        and lead.claimed_at == lead.first_touched_at
    )


def feedback_stage(outcome: str, reason: str) -> str | None:
    """Where feedback moves a lead (None: it stays; no response changes nothing)."""
    if outcome == FeedbackOutcome.REJECTED:
        if reason in DISQUALIFYING_REJECTIONS:
            return LifecycleStage.DISQUALIFIED
        return LifecycleStage.RECYCLED
    return OUTCOME_STAGE.get(outcome)


@transaction.atomic
def feedback_record(
    *,
    lead_id: int,
    user,
    outcome: str,
    reason: str = "",
    note: str = "",
    expected_updated_at: datetime | None = None,
) -> Feedback:
    """Store what sales learned, move the stage it implies, and queue a rescore.

    Validation runs before the lock is worth anything: an invalid entry raises a
    ValidationError naming the field, and nothing is written.
    """
    _require_role(user)
    if outcome not in FeedbackOutcome.values:
        raise ValidationError({"outcome": "Choose an outcome from the list."})
    if reason and reason not in FeedbackReason.values:
        raise ValidationError({"reason": "Choose a reason from the list."})
    lead = _locked_lead(lead_id, expected_updated_at, user=user, doing="log feedback on it")
    # Feedback without a touch is the first time sales acted: keep the lead as it was
    # before this feedback moves it (no-op when the touch or earlier feedback took one).
    lead_snapshot_take(lead=lead, moment=SnapshotMoment.FEEDBACK, now=timezone.now())
    feedback = Feedback(lead=lead, outcome=outcome, reason=reason, note=note.strip(), author=user)
    feedback.clean()
    feedback.save()
    target = feedback_stage(outcome, reason)
    if target is not None:
        label = FeedbackOutcome(outcome).label
        if reason:
            label = f"{label}: {FeedbackReason(reason).label}"
        _move(
            lead,
            to_stage=target,
            cause=TransitionCause.FEEDBACK,
            user=user,
            reason=label,
            now=feedback.created_at,
        )
    lead.save(update_fields=[*EXIT_FIELDS, "updated_at"])
    leads_mark_for_rescore(lead_ids=[lead.pk])
    return feedback


def _manual_exit(
    *,
    lead_id: int,
    user,
    reason: str,
    to_stage: str,
    doing: str,
    expected_updated_at: datetime | None,
) -> Lead:
    _require_role(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why, so the next person knows."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    lead = _locked_lead(lead_id, expected_updated_at, user=user, doing=doing)
    if lead.stage == to_stage:
        label = LifecycleStage(to_stage).label.lower()
        raise ValidationError({"reason": f"This lead is already {label}."})
    _move(
        lead,
        to_stage=to_stage,
        cause=TransitionCause.MANUAL,
        user=user,
        reason=reason,
        now=timezone.now(),
    )
    lead.save(update_fields=[*EXIT_FIELDS, "updated_at"])
    leads_mark_for_rescore(lead_ids=[lead.pk])
    return lead


@transaction.atomic
def lead_recycle(
    *, lead_id: int, user, reason: str, expected_updated_at: datetime | None = None
) -> Lead:
    """Back to nurture with a reason: not now, but maybe later."""
    return _manual_exit(
        lead_id=lead_id,
        user=user,
        reason=reason,
        to_stage=LifecycleStage.RECYCLED,
        doing="recycle it",
        expected_updated_at=expected_updated_at,
    )


@transaction.atomic
def lead_disqualify(
    *, lead_id: int, user, reason: str, expected_updated_at: datetime | None = None
) -> Lead:
    """Out of the funnel with a reason (outside the ICP, spam, competitor ...)."""
    return _manual_exit(
        lead_id=lead_id,
        user=user,
        reason=reason,
        to_stage=LifecycleStage.DISQUALIFIED,
        doing="disqualify it",
        expected_updated_at=expected_updated_at,
    )
