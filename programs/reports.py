"""Readers' reports of a wrong fact (issue #24, item 5): what a report is about, how many one
address may file, and how an editor's save of the program answers it.

A report names a fact by its key in `programs.facts.FACTS`, so every fact the detail page
shows can be reported, facts added later included; the value is stored as the page showed it.
"""

import logging

from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from certcatalog.signin import lockout_address
from programs import display
from programs.facts import FACTS, Fact, facts_for
from programs.models import Program, ReaderReport

log = logging.getLogger(__name__)

REPORTS_PER_HOUR = 5
"""How many reports one client address (an IPv6 client's /64) may file in an hour."""
RATE_WINDOW_SECONDS = 60 * 60

FACT_KEYS: tuple[str, ...] = tuple(spec.key for spec in FACTS)

_ADMIN_FIELD = {
    "price": "price_amount",
    "weekly_hours": "weekly_hours_min",
    "exam": "exam_questions",
}
"""Citation fields that are no form field of the program's change page: the field they open."""
_INLINE_GROUP = {"modules": "modules-group"}


def fact_of(program: Program, key: str) -> Fact | None:
    """The fact `key` of a program (fetched `for_detail`), as its page shows it."""
    return next((fact for fact in facts_for(program) if fact.key == key), None)


def shown_value(fact: Fact) -> str:
    """The fact in the words its page shows: the value or "Not published" (or a derived
    figure's own words for unknown), with who says so and how sure."""
    unknown = fact.spec.unknown_text or display.NOT_PUBLISHED
    words = unknown if fact.value is None else fact.value
    return f"{words} ({fact.qualifier})" if fact.qualifier else words


def admin_anchor(key: str) -> str:
    """The id on the program's change page where the fact is edited: its first source field's
    input ('id_price_amount'), an inline's group ('modules-group'), else the form's top."""
    spec = next((spec for spec in FACTS if spec.key == key), None)
    if spec is None or not spec.cites:
        return "content-main"
    field = spec.cites[0]
    if field in _INLINE_GROUP:
        return _INLINE_GROUP[field]
    field = _ADMIN_FIELD.get(field, field)
    names = {f.name for f in Program._meta.get_fields()}
    return f"id_{field}" if field in names else "content-main"


def file_report(
    *, program: Program, fact: Fact, problem: str, evidence: str | None, email: str | None
) -> ReaderReport:
    """Store a reader's report of `fact` as the page shows it now."""
    return ReaderReport.objects.create(
        program=program,
        program_name=program.name,
        fact=fact.key,
        fact_label=fact.label,
        shown_value=shown_value(fact),
        problem=problem,
        evidence=evidence or None,
        email=email or None,
    )


# The per-address limit -------------------------------------------------------------------


def _rate_key(request) -> str:
    return f"reader-reports:{lockout_address(request) or 'unknown'}"


def over_the_limit(request) -> bool:
    """This address has filed REPORTS_PER_HOUR reports in the current hour. A failing cache
    limits nothing (the form still works): it is logged, never a 500."""
    try:
        return (cache.get(_rate_key(request)) or 0) >= REPORTS_PER_HOUR
    except Exception as exc:  # noqa: BLE001 -- see programs/caching.py _cache_get
        log.error("The cache failed; reader reports are not rate-limited meanwhile: %r", exc)
        return False


def count_one(request) -> None:
    """Count a report (or a bot's filled-in honeypot) against this address for the hour."""
    key = _rate_key(request)
    try:
        if not cache.add(key, 1, RATE_WINDOW_SECONDS):
            cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW_SECONDS)
    except Exception as exc:  # noqa: BLE001
        log.error("The cache failed; reader reports are not rate-limited meanwhile: %r", exc)


# The reference a reader is shown ------------------------------------------------------------

_SALT = "programs.reports.reference"


def thanks_token(report_pk: int) -> str:
    """The thanks page's address part: the report's number, signed, so a guessed number
    shows nobody else's report."""
    return signing.dumps(report_pk, salt=_SALT)


def report_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=_SALT, max_age=24 * 60 * 60)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


# Editors' decisions --------------------------------------------------------------------------


def accept(report: ReaderReport) -> None:
    report.status = ReaderReport.Status.ACCEPTED
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "decided_at"])


def history_reason(reason: str | None, report: ReaderReport | None) -> str | None:
    """The change reason a save records: the editor's, with the report it answers:
    'Price corrected; reader report #17', or 'Reader report #17' alone."""
    if report is None:
        return reason or None
    if not reason:
        return report.history_words[0].upper() + report.history_words[1:]
    return f"{reason}; {report.history_words}"


def answer(report: ReaderReport, program: Program) -> None:
    """Record that the program's latest history entry (the save just made) answered it."""
    record = Program.history.filter(id=program.pk).order_by("-history_date", "-history_id")
    report.answered_by = record.first()
    report.save(update_fields=["answered_by"])
