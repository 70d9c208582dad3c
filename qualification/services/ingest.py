"""Ingestion: tracking messages in, events stored, identities stitched, leads marked.

``events_ingest`` is the one entry point the tracking API calls. It runs in a single
transaction, so when it returns the events are committed and the caller may answer 200;
the rescoring of affected leads is enqueued on commit (``leads_mark_for_rescore``), and if
the broker is down the marks stay for the periodic sweep. Nothing accepted is lost.

Identity rules (identify, group, alias) live here too, because they decide which lead an
event belongs to. Creating a lead or account races with other requests for the same
person: every create runs in a savepoint and, on the unique constraint's IntegrityError,
falls back to reading the row the other request committed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from qualification.core.domains import DomainError, normalize_domain
from qualification.core.tracking.parsing import Message, Refusal
from qualification.models import Account, AnonymousId, Event, EventType, Lead
from qualification.models.choices import BusinessModel, Plan
from qualification.selectors.identity import (
    FREE_MAIL_DOMAINS,
    account_for_email_read,
    lead_for_anonymous_id_read,
)
from qualification.services.rescore_requests import leads_mark_for_rescore

MAX_POSITIVE_INT = 2_147_483_647  # PositiveIntegerField on PostgreSQL

T = TypeVar("T", bound=models.Model)


class IdentityError(ValueError):
    """An identity message that cannot be applied; refused with this text, the rest stored."""


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
    """
    report = IngestReport()
    touched: set[int] = set()
    with transaction.atomic():
        for message in messages:
            if message.type not in ("identify", "group", "alias"):
                continue
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
            owners = _event_owners(tracked)
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
            Event.objects.bulk_create(rows, ignore_conflicts=True)
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


# -- events: which lead and account each belongs to (a fixed number of queries per batch) ---


def _event_owners(tracked: Sequence[Message]) -> dict[int, tuple[int | None, int | None]]:
    """(lead id, account id) per message index; anonymous strangers get (None, None)."""
    user_ids = {m.user_id for m in tracked if m.user_id}
    by_user: dict[str, tuple[int, int | None]] = {
        uid: (pk, account_id)
        for uid, pk, account_id in Lead.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "pk", "account_id"
        )
    }
    for uid in user_ids - by_user.keys():  # first sighting of a product user
        lead = _lead_for_user_id(uid)
        by_user[uid] = (lead.pk, lead.account_id)
    anon_ids = {m.anonymous_id for m in tracked if m.anonymous_id}
    by_anon: dict[str, tuple[int, int | None]] = {
        aid: (lead_id, account_id)
        for aid, lead_id, account_id in AnonymousId.objects.filter(
            anonymous_id__in=anon_ids
        ).values_list("anonymous_id", "lead_id", "lead__account_id")
    }
    # A call carrying both ids stitches them, as an identify would.
    for m in tracked:
        if m.user_id and m.anonymous_id and m.anonymous_id not in by_anon:
            lead_id, account_id = by_user[m.user_id]
            if _anonymous_link(lead_id=lead_id, account_id=account_id, anonymous_id=m.anonymous_id):
                by_anon[m.anonymous_id] = (lead_id, account_id)
    owners: dict[int, tuple[int | None, int | None]] = {}
    for m in tracked:
        if m.user_id:
            owners[m.index] = by_user[m.user_id]
        elif m.anonymous_id in by_anon:
            owners[m.index] = by_anon[m.anonymous_id]
    return owners


def event_types_ensure(names: set[str], source: str) -> None:
    """Add event names never seen before to the tracking plan (with the key's source)."""
    known = set(EventType.objects.filter(name__in=names).values_list("name", flat=True))
    EventType.objects.bulk_create(
        [EventType(name=name, source=source) for name in sorted(names - known)],
        ignore_conflicts=True,
    )


# -- identity ----------------------------------------------------------------------------------


def _create_or_fetch(create: Callable[[], T], fetch: Callable[[], T | None]) -> T:
    """Create in a savepoint; if a concurrent request won the unique constraint, read its row."""
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        found = fetch()
        if found is None:
            raise
        return found


def _lead_for_user_id(user_id: str) -> Lead:
    return Lead.objects.filter(user_id=user_id).first() or _create_or_fetch(
        lambda: Lead.objects.create(user_id=user_id),
        lambda: Lead.objects.filter(user_id=user_id).first(),
    )


def _anonymous_link(*, lead_id: int, account_id: int | None, anonymous_id: str) -> bool:
    """Stitch an anonymous id to a lead and give it the events it sent while anonymous.

    The first lead an anonymous id is stitched to keeps it (a shared device must not move
    one person's history to another). Returns whether the id now belongs to ``lead_id``.
    """
    row = _create_or_fetch(
        lambda: AnonymousId.objects.create(anonymous_id=anonymous_id, lead_id=lead_id),
        lambda: AnonymousId.objects.filter(anonymous_id=anonymous_id).first(),
    )
    if row.lead_id != lead_id:
        return False
    # Run on every stitch, not only the first: an anonymous event committed by a concurrent
    # request after our lookup is picked up the next time the person is seen.
    Event.objects.filter(lead__isnull=True, anonymous_id=anonymous_id).update(
        lead_id=lead_id, account_id=account_id
    )
    return True


def _text(traits: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = traits.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def lead_identify(*, user_id: str | None, anonymous_id: str | None, traits: dict[str, Any]) -> Lead:
    """Create or update the lead an identify call describes; stitch its anonymous id.

    Found by userId, then by email (case-insensitive), then by a stitched anonymous id. An
    email already held by another lead is not moved (it stays in ``traits``): two leads
    sharing one address is a merge for ops to decide, not for a tracking call.
    """
    email = _text(traits, "email") or ""
    lead = Lead.objects.filter(user_id=user_id).first() if user_id else None
    email_taken = False
    if lead is None and email:
        by_email = Lead.objects.filter(email__iexact=email).first()
        if by_email is not None and (not user_id or not by_email.user_id):
            lead = by_email
        email_taken = by_email is not None
    if lead is None and not user_id:
        lead = lead_for_anonymous_id_read(anonymous_id)
    if lead is None:
        if not user_id and not email:
            raise IdentityError("identify needs a userId or traits.email to create a lead")
        lead = _create_or_fetch(
            lambda: Lead.objects.create(user_id=user_id or "", email="" if email_taken else email),
            lambda: (
                Lead.objects.filter(user_id=user_id).first()
                if user_id
                else Lead.objects.filter(email__iexact=email).first()
            ),
        )
    changed: set[str] = set()
    if user_id and not lead.user_id:
        lead.user_id = user_id
        changed.add("user_id")
    if (
        email
        and email.lower() != lead.email.lower()
        and not Lead.objects.filter(email__iexact=email).exclude(pk=lead.pk).exists()
    ):
        lead.email = email
        changed.add("email")
    name = _text(traits, "name")
    first = _text(traits, "firstName", "first_name")
    last = _text(traits, "lastName", "last_name")
    if name and not first and not last:
        first, _, last = name.partition(" ")
    for attr, value, limit in (
        ("first_name", first, 100),
        ("last_name", last, 100),
        ("title", _text(traits, "title", "jobTitle", "job_title"), 200),
    ):
        if value and getattr(lead, attr) != value[:limit]:
            setattr(lead, attr, value[:limit])
            changed.add(attr)
    merged = {**lead.traits, **traits}
    if merged != lead.traits:
        lead.traits = merged
        changed.add("traits")
    if lead.account_id is None and lead.email:
        account = account_for_email_read(lead.email)
        if account is not None:
            lead.account = account
            changed.add("account")
    if changed:
        try:
            with transaction.atomic():
                lead.save(update_fields=[*sorted(changed), "updated_at"])
        except IntegrityError as exc:  # a concurrent request took the user id or email
            raise IdentityError(
                "identify conflicts with another lead's userId or email; retry the call"
            ) from exc
    if anonymous_id:
        _anonymous_link(lead_id=lead.pk, account_id=lead.account_id, anonymous_id=anonymous_id)
    return lead


def _trait_domain(traits: dict[str, Any], key: str) -> str | None:
    """``traits[key]`` as an account domain (``core.domains``); None when absent."""
    value = traits.get(key)
    if value is None or value == "":
        return None
    try:
        return normalize_domain(value)
    except DomainError as exc:
        raise IdentityError(f"traits.{key}: {exc}") from exc


def _account_fields(traits: dict[str, Any]) -> dict[str, Any]:
    """The named Account columns a group call's traits fill (everything stays in traits)."""
    fields: dict[str, Any] = {}
    if name := _text(traits, "name"):
        fields["name"] = name[:200]
    if industry := _text(traits, "industry"):
        fields["industry"] = industry[:100]
    employees = traits.get("employees", traits.get("employee_count"))
    if isinstance(employees, str) and employees.strip().isdigit():
        employees = int(employees.strip())
    if (
        isinstance(employees, int)
        and not isinstance(employees, bool)
        and 0 <= employees <= MAX_POSITIVE_INT
    ):
        fields["employee_count"] = employees
    country = _text(traits, "country")
    if country and len(country) == 2 and country.isalpha():
        fields["country"] = country.upper()
    plan = (_text(traits, "plan") or "").lower()
    if plan in Plan.values:
        fields["plan"] = plan
    model = (_text(traits, "business_model", "businessModel") or "").lower()
    if model in BusinessModel.values:
        fields["business_model"] = model
    return fields


def account_group(
    *,
    group_id: str,
    traits: dict[str, Any],
    user_id: str | None = None,
    anonymous_id: str | None = None,
) -> tuple[Account, set[int]]:
    """Create or update the account a group call describes and link the caller's lead.

    Found by domain (``traits.domain`` or ``traits.website``), else by the groupId recorded
    on an earlier call. Leads without an account whose (non-free-mail) email domain is the
    account's are linked too. Returns the account and the ids of the leads it affects.
    """
    domain = _trait_domain(traits, "domain") or _trait_domain(traits, "website")
    account = Account.objects.filter(domain=domain).first() if domain else None
    if account is None:
        account = Account.objects.filter(traits__group_id=group_id).first()
    fields = _account_fields(traits)
    if account is None:
        if domain is None:
            raise IdentityError("group needs traits.domain or traits.website to create an account")
        account = _create_or_fetch(
            lambda: Account.objects.create(
                domain=domain, **{"name": domain, **fields}, traits={"group_id": group_id}
            ),
            lambda: Account.objects.filter(domain=domain).first(),
        )
    merged = {**account.traits, **traits, "group_id": group_id}
    for attr, value in fields.items():
        setattr(account, attr, value)
    account.traits = merged
    account.save(update_fields=[*fields, "traits", "updated_at"])

    affected: set[int] = set()
    lead = _lead_for_user_id(user_id) if user_id else lead_for_anonymous_id_read(anonymous_id)
    if lead is not None:
        if lead.account_id != account.pk:
            Lead.objects.filter(pk=lead.pk).update(account=account)
            Event.objects.filter(lead=lead, account__isnull=True).update(account=account)
        affected.add(lead.pk)
    if account.domain not in FREE_MAIL_DOMAINS:
        unassigned = Lead.objects.filter(
            account__isnull=True, email__iendswith="@" + account.domain
        )
        ids = set(unassigned.values_list("pk", flat=True))
        if ids:
            Lead.objects.filter(pk__in=ids).update(account=account)
            affected |= ids
    return account, affected


def anonymous_alias(*, user_id: str, previous_id: str, anonymous_id: str | None = None) -> Lead:
    """Stitch ``previous_id`` (and the call's anonymousId) to the lead with ``user_id``.

    ``previous_id`` is treated as an anonymous id. When it is another lead's userId the
    two leads are not merged: merging people is an ops decision.
    """
    lead = _lead_for_user_id(user_id)
    for anon in {previous_id, anonymous_id} - {None, "", user_id}:
        _anonymous_link(lead_id=lead.pk, account_id=lead.account_id, anonymous_id=anon)
    return lead
