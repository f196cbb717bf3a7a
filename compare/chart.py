"""A cost/time scatter chart as plain numbers for an SVG template: total cost against total weeks.

Programs whose cost or duration is not published are listed beside the chart, never plotted at 0.
"""

from dataclasses import dataclass
from decimal import Decimal

from programs import display
from programs.models import Program

WIDTH, HEIGHT = 480, 320
LEFT, RIGHT, TOP, BOTTOM = 96, 20, 20, 56
LABEL_HEIGHT = 21
"""Vertical room one point label takes, in SVG units; closer labels are moved apart."""
CHAR_WIDTH = 10.5
"""Rough width of one bold label character at the chart's largest font size (19 units on
phones, where the chart is drawn small, site.css), for keeping labels inside."""


@dataclass
class Point:
    program: Program
    x: float
    y: float
    label: str
    detail: str
    anchor: str
    label_x: float = 0
    label_y: float = 0


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    points: list[Point]
    unplotted: list[tuple[Program, str]]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def x_label_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def y_label_y(self) -> float:
        return (self.top + self.bottom) / 2


def _nice_max(value: Decimal, steps: int = 4) -> tuple[Decimal, Decimal]:
    """A round axis maximum and step above `value`."""
    value = max(value, Decimal(1))
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        step = magnitude * Decimal(str(factor)) / steps
        if step * steps >= value:
            return step * steps, step
    return magnitude * 10, magnitude * 10 / steps


def build_chart(programs: list[Program]) -> Chart:
    plotted = [(p, p.total_weeks, p.total_cost) for p in programs]
    known = [(p, w, c) for p, w, c in plotted if w is not None and c is not None]
    unplotted = []
    for program, weeks, cost in plotted:
        missing = [name for name, value in (("cost", cost), ("duration", weeks)) if value is None]
        if missing:
            unplotted.append((program, " and ".join(missing) + " not published"))

    x_max, x_step = _nice_max(max((w for _, w, _ in known), default=Decimal(10)))
    y_max, y_step = _nice_max(max((c for _, _, c in known), default=Decimal(1000)))
    chart = Chart(points=[], unplotted=unplotted, x_ticks=[], y_ticks=[])
    span_x, span_y = chart.right - chart.left, chart.bottom - chart.top

    def x_at(weeks):
        return round(chart.left + float(weeks / x_max) * span_x, 1)

    def y_at(cost):
        return round(chart.bottom - float(cost / y_max) * span_y, 1)

    for i in range(5):
        weeks, cost = x_step * i, y_step * i
        chart.x_ticks.append(Tick(x_at(weeks), f"{weeks.normalize():f}"))
        chart.y_ticks.append(Tick(y_at(cost), display.money(cost, "USD") or "$0"))
    for program, weeks, cost in known:
        chart.points.append(
            Point(
                program=program,
                x=x_at(weeks),
                y=y_at(cost),
                label=program.provider.short_name,
                detail=f"{display.total_cost(program)}, {display.duration(program)}",
                anchor="start",
            )
        )
    _place_labels(chart)
    return chart


def _place_labels(chart: Chart) -> None:
    """Put each short label beside its point, inside the plot, clear of the others.

    A label goes right of its point unless it would cross the right edge, then left; if left
    would cross the y-axis it stays right. Labels closer than LABEL_HEIGHT are moved apart.
    """
    placed: list[Point] = []
    for point in sorted(chart.points, key=lambda p: p.y):
        width = len(point.label) * CHAR_WIDTH
        fits_right = point.x + 12 + width <= chart.right
        fits_left = point.x - 12 - width >= chart.left + 4
        point.anchor = "start" if fits_right or not fits_left else "end"
        point.label_x = point.x + 12 if point.anchor == "start" else point.x - 12
        point.label_y = point.y
        for other in placed:
            if abs(other.label_y - point.label_y) < LABEL_HEIGHT and _overlap_x(other, point):
                point.label_y = other.label_y + LABEL_HEIGHT
        point.label_y = min(point.label_y, chart.bottom - 4)
        placed.append(point)


def _overlap_x(a: Point, b: Point) -> bool:
    def span(p: Point) -> tuple[float, float]:
        width = len(p.label) * CHAR_WIDTH
        return (
            (p.label_x, p.label_x + width)
            if p.anchor == "start"
            else (p.label_x - width, p.label_x)
        )

    (a1, a2), (b1, b2) = span(a), span(b)
    return a1 < b2 and b1 < a2
