"""SDR queues: MQL, PQL, combined and mine (django-tables2 + django-filter), claim and assign.

Thin: the filter form and a selector build the rows, the table renders them, the claim service
does the write. Claim and assign answer htmx with the re-rendered row; without htmx they
redirect back with a message, so every action also works with plain forms.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, URLPattern, path, re_path, resolve, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from qualification.core.params import INT_MAX, whole_number_or_none
from qualification.core.scoring.priority import FRESHNESS_HALF_LIFE_DAYS
from qualification.models import Lead
from qualification.roles import Perm
from qualification.selectors.dashboard.rep_strip import rep_strip_read
from qualification.selectors.queues import (
    account_facets,
    queue_lead,
    queue_leads,
    queue_tab_counts,
    queue_workers,
    reason_terms_read,
    saved_views_read,
)
from qualification.selectors.sla import PolicyMap, sla_policies_read
from qualification.services.claims import ClaimError, lead_assign, lead_claim
from qualification.web.access import RequiresPermission, requires
from qualification.web.exports import EXPORT_CAP
from qualification.web.filters import QueueFilter
from qualification.web.paginators import CappedPaginator
from qualification.web.tables import QueueTable
from qualification.web.tables.queue import PAGE_SIZES

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
        "lede": "The open leads you own. Overdue and due-soon leads first, then by priority.",
        "empty": "You own no open leads yet. Claim one from the PQL or MQL queue "
        "and it will show up here.",
    },
}


# How each queue orders its leads (``selectors.queues``), said in one line above the table.
_FRESHNESS = f"score weighted by freshness (halved every {FRESHNESS_HALF_LIFE_DAYS:g} days)"
ORDER_LABELS = {
    "shared": f"order: tier, then leads about to miss their SLA, then {_FRESHNESS}",
    "mine": f"order: overdue and due-soon leads first, then tier and {_FRESHNESS}",
}


class QueueView(RequiresPermission, SingleTableMixin, FilterView):
    """One queue, filtered from the URL; the page's queries do not depend on its size.

    django-filter reads the filters (an invalid one is shown and left out, ``strict = False``,
    so a stale bookmark still lists leads); django-tables2 sorts and pages, and pages past
    the end or not a number show the last or the first page. The count stops at a cap
    (CappedPaginator), so a page of a 100,000-lead queue costs what a page of a small one does.
    """

    filterset_class = QueueFilter
    strict = False
    table_class = QueueTable
    template_name = "qualification/queues/queue.html"

    def get_permission_required(self) -> tuple[str, ...]:
        """Every role may look at the shared queues (ops checking what a criteria change
        did, marketing and product their signals); *My queue* is for those who own leads."""
        if self.kwargs["scope"] == "mine":
            return (Perm.VIEW_LEADS, Perm.WORK_QUEUE)
        return (Perm.VIEW_LEADS,)

    @cached_property
    def now(self) -> datetime:
        return timezone.now()

    @cached_property
    def policies(self) -> PolicyMap:
        return sla_policies_read()

    @cached_property
    def workers(self) -> list:
        return queue_workers()

    def get_queryset(self) -> QuerySet[Lead]:
        return queue_leads(scope=self.kwargs["scope"], user=self.request.user, now=self.now)

    def get_filterset_kwargs(self, filterset_class: type[QueueFilter]) -> dict[str, Any]:
        industries, countries = account_facets()
        return {
            **super().get_filterset_kwargs(filterset_class),
            "workers": self.workers,
            "industries": industries,
            "countries": countries,
            "now": self.now,
            "scope": self.kwargs["scope"],
        }

    @property
    def compact(self) -> bool:
        """``?density=compact``: one line per lead, a dozen or more on a laptop screen."""
        return self.request.GET.get("density") == "compact"

    def get_table_kwargs(self) -> dict[str, Any]:
        classes = "data-table queue-table" + (" queue-compact" if self.compact else "")
        return {
            "attrs": {"class": classes},
            "request": self.request,
            "policies": self.policies,
            "now": self.now,
            "workers": self.workers,
        }

    def get_table_pagination(self, table: QueueTable) -> dict[str, Any]:
        return {
            "paginator_class": CappedPaginator,
            "per_page": PAGE_SIZES[0],
            "count_source": self.object_list,
        }

    def get_table(self, **kwargs: Any) -> QueueTable:
        """The table, its page's rows read once: the glossary terms are read for those rows."""
        table = super().get_table(**kwargs)
        rows = list(table.page.object_list)  # evaluated once; the template reuses these rows
        table.page.object_list = rows
        table.terms = reason_terms_read(row.record for row in rows)
        return table

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        scope = self.kwargs["scope"]
        user = self.request.user
        context.update(
            scope=scope,
            info=SCOPES[scope],
            scopes=queue_tabs(user),
            read_only=not user.has_perm(Perm.WORK_QUEUE),
            export_cap=EXPORT_CAP,
            compact=self.compact,
            saved_views=saved_views_read(user=user, scope=scope),
            page_shown_at=self.now.isoformat(),
            filtered=self.filterset.active_count > 0,
            page_sizes=PAGE_SIZES,
            per_page=context["table"].paginator.per_page,
            order_label=ORDER_LABELS["mine" if scope == "mine" else "shared"],
            # The rep's own "last 4 weeks" figures, above My queue's table (three queries).
            sla_strip=(
                rep_strip_read(user=self.request.user, now=self.now) if scope == "mine" else None
            ),
        )
        return context


queue_list = QueueView.as_view()


def queue_tabs(user) -> list[tuple[str, str, str]]:
    """(scope, title, count) of the tabs the user has: *My queue* only for those who work."""
    counts = queue_tab_counts(user=user)
    keys = (
        ("pql", "mql", "all", "mine") if user.has_perm(Perm.WORK_QUEUE) else ("pql", "mql", "all")
    )
    return [(key, SCOPES[key]["title"], counts[key]) for key in keys]


def _current_scope(request: HttpRequest) -> str | None:
    """The queue tab the acting page shows (htmx sends its URL), to mark it in the new tabs."""
    try:
        match = resolve(urlsplit(request.htmx.current_url or "").path)
    except Resolver404:
        return None
    return match.kwargs.get("scope")


def back_to(request: HttpRequest) -> HttpResponseRedirect:
    """Back to the page the form was posted from (``next``, this site only), else All queues."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("queue", kwargs={"scope": "all"})
    return HttpResponseRedirect(target)


def _answer(request: HttpRequest, lead_id: int, text: str, level: int) -> HttpResponse:
    """htmx: the lead's row as it is now, plus the message; otherwise redirect back."""
    if not request.htmx:
        messages.add_message(request, level, text)
        return back_to(request)
    lead = queue_lead(lead_id=lead_id)
    table = None
    if lead is not None:
        table = QueueTable(
            [lead],
            request=request,
            policies=sla_policies_read(),
            terms=reason_terms_read([lead]),
            now=timezone.now(),
            workers=queue_workers() if request.user.has_perm(Perm.ASSIGN_LEAD) else [],
            orderable=False,
        )
    scope = _current_scope(request)
    context = {
        "table": table,
        "text": text,
        "level": messages.DEFAULT_TAGS.get(level, "info"),
        # The tab counts follow the action (sent out of band; only a queue page has tabs).
        "scope": scope,
        "scopes": queue_tabs(request.user) if scope else [],
    }
    return render(request, "qualification/queues/_row.html", context)


@require_POST
@requires(Perm.WORK_QUEUE)
def queue_claim(request: HttpRequest, lead_id: int) -> HttpResponse:
    """The signed-in SDR takes an unowned lead; a race has one winner, the other is told who."""
    try:
        result = lead_claim(lead_id=lead_id, user=request.user)
    except ClaimError as error:
        return _answer(request, lead_id, error.message, messages.WARNING)
    text = "You claimed this lead." if result.changed else "This lead is already yours."
    return _answer(request, lead_id, text, messages.SUCCESS)


@require_POST
@requires(Perm.ASSIGN_LEAD)
def queue_assign(request: HttpRequest, lead_id: int) -> HttpResponse:
    """A manager gives a lead to a rep (or to nobody), if its owner is still the one they saw."""

    def _int(name: str) -> int | None:
        return whole_number_or_none(request.POST.get(name), maximum=INT_MAX)  # user ids

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
