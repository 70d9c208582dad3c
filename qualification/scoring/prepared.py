"""Criteria prepared once per rescore, so scoring a lead does only that lead's work.

A full rescore scores every lead against the same criteria. Everything that depends only
on a criterion is worked out here once instead of once per lead: the attribute path split
into a resolver, the operator and its expected value compiled into a matcher
(``conditions.operator_matcher``), the reason template parsed, with the placeholders
that do not depend on the lead (``{window}``, ``{event}``, ...) already filled, the
sub-score, the near-miss sentence's fixed parts, and the usage criteria the account-level
PQL test reads.

``score_lead`` accepts plain specs and prepares them itself, remembering the result for
the criteria object it was given (``prepared_for``), so a service that passes the same
list for every lead of a run prepares once without changing. ``prepare_criteria`` does it
explicitly; its result is a read-only sequence of the original specs, usable wherever
the specs are. The specs are frozen; preparing assumes their dict and list values
(``property_filter``, ``value``) are not mutated afterwards either.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, overload

from .conditions import Matcher, Resolver, attribute_resolver, operator_matcher
from .reasons import (
    UNKNOWN,
    ReasonContext,
    _fill,
    country_name,
    format_number,
    format_relative,
    format_times,
    format_value,
    format_window,
    parse_template,
)
from .types import (
    KIND_DISQUALIFIER,
    KIND_FIT,
    KIND_INTENT,
    KIND_NEGATIVE,
    KIND_USAGE,
    CriterionSpec,
)

POSITIVE_KINDS = (KIND_FIT, KIND_INTENT, KIND_USAGE)

# What a reason placeholder that depends on the lead is filled from: the lead's view
# (account, employees, industry, country, users: ``lead_view`` in the engine), the event
# signal, the attribute's value, and the clock.
LeadView = tuple[Any, Any, Any, Any, Any]
Filler = Callable[[LeadView, Any, Any, datetime], str]

_LEAD_FILLERS: dict[str, Filler] = {
    "account": lambda view, _s, _v, _n: str(view[0] or UNKNOWN),
    "employees": lambda view, _s, _v, _n: format_value(view[1]),
    "industry": lambda view, _s, _v, _n: str(view[2] or UNKNOWN),
    "country": lambda view, _s, _v, _n: country_name(view[3]),
    "users": lambda view, _s, _v, _n: UNKNOWN if view[4] is None else format_number(view[4]),
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
    "value": lambda _l, _s, value, _n: format_value(value),
}


class PreparedReason:
    """A reason template with the criterion's own placeholders already filled.

    ``constant`` is the whole sentence when nothing in it depends on the lead. Otherwise
    the sentence is the fixed texts with the lead's values (``fillers``) between them,
    whitespace-collapsed as ``render_reason`` does: when every value is *clean* (not
    empty, printable, single spaces inside, none at the ends) collapsing the joined
    sentence is the same as joining the values with the fixed texts collapsed in advance
    (``texts``), which skips re-splitting every sentence; otherwise it collapses after
    joining (``raw``).
    """

    __slots__ = ("constant", "fillers", "raw", "texts")

    def __init__(self, template: str, fixed: ReasonContext, fillers: dict[str, Filler]):
        self.constant: str | None = None
        self.fillers: tuple[Filler, ...] = ()
        self.raw: tuple[str, ...] = ()
        self.texts: tuple[str, ...] = ()
        parts = parse_template(template or "")
        if parts is None:  # malformed: render_reason shows the template as written
            self.constant = template or ""
            return
        raw = [""]  # fixed texts; a filler goes between each two
        found: list[Filler] = []
        for literal, name in parts:
            raw[-1] += literal
            if name is None:
                continue
            if name in fillers:
                found.append(fillers[name])
                raw.append("")
                continue
            try:
                raw[-1] += _fill(name, fixed, None)  # type: ignore[arg-type]  # now is unused
            except Exception:  # fill it per lead so it fails when rendered, as before
                found.append(_late_filler(name, fixed))
                raw.append("")
        if not found:
            self.constant = " ".join(raw[0].split())
            return
        self.fillers = tuple(found)
        self.raw = tuple(raw)
        last = len(raw) - 1
        self.texts = tuple(_collapse(text, first=i == 0, last=i == last) for i, text in enumerate(raw))

    def render(self, view: LeadView, signal: Any, value: Any, now: datetime) -> str:
        if self.constant is not None:
            return self.constant
        values = [filler(view, signal, value, now) for filler in self.fillers]
        clean = True
        for text in values:
            if not text or not text.isprintable() or text[0] == " " or text[-1] == " ":
                clean = False
                break
            if "  " in text:
                clean = False
                break
        texts = self.texts if clean else self.raw
        out = [texts[0]]
        for text, fixed in zip(values, texts[1:], strict=True):
            out.append(text)
            out.append(fixed)
        joined = "".join(out)
        return joined if clean else " ".join(joined.split())


def _collapse(text: str, *, first: bool, last: bool) -> str:
    """A fixed text as it reads once the sentence is collapsed, given clean values around it.

    Inside, whitespace runs become one space; at an end next to a value, a run becomes one
    space; at the sentence's own ends it goes.
    """
    core = " ".join(text.split())
    if not core:
        return " " if text and not first and not last else ""
    before = " " if not first and text[0].isspace() else ""
    after = " " if not last and text[-1].isspace() else ""
    return before + core + after


def _late_filler(name: str, fixed: ReasonContext) -> Filler:
    return lambda _l, _s, _v, now: _fill(name, fixed, now)


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
        "disqualifier",
        "glossary_term",
        "key",
        "kind",
        "name",
        "points",
        "spec",
        "subscore",
    )

    def __init__(self, spec: CriterionSpec):
        self.spec = spec
        self.key = spec.key
        self.name = spec.name
        self.kind = spec.kind
        self.points = spec.points
        self.glossary_term = spec.glossary_term
        self.subscore = subscore_for(spec)
        self.disqualifier = spec.kind == KIND_DISQUALIFIER


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
        except Exception:  # formatted per near miss instead, failing there as before
            self.near_window = None
        fixed = ReasonContext(
            window_days=spec.window_days, value=self.filter_value(), event=spec.event_name or None
        )
        self.reason = PreparedReason(spec.reason_template, fixed, _EVENT_FILLERS)

    def filter_value(self) -> Any:
        """The property filter's value(s) (a fresh list each time, as before)."""
        return list(self.filter_many) if self.filter_many is not None else self.filter_one

    def near_miss_text(self, have: int) -> str:
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


# The criteria objects score_lead was last given, by id, with what they prepared into.
# Holding the object keeps its id from being reused; comparing the specs by identity
# notices a list changed in place. A handful of entries: a process scores with one set
# of criteria at a time, tests with a few.
_CACHE: dict[int, tuple[Sequence[CriterionSpec], PreparedCriteria]] = {}
_CACHE_SIZE = 8
_CACHE_LOCK = threading.Lock()


def prepared_for(criteria: Sequence[CriterionSpec]) -> PreparedCriteria:
    """``criteria`` prepared, reusing the preparation of the same, unchanged object."""
    if criteria.__class__ is not list and criteria.__class__ is not tuple:
        if isinstance(criteria, PreparedCriteria):
            return criteria
        if not isinstance(criteria, list | tuple):
            return PreparedCriteria(criteria)
    entry = _CACHE.get(id(criteria))
    if entry is not None and entry[0] is criteria:
        specs = entry[1].specs
        if len(specs) == len(criteria) and all(map(operator.is_, specs, criteria)):
            return entry[1]
    prepared = PreparedCriteria(criteria)
    with _CACHE_LOCK:
        _CACHE.pop(id(criteria), None)
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[id(criteria)] = (criteria, prepared)
    return prepared
