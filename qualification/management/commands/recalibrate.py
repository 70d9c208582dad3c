"""Recalibrate now, in this process: `recalibrate` prints a summary, `--json` one JSON object."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qualification.models import Recalibration
from qualification.models.learning import RecalibrationStatus, RecalibrationTrigger
from qualification.services.recalibration import recalibration_next, recalibration_run

# The figures `--json` always prints (null when the run had too few outcomes for them).
JSON_FIGURES = (
    "n_outcomes",
    "n_positive",
    "n_negative",
    "held_out",
    "auc_published",
    "auc_suggested",
    "auc_likelihood",
    "brier_likelihood",
    "precision_top10",
    "model",
    "models",
    "message",
    "seconds",
)


class Command(BaseCommand):
    help = (
        "Fit the likelihood model and the criteria figures from sales feedback now "
        "(the run already queued, if any), and say whether the new model went live."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object."
        )

    def handle(self, *args, as_json: bool, **options) -> None:
        run, _ = recalibration_next(trigger=RecalibrationTrigger.COMMAND)
        run = recalibration_run(recalibration_id=run.pk)
        if run.status == RecalibrationStatus.RUNNING:
            raise CommandError(
                f"Recalibration #{run.pk} is already running in a worker "
                f"({run.progress}%: {run.progress_text}); wait for it to finish."
            )
        data = summary(run)
        self.stdout.write(_dumps(data) if as_json else _text(run, data))
        if run.status == RecalibrationStatus.FAILED:
            raise CommandError(run.error or "The recalibration failed.")


def summary(run: Recalibration) -> dict[str, Any]:
    """What `--json` prints: the headline figures, then what happened to the model."""
    figures = run.figures or {}
    data: dict[str, Any] = {name: figures.get(name) for name in JSON_FIGURES}
    data["n_outcomes"] = run.n_outcomes if run.status == RecalibrationStatus.DONE else None
    data.update(
        recalibration=run.pk,
        status=run.status,
        is_live=run.is_live,
        kept_reason=run.kept_reason,
        error=run.error,
        point_suggestions=sum(
            1
            for c in figures.get("criteria") or []
            if c.get("suggested_points") is not None and c.get("suggested_points") != c["points"]
        ),
        new_criteria=len(figures.get("new_criteria") or []),
    )
    return data


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=False, default=str)


def _figure(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _text(run: Recalibration, data: dict[str, Any]) -> str:
    if run.status == RecalibrationStatus.FAILED:
        return f"Recalibration #{run.pk} failed. {run.error}"
    lines = [
        f"Recalibration #{run.pk}: {data['n_outcomes']} outcomes "
        f"({data['n_positive']} positive, {data['n_negative']} negative)."
    ]
    if data["auc_likelihood"] is None:
        lines.append(data["message"] or "Too few outcomes to fit a model.")
    else:
        lines.append(
            f"Likelihood ({data['model']}) on {data['held_out']} held-out outcomes: "
            f"AUC {_figure(data['auc_likelihood'])}, Brier {_figure(data['brier_likelihood'])}, "
            f"precision in the top 10% {_figure(data['precision_top10'])}."
        )
        lines.append(
            f"Ranking by points: published AUC {_figure(data['auc_published'])}, "
            f"suggested AUC {_figure(data['auc_suggested'])}."
        )
    if run.is_live:
        lines.append("The new model is live; every lead is being rescored with it.")
    elif run.kept_reason:
        lines.append(run.kept_reason)
    lines.append(
        f"Suggestions: {data['point_suggestions']} point change(s), "
        f"{data['new_criteria']} new criterion/criteria (make a draft from the health page)."
    )
    if data["seconds"] is not None:
        lines.append(f"Took {data['seconds']:.1f} s.")
    return "\n".join(lines)
