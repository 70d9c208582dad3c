"""The queue page's companions: its CSV export, its "new leads" bar, bulk claim and assign.

Thin, like the queue page: the export reuses ``QueueView``'s filters, table order and
permission, so the file holds exactly what the page shows (capped at ``EXPORT_CAP``, and
the page says so), and so does the bar's count of leads qualified since the page was
shown; a bulk action runs ``services.claims_bulk`` and comes back to the page
with one line per lead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, re_path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from qualification.core.params import INT_MAX, storable_moment, whole_number_or_none
from qualification.roles import Perm
from qualification.services.claims_bulk import leads_bulk_assign, leads_bulk_claim
from qualification.web.access import requires
from qualification.web.exports import EXPORT_CAP, queue_csv
from qualification.web.tables import QueueTable
from qualification.web.views.queues import QueueView, back_to


class QueueExportView(QueueView):
    """GET the queue page's URL with ``export.csv``: its leads as CSV, filters and sort kept."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        table = QueueTable(
            filterset.qs,
            request=request,
            policies=self.policies,
            now=self.now,
            order_by=request.GET.get("sort") or None,
        )
        leads = list(table.data.data[: EXPORT_CAP + 1])
        capped = len(leads) > EXPORT_CAP
        text = queue_csv(
            leads[:EXPORT_CAP],
            policies=self.policies,
            now=self.now,
            lead_url=request.build_absolute_uri(reverse("lead-detail", args=[0]))[:-2] + "{}/",
        )
        stamp = timezone.localtime(self.now).strftime("%Y-%m-%d")
        name = f"leadhub-{self.kwargs['scope']}-{stamp}{f'-first-{EXPORT_CAP}' if capped else ''}"
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response["X-LeadHub-Capped"] = "yes" if capped else "no"
        return response


queue_export = QueueExportView.as_view()

NEWS_CAP = 99


class QueueNewsView(QueueView):
    """GET ``news/?since=...`` with the page's filters: the "3 new leads" bar, polled by the
    queue page (htmx, every 30 s) instead of the table jumping under the rep's pointer."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            since = parse_datetime(request.GET.get("since", ""))
            if since is not None and since.tzinfo is not None:
                since = storable_moment(since, name="since")  # PostgreSQL's offsets: ±15:59
        except ValueError:  # well formed but impossible: month 13, offset +16:00
            since = None
        if since is None or since.tzinfo is None:
            return HttpResponse(
                "since: give the time the page was shown, as ISO 8601 with a zone.",
                status=400,
                content_type="text/plain",
            )
        filterset = self.get_filterset(self.get_filterset_class())
        fresh = filterset.qs.filter(qualified_at__gt=since).order_by()[: NEWS_CAP + 1].count()
        query = request.GET.copy()
        query.pop("since", None)
        context = {
            "count": fresh,
            "capped": fresh > NEWS_CAP,
            "cap": NEWS_CAP,
            "since": since.isoformat(),
            "scope": self.kwargs["scope"],
            "query": query.urlencode(),
        }
        return render(request, "qualification/queues/_news.html", context)


queue_news = QueueNewsView.as_view()


def _ids(values: list[str]) -> list[int]:
    return [pk for v in values if (pk := whole_number_or_none(v)) is not None]


def _seen_owner(value: str | None) -> int | None:
    return whole_number_or_none(value, maximum=INT_MAX)  # auth's user ids


@require_POST
@requires(Perm.WORK_QUEUE)
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Claim, or (managers) assign, the checked leads; report each one, then go back."""
    data = request.POST
    ids = _ids(data.getlist("lead"))
    try:
        if data.get("action") == "assign":
            raw = data.get("assignee", "")
            assignee_id = whole_number_or_none(raw, maximum=INT_MAX)
            if raw not in ("", "none") and assignee_id is None:
                raise ValueError("Pick someone to assign the leads to.")
            outcomes = leads_bulk_assign(
                lead_ids=ids,
                user=request.user,
                assignee_id=assignee_id,
                seen_owners={pk: _seen_owner(data.get(f"seen-{pk}")) for pk in ids},
            )
        else:
            outcomes = leads_bulk_claim(lead_ids=ids, user=request.user)
    except ValueError as error:
        messages.warning(request, str(error))
        return back_to(request)
    refused = [o for o in outcomes if not o.done]
    done = len(outcomes) - len(refused)
    summary = f"{done} of {len(outcomes)} selected leads done."
    if not refused:
        messages.success(request, summary)
    else:
        left = "was left unchanged" if len(refused) == 1 else "were left unchanged"
        messages.warning(request, f"{summary} {len(refused)} had changed meanwhile and {left}:")
        for outcome in refused:
            messages.warning(request, outcome.message)
    return back_to(request)


urlpatterns: list[URLPattern] = [
    re_path(r"^queues/(?P<scope>mql|pql|all|mine)/export\.csv$", queue_export, name="queue-export"),
    re_path(r"^queues/(?P<scope>mql|pql|all|mine)/news/$", queue_news, name="queue-news"),
    path("queues/bulk/", queue_bulk, name="queue-bulk"),
]
