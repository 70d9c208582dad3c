"""Saved queue views: save the page's filters and sort under a name, open, delete.

Opening a view checks its stored query against today's filters (``valid_view_query``): an
option that no longer exists (an industry no account has any more, an owner who left, a
filter that was removed) is dropped and named, and the view opens with the rest, rather
than an error page or a silently different list.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, re_path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qualification.core.params import whole_number_or_none
from qualification.models import SavedView
from qualification.roles import Perm
from qualification.selectors.queues import account_facets, queue_workers
from qualification.services.saved_views import saved_view_delete, saved_view_save, view_query
from qualification.web.access import requires
from qualification.web.filters import QueueFilter
from qualification.web.tables import QueueTable
from qualification.web.tables.queue import PAGE_SIZES
from qualification.web.views.queues import back_to


def _sortable() -> set[str]:
    # A column without its own setting is orderable (the table's default).
    return {n for n, column in QueueTable.base_columns.items() if column.orderable is not False}


def valid_view_query(scope: str, query: str) -> tuple[str, list[str]]:
    """The part of ``query`` today's queue page understands, and what was dropped."""
    data = QueryDict(view_query(query), mutable=True)
    industries, countries = account_facets()
    filterset = QueueFilter(
        data,
        workers=queue_workers(),
        industries=industries,
        countries=countries,
        now=timezone.now(),
        scope=scope,
    )
    errors = filterset.form.errors
    dropped: list[str] = []
    for key in list(data.keys()):
        value = data.get(key, "")
        if key in filterset.filters:
            ok = key not in errors
        elif key == "sort":
            ok = value.lstrip("-") in _sortable()
        elif key == "per_page":
            ok = whole_number_or_none(value) in PAGE_SIZES
        elif key == "density":
            ok = value == "compact"
        else:
            ok = False
        if not ok:
            dropped.append(f"{key}={value}" if value else key)
            data.pop(key)
    return data.urlencode(), dropped


@require_POST
@requires(Perm.VIEW_LEADS)
def saved_view_create(request: HttpRequest, scope: str) -> HttpResponse:
    try:
        view = saved_view_save(
            user=request.user,
            scope=scope,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
        return back_to(request)
    messages.success(request, f"Saved the view “{view.name}”. Open it from the Views bar.")
    return back_to(request)


@requires(Perm.VIEW_LEADS)
def saved_view_open(request: HttpRequest, view_id: int) -> HttpResponse:
    view = get_object_or_404(SavedView, pk=view_id, user=request.user)
    query, dropped = valid_view_query(view.scope, view.query)
    if dropped:
        messages.warning(
            request,
            f"“{view.name}” opened without filters that no longer exist: "
            f"{', '.join(dropped)}. Save it again to keep it this way.",
        )
    target = reverse("queue", kwargs={"scope": view.scope})
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


@require_POST
@requires(Perm.VIEW_LEADS)
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    if saved_view_delete(user=request.user, view_id=view_id):
        messages.success(request, "View deleted.")
    else:
        messages.warning(request, "That view was already gone.")
    return back_to(request)


urlpatterns: list[URLPattern] = [
    re_path(
        r"^queues/(?P<scope>mql|pql|all|mine)/views/$", saved_view_create, name="saved-view-save"
    ),
    path("queues/views/<int:view_id>/", saved_view_open, name="saved-view-open"),
    path("queues/views/<int:view_id>/delete/", saved_view_remove, name="saved-view-delete"),
]
