"""REST API tokens: issue, revoke and check them (hashed at rest, shown once).

The same scheme as the ingestion keys (``services.ingest_keys``): a SHA-256 hash and a short
prefix are stored, the raw token is returned once to whoever asked for it. Tokens migrated
from DRF's ``authtoken`` keep their old value (40 hex characters, no ``lht_`` prefix), so
clients configured before the change keep working.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from qualification.models import ApiToken, hash_secret
from qualification.services.ingest_keys import LAST_USED_RESOLUTION

PREFIX_LENGTH = len(ApiToken.KEY_PREFIX) + 8


class ApiTokenError(ValueError):
    """A token that cannot be used or issued; the message says why (shown to the client)."""


def api_token_create(
    *, user: AbstractBaseUser, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; return it with the raw token, which the caller shows once."""
    name = (name or "").strip()
    if not name:
        raise ApiTokenError("Give the token a name (e.g. the script that will use it).")
    if expires_at is not None and expires_at <= timezone.now():
        raise ApiTokenError("The expiry must be in the future.")
    raw = ApiToken.generate_raw_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        token_hash=hash_secret(raw),
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop accepting ``token``. Revoking a revoked token keeps its original revocation time."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw_token: str) -> ApiToken:
    """The active token matching ``raw_token``; ApiTokenError naming the problem otherwise.

    Looked up by its hash (the raw token is never stored or compared), and the stored hash is
    compared again in constant time. Records when the token was last used, at most once a
    minute, so a busy script does not turn every request into a write.
    """
    digest = hash_secret(raw_token)
    token = ApiToken.objects.select_related("user").filter(token_hash=digest).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        raise ApiTokenError("Invalid token.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise ApiTokenError("This token was revoked; ask ops for a new one.")
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiTokenError(
            f"This token expired at {token.expires_at:%Y-%m-%d %H:%M} UTC; ask ops for a new one."
        )
    if not token.user.is_active:
        raise ApiTokenError("The token's user is inactive or deleted.")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
