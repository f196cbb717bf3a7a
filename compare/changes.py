"""What changed in the compared programs since a date (issue #20).

A comparison opened with `?since=2026-11-01` marks each cell whose shown value differs from what
the same cell showed at the start of that day, with the value it showed then. The earlier state
is rebuilt from the catalogue's history (program, modules, citations and topics as they were),
and its facts come from the same `facts_for()` the page uses, so "then" and "now" are worded
alike and only a real change is marked.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from compare.table import Table
from programs import display
from programs.facts import facts_for
from programs.models import (
    TOPIC_SEPARATOR,
    Citation,
    Cohort,
    Document,
    HistoricalProgram_topics,
    Module,
    Program,
)


@dataclass
class Since:
    """The state of the compared programs at the start of `day`, fact by fact."""

    day: date
    was: dict[tuple[int, str], str | None] = field(default_factory=dict)
    """(program id, fact key) → the value shown then, for each fact that changed since."""
    absent: set[int] = field(default_factory=set)
    """Programs that were not in the public catalogue then (added or published since)."""

    @property
    def count(self) -> int:
        return len(self.was)

    @property
    def day_label(self) -> str:
        return display.day(self.day)


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def programs_as_of(programs: Iterable[Program], moment: datetime) -> dict[int, Program]:
    """Each program as it was at `moment`, with its modules, citations and topics then; a
    program that did not exist or was a draft then is left out. Five queries for any number."""
    current = {program.pk: program for program in programs}
    records = [
        record
        for record in Program.history.filter(id__in=current, history_date__lte=moment)
        .latest_of_each()
        .order_by()
        if record.history_type != "-" and record.status == Program.Status.PUBLISHED
    ]
    then: dict[int, Program] = {}
    for record in records:
        program = Program(
            **{
                f.attname: getattr(record, f.attname)
                for f in Program._meta.concrete_fields
                if hasattr(record, f.attname)
            }
        )
        program.provider = current[record.id].provider
        program._prefetched_objects_cache = {
            "modules": [],
            "citations": [],
            "role_fits": [],
            "cohorts": [],
        }
        program.topic_names = ""
        then[record.id] = program
    modules = Module.history.as_of(moment).filter(program_id__in=then)
    for module in sorted(modules, key=lambda m: (m.position, m.pk)):
        then[module.program_id]._prefetched_objects_cache["modules"].append(module)
    citations = list(Citation.history.as_of(moment).filter(program_id__in=then))
    # The cohorts as entered then, read against today's date like the page now: only an
    # edit shows as a change, never the passing of a start date.
    cohorts = list(Cohort.history.as_of(moment).filter(program_id__in=then))
    documents = Document.objects.defer("text").in_bulk(
        {c.document_id for c in [*citations, *cohorts]}
    )
    for citation in sorted(citations, key=lambda c: c.pk):
        if citation.document_id in documents:
            citation.document = documents[citation.document_id]
            then[citation.program_id]._prefetched_objects_cache["citations"].append(citation)
    for cohort in sorted(cohorts, key=lambda c: (c.start_date, c.pk)):
        if cohort.document_id in documents:
            cohort.document = documents[cohort.document_id]
            then[cohort.program_id]._prefetched_objects_cache["cohorts"].append(cohort)
    topics: dict[int, list[str]] = {}
    by_record = {record.history_id: record.id for record in records}
    for history_id, name in HistoricalProgram_topics.objects.filter(
        history_id__in=by_record
    ).values_list("history_id", "topic__name"):
        if name:
            topics.setdefault(by_record[history_id], []).append(name)
    for program_id, names in topics.items():
        then[program_id].topic_names = TOPIC_SEPARATOR.join(names)
    return then


def changes_since(programs: list[Program], day: date) -> Since:
    """Which facts of these programs (loaded `for_detail()`) read differently now than at the
    start of `day`."""
    since = Since(day=day)
    then = programs_as_of(programs, start_of(day))
    for program in programs:
        earlier = then.get(program.pk)
        if earlier is None:
            since.absent.add(program.pk)
            continue
        before = {fact.key: fact.value for fact in facts_for(earlier)}
        for fact in facts_for(program):
            if before.get(fact.key) != fact.value:
                since.was[(program.pk, fact.key)] = before.get(fact.key)
    return since


def mark(table: Table, since: Since) -> None:
    """Put each changed cell's earlier value on it (`cell.was`; "Not published" when it was
    unknown then)."""
    for row in table.rows:
        for program, cell in zip(table.programs, row.cells, strict=True):
            key = (program.pk, row.key)
            if key in since.was:
                cell.changed = True
                cell.was = since.was[key] or display.NOT_PUBLISHED
