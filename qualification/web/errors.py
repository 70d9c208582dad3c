"""The project's 404 and 500 handlers: JSON under the APIs, a page elsewhere.

A database that cannot be reached (PostgreSQL restarting, a failover, the network) raises
``OperationalError`` or ``InterfaceError`` wherever the first query runs: in a view, in
the session or authentication middleware, in DRF. Whatever layer it reached, Django
turns it into the 500 handler's response; this handler looks at the exception being
handled and answers such an outage with a 503 and ``Retry-After``, which analytics SDKs
and API clients retry, instead of a 500. The tracking API's 200 comes only after its
transaction committed, so an event refused this way was not stored and is resent.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from qualification.api.segment import error as json_error

API_PREFIXES = ("/api/", "/v1/")
RETRY_AFTER_S = 5


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIXES)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 404 under the APIs is JSON ``{code, message}`` like their other errors."""
    if _is_api(request):
        return json_error(404, "not_found", f"{request.path}: no such API endpoint or object.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After when the database is out of reach, else the plain 500."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        if _is_api(request):
            response = json_error(
                503,
                "database_unavailable",
                "The database cannot be reached; nothing was stored. Send it again shortly.",
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
    if _is_api(request):
        return json_error(500, "server_error", "Something went wrong on our side; it is logged.")
    return defaults.server_error(request)
