"""The criteria and the policy a rescore scores with, read as the pure engine's specs.

The engine never sees a model: these two reads turn a criteria version's active
``Criterion`` rows and its ``QualificationPolicy`` into the frozen specs of
``core.scoring``. Without a version they read the published one: what scoring applies.
"""

from __future__ import annotations

from typing import Any

from qualification.core.scoring.types import CriterionSpec, PolicySpec
from qualification.models import CriteriaVersion, Criterion, QualificationPolicy, VersionStatus


def published_version_read() -> CriteriaVersion | None:
    """The one published version (None only in a database nothing has been put in yet)."""
    return CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED).first()


def criteria_specs_read(version: CriteriaVersion | int | None = None) -> list[CriterionSpec]:
    """A version's active criteria as engine specs (one query); the published by default."""
    rows = _of_version(Criterion.objects, version).filter(is_active=True)
    rows = rows.select_related("glossary_term").order_by("kind", "-points", "name", "key")
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


def policy_spec_read(version: CriteriaVersion | int | None = None) -> PolicySpec:
    """A version's policy (the published by default), or the defaults when it has none."""
    policy = _of_version(QualificationPolicy.objects, version).first()
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


def _of_version(manager, version: CriteriaVersion | int | None):
    if version is None:
        return manager.filter(version__status=VersionStatus.PUBLISHED)
    return manager.filter(version_id=version if isinstance(version, int) else version.pk)
