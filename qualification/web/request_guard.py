"""Refuse a NUL byte in a request's path or parameters with a 400, before any view runs.

PostgreSQL text cannot hold NUL (``\\x00``): a query with one raises ``DataError``, a 500
on any page that filters or searches by what it was given (``/glossary/?q=%00``, the
admin's list filters, a DRF lookup such as ``/api/glossary/%00/``). No name or value a
person types contains one, so one check here covers every view, the admin's included,
instead of a check in each.

The APIs (``/api/``, ``/v1/``) get their JSON error ``{"code", "message"}``; pages get a
plain 400 page. The tracking API's JSON body is its own parser's business
(``core.tracking.parsing``); only form-encoded bodies are read here, and never under
``/v1/``, whose views read the raw body themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.core.exceptions import SuspiciousOperation
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    UnreadablePostError,
)
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

from qualification.api.segment import error as json_error
from qualification.core.params import whole_number_or_none

NUL = "\x00"
JSON_PREFIXES = ("/api/", "/v1/")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _shown(name: str) -> str:
    return name.replace(NUL, "\\x00")


def _params(request: HttpRequest) -> Iterator[QueryDict]:
    yield request.GET
    if (
        request.method == "POST"
        and request.content_type in _FORMS
        and not request.path_info.startswith("/v1/")
    ):
        try:
            yield request.POST
        except (MultiPartParserError, SuspiciousOperation, UnreadablePostError):
            # Too big, too many fields, broken multipart: Django and the views refuse
            # the body with their own 4xx (a broken multipart then reads as empty).
            return


def nul_parameter(request: HttpRequest) -> str | None:
    """The first parameter (or ``path``) whose name or value holds a NUL, else None."""
    if NUL in request.path_info:
        return "path"
    for params in _params(request):
        for name, values in params.lists():
            if NUL in name or any(NUL in value for value in values):
                return _shown(name)
    return None


# The admin's date drill-down (``?created_at__year=...``): Django catches ValueError there
# but not the OverflowError of a year past 9999 (a 500), so its values are checked here.
_DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def admin_date_problem(request: HttpRequest) -> tuple[str, str] | None:
    """(parameter, problem) for an admin date drill-down value out of the calendar."""
    if not request.path_info.startswith("/admin/"):
        return None
    for name, value in request.GET.items():
        part = name.rpartition("__")[2]
        if "__" in name and part in _DATE_PARTS:
            low, high = _DATE_PARTS[part]
            if whole_number_or_none(value, minimum=low, maximum=high) is None:
                return name, f"Give a {part} from {low} to {high}."
    return None


class NulByteMiddleware:
    """400 for a NUL in the path or in a GET/POST parameter's name or value, and for an
    admin date drill-down outside the calendar."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = nul_parameter(request)
        if name is not None:
            problem = "Contains a NUL character (%00), which is never valid; remove it."
        elif found := admin_date_problem(request):
            name, problem = found
        else:
            return self.get_response(request)
        message = f"{name}: {problem}"
        if request.path_info.startswith(JSON_PREFIXES):
            return json_error(400, "invalid_character", message, **{name: [problem]})
        return HttpResponseBadRequest(render_to_string("400.html", {"problem": message}))
