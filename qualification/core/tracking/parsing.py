"""Segment HTTP Tracking API payloads: decode, validate and normalise, with no Django.

Everything a sender can get wrong is caught here and turned into a ``PayloadError`` (the
whole request is refused: 400) or a per-message ``Refusal`` (the rest of a batch is still
stored), each naming the field at fault. What leaves this module is plain dataclasses the
ingestion service can write without second-guessing: strings within column lengths,
objects where objects belong, timezone-aware UTC datetimes, nothing PostgreSQL rejects
(NUL characters, lone surrogates, NaN). That is what makes "never a 500" hold.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

MAX_BATCH_BYTES = 500 * 1024  # per request, after decompression (Segment's limit)
MAX_MESSAGE_BYTES = 32 * 1024  # per message
MAX_ID_LENGTH = 200  # Lead.user_id, AnonymousId.anonymous_id, Event.message_id/name
MAX_EMAIL_LENGTH = 254

MESSAGE_TYPES = ("track", "identify", "group", "page", "screen", "alias")
# Page and screen calls become events with a fixed name; the page's own name is a property.
VIEW_EVENT_NAMES = {"page": "Page Viewed", "screen": "Screen Viewed"}

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# JSON escapes that decode to text PostgreSQL will not store: NUL and surrogates, high
# (\ud800-\udbff) and low (\udc00-\udfff); a valid pair decodes to one character and stays.
UNSTORABLE_ESCAPE = re.compile(rb"\\u(0000|[dD][89a-fA-F])")
# Deepest nesting a message may have: PostgreSQL's JSON and our own checks recurse, and
# no analytics SDK sends more than a handful of levels.
MAX_DEPTH = 64


class PayloadError(ValueError):
    """The whole request is unusable; answered with ``status`` and a JSON error."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class MessageError(ValueError):
    """One message is unusable; the others in its batch are still stored."""


@dataclass(frozen=True)
class Refusal:
    index: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "code": "invalid_message", "message": self.message}


@dataclass
class Message:
    """One validated tracking call, ready for the ingestion service."""

    index: int
    type: str
    message_id: str
    timestamp: datetime
    user_id: str | None = None
    anonymous_id: str | None = None
    event: str = ""  # track: the event name; page/screen: the stored event name
    properties: dict[str, Any] = field(default_factory=dict)
    traits: dict[str, Any] = field(default_factory=dict)
    group_id: str | None = None
    previous_id: str | None = None


class ParsedRequest(NamedTuple):
    """A request split into the messages to store and the ones refused (by batch index)."""

    messages: list[Message]
    refusals: list[Refusal]


# -- the request body ------------------------------------------------------------------------


def decode_body(raw: bytes, content_encoding: str | None) -> bytes:
    """The request body, un-gzipped if the sender says so, within the 500 KB batch limit."""
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        data = raw
    elif encoding == "gzip":
        try:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            # Bounded: a small gzip bomb must not inflate to gigabytes in memory.
            data = inflater.decompress(raw, MAX_BATCH_BYTES + 1)
        except zlib.error as exc:
            raise PayloadError("invalid_gzip", f"The body is not valid gzip: {exc}.") from exc
        if len(data) <= MAX_BATCH_BYTES and not inflater.eof:
            raise PayloadError("invalid_gzip", "The gzip body is truncated.")
    else:
        raise PayloadError(
            "unsupported_encoding",
            f"Content-Encoding {content_encoding!r} is not supported; send gzip or plain JSON.",
        )
    if len(data) > MAX_BATCH_BYTES:
        raise PayloadError(
            "body_too_large", f"The body is over the {MAX_BATCH_BYTES // 1024} KB request limit."
        )
    return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _storable(value: Any, depth: int = 0) -> Any:
    """Drop NUL characters and lone surrogates (PostgreSQL refuses both).

    Stops descending past ``MAX_DEPTH`` (no recursion error): a message nested that deep
    is refused by ``_check_values`` before anything of it is stored.
    """
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {_storable(k): _storable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v, depth + 1) for v in value]
    return value


def _check_values(value: Any, path: str, depth: int = 0) -> None:
    """Refuse what JSON parses but PostgreSQL's ``jsonb`` cannot hold, naming where it is.

    ``1e999`` parses to infinity (PostgreSQL: "invalid input syntax for type json"), and
    nesting hundreds of levels deep overflows the stack of every JSON encoder after us.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MessageError(f"{path}: the number is too large")
    elif isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            raise MessageError(f"{path}: nested more than {MAX_DEPTH} levels deep")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            where = f"{path}[{key}]" if isinstance(value, list) else f"{path}.{key}"
            _check_values(item, where.lstrip("."), depth + 1)


def parse_json(data: bytes) -> dict[str, Any]:
    """The body as a JSON object; anything else is a 400 naming the problem.

    The bytes are decoded as strict UTF-8 first: ``json.loads`` on bytes lets surrogate
    code points encoded as raw bytes through (``surrogatepass``), and nothing downstream
    can encode them again.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PayloadError(
            "invalid_json", f"The body is not UTF-8 text (byte {exc.start} is invalid)."
        ) from exc
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise PayloadError("invalid_json", "The JSON is nested too deeply.") from exc
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, over-long integers
        raise PayloadError("invalid_json", f"The body is not valid JSON: {exc}.") from exc
    if not isinstance(payload, dict):
        raise PayloadError("invalid_json", "The body must be a JSON object.")
    if UNSTORABLE_ESCAPE.search(data):
        payload = _storable(payload)
    return payload


def basic_auth_username(header: str | None) -> str | None:
    """The write key from ``Authorization: Basic base64(key:)``, or None if absent/garbled."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0] or None


# -- messages --------------------------------------------------------------------------------


def messages_parse(payload: dict[str, Any], *, endpoint: str, now: datetime) -> ParsedRequest:
    """Split a request into valid messages and refusals.

    ``endpoint`` is "batch" or a message type (the single-call endpoints, whose body *is*
    the message). Batch-level ``context``, ``integrations`` and ``sentAt`` apply to every
    item that does not set its own.
    """
    if endpoint == "batch":
        items = payload.get("batch")
        if not isinstance(items, list):
            raise PayloadError("invalid_batch", "batch: must be a list of messages.")
        common = {k: payload[k] for k in ("context", "integrations") if k in payload}
        for key, value in common.items():
            if not isinstance(value, dict):
                raise PayloadError("invalid_batch", f"{key}: must be an object.")
        sent_at = payload.get("sentAt")
    else:
        items = [{**payload, "type": endpoint}]
        common, sent_at = {}, None
    messages: list[Message] = []
    refusals: list[Refusal] = []
    for index, item in enumerate(items):
        try:
            messages.append(_message(index, item, common, sent_at, now))
        except MessageError as exc:
            refusals.append(Refusal(index, str(exc)))
    return ParsedRequest(messages, refusals)


def _message(index: int, item: Any, common: dict[str, Any], sent_at: Any, now: datetime) -> Message:
    if not isinstance(item, dict):
        raise MessageError("must be a JSON object")
    _check_values(item, "")
    size = len(json.dumps(item, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_MESSAGE_BYTES:
        raise MessageError(f"is {size} bytes; the limit is {MAX_MESSAGE_BYTES // 1024} KB")
    kind = item.get("type")
    if kind not in MESSAGE_TYPES:
        raise MessageError(f"type: must be one of {', '.join(MESSAGE_TYPES)} (got {kind!r})")
    context = _object(item, "context")
    if "context" in common:
        context = {**common["context"], **context}
    user_id = _id(item, "userId")
    anonymous_id = _id(item, "anonymousId")
    if user_id is None and anonymous_id is None:
        raise MessageError("userId or anonymousId is required")
    message = Message(
        index=index,
        type=kind,
        message_id=_id(item, "messageId") or str(uuid.uuid4()),
        timestamp=_occurred_at(item, sent_at, now),
        user_id=user_id,
        anonymous_id=anonymous_id,
    )
    if kind == "track":
        message.event = _name(item, "event")
        message.properties = _object(item, "properties")
    elif kind in VIEW_EVENT_NAMES:
        message.event = VIEW_EVENT_NAMES[kind]
        message.properties = _object(item, "properties")
        for key in ("name", "category"):
            if isinstance(item.get(key), str) and item[key]:
                message.properties.setdefault(key, item[key])
    elif kind in ("identify", "group"):
        traits = _object(item, "traits") or _object(context, "traits", "context.traits")
        _check_email(traits)
        message.traits = traits
        if kind == "group":
            message.group_id = _id(item, "groupId")
            if message.group_id is None:
                raise MessageError("groupId is required")
    elif kind == "alias":
        message.previous_id = _id(item, "previousId")
        if message.previous_id is None or user_id is None:
            raise MessageError("alias needs previousId and userId")
    return message


def _object(item: dict[str, Any], key: str, label: str | None = None) -> dict[str, Any]:
    value = item.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MessageError(f"{label or key}: must be an object")
    return dict(value)


def _id(item: dict[str, Any], key: str) -> str | None:
    """An id as Segment accepts it: a string or a number (stringified); blank means absent."""
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise MessageError(f"{key}: must be a string")
    text = str(value).strip()
    if len(text) > MAX_ID_LENGTH:
        raise MessageError(f"{key}: longer than {MAX_ID_LENGTH} characters")
    return text or None


def _name(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MessageError(f"{key}: a non-empty string is required")
    if len(value.strip()) > MAX_ID_LENGTH:
        raise MessageError(f"{key}: longer than {MAX_ID_LENGTH} characters")
    return value.strip()


def _check_email(traits: dict[str, Any]) -> None:
    email = traits.get("email")
    if email is None or email == "":
        return
    if not isinstance(email, str) or len(email) > MAX_EMAIL_LENGTH or not EMAIL_RE.match(email):
        raise MessageError(f"traits.email: {email!r} is not an email address")


def parse_timestamp(value: Any, key: str) -> datetime | None:
    """An ISO 8601 string as an aware UTC datetime (naive means UTC); None if absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MessageError(f"{key}: must be an ISO 8601 string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise MessageError(f"{key}: {value!r} is not an ISO 8601 date") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise MessageError(f"{key}: {value!r} is out of range") from exc


def _occurred_at(item: dict[str, Any], batch_sent_at: Any, now: datetime) -> datetime:
    """When it happened, corrected for the sender's clock (Segment's rule).

    timestamp = receivedAt - (sentAt - timestamp): the offset between the device's clock
    and ours is measured by sentAt, so a phone set an hour fast still lands at the right
    time. ``receivedAt`` is ours unless a relay forwarded its own.
    """
    timestamp = parse_timestamp(item.get("timestamp"), "timestamp")
    if timestamp is None:
        timestamp = parse_timestamp(item.get("originalTimestamp"), "originalTimestamp")
    sent_at = parse_timestamp(item.get("sentAt"), "sentAt")
    if sent_at is None:
        try:
            sent_at = parse_timestamp(batch_sent_at, "sentAt")
        except MessageError as exc:
            raise MessageError(f"{exc} (the batch's sentAt)") from exc
    received_at = parse_timestamp(item.get("receivedAt"), "receivedAt") or now
    if timestamp is None:
        return received_at
    if sent_at is None:
        return timestamp
    try:
        return received_at - (sent_at - timestamp)
    except OverflowError as exc:
        raise MessageError("timestamp: out of range after clock-skew correction") from exc


__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_MESSAGE_BYTES",
    "Message",
    "MessageError",
    "ParsedRequest",
    "PayloadError",
    "Refusal",
    "basic_auth_username",
    "decode_body",
    "messages_parse",
    "parse_json",
    "parse_timestamp",
]
