"""The criteria health page ``/criteria/health/``: what sales feedback says about the criteria.

Thin: ``selectors.criteria_health`` picks the runs and turns their stored figures into
rows and tables; ``services.recalibration`` starts a run (ops); ``services.learning_drafts``
turns chosen suggestions into a criteria draft, which ops review and publish like any other
(points change by themselves only within the auto-publish bounds ops set in the admin). ``?export=<table>`` returns one of the page's tables as
CSV, with the same rows and columns (``selectors.dashboard.tables.Table``, as the dashboard).

The run panel is its own small page (``criteria-health-run``): htmx polls it every two
seconds while a run is queued or running, and when the run it watched has finished it asks
the browser to reload the whole page, so the new figures appear. Without JavaScript a
``<noscript>`` refresh does the same.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qualification.core.params import whole_number_or_none
from qualification.models import RecalibrationStatus, RecalibrationTrigger
from qualification.roles import Perm
from qualification.selectors.criteria_health import (
    CriteriaHealth,
    criteria_health_read,
    recalibration_for_draft_read,
    recalibration_in_progress_read,
)
from qualification.selectors.dashboard.tables import Table
from qualification.selectors.learning import auto_publish_bounds_read
from qualification.services.learning_drafts import suggestion_draft_create
from qualification.services.recalibration import recalibration_request
from qualification.services.versions import GovernanceError, four_eyes_required
from qualification.web.access import requires
from qualification.web.charts import Chart, hbar_chart, line_chart
from qualification.web.charts.geometry import fmt_pct
from qualification.web.charts.reliability import reliability_chart
from qualification.web.tables.health import health_tables

POLL_SECONDS = 2
# The marketing and product section: conversion by source, PQL kind and owner team.
SEGMENTS = ("by-source", "by-pql-kind", "by-owner-team")


# --- the page ------------------------------------------------------------------------------


@login_required
@requires(Perm.VIEW_CRITERIA_HEALTH)
def health_page(request: HttpRequest) -> HttpResponse:
    export = request.GET.get("export")
    health = criteria_health_read()
    tables = health_tables(health)
    if export is not None:
        table = tables.get(export)
        if table is None:
            known = ", ".join(sorted(tables))
            return HttpResponse(
                f"export: no table named {export!r}; use one of {known}.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return _csv(table)
    return render(request, "qualification/criteria/health.html", _context(request, health, tables))


def _context(request: HttpRequest, health: CriteriaHealth, tables: dict[str, Table]):
    user = request.user
    charts = _charts(tables)
    return {
        "health": health,
        "figures": health.figures,
        "live_figures": health.live_figures,
        "tables": tables,
        "charts": charts,
        "segments": [(tables[key], charts[key]) for key in SEGMENTS],
        "export_query": "",
        "can_run": user.has_perm(Perm.RUN_RECALIBRATION),
        "can_draft": user.has_perm(Perm.DRAFT_CRITERIA),
        **_run_context(health.running),
    }


def _run_context(running) -> dict[str, Any]:
    return {
        "running": running,
        "poll_seconds": POLL_SECONDS,
        "auto_publish": auto_publish_bounds_read(),
        "four_eyes": four_eyes_required(),
    }


def _values(table: Table, key: str) -> list[Any]:
    index = [column.key for column in table.columns].index(key)
    return [row[index] for row in table.rows]


def _charts(tables: dict[str, Table]) -> dict[str, Chart]:
    """The page's charts, drawn from its tables, so a chart never shows a number they lack."""
    calibration, drift = tables["calibration"], tables["drift"]
    weeks = _values(drift, "week")
    charts = {
        "reliability": reliability_chart(
            "Predicted likelihood against observed conversion, per likelihood band",
            [tuple(row) for row in calibration.rows],
        ),
        "drift_auc": line_chart(
            "AUC of the live model by week", weeks, [("AUC", _values(drift, "auc"))], maximum=1.0
        ),
        "drift_calibration": line_chart(
            "Predicted against observed conversion by week",
            weeks,
            [("Predicted", _values(drift, "predicted")), ("Observed", _values(drift, "observed"))],
            maximum=1.0,
            fmt=fmt_pct,
        ),
    }
    for key in SEGMENTS:
        table = tables[key]
        label = table.columns[0].key
        charts[key] = hbar_chart(
            table.title,
            list(zip(_values(table, label), _values(table, "conversion"), strict=True)),
            maximum=1.0,
            fmt=fmt_pct,
            css="series-b",
        )
    return charts


def _csv(table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="leadhub-health-{table.key}-{stamp}.csv"'
    )
    csv.writer(response).writerows(table.csv_rows(timezone.get_current_timezone()))
    return response


# --- the run panel and the button ----------------------------------------------------------


@login_required
@requires(Perm.VIEW_CRITERIA_HEALTH)
def health_run_panel(request: HttpRequest) -> HttpResponse:
    """The run panel alone, polled while a run is queued or running.

    ``?watch=<id>`` is the run the page was showing: once it is no longer in progress the
    answer tells htmx to reload the page (``HX-Refresh``), since every figure may have moved.
    """
    running = recalibration_in_progress_read()
    watched = request.GET.get("watch", "")
    response = render(
        request,
        "qualification/criteria/_health_run.html",
        {**_run_context(running), "can_run": request.user.has_perm(Perm.RUN_RECALIBRATION)},
    )
    if watched and (running is None or str(running.pk) != watched):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
@requires(Perm.RUN_RECALIBRATION)
def health_recalibrate(request: HttpRequest) -> HttpResponse:
    """Ops start a recalibration; it runs in the background and the panel shows its progress."""
    try:
        run = recalibration_request(user=request.user, trigger=RecalibrationTrigger.BUTTON)
    except (GovernanceError, ValidationError, ValueError) as exc:
        messages.error(request, _text(exc))
        return redirect(reverse("criteria-health") + "#run")
    run.refresh_from_db()  # in-process (embedded default) the task has already run
    if run.status == RecalibrationStatus.DONE:
        messages.success(request, "Recalibration finished: the figures below are the new ones.")
    elif run.status == RecalibrationStatus.FAILED:
        messages.error(request, f"The recalibration failed: {run.error or 'no reason recorded'}.")
    else:
        messages.success(
            request,
            "Recalibration started: its progress shows below, and the page updates when it ends.",
        )
    return redirect(reverse("criteria-health") + "#run")


# The service names its arguments; the page names the part of the page they came from.
_FIELD_LABELS = {"point_keys": "Suggested points", "new_keys": "Suggested new criteria"}


def _text(exc: Exception) -> str:
    """A refusal as one sentence that names the field, e.g. "Suggested points: ..."."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(
            f"{_FIELD_LABELS.get(name, name)}: {' '.join(errors)}"
            for name, errors in exc.message_dict.items()
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


# --- suggestions to a draft ----------------------------------------------------------------


class SuggestionDraftForm(forms.Form):
    """The suggestions ticked on the page; only keys the run actually suggested are valid."""

    point = forms.MultipleChoiceField(required=False, label="Suggested points")
    new = forms.MultipleChoiceField(required=False, label="Suggested new criteria")

    def __init__(self, *args: Any, health_points: list[str], health_new: list[str], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["point"].choices = [(key, key) for key in health_points]
        self.fields["new"].choices = [(key, key) for key in health_new]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not (data.get("point") or data.get("new")):
            raise ValidationError("Tick at least one suggestion to put in the draft.")
        return data

    def problems(self) -> str:
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return "; ".join(parts)


@require_POST
@login_required
@requires(Perm.DRAFT_CRITERIA)
def health_draft(request: HttpRequest) -> HttpResponse:
    """Make a criteria draft from the ticked suggestions of one run, then open the draft."""
    back = reverse("criteria-health") + "#suggestions"
    raw = request.POST.get("recalibration", "")
    number = whole_number_or_none(raw)
    run = recalibration_for_draft_read(number) if number is not None else None
    if run is None:
        messages.error(
            request,
            "recalibration: no finished recalibration with that number; reload the page and try again.",
        )
        return redirect(back)
    figures = run.figures or {}
    form = SuggestionDraftForm(
        request.POST,
        health_points=[
            str(row.get("key"))
            for row in figures.get("criteria") or []
            if row.get("suggested_points") is not None
        ],
        health_new=[str(row.get("key")) for row in figures.get("new_criteria") or []],
    )
    if not form.is_valid():
        messages.error(request, form.problems())
        return redirect(back)
    try:
        draft = suggestion_draft_create(
            user=request.user,
            recalibration=run,
            point_keys=tuple(form.cleaned_data["point"]),
            new_keys=tuple(form.cleaned_data["new"]),
        )
    except PermissionDenied:
        raise
    except (GovernanceError, ValidationError, ValueError) as exc:
        messages.error(request, _text(exc))
        return redirect(back)
    messages.success(
        request, "Draft made from the suggestions: review it, preview its effect, then publish."
    )
    return redirect("criteria-draft", draft_id=draft.pk)


urlpatterns: list[URLPattern] = [
    path("criteria/health/", health_page, name="criteria-health"),
    path("criteria/health/run/", health_run_panel, name="criteria-health-run"),
    path("criteria/health/recalibrate/", health_recalibrate, name="criteria-health-recalibrate"),
    path("criteria/health/draft/", health_draft, name="criteria-health-draft"),
]
