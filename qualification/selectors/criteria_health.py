"""What the criteria health page reads: the recalibration runs and the figures they stored.

A recalibration stores its report as JSON (``Recalibration.figures``, the schema of
``core.learning``); this module picks the runs the page talks about and turns that JSON
into rows. Three runs matter, and they are often different ones:

* the **latest done** run: its figures (per criterion, suggested criteria, data still
  needed, conversion by source) are the newest the page can show;
* the **live** run: the one whose likelihood model scores leads now. When the latest run
  kept the old model (not better on held-out outcomes), the model panel describes the live
  one, not the candidate that lost;
* the run **in progress** (queued or running), shown with its progress.

Drift reads the outcomes recorded since the live model was fitted and scores them with
that model (``core.learning.drift_weeks``), so it measures the model ops rely on today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qualification.core.learning import LikelihoodModel, drift_verdict, drift_weeks
from qualification.core.learning.drift import MIN_RECENT
from qualification.models import Recalibration, RecalibrationStatus
from qualification.models.choices import CriterionKind, FeedbackReason, PQLKind, Team
from qualification.selectors.learning import training_rows_read

FINISHED = (RecalibrationStatus.DONE, RecalibrationStatus.FAILED)
IN_PROGRESS = (RecalibrationStatus.QUEUED, RecalibrationStatus.RUNNING)

_REASONS = dict(FeedbackReason.choices)
TEAM_LABELS = dict(Team.choices)
_KINDS = dict(CriterionKind.choices)
PQL_KIND_LABELS = dict(PQLKind.choices)


def model_label(name: str | None) -> str:
    """``"gradient_boosting"`` -> ``"gradient boosting"``: how the page names a model."""
    return (name or "").replace("_", " ")


def reason_label(code: str) -> str:
    return _REASONS.get(code, code.replace("_", " ") if code else "No reason given")


@dataclass(frozen=True)
class CriterionHealth:
    """One criterion's row of ``figures["criteria"]``; rates are 0-1, None without data."""

    key: str
    name: str
    kind: str
    owner_team: str
    glossary_term: str
    points: int
    fires: int
    conversion_fired: float | None
    conversion_not_fired: float | None
    lift: float | None
    false_positive_rate: float | None
    reasons: tuple[tuple[str, int], ...]  # (label, count), most frequent first
    suggested_points: int | None
    ci_low: int | None
    ci_high: int | None
    note: str

    @property
    def team_label(self) -> str:
        return TEAM_LABELS.get(self.owner_team, self.owner_team)

    @property
    def kind_label(self) -> str:
        return _KINDS.get(self.kind, self.kind)

    @property
    def change(self) -> int | None:
        """Suggested minus current points: what a draft would change."""
        return None if self.suggested_points is None else self.suggested_points - self.points

    @property
    def suggestion_text(self) -> str:
        """ "+12 (8 to 16)": the suggestion with its interval, or "" when there is none."""
        if self.suggested_points is None:
            return ""
        text = f"{self.suggested_points:+d}"
        if self.ci_low is not None and self.ci_high is not None:
            text += f" ({self.ci_low} to {self.ci_high})"
        return text

    @property
    def reasons_text(self) -> str:
        return ", ".join(f"{label} ({count})" for label, count in self.reasons)


@dataclass(frozen=True)
class NewCriterion:
    """A suggested criterion: a trait value, attribute or event no criterion covers."""

    key: str
    text: str
    lift: float | None
    support: int
    conversion: float | None


@dataclass(frozen=True)
class Drift:
    """The live model on outcomes recorded since it was fitted, week by week."""

    since: datetime
    weeks: list[dict[str, Any]]
    degraded: bool
    verdict: str

    @property
    def judged(self) -> bool:
        """Enough recent outcomes for a verdict (the core's threshold): else "too early"."""
        return sum(int(w.get("outcomes") or 0) for w in self.weeks) >= MIN_RECENT


@dataclass
class CriteriaHealth:
    figures_run: Recalibration | None  # the latest done run: the figures the page shows
    latest: Recalibration | None  # the latest finished run, done or failed
    live: Recalibration | None
    running: Recalibration | None
    criteria: list[CriterionHealth] = field(default_factory=list)
    new_criteria: list[NewCriterion] = field(default_factory=list)
    drift: Drift | None = None

    @property
    def figures(self) -> dict[str, Any]:
        return (self.figures_run.figures or {}) if self.figures_run else {}

    @property
    def live_figures(self) -> dict[str, Any]:
        """The live model's own figures (held-out AUC, calibration, factors)."""
        return (self.live.figures or {}) if self.live else {}

    @property
    def failed(self) -> Recalibration | None:
        """The latest finished run when it failed (the page shows its error)."""
        latest = self.latest
        return (
            latest if latest is not None and latest.status == RecalibrationStatus.FAILED else None
        )

    @property
    def kept(self) -> Recalibration | None:
        """The latest done run when it kept the previous model live, and said why."""
        run = self.figures_run
        return run if run is not None and not run.is_live and run.kept_reason else None

    @property
    def model_name(self) -> str:
        return model_label(self.live_figures.get("model"))

    @property
    def comparisons(self) -> list[tuple[str, float | None]]:
        """The other models fitted beside the live one: (name, held-out AUC)."""
        figures = self.live_figures
        chosen = figures.get("model")
        models = figures.get("models") or {}
        return [
            (model_label(name), (scores or {}).get("auc"))
            for name, scores in sorted(models.items())
            if name != chosen
        ]

    @property
    def suggested_points(self) -> list[CriterionHealth]:
        return [row for row in self.criteria if row.suggested_points is not None]


def recalibration_in_progress_read() -> Recalibration | None:
    """The newest run that is queued or running (the page polls its progress)."""
    return (
        Recalibration.objects.filter(status__in=IN_PROGRESS)
        .select_related("requested_by")
        .defer("model", "figures")
        .first()
    )


def recalibration_for_draft_read(recalibration_id: int) -> Recalibration | None:
    """A done run whose suggestions a draft may be made from (None when there is none)."""
    return (
        Recalibration.objects.filter(pk=recalibration_id, status=RecalibrationStatus.DONE)
        .defer("model")
        .first()
    )


def criteria_health_read(*, with_drift: bool = True) -> CriteriaHealth:
    """The runs and rows the page shows: four small queries, plus drift when asked for."""
    runs = Recalibration.objects.select_related("requested_by").defer("model")
    figures_run = runs.filter(status=RecalibrationStatus.DONE).first()
    latest = runs.filter(status__in=FINISHED).first()
    live = Recalibration.objects.filter(is_live=True).first()
    health = CriteriaHealth(
        figures_run=figures_run,
        latest=latest,
        live=live,
        running=recalibration_in_progress_read(),
    )
    figures = health.figures
    health.criteria = [_criterion(row) for row in figures.get("criteria") or []]
    health.new_criteria = [_new_criterion(row) for row in figures.get("new_criteria") or []]
    if with_drift and live is not None:
        health.drift = drift_read(live)
    return health


def drift_read(live: Recalibration) -> Drift | None:
    """Week by week AUC and calibration of the live model since it was fitted."""
    if not live.model or live.finished_at is None:
        return None
    model = LikelihoodModel.from_json(live.model)
    since = live.finished_at
    rows = training_rows_read(since=since)
    weeks = drift_weeks(model, rows, since)
    degraded, verdict = drift_verdict(weeks, model.held_out_auc)
    return Drift(since=since, weeks=list(weeks), degraded=degraded, verdict=verdict)


def _criterion(row: dict[str, Any]) -> CriterionHealth:
    return CriterionHealth(
        key=str(row.get("key", "")),
        name=str(row.get("name", "")),
        kind=str(row.get("kind", "")),
        owner_team=str(row.get("owner_team", "")),
        glossary_term=str(row.get("glossary_term") or ""),
        points=int(row.get("points") or 0),
        fires=int(row.get("fires") or 0),
        conversion_fired=row.get("conversion_fired"),
        conversion_not_fired=row.get("conversion_not_fired"),
        lift=row.get("lift"),
        false_positive_rate=row.get("false_positive_rate"),
        reasons=tuple(
            (reason_label(str(item.get("reason", ""))), int(item.get("count") or 0))
            for item in row.get("top_rejection_reasons") or []
        ),
        suggested_points=_int_or_none(row.get("suggested_points")),
        ci_low=_int_or_none(row.get("ci_low")),
        ci_high=_int_or_none(row.get("ci_high")),
        note=str(row.get("note") or ""),
    )


def _new_criterion(row: dict[str, Any]) -> NewCriterion:
    return NewCriterion(
        key=str(row.get("key", "")),
        text=str(row.get("text", "")),
        lift=row.get("lift"),
        support=int(row.get("support") or 0),
        conversion=row.get("conversion"),
    )


def _int_or_none(value: Any) -> int | None:
    return None if value is None else round(value)
