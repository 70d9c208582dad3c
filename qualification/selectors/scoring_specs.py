"""The criteria and the policy a rescore scores with, read as the pure engine's specs.

The engine never sees a model: these two reads turn the active ``Criterion`` rows and
the active ``QualificationPolicy`` into the frozen specs of ``core.scoring``.
"""

from __future__ import annotations

from typing import Any

from qualification.core.scoring.types import CriterionSpec, PolicySpec
from qualification.models import Criterion, QualificationPolicy


def criteria_specs_read() -> list[CriterionSpec]:
    """The active criteria as engine specs (one query)."""
    rows = Criterion.objects.filter(is_active=True).select_related("glossary_term")
    specs = []
    for criterion in rows:
        data: dict[str, Any] = criterion.definition()
        data.update(
            id=criterion.pk,
            key=criterion.key,
            name=criterion.name,
            applies_to=criterion.applies_to,
            glossary_term=criterion.glossary_term.slug if criterion.glossary_term else None,
        )
        specs.append(CriterionSpec.from_mapping(data))
    return specs


def policy_spec_read() -> PolicySpec:
    """The active qualification policy, or the defaults when ops have not made one."""
    policy = QualificationPolicy.objects.filter(is_active=True).first()
    if policy is None:
        return PolicySpec()
    return PolicySpec(
        mql_threshold=policy.mql_threshold,
        mql_min_fit=policy.mql_min_fit,
        pql_usage_threshold=policy.pql_usage_threshold,
        tier_hot=policy.tier_hot,
        tier_warm=policy.tier_warm,
        tier_cool=policy.tier_cool,
        outreach_order=policy.outreach_order,
        hand_raiser_events=tuple(policy.hand_raiser_events),
        limit_events=tuple(policy.limit_events),
        purchase_events=tuple(policy.purchase_events),
        account_pql_min_users=policy.account_pql_min_users,
        account_pql_window_days=policy.account_pql_window_days,
    )
