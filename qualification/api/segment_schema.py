"""The Segment-compatible tracking API (``/v1/``) in the OpenAPI schema and its docs page.

The tracking views are plain Django views on purpose (``api.segment``: Segment's SDKs read
``code`` and ``message`` from every answer, and bodies may be gzipped), so drf-spectacular,
which reads only DRF views, never sees them. This postprocessing hook
(``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``) adds one operation per endpoint of
``api.segment.ENDPOINTS``, with the limits the parser enforces, so the docs follow the code.
"""

from __future__ import annotations

from typing import Any

from qualification.api.segment import ENDPOINTS
from qualification.core.tracking.parsing import (
    MAX_BATCH_BYTES,
    MAX_ID_LENGTH,
    MAX_MESSAGE_BYTES,
    MESSAGE_TYPES,
    VIEW_EVENT_NAMES,
)

TAG = "tracking"
SECURITY = "writeKey"

_ID = {"type": "string", "maxLength": MAX_ID_LENGTH}
_OBJECT = {"type": "object", "additionalProperties": True}
_TIME = {"type": "string", "format": "date-time"}

# What every message may carry; each type adds its own fields below.
_COMMON: dict[str, Any] = {
    "userId": {**_ID, "description": "Your id for the person. userId or anonymousId is required."},
    "anonymousId": {**_ID, "description": "A device or cookie id, before the person is known."},
    "messageId": {
        **_ID,
        "description": "Makes a resend safe: a message id already stored from this source "
        "is stored once. Generated when absent.",
    },
    "timestamp": {
        **_TIME,
        "description": "When it happened (the sender's clock, corrected by sentAt). "
        "Defaults to when it was received.",
    },
    "sentAt": {**_TIME, "description": "When the sender sent it, to correct its clock."},
    "context": {**_OBJECT, "description": "Segment's context; context.traits as for traits."},
    "integrations": _OBJECT,
    "writeKey": {
        "type": "string",
        "description": "The ingestion key, when it is not sent as the HTTP Basic username.",
    },
}

_FIELDS: dict[str, tuple[dict[str, Any], list[str], str]] = {
    "track": (
        {
            "event": {**_ID, "description": "The event's name in the tracking plan."},
            "properties": _OBJECT,
        },
        ["event"],
        "An event: a form fill, a feature used, a limit reached. Criteria count these.",
    ),
    "identify": (
        {"traits": {**_OBJECT, "description": "Who the person is; traits.email must be valid."}},
        [],
        "Who a person is: email, name, title and any other traits.",
    ),
    "group": (
        {"groupId": {**_ID, "description": "Your id for the account."}, "traits": _OBJECT},
        ["groupId"],
        "The account a person belongs to, with its traits.",
    ),
    "page": (
        {"name": {"type": "string"}, "category": {"type": "string"}, "properties": _OBJECT},
        [],
        f"A page view, stored as the event “{VIEW_EVENT_NAMES['page']}”.",
    ),
    "screen": (
        {"name": {"type": "string"}, "category": {"type": "string"}, "properties": _OBJECT},
        [],
        f"A mobile screen view, stored as the event “{VIEW_EVENT_NAMES['screen']}”.",
    ),
    "alias": (
        {"previousId": {**_ID, "description": "The id the person had before userId."}},
        ["previousId", "userId"],
        "Two ids of one person: previousId becomes userId.",
    ),
}


def _message_name(kind: str) -> str:
    return f"Tracking{kind.capitalize()}Message"


def _components() -> dict[str, dict[str, Any]]:
    schemas: dict[str, dict[str, Any]] = {}
    for kind in MESSAGE_TYPES:
        fields, required, description = _FIELDS[kind]
        schemas[_message_name(kind)] = {
            "type": "object",
            "description": f"{description} At most {MAX_MESSAGE_BYTES // 1024} KB.",
            "properties": {**_COMMON, **fields},
            **({"required": required} if required else {}),
        }
    schemas["TrackingBatchItem"] = {
        "description": "One message of a batch, of the type its `type` names.",
        "oneOf": [
            {
                "allOf": [
                    {"$ref": f"#/components/schemas/{_message_name(kind)}"},
                    {
                        "type": "object",
                        "properties": {"type": {"type": "string", "enum": [kind]}},
                        "required": ["type"],
                    },
                ]
            }
            for kind in MESSAGE_TYPES
        ],
    }
    schemas["TrackingBatch"] = {
        "type": "object",
        "properties": {
            "batch": {"type": "array", "items": {"$ref": "#/components/schemas/TrackingBatchItem"}},
            "context": {**_OBJECT, "description": "Applies to every message without its own."},
            "integrations": _OBJECT,
            "sentAt": _COMMON["sentAt"],
            "writeKey": _COMMON["writeKey"],
        },
        "required": ["batch"],
    }
    refusal = {
        "type": "object",
        "properties": {
            "index": {"type": "integer", "description": "The message's place in the batch."},
            "code": {"type": "string", "example": "invalid_message"},
            "message": {"type": "string", "example": "userId or anonymousId is required"},
        },
        "required": ["index", "code", "message"],
    }
    schemas["TrackingAccepted"] = {
        "type": "object",
        "description": "Stored before this answer. In a batch, messages that could not be "
        "stored are listed in `refused`; the rest were stored.",
        "properties": {
            "success": {"type": "boolean", "enum": [True]},
            "refused": {"type": "array", "items": refusal},
        },
        "required": ["success"],
    }
    schemas["TrackingError"] = {
        "type": "object",
        "description": "Nothing was stored. `code` names the problem, `message` the field.",
        "properties": {
            "code": {"type": "string", "example": "invalid_write_key"},
            "message": {"type": "string"},
            "refused": {"type": "array", "items": refusal},
        },
        "required": ["code", "message"],
    }
    return schemas


def _json(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _operation(endpoint: str) -> dict[str, Any]:
    body = "TrackingBatch" if endpoint == "batch" else _message_name(endpoint)
    summary = (
        "Many messages of any type in one request" if endpoint == "batch" else _FIELDS[endpoint][2]
    )
    return {
        "operationId": f"tracking_{endpoint}",
        "summary": summary,
        "description": (
            "Segment HTTP Tracking API compatible: point an analytics SDK's host at this "
            f"server. The body may be gzipped (Content-Encoding: gzip), at most "
            f"{MAX_BATCH_BYTES // 1024} KB once unpacked. Bad input is a 4xx, never retried."
        ),
        "tags": [TAG],
        "security": [{SECURITY: []}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        },
        "responses": {
            "200": _json("TrackingAccepted", "Stored."),
            "400": _json("TrackingError", "Nothing usable: not JSON, too large, or invalid."),
            "401": _json("TrackingError", "No write key, or an unknown or revoked one."),
            "405": _json("TrackingError", "Only POST is allowed."),
        },
    }


def add_tracking_api(result: dict[str, Any], generator: Any, request: Any, public: bool):
    """drf-spectacular postprocessing hook: the /v1/ operations, schemas and write-key auth."""
    paths = result.setdefault("paths", {})
    for endpoint in ENDPOINTS:
        paths[f"/v1/{endpoint}"] = {"post": _operation(endpoint)}
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(_components())
    components.setdefault("securitySchemes", {})[SECURITY] = {
        "type": "http",
        "scheme": "basic",
        "description": "An ingestion key (admin: Ingestion keys) as the Basic username, "
        "with an empty password; or `writeKey` in the body.",
    }
    tags = result.setdefault("tags", [])
    if not any(tag.get("name") == TAG for tag in tags):
        tags.append(
            {
                "name": TAG,
                "description": "Segment-compatible tracking API: events and identities "
                "from your website, product and analytics tools.",
            }
        )
    return result
