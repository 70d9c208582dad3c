"""The preview's reads: one aggregation pass for both sides, aliases, activity, outcomes.

The rule-combining tests need no database; the rest use the hand-computed fixture of
``tests/services/preview_helpers.py``.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import timezone

from qualification.core.scoring import PolicySpec, score_lead
from qualification.selectors.aggregation import LeadRange
from qualification.selectors.preview import (
    draft_result_reusable,
    outcome_leads_read,
    preview_activity_read,
    preview_batch_build,
    preview_batch_fetch,
    preview_rules,
    preview_rules_read,
)
from qualification.selectors.scoring_specs import published_version_read
from qualification.selectors.versions import version_content_read
from qualification.services.versions import draft_content_write
from tests import factories
from tests.core.scoring.builders import attribute_criterion, event_criterion
from tests.services.preview_helpers import fixture

PRICING = event_criterion("pricing", event_name="Pricing Page Viewed", window_days=7)
DEMO = event_criterion("demo", event_name="Demo Requested", window_days=30)
SIZE = attribute_criterion("size", "account.employee_count", "gte", 50)


# --- combining the two sides (pure) -----------------------------------------------------------


def test_a_points_change_shares_the_published_columns():
    draft = [dataclasses.replace(PRICING, points=45), DEMO, SIZE]
    rules = preview_rules([PRICING, DEMO, SIZE], PolicySpec(), draft, PolicySpec())
    assert [spec.key for spec in rules.read_criteria] == ["pricing", "demo", "size"]
    assert rules.aliases == {}
    assert [spec.points for spec in rules.draft if spec.key == "pricing"] == [45]


@pytest.mark.parametrize(
    "change",
    [
        {"window_days": 60},
        {"property_filter": {"plan": "pro"}},
        {"measure": "distinct_days"},
        {"half_life_days": 7.0},
        {"event_name": "Demo Booked"},
    ],
)
def test_a_changed_signal_reads_its_own_columns_under_an_alias(change):
    draft = [PRICING, dataclasses.replace(DEMO, **change)]
    rules = preview_rules([PRICING, DEMO], PolicySpec(), draft, PolicySpec())
    read = {spec.key: spec for spec in rules.read_criteria}
    assert set(read) == {"pricing", "demo", "demo~draft"}
    assert read["demo"] == DEMO  # the published side keeps its own
    assert read["demo~draft"] == dataclasses.replace(DEMO, key="demo~draft", **change)
    assert [spec.key for spec in rules.draft] == ["pricing", "demo~draft"]
    assert rules.aliases == {"demo~draft": "demo"}


def test_a_new_criterion_is_read_under_its_own_key_and_policies_are_merged():
    added = event_criterion("webinar", event_name="Webinar Attended")
    published = PolicySpec(hand_raiser_events=("Contact Sales Requested",))
    draft = PolicySpec(
        hand_raiser_events=("Demo Requested", "Contact Sales Requested"),
        limit_events=("Usage Limit Reached",),
    )
    rules = preview_rules([PRICING], published, [PRICING, added], draft)
    assert [spec.key for spec in rules.read_criteria] == ["pricing", "webinar"]
    assert rules.read_policy.hand_raiser_events == ("Contact Sales Requested", "Demo Requested")
    assert rules.read_policy.limit_events == ("Usage Limit Reached",)
    assert rules.same_policy is False
    assert {item.key for item in rules.differing} == {"webinar"}


def test_only_criteria_that_differ_are_watched():
    draft = [dataclasses.replace(PRICING, points=45, id=99), dataclasses.replace(DEMO, id=98)]
    rules = preview_rules([PRICING, DEMO], PolicySpec(), draft, PolicySpec())
    assert rules.same_policy is True
    # The pricing criterion on both sides; the row id alone is no difference.
    assert [(item.key, item.points) for item in rules.differing] == [
        ("pricing", 10),
        ("pricing", 45),
    ]


# --- reading the fixture ---------------------------------------------------------------------


@pytest.mark.django_db
def test_one_pass_reads_both_windows_of_the_changed_demo_criterion(django_assert_num_queries):
    made = fixture()
    published = published_version_read()
    rules = preview_rules_read(published, made.draft)
    assert rules.aliases == {"demo~draft": "demo"}
    assert rules.changed_keys == {"pricing", "demo"}
    now = timezone.now()
    activity = preview_activity_read(rules, now)
    assert activity.draft is None  # no usage criteria: the same on both sides
    ids = [lead.pk for lead in made.leads.values()]
    with django_assert_num_queries(2):  # the leads, and one aggregation pass
        fetched = preview_batch_fetch(LeadRange(min(ids), max(ids)), rules, now)
    with django_assert_num_queries(0):
        inputs = {item.lead.id: item for item in preview_batch_build(fetched, rules, now, activity)}
    l3 = inputs[made.leads["L3"].pk]  # a demo request 45 days ago: only the draft's window
    assert "demo" not in l3.published.events
    assert l3.published.events["demo~draft"].count == 1
    assert l3.draft is l3.published  # same signals object: nothing differs for this lead
    l6 = inputs[made.leads["L6"].pk]
    assert (l6.lead.name, l6.lead.email, l6.lead.stage) == ("l6@big.test", "l6@big.test", "new")
    assert inputs[made.leads["L7"].pk].lead.stage == "sql"
    assert inputs[made.leads["L1"].pk].lead.name == "Lead 1"


@pytest.mark.django_db
def test_a_reused_draft_result_is_the_result_scoring_would_give():
    """Soundness of the shortcut: for every lead it allows, scoring the draft gives the
    published result exactly; it refuses every lead the draft changes."""
    made = fixture()
    rules = preview_rules_read(published_version_read(), made.draft)
    now = timezone.now()
    activity = preview_activity_read(rules, now)
    ids = [lead.pk for lead in made.leads.values()]
    fetched = preview_batch_fetch(ids, rules, now)
    reusable = set()
    for item in preview_batch_build(fetched, rules, now, activity):
        before = score_lead(rules.published, item.published, rules.published_policy, now)
        after = score_lead(rules.draft, item.draft, rules.draft_policy, now)
        if draft_result_reusable(rules, item.published, item.draft):
            reusable.add(item.lead.id)
            assert after == before
    assert reusable == {made.leads["L6"].pk}


@pytest.mark.django_db
def test_differing_usage_criteria_read_account_activity_per_side():
    factories.criterion(
        key="reports",
        name="Reports",
        kind="usage",
        event_name="Report Created",
        threshold=2,
        points=20,
        reason_template="Built {count} reports",
    )
    account = factories.AccountFactory()
    people = factories.LeadFactory.create_batch(3, account=account)
    now = timezone.now()
    for lead, times in zip(people, (3, 2, 1), strict=True):
        factories.events(lead, "Report Created", factories.days_ago(now, *range(1, times + 1)))
    draft = factories.draft()
    content = version_content_read(draft)
    content["criteria"]["reports"]["threshold"] = 1
    draft_content_write(draft=draft, content=content)
    rules = preview_rules_read(published_version_read(), draft)
    activity = preview_activity_read(rules, now)
    assert activity.published.users == {account.pk: 2}
    assert activity.draft is not None
    assert activity.draft.users == {account.pk: 3}
    fetched = preview_batch_fetch([lead.pk for lead in people], rules, now)
    inputs = {i.lead.id: i for i in preview_batch_build(fetched, rules, now, activity)}
    third = inputs[people[2].pk]
    assert (third.published.account_active_users, third.published.account_active) == (2, False)
    assert (third.draft.account_active_users, third.draft.account_active) == (3, True)
    assert third.draft.events == third.published.events


@pytest.mark.django_db
def test_outcomes_are_each_leads_latest_accepted_won_rejected_or_lost():
    leads = factories.LeadFactory.create_batch(4)

    def said(lead, outcome: str) -> None:
        reason = "bad_timing" if outcome in ("rejected", "lost") else ""
        factories.feedback(lead=lead, outcome=outcome, reason=reason)

    said(leads[0], "rejected")
    said(leads[0], "won")
    said(leads[1], "converted")
    said(leads[1], "lost")
    said(leads[1], "no_response")
    said(leads[2], "no_response")
    assert outcome_leads_read() == [(leads[0].pk, True), (leads[1].pk, False)]


@pytest.mark.django_db
def test_the_shortcut_covers_below_threshold_leads_but_not_near_misses():
    factories.criterion(
        key="pages",
        name="Pages",
        event_name="Page Viewed",
        threshold=4,
        window_days=30,
        points=10,
        reason_template="Viewed {count} pages",
    )
    factories.criterion(
        key="head",
        name="Head of something",
        kind="fit",
        signal_type="attribute",
        attribute="lead.title",
        operator="contains",
        value="Head",
        points=10,
        reason_template="Title: {value}",
    )
    now = timezone.now()
    leads = {}
    for name, views, title in (
        ("none", 0, "Engineer"),
        ("one", 1, "Engineer"),  # 1 of 4: not even nearly there
        ("two", 2, "Engineer"),  # 2 of 4: a near miss, which the draft words differently
        ("four", 4, "Engineer"),  # fires
        ("head", 0, "Head of Data"),  # the changed attribute criterion matches
    ):
        leads[name] = factories.LeadFactory(title=title)
        factories.events(leads[name], "Page Viewed", factories.days_ago(now, *range(1, views + 1)))
    draft = factories.draft()
    content = version_content_read(draft)
    content["criteria"]["pages"]["points"] = 15
    content["criteria"]["head"]["points"] = 5
    draft_content_write(draft=draft, content=content)
    rules = preview_rules_read(published_version_read(), draft)
    activity = preview_activity_read(rules, now)
    fetched = preview_batch_fetch([lead.pk for lead in leads.values()], rules, now)
    reusable = set()
    for item in preview_batch_build(fetched, rules, now, activity):
        before = score_lead(rules.published, item.published, rules.published_policy, now)
        after = score_lead(rules.draft, item.draft, rules.draft_policy, now)
        if draft_result_reusable(rules, item.published, item.draft):
            reusable.add(item.lead.id)
            assert after == before
        else:
            assert after != before
    assert reusable == {leads["none"].pk, leads["one"].pk}
