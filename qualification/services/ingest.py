"""Ingestion: tracking messages in, events stored, identities stitched, leads marked.

``events_ingest`` is the one entry point the tracking API calls. It runs in a single
transaction, so when it returns the events are committed and the caller may answer 200;
the rescoring of affected leads is enqueued on commit (``leads_mark_for_rescore``), and if
the broker is down the marks stay for the periodic sweep. Nothing accepted is lost.

Identity rules (identify, group, alias: ``services.identity``) run first, because they
decide which lead an event belongs to; a batch's unseen users are created in bulk before
them (``services.new_leads``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, OperationalError, transaction

from qualification.core.tracking.parsing import Message, Refusal
from qualification.models import Event, EventType
from qualification.services.identity import (
    IdentityError,
    account_group,
    anonymous_alias,
    lead_identify,
)
from qualification.services.new_leads import event_owners, new_leads_create
from qualification.services.rescore_requests import leads_mark_for_rescore

__all__ = [
    "IdentityError",
    "IngestBusy",
    "IngestReport",
    "account_group",
    "anonymous_alias",
    "event_types_ensure",
    "events_ingest",
    "lead_identify",
]

RETRIES = 2  # reruns of a batch that lost a deadlock or a serialization failure
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
EVENT_CHUNK = 2000


class IngestBusy(RuntimeError):
    """Concurrent writes kept failing the batch's transaction; nothing stored, send it again."""


@dataclass
class IngestReport:
    """What one request did: events offered for storage, refusals, leads marked."""

    events: int = 0
    refusals: list[Refusal] = field(default_factory=list)
    lead_ids: list[int] = field(default_factory=list)


def events_ingest(*, source: str, messages: Sequence[Message]) -> IngestReport:
    """Apply identity messages, then store the events of a request, all in one transaction.

    Identity first, so that a batch holding "identify(anonymousId=A, userId=U)" and later
    "track(anonymousId=A)" files the event under U. Events are written with one bulk
    insert that skips (source, message_id) duplicates: a resent message is stored once.

    Concurrent batches that touch the same leads may still meet in a deadlock or a
    serialization failure (PostgreSQL breaks it by failing one of them); the loser's
    transaction rolled back whole, so it is run again, at most ``RETRIES`` more times,
    and then refused with ``IngestBusy`` (the API answers 503: the SDK retries, nothing
    was stored, nothing is lost).
    """
    for attempt in range(RETRIES + 1):
        try:
            return _events_ingest_once(source=source, messages=messages)
        except OperationalError as exc:
            if not _transient(exc):
                raise
            if attempt == RETRIES:
                raise IngestBusy("the database is busy with concurrent writes") from exc
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # let the winner commit
    raise AssertionError("unreachable")  # pragma: no cover


def _transient(exc: OperationalError) -> bool:
    """A deadlock or serialization failure: the transaction may simply be run again."""
    return getattr(exc.__cause__, "sqlstate", None) in TRANSIENT_SQLSTATES


def _events_ingest_once(*, source: str, messages: Sequence[Message]) -> IngestReport:
    report = IngestReport()
    touched: set[int] = set()
    with transaction.atomic():
        new = new_leads_create(messages)
        touched |= new.lead_ids
        for message in messages:
            if message.type not in ("identify", "group", "alias"):
                continue
            if message.type == "identify" and message.user_id in new.identified:
                continue  # applied as its lead was created
            try:
                with transaction.atomic():  # a refused message leaves no half-write
                    touched.update(_identity_apply(message))
            except IdentityError as exc:
                report.refusals.append(Refusal(message.index, str(exc)))
            except IntegrityError:  # lost a race we could not resolve by re-reading
                report.refusals.append(
                    Refusal(message.index, "conflicted with a concurrent change; send it again")
                )
        tracked = [m for m in messages if m.event]
        if tracked:
            owners = event_owners(tracked)
            event_types_ensure({m.event for m in tracked}, source)
            rows = []
            for m in tracked:
                lead_id, account_id = owners.get(m.index, (None, None))
                rows.append(
                    Event(
                        lead_id=lead_id,
                        account_id=account_id,
                        anonymous_id=m.anonymous_id or "",
                        name=m.event,
                        source=source,
                        properties=m.properties,
                        occurred_at=m.timestamp,
                        message_id=m.message_id,
                    )
                )
                if lead_id is not None:
                    touched.add(lead_id)
            Event.objects.bulk_create(rows, ignore_conflicts=True, batch_size=EVENT_CHUNK)
            report.events = len(rows)
        report.lead_ids = leads_mark_for_rescore(lead_ids=touched)
    return report


def _identity_apply(message: Message) -> set[int]:
    if message.type == "identify":
        lead = lead_identify(
            user_id=message.user_id, anonymous_id=message.anonymous_id, traits=message.traits
        )
        return {lead.pk}
    if message.type == "group":
        _account, lead_ids = account_group(
            group_id=message.group_id or "",
            traits=message.traits,
            user_id=message.user_id,
            anonymous_id=message.anonymous_id,
        )
        return lead_ids
    lead = anonymous_alias(
        user_id=message.user_id or "",
        previous_id=message.previous_id or "",
        anonymous_id=message.anonymous_id,
    )
    return {lead.pk}


def event_types_ensure(names: set[str], source: str) -> None:
    """Add event names never seen before to the tracking plan (with the key's source)."""
    known = set(EventType.objects.filter(name__in=names).values_list("name", flat=True))
    EventType.objects.bulk_create(
        [EventType(name=name, source=source) for name in sorted(names - known)],
        ignore_conflicts=True,
    )
