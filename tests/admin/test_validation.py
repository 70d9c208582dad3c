"""Bad input in an admin form comes back as an error next to its field: never a 500, never saved."""

from __future__ import annotations

from typing import Any

import pytest

from qualification.core.scoring.validation import REASON_PLACEHOLDERS
from qualification.models import (
    Account,
    CriteriaVersion,
    Criterion,
    Lead,
    MessageTemplate,
    QualificationPolicy,
    SLAPolicy,
    VersionStatus,
)
from tests import factories
from tests.admin.helpers import admin_url, form_data, post_change

pytestmark = pytest.mark.django_db


def _add(client, model, **fields: Any):
    """POST the add form of ``model`` with the page's defaults overridden by ``fields``."""
    url = admin_url(model, "add")
    data = form_data(client.get(url))
    data.update({k: v for k, v in fields.items() if v is not None})
    for name in [k for k, v in fields.items() if v is None]:
        data.pop(name, None)
    return client.post(url, data)


def _draft():
    """The draft new criteria go into (made once per test, as "Edit in a new draft" would)."""
    return CriteriaVersion.objects.filter(status=VersionStatus.DRAFT).first() or factories.draft()


def _add_criterion(client, **fields: Any):
    """POST the add form of a criterion into a draft, like ``_add``."""
    draft = _draft()
    url = admin_url(Criterion, "add") + f"?version={draft.pk}"
    data = form_data(client.get(url))
    data.update({k: v for k, v in fields.items() if v is not None})
    for name in [k for k, v in fields.items() if v is None]:
        data.pop(name, None)
    return client.post(url, data)


def _draft_policy() -> QualificationPolicy:
    return QualificationPolicy.objects.get(version=_draft())


def _errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.context["adminform"].form.errors


EVENT_CRITERION = {
    "key": "pricing-views",
    "name": "Pricing page views",
    "kind": "intent",
    "applies_to": "both",
    "signal_type": "event",
    "event_name": "Pricing Page Viewed",
    "property_filter": "{}",
    "measure": "count",
    "threshold": "3",
    "window_days": "7",
    "points": "15",
    "points_mode": "once",
    "reason_template": "Viewed the pricing page {times} {window}",
    "owner_team": "marketing",
    "is_active": "on",
}
ATTRIBUTE_CRITERION = {
    **EVENT_CRITERION,
    "key": "target-countries",
    "name": "Target countries",
    "kind": "fit",
    "signal_type": "attribute",
    "event_name": "",
    "window_days": "",
    "attribute": "account.country",
    "operator": "in",
    "value": '["DE", "FR"]',
    "reason_template": "Based in {country}",
}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({**EVENT_CRITERION, "window_days": "-3"}, "window_days", "greater than or equal to"),
        ({**EVENT_CRITERION, "window_days": "0"}, "window_days", "greater than or equal to 1"),
        ({**ATTRIBUTE_CRITERION, "operator": "approx"}, "operator", "Select a valid choice"),
        ({**ATTRIBUTE_CRITERION, "value": '"DE"'}, "value", "non-empty JSON list"),
        (
            {**ATTRIBUTE_CRITERION, "operator": "between", "value": "[500, 50]"},
            "value",
            "lower bound",
        ),
        ({**ATTRIBUTE_CRITERION, "value": '["DE", '}, "value", "Enter a valid JSON"),
        (
            {**EVENT_CRITERION, "property_filter": "{feature"},
            "property_filter",
            "Enter a valid JSON",
        ),
        ({**EVENT_CRITERION, "property_filter": '{"a": [1]}'}, "property_filter", "JSON object"),
        ({**EVENT_CRITERION, "reason_template": "Visited {page}"}, "reason_template", "{page}"),
        ({**EVENT_CRITERION, "reason_template": "Broken {"}, "reason_template", "not valid"),
        ({**EVENT_CRITERION, "kind": "negative", "points": "5"}, "points", "take points away"),
        (
            {**EVENT_CRITERION, "measure": "distinct_days", "window_days": ""},
            "window_days",
            "needs a window",
        ),
        ({**EVENT_CRITERION, "event_name": ""}, "event_name", "Name the event"),
        (
            {**EVENT_CRITERION, "event_name": "Pricing Page Vewed"},
            "event_name",
            "add it under Event types",
        ),
        ({**ATTRIBUTE_CRITERION, "attribute": "lead.salary"}, "attribute", "lead.<field>"),
    ],
)
def test_bad_criterion_is_refused_next_to_its_field(ops_client, fields, field, message):
    response = _add_criterion(ops_client, **fields)
    errors = _errors(response)
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert message.replace("<", "&lt;").replace(">", "&gt;") in response.content.decode()
    assert not Criterion.objects.exists()


def test_a_refused_json_input_is_reported_once(ops_client):
    """The model sees the old value of a refused field; its complaint would only add noise."""
    response = _add_criterion(ops_client, **{**ATTRIBUTE_CRITERION, "value": "[1,"})
    assert _errors(response)["value"] == ["Enter a valid JSON."]


@pytest.mark.parametrize(
    "fields", [EVENT_CRITERION, ATTRIBUTE_CRITERION], ids=["event", "attribute"]
)
def test_valid_criterion_is_saved_with_its_author_in_history(ops_client, fields):
    response = _add_criterion(ops_client, **fields)
    assert response.status_code == 302
    saved = Criterion.objects.get()
    assert saved.history.get().history_user.username == "ops"


def test_blank_property_filter_is_saved_as_an_empty_object(ops_client):
    assert (
        _add_criterion(ops_client, **{**EVENT_CRITERION, "property_filter": ""}).status_code == 302
    )
    assert Criterion.objects.get().property_filter == {}


def test_criterion_form_explains_every_reason_placeholder(ops_client):
    page = ops_client.get(admin_url(Criterion, "add") + f"?version={_draft().pk}")
    page = page.content.decode()
    for name in REASON_PLACEHOLDERS:
        assert "{" + name + "}" in page
    for legend in ("What it is", "Event signal", "Attribute signal", "Points", "Reason"):
        assert legend in page


def test_list_edit_of_a_criterion_invalid_elsewhere_shows_an_error_not_a_500(ops_client):
    crit = factories.criterion(version=_draft(), owner_team="marketing", points=15)
    Criterion.objects.filter(pk=crit.pk).update(reason_template="Visited {page}")
    response = ops_client.post(
        admin_url(Criterion, "changelist") + f"?version__id__exact={crit.version_id}",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(crit.pk),
            "form-0-points": "30",
            "form-0-is_active": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "Unknown placeholder" in response.content.decode()
    crit.refresh_from_db()
    assert crit.points == 15


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"event_name": "Pricing Page Vewed"}, "event_name", "add it under Event types"),
        ({"reason_template": "Visited {page}"}, "reason_template", "{page}"),
        ({"reason_template": "Broken {"}, "reason_template", "not valid"),
    ],
)
def test_editing_a_criterion_in_a_draft_is_validated_next_to_its_field(
    ops_client, changes, field, message
):
    """The copy "Edit in a draft" opens gets the same checks as any criterion form."""
    live = factories.criterion(points=15)
    response = ops_client.post(admin_url(live, "edit_in_draft", live.pk))
    copy = Criterion.objects.get(version=_draft(), key=live.key)
    assert response["Location"].startswith(admin_url(copy, "change", copy.pk))
    errors = _errors(post_change(ops_client, copy, **changes, points="30"))
    assert message in " ".join(errors[field])
    copy.refresh_from_db()
    assert copy.points == 15


SLA = {
    "queue": "pql",
    "tier": "4",
    "response_minutes": "60",
    "warning_percent": "75",
    "clock_starts": "qualification",
}


def _sla(**fields: Any) -> dict[str, Any]:
    """A policy's form data on a fresh calendar (hours and days live on the calendar)."""
    calendar = factories.calendar(timezone="Europe/Berlin")
    return {**SLA, "calendar": str(calendar.pk), **fields}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"response_minutes": "0"}, "response_minutes", "at least 1 business minute"),
        ({"warning_percent": "100"}, "warning_percent", "before the deadline"),
        ({"clock_starts": "never"}, "clock_starts", "Select a valid choice"),
        ({"calendar": "999999"}, "calendar", "Select a valid choice"),
    ],
)
def test_bad_sla_policy_is_refused_next_to_its_field(ops_client, fields, field, message):
    errors = _errors(_add(ops_client, SLAPolicy, **_sla(**fields)))
    assert message in " ".join(errors[field])
    assert not SLAPolicy.objects.exists()


def test_second_sla_policy_for_a_queue_and_tier_is_an_error(ops_client):
    assert _add(ops_client, SLAPolicy, **_sla()).status_code == 302
    response = _add(ops_client, SLAPolicy, **_sla())
    assert "already exists" in response.content.decode()
    assert SLAPolicy.objects.count() == 1


def test_message_template_with_unknown_placeholder_is_refused(ops_client):
    errors = _errors(
        _add(
            ops_client,
            MessageTemplate,
            name="Limit",
            trigger="usage_limit",
            subject="Hi",
            body="Hi {first_name}, about {budget}",
            is_active="on",
        )
    )
    assert "Unknown placeholder(s): budget" in " ".join(errors["body"])
    assert not MessageTemplate.objects.exists()


def test_policy_tiers_must_descend(ops_client):
    errors = _errors(post_change(ops_client, _draft_policy(), tier_warm="90"))
    assert "must descend" in " ".join(errors["tier_warm"])


def test_policy_event_lists_must_name_known_events(ops_client):
    policy = _draft_policy()
    errors = _errors(post_change(ops_client, policy, limit_events='["Limit Hit"]'))
    assert "“Limit Hit”" in " ".join(errors["limit_events"])
    policy.refresh_from_db()
    assert policy.limit_events == []


def test_blank_event_lists_on_a_policy_are_saved_empty(ops_client):
    policy = _draft_policy()
    QualificationPolicy.objects.filter(pk=policy.pk).update(limit_events=["Pricing Page Viewed"])
    response = post_change(ops_client, policy, limit_events="", mql_threshold="55")
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.limit_events, policy.mql_threshold) == ([], 55)


def test_lead_needs_an_email_or_a_user_id(ops_client):
    errors = _errors(_add(ops_client, Lead, email="", user_id="", first_name="Pat"))
    assert "Give an email or the product's user id" in " ".join(errors["email"])
    assert not Lead.objects.exists()


def test_duplicate_lead_email_is_an_inline_error_whatever_its_case(ops_client):
    factories.LeadFactory(email="pat@example.com")
    errors = _errors(_add(ops_client, Lead, email="PAT@example.com"))
    assert "Another lead already has this email." in errors["email"]


def test_lead_traits_must_be_an_object(ops_client):
    errors = _errors(_add(ops_client, Lead, email="new@example.com", traits="[1, 2]"))
    assert "JSON object" in " ".join(errors["traits"])


def test_lead_scores_cannot_be_set_in_the_admin(ops_client):
    lead = factories.LeadFactory(total_score=42)
    response = post_change(ops_client, lead, title="CTO", total_score="999", tier="4")
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.title, lead.total_score, lead.tier) == ("CTO", 42, 1)


def test_claimed_lead_cannot_be_left_without_an_owner(ops_client):
    from django.utils import timezone

    owner = factories.user(team="sales")
    lead = factories.LeadFactory(owner=owner, claimed_at=timezone.now())
    errors = _errors(post_change(ops_client, lead, owner=""))
    assert "has been claimed" in " ".join(errors["owner"])


@pytest.mark.parametrize(
    "typed",
    [
        "https://www.ACME.example/about",
        # Stored as typed before the admin used the ingestion rule (issue 9):
        "acme.example:8080",
        "acme.example.",
        "user@acme.example",
        "ftp://acme.example",
    ],
)
def test_account_domain_is_stored_bare_and_lower_case(ops_client, typed):
    response = _add(ops_client, Account, name="Acme", domain=typed)
    assert response.status_code == 302
    assert Account.objects.get().domain == "acme.example"


@pytest.mark.parametrize("typed", ["acme", "ftp:", "not a domain", "[::1"])
def test_a_domain_that_is_no_domain_is_an_inline_error(ops_client, typed):
    errors = _errors(_add(ops_client, Account, name="Acme", domain=typed))
    assert f"“{typed}” is not a domain or website" in " ".join(errors["domain"])
    assert not Account.objects.exists()


def test_a_domain_that_cleans_to_an_existing_one_is_an_inline_error(ops_client):
    factories.AccountFactory(domain="acme.example")
    errors = _errors(_add(ops_client, Account, name="Acme again", domain="ACME.example:443"))
    assert "already exists" in " ".join(errors["domain"])
    assert Account.objects.count() == 1


def test_account_traits_invalid_json_is_an_inline_error(ops_client):
    errors = _errors(_add(ops_client, Account, name="Acme", domain="acme.example", traits="{x"))
    assert "Enter a valid JSON" in " ".join(errors["traits"])
    assert not Account.objects.exists()


def test_an_empty_attribute_value_is_shown_as_an_empty_box_not_null(ops_client):
    page = ops_client.get(admin_url(Criterion, "add") + f"?version={_draft().pk}")
    form = page.context["adminform"].form
    assert form["value"].value() in (None, "")
    assert 'name="value"' in str(form["value"])
    assert "null</textarea>" not in str(form["value"])
