"""REST API tokens: hashed at rest, shown once, expiring and revocable (issue 14, defect 10)."""

from __future__ import annotations

import hashlib
import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from qualification.models import ApiToken
from qualification.roles import Role
from qualification.services.api_tokens import (
    ApiTokenError,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from tests.admin.helpers import admin_url

pytestmark = pytest.mark.django_db

LEADS = "/api/leads/"


def _get(raw: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client.get(LEADS)


def _database_holds(raw: str) -> bool:
    """Whether ``raw`` appears in any value of any row of any table (the whole database)."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(raw in str(value) for row in cursor.fetchall() for value in row):
                return True
    return False


def test_a_new_token_is_stored_only_as_its_hash(make_user):
    token, raw = api_token_create(user=make_user(Role.SDR), name="Reporting script")
    assert raw.startswith("lht_")
    assert len(raw) > 40
    token.refresh_from_db()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix)
    assert len(token.prefix) < 16
    assert not _database_holds(raw)


def test_the_token_authenticates_its_user_and_records_use_at_most_once_a_minute(make_user):
    user = make_user(Role.SDR)
    token, raw = api_token_create(user=user, name="Script")
    response = _get(raw)
    assert response.status_code == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert _get(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use  # no write for a second request within the minute

    stale = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    _get(raw)
    token.refresh_from_db()
    assert token.last_used_at > stale


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"revoked_at": timezone.now()}, "revoked"),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "expired"),
    ],
)
def test_revoked_and_expired_tokens_get_a_401_saying_why(make_user, change, message):
    token, raw = api_token_create(user=make_user(Role.SDR), name="Script")
    ApiToken.objects.filter(pk=token.pk).update(**change)
    response = _get(raw)
    assert response.status_code == 401
    assert message in str(response.json())
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_refused(make_user):
    api_token_create(user=make_user(Role.SDR), name="Script")
    response = _get("0" * 40)
    assert response.status_code == 401
    assert "Invalid token" in str(response.json())


def test_revoking_twice_keeps_the_first_time(make_user):
    token, raw = api_token_create(user=make_user(Role.SDR), name="Script")
    api_token_revoke(token=token)
    first = token.revoked_at
    api_token_revoke(token=token)
    token.refresh_from_db()
    assert token.revoked_at == first
    with pytest.raises(ApiTokenError, match="revoked"):
        api_token_authenticate(raw_token=raw)


def test_create_refuses_a_blank_name_or_a_past_expiry(make_user):
    user = make_user(Role.SDR)
    with pytest.raises(ApiTokenError, match="name"):
        api_token_create(user=user, name="  ")
    with pytest.raises(ApiTokenError, match="future"):
        api_token_create(user=user, name="x", expires_at=timezone.now() - timedelta(days=1))
    assert not ApiToken.objects.exists()


# --- admin -------------------------------------------------------------------------------


def test_ops_create_a_token_in_the_admin_and_see_it_once(client_as, make_user):
    ops_client = client_as(Role.OPS)
    sdr = make_user(Role.SDR, username="sam")
    expiry = timezone.now() + timedelta(days=30)
    response = ops_client.post(
        admin_url(ApiToken, "add"),
        {
            "user": sdr.pk,
            "name": "Weekly export",
            "expires_at_0": expiry.strftime("%Y-%m-%d"),
            "expires_at_1": expiry.strftime("%H:%M:%S"),
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.expires_at is not None) == (sdr, "Weekly export", True)
    shown = [str(m) for m in response.context["messages"] if "copy it now" in str(m)]
    assert len(shown) == 1
    raw = shown[0].split("<code>")[1].split("</code>")[0]
    assert api_token_authenticate(raw_token=raw) == token

    listing = ops_client.get(admin_url(ApiToken, "changelist")).content.decode()
    assert raw not in listing
    assert token.token_hash not in listing
    assert token.prefix in listing
    assert raw not in ops_client.get(admin_url(token, "change", token.pk)).content.decode()
    assert not any(raw in str(e.change_message) + e.object_repr for e in LogEntry.objects.all())
    assert not _database_holds(raw)


def test_the_admin_refuses_a_past_expiry(client_as, make_user):
    ops_client = client_as(Role.OPS)
    sdr = make_user(Role.SDR, username="sam")
    response = ops_client.post(
        admin_url(ApiToken, "add"),
        {"user": sdr.pk, "name": "x", "expires_at_0": "2001-01-01", "expires_at_1": "00:00:00"},
    )
    assert response.status_code == 200
    assert "future" in str(response.context["adminform"].form.errors["expires_at"])
    assert not ApiToken.objects.exists()


def test_ops_revoke_tokens_and_see_their_last_use(client_as, make_user):
    ops_client = client_as(Role.OPS)
    token, raw = api_token_create(user=make_user(Role.SDR, username="sam"), name="Script")
    _get(raw)
    listing = ops_client.get(admin_url(ApiToken, "changelist"))
    assert "Last used at" in listing.content.decode()
    ops_client.post(
        admin_url(ApiToken, "changelist"),
        {"action": "revoke_tokens", ACTION_CHECKBOX_NAME: [token.pk], "index": "0"},
    )
    assert _get(raw).status_code == 401


def test_the_admin_lists_an_expired_token_as_expired_not_active(client_as, make_user):
    ops_client = client_as(Role.OPS)
    sdr = make_user(Role.SDR, username="sam")
    api_token_create(user=sdr, name="Live script")
    expired, _ = api_token_create(user=sdr, name="Trial script")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    revoked, _ = api_token_create(user=sdr, name="Old script")
    api_token_revoke(token=revoked)

    def listed(status: str) -> list[str]:
        response = ops_client.get(admin_url(ApiToken, "changelist"), {"status": status})
        return sorted(t.name for t in response.context["cl"].result_list)

    assert listed("active") == ["Live script"]
    assert listed("expired") == ["Trial script"]
    assert listed("revoked") == ["Old script"]
    page = ops_client.get(admin_url(ApiToken, "changelist")).content.decode()
    for status in ("Active", "Expired", "Revoked"):
        assert f">{status}<" in page


@pytest.mark.parametrize("role", [Role.SDR, Role.MANAGER, Role.MARKETING, Role.PRODUCT])
def test_only_ops_see_the_tokens(client_as, role):
    assert client_as(role).get(admin_url(ApiToken, "changelist")).status_code in (302, 403)


# --- management command ----------------------------------------------------------------


def test_the_command_prints_the_token_once_as_its_last_line(make_user):
    user = make_user(Role.MANAGER, username="mia")
    out = StringIO()
    call_command("create_api_token", "mia", "--name", "BI", "--expires-days", "7", stdout=out)
    lines = out.getvalue().strip().splitlines()
    raw = lines[-1]
    assert out.getvalue().count(raw) == 1
    token = api_token_authenticate(raw_token=raw)
    assert (token.user, token.name) == (user, "BI")
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    assert _get(raw).status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [(["ghost"], "No user named 'ghost'"), (["mia", "--expires-days", "0"], "at least 1")],
)
def test_the_command_refuses_bad_input(make_user, args, message):
    make_user(Role.MANAGER, username="mia")
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *args, stdout=StringIO())
    assert not ApiToken.objects.exists()


# --- migration of DRF authtoken tokens ---------------------------------------------------


def test_old_authtoken_tokens_are_hashed_over_and_the_plaintext_table_dropped(make_user):
    """What 0032 does to a database that used ``rest_framework.authtoken``."""
    user = make_user(Role.SDR)
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [old_key, timezone.now() - timedelta(days=90), user.pk],
        )
    migration = importlib.import_module("qualification.migrations.0032_api_tokens")
    migration.move_authtoken_tokens(apps, connection.schema_editor())

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert token.user == user
    assert token.prefix == old_key[:8]
    assert timezone.now() - token.created_at > timedelta(days=89)
    assert not _database_holds(old_key)
    assert _get(old_key).status_code == 200  # the client keeps its configured key
