"""Admin inputs that sit in table cells carry their own names (axe's "label" rule)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from qualification.services.versions import draft_create
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_drafts_list_edited_inputs_are_named_for_their_row(ops_client):
    factories.criterion(name="Pricing interest", event_name="Pricing Page Viewed", points=15)
    ops = User.objects.get(username="ops")
    draft = draft_create(user=ops, title="Heavier pricing")
    html = ops_client.get(
        f"/admin/qualification/criterion/?version__id__exact={draft.pk}"
    ).content.decode()
    assert 'aria-label="Points: Pricing interest"' in html
    assert 'aria-label="Active: Pricing interest"' in html


def test_holiday_rows_name_their_inputs(ops_client):
    calendar = factories.calendar(name="Sales Berlin")
    html = ops_client.get(
        f"/admin/qualification/businesscalendar/{calendar.pk}/change/"
    ).content.decode()
    assert 'aria-label="Holiday date"' in html
    assert 'aria-label="Holiday name"' in html


def test_a_users_sign_in_dates_are_shown_not_edited(ops_client):
    someone = factories.user(username="kim")
    html = ops_client.get(f"/admin/auth/user/{someone.pk}/change/").content.decode()
    assert 'name="last_login_0"' not in html
    assert 'name="date_joined_0"' not in html
    assert "Date joined" in html
