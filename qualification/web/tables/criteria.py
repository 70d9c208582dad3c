"""Tables (display only): every criterion written out the way ops would read it aloud."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from qualification.core.scoring.reasons import format_value, format_window
from qualification.models import Criterion
from qualification.web.navigation import admin_url
from qualification.web.tables.base import BaseTable

_MEASURE_UNIT = {"count": "time", "distinct_days": "distinct day"}

_OPERATOR_WORDS = {
    "eq": "is",
    "in": "is one of",
    "not_in": "is not one of",
    "gte": "is at least",
    "lte": "is at most",
    "between": "is between",
    "contains": "contains",
    "is_set": "is set",
}


def _value_words(operator: str, value: Any) -> str:
    if operator == "is_set":
        return ""
    if operator == "between" and isinstance(value, list) and len(value) == 2:
        return f"{format_value(value[0])} and {format_value(value[1])}"
    return format_value(value)


def describe_window(window_days: int | None) -> str:
    """Same words as the reasons ("in the last 7 days"), but "ever" reads better in a rule."""
    return format_window(window_days) if window_days else "ever"


def describe_condition(criterion: Criterion) -> str:
    """The signal and its condition as one sentence, e.g. “Pricing Page Viewed” 3+ times in
    the last 7 days where plan = trial."""
    if criterion.signal_type == "attribute":
        value = _value_words(criterion.operator, criterion.value)
        words = _OPERATOR_WORDS.get(criterion.operator, criterion.operator)
        return f"{criterion.attribute} {words} {value}".strip()
    unit = _MEASURE_UNIT.get(criterion.measure, "time")
    if criterion.measure == "distinct_days":
        amount = f"on {criterion.threshold}+ {unit}s"
    elif criterion.threshold == 1:
        amount = "at least once"
    else:
        amount = f"{criterion.threshold}+ {unit}s"
    text = f"“{criterion.event_name}” {amount} {describe_window(criterion.window_days)}"
    if criterion.property_filter:
        filters = " and ".join(f"{k} = {v}" for k, v in sorted(criterion.property_filter.items()))
        text += f" where {filters}"
    return text


def describe_points(criterion: Criterion) -> tuple[str, str]:
    """Signed points, and how often they count ("" when once)."""
    if criterion.kind == "disqualifier":
        return "Disqualifies", ""
    sign = "+" if criterion.points > 0 else ("\u2212" if criterion.points < 0 else "")
    points = f"{sign}{abs(criterion.points)}"
    if criterion.points_mode != "per_occurrence":
        return points, ""
    if criterion.max_occurrences:
        return points, f"each, max {criterion.max_occurrences}"
    return points, "each"


def describe_decay(half_life_days: float | None) -> str:
    if not half_life_days:
        return ""
    days = int(half_life_days) if float(half_life_days).is_integer() else half_life_days
    return f"Half-life {days} d"


_SCOPE_SHORT = {"mql": "MQL", "pql": "PQL", "both": "MQL, PQL"}
_TEAM_SHORT = {"ops": "RevOps"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NOWRAP = {"th": {"class": "nowrap"}, "td": {"class": "nowrap"}}


def _reason_html(template: str) -> str:
    """The reason template with its {placeholders} marked, so ops see what gets filled in."""
    # Safe: the template is escaped first; only our own span markup around \w+ is added.
    return mark_safe(
        _PLACEHOLDER.sub(
            lambda m: f'<span class="ph">{m.group(1)}</span>', conditional_escape(template)
        )
    )


class CriterionTable(BaseTable):
    """Criteria, read-only. ``edit_teams`` decides the per-row admin link:
    None means every team, an empty set means none."""

    # Its wrapper scrolls sideways on a phone; on the glossary page no header sorts, so the
    # wrapper itself takes keyboard focus (tables/table.html) for the keys to scroll it.
    scroll_label = "Criteria (table)"

    name = tables.Column(verbose_name="Criterion", attrs={"td": {"class": "cell-name"}})
    kind = tables.Column(verbose_name="Kind", attrs=_NOWRAP)
    applies_to = tables.Column(verbose_name="Applies to", attrs=_NOWRAP)
    condition = tables.Column(
        verbose_name="Signal and condition",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "cell-condition"}},
    )
    points = tables.Column(
        verbose_name="Points", attrs={"th": {"class": "num"}, "td": {"class": "num nowrap"}}
    )
    half_life_days = tables.Column(verbose_name="Decay", empty_values=(), attrs=_NOWRAP)
    owner_team = tables.Column(verbose_name="Owner", attrs=_NOWRAP)
    is_active = tables.Column(verbose_name="Status", attrs=_NOWRAP)
    glossary_term = tables.Column(
        verbose_name="Glossary term", order_by=("glossary_term__term",), empty_values=()
    )
    edit = tables.Column(
        verbose_name="", empty_values=(), orderable=False, attrs={"td": {"class": "cell-action"}}
    )

    class Meta(BaseTable.Meta):
        model = Criterion
        fields = (
            "name",
            "kind",
            "applies_to",
            "condition",
            "points",
            "half_life_days",
            "owner_team",
            "is_active",
            "glossary_term",
            "edit",
        )
        empty_text = "No criteria match these filters."
        order_by = ("kind", "-points")

    def __init__(
        self,
        data: Iterable[Criterion],
        *,
        edit_teams: set[str] | None = frozenset(),
        **kwargs: Any,
    ) -> None:
        self.edit_teams = edit_teams
        exclude = list(kwargs.pop("exclude", ()))
        if edit_teams is not None and not edit_teams:
            exclude.append("edit")
        super().__init__(data, exclude=exclude, **kwargs)

    def render_name(self, record: Criterion) -> str:
        if record.description:
            return format_html(
                '<span class="strong">{}</span><span class="sub">{}</span>',
                record.name,
                record.description,
            )
        return format_html('<span class="strong">{}</span>', record.name)

    def render_kind(self, record: Criterion) -> str:
        label = record.get_kind_display().split(" (")[0]
        return format_html('<span class="badge badge-{}">{}</span>', record.kind, label)

    def render_applies_to(self, value: str, record: Criterion) -> str:
        return _SCOPE_SHORT.get(record.applies_to, value)

    def render_condition(self, record: Criterion) -> str:
        return format_html(
            '{}<span class="sub">Reason: “{}”</span>',
            describe_condition(record),
            _reason_html(record.reason_template),
        )

    def render_points(self, record: Criterion) -> str:
        points, qualifier = describe_points(record)
        negative = record.points < 0 or record.kind == "disqualifier"
        css = "neg" if negative else "pos" if record.points > 0 else ""
        if qualifier:
            return format_html(
                '<span class="points {}">{}</span><span class="sub">{}</span>',
                css,
                points,
                qualifier,
            )
        return format_html('<span class="points {}">{}</span>', css, points)

    def render_half_life_days(self, value: float | None) -> str:
        text = describe_decay(value)
        return text or format_html('<span class="muted">{}</span>', "None")

    def render_owner_team(self, value: str, record: Criterion) -> str:
        return format_html(
            '<span title="{}">{}</span>', value, _TEAM_SHORT.get(record.owner_team, value)
        )

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="status status-on">{}</span>', "Active")
        return format_html('<span class="status status-off">{}</span>', "Inactive")

    def render_glossary_term(self, record: Criterion) -> str:
        term = record.glossary_term
        if term is None:
            return format_html('<span class="muted">{}</span>', "—")
        url = reverse("glossary-detail", kwargs={"slug": term.slug})
        return format_html('<a href="{}">{}</a>', url, term.term)

    def render_edit(self, record: Criterion) -> str:
        if self.edit_teams is not None and record.owner_team not in self.edit_teams:
            return ""
        return format_html(
            '<a class="link-action" href="{}" aria-label="Edit {} in admin">Edit</a>',
            admin_url("qualification_criterion_change", record.pk),
            record.name,
        )
