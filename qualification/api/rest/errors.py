"""The REST API's error body: ``{"code", "message", ...}``, the tracking API's contract too.

Every 4xx the REST API sends carries ``code`` (what kind of refusal, e.g. ``invalid``,
``not_found``) and ``message`` (one sentence naming the field or parameter to fix), so a
client reads every error the same way on ``/api/`` and ``/v1/``. DRF's own keys stay beside
them (``{"tier": ["..."]}`` for a bad field, ``detail`` otherwise) for the clients that read
those. ``ErrorSerializer`` documents the body in the OpenAPI schema (``ERRORS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers

from qualification.core.params import ParameterError

# Keys that hold a whole-request message, not a field's.
_GENERAL = {"detail", "non_field_errors"}


class ErrorSerializer(serializers.Serializer):
    """An error: ``code`` names the kind, ``message`` the field or parameter and the fix.

    A 400 also lists each field's problems under the field's name (DRF's convention)."""

    code = serializers.CharField(help_text="e.g. invalid, not_found, permission_denied")
    message = serializers.CharField(help_text="What to fix, naming the field or parameter.")


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


# The refusals every operation may answer with (extend_schema(responses={**ERRORS, ...})).
BAD_REQUEST = error_response("Bad input: `message` names the field or parameter.")
NOT_FOUND = error_response("No such object, or no such page.")
ERRORS = {
    400: BAD_REQUEST,
    401: error_response("No token, or an unknown one."),
    403: error_response("The role does not allow it."),
}


def parameter_error(error: ParameterError, hint: str = "") -> exceptions.ValidationError:
    """A 400 naming the parameter, shaped like a serializer's field errors."""
    problem = error.problem[:1].upper() + error.problem[1:]
    return exceptions.ValidationError({error.name: [f"{problem} {hint}".strip()]})


def _problems(detail: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(field path, message) for each message in DRF's nested detail, in order."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _problems(value, (*path, str(key)))
    elif isinstance(detail, list):
        for item in detail:
            yield from _problems(item, path)
    else:
        yield ".".join(name for name in path if name not in _GENERAL), str(detail)


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return str(getattr(exc.detail, "code", None) or exc.default_code)


def error_body(exc: exceptions.APIException, data: Any, message: str | None = None) -> dict:
    """DRF's error ``data`` with ``code`` and ``message`` added (both kept if present)."""
    body: dict[str, Any] = dict(data) if isinstance(data, dict) else {"non_field_errors": data}
    if message is None:
        parts = [f"{path}: {text}" if path else text for path, text in _problems(data)]
        message = "; ".join(parts[:5]) or str(exc.default_detail)
    if isinstance(body.get("code"), str):
        return {"message": message, **body}
    return {"code": _code(exc), "message": message, **body}
