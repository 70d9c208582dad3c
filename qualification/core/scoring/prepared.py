"""Criteria prepared once per rescore, so scoring a lead does only that lead's work.

A full rescore scores every lead against the same criteria. Everything that depends only
on a criterion is worked out here once instead of once per lead: the attribute path split
into a resolver, the operator and its expected value compiled into a matcher
(``conditions.operator_matcher``), the reason template parsed, with the placeholders
that do not depend on the lead (``{window}``, ``{event}``, ...) already filled, the
sub-score, the near-miss sentence's fixed parts, and the usage criteria the account-level
PQL test reads.

The services prepare once per run (``prepare_criteria(criteria_specs_read())``) and pass
the result for every lead. ``score_lead`` also accepts plain specs, which it prepares on
each call: right for a test or a single lead, wasteful in a loop. The result is a
read-only sequence of the original specs, usable wherever the specs are. The specs are
frozen; preparing assumes their dict and list values (``property_filter``, ``value``) are
not mutated afterwards either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple, overload

from qualification.core.scoring.conditions import (
    Matcher,
    Resolver,
    attribute_resolver,
    operator_matcher,
)
from qualification.core.scoring.reasons import (
    UNKNOWN,
    ReasonContext,
    country_name,
    fill_placeholder,
    format_number,
    format_relative,
    format_spoken,
    format_times,
    format_value,
    format_window,
    parse_template,
)
from qualification.core.scoring.types import (
    Contribution,
    CriterionSpec,
    LeadSignals,
    NearMiss,
    field_template,
)
from qualification.core.vocabulary import (
    KIND_DISQUALIFIER,
    KIND_FIT,
    KIND_INTENT,
    KIND_NEGATIVE,
    KIND_USAGE,
    POSITIVE_KINDS,
)
from qualification.core.wording import WHEN_SLOT

# Ties between equally strong contributions: fit, intent, usage, negative (engine.py).
KIND_ORDER = {KIND_FIT: 0, KIND_INTENT: 1, KIND_USAGE: 2, KIND_NEGATIVE: 3, KIND_DISQUALIFIER: 4}


class LeadView(NamedTuple):
    """What a reason may say about the lead's account: worked out once per lead, and only
    for a lead where some criterion fired."""

    account: str | None
    employees: Any
    industry: str | None
    country: str | None
    users: int | None


def lead_view(signals: LeadSignals) -> LeadView:
    """The account facts the reason placeholders of ``_LEAD_FILLERS`` read."""
    account = signals.facts.account or {}
    return LeadView(
        signals.account_name,
        account.get("employee_count"),
        account.get("industry") or None,
        account.get("country") or None,
        signals.account_active_users,
    )


# What a reason placeholder that depends on the lead is filled from: the lead's view, the
# event signal, the attribute's value, and the clock.
Filler = Callable[[LeadView, Any, Any, datetime], str]
Renderer = Callable[[LeadView, Any, Any, datetime], str]  # (view, signal, value, now)

_LEAD_FILLERS: dict[str, Filler] = {
    "account": lambda view, _s, _v, _n: str(view.account or UNKNOWN),
    "employees": lambda view, _s, _v, _n: format_value(view.employees),
    "industry": lambda view, _s, _v, _n: str(view.industry or UNKNOWN),
    "country": lambda view, _s, _v, _n: country_name(view.country),
    "users": lambda view, _s, _v, _n: UNKNOWN if view.users is None else format_number(view.users),
}
_EVENT_FILLERS: dict[str, Filler] = {
    **_LEAD_FILLERS,
    "count": lambda _l, s, _v, _n: UNKNOWN if s.count is None else format_number(s.count),
    "times": lambda _l, s, _v, _n: format_times(s.count),
    "days": lambda _l, s, _v, _n: (
        UNKNOWN if s.distinct_days is None else format_number(s.distinct_days)
    ),
    "last_seen": lambda _l, s, _v, now: format_relative(s.last_seen, now),
}
_ATTRIBUTE_FILLERS: dict[str, Filler] = {
    **_LEAD_FILLERS,
    "value": lambda _l, _s, value, _n: format_spoken(value),
}


def _slot(_l: LeadView, _s: Any, _v: Any, _n: datetime) -> str:
    return WHEN_SLOT


class PreparedReason:
    """A reason template with the criterion's own placeholders already filled.

    ``constant`` is the whole sentence when nothing in it depends on the lead; otherwise
    ``render`` joins the fixed texts with the lead's values, whitespace-collapsed exactly
    as ``render_reason`` does. ``render_when`` is set when the sentence says when the
    event was last seen: it renders the sentence with ``wording.WHEN_SLOT`` in place of
    that time, so the displays can say it as it is when they are read (the engine fills
    the slot once for ``reason``: one ``str.replace`` per timed contribution).
    """

    __slots__ = ("constant", "render", "render_when")

    def __init__(self, template: str, fixed: ReasonContext, fillers: dict[str, Filler]):
        self.constant: str | None = None
        self.render: Renderer
        self.render_when: Renderer | None = None
        parts = parse_template(template or "")
        if parts is None:  # malformed: render_reason shows the template as written
            self.constant = template or ""
        else:
            texts = [""]  # the fixed texts; one filler goes between each two
            found: list[Filler] = []
            for literal, name in parts:
                texts[-1] += literal
                if name is None:
                    continue
                if name in fillers:
                    found.append(fillers[name])
                    texts.append("")
                    continue
                try:  # the clock is read only for an event's {last_seen}: a filler
                    texts[-1] += fill_placeholder(name, fixed, None)  # type: ignore[arg-type]
                except Exception:
                    # A criterion value that cannot be formatted (a malformed window) must
                    # not stop the whole rescore: it is filled per lead, so only the leads
                    # it fires for fail, exactly where render_reason would.
                    found.append(_late_filler(name, fixed))
                    texts.append("")
            if found:
                self.render = _renderer(tuple(texts), tuple(found))
                last_seen = fillers.get("last_seen")
                if last_seen is not None and last_seen in found:
                    slotted = tuple(_slot if f is last_seen else f for f in found)
                    self.render_when = _renderer(tuple(texts), slotted)
                return
            self.constant = " ".join(texts[0].split())
        constant = self.constant
        self.render = lambda _l, _s, _v, _n: constant


def _collapsed(text: str) -> str:
    """``" ".join(text.split())``, skipping the split when it would change nothing."""
    if text and text.isprintable() and "  " not in text and text[0] != " " != text[-1]:
        return text  # printable: no whitespace but single inner spaces
    return " ".join(text.split())


def _renderer(texts: tuple[str, ...], fillers: tuple[Filler, ...]) -> Renderer:
    """A function for the sentence; one or two values (the usual) get an unrolled one."""
    if len(fillers) == 1:
        t0, t1 = texts
        (f0,) = fillers
        return lambda view, s, v, now: _collapsed(t0 + f0(view, s, v, now) + t1)
    if len(fillers) == 2:
        t0, t1, t2 = texts
        f0, f1 = fillers
        return lambda view, s, v, now: _collapsed(
            t0 + f0(view, s, v, now) + t1 + f1(view, s, v, now) + t2
        )
    pairs = tuple(zip(fillers, texts[1:], strict=True))

    def render(view: LeadView, signal: Any, value: Any, now: datetime) -> str:
        out = [texts[0]]
        for filler, text in pairs:
            out.append(filler(view, signal, value, now))
            out.append(text)
        return _collapsed("".join(out))

    return render


def _late_filler(name: str, fixed: ReasonContext) -> Filler:
    return lambda _l, _s, _v, now: fill_placeholder(name, fixed, now)


def subscore_for(spec: CriterionSpec) -> str:
    """Which sub-score a criterion's points go to ("" for a disqualifier)."""
    if spec.kind in POSITIVE_KINDS:
        return spec.kind
    if spec.kind == KIND_NEGATIVE:
        if spec.applies_to == "mql":
            return KIND_INTENT
        if spec.applies_to == "pql":
            return KIND_USAGE
        return KIND_INTENT if spec.is_event else KIND_FIT
    return ""


class _Prepared:
    """What every prepared criterion carries: the spec and its Contribution fields."""

    __slots__ = (
        "contribution",
        "disqualifier",
        "key",
        "kind",
        "points",
        "spec",
        "subscore",
    )

    def __init__(self, spec: CriterionSpec):
        self.spec = spec
        self.key = spec.key
        self.kind = spec.kind
        self.points = spec.points
        self.subscore = subscore_for(spec)
        self.disqualifier = spec.kind == KIND_DISQUALIFIER
        # The Contribution's fields that do not depend on the lead (the engine fills in
        # the rest, see types.build_frozen).
        self.contribution = field_template(Contribution)
        self.contribution.update(
            key=spec.key,
            name=spec.name,
            kind=spec.kind,
            subscore=self.subscore,
            glossary_term=spec.glossary_term,
            reason_when="",
        )


class PreparedEvent(_Prepared):
    """An event criterion, ready to test against a lead's ``EventSignal``."""

    __slots__ = (
        "by_days",
        "decays",
        "filter_many",
        "filter_one",
        "max_occurrences",
        "measure",
        "minimum",
        "near_miss",
        "near_prefix",
        "near_suffix",
        "near_window",
        "per_occurrence",
        "positive",
        "reason",
        "threshold",
        "window_days",
    )

    def __init__(self, spec: CriterionSpec):
        super().__init__(spec)
        self.measure = spec.measure
        self.by_days = spec.measure == "distinct_days"
        self.threshold = spec.threshold
        self.minimum = max(spec.threshold, 1)
        self.positive = spec.kind in POSITIVE_KINDS
        self.per_occurrence = spec.points_mode == "per_occurrence"
        self.max_occurrences = spec.max_occurrences
        self.decays = bool(spec.half_life_days)
        self.window_days = spec.window_days
        values = list(spec.property_filter.values()) if spec.property_filter else []
        self.filter_one = values[0] if len(values) == 1 else None
        self.filter_many = tuple(values) if len(values) > 1 else None
        noun = "active days" if self.by_days else "events"
        self.near_prefix = f"{spec.name}: "
        self.near_suffix = f" of {spec.threshold} {noun} "
        try:
            self.near_window: str | None = format_window(spec.window_days)
        except Exception:  # malformed: formatted per near miss, failing only that lead
            self.near_window = None
        fixed = ReasonContext(
            window_days=spec.window_days, value=self.filter_value(), event=spec.event_name or None
        )
        self.reason = PreparedReason(spec.reason_template, fixed, _EVENT_FILLERS)
        self.contribution.update(
            signal_type="event", window_days=spec.window_days, attribute="", value=self.filter_one
        )
        self.near_miss = field_template(NearMiss)
        self.near_miss.update(
            key=spec.key,
            name=spec.name,
            kind=spec.kind,
            measure=spec.measure,
            threshold=spec.threshold,
            window_days=spec.window_days,
            points=spec.points,
        )

    def filter_value(self) -> Any:
        """The property filter's value(s); several are a new list for each contribution, so
        no two breakdowns share (and could change) one list."""
        return list(self.filter_many) if self.filter_many is not None else self.filter_one

    def near_miss_text(self, have: int) -> str:
        """The near miss's sentence: "Pricing page visits: 3 of 4 events in the last 7 days"."""
        window = self.near_window
        if window is None:
            window = format_window(self.window_days)
        return f"{self.near_prefix}{have}{self.near_suffix}{window}"


class PreparedAttribute(_Prepared):
    """An attribute criterion: its path resolver and its operator's matcher."""

    __slots__ = ("attribute", "is_set", "matches", "reason", "resolve")

    def __init__(self, spec: CriterionSpec):
        super().__init__(spec)
        self.attribute = spec.attribute
        self.resolve: Resolver = attribute_resolver(spec.attribute)
        self.matches: Matcher = operator_matcher(spec.operator, spec.value)
        self.is_set = spec.operator == "is_set"
        fixed = ReasonContext(has_window=False, event=spec.event_name or None)
        self.reason = PreparedReason(spec.reason_template, fixed, _ATTRIBUTE_FILLERS)
        points = 0 if self.disqualifier else spec.points
        self.contribution.update(
            points=points, signal_type="attribute", base_points=points, attribute=spec.attribute
        )


class PreparedCriteria(Sequence[CriterionSpec]):
    """Criteria prepared for scoring; a read-only sequence of the original specs."""

    __slots__ = ("items", "specs", "usage_events")

    def __init__(self, criteria: Sequence[CriterionSpec]):
        self.specs: tuple[CriterionSpec, ...] = tuple(criteria)
        self.items: tuple[PreparedEvent | PreparedAttribute, ...] = tuple(
            PreparedEvent(spec) if spec.is_event else PreparedAttribute(spec) for spec in self.specs
        )
        # All the account-level PQL test reads (qualify.meets_usage_criteria).
        self.usage_events = tuple(s for s in self.specs if s.kind == KIND_USAGE and s.is_event)

    @overload
    def __getitem__(self, index: int) -> CriterionSpec: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[CriterionSpec]: ...
    def __getitem__(self, index: int | slice) -> CriterionSpec | Sequence[CriterionSpec]:
        return self.specs[index]

    def __len__(self) -> int:
        return len(self.specs)

    def __iter__(self) -> Iterator[CriterionSpec]:
        return iter(self.specs)

    def __repr__(self) -> str:
        return f"PreparedCriteria({list(self.specs)!r})"


def prepare_criteria(criteria: Sequence[CriterionSpec]) -> PreparedCriteria:
    """Prepare criteria once for many ``score_lead`` calls (returned as is if prepared)."""
    if isinstance(criteria, PreparedCriteria):
        return criteria
    return PreparedCriteria(criteria)
