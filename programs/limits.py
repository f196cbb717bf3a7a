"""A reader's limits (budget, weekly hours, weeks) against a program, one rule and one wording
for the list's near misses and the finder (issues #21, #25).

Weekly hours are a range when the sources give one: a program needing "four to five hours per
week" fits a reader with 5 or more, is at the low end for 4, and needs "1–2 hours a week more"
from someone with 3.
"""

from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Coalesce

from programs import display

NEAR_MISS_SHARE = Decimal("0.5")
"""A program at most this share over a reader's limit is a near miss."""

HOURS_LOW = "weekly_hours_low"
HOURS_HIGH = "weekly_hours_value"
"""The SQL names of a program's fewest and most weekly hours (the stored `weekly_hours_value`
is the most, else the only figure published: `Program.most_weekly_hours`)."""


def hours_annotations() -> dict:
    return {HOURS_LOW: Coalesce(F("weekly_hours_min"), F("weekly_hours_max"))}


def hours_range(program) -> tuple[Decimal | None, Decimal | None]:
    """(fewest, most) weekly hours; one figure published counts as both."""
    low = (
        program.weekly_hours_min
        if program.weekly_hours_min is not None
        else program.weekly_hours_max
    )
    return low, program.most_weekly_hours


def cost_for(program, module=None) -> Decimal | None:
    """What the reader would pay: the one module the sources recommend, else the program."""
    if module is not None:
        return module.price_amount
    return program.total_cost


def is_near(gap: Decimal, limit: Decimal) -> bool:
    return gap <= limit * NEAR_MISS_SHARE


def over_budget(gap: Decimal, currency: str | None = None) -> str:
    return f"{display.money(gap, currency or 'USD')} over your budget"


def more_hours(fewest: Decimal, most: Decimal | None = None) -> str:
    """'1 hour a week more than you have', '1–2 hours a week more than you have'."""
    if most is None or most == fewest:
        return (
            f"{display.number(fewest)} hour{'' if fewest == 1 else 's'} a week more than you have"
        )
    return f"{display.number(fewest)}–{display.number(most)} hours a week more than you have"


def longer(gap: Decimal) -> str:
    return f"{display.number(gap)} week{'' if gap == 1 else 's'} longer than your limit"
