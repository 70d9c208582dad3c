"""The manager dashboard ``/dashboard/``: SLA attainment, response times, arrivals, funnels.

Thin: the GET form parses the filters, ``dashboard_read`` computes every figure in the
database, the charts are drawn from the same tables, and ``?export=<table key>`` returns
that one table as CSV (the page's table, same rows and columns, same filters).
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from qualification.models import SDRTeam
from qualification.roles import Perm
from qualification.selectors.dashboard import (
    TABLE_READERS,
    DashboardFilters,
    Table,
    dashboard_read,
    table_read,
)
from qualification.selectors.queues import queue_workers
from qualification.web.access import requires
from qualification.web.charts.dashboard import dashboard_charts
from qualification.web.forms_dashboard import DashboardForm


@login_required
@requires(Perm.VIEW_MANAGER_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    tz = timezone.get_current_timezone()
    reps = queue_workers()
    teams = list(SDRTeam.objects.order_by("name"))
    params = request.GET.copy()
    export = params.pop("export", [None])[-1]
    form = DashboardForm(params or None, reps=reps, teams=teams)
    if form.is_bound:
        form.is_valid()
    filters = form.filters(now=now, tz=tz)
    if export is not None:
        if form.is_bound and form.errors:
            problems = (f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            return _refuse("Fix the filters first: " + "; ".join(problems))
        table = table_read(key=export, filters=filters, now=now)
        if table is None:
            known = ", ".join(sorted(TABLE_READERS))
            return _refuse(f"export: no table named {export!r}; use one of {known}.")
        return _csv(table, filters)
    data = dashboard_read(filters=filters, now=now)
    query = params.urlencode()
    return render(
        request,
        "qualification/dashboard/dashboard.html",
        {
            "form": form,
            "data": data,
            "filters": filters,
            "charts": dashboard_charts(data),
            "export_query": f"{query}&" if query else "",
        },
    )


def _refuse(text: str) -> HttpResponse:
    """A CSV link with bad parameters: a 400 that says which one, as plain text."""
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


def _csv(table: Table, filters: DashboardFilters) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="leadhub-{table.key}-{filters.slug}.csv"'
    )
    writer = csv.writer(response)
    writer.writerows(table.csv_rows(filters.tz))
    return response


urlpatterns: list[URLPattern] = [path("dashboard/", dashboard, name="dashboard")]
