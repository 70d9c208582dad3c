"""The leads a tracking batch introduces, and which lead and account each event belongs to.

A batch from an analytics SDK may name thousands of users never seen before (a 500 KB batch
holds some 11,000 track calls or 6,000 identifies). Taken one message at a time that was
several statements per user, past gunicorn's 30 s timeout; here every unseen user's lead
is created up front with a fixed number of statements (``db.identity``), in sorted order
so concurrent batches naming the same users wait on each other instead of deadlocking.

An unseen user's identify calls are folded into the lead as it is created (names, title,
email, traits, the account of the email's domain, their anonymous ids): the same outcome
as the one-by-one rule in ``services.identity``, which still handles everyone else.
Left to that rule: a user whose identify gives an email some lead already holds, or that
an anonymous identify in the batch gives (the rule may put the userId on that lead
instead), users seen only in group calls (a refused group call must create nothing), and
a user a concurrent request created first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from qualification.core.domains import email_domain
from qualification.core.tracking.parsing import Message
from qualification.core.tracking.profiles import Identify, NewPerson, new_people_fold, text_trait
from qualification.db.identity import anonymous_ids_insert, leads_insert
from qualification.models import Event
from qualification.selectors.identity import (
    account_ids_by_domain_read,
    lead_emails_held_read,
    lead_owners_by_anonymous_id_read,
    lead_owners_by_user_id_read,
)

Owner = tuple[int, int | None]  # (lead id, account id)


@dataclass
class NewLeads:
    """Users whose identify calls were applied in bulk, and the leads that changed."""

    identified: set[str] = field(default_factory=set)
    lead_ids: set[int] = field(default_factory=set)


def new_leads_create(messages: Sequence[Message]) -> NewLeads:
    """Create a lead for every unseen userId of the batch (see the module's docstring)."""
    result = NewLeads()
    user_ids = {m.user_id for m in messages if m.user_id and m.type != "group"}
    if not user_ids:
        return result
    missing = user_ids - lead_owners_by_user_id_read(user_ids).keys()
    if not missing:
        return result
    identifies = [m for m in messages if m.type == "identify"]
    anonymous_emails = {
        email.lower()
        for m in identifies
        if not m.user_id and (email := text_trait(m.traits, "email"))
    }
    emails = {
        m.user_id: email.lower()
        for m in identifies
        if m.user_id in missing and (email := text_trait(m.traits, "email"))
    }
    held = lead_emails_held_read(emails.values())
    left_to_rules = {
        m.user_id
        for m in identifies
        if m.user_id in missing
        and (email := text_trait(m.traits, "email"))
        and email.lower() in held | anonymous_emails
    }
    people = new_people_fold(
        (
            Identify(m.user_id, m.anonymous_id, m.traits)
            for m in identifies
            if m.user_id in missing and m.user_id not in left_to_rules
        ),
        emails_taken=held | anonymous_emails,
    )
    plain = missing - left_to_rules - people.keys()  # seen in track, page or alias calls
    accounts = account_ids_by_domain_read({email_domain(p.email) for p in people.values()})
    inserted = leads_insert(
        [_person_row(person, accounts) for person in people.values()]
        + [{"user_id": uid} for uid in plain]
    )
    result.identified = inserted & people.keys()
    owners = lead_owners_by_user_id_read(inserted)
    result.lead_ids = {owners[uid][0] for uid in result.identified}
    anonymous_stitch(
        {aid: owners[uid] for uid in sorted(result.identified) for aid in people[uid].anonymous_ids}
    )
    return result


def _person_row(person: NewPerson, accounts: Mapping[str, int]) -> dict:
    row: dict = {
        "user_id": person.user_id,
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "title": person.title,
        "traits": person.traits,
    }
    if person.email and (account_id := accounts.get(email_domain(person.email))):
        row["account_id"] = account_id
    return row


# -- events: which lead and account each belongs to (a fixed number of queries per batch) ---


def event_owners(tracked: Sequence[Message]) -> dict[int, tuple[int | None, int | None]]:
    """(lead id, account id) per message index; anonymous strangers get (None, None)."""
    user_ids = {m.user_id for m in tracked if m.user_id}
    by_user = lead_owners_by_user_id_read(user_ids)
    if missing := user_ids - by_user.keys():  # an identify for them was refused
        leads_insert([{"user_id": uid} for uid in missing])
        by_user |= lead_owners_by_user_id_read(missing)
    anon_ids = {m.anonymous_id for m in tracked if m.anonymous_id}
    by_anon = lead_owners_by_anonymous_id_read(anon_ids)
    # A call carrying both ids stitches them, as an identify would: the first lead an
    # anonymous id is seen with in the batch claims it, unless another lead has it already.
    claims: dict[str, Owner] = {}
    for m in tracked:
        if m.user_id and m.anonymous_id and m.anonymous_id not in by_anon:
            claims.setdefault(m.anonymous_id, by_user[m.user_id])
    by_anon |= anonymous_stitch(claims)
    owners: dict[int, tuple[int | None, int | None]] = {}
    for m in tracked:
        if m.user_id:
            owners[m.index] = by_user[m.user_id]
        elif m.anonymous_id in by_anon:
            owners[m.index] = by_anon[m.anonymous_id]
    return owners


def anonymous_stitch(claims: Mapping[str, Owner]) -> dict[str, Owner]:
    """Stitch anonymous ids to the claiming leads; returns every id's owner as stored.

    An id already stitched (by anyone, a concurrent request included) keeps its lead: a
    shared device must not move one person's history to another. The leads that won their
    claim get the events their anonymous ids sent before. One query finds which ids have
    anonymous events at all (few do: most new users of a batch were never anonymous),
    then one update per id that has.
    """
    if not claims:
        return {}
    anonymous_ids_insert({aid: lead_id for aid, (lead_id, _) in claims.items()})
    stitched = lead_owners_by_anonymous_id_read(claims)
    won = {aid: owner for aid, owner in stitched.items() if owner[0] == claims[aid][0]}
    with_history = (
        Event.objects.filter(lead__isnull=True, anonymous_id__in=won)
        .values_list("anonymous_id", flat=True)
        .distinct()
    )
    for anonymous_id in sorted(set(with_history)):
        lead_id, account_id = won[anonymous_id]
        Event.objects.filter(lead__isnull=True, anonymous_id=anonymous_id).update(
            lead_id=lead_id, account_id=account_id
        )
    return stitched
