"""Accounts (companies) and leads (people at accounts)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from qualification.core.scoring.priority import PRIORITY_UNKNOWN
from qualification.core.vocabulary import QUEUE_PRIORITY
from qualification.models.choices import (
    BusinessModel,
    LifecycleStage,
    Plan,
    PQLKind,
    Qualification,
    Queue,
    Tier,
    values_sql,
)
from qualification.models.fields import DocumentJSONField
from qualification.roles import Perm

# A clock that still runs: nobody has touched the lead, and it has not left the SDR queues
# untouched (``Lead.sla_stopped_at``). The open-clock indexes carry this condition, so the
# alert scan, the queues' SLA filters and the dashboard's open alerts use this one Q.
CLOCK_RUNNING = models.Q(first_touched_at__isnull=True, sla_stopped_at__isnull=True)


class Account(models.Model):
    """A company. Named fields for what criteria commonly use; ``traits`` for anything else."""

    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, unique=True, help_text="Lower-case, no scheme.")
    industry = models.CharField(max_length=100, blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    business_model = models.CharField(
        max_length=3, choices=BusinessModel.choices, default=BusinessModel.B2B
    )
    plan = models.CharField(max_length=10, choices=Plan.choices, default=Plan.NONE)
    traits = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(business_model__in=values_sql(BusinessModel)),
                name="account_business_model_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(plan__in=values_sql(Plan)), name="account_plan_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="account_domain_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.domain})"


class Lead(models.Model):
    """A person at an account, with the precomputed score columns the queues read."""

    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    email = models.EmailField(max_length=254, blank=True)
    user_id = models.CharField(
        max_length=200, blank=True, help_text="The product's user id (Segment userId)."
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=100, blank=True, help_text="First-touch source.")
    external_ids = models.JSONField(
        default=dict, blank=True, help_text="Ids in analytics and CRM tools, by tool name."
    )
    traits = models.JSONField(default=dict, blank=True)
    stage = models.CharField(
        max_length=20, choices=LifecycleStage.choices, default=LifecycleStage.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_leads",
        db_index=False,  # lead_owner_queue (owner, queue) serves owner lookups
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    first_touched_at = models.DateTimeField(null=True, blank=True)
    first_touched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who logged the first touch (it stops the SLA clock).",
    )
    # The SLA clock (services.sla_clocks computes it from the lead's policy and calendar):
    # stored so queues sort by the real deadline and alerts filter on an index.
    sla_started_at = models.DateTimeField(null=True, blank=True)
    sla_warn_at = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    # When the clock stopped without a touch: the lead left the SDR queues (disqualified,
    # recycled, passed to sales) while its clock ran. The clock is kept and judged at
    # that moment (missed if its deadline had passed), so a miss does not vanish from
    # the figures when the lead moves on; policy edits no longer move it.
    sla_stopped_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the SLA clock stopped untouched (the lead left the SDR queues).",
    )
    # Set at first touch: business minutes it took, and whether that was by the deadline.
    sla_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    sla_met = models.BooleanField(null=True, blank=True)

    # Precomputed by the scoring engine; queues read only these columns.
    fit_score = models.IntegerField(default=0)
    intent_score = models.IntegerField(default=0)
    usage_score = models.IntegerField(default=0)
    total_score = models.IntegerField(default=0)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.COLD)
    qualification = models.CharField(
        max_length=4, choices=Qualification.choices, default=Qualification.NONE
    )
    pql_kind = models.CharField(max_length=20, choices=PQLKind.choices, blank=True)
    queue = models.CharField(max_length=4, choices=Queue.choices, default=Queue.NONE)
    qualified_at = models.DateTimeField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True, help_text="Top reasons, strongest first.")
    breakdown = DocumentJSONField(default=dict, blank=True, help_text="Itemized contributions.")
    disqualified_reasons = models.JSONField(default=list, blank=True)
    # The lead's latest event the scoring reads: product use, or an action a criterion,
    # the policy or the live model counts (the aggregation pass's last ``occurred_at``).
    last_signal_at = models.DateTimeField(null=True, blank=True)
    # The queue's sort key within a tier: the score weighted by the freshness of the
    # qualifying signal, as a key that never needs recomputing (core.scoring.priority).
    priority = models.FloatField(default=PRIORITY_UNKNOWN, db_default=PRIORITY_UNKNOWN)
    scored_at = models.DateTimeField(
        null=True, blank=True, help_text="When the stored score last changed."
    )
    score_digest = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="Fingerprint of the stored score; a rescore that computes the same skips the write.",
    )
    criteria_version = models.ForeignKey(
        "qualification.CriteriaVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # read only while a publication's rescore runs; a seq scan is fine
        help_text="The criteria version the stored score was computed with.",
    )
    # The live likelihood model's estimate (core.learning), written by the rescore with the
    # score: the chance that sales accepts the lead, with the factors that moved it most.
    likelihood = models.FloatField(null=True, blank=True)
    likelihood_model = models.ForeignKey(
        "qualification.Recalibration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        help_text="The recalibration whose model computed the likelihood.",
    )
    # Written for every lead a rescore estimates, read whole (lead page, API): ``json``.
    likelihood_factors = DocumentJSONField(default=list, blank=True)
    needs_rescore = models.BooleanField(default=True)
    rescore_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the lead was last marked; a rescore that started "
        "earlier leaves the mark in place so no change is lost.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = list(QUEUE_PRIORITY)
        permissions = [
            (Perm.WORK_QUEUE.codename, "Can work the SDR queues (claim, touch, feedback)"),
            (Perm.ASSIGN_LEAD.codename, "Can assign leads to other reps"),
            (Perm.VIEW_MANAGER_DASHBOARD.codename, "Can view SLA and funnel dashboards"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=values_sql(LifecycleStage)), name="lead_stage_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(tier__in=values_sql(Tier)), name="lead_tier_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(qualification__in=values_sql(Qualification)),
                name="lead_qualification_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(queue__in=values_sql(Queue)), name="lead_queue_valid"
            ),
            # A PQL kind only on PQLs, and every PQL has one.
            models.CheckConstraint(
                condition=(
                    models.Q(qualification=Qualification.PQL, pql_kind__in=values_sql(PQLKind))
                    | (~models.Q(qualification=Qualification.PQL) & models.Q(pql_kind=""))
                ),
                name="lead_pql_kind_only_on_pql",
            ),
            models.CheckConstraint(
                condition=~(models.Q(email="") & models.Q(user_id="")),
                name="lead_has_email_or_user_id",
            ),
            models.CheckConstraint(
                condition=models.Q(claimed_at__isnull=True) | models.Q(owner__isnull=False),
                name="lead_claim_has_owner",
            ),
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="lead_email_unique"
            ),
            models.UniqueConstraint(
                "user_id", condition=~models.Q(user_id=""), name="lead_user_id_unique"
            ),
        ]
        indexes = [
            # Queue ordering (``QUEUE_PRIORITY``): tier, then the freshness-weighted score.
            # ``stage`` rides along (PostgreSQL) so a queue's capped count, which leaves
            # out closed stages, is an index-only scan instead of thousands of heap reads.
            models.Index(
                fields=["queue", "-tier", "-priority"],
                include=["stage"],
                name="lead_queue_priority",
            ),
            models.Index(fields=["owner", "queue"], name="lead_owner_queue"),
            # Open clocks by deadline: the SLA sort, the Overdue filter and the alert scan.
            models.Index(
                fields=["sla_due_at"],
                condition=CLOCK_RUNNING & models.Q(sla_due_at__isnull=False),
                name="lead_sla_running_due",
            ),
            models.Index(
                fields=["sla_warn_at"],
                condition=CLOCK_RUNNING & models.Q(sla_warn_at__isnull=False),
                name="lead_sla_running_warn",
            ),
            # The dashboard's period scans: leads qualified in a date range. The columns its
            # aggregates read ride along (PostgreSQL), so each of its dozen scans of a
            # period reads this narrow index instead of the wide lead rows (scores, reasons,
            # factors): on 100,000 leads the page's SQL went from 660 ms to 330 ms.
            models.Index(
                fields=["qualified_at"],
                include=[
                    "id",
                    "first_touched_at",
                    "sla_due_at",
                    "sla_started_at",
                    "sla_stopped_at",
                    "sla_met",
                    "sla_response_minutes",
                    "owner",
                    "first_touched_by",
                    "stage",
                    "tier",
                    "qualification",
                    "source",
                ],
                name="lead_qualified_period",
            ),
            models.Index(fields=["stage"], name="lead_stage"),
            models.Index(
                fields=["needs_rescore"],
                condition=models.Q(needs_rescore=True),
                name="lead_needs_rescore",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.email or self.user_id


class AnonymousId(models.Model):
    """An anonymous visitor id stitched to a known lead (Segment alias/identify)."""

    anonymous_id = models.CharField(max_length=200, unique=True)
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="anonymous_ids")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.anonymous_id
