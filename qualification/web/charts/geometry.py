"""Chart geometry: plain dataclasses a template turns into SVG. No Django, no drawing here.

Every chart is sized in its own coordinate system (``width`` x ``height``, the SVG viewBox),
so the browser scales it to any container, a 390 px phone included. Builders in the sibling
modules are pure functions from series to these shapes, which is what the unit tests check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Two series colours that stay distinct for the common colour-vision deficiencies
# (blue / orange), and text labels on every bar so colour is never the only cue.
SERIES_CSS = ("series-a", "series-b", "series-c")


class _Rounded:
    """Coordinates rounded to 0.1 at construction: short SVG, and no per-number template filter."""

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if isinstance(value, float):
                object.__setattr__(self, name, round(value, 1))


@dataclass(frozen=True)
class Rect(_Rounded):
    x: float
    y: float
    width: float
    height: float
    css: str = "series-a"
    title: str = ""  # hover text (SVG <title>)


@dataclass(frozen=True)
class Text(_Rounded):
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor
    css: str = ""


@dataclass(frozen=True)
class Line(_Rounded):
    x1: float
    y1: float
    x2: float
    y2: float
    css: str = "grid"


@dataclass(frozen=True)
class Path:
    points: tuple[tuple[float, float], ...]
    css: str = "series-a"

    @property
    def d(self) -> str:
        """The SVG path: breaks (None values) were split into separate paths by the builder."""
        return " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(self.points)
        )


@dataclass(frozen=True)
class Dot(_Rounded):
    x: float
    y: float
    css: str = "series-a"
    title: str = ""


@dataclass(frozen=True)
class LegendItem:
    label: str
    css: str


@dataclass
class Chart:
    """Everything a chart template draws. ``summary`` is the aria-label: the chart in words."""

    kind: str
    title: str
    summary: str
    width: float
    height: float
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.rects or self.paths or self.dots)


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value``: 1, 2, 5 times a power of ten (0 -> 1)."""
    if value <= 0:
        return 1.0
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    while magnitude > value:
        magnitude /= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def fmt_number(value: float) -> str:
    """12 -> "12", 12.25 -> "12.3": counts stay integers."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def fmt_pct(value: float) -> str:
    return f"{value * 100:.0f}%"
