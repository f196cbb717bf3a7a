"""A cost/time scatter chart as plain numbers for an SVG template: total cost against total weeks.

Programs whose cost or duration is not published are listed beside the chart, never plotted at 0.
"""

from dataclasses import dataclass
from decimal import Decimal

from programs import display
from programs.models import Program

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 20, 52


@dataclass
class Point:
    program: Program
    x: float
    y: float
    label: str
    detail: str
    anchor: str


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
        x = x_at(weeks)
        chart.points.append(
            Point(
                program=program,
                x=x,
                y=y_at(cost),
                label=program.provider.short_name,
                detail=f"{display.total_cost(program)}, {display.duration(program)}",
                anchor="end" if x > chart.left + span_x * 0.7 else "start",
            )
        )
    return chart
