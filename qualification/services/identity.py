"""Identity rules: identify, group and alias calls decide which lead and account a person is.

Creating a lead or account races with other requests for the same person: every create
runs in a savepoint and, on the unique constraint's IntegrityError, falls back to reading
the row the other request committed. The batch's unseen users are created in bulk first
(``services.new_leads``); these rules handle everything else one message at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from qualification.core.domains import DomainError, normalize_domain
from qualification.core.params import whole_number_or_none
from qualification.core.tracking.profiles import person_fields, text_trait
from qualification.models import Account, AnonymousId, Event, Lead
from qualification.models.choices import BusinessModel, Plan
from qualification.selectors.identity import (
    FREE_MAIL_DOMAINS,
    account_for_email_read,
    lead_for_anonymous_id_read,
)

MAX_POSITIVE_INT = 2_147_483_647  # PositiveIntegerField on PostgreSQL

T = TypeVar("T", bound=models.Model)


class IdentityError(ValueError):
    """An identity message that cannot be applied; refused with this text, the rest stored."""


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


def lead_identify(*, user_id: str | None, anonymous_id: str | None, traits: dict[str, Any]) -> Lead:
    """Create or update the lead an identify call describes; stitch its anonymous id.

    Found by userId, then by email (case-insensitive), then by a stitched anonymous id. An
    email already held by another lead is not moved (it stays in ``traits``): two leads
    sharing one address is a merge for ops to decide, not for a tracking call.
    """
    email = text_trait(traits, "email") or ""
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
    for attr, value in person_fields(traits).items():
        if getattr(lead, attr) != value:
            setattr(lead, attr, value)
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
    if name := text_trait(traits, "name"):
        fields["name"] = name[:200]
    if industry := text_trait(traits, "industry"):
        fields["industry"] = industry[:100]
    employees = traits.get("employees", traits.get("employee_count"))
    if isinstance(employees, str):
        employees = whole_number_or_none(employees.strip(), maximum=MAX_POSITIVE_INT)
    if (
        isinstance(employees, int)
        and not isinstance(employees, bool)
        and 0 <= employees <= MAX_POSITIVE_INT
    ):
        fields["employee_count"] = employees
    country = text_trait(traits, "country")
    if country and len(country) == 2 and country.isalpha():
        fields["country"] = country.upper()
    plan = (text_trait(traits, "plan") or "").lower()
    if plan in Plan.values:
        fields["plan"] = plan
    model = (text_trait(traits, "business_model", "businessModel") or "").lower()
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
