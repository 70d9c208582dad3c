"""The places each role may go: the top navigation and the overview's shortcuts.

Every entry names the permission it needs. The views check the same permission, so hiding a
link is a courtesy and never the protection.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from qualification.roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class NavEntry:
    """One top-navigation entry; ``perm`` None means every signed-in user."""

    label: str
    url_name: str
    perm: str | None = None
    staff_only: bool = False
    # Marks the entry active for every page under this path (e.g. all the queue tabs).
    section: str | None = None


NAV: list[NavEntry] = [
    NavEntry("Overview", "home"),
    NavEntry("Queues", "queue-all", Perm.VIEW_LEADS, section="/queues/"),
    NavEntry("Dashboard", "dashboard", Perm.VIEW_MANAGER_DASHBOARD),
    NavEntry("Glossary", "glossary-list", "qualification.view_glossaryterm"),
    NavEntry("Criteria", "criteria-list", "qualification.view_criterion"),
    NavEntry("Criteria health", "criteria-health", Perm.VIEW_CRITERIA_HEALTH),
    # The REST API's reference (and the /v1/ tracking API's); its reads need view_lead.
    NavEntry("API", "api-docs", Perm.VIEW_LEADS),
    # The admin itself refuses non-staff users; only show it to those it will let in.
    NavEntry("Admin", "admin:index", staff_only=True),
]


def _allowed(user, perm: str | None, staff_only: bool) -> bool:
    if staff_only and not (user.is_active and user.is_staff):
        return False
    return perm is None or user.has_perm(perm)


def nav_items(user, path: str) -> list[NavItem]:
    """The entries this user may use, marking the one the current page belongs to.

    When two entries' paths contain the page (``/criteria/`` and ``/criteria/health/``),
    the longer one wins, so exactly one entry is marked.
    """
    found = []
    for entry in NAV:
        if not _allowed(user, entry.perm, entry.staff_only):
            continue
        url = reverse(entry.url_name)
        prefix = entry.section or url
        matches = path == url if url == "/" else path.startswith(prefix)
        found.append((entry.label, url, len(prefix) if matches else -1))
    best = max((length for _label, _url, length in found), default=-1)
    return [
        NavItem(label=label, url=url, active=length >= 0 and length == best)
        for label, url, length in found
    ]


def admin_url(url_name: str, *args: object) -> str:
    """The URL of an admin page, e.g. ``admin_url("qualification_criterion_change", pk)``.

    A name the admin does not know raises NoReverseMatch: a typo fails the page's tests
    instead of quietly dropping the link.
    """
    return reverse(f"admin:{url_name}", args=args)


@dataclass(frozen=True)
class Shortcut:
    label: str
    url: str
    description: str


@dataclass(frozen=True)
class ShortcutEntry:
    label: str
    url_name: str
    perm: str
    description: str
    admin: bool = False


SHORTCUTS: list[ShortcutEntry] = [
    ShortcutEntry(
        "My queue",
        "queue-mine",
        Perm.WORK_QUEUE,
        "The open leads you own, most urgent first.",
    ),
    ShortcutEntry(
        "PQL queue",
        "queue-pql",
        Perm.VIEW_LEADS,
        "Product-qualified leads waiting for a first touch, with the reasons they qualified.",
    ),
    ShortcutEntry(
        "Dashboard",
        "dashboard",
        Perm.VIEW_MANAGER_DASHBOARD,
        "SLA attainment, response times against conversion, arrivals and funnels, per team and rep.",
    ),
    ShortcutEntry(
        "Glossary",
        "glossary-list",
        "qualification.view_glossaryterm",
        "What MQL, PQL, ICP and every other term mean here, and who owns each definition.",
    ),
    ShortcutEntry(
        "Criteria",
        "criteria-list",
        "qualification.view_criterion",
        "The rules that score leads, read aloud: signal, condition, points and decay.",
    ),
]

ADMIN_SHORTCUTS: list[ShortcutEntry] = [
    ShortcutEntry(
        "Edit criteria",
        "qualification_criterion_changelist",
        "qualification.change_criterion",
        "Change points, windows and reasons.",
        admin=True,
    ),
    ShortcutEntry(
        "Edit glossary",
        "qualification_glossaryterm_changelist",
        "qualification.change_glossaryterm",
        "Add or reword terms your team owns.",
        admin=True,
    ),
    ShortcutEntry(
        "Qualification policy",
        "qualification_qualificationpolicy_changelist",
        "qualification.change_qualificationpolicy",
        "MQL and PQL thresholds, tiers, outreach order.",
        admin=True,
    ),
    ShortcutEntry(
        "SLA policies",
        "qualification_slapolicy_changelist",
        "qualification.change_slapolicy",
        "How soon each queue and tier must be touched.",
        admin=True,
    ),
    ShortcutEntry(
        "Ingestion keys",
        "qualification_ingestkey_changelist",
        "qualification.change_ingestkey",
        "Write keys for the tracking API.",
        admin=True,
    ),
    ShortcutEntry(
        "Users and roles",
        "auth_user_changelist",
        "auth.change_user",
        "Invite people and give them a role.",
        admin=True,
    ),
]


def _shortcuts(user, entries: list[ShortcutEntry]) -> list[Shortcut]:
    found = []
    for entry in entries:
        if not _allowed(user, entry.perm, staff_only=entry.admin):
            continue
        url = admin_url(entry.url_name) if entry.admin else reverse(entry.url_name)
        found.append(Shortcut(label=entry.label, url=url, description=entry.description))
    return found


def shortcuts(user) -> list[Shortcut]:
    """Dashboard pages this user may open."""
    return _shortcuts(user, SHORTCUTS)


def admin_shortcuts(user) -> list[Shortcut]:
    """Admin pages this user may change things in (ops sees them all, marketing a few)."""
    return _shortcuts(user, ADMIN_SHORTCUTS)
