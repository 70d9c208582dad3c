"""The user's time zone is active for their request only, never for what runs after it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from qualification.models import UserProfile
from qualification.roles import Role

pytestmark = pytest.mark.django_db


def test_a_users_zone_does_not_outlive_their_request(client, make_user):
    user = make_user(Role.SDR, username="berlin-sdr")
    UserProfile.objects.update_or_create(user=user, defaults={"timezone": "Europe/Berlin"})
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "Europe/Berlin" in response.content.decode()  # it was active while rendering
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE
