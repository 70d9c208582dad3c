"""The criteria and policy the rescoring tests score with (fit by country, pricing intent,
teammate invites, a personal-email disqualifier)."""

from __future__ import annotations

from tests.factories import criterion, policy


def scoring_catalog() -> None:
    policy(
        mql_threshold=40,
        mql_min_fit=10,
        pql_usage_threshold=30,
        tier_hot=60,
        tier_warm=40,
        tier_cool=20,
        hand_raiser_events=["Contact Sales Requested"],
        outreach_order="pql_first",
    )
    criterion(
        key="icp-country",
        kind="fit",
        signal_type="attribute",
        attribute="account.country",
        operator="in",
        value=["DE", "FR"],
        points=15,
        reason_template="Based in {country}",
        event_name="",
    )
    criterion(
        key="pricing",
        kind="intent",
        event_name="Pricing Page Viewed",
        threshold=3,
        window_days=7,
        points=30,
        reason_template="Viewed the pricing page {times} {window}",
    )
    criterion(
        key="invites",
        kind="usage",
        event_name="Teammate Invited",
        points=10,
        points_mode="per_occurrence",
        max_occurrences=3,
        reason_template="Invited {count} teammates",
    )
    criterion(
        key="personal-email",
        kind="disqualifier",
        signal_type="attribute",
        attribute="lead.email_domain",
        operator="in",
        value=["gmail.com"],
        points=0,
        reason_template="Uses a personal email address ({value})",
        event_name="",
    )
