"""Thin views: check the role, read through a selector, render.

Every page needs a signed-in user (LoginRequiredMiddleware); pages below also check the same
permission the navigation uses, so a hidden link is never the only protection.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from qualification.models.choices import CriterionKind, Team
from qualification.roles import Perm, editable_teams
from qualification.selectors.criteria import criterion_list
from qualification.selectors.glossary import glossary_term_detail, glossary_term_list
from qualification.selectors.overview import overview_read
from qualification.selectors.versions import term_changes_list
from qualification.web.access import requires
from qualification.web.navigation import admin_shortcuts, admin_url, shortcuts
from qualification.web.tables import CriterionTable
from qualification.web.views.changelog import change_rows

GLOSSARY_PAGE_SIZE = 25
CRITERIA_PAGE_SIZE = 25
MAX_QUERY_LENGTH = 100


def _choice(request: HttpRequest, name: str, choices: list[tuple[str, str]]) -> str:
    """A GET parameter restricted to known values; anything else means "no filter"."""
    value = request.GET.get(name, "")
    return value if value in {v for v, _label in choices} else ""


def _criteria_edit_teams(user) -> set[str] | None:
    """Teams whose criteria this user may edit in the admin (None: all, empty: none)."""
    if not user.has_perm("qualification.change_criterion"):
        return set()
    return editable_teams(user)


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: where the leads stand, and where this role can go next.

    The numbers need read access to leads; a user without a role still gets a page that
    tells them what to do.
    """
    user = request.user
    overview = overview_read(now=timezone.now()) if user.has_perm(Perm.VIEW_LEADS) else None
    context = {
        "overview": overview,
        "shortcuts": shortcuts(user),
        "admin_shortcuts": admin_shortcuts(user),
    }
    return render(request, "qualification/home.html", context)


@requires("qualification.view_glossaryterm")
def glossary_list(request: HttpRequest) -> HttpResponse:
    """Search the shared definitions (term and definition), optionally by owner team."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    team = _choice(request, "team", Team.choices)
    terms = glossary_term_list(query=query, team=team)
    page = Paginator(terms, GLOSSARY_PAGE_SIZE).get_page(request.GET.get("page"))
    can_add = request.user.has_perm("qualification.add_glossaryterm")
    context = {
        "page": page,
        "query": query,
        "team": team,
        "team_label": Team(team).label if team else "",
        "teams": Team.choices,
        "filtered": bool(query or team),
        "add_url": admin_url("qualification_glossaryterm_add") if can_add else None,
    }
    return render(request, "qualification/glossary_list.html", context)


@requires("qualification.view_glossaryterm")
def glossary_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One definition, the criteria that implement it, and who changed it last."""
    detail = glossary_term_detail(slug=slug)
    term = detail.term
    teams = editable_teams(request.user)
    can_edit = request.user.has_perm("qualification.change_glossaryterm") and (
        teams is None or term.owner_team in teams
    )
    criteria = list(detail.criteria)
    table = CriterionTable(
        criteria,
        edit_teams=_criteria_edit_teams(request.user),
        exclude=("glossary_term",),
        orderable=False,
    )
    # The publications that touched this term's criteria, each with the lines about them.
    keys = {criterion.key for criterion in criteria}
    changes = [
        {"version": version, "lines": change_rows(version.changes, keys)}
        for version in term_changes_list(term)
    ]
    context = {
        "term": term,
        "term_changes": changes,
        "last_change": detail.last_change,
        "criteria_table": table,
        "criteria_count": len(criteria),
        "edit_url": admin_url("qualification_glossaryterm_change", term.pk) if can_edit else None,
    }
    return render(request, "qualification/glossary_detail.html", context)


_ACTIVE_CHOICES = [("yes", "Active"), ("no", "Inactive")]


@requires("qualification.view_criterion")
def criteria_list(request: HttpRequest) -> HttpResponse:
    """Every rule that scores leads, read-only; ops edit them in the admin."""
    kind = _choice(request, "kind", CriterionKind.choices)
    team = _choice(request, "team", Team.choices)
    active_param = _choice(request, "active", _ACTIVE_CHOICES)
    active = {"yes": True, "no": False}.get(active_param)
    criteria = criterion_list(kind=kind, team=team, active=active)
    table = CriterionTable(criteria, edit_teams=_criteria_edit_teams(request.user))
    RequestConfig(request, paginate={"per_page": CRITERIA_PAGE_SIZE}).configure(table)
    can_change = request.user.has_perm("qualification.change_criterion")
    context = {
        "table": table,
        "kind": kind,
        "team": team,
        "active": active_param,
        "kinds": [(v, label.split(" (")[0]) for v, label in CriterionKind.choices],
        "teams": Team.choices,
        "active_choices": _ACTIVE_CHOICES,
        "filtered": bool(kind or team or active_param),
        "sort": request.GET.get("sort", ""),
        "admin_url": (admin_url("qualification_criterion_changelist") if can_change else None),
    }
    return render(request, "qualification/criteria_list.html", context)
