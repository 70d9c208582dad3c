"""``Authorization: Token <key>`` checked against the hashed ``ApiToken`` rows.

The header is DRF's own (``TokenAuthentication``), so clients configured for the old
plaintext tokens keep working; only the lookup changes.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from qualification.services.api_tokens import ApiTokenError, api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing and 401 challenge, with a hashed, expiring, revocable token."""

    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        try:
            token = api_token_authenticate(raw_token=key)
        except ApiTokenError as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        return token.user, token
