"""What identify calls say about a person: the lead fields their traits fill (pure).

One definition for the per-message identity rule (``services.identity.lead_identify``) and
for the bulk path that creates a batch's unseen users at once (``services.new_leads``):
both read names, title and email from traits the same way, so a person looks the same
whichever path created them.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from typing import Any

NAME_LIMIT = 100
TITLE_LIMIT = 200


def text_trait(traits: dict[str, Any], *keys: str) -> str | None:
    """The first of ``keys`` holding non-blank text, stripped; None when none does."""
    for key in keys:
        value = traits.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def person_fields(traits: dict[str, Any]) -> dict[str, str]:
    """first_name, last_name and title as traits give them (absent keys left out).

    ``name`` is split at its first space when no first or last name is given.
    """
    name = text_trait(traits, "name")
    first = text_trait(traits, "firstName", "first_name")
    last = text_trait(traits, "lastName", "last_name")
    if name and not first and not last:
        first, _, last = name.partition(" ")
    fields = {
        "first_name": (first or "")[:NAME_LIMIT],
        "last_name": (last or "")[:NAME_LIMIT],
        "title": (text_trait(traits, "title", "jobTitle", "job_title") or "")[:TITLE_LIMIT],
    }
    return {key: value for key, value in fields.items() if value}


@dataclass
class NewPerson:
    """An unseen user as the batch's identify calls describe them, in order."""

    user_id: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    traits: dict[str, Any] = field(default_factory=dict)
    anonymous_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Identify:
    """The parts of one identify call the fold reads."""

    user_id: str
    anonymous_id: str | None
    traits: dict[str, Any]


def new_people_fold(calls: Iterable[Identify], *, emails_taken: Set[str]) -> dict[str, NewPerson]:
    """Apply identify calls for unseen users in order, as one-by-one identifies would.

    Each call merges its traits over the earlier ones and sets the names it gives. An email
    goes to the first user who gives it while no one else holds it (``emails_taken``, in
    lower case, are held outside the batch); a user who moves to another email frees the
    old one. An email someone already holds stays in traits only.
    """
    people: dict[str, NewPerson] = {}
    holder: dict[str, str] = {}  # lowercased email -> user id, within the batch
    for call in calls:
        person = people.setdefault(call.user_id, NewPerson(call.user_id))
        email = text_trait(call.traits, "email")
        if email and email.lower() != person.email.lower():
            key = email.lower()
            if key not in emails_taken and holder.get(key, person.user_id) == person.user_id:
                holder.pop(person.email.lower(), None)
                holder[key] = person.user_id
                person.email = email
        for attr, value in person_fields(call.traits).items():
            setattr(person, attr, value)
        person.traits = {**person.traits, **call.traits}
        if call.anonymous_id and call.anonymous_id not in person.anonymous_ids:
            person.anonymous_ids.append(call.anonymous_id)
    return people
