"""How catalogue values read in plain words, shared by pages, the comparison table and exports.

Every function returns None for an unknown value; templates show None as "Not published".
"""

import math
from decimal import Decimal

from django.utils.formats import date_format

NOT_PUBLISHED = "Not published"
_SYMBOLS = {"USD": "$"}


def choice(obj, attr: str) -> str | None:
    """A choice field's label ("Self-paced"), or None when the value is unknown."""
    if getattr(obj, attr) is None:
        return None
    return getattr(obj, f"get_{attr}_display")()


def number(value: Decimal | int) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def money(amount: Decimal | None, currency: str | None, *, approximate: bool = False) -> str | None:
    """'$2,990' for USD; 'EUR 1,600' for other currencies; 'about $1,600' when approximate."""
    if amount is None:
        return None
    symbol = _SYMBOLS.get(currency or "")
    # No currency published (a module priced on a program without a price): the number alone.
    text = f"{symbol}{number(amount)}" if symbol else f"{currency or ''} {number(amount)}".strip()
    return f"about {text}" if approximate else text


def total_cost(program) -> str | None:
    """The derived total, with 'about' when the source's price is approximate."""
    total = program.total_cost
    if total is None:
        return None
    return money(total, program.price_currency, approximate=program.price_is_approximate)


def cost_basis(program) -> str | None:
    """How the total is made up, e.g. '3 courses × about $1,600'."""
    if program.price_amount is None:
        return None
    price = money(program.price_amount, program.price_currency)
    about = "about " if program.price_is_approximate else ""
    if program.price_basis == program.PriceBasis.PER_COURSE:
        if program.course_count is None:
            return f"{about}{price} per course; number of courses not published"
        courses = "course" if program.course_count == 1 else "courses"
        return f"{program.course_count} {courses} × {about}{price}"
    if program.price_basis == program.PriceBasis.PER_EXAM:
        return f"{about}{price} per exam"
    return f"{about}{price} for the whole program"


def weeks(value: Decimal | None, *, approximate: bool = False) -> str | None:
    if value is None:
        return None
    unit = "week" if value == 1 else "weeks"
    return f"{'about ' if approximate else ''}{number(value)} {unit}"


def duration(program) -> str | None:
    """The program's length; adds up module lengths when only those are published."""
    text = weeks(program.total_weeks, approximate=program.weeks_are_approximate)
    if text is None or program.duration_weeks is not None:
        return text
    modules = list(program.modules.all())
    per = {m.weeks for m in modules}
    if len(per) == 1:
        each = weeks(per.pop(), approximate=program.weeks_are_approximate)
        return f"{text} ({len(modules)} modules of {each} each)"
    return f"{text} (sum of {len(modules)} modules)"


def hour_range(low: Decimal | None, high: Decimal | None, *, unit: str) -> str | None:
    if low is None and high is None:
        return None
    if low is None or high is None or low == high:
        return f"{number(low if low is not None else high)} {unit}"
    return f"{number(low)}–{number(high)} {unit}"


def weekly_hours(program) -> str | None:
    return hour_range(program.weekly_hours_min, program.weekly_hours_max, unit="hours a week")


def total_hours(program) -> str | None:
    """Total study hours, when the length and weekly hours are both published."""
    hours = program.total_hours
    if hours is None:
        return None
    text = hour_range(*hours, unit="hours in total")
    return f"about {text}" if program.weeks_are_approximate else text


def yes_no(value: bool | None) -> str | None:
    if value is None:
        return None
    return "Yes" if value else "No"


def exam(program) -> str | None:
    """'110 questions in 120 minutes; pass with 70 correct'."""
    parts = []
    if program.exam_questions is not None:
        parts.append(f"{program.exam_questions} questions")
    if program.exam_minutes is not None:
        minutes = program.exam_minutes
        span = (
            f"{minutes // 60} hours"
            if minutes % 60 == 0 and minutes >= 120
            else f"{minutes} minutes"
        )
        parts.append(f"in {span}" if parts else span)
    text = " ".join(parts)
    if program.exam_pass_mark is not None:
        text = (
            f"{text}; pass with {program.exam_pass_mark} correct"
            if text
            else (f"pass with {program.exam_pass_mark} correct")
        )
    return text or None


def validity(program) -> str | None:
    months = program.validity_months
    if months is None:
        return None
    if months % 12 == 0:
        years = months // 12
        return f"{years} year" if years == 1 else f"{years} years"
    return f"{months} months"


def module_details(module, program) -> str | None:
    """A module's length and price: 'about 5 weeks, about $1,600'."""
    details = [
        weeks(module.weeks, approximate=module.weeks_is_approximate),
        money(
            module.price_amount, program.price_currency, approximate=program.price_is_approximate
        ),
    ]
    return ", ".join(d for d in details if d) or None


def price_per_hour(program) -> str | None:
    """Derived: total cost over total study hours, '$64–80 per study hour'; None if either is
    unknown (never computed from an unknown)."""
    total, hours = program.total_cost, program.total_hours
    if total is None or hours is None or not all(hours):
        return None
    low, high = (round(total / hours[1]), round(total / hours[0]))
    text = hour_range(Decimal(low), Decimal(high), unit="per study hour")
    symbol = _SYMBOLS.get(program.price_currency or "", f"{program.price_currency} ")
    about = "about " if program.price_is_approximate or program.weeks_are_approximate else ""
    return f"{about}{symbol}{text}"


def weeks_at_pace(program, weekly_hours: Decimal | None) -> str | None:
    """Derived: weeks to finish at the reader's weekly hours, from total study hours."""
    hours = program.total_hours
    if hours is None or not weekly_hours:
        return None
    low, high = (math.ceil(h / weekly_hours) for h in hours)
    text = hour_range(Decimal(low), Decimal(high), unit="week" if high == 1 else "weeks")
    return f"about {text} at {number(weekly_hours)} hours a week"


# What a derived figure is derived from (issue #20): shown wherever the figure is. None when the
# figure is unknown or is itself a published figure (a whole-program price, a stated duration).


def total_cost_derivation(program) -> str | None:
    if program.total_cost is None:
        return None
    per_course = program.price_basis == "per_course"
    items = bool(program.required_items_value)
    by_course = "Derived from the price per course × the number of courses"
    if per_course and items:
        return f"{by_course}, plus the required cost items"
    if per_course:
        return by_course
    if items:
        return "Derived from the price plus the required cost items"
    return None


def cost_parts(program) -> str | None:
    """A derived total's parts, for a card: '3 courses × about $1,600', '$2,990 + exam fee
    $300' (issue #20, #24); None for a published whole-program price."""
    if total_cost_derivation(program) is None:
        return None
    if program.price_basis == "per_course":
        base = cost_basis(program)
    else:
        base = money(
            program.base_cost, program.price_currency, approximate=program.price_is_approximate
        )
    required = [
        f"{i.get_kind_display().lower()} {money(i.amount, i.currency)}"
        for i in program.listed_cost_items
        if i.required
    ]
    return " + ".join([base, *required])


def duration_derivation(program) -> str | None:
    if program.duration_weeks is not None or program.total_weeks is None:
        return None
    return "Derived from the modules' lengths, added up"


def total_hours_derivation(program) -> str | None:
    if program.total_hours is None:
        return None
    return "Derived from the duration × the weekly hours"


def price_per_hour_derivation(program) -> str | None:
    if price_per_hour(program) is None:
        return None
    return "Derived from the total cost ÷ the total study hours"


def schedule_instead_of_pace(program, module=None) -> str | None:
    """Why no pace is worked out for a program that is not self-paced (issue #21): a cohort
    keeps its own schedule ("about 15 weeks"), and an unknown format cannot be paced. None for
    a self-paced program, whose weeks at the reader's pace can be derived."""
    if program.format == "self_paced":
        return None
    if program.format is None:
        return "Format not published, so no pace is worked out — ask the provider."
    length = (
        weeks(module.weeks, approximate=module.weeks_is_approximate)
        if module
        else duration(program)
    )
    label = program.get_format_display()
    return f"{label}: its own schedule{f', {length}' if length else ''}; no pace is worked out."


SELF_PACED_START = "Self-paced: no fixed start"


def day(value) -> str:
    """A calendar date as pages write it: '3 March 2027'."""
    return date_format(value, "j F Y")


def next_start(program, today=None) -> str | None:
    """The next cohort's start ('3 March 2027'); for a program the sources call self-paced,
    that it has no fixed start; else None ("Not published"). Never a date that has passed."""
    cohort = program.next_cohort(today)
    if cohort is not None:
        return day(cohort.start_date)
    if program.format == program.Format.SELF_PACED:
        return SELF_PACED_START
    return None


def enrolment(program, today=None) -> str | None:
    """Whether one can enrol now, in words: 'Open for enrolment until 15 February 2027';
    'Enrolment for the 3 March 2027 start closed on 1 February 2027'; later starts."""
    open_cohort = program.open_cohort(today)
    following = program.upcoming_cohorts(today)
    parts = []
    if open_cohort is not None:
        closes = day(open_cohort.enrolment_closes)
        if open_cohort.enrolment_deadline is None:
            parts.append(f"Open for enrolment (no deadline published; it starts {closes})")
        else:
            parts.append(f"Open for enrolment until {closes}")
    elif following:
        first = following[0]
        parts.append(
            f"Enrolment for the {day(first.start_date)} start closed on "
            f"{day(first.enrolment_closes)}"
        )
    if len(following) > 1:
        parts.append("later starts: " + ", ".join(day(c.start_date) for c in following[1:]))
    return "; ".join(parts) or None


# Continuing-education credit and what the price covers (issue #24) -------------------------


def _listed(words: list[str]) -> str:
    """'amount, type and accreditor'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def credit_type(program) -> str | None:
    return choice(program, "credit_type")


def credit_amount(program) -> str | None:
    """'12.5 credits' ('1 credit'), in the credit type's own unit for contact hours."""
    amount = program.credit_amount
    if amount is None:
        return None
    if program.credit_type == "ancc":
        return f"{number(amount)} contact hour{'' if amount == 1 else 's'}"
    return f"{number(amount)} credit{'' if amount == 1 else 's'}"


def counts_toward_moc(program) -> str | None:
    """'Yes (ABIM)', 'Yes; boards not published', 'No'."""
    answer = yes_no(program.counts_toward_moc)
    if answer != "Yes":
        return answer
    return f"Yes ({program.moc_boards})" if program.moc_boards else "Yes; boards not published"


def cme_credit(program) -> str | None:
    """The CME row: 'Yes — amount, type and accreditor not published' when the sources say only
    that it carries CME; what is known of the credit when an editor has entered it
    ('Yes — 12 credits, AMA PRA Category 1 Credit™, accredited by ACCME')."""
    answer = yes_no(program.cme_credit)
    if answer != "Yes":
        return answer
    known = [
        credit_amount(program),
        credit_type(program),
        f"accredited by {program.credit_accreditor}" if program.credit_accreditor else None,
    ]
    missing = [
        name
        for name, value in zip(("amount", "type", "accreditor"), known, strict=True)
        if value is None
    ]
    parts = [part for part in known if part]
    if missing:
        parts.append(f"{_listed(missing)} not published")
    return f"Yes — {', '.join(parts)}"


def cost_item(item) -> str:
    """'Exam fee: $300 (required)'."""
    return item.shown


def cost_items(program) -> str | None:
    """The program's cost items, required first: 'Exam fee: $300 (required); Membership: $95
    (optional)'; None when the sources give none (what the price covers is not published)."""
    items = program.listed_cost_items
    return "; ".join(cost_item(item) for item in items) or None


def credit_certificate_cost(program) -> str | None:
    """What the credit certificate costs, from the program's cost items of that kind."""
    items = [i for i in program.listed_cost_items if i.kind == "credit_certificate"]
    return (
        "; ".join(
            f"{money(i.amount, i.currency)} ({'required' if i.required else 'optional'})"
            for i in items
        )
        or None
    )


def cost_includes(program) -> str | None:
    """What the total includes, in words: 'Includes the program price; what it covers is not
    published', and each required item added to it ('…; plus the required exam fee $300')."""
    if program.total_cost is None:
        return None
    required = [
        f"the required {i.get_kind_display().lower()} {money(i.amount, i.currency)}"
        for i in program.listed_cost_items
        if i.required
    ]
    return "; plus ".join(
        ["Includes the program price; what it covers is not published", *required]
    )
