"""Identity reads: which lead an anonymous id belongs to, which account an email points at."""

from __future__ import annotations

from qualification.core.domains import email_domain
from qualification.models import Account, AnonymousId, Lead

# Personal mailboxes: a shared domain says nothing about the company a person works for.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "icloud.com",
        "gmx.de",
        "web.de",
        "proton.me",
        "protonmail.com",
        "aol.com",
        "live.com",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
    }
)


def account_for_email_read(email: str) -> Account | None:
    """The account whose domain is the email's, never for a free-mail domain."""
    domain = email_domain(email) if email else ""
    if not domain or domain in FREE_MAIL_DOMAINS:
        return None
    return Account.objects.filter(domain=domain).first()


def lead_for_anonymous_id_read(anonymous_id: str | None) -> Lead | None:
    """The lead an anonymous id was stitched to, if any."""
    if not anonymous_id:
        return None
    row = AnonymousId.objects.select_related("lead").filter(anonymous_id=anonymous_id).first()
    return row.lead if row else None
