"""Which cited sentence supports which fact (issue #20): one rule per fact, defined here.

- A number is supported by a citation for that fact whose sentence states that number, in
  digits or words, with units read as a reader would ("two hours" is 120 minutes, "valid for
  two years" is 24 months, "roughly $1,600" an approximate 1,600); no other current citation
  of the fact may state a different one.
- A choice is supported by a cited sentence holding one of that choice's words, or by a
  citation the editor marked as supporting that very value (`Citation.affirms`).
- Free text needs at least one cited sentence: the page shows it as a paraphrase of them.

Superseded citations are kept and shown as "earlier", but support nothing. A published
program is always supported; a draft may not be yet (`problems()` lists what is missing).
"""

import contextvars
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from programs import display, search

_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_WORD_NUMBER = (
    rf"(?:(?:{_TENS})-(?:one|two|three|four|five|six|seven|eight|nine)|"
    + "|".join(sorted(_WORDS, key=len, reverse=True))
    + ")"
)
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_WORD_NUMBER})"
_APPROXIMATE = ("approximately", "about", "roughly", "around", "nearly", "circa", "some")
_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP"}

_QUANTITY = re.compile(
    rf"(?:\b(?P<approx>{'|'.join(_APPROXIMATE)})\s+)?"
    rf"(?P<currency>[$€£])?(?P<low>\b{_NUMBER}\b)"
    rf"(?:\s*(?:to|–|—|-)\s*[$€£]?(?P<high>\b{_NUMBER}\b))?"
    r"(?:[\s-]+(?P<unit>[a-z%]+)(?:\s+(?P<per>per|a|each)\s+(?P<per_unit>week|month))?)?",
    re.IGNORECASE,
)

_UNITS = {
    "week": "week", "weeks": "week", "month": "month", "months": "month", "year": "year",
    "years": "year", "hour": "hour", "hours": "hour", "minute": "minute", "minutes": "minute",
    "module": "course", "modules": "course", "course": "course", "courses": "course",
    "question": "question", "questions": "question", "item": "question", "items": "question",
    "correct": "mark", "answers": "mark", "points": "mark", "percent": "mark", "%": "mark",
    "credit": "credit", "credits": "credit",
}  # fmt: skip


def _number(text: str) -> Decimal:
    text = text.lower()
    if text in _WORDS:
        return Decimal(_WORDS[text])
    if "-" in text and text.split("-")[0] in _WORDS:
        tens, ones = text.split("-")
        return Decimal(_WORDS[tens] + _WORDS[ones])
    return Decimal(text.replace(",", ""))


@dataclass(frozen=True)
class Quantity:
    """A number a sentence states, as a reader takes it: '$1,600', 'four to five hours per week'."""

    low: Decimal
    high: Decimal
    unit: str
    """'week', 'hour', 'hour/week', 'minute', 'month', 'year', 'course', 'question', 'mark',
    'money:USD', or '' for a bare number."""
    approximate: bool
    phrase: str


def quantities(sentence: str) -> list[Quantity]:
    """Every number the sentence states, with its unit and whether it is approximate."""
    found = []
    for match in _QUANTITY.finditer(sentence):
        try:
            low = _number(match["low"])
            high = _number(match["high"]) if match["high"] else low
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            continue
        if match["currency"]:
            unit = f"money:{_CURRENCIES[match['currency']]}"
            phrase = match.group(0)
            if match["unit"]:  # "$1,600 per course": the words after are not its unit
                phrase = phrase[: match.start("unit") - match.start()].rstrip(" -")
        else:
            unit = _UNITS.get((match["unit"] or "").lower(), "")
            if unit == "hour" and match["per_unit"] == "week":
                unit = "hour/week"
            phrase = match.group(0) if unit else match["low"]
        found.append(Quantity(low, high, unit, bool(match["approx"]), phrase.strip()))
    return found


_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def states_date(sentence: str, day) -> bool:
    """Whether a sentence gives this calendar date, year included, as people write dates:
    "3 March 2027", "March 3, 2027", "3rd March 2027", "Mar 3 2027", "2027-03-03". A cohort's
    date is supported only by a sentence that gives it (issue #24); a sentence without the
    year ("starts March 3") does not say which March."""
    text = " ".join(sentence.lower().replace(",", " ").replace(".", " ").split())
    if day.isoformat() in sentence:
        return True
    month = _MONTHS[day.month - 1]
    year = str(day.year)
    for name in {month, month[:3], "sept" if day.month == 9 else month}:
        for number in (str(day.day), _ordinal(day.day)):
            for form in (
                f"{number} {name} {year}",
                f"{number} of {name} {year}",
                f"{name} {number} {year}",
            ):
                if re.search(rf"(?<![\w]){re.escape(form)}(?![\w])", text):
                    return True
    return False


@dataclass(frozen=True)
class Problem:
    """A fact its citations do not support, and what to do about it."""

    field: str
    """The form field the message belongs beside: a program field, or 'modules'."""
    message: str
    module: int | None = None
    """The module's position, for a module's own figures."""


@dataclass(frozen=True)
class Evidence:
    """What a rule is given: the program as it would be saved, its current citations by field,
    its modules and its topics."""

    program: object
    cited: dict[str, list]
    modules: list
    topics: list
    words: dict[tuple[str, str], tuple[str, ...]] = dataclass_field(default_factory=dict)
    """Editors' words for choices (`SupportWord`), by (field, value)."""
    cost_items: list = dataclass_field(default_factory=list)

    def citations(self, fields: Iterable[str]) -> list:
        return [c for f in fields for c in self.cited.get(f, [])]


def _where(citation) -> str:
    return f"{citation.document.short_name}, “{citation.quote}”"


@dataclass(frozen=True)
class NumberRule:
    """A number supported only by a sentence that states it (see the module docstring)."""

    field: str
    label: str
    cites: tuple[str, ...]
    units: dict[str, Decimal]
    shown: Callable[[Decimal, object], str]
    approximate: Callable[[object], bool] | None = None
    """Whether the fact is stored as approximate; the sentence must say the same."""
    get: Callable[[Evidence], object] | None = None
    """The value, where it is not the field as stored (the course count follows the modules)."""
    one_of_many: bool = False
    """The fact is one of several the sentences describe (a module's length): another sentence
    giving another number may be about another one, so it is no contradiction."""

    def value(self, evidence: Evidence, module=None):
        if self.get is not None:
            return self.get(evidence)
        return getattr(module if module is not None else evidence.program, self.field)

    def stated(self, citation) -> list[tuple[Decimal, Decimal, Quantity]]:
        return [
            (q.low * self.units[q.unit], q.high * self.units[q.unit], q)
            for q in quantities(citation.quote)
            if q.unit in self.units
        ]

    def matches(self, value, low: Decimal, high: Decimal) -> bool:
        return low == high == Decimal(value)

    def check(self, evidence: Evidence, module=None) -> str | None:
        value = self.value(evidence, module)
        if value is None:
            return None
        program = evidence.program
        shown = self.shown(value, program)
        fix = f"Cite the sentence that gives {shown}, or leave the {self.label} unknown."
        citations = evidence.citations(self.cites)
        if not citations:
            return f"No citation gives the {self.label}. {fix}"
        supporting, contradicting = [], []
        for citation in citations:
            stated = self.stated(citation)
            if any(self.matches(value, low, high) for low, high, _ in stated):
                supporting.append((citation, stated))
            elif stated:
                contradicting.append((citation, stated))
        if not supporting:
            if not contradicting:
                return f"The cited sentence does not give the {self.label}. {fix}"
            citation, stated = contradicting[0]
            return f"The cited sentence gives {stated[0][2].phrase} ({_where(citation)}). {fix}"
        if contradicting and not self.one_of_many:
            citation, stated = contradicting[0]
            return (
                f"Another cited sentence still gives {stated[0][2].phrase} ({_where(citation)}). "
                "Mark that citation superseded, or remove it."
            )
        if self.approximate is not None:
            flagged = self.approximate(module if module is not None else program)
            said = [q for _, stated in supporting for low, high, q in stated]
            if flagged and not any(q.approximate for q in said):
                return f"The cited sentence gives exactly {said[0].phrase}: untick “approximate”."
            if not flagged and all(q.approximate for q in said):
                return (
                    f"The cited sentence gives {said[0].phrase} as approximate: tick "
                    "“approximate”, so the page says “about”."
                )
        return None


@dataclass(frozen=True)
class RangeRule(NumberRule):
    """Weekly hours: the fewest and most, each as the sentence states them."""

    high_field: str = ""

    def value(self, evidence: Evidence, module=None):
        program = evidence.program
        low, high = getattr(program, self.field), getattr(program, self.high_field)
        return None if low is None and high is None else (low, high)

    def matches(self, value, low: Decimal, high: Decimal) -> bool:
        fewest, most = value
        if fewest is not None and most is not None:
            return (Decimal(fewest), Decimal(most)) == (low, high)
        return Decimal(fewest if fewest is not None else most) in (low, high)


@dataclass(frozen=True)
class ChoiceRule:
    """A choice supported by a sentence holding one of its words, or marked by an editor."""

    field: str
    label: str
    cites: tuple[str, ...]
    words: dict
    """Each value's words, as sources write them (matched whole, case aside)."""
    shown: Callable[[object, object], str]

    def check(self, evidence: Evidence, module=None) -> str | None:
        program = evidence.program
        value = getattr(program, self.field)
        if value is None or value == "":
            return None
        shown = self.shown(value, program)
        words = (*self.words.get(value, ()), *evidence.words.get((self.field, str(value)), ()))
        for citation in evidence.citations(self.cites):
            if citation.affirms == str(value):
                return None
            if any(re.search(rf"\b{re.escape(w)}\b", citation.quote, re.I) for w in words):
                return None
        listed = ", ".join(f"“{w}”" for w in words[:3])
        return (
            f"No cited sentence says {shown}"
            + (f" (in words such as {listed})" if listed else "")
            + f". Cite one that does, tick “This sentence supports the value” on the citation "
            f"that means it, or leave the {self.label} unknown."
        )


@dataclass(frozen=True)
class TextRule:
    """Free text: shown as the site's paraphrase of at least one cited sentence."""

    field: str
    label: str
    cites: tuple[str, ...]
    present: Callable[[Evidence], bool]
    must_contain: bool = False
    """The sentence must hold the value itself (a name, such as a platform)."""

    def check(self, evidence: Evidence, module=None) -> str | None:
        if not self.present(evidence):
            return None
        citations = evidence.citations(self.cites)
        if self.must_contain:
            value = str(getattr(evidence.program, self.field))
            if any(value.lower() in c.quote.lower() for c in citations):
                return None
            return f"No cited sentence names “{value}”. Cite one that does, or leave it empty."
        if citations:
            return None
        fields = ", ".join(f"“{_field_label(f)}”" for f in self.cites)
        return (
            f"Cite at least one sentence this {self.label} restates (a citation for {fields}), "
            "or leave it empty."
        )


_CREDIT_PHRASE = re.compile(
    rf"(?:\b(?P<approx>{'|'.join(_APPROXIMATE)})\s+)?(?<!Category )(?P<low>\b{_NUMBER}\b)"
    r"(?:\s+(?:Category\s+[12]\b|[A-Za-z.]+)){0,4}?\s+(?:credits?|contact\s+hours?|CME\s+hours?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CreditAmountRule(NumberRule):
    """How many credits: a number the sentence gives as credits or contact hours ("12.5 AMA
    PRA Category 1 Credits™", "15 contact hours"); "Category 1" names a kind, not an amount."""

    def stated(self, citation) -> list[tuple[Decimal, Decimal, Quantity]]:
        found = []
        for match in _CREDIT_PHRASE.finditer(citation.quote):
            number = _number(match["low"])
            said = Quantity(number, number, "credit", bool(match["approx"]), match[0])
            found.append((number, number, said))
        return found


COST_ITEM_WORDS: dict[str, tuple[str, ...]] = {
    "tuition": ("tuition",),
    "exam_fee": ("exam fee", "exam", "examination", "assessment fee"),
    "membership": ("membership", "member", "members"),
    "credit_certificate": ("certificate", "CME credit", "credit"),
    "other": (),
}
"""The words a sentence uses for each kind of cost item (matched whole, case aside)."""

REQUIRED_WORDS: dict[bool, tuple[str, ...]] = {
    True: ("required", "requires", "must", "mandatory", "plus", "in addition", "includes"),
    False: ("optional", "optionally", "if you want", "extra", "additional", "may"),
}
"""The words that say a cost item is required, or optional."""


def _says(sentence: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", sentence, re.I) for w in words)


@dataclass(frozen=True)
class CostItemRule:
    """A cost item is supported by one current "Cost items" sentence that states its amount
    (in its currency), names its kind and says whether it is required or optional."""

    field: str = "cost_items"
    label: str = "cost item"

    def check(self, evidence: Evidence, item) -> str | None:
        shown = item.shown
        unit = f"money:{item.currency}"
        fix = f"Cite the sentence that gives {shown}, or remove the item."
        citations = evidence.citations(("cost_items",))
        if not citations:
            return f"No “Cost items” citation gives {shown}. {fix}"
        stating = [
            citation
            for citation in citations
            if any(
                q.unit == unit and q.low == q.high == Decimal(item.amount)
                for q in quantities(citation.quote)
            )
        ]
        if not stating:
            return f"No cited sentence gives {display.money(item.amount, item.currency)}. {fix}"
        kind_words = COST_ITEM_WORDS.get(item.kind, ())
        if kind_words:
            stating = [c for c in stating if _says(c.quote, kind_words)]
            if not stating:
                return (
                    f"The sentence that gives {display.money(item.amount, item.currency)} does "
                    f"not call it {item.get_kind_display().lower()} (in words such as "
                    f"{', '.join(f'“{w}”' for w in kind_words[:2])}). Choose the kind it "
                    "names, or “Other”."
                )
        words = REQUIRED_WORDS[bool(item.required)]
        if not any(_says(c.quote, words) for c in stating):
            said = "required" if item.required else "optional"
            listed = ", ".join(f"“{w}”" for w in words[:2])
            return (
                f"The cited sentence does not say the {item.get_kind_display().lower()} is "
                f"{said} (in words such as {listed}). Tick or untick “required” as it says."
            )
        return None


COST_ITEM_RULE = CostItemRule()


def _field_label(field: str) -> str:
    from programs.models import Citation

    return str(Citation.Field(field).label)


def _money(value, program) -> str:
    return display.money(Decimal(value), program.price_currency or "USD")


def _plain(unit: str) -> Callable[[Decimal, object], str]:
    def shown(value, program) -> str:
        count = display.number(Decimal(value))
        return f"{count} {unit if Decimal(value) == 1 else unit + 's'}"

    return shown


def _hours(value, program) -> str:
    low, high = value
    return display.hour_range(low, high, unit="hours a week")


def _label(field: str) -> Callable[[object, object], str]:
    def shown(value, program) -> str:
        if isinstance(value, bool):
            return {
                "cme_credit": "CME credit: Yes" if value else "CME credit: No",
                "counts_toward_moc": "Counts toward maintenance of certification: "
                + ("Yes" if value else "No"),
            }.get(field, "Proctored" if value else "Not proctored")
        return f"“{getattr(program, f'get_{field}_display')()}”"

    return shown


def _text(field: str) -> Callable[[Evidence], bool]:
    return lambda evidence: bool(getattr(evidence.program, field))


_ONE = Decimal(1)

PROGRAM_RULES = (
    TextRule("provider", "provider", ("provider",), lambda e: e.program.provider_id is not None),
    TextRule("summary", "summary", ("summary",), _text("summary")),
    TextRule("platform", "platform", ("platform",), _text("platform"), must_contain=True),
    ChoiceRule(
        "credential_kind",
        "credential kind",
        ("credential_kind",),
        {
            "certificate": ("certificate",),
            "certification": ("certification", "certifying body", "certified"),
            "specialization": ("specialization", "specialisation"),
        },
        _label("credential_kind"),
    ),
    NumberRule(
        "price_amount",
        "price",
        ("price",),
        {"money:USD": _ONE},
        _money,
        approximate=lambda program: program.price_is_approximate,
    ),
    NumberRule(
        "course_count",
        "number of courses",
        ("course_count", "modules"),
        {"course": _ONE},
        _plain("course"),
        # With modules listed, the course count is their number (Program.sync_with_modules).
        get=lambda e: len(e.modules) if e.modules else e.program.course_count,
    ),
    NumberRule("duration_weeks", "duration", ("duration_weeks",), {"week": _ONE}, _plain("week")),
    RangeRule(
        "weekly_hours_min",
        "weekly hours",
        ("weekly_hours",),
        {"hour/week": _ONE},
        _hours,
        high_field="weekly_hours_max",
    ),
    ChoiceRule(
        "format",
        "format",
        ("format",),
        {
            "self_paced": ("self-paced", "own schedule", "own pace", "on demand"),
            "cohort": ("cohort", "cohort-based", "fixed start dates"),
            "exam_only": ("exam only", "exam-only"),
        },
        _label("format"),
    ),
    TextRule("format_note", "format note", ("format",), _text("format_note")),
    ChoiceRule(
        "assessment_type",
        "assessment",
        ("assessment_type",),
        {
            "proctored_exam": ("proctored exam",),
            # Not "assessment" alone: "less assessment rigor than proctored credentials" is
            # the guide on completion-based Stanford.
            "assessment_based": ("assessment-based", "the assessment is", "exam", "assessed"),
            "completion_based": ("completion-based", "completion"),
        },
        _label("assessment_type"),
    ),
    ChoiceRule(
        "is_proctored",
        "proctoring",
        ("assessment_type", "exam"),
        # Not "proctored" alone: "than proctored credentials" compares with others.
        {True: ("proctored exam", "is proctored", "are proctored"), False: ("not proctored",)},
        _label("is_proctored"),
    ),
    NumberRule(
        "exam_questions",
        "number of exam questions",
        ("exam",),
        {"question": _ONE},
        _plain("question"),
    ),  # fmt: skip
    NumberRule(
        "exam_minutes",
        "exam time",
        ("exam",),
        {"minute": _ONE, "hour": Decimal(60)},
        _plain("minute"),
    ),
    NumberRule(
        "exam_pass_mark",
        "pass mark",
        ("exam",),
        {"mark": _ONE},
        lambda value, program: f"{value} correct answers",
    ),  # fmt: skip
    ChoiceRule(
        "cme_credit",
        "CME credit",
        ("cme_credit",),
        {
            True: ("CME", "continuing medical education"),
            False: ("no CME", "not CME", "without CME"),
        },
        _label("cme_credit"),
    ),
    ChoiceRule(
        "credit_type",
        "credit type",
        ("credit_type",),
        {
            "ama_pra_1": ("AMA PRA Category 1", "Category 1 Credit", "Category 1 Credits"),
            "ancc": ("ANCC", "nursing contact hours"),
            "other": (),
        },
        _label("credit_type"),
    ),
    CreditAmountRule(
        "credit_amount",
        "number of credits",
        ("credit_amount",),
        {"credit": _ONE},
        lambda value, program: f"{display.number(Decimal(value))} credits",
    ),
    TextRule(
        "credit_accreditor",
        "accrediting body",
        ("credit_accreditor",),
        _text("credit_accreditor"),
        must_contain=True,
    ),
    ChoiceRule(
        "counts_toward_moc",
        "maintenance of certification",
        ("counts_toward_moc",),
        {
            True: ("maintenance of certification", "MOC"),
            False: ("does not count toward", "not eligible for MOC"),
        },
        _label("counts_toward_moc"),
    ),
    TextRule(
        "moc_boards", "boards", ("counts_toward_moc",), _text("moc_boards"), must_contain=True
    ),
    ChoiceRule(
        "framework",
        "framework alignment",
        ("framework",),
        {
            "edison": ("Edison", "EDISON"),
            "institution_specific": ("institution-specific", "institution specific"),
        },
        _label("framework"),
    ),
    TextRule("framework_note", "framework note", ("framework",), _text("framework_note")),
    NumberRule(
        "validity_months",
        "validity",
        ("validity_months",),
        {"month": _ONE, "year": Decimal(12)},
        _plain("month"),
    ),
    TextRule("recognition_note", "recognition", ("recognition_note",), _text("recognition_note")),
    TextRule("prerequisites", "prerequisites", ("prerequisites",), _text("prerequisites")),
    TextRule("best_for", "“best for”", ("best_for",), _text("best_for")),
    TextRule("trade_offs", "trade-offs", ("trade_offs",), _text("trade_offs")),
    TextRule("source_note", "note about the sources", ("source_note",), _text("source_note")),
    TextRule(
        "named_page",
        "page the sources name",
        ("named_page",),
        _text("named_page"),
        must_contain=True,
    ),
    TextRule("topics", "topic list", ("topics",), lambda e: bool(e.topics)),
    TextRule("modules", "module list", ("modules",), lambda e: bool(e.modules)),
)
"""Every fact of a program and the rule that supports it, in the change page's order."""

MODULE_RULES = (
    NumberRule(
        "weeks",
        "module's length",
        ("modules", "duration_weeks"),
        {"week": _ONE},
        _plain("week"),
        approximate=lambda module: module.weeks_is_approximate,
        one_of_many=True,
    ),
    NumberRule(
        "price_amount",
        "module's price",
        ("modules", "price"),
        {"money:USD": _ONE},
        _money,
        one_of_many=True,
    ),
)
"""Each module's own figures."""


def problems(
    program,
    *,
    citations: Iterable,
    modules: Iterable,
    topics: Iterable,
    cost_items: Iterable = (),
) -> list[Problem]:
    """Every fact of the program (as it would be saved) that its current citations do not
    support; empty when all are supported."""
    cited: dict[str, list] = {}
    for citation in citations:
        if not citation.superseded:
            cited.setdefault(citation.field, []).append(citation)
    modules = sorted(modules, key=lambda module: module.position or 0)
    cost_items = list(cost_items)
    evidence = Evidence(program, cited, modules, list(topics), editors_words(), cost_items)
    found = []
    for rule in PROGRAM_RULES:
        if message := rule.check(evidence):
            field = "modules" if rule.field == "course_count" and modules else rule.field
            found.append(Problem(field, message))
    for module in modules:
        for rule in MODULE_RULES:
            if message := rule.check(evidence, module):
                found.append(Problem(rule.field, message, module=module.position))
    for item in cost_items:
        if message := COST_ITEM_RULE.check(evidence, item):
            found.append(Problem("cost_items", f"{item.shown}: {message}"))
    return found


def editors_words() -> dict[tuple[str, str], tuple[str, ...]]:
    """The words editors added for choices (`SupportWord`): one query per check."""
    from programs.models import SupportWord

    words: dict[tuple[str, str], tuple[str, ...]] = {}
    for name, value, word in SupportWord.objects.values_list("field", "value", "word"):
        words[(name, value)] = (*words.get((name, value), ()), word)
    return words


def choice_values() -> dict[str, list[str]]:
    """Each choice fact and its values, as the vocabulary knows them (for `SupportWord`)."""
    return {
        rule.field: [str(value) for value in rule.words]
        for rule in PROGRAM_RULES
        if isinstance(rule, ChoiceRule)
    }


def stated_value(citation) -> str | None:
    """The number a citation's sentence gives for its field, as the sentence words it
    ('$2,990'); None for choices and text, or when it gives none."""
    for rule in (*PROGRAM_RULES, *MODULE_RULES):
        if isinstance(rule, NumberRule) and citation.field == rule.cites[0]:
            stated = rule.stated(citation)
            if stated:
                return stated[0][2].phrase
    return None


def stored_problems(program) -> list[Problem]:
    """`problems()` for a saved program, from its citations, modules and topics as stored."""
    return problems(
        program,
        citations=program.citations.select_related("document"),
        modules=program.modules.all(),
        topics=program.topics.all(),
        cost_items=program.cost_items.all(),
    )


def describe(problem: Problem) -> str:
    """A problem in one line, for lists: 'Price: The cited sentence gives …'."""
    label = next(
        (rule.label for rule in PROGRAM_RULES if rule.field == problem.field), problem.field
    )
    if problem.module is not None:
        label = f"module {problem.module}, {problem.field.replace('_amount', '')}"
    elif problem.field == "cost_items":
        label = "cost item"
    return f"{label[0].upper()}{label[1:]}: {problem.message}"


# Checked on every write path ----------------------------------------------------------------
#
# A program and its parts are written in several saves (admin: the program, then each module,
# role fit and citation; an import; a revert), so a published program is checked once the last
# of them is written: `deferred()` opens a transaction, collects the programs its writes touch
# and checks each at the end, rolling everything back when one is not supported. Every model
# save opens one (Program, Module and Citation `save()`/`delete()`); a queryset delete, which
# skips those, is checked as its signals arrive, inside the deletion's own transaction.

_touched: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "support_touched", default=None
)
_unchecked: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "support_unchecked", default=False
)
_deleting: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar(
    "support_deleting", default=frozenset()
)


class Unsupported(ValidationError):
    """A write that would leave a published program with a fact its citations do not support."""

    def __init__(self, program, found: list[Problem]):
        self.program = program
        self.problems = found
        super().__init__(
            [f"“{program}” is published, and this would leave it unsupported:"]
            + [describe(problem) for problem in found]
        )


@contextmanager
def deferred() -> Iterator[None]:
    """Write a program and its parts in several saves; check each touched published program
    once, at the end (raising `Unsupported` and rolling back when one is not supported)."""
    if _touched.get() is not None:
        yield
        return
    touched: set[int] = set()
    token = _touched.set(touched)
    try:
        with transaction.atomic(), search.batch():  # the search columns follow, once
            yield
            _touched.set(None)
            for program_id in sorted(touched):
                check_stored(program_id)
    finally:
        _touched.reset(token)


@contextmanager
def unchecked() -> Iterator[None]:
    """Synthetic data only (the tests' factories): writes inside are not checked. The site
    never calls it; bulk inserts (the benchmark catalogue) send no signals to check."""
    token = _unchecked.set(True)
    try:
        yield
    finally:
        _unchecked.reset(token)


def mark_deleting(program_id: int) -> None:
    """A program on its way out: its parts' deletions are not checked against it."""
    _deleting.set(_deleting.get() | {program_id})


def is_being_deleted(program_id: int | None) -> bool:
    """True while a program's parts are deleted on its way out (`mark_deleting`)."""
    return program_id in _deleting.get()


def forget_deleting(program_id: int) -> None:
    """Once deleted (and so checked no more): a restored program is checked again."""
    _deleting.set(_deleting.get() - {program_id})


def is_deferring() -> bool:
    """True inside a `deferred()` block."""
    return _touched.get() is not None


def touched(program_id: int | None) -> None:
    """A write changed this program or one of its parts: check it now, or at the end of the
    open `deferred()` block."""
    if program_id is None or _unchecked.get() or program_id in _deleting.get():
        return
    pending = _touched.get()
    if pending is not None:
        pending.add(program_id)
    else:
        check_stored(program_id)


def check_stored(program_id: int) -> None:
    """Raise `Unsupported` when the stored program is published and a fact is not supported."""
    from programs.models import Program

    program = Program.objects.filter(pk=program_id, status=Program.Status.PUBLISHED).first()
    if program is None:
        return
    if found := stored_problems(program):
        raise Unsupported(program, found)
