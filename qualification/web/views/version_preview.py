"""A draft's impact preview on its page: run it, poll its progress, show its figures.

The preview itself runs in Celery (``services.previews``); this module only starts it and
reads what it stored. The stored figures are plain JSON made for the tally, not for a page,
so ``figures_display`` and ``backtest_display`` turn them into rows a template can print
as-is: tier numbers named, rates as percentages, and a bar width beside every number (the
number is always printed; the bar only helps the eye compare).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from qualification.core.params import whole_number_or_none
from qualification.core.vocabulary import SDR_QUEUES, tier_name
from qualification.models import CriteriaPreview, CriteriaVersion, PreviewStatus, VersionStatus
from qualification.selectors.versions import latest_preview_read, preview_is_current
from qualification.services.previews import preview_request
from qualification.services.versions import GovernanceError
from qualification.web.access import requires

VIEW_PERM = "qualification.view_criteriaversion"
RUN_PERM = "qualification.add_criteriapreview"
QUEUE_LABELS = {"mql": "MQL", "pql": "PQL"}
TIERS = ("hot", "warm", "cool", "cold")
POLL_SECONDS = 2


def _pct(part: float, whole: float) -> int:
    """A bar's width in percent of the largest value shown beside it (0 when all are 0)."""
    return round(100 * part / whole) if whole else 0


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def _auc(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _tier(value: Any) -> str:
    if isinstance(value, str):
        number = whole_number_or_none(value)
        return value if number is None else tier_name(number)
    return tier_name(value)


def figures_display(figures: dict[str, Any]) -> dict[str, Any]:
    """The preview's figures as rows: moves and samples per queue, tiers, movers, sizes."""
    moves = figures.get("queues_moves") or {}
    samples = figures.get("samples") or {}
    queues = []
    for queue in SDR_QUEUES:
        entering = moves.get(queue, {}).get("entering", 0)
        leaving = moves.get(queue, {}).get("leaving", 0)
        queues.append(
            {
                "key": queue,
                "label": QUEUE_LABELS.get(queue, queue.upper()),
                "entering": entering,
                "leaving": leaving,
                "net": entering - leaving,
                "entering_sample": _samples(samples.get("entering", {}).get(queue)),
                "leaving_sample": _samples(samples.get("leaving", {}).get(queue)),
            }
        )
    tier_changes = figures.get("tier_changes") or []
    most = max((row["count"] for row in tier_changes), default=0)
    movers = figures.get("top_movers") or []
    biggest = max((abs(row["delta"]) for row in movers), default=0)
    fires = figures.get("criteria_fires") or []
    return {
        "leads": figures.get("leads", 0),
        "entering": figures.get("entering", 0),
        "leaving": figures.get("leaving", 0),
        "tier_changed": figures.get("tier_changed", 0),
        "queues": queues,
        "tier_changes": [
            {
                "before": _tier(row["from"]),
                "after": _tier(row["to"]),
                "count": row["count"],
                "pct": _pct(row["count"], most),
            }
            for row in tier_changes
        ],
        "top_movers": [{**row, "pct": _pct(abs(row["delta"]), biggest)} for row in movers],
        "queue_sizes": _queue_sizes(figures.get("queue_sizes") or {}),
        "criteria_fires": [{**row, "delta": row["draft"] - row["published"]} for row in fires],
    }


def _samples(rows: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "tier_before": _tier(row.get("tier_before")),
            "tier_after": _tier(row.get("tier_after")),
        }
        for row in rows or []
    ]


def _queue_sizes(sizes: dict[str, Any]) -> list[dict[str, Any]]:
    """Per queue, its total and each tier, published beside draft, bars on one scale."""
    published, draft = sizes.get("published") or {}, sizes.get("draft") or {}
    tables = []
    for queue in SDR_QUEUES:
        before, after = published.get(queue) or {}, draft.get(queue) or {}
        most = max([before.get("total", 0), after.get("total", 0), 0])
        rows = []
        for name in ("total", *TIERS):
            old, new = before.get(name, 0), after.get(name, 0)
            rows.append(
                {
                    "name": name,
                    "label": "All tiers" if name == "total" else name.capitalize(),
                    "published": old,
                    "draft": new,
                    "delta": new - old,
                    "published_pct": _pct(old, most),
                    "draft_pct": _pct(new, most),
                }
            )
        tables.append({"key": queue, "label": QUEUE_LABELS.get(queue, queue.upper()), "rows": rows})
    return tables


def backtest_display(backtest: dict[str, Any]) -> dict[str, Any]:
    """Published and draft side by side: the headline metrics, then conversion per tier."""
    sides = {side: backtest.get(side) or {} for side in ("published", "draft")}

    def metric(label: str, get, fmt=_rate, better: str = "higher") -> dict[str, Any]:
        old, new = get(sides["published"]), get(sides["draft"])
        return {"label": label, "published": fmt(old), "draft": fmt(new), "better": better}

    def count(field: str, queue: str):
        return lambda side: (side.get(field) or {}).get(queue)

    metrics = [
        metric("ROC AUC of the total score", lambda s: s.get("auc"), _auc),
        metric("Precision in the top 10%", lambda s: s.get("precision_top_10")),
        metric("Precision in the top 20%", lambda s: s.get("precision_top_20")),
    ]
    for queue in SDR_QUEUES:
        label = QUEUE_LABELS[queue]
        metrics.append(metric(f"Qualified as {label}", count("qualified", queue), _count))
        metrics.append(
            metric(
                f"False positives in {label} (qualified, then rejected)",
                count("false_positives", queue),
                _count,
                better="lower",
            )
        )
    tiers = []
    for name in TIERS:
        row = {"label": name.capitalize(), "name": name}
        for side, data in sides.items():
            cell = (data.get("conversion_by_tier") or {}).get(name) or {}
            row[side] = {
                "n": cell.get("n", 0),
                "positive": cell.get("positive", 0),
                "rate": _rate(cell.get("rate")),
                "pct": round(100 * cell["rate"]) if cell.get("rate") is not None else 0,
            }
        tiers.append(row)
    return {
        "enough": bool(backtest.get("enough")),
        "message": backtest.get("message", ""),
        "n_outcomes": backtest.get("n_outcomes", 0),
        "n_positive": backtest.get("n_positive", 0),
        "n_negative": backtest.get("n_negative", 0),
        "metrics": metrics,
        "tiers": tiers,
    }


def preview_context(
    request: HttpRequest, draft: CriteriaVersion, *, preview: CriteriaPreview | None = None
) -> dict[str, Any]:
    """What ``versions/_preview.html`` needs, for the draft page and the polled fragment."""
    preview = preview if preview is not None else latest_preview_read(draft)
    context: dict[str, Any] = {
        "draft": draft,
        "preview": preview,
        "can_preview": draft.is_draft and request.user.has_perm(RUN_PERM),
        "poll_seconds": POLL_SECONDS,
        "preview_current": True,
        "figures": None,
        "backtest": None,
    }
    if preview is None:
        return context
    context["preview_current"] = preview_is_current(preview, draft)
    if preview.status == PreviewStatus.DONE:
        context["figures"] = figures_display(preview.figures or {})
        context["backtest"] = backtest_display(preview.backtest or {})
    return context


def _draft(draft_id: int) -> CriteriaVersion:
    return get_object_or_404(
        CriteriaVersion.objects.select_related("author", "base"),
        pk=draft_id,
        status=VersionStatus.DRAFT,
    )


@requires(VIEW_PERM)
def preview_fragment(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The preview panel alone: htmx polls it while the run is queued or running."""
    context = preview_context(request, _draft(draft_id))
    return render(request, "qualification/versions/_preview.html", context)


@require_POST
@requires(VIEW_PERM)
def preview_run(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Start a preview of the draft; the service checks the role and the draft's problems."""
    draft = _draft(draft_id)
    try:
        preview = preview_request(user=request.user, draft=draft)
    except GovernanceError as exc:  # DraftInvalid and NotAllowed are GovernanceErrors
        messages.error(request, str(exc))
        return redirect(reverse("criteria-draft", args=[draft.pk]) + "#preview")
    if preview.status != PreviewStatus.FAILED:
        messages.success(request, "Preview started: the figures appear here when it finishes.")
    return redirect(reverse("criteria-draft", args=[draft.pk]) + "#preview")


urlpatterns: list[URLPattern] = [
    path(
        "criteria/drafts/<int:draft_id>/preview/", preview_fragment, name="criteria-draft-preview"
    ),
    path(
        "criteria/drafts/<int:draft_id>/preview/run/",
        preview_run,
        name="criteria-draft-preview-run",
    ),
]
