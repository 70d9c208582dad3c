"""Turn the services' errors into API errors, so bad input is a 4xx, never a 500.

Governance services enforce the roles and rules themselves and raise plain-worded
errors; here they become DRF's conventions: 403 for a role, 409 for a race lost to
another publication (naming the version that won), 400 naming what to fix. Every error
body then carries ``code`` and ``message`` (``errors.error_body``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from qualification.api.rest.errors import error_body
from qualification.models import CriteriaVersion, VersionFrozen, VersionStatus
from qualification.services.versions import DraftInvalid, GovernanceError, NotAllowed, StaleDraft


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the errors the services raise for bad input and refused actions.

    Services validate with Django's ValidationError (a dict naming the field when they
    know it); DRF leaves that unhandled, which would be a 500.
    """
    message = None
    if isinstance(exc, StaleDraft):
        return _stale(exc)
    if isinstance(exc, DraftInvalid):
        message = str(exc)
        exc = exceptions.ValidationError(draft_problems_detail(exc))
    elif isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        # A service's refusal says why ("Owned by Kim Lee: ..."); DRF's own handler would
        # replace it with its generic sentence.
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, VersionFrozen):
        exc = Conflict(str(exc))
    elif isinstance(exc, GovernanceError):
        exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, Http404):  # as DRF's handler would, so the body gets its code
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc, response.data, message)
    return response


def draft_problems_detail(exc: DraftInvalid) -> dict[str, list[dict[str, str]]]:
    """``{"criteria": [{"criterion", "field", "message"}], "policy": [{"field", "message"}]}``.

    Only the parts that have problems appear, as DRF names only the fields in error.
    """
    detail: dict[str, list[dict[str, str]]] = {}
    for problem in exc.problems:
        if problem.where == "Policy":
            detail.setdefault("policy", []).append(
                {"field": problem.field, "message": problem.message}
            )
        else:
            detail.setdefault("criteria", []).append(
                {"criterion": problem.where, "field": problem.field, "message": problem.message}
            )
    return detail


def _stale(exc: StaleDraft) -> Response:
    """409 with the service's explanation and the version that is published now."""
    published = CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED).first()
    body: dict[str, Any] = {"detail": str(exc), "code": "stale_draft", "message": str(exc)}
    body["published_version"] = (
        {"id": published.pk, "number": published.number} if published else None
    )
    set_rollback()
    return Response(body, status=status.HTTP_409_CONFLICT)
