"""``Authorization: Token <key>`` checked against the hashed ``ApiToken`` rows.

The header is DRF's own (``TokenAuthentication``), so clients configured for the old
plaintext tokens keep working; only the lookup changes.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from qualification.ratelimit import hit, retry_after
from qualification.services.api_tokens import ApiTokenError, api_token_authenticate

FAILED_AUTH = "api_failed_auth"


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing and 401 challenge, with a hashed, expiring, revocable token."""

    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        # Guessing tokens: an address over its failed-attempt limit is refused before the
        # lookup (429 with Retry-After), even with a right token, until the window passes.
        self._address = request.META.get("REMOTE_ADDR", "")
        return super().authenticate(request)

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        address = getattr(self, "_address", "")
        wait = retry_after(FAILED_AUTH, address)
        if wait is not None:
            raise exceptions.Throttled(wait, "Too many invalid tokens from this address.")
        try:
            token = api_token_authenticate(raw_token=key)
        except ApiTokenError as exc:
            hit(FAILED_AUTH, address)
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        return token.user, token
