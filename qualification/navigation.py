"""The navigation entries and the permission each one needs."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# (label, url name, permission or None for everyone signed in, staff only)
NAV: list[tuple[str, str, str | None, bool]] = [
    ("Overview", "home", None, False),
    ("Glossary", "glossary-list", "qualification.view_glossaryterm", False),
    ("Criteria", "criteria-list", "qualification.view_criterion", False),
    ("Admin", "admin:index", None, True),
]


def nav_items(user, path: str) -> list[NavItem]:
    items = []
    for label, url_name, perm, staff_only in NAV:
        if staff_only and not user.is_staff:
            continue
        if perm and not user.has_perm(perm):
            continue
        url = reverse(url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(label=label, url=url, active=active))
    return items
