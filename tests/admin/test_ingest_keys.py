"""Ingestion keys: stored hashed, shown once, rotated and revoked by ops (services, admin, command)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils import timezone

from qualification.models import IngestKey
from qualification.services.ingest_keys import (
    IngestKeyError,
    ingest_key_authenticate,
    ingest_key_create,
    ingest_key_revoke,
    ingest_key_rotate,
)
from tests.admin.helpers import admin_url

pytestmark = pytest.mark.django_db


def _stored_values(key: IngestKey) -> list[str]:
    return [str(getattr(key, f.attname)) for f in IngestKey._meta.concrete_fields]


def test_create_returns_the_raw_key_once_and_stores_only_its_hash():
    key, raw = ingest_key_create(name="Website", source="marketing")
    assert raw.startswith("lh_")
    assert len(raw) > 40
    key.refresh_from_db()
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest() != raw
    assert raw.startswith(key.prefix)
    assert len(key.prefix) < 12
    assert all(raw not in value for value in _stored_values(key))


def test_two_keys_never_share_a_secret():
    _, first = ingest_key_create(name="A", source="product")
    _, second = ingest_key_create(name="B", source="product")
    assert first != second


@pytest.mark.parametrize(
    ("name", "source", "message"),
    [("Website", "crm", "marketing, product"), ("  ", "marketing", "Give the key a name")],
)
def test_create_refuses_bad_input(name, source, message):
    with pytest.raises(IngestKeyError, match=message):
        ingest_key_create(name=name, source=source)
    assert not IngestKey.objects.exists()


def test_authenticate_finds_the_key_and_records_its_use():
    key, raw = ingest_key_create(name="Website", source="marketing")
    found = ingest_key_authenticate(raw_key=raw)
    assert found == key
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_last_use_is_recorded_at_most_once_a_minute():
    key, raw = ingest_key_create(name="Website", source="marketing")
    recent = timezone.now() - timedelta(seconds=10)
    IngestKey.objects.filter(pk=key.pk).update(last_used_at=recent)
    ingest_key_authenticate(raw_key=raw)
    key.refresh_from_db()
    assert key.last_used_at == recent

    stale = timezone.now() - timedelta(minutes=5)
    IngestKey.objects.filter(pk=key.pk).update(last_used_at=stale)
    ingest_key_authenticate(raw_key=raw)
    key.refresh_from_db()
    assert key.last_used_at > stale


@pytest.mark.parametrize("raw", ["", "lh_not-a-key", "sk_live_123", None, 42])
def test_authenticate_refuses_unknown_or_malformed_keys(raw):
    ingest_key_create(name="Website", source="marketing")
    assert ingest_key_authenticate(raw_key=raw) is None


def test_revoked_key_is_refused_and_revoking_again_keeps_the_first_time():
    key, raw = ingest_key_create(name="Website", source="marketing")
    ingest_key_revoke(key=key)
    first_revocation = key.revoked_at
    assert first_revocation is not None
    assert ingest_key_authenticate(raw_key=raw) is None
    ingest_key_revoke(key=key)
    key.refresh_from_db()
    assert key.revoked_at == first_revocation


def test_rotate_revokes_the_old_key_and_issues_one_with_the_same_name_and_source(make_user):
    ops = make_user(username="olga")
    old, old_raw = ingest_key_create(name="Backend", source="product")
    new, new_raw = ingest_key_rotate(key=old, actor=ops)
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert (new.name, new.source, new.created_by) == ("Backend", "product", ops)
    assert new.key_hash != old.key_hash
    assert new_raw != old_raw
    assert ingest_key_authenticate(raw_key=old_raw) is None
    assert ingest_key_authenticate(raw_key=new_raw) == new


def test_a_revoked_key_cannot_be_rotated_back_to_life():
    key, _ = ingest_key_create(name="Backend", source="product")
    ingest_key_revoke(key=key)
    with pytest.raises(IngestKeyError, match="revoked"):
        ingest_key_rotate(key=key)
    assert IngestKey.objects.count() == 1


# --- admin -------------------------------------------------------------------------------


def test_adding_a_key_in_the_admin_shows_the_raw_key_once(ops_client):
    response = ops_client.post(
        admin_url(IngestKey, "add"), {"name": "Website", "source": "marketing"}, follow=True
    )
    assert response.status_code == 200
    key = IngestKey.objects.get()
    shown = [str(m) for m in response.context["messages"] if "copy it now" in str(m)]
    assert len(shown) == 1
    raw = shown[0].split("<code>")[1].split("</code>")[0]
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert ingest_key_authenticate(raw_key=raw) == key
    assert key.created_by.username == "ops"

    assert raw not in ops_client.get(admin_url(IngestKey, "changelist")).content.decode()
    assert all(raw not in value for value in _stored_values(key))
    assert not any(raw in str(e.change_message) + e.object_repr for e in LogEntry.objects.all())


def test_the_hash_is_never_shown(ops_client):
    key, _ = ingest_key_create(name="Website", source="marketing")
    for url in (admin_url(IngestKey, "changelist"), admin_url(key, "change", key.pk)):
        html = ops_client.get(url).content.decode()
        assert key.key_hash not in html
        assert key.prefix in html


def test_add_form_asks_only_for_name_and_source(ops_client):
    form = ops_client.get(admin_url(IngestKey, "add")).context["adminform"].form
    assert set(form.fields) == {"name", "source"}


def test_rotate_action_shows_each_new_key_once_and_skips_revoked_ones(ops_client):
    live, _ = ingest_key_create(name="Website", source="marketing")
    dead, _ = ingest_key_create(name="Old", source="product")
    ingest_key_revoke(key=dead)
    response = ops_client.post(
        admin_url(IngestKey, "changelist"),
        {"action": "rotate_keys", ACTION_CHECKBOX_NAME: [live.pk, dead.pk], "index": "0"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    issued = [m for m in messages if "copy it now" in m]
    assert len(issued) == 1
    assert "Website" in issued[0]
    assert any("Old" in m and "revoked" in m for m in messages)
    raw = issued[0].split("<code>")[1].split("</code>")[0]
    replacement = ingest_key_authenticate(raw_key=raw)
    assert replacement is not None
    assert replacement.name == "Website"
    live.refresh_from_db()
    assert live.revoked_at is not None
    assert IngestKey.objects.filter(revoked_at__isnull=True).count() == 1


def test_revoke_action(ops_client):
    key, raw = ingest_key_create(name="Website", source="marketing")
    ops_client.post(
        admin_url(IngestKey, "changelist"),
        {"action": "revoke_keys", ACTION_CHECKBOX_NAME: [key.pk], "index": "0"},
    )
    assert ingest_key_authenticate(raw_key=raw) is None
    listing = ops_client.get(admin_url(IngestKey, "changelist") + "?status=revoked")
    assert list(listing.context["cl"].result_list) == [key]


def test_a_key_can_be_renamed_but_not_moved_to_another_source(ops_client):
    key, raw = ingest_key_create(name="Website", source="marketing")
    response = ops_client.post(
        admin_url(key, "change", key.pk), {"name": "Marketing site", "source": "product"}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert (key.name, key.source) == ("Marketing site", "marketing")
    assert ingest_key_authenticate(raw_key=raw) == key


# --- management command ----------------------------------------------------------------


def test_command_prints_the_new_key_as_its_last_line():
    out = StringIO()
    call_command("create_ingest_key", "--name", "Website", "--source", "marketing", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    key = ingest_key_authenticate(raw_key=raw)
    assert key is not None
    assert (key.name, key.source) == ("Website", "marketing")


def test_command_records_the_creator(make_user):
    make_user(username="olga")
    out = StringIO()
    call_command(
        "create_ingest_key",
        "--name",
        "CI",
        "--source",
        "product",
        "--created-by",
        "olga",
        stdout=out,
    )
    assert IngestKey.objects.get().created_by.username == "olga"


def test_command_refuses_an_unknown_source_naming_the_allowed_ones():
    with pytest.raises(CommandError, match=r"use one of: marketing, product"):
        call_command("create_ingest_key", "--name", "Website", "--source", "crm", stdout=StringIO())
    assert not IngestKey.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "marketing"], "--name"),
        (["--name", "X", "--source", "product", "--created-by", "ghost"], "No user named 'ghost'"),
        (["--name", " ", "--source", "product"], "Give the key a name"),
    ],
)
def test_command_refuses_missing_or_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_ingest_key", *args, stdout=StringIO())
    assert not IngestKey.objects.exists()
