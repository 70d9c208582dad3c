"""The criteria health page's tables, one definition each for the page and its CSV.

Built from ``selectors.criteria_health.CriteriaHealth`` as the dashboard's
``selectors.dashboard.tables.Table``: raw cells (0-1 rates, None for "no data"), formatted
once by the table and written as they are to the CSV, so the page and the file agree. The
page's charts read these tables too, so a chart never shows a number they lack.
"""

from __future__ import annotations

from typing import Any

from qualification.selectors.criteria_health import (
    PQL_KIND_LABELS,
    TEAM_LABELS,
    CriteriaHealth,
    CriterionHealth,
    Drift,
    NewCriterion,
    model_label,
)
from qualification.selectors.dashboard.tables import Column, Table


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def health_tables(health: CriteriaHealth) -> dict[str, Table]:
    """Every table the page shows, by its ``?export=`` key (charts draw from these too)."""
    figures, live = health.figures, health.live_figures
    tables = [
        _criteria_table(health.criteria),
        _new_criteria_table(health.new_criteria),
        _calibration_table(live.get("calibration") or []),
        _models_table(live),
        Table(
            "factors",
            "What moves the likelihood most",
            [Column("label", "Factor", "text"), Column("weight", "Weight", "text")],
            [
                [str(f.get("label", "")), _round(f.get("weight"), 3)]
                for f in live.get("top_factors") or []
            ],
        ),
        _drift_table(health.drift),
    ]
    for key, title, label, rows, names in (
        ("by-source", "Conversion by lead source", "Source", "by_source", {}),
        ("by-pql-kind", "Conversion by PQL kind", "PQL kind", "by_pql_kind", PQL_KIND_LABELS),
        (
            "by-owner-team",
            "Conversion by criterion owner team",
            "Owner team",
            "by_owner_team",
            TEAM_LABELS,
        ),
    ):
        tables.append(_segment_table(key, title, label, figures.get(rows) or [], names))
    return {table.key: table for table in tables}


def _criteria_table(rows: list[CriterionHealth]) -> Table:
    return Table(
        "criteria",
        "Per criterion",
        [
            Column("key", "Key", "text"),
            Column("name", "Criterion", "text"),
            Column("kind", "Kind", "text"),
            Column("owner_team", "Owner team", "text"),
            Column("glossary_term", "Glossary term", "text"),
            Column("points", "Current points"),
            Column("suggested", "Suggested points"),
            Column("ci_low", "Interval low"),
            Column("ci_high", "Interval high"),
            Column("fires", "Fires"),
            Column("conversion_fired", "Conversion when fired", "pct"),
            Column("conversion_not_fired", "Conversion when not fired", "pct"),
            Column("lift", "Lift", "text"),
            Column("fp_rate", "False-positive rate", "pct"),
            Column("reasons", "Top rejection reasons", "text"),
            Column("note", "Note", "text"),
        ],
        [
            [
                r.key,
                r.name,
                r.kind,
                r.team_label,
                r.glossary_term,
                r.points,
                r.suggested_points,
                r.ci_low,
                r.ci_high,
                r.fires,
                r.conversion_fired,
                r.conversion_not_fired,
                _round(r.lift, 2),
                r.false_positive_rate,
                r.reasons_text,
                r.note,
            ]
            for r in rows
        ],
    )


def _new_criteria_table(rows: list[NewCriterion]) -> Table:
    return Table(
        "new-criteria",
        "Suggested new criteria",
        [
            Column("key", "Key", "text"),
            Column("text", "Suggestion", "text"),
            Column("lift", "Lift", "text"),
            Column("support", "Leads with it"),
            Column("conversion", "Their conversion", "pct"),
        ],
        [[r.key, r.text, _round(r.lift, 2), r.support, r.conversion] for r in rows],
    )


def _calibration_table(bins: list[dict[str, Any]]) -> Table:
    return Table(
        "calibration",
        "Calibration: predicted against observed, per band of likelihood",
        [
            Column("band", "Likelihood band", "text"),
            Column("predicted", "Predicted (mean)", "pct"),
            Column("observed", "Observed conversion", "pct"),
            Column("count", "Held-out leads"),
        ],
        [
            [
                band_label(b.get("low"), b.get("high")),
                b.get("predicted"),
                b.get("observed"),
                int(b.get("count") or 0),
            ]
            for b in bins
        ],
    )


def band_label(low: float | None, high: float | None) -> str:
    """``0.1, 0.2`` -> ``"10-20%"`` (with an en dash)."""
    if low is None or high is None:
        return "?"
    return f"{round(low * 100)}\N{EN DASH}{round(high * 100)}%"


def _models_table(figures: dict[str, Any]) -> Table:
    chosen = figures.get("model")
    models = figures.get("models") or {}
    return Table(
        "models",
        "Models compared on held-out outcomes",
        [
            Column("model", "Model", "text"),
            Column("auc", "Held-out AUC", "text"),
            Column("brier", "Brier score", "text"),
            Column("chosen", "Chosen", "text"),
        ],
        [
            [
                model_label(name),
                _round((scores or {}).get("auc"), 3),
                _round((scores or {}).get("brier"), 3),
                "yes" if name == chosen else "",
            ]
            for name, scores in sorted(models.items())
        ],
    )


def _drift_table(drift: Drift | None) -> Table:
    weeks = drift.weeks if drift is not None else []
    return Table(
        "drift",
        "The live model week by week since it was fitted",
        [
            Column("week", "Week", "text"),
            Column("outcomes", "Outcomes"),
            Column("auc", "AUC", "text"),
            Column("predicted", "Predicted conversion", "pct"),
            Column("observed", "Observed conversion", "pct"),
        ],
        [
            [
                str(w.get("week", "")),
                int(w.get("outcomes") or 0),
                _round(w.get("auc"), 3),
                w.get("predicted"),
                w.get("observed"),
            ]
            for w in weeks
        ],
    )


def _segment_table(
    key: str, title: str, label: str, rows: list[dict[str, Any]], names: dict[str, str]
) -> Table:
    return Table(
        key,
        title,
        [
            Column("value", label, "text"),
            Column("outcomes", "Outcomes"),
            Column("conversion", "Conversion", "pct"),
        ],
        [
            [
                names.get(str(r.get("value")), str(r.get("value") or "(none)")),
                int(r.get("outcomes") or 0),
                r.get("conversion"),
            ]
            for r in rows
        ],
    )
