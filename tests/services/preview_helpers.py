"""The hand-computed preview fixture the preview tests share (services and selectors).

Published rules: "Pricing views" (2 pricing page views in 7 days: 30 intent points),
"Demo request" (a demo request in 30 days: 20 intent), "Company size" (at least 50
employees: 20 fit). Policy: MQL at 60 (fit ≥ 10), tiers hot 80, warm 50, cool 25.
The draft raises pricing to 45 points and widens the demo window to 60 days, a changed
signal that the preview reads under the alias key ``demo~draft``.

| lead | stage | events                       | fit | published      | draft          |
| ---- | ----- | ---------------------------- | --- | -------------- | -------------- |
| L1   | new   | 2 pricing                    | 20  | 50 warm        | 65 warm, MQL   |
| L2   | new   | 2 pricing, demo 10 days ago  | 20  | 70 warm, MQL   | 85 hot, MQL    |
| L3   | new   | demo 45 days ago             | 20  | 20 cold        | 40 cool        |
| L4   | new   | 2 pricing, demo 45 days ago  | 20  | 50 warm        | 85 hot, MQL    |
| L5   | new   | 2 pricing (10-person company)| 0   | 30 cool        | 45 cool        |
| L6   | new   | none (and no name)           | 20  | 20 cold        | 20 cold        |
| L7   | sql   | 2 pricing, demo 45 days ago  | 20  | 50 warm        | 85 hot (sales owns it: no queue) |

So the MQL queue gains L1 and L4 and loses nobody; tiers change for L2, L3, L4, L7.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils import timezone

from qualification.models import CriteriaVersion, Criterion, Lead
from tests import factories

PRICING = "Pricing Page Viewed"
DEMO = "Demo Requested"


class Fixture(NamedTuple):
    draft: CriteriaVersion
    leads: dict[str, Lead]  # "L1" ... "L7"


def published_rules() -> None:
    factories.criterion(
        key="pricing",
        name="Pricing views",
        event_name=PRICING,
        threshold=2,
        window_days=7,
        points=30,
        reason_template="Viewed the pricing page {times} {window}",
    )
    factories.criterion(
        key="demo",
        name="Demo request",
        event_name=DEMO,
        window_days=30,
        points=20,
        reason_template="Asked for a demo {last_seen}",
    )
    factories.criterion(
        key="size",
        name="Company size",
        kind="fit",
        signal_type="attribute",
        attribute="account.employee_count",
        operator="gte",
        value=50,
        points=20,
        reason_template="{employees} employees",
    )
    factories.policy(mql_threshold=60, mql_min_fit=10, tier_hot=80, tier_warm=50, tier_cool=25)


def draft_of_the_fixture(**kwargs) -> CriteriaVersion:
    """The draft: pricing 30 → 45 points, demo window 30 → 60 days."""
    draft = factories.draft(title="Pricing counts more", **kwargs)
    pricing = Criterion.objects.get(version=draft, key="pricing")
    pricing.points = 45
    pricing.save()
    demo = Criterion.objects.get(version=draft, key="demo")
    demo.window_days = 60
    demo.save()
    draft.refresh_from_db()
    return draft


def leads_of_the_fixture() -> dict[str, Lead]:
    now = timezone.now()
    big = factories.AccountFactory(name="Big Co", employee_count=120)
    small = factories.AccountFactory(name="Tiny Co", employee_count=10)
    made: dict[str, Lead] = {}
    for n in range(1, 8):
        made[f"L{n}"] = factories.LeadFactory(
            account=small if n == 5 else big,
            first_name="" if n == 6 else "Lead",
            last_name="" if n == 6 else str(n),
            email=f"l{n}@big.test",
            stage="sql" if n == 7 else "new",
        )
    pricing = factories.days_ago(now, 1, 2)
    for name in ("L1", "L2", "L4", "L5", "L7"):
        factories.events(made[name], PRICING, pricing)
    factories.events(made["L2"], DEMO, factories.days_ago(now, 10))
    for name in ("L3", "L4", "L7"):
        factories.events(made[name], DEMO, factories.days_ago(now, 45))
    return made


def fixture() -> Fixture:
    published_rules()
    leads = leads_of_the_fixture()
    return Fixture(draft_of_the_fixture(), leads)
