"""Company domains: one rule for what a typed, imported or tracked domain means.

An account is found by its domain: ops type it in the admin, CSV files carry it, group
calls send ``traits.domain`` or ``traits.website``, and a lead's email points at it (the
part after the "@"). If one entry point stored ``acme.com:8080`` while another looked for
``acme.com``, the account would never meet its own events. So the admin form, CSV import
and ingestion (the tracking API) all clean a domain with ``normalize_domain`` before
storing or looking it up, and the data migration that cleaned the domains stored before
used it too (``domains_cleanup_plan``).

Pure: no Django, no clock. Case tables and properties in ``tests/core/test_domains.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# A host name: dot-separated labels, at most 253 characters, and at least two labels (a
# bare "localhost" or "acme" is a typo, not a company).
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]{1,63})+$")
# A URL scheme ("https://", "ftp://"); anything else is read as a bare host.
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class DomainError(ValueError):
    """Not a domain or website. The message names the value, not the field: callers do."""


def email_domain(email: str) -> str:
    """The domain of an email address ("" without an "@"): what account matching and the
    ``lead.email_domain`` attribute both read, so the two can never disagree."""
    if not isinstance(email, str) or "@" not in email:
        return ""
    return email.rpartition("@")[2].strip().lower()


def normalize_domain(value: object) -> str:
    """``https://www.Acme.com:8080/about``, ``user@acme.com``, ``acme.com.`` → ``acme.com``.

    Whatever surrounds the host is dropped (scheme, user, port, path, query, a trailing
    dot, leading ``www.`` labels) and the host is lower-cased. The result normalizes to
    itself, which the data migration relies on: a stored domain that is already clean is
    left alone. Raises ``DomainError`` for anything that is not a host name.
    """
    if not isinstance(value, str):
        raise DomainError(f"must be a string such as “acme.com”, not {type(value).__name__}")
    text = value.strip()
    # ``urlsplit`` silently drops tabs and newlines inside a URL; a domain has none.
    if not text or any(char.isspace() for char in text):
        raise _refused(value)
    # Without a scheme, "acme.com:8080" would read as scheme "acme.com"; "//" marks a host.
    if not _SCHEME.match(text):
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:  # e.g. an unclosed "[" (an IPv6 literal)
        raise _refused(value) from None
    host = host.rstrip(".")
    while host.startswith("www."):
        host = host.removeprefix("www.")
    if not _HOST.match(host):
        raise _refused(value)
    return host


def _refused(value: str) -> DomainError:
    return DomainError(f"“{value}” is not a domain or website (e.g. acme.com)")


@dataclass(frozen=True)
class DomainCleanup:
    """What cleaning the stored domains would do; nothing is merged, collisions are left."""

    # Account id → its cleaned domain, for the accounts safe to change.
    updates: dict[int, str] = field(default_factory=dict)
    # Cleaned domain → the ids of every account that would share it (left unchanged, for
    # ops to merge by hand; includes an account that already holds it).
    collisions: dict[str, list[int]] = field(default_factory=dict)
    # Account id → why its domain cannot be cleaned (left unchanged).
    invalid: dict[int, str] = field(default_factory=dict)


def domains_cleanup_plan(domains: Mapping[int, str]) -> DomainCleanup:
    """Plan the cleaning of stored domains (account id → domain as stored).

    An account changes only when no other account would end up with the same domain. The
    updates can be applied in any order without breaking the unique constraint: a target
    is always clean, and an account already holding a clean domain targets that domain
    itself, so any account holding a target makes a collision instead of an update.
    """
    targets: dict[str, list[int]] = {}
    invalid: dict[int, str] = {}
    for account_id, domain in sorted(domains.items()):
        try:
            targets.setdefault(normalize_domain(domain), []).append(account_id)
        except DomainError as exc:
            invalid[account_id] = str(exc)
    updates: dict[int, str] = {}
    collisions: dict[str, list[int]] = {}
    for target, ids in sorted(targets.items()):
        if len(ids) > 1:
            collisions[target] = ids
        elif domains[ids[0]] != target:
            updates[ids[0]] = target
    return DomainCleanup(updates=updates, collisions=collisions, invalid=invalid)
