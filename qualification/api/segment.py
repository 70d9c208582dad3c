"""The Segment-compatible HTTP Tracking API: ``POST /v1/{batch,track,identify,group,page,...}``.

Thin on purpose: authenticate the write key, hand the body to the pure parser, the messages
to ``events_ingest``, and turn the outcome into JSON. Every answer, including errors, is a
JSON object, because the analytics SDKs read ``code`` and ``message`` from it; a 5xx would
make them retry a request that can never succeed, so bad input is always a 4xx.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from qualification.core.tracking.parsing import (
    MAX_BATCH_BYTES,
    PayloadError,
    basic_auth_username,
    decode_body,
    messages_parse,
    parse_json,
)
from qualification.models import IngestKey
from qualification.ratelimit import hit
from qualification.services.ingest import IngestBusy, events_ingest
from qualification.services.ingest_keys import ingest_key_authenticate

ENDPOINTS = ("batch", "track", "identify", "group", "page", "screen", "alias")
# Read at most this much of a raw (possibly gzipped) body before refusing it.
MAX_RAW_BYTES = MAX_BATCH_BYTES


def error(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, **extra}, status=status)


def _authenticate(key_text: Any) -> IngestKey:
    if not key_text:
        raise PayloadError(
            "missing_write_key",
            "No write key: send it as the HTTP Basic username or as writeKey in the body.",
            status=401,
        )
    key = ingest_key_authenticate(raw_key=key_text) if isinstance(key_text, str) else None
    if key is None:
        raise PayloadError(
            "invalid_write_key", "The write key is unknown or has been revoked.", status=401
        )
    return key


def _read_body(request: HttpRequest) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_RAW_BYTES:
        raise PayloadError(
            "body_too_large", f"The body is over the {MAX_RAW_BYTES // 1024} KB limit."
        )
    try:
        return request.body
    except RequestDataTooBig as exc:
        raise PayloadError("body_too_large", "The body is too large.") from exc


def _handle(request: HttpRequest, endpoint: str) -> JsonResponse:
    if request.method != "POST":
        response = error(405, "method_not_allowed", "Use POST.")
        response["Allow"] = "POST"
        return response
    try:
        header_key = basic_auth_username(request.META.get("HTTP_AUTHORIZATION"))
        key = _authenticate(header_key) if header_key else None  # refuse early, before parsing
        data = decode_body(_read_body(request), request.META.get("HTTP_CONTENT_ENCODING"))
        payload = parse_json(data)
        if key is None:
            key = _authenticate(payload.get("writeKey"))
        messages, refusals = messages_parse(payload, endpoint=endpoint, now=timezone.now())
    except PayloadError as exc:
        return error(exc.status, exc.code, exc.message)
    wait = hit("tracking", key.key_hash)
    if wait is not None:
        # Segment's documented behaviour: 429 with Retry-After; SDKs back off and resend.
        response = error(
            429, "rate_limited", f"Too many requests for this write key; retry in {wait} s."
        )
        response["Retry-After"] = str(wait)
        return response
    if endpoint != "batch" and refusals:
        return error(400, "invalid_message", refusals[0].message)
    try:
        report = events_ingest(source=key.source, messages=messages)
    except IngestBusy:
        response = error(
            503, "busy", "Concurrent writes kept this batch from being stored; send it again."
        )
        response["Retry-After"] = "1"
        return response
    refused = sorted([*refusals, *report.refusals], key=lambda r: r.index)
    if refused and len(refused) >= len(messages) + len(refusals):
        # Nothing usable: a 4xx tells the SDK not to retry what can never succeed.
        first = refused[0]
        return error(
            400,
            "invalid_message" if endpoint != "batch" else "invalid_batch",
            first.message if endpoint != "batch" else "No message in the batch could be accepted.",
            refused=[r.as_dict() for r in refused],
        )
    body: dict[str, Any] = {"success": True}
    if refused:
        body["refused"] = [r.as_dict() for r in refused]
    return JsonResponse(body)


def _view(endpoint: str):
    @csrf_exempt
    @login_not_required
    def view(request: HttpRequest) -> JsonResponse:
        return _handle(request, endpoint)

    view.__name__ = f"segment_{endpoint}"
    view.__doc__ = f"Segment HTTP Tracking API: POST /v1/{endpoint}."
    return view


VIEWS = {endpoint: _view(endpoint) for endpoint in ENDPOINTS}
