"""Ingestion keys for the tracking API: issue, rotate, revoke and check them.

Only a SHA-256 hash and a short prefix are stored; the raw key is returned once, to the
person who asked for it, and can never be shown again. Losing a key means rotating it.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from qualification.models import IngestKey, hash_secret
from qualification.models.choices import SignalSource

# Enough to recognise a key in a list ("lh_Ab3xY9qZ"), far too little to guess the rest.
PREFIX_LENGTH = len(IngestKey.KEY_PREFIX) + 8

# Recording every use would turn each tracked event into a write; a minute is precise enough
# to tell ops whether a key is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class IngestKeyError(ValueError):
    """A key operation that cannot be done (unknown source, blank name, already revoked)."""


def _check_source(source: str) -> None:
    if source not in SignalSource.values:
        raise IngestKeyError(
            f"Unknown source {source!r}; use one of: {', '.join(SignalSource.values)}."
        )


def _issue(*, name: str, source: str, created_by: AbstractBaseUser | None) -> tuple[IngestKey, str]:
    raw_key = IngestKey.generate_raw_key()
    key = IngestKey.objects.create(
        name=name,
        source=source,
        prefix=raw_key[:PREFIX_LENGTH],
        key_hash=hash_secret(raw_key),
        created_by=created_by,
    )
    return key, raw_key


@transaction.atomic
def ingest_key_create(
    *, name: str, source: str, created_by: AbstractBaseUser | None = None
) -> tuple[IngestKey, str]:
    """Issue a new key; return it with the raw key, which the caller must show once."""
    name = (name or "").strip()
    if not name:
        raise IngestKeyError("Give the key a name (e.g. the system that will use it).")
    _check_source(source)
    return _issue(name=name, source=source, created_by=created_by)


@transaction.atomic
def ingest_key_rotate(
    *, key: IngestKey, actor: AbstractBaseUser | None = None
) -> tuple[IngestKey, str]:
    """Revoke ``key`` and issue its replacement (same name and source).

    The row is locked so that two rotations at once cannot both issue a replacement;
    a revoked key cannot be rotated (that would quietly bring it back).
    """
    locked = IngestKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is not None:
        raise IngestKeyError(f"{locked.name} ({locked.prefix}…) is revoked; add a new key instead.")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    key.revoked_at = locked.revoked_at
    return _issue(name=locked.name, source=locked.source, created_by=actor)


@transaction.atomic
def ingest_key_revoke(*, key: IngestKey) -> IngestKey:
    """Stop accepting ``key``. Revoking a revoked key keeps its original revocation time."""
    updated = IngestKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        key.refresh_from_db(fields=["revoked_at"])
    return key


def ingest_key_authenticate(*, raw_key: str) -> IngestKey | None:
    """The active key matching ``raw_key``, or None (unknown, malformed or revoked).

    Looks the key up by its hash, so the raw key is never compared or stored. Records when
    the key was last used, at most once a minute.
    """
    if not isinstance(raw_key, str) or not raw_key.startswith(IngestKey.KEY_PREFIX):
        return None
    key = IngestKey.objects.filter(key_hash=hash_secret(raw_key)).first()
    if key is None or key.revoked_at is not None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        IngestKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
