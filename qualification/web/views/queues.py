"""SDR queues: MQL, PQL, combined and mine (django-tables2 + django-filter), claim and assign.

Thin: the filter form and a selector build the rows, the table renders them, the claim service
does the write. Claim and assign answer htmx with the re-rendered row; without htmx they
redirect back with a message, so every action also works with plain forms.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, re_path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from qualification.roles import Perm
from qualification.selectors.queues import (
    account_facets,
    queue_lead,
    queue_leads,
    queue_tab_counts,
    queue_workers,
    reason_terms_read,
    sla_policies_read,
)
from qualification.services.claims import ClaimError, lead_assign, lead_claim
from qualification.web.filters import PAGE_SIZES, QueueFilter
from qualification.web.paginators import CappedPaginator
from qualification.web.tables import QueueTable

SCOPES: dict[str, dict[str, str]] = {
    "mql": {
        "title": "MQL queue",
        "lede": "Marketing-qualified leads: fit and intent over the threshold. Hottest first.",
        "empty": "No MQLs are waiting. New ones appear here as soon as they qualify; "
        "meanwhile work the PQL queue or follow up on your own leads.",
    },
    "pql": {
        "title": "PQL queue",
        "lede": "Product-qualified leads: usage, hand-raisers, limits reached, self-serve "
        "purchases. Hottest first.",
        "empty": "No PQLs are waiting. They appear here as product usage qualifies them; "
        "meanwhile work the MQL queue or follow up on your own leads.",
    },
    "all": {
        "title": "All queues",
        "lede": "MQLs and PQLs together, in one priority order.",
        "empty": "Both queues are clear. New leads appear here as they qualify.",
    },
    "mine": {
        "title": "My queue",
        "lede": "The open leads you own. Touch the overdue ones first.",
        "empty": "You own no open leads yet. Claim one from the PQL or MQL queue "
        "and it will show up here.",
    },
}


def _per_page(request: HttpRequest) -> int:
    """A page size from the URL, restricted to the offered sizes."""
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


@permission_required(Perm.WORK_QUEUE, raise_exception=True)
def queue_list(request: HttpRequest, scope: str) -> HttpResponse:
    """One queue, filtered from the URL; the page's queries do not depend on its size."""
    now = timezone.now()
    policies = sla_policies_read()
    workers = queue_workers()
    industries, countries = account_facets()
    filterset = QueueFilter(
        request.GET,
        queryset=queue_leads(scope=scope, user=request.user),
        workers=workers,
        industries=industries,
        countries=countries,
        policies=policies,
        now=now,
    )
    table = QueueTable(
        filterset.qs, request=request, policies=policies, terms={}, now=now, workers=workers
    )
    RequestConfig(request, paginate=False).configure(table)
    paging = {
        "paginator_class": CappedPaginator,
        "per_page": _per_page(request),
        "count_source": filterset.qs,
    }
    try:
        table.paginate(page=request.GET.get("page", 1), **paging)
    except PageNotAnInteger:
        table.paginate(page=1, **paging)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, **paging)
    rows = list(table.page.object_list)  # evaluated once; the template reuses these rows
    table.page.object_list = rows
    table.terms = reason_terms_read(row.record for row in rows)
    counts = queue_tab_counts(user=request.user)
    context = {
        "scope": scope,
        "info": SCOPES[scope],
        "scopes": [
            (key, SCOPES[key]["title"], counts[key]) for key in ("pql", "mql", "all", "mine")
        ],
        "filter": filterset,
        "table": table,
        "filtered": filterset.active_count > 0,
        "page_sizes": PAGE_SIZES,
        "per_page": _per_page(request),
    }
    return render(request, "qualification/queues/queue.html", context)


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("queue", kwargs={"scope": "all"})
    return HttpResponseRedirect(target)


def _answer(request: HttpRequest, lead_id: int, text: str, level: int) -> HttpResponse:
    """htmx: the lead's row as it is now, plus the message; otherwise redirect back."""
    if not request.htmx:
        messages.add_message(request, level, text)
        return _back(request)
    lead = queue_lead(lead_id=lead_id)
    table = None
    if lead is not None:
        now = timezone.now()
        table = QueueTable(
            [lead],
            request=request,
            policies=sla_policies_read(),
            terms=reason_terms_read([lead]),
            now=now,
            workers=queue_workers() if request.user.has_perm(Perm.ASSIGN_LEAD) else [],
            orderable=False,
        )
    context = {"table": table, "text": text, "level": messages.DEFAULT_TAGS.get(level, "info")}
    return render(request, "qualification/queues/_row.html", context)


@require_POST
@permission_required(Perm.WORK_QUEUE, raise_exception=True)
def queue_claim(request: HttpRequest, lead_id: int) -> HttpResponse:
    """The signed-in SDR takes an unowned lead; a race has one winner, the other is told who."""
    try:
        result = lead_claim(lead_id=lead_id, user=request.user)
    except ClaimError as error:
        return _answer(request, lead_id, error.message, messages.WARNING)
    text = "You claimed this lead." if result.changed else "This lead is already yours."
    return _answer(request, lead_id, text, messages.SUCCESS)


@require_POST
@permission_required(Perm.ASSIGN_LEAD, raise_exception=True)
def queue_assign(request: HttpRequest, lead_id: int) -> HttpResponse:
    """A manager gives a lead to a rep (or to nobody), if its owner is still the one they saw."""

    def _int(name: str) -> int | None:
        value = request.POST.get(name, "")
        return int(value) if value.isdigit() else None

    try:
        result = lead_assign(
            lead_id=lead_id,
            user=request.user,
            assignee_id=_int("assignee"),
            expected_owner_id=_int("expected_owner"),
        )
    except ClaimError as error:
        return _answer(request, lead_id, error.message, messages.WARNING)
    text = "Lead assigned." if result else "Lead is unassigned now."
    return _answer(request, lead_id, text, messages.SUCCESS)


urlpatterns: list[URLPattern] = [
    re_path(r"^queues/(?P<scope>mql|pql|all|mine)/$", queue_list, name="queue"),
    *(
        path(f"queues/{scope}/", queue_list, {"scope": scope}, name=f"queue-{scope}")
        for scope in SCOPES
    ),
    path("queues/claim/<int:lead_id>/", queue_claim, name="queue-claim"),
    path("queues/assign/<int:lead_id>/", queue_assign, name="queue-assign"),
]
