"""Criteria as JSON, so ops can review them in version control.

Schema (version 1)::

    {
      "version": 1,
      "criteria": [
        {
          "key": "pricing-page-views",          # unique, stable id (slug)
          "name": "Pricing page views",
          "description": "",
          "kind": "intent",                     # fit | intent | usage | negative | disqualifier
          "applies_to": "mql",                  # mql | pql | both
          "signal_type": "event",               # event | attribute
          "event_name": "Pricing Page Viewed",  # event signals
          "property_filter": {},                #   only events whose properties match
          "measure": "count",                   #   count | distinct_days
          "threshold": 3,
          "window_days": 7,                     #   null: ever
          "attribute": "",                      # attribute signals: lead.x, account.x, *.traits.x
          "operator": "",                       #   eq in not_in gte lte between contains is_set
          "value": null,
          "points": 15,                         # negative allowed
          "points_mode": "once",                # once | per_occurrence
          "max_occurrences": null,              # the cap for per_occurrence
          "half_life_days": null,               # decay; null: none
          "reason_template": "Viewed the pricing page {times} {window}",
          "glossary_term": "intent",            # a glossary term's slug, or null
          "owner_team": "marketing",            # marketing | product | sales | ops
          "is_active": true
        }
      ]
    }

Import validates every entry first and writes nothing when any is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from qualification.models import Criterion, GlossaryTerm
from qualification.models.criteria import DEFINITION_FIELDS
from qualification.services.rescore_requests import criteria_changed

SCHEMA_VERSION = 1
# Identity, then the definition the engine evaluates (one list, kept on the model).
EXPORT_FIELDS = (
    "key",
    "name",
    "description",
    "applies_to",
    *DEFINITION_FIELDS,
    "owner_team",
    "is_active",
)
REQUIRED_FIELDS = ("key", "name", "kind", "signal_type", "points", "reason_template", "owner_team")


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in the file: which entry, which field, what."""

    entry: int  # 1-based position in "criteria"
    key: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"criteria[{self.entry}]" + (f" ({self.key})" if self.key else "")
        return f"{where}.{self.field}: {self.message}"


class CriteriaImportError(Exception):
    """The file was refused; nothing was changed."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class CriteriaImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)


def criteria_export() -> dict[str, Any]:
    """Every criterion (active or not) in the documented schema, ordered by key."""
    rows = Criterion.objects.select_related("glossary_term").order_by("key")
    entries = []
    for criterion in rows:
        entry = {name: getattr(criterion, name) for name in EXPORT_FIELDS}
        entry["glossary_term"] = criterion.glossary_term.slug if criterion.glossary_term else None
        entries.append(entry)
    return {"version": SCHEMA_VERSION, "criteria": entries}


def _entries(data: Any) -> list[Any]:
    if not isinstance(data, Mapping):
        raise CriteriaImportError(
            [
                ImportProblem(
                    0, "", "(file)", 'Expected a JSON object {"version": 1, "criteria": [...]}.'
                )
            ]
        )
    if data.get("version") != SCHEMA_VERSION:
        raise CriteriaImportError(
            [
                ImportProblem(
                    0, "", "version", f"Unsupported version {data.get('version')!r}; expected 1."
                )
            ]
        )
    entries = data.get("criteria")
    if not isinstance(entries, list):
        raise CriteriaImportError(
            [ImportProblem(0, "", "criteria", "Expected a list of criteria.")]
        )
    return entries


def _build(
    position: int, entry: Any, existing: dict[str, Criterion], terms: dict[str, GlossaryTerm]
) -> tuple[Criterion | None, list[ImportProblem]]:
    if not isinstance(entry, Mapping):
        return None, [ImportProblem(position, "", "(entry)", "Expected a JSON object.")]
    key = str(entry.get("key") or "")
    problems = [
        ImportProblem(position, key, name, "This field is required.")
        for name in REQUIRED_FIELDS
        if entry.get(name) in (None, "")
    ]
    unknown = sorted(set(entry) - set(EXPORT_FIELDS) - {"glossary_term"})
    problems += [ImportProblem(position, key, name, "Unknown field.") for name in unknown]
    if problems:
        return None, problems
    criterion = existing.get(key) or Criterion(key=key)
    for name in EXPORT_FIELDS:
        if name in entry:
            setattr(criterion, name, entry[name])
    if criterion.property_filter is None:
        criterion.property_filter = {}
    slug = entry.get("glossary_term")
    if slug:
        term = terms.get(slug)
        if term is None:
            problems.append(
                ImportProblem(position, key, "glossary_term", f"No glossary term {slug!r}.")
            )
        criterion.glossary_term = term
    else:
        criterion.glossary_term = None
    try:
        criterion.full_clean(validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            problems += [ImportProblem(position, key, name, message) for message in messages]
    return criterion, problems


@transaction.atomic
def criteria_import(
    *, data: Any, deactivate_missing: bool = False, reason: str = "Imported from JSON"
) -> CriteriaImportReport:
    """Create or update criteria by key from exported JSON; all or nothing.

    Raises CriteriaImportError listing every problem (entry, field, message) and changes
    nothing when any entry is invalid.
    """
    entries = _entries(data)
    existing = {c.key: c for c in Criterion.objects.select_related("glossary_term")}
    before = {key: _snapshot(c) for key, c in existing.items()}
    terms = {t.slug: t for t in GlossaryTerm.objects.all()}
    problems: list[ImportProblem] = []
    built: list[Criterion] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        criterion, entry_problems = _build(position, entry, existing, terms)
        problems += entry_problems
        if criterion is None:
            continue
        if criterion.key in seen:
            problems.append(
                ImportProblem(position, criterion.key, "key", "Appears twice in the file.")
            )
        seen.add(criterion.key)
        built.append(criterion)
    if problems:
        raise CriteriaImportError(problems)

    report = CriteriaImportReport()
    for criterion in built:
        if criterion.pk is None:
            report.created.append(criterion.key)
        elif _snapshot(criterion) != before[criterion.key]:
            report.updated.append(criterion.key)
        else:
            report.unchanged.append(criterion.key)
            continue
        criterion._change_reason = reason
        criterion.save()
    if deactivate_missing:
        for key, criterion in existing.items():
            if key not in seen and criterion.is_active:
                criterion.is_active = False
                criterion._change_reason = reason
                criterion.save(update_fields=["is_active", "updated_at"])
                report.deactivated.append(key)
    if report.created or report.updated or report.deactivated:
        criteria_changed()
    return report


def _snapshot(criterion: Criterion) -> tuple:
    return (
        *(getattr(criterion, name) for name in EXPORT_FIELDS),
        criterion.glossary_term_id,
    )
