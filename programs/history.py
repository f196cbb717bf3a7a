"""The catalogue's memory: revisions, revert and restore, and the public change log (issue #8).

django-simple-history records every write of every catalogue model. This module adds what a
catalogue needs on top: the records one edit writes share a revision id, a program is reverted
together with its parts, and readers get a change log of facts without editor names.
"""

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from programs import display, support
from programs.models import (
    Citation,
    Cohort,
    CostItem,
    Document,
    HistoricalProgram_topics,
    Module,
    Program,
    Provider,
    Role,
    RoleFit,
    Topic,
)

CATALOGUE_MODELS: tuple[type[models.Model], ...] = (
    Document,
    Provider,
    Role,
    Topic,
    Program,
    Module,
    RoleFit,
    Citation,
    Cohort,
    CostItem,
)
PROGRAM_PARTS: tuple[type[models.Model], ...] = (Module, RoleFit, Citation, Cohort, CostItem)
SEED_REVISION = "seed"
SEED_REASON = "Loaded from the seed catalogue"

_revision: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "catalogue_revision", default=None
)


def current_revision() -> str:
    """The id every history record of one edit shares: one per request or `revision()` block."""
    tagged = _revision.get()
    if tagged:
        return tagged
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        if not hasattr(request, "catalogue_revision"):
            request.catalogue_revision = uuid.uuid4().hex
        return request.catalogue_revision
    return uuid.uuid4().hex


@contextmanager
def revision(tag: str | None = None) -> Iterator[str]:
    """Group the history records written inside the block into one revision."""
    token = _revision.set(tag or uuid.uuid4().hex)
    try:
        yield _revision.get()
    finally:
        _revision.reset(token)


def record_seed_history() -> None:
    """Give every row loaded from the fixture its first history record, as one revision.

    loaddata saves raw, which simple-history does not record; without these records the
    first edit of a seeded program would have nothing to be compared with or reverted to.
    """
    when = timezone.now()
    for model in CATALOGUE_MODELS:
        recorded = model.history.values("id")
        objs = list(model.objects.exclude(pk__in=recorded))
        if not objs:
            continue
        model.history.bulk_history_create(
            objs,
            default_change_reason=SEED_REASON,
            default_date=when,
            custom_historical_attrs={"revision": SEED_REVISION},
        )
        if model is Program:
            _record_seed_topics(objs)


def _record_seed_topics(programs: list[Program]) -> None:
    links: dict[int, list] = {}
    for link in Program.topics.through.objects.filter(program__in=programs):
        links.setdefault(link.program_id, []).append(link)
    records = Program.history.filter(revision=SEED_REVISION, id__in=[p.pk for p in programs])
    HistoricalProgram_topics.objects.bulk_create(
        HistoricalProgram_topics(
            id=link.pk, history=record, program_id=record.id, topic_id=link.topic_id
        )
        for record in records
        for link in links.get(record.id, [])
    )


def catalogue_was_ever_loaded() -> bool:
    """True once the catalogue has held anything: rows now, or history of rows since deleted."""
    return any(model.objects.exists() for model in CATALOGUE_MODELS) or any(
        model.history.exists() for model in CATALOGUE_MODELS
    )


def revision_end(revision_id: str | None, *, fallback: datetime) -> datetime:
    """The moment the last record of a revision (program and parts) was written."""
    if not revision_id:
        return fallback
    ends = [
        model.history.filter(revision=revision_id).aggregate(end=Max("history_date"))["end"]
        for model in (Program, *PROGRAM_PARTS)
    ]
    return max([end for end in ends if end is not None] or [fallback])


def version_moment(record) -> datetime:
    """The moment a program version was complete: the end of the revision that wrote it."""
    return revision_end(record.revision, fallback=record.history_date)


@transaction.atomic
def revert_program(program_id: int, *, to: datetime, reason: str | None = None) -> Program:
    """Put a program, its topics, modules, role fits and citations back as they were at `to`.

    Works for a deleted program too (it is re-created with its old id). Rows added since are
    removed; every write is recorded in history as one new revision.
    """
    record = (
        Program.history.filter(id=program_id, history_date__lte=to)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None or record.history_type == "-":
        raise Program.DoesNotExist(f"Program {program_id} did not exist at {to}.")
    topic_ids = list(
        HistoricalProgram_topics.objects.filter(history=record).values_list("topic_id", flat=True)
    )
    with revision(), support.deferred():
        program = record.instance
        # The change log shows a revert as one correction (issue #20).
        program._change_reason = reason or f"Correction: back to the version of {display.day(to)}"
        program.save()
        program.topics.set(topic_ids)
        for model in PROGRAM_PARTS:
            then = list(model.history.as_of(to).filter(program_id=program_id))
            model.objects.filter(program_id=program_id).exclude(
                pk__in=[obj.pk for obj in then]
            ).delete()
            for obj in then:
                obj.save()
    program.refresh_from_db()
    return program


def restore_program(program_id: int) -> Program:
    """Bring back a deleted program as it was just before it was deleted."""
    deletion = (
        Program.history.filter(id=program_id, history_type="-").order_by("-history_date").first()
    )
    if deletion is None or Program.objects.filter(pk=program_id).exists():
        raise Program.DoesNotExist(f"Program {program_id} is not deleted.")
    before = [
        model.history.filter(
            history_date__lt=deletion.history_date, **{_program_key(model): program_id}
        )
        .exclude(history_type="-")
        .aggregate(last=Max("history_date"))["last"]
        for model in (Program, *PROGRAM_PARTS)
    ]
    return revert_program(
        program_id,
        to=max(when for when in before if when is not None),
        reason=f"Restored (removed on {display.day(deletion.history_date)})",
    )


def _program_key(model) -> str:
    return "id" if model is Program else "program_id"


def deleted_programs():
    """The latest deletion record of each program that is not in the catalogue now."""
    return (
        Program.history.filter(history_type="-")
        .exclude(id__in=Program.objects.values("pk"))
        .latest_of_each()
        .order_by("-history_date")
    )


# The public change log --------------------------------------------------------------------

_HIDDEN = {
    "id",
    "slug",
    "provider",
    "total_cost_value",
    "required_items_value",
    "cost_items_value",
    "weekly_hours_value",
    "total_weeks_value",
    "search_document",
    "search_text",
    "search_stems",
}
_LABELS = {
    "price_amount": "Price",
    "price_currency": "Price currency",
    "price_basis": "Price basis",
    "price_is_approximate": "Price is approximate",
    "duration_weeks": "Duration (weeks)",
    "weekly_hours_min": "Weekly hours (fewest)",
    "weekly_hours_max": "Weekly hours (most)",
    "last_verified": "Last checked against the sources",
    "url": "Provider's page",
}
PROGRAM_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Program._meta.concrete_fields if f.name not in _HIDDEN
)
MODULE_FIELDS = ("title", "weeks", "weeks_is_approximate", "price_amount")


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class ChangeEntry:
    """What one edit changed in one program's public facts."""

    when: datetime
    program_name: str
    program_slug: str
    provider_name: str
    kind: str  # "changed", "added", "removed" or "restored"
    changes: list[Change] = field(default_factory=list)
    history_id: int = 0
    reason: str | None = None
    """The editor's reason, as typed for the change log (issue #20)."""
    sources: list = field(default_factory=list)
    """The citations this edit added: the new source sentences."""

    @property
    def summary(self) -> str:
        name = f"{self.provider_name} {self.program_name}".strip()
        if self.kind == "added":
            return f"{name} was added to the catalogue"
        if self.kind == "removed":
            return f"{name} was removed from the catalogue"
        if self.kind == "restored":
            return f"{name}: {self.reason}"
        if (self.reason or "").startswith("Correction:"):
            return f"{name}: {self.reason}"
        labels = ", ".join(change.label for change in self.changes)
        return f"{name}: {labels}"


def _public(value, record, name: str) -> str:
    """A stored value as a reader sees it; unknown reads 'Not published'."""
    if value is None or value == "":
        return display.NOT_PUBLISHED
    model_field = record._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return display.yes_no(value)
    if isinstance(value, Decimal):
        if name == "price_amount":
            return display.money(value, getattr(record, "price_currency", None) or "USD")
        return display.number(value)
    if isinstance(value, date):
        return display.day(value)
    return str(value)


def _diff(old, new, fields: tuple[str, ...], prefix: str = "") -> list[Change]:
    changes = []
    for name in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        label = _LABELS.get(name) or capfirst(new._meta.get_field(name).verbose_name)
        changes.append(
            Change(
                label=f"{prefix}{label}",
                old=_public(before, old, name),
                new=_public(after, new, name),
            )
        )
    return changes


def _with_previous(queryset):
    """Historical records, each with `previous` (the record before it) in one extra query."""
    previous_id = (
        queryset.model.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    records = list(queryset.annotate(previous_history_id=Subquery(previous_id)))
    previous = queryset.model.objects.in_bulk(
        [r.previous_history_id for r in records if r.previous_history_id]
    )
    for record in records:
        record.previous = previous.get(record.previous_history_id)
    return records


def public_changes(program_records) -> list[ChangeEntry]:
    """Turn a page of program history records into change entries, module and cohort edits
    included.

    Seed records and saves that changed nothing a reader sees are left out.
    """
    records = _with_previous(program_records)
    revisions = {r.revision for r in records if r.revision}
    # Module and cohort edits (issue #24: an edit that only adds a start date is a change
    # readers see), each with the words that describe it, by (revision, program).
    parts_by_revision: dict[tuple[str, int], list] = {}
    for model, describe in ((Module, _module_changes), (Cohort, _cohort_changes)):
        for part in _with_previous(
            model.history.filter(revision__in=revisions).order_by("history_date", "history_id")
        ):
            key = (part.revision, part.program_id)
            parts_by_revision.setdefault(key, []).append((part, describe))
    entries = []
    claimed: set[tuple[str, int]] = set()
    by_revision: dict[tuple[str, int], ChangeEntry] = {}
    for record in records:
        if record.revision == SEED_REVISION:
            continue
        entry = ChangeEntry(
            when=record.history_date,
            program_name=record.name,
            program_slug=record.slug,
            provider_name=record.provider.short_name if record.provider else "",
            kind={"+": "added", "-": "removed"}.get(record.history_type, "changed"),
            history_id=record.history_id,
        )
        if entry.kind == "changed" and record.previous is not None:
            entry.changes = _diff(record.previous, record, PROGRAM_FIELDS)
            entry.changes += _derived_changes(record.previous, record)
        key = (record.revision, record.id)
        if entry.kind == "changed" and key not in claimed:
            claimed.add(key)
            for part, describe in parts_by_revision.get(key, []):
                entry.changes += describe(part)
        entry.reason = record.history_change_reason or None
        if entry.kind == "added" and (entry.reason or "").startswith("Restored"):
            entry.kind = "restored"
        if record.revision and key in by_revision:
            # One edit saved the program more than once (a revert, then the course recount):
            # readers see one entry for it.
            _merge_older(by_revision[key], entry)
            continue
        if record.revision:
            by_revision[key] = entry
        entries.append(entry)
    entries = [e for e in entries if e.kind != "changed" or e.changes]
    _attach_new_sources(entries, records)
    return entries


def _merge_older(newer: ChangeEntry, older: ChangeEntry) -> None:
    """Fold an earlier record of the same edit into its entry: each fact from its first old
    value to its last new one."""
    newer.reason = newer.reason or older.reason
    if older.kind != "changed":
        newer.kind, newer.changes = older.kind, []
        return
    later = {change.label: change for change in newer.changes}
    merged = []
    for change in older.changes:
        last = later.pop(change.label, None)
        new = last.new if last else change.new
        if change.old != new:
            merged.append(Change(change.label, change.old, new))
    newer.changes = merged + [c for c in newer.changes if c.label in later]


def _derived_changes(old, new) -> list[Change]:
    """The derived figures an edit moved (total cost, duration), labelled as derived."""
    changes = []
    cost = (display.total_cost(_priced(old)), display.total_cost(_priced(new)))
    per_course = Program.PriceBasis.PER_COURSE in (old.price_basis, new.price_basis)
    items = (getattr(old, "required_items_value", None) or 0) != (
        getattr(new, "required_items_value", None) or 0
    )
    # Otherwise the total is the price, shown above.
    if cost[0] != cost[1] and (per_course or items):
        changes.append(Change("Total cost (derived)", *(c or display.NOT_PUBLISHED for c in cost)))
    weeks = (old.total_weeks_value, new.total_weeks_value)
    if weeks[0] != weeks[1] and old.duration_weeks == new.duration_weeks:
        changes.append(
            Change(
                "Duration (sum of the modules' lengths)",
                *(display.weeks(w) or display.NOT_PUBLISHED for w in weeks),
            )
        )
    return changes


_PRICE_FIELDS = ("price_amount", "price_currency", "price_basis", "price_is_approximate")


def _priced(record) -> Program:
    """A program holding a record's price figures, for its total (without `record.instance`,
    which reads the live row for the fields history leaves out)."""
    return Program(
        **{name: getattr(record, name) for name in _PRICE_FIELDS},
        course_count=record.course_count,
        required_items_value=getattr(record, "required_items_value", None) or 0,
    )


def _attach_new_sources(entries: list[ChangeEntry], records) -> None:
    """Each entry's new source sentences: citations its edit (revision) added. One query."""
    by_history = {record.history_id: record for record in records}
    wanted = {
        (by_history[e.history_id].revision, by_history[e.history_id].id): e
        for e in entries
        if e.kind == "changed" and by_history[e.history_id].revision
    }
    if not wanted:
        return
    added = (
        Citation.history.filter(history_type="+", revision__in={revision for revision, _ in wanted})
        .select_related("document")
        .order_by("history_id")
    )
    for citation in added:
        entry = wanted.get((citation.revision, citation.program_id))
        if entry is not None and all(c.quote != citation.quote for c in entry.sources):
            entry.sources.append(citation)


def _module_changes(module) -> list[Change]:
    name = f"Module {module.position}"
    if module.history_type == "+" or module.previous is None:
        return [Change(label=name, old="—", new=f"added: {module.title}")]
    if module.history_type == "-":
        return [Change(label=name, old=module.title, new="removed")]
    return _diff(module.previous, module, MODULE_FIELDS, prefix=f"{name} · ")


COHORT_FIELDS = ("start_date", "enrolment_deadline", "note", "quote", "standing")


def _cohort_changes(cohort) -> list[Change]:
    starts = f"starts {display.day(cohort.start_date)}"
    if cohort.history_type == "+" or cohort.previous is None:
        return [Change(label="Cohort", old="—", new=f"added: {starts}")]
    if cohort.history_type == "-":
        return [Change(label="Cohort", old=starts, new="removed")]
    return _diff(cohort.previous, cohort, COHORT_FIELDS, prefix="Cohort · ")


CITATION_FIELDS = ("field", "quote", "standing", "superseded", "affirms")
ROLE_FIT_FIELDS = ("strength", "grade", "condition", "rationale")


def part_changes(program_records) -> dict[int, list[Change]]:
    """For the editors' history: what each program record's edit (revision) did to the
    program's modules, citations, role fits and cohorts, in words, keyed by the record's
    history id. The newest record of a revision carries its parts' changes. Four queries for
    a page."""
    owner: dict[tuple[str, int], int] = {}
    for record in program_records:
        if record.revision and record.revision != SEED_REVISION:
            owner.setdefault((record.revision, record.id), record.history_id)
    changes: dict[int, list[Change]] = {}
    if not owner:
        return changes
    revisions = {revision for revision, _ in owner}
    describe = {
        Module: _module_changes,
        Citation: _citation_changes,
        RoleFit: _role_fit_changes,
        Cohort: _cohort_changes,
        CostItem: _cost_item_changes,
    }
    for model, words in describe.items():
        records = model.history.filter(revision__in=revisions).order_by(
            "history_date", "history_id"
        )
        if model is Citation:
            records = records.select_related("document")
        elif model is RoleFit:
            records = records.select_related("role")
        for part in _with_previous(records):
            history_id = owner.get((part.revision, part.program_id))
            if history_id is not None:
                changes.setdefault(history_id, []).extend(words(part))
    return changes


def version_changes(program_records) -> dict[int, list[Change]]:
    """For the editors' history: each version of a program (newest first, as a page of them)
    in words — its facts as readers see them, derived figures, and its parts' changes."""
    records = list(program_records)
    if not records:
        return {}
    oldest = records[-1]
    before = (
        Program.history.filter(id=oldest.id, history_date__lte=oldest.history_date)
        .exclude(history_id=oldest.history_id)
        .order_by("-history_date", "-history_id")
        .first()
    )
    parts = part_changes(records)
    changes = {}
    for record, previous in zip(records, [*records[1:], before], strict=True):
        own = []
        if previous is not None and record.history_type == "~":
            own = _diff(previous, record, PROGRAM_FIELDS) + _derived_changes(previous, record)
        changes[record.history_id] = own + parts.get(record.history_id, [])
    return changes


def _citation_changes(citation) -> list[Change]:
    name = f"Citation for {citation.get_field_display()}"
    quote = f"“{citation.quote}” ({citation.document.short_name if citation.document else '?'})"
    if citation.history_type == "+" or citation.previous is None:
        return [Change(label=name, old="—", new=f"added: {quote}")]
    if citation.history_type == "-":
        return [Change(label=name, old=quote, new="removed")]
    return _diff(citation.previous, citation, CITATION_FIELDS, prefix=f"{name} · ")


def _cost_item_changes(item) -> list[Change]:
    name = "Cost item"
    if item.history_type == "+" or item.previous is None:
        return [Change(label=name, old="—", new=f"added: {item.instance.shown}")]
    if item.history_type == "-":
        return [Change(label=name, old=item.instance.shown, new="removed")]
    return [Change(label=name, old=item.previous.instance.shown, new=item.instance.shown)]


def _role_fit_changes(fit) -> list[Change]:
    name = f"Role fit for {fit.role.name if fit.role else '?'}"
    if fit.history_type == "+" or fit.previous is None:
        return [Change(label=name, old="—", new=f"added: {fit.words}")]
    if fit.history_type == "-":
        return [Change(label=name, old=fit.words, new="removed")]
    return _diff(fit.previous, fit, ROLE_FIT_FIELDS, prefix=f"{name} · ")


def revert_diff(program_id: int, record) -> list[Change]:
    """What reverting to `record` would change in the program's own facts, derived figures
    included: (fact, now, after the revert)."""
    current = Program.history.filter(id=program_id).order_by("-history_date", "-history_id").first()
    if current is None or current.history_type == "-":
        return []
    return _diff(current, record, PROGRAM_FIELDS) + _derived_changes(current, record)


def part_labels(model, objs) -> list[str]:
    """A program's parts as an editor tells them apart: '2. Innovation strategy', 'Price —
    “…roughly $1,600 per course.”', 'Clinicians: Primary match'."""
    if model is Module:
        return [str(obj) for obj in objs]
    if model is RoleFit:
        return [f"{obj.role}: {obj.words}" for obj in objs]
    if model is Cohort:
        return [f"Starts {display.day(obj.start_date)}: “{obj.quote}”" for obj in objs]
    if model is CostItem:
        return [obj.shown for obj in objs]
    return [
        f"{obj.get_field_display()}{' (superseded)' if obj.superseded else ''}: “{obj.quote}”"
        for obj in objs
    ]


def program_change_records(program_id: int | None = None):
    """Program history newest first, without the seed load; one program or all."""
    records = (
        Program.history.exclude(revision=SEED_REVISION)
        # A draft's edits are the editors' own: the log starts when it is published.
        .exclude(status=Program.Status.DRAFT)
        .exclude(id__in=Program.objects.filter(status=Program.Status.DRAFT).values("pk"))
        .select_related("provider")
    )
    if program_id is not None:
        records = records.filter(id=program_id)
    return records.order_by("-history_date", "-history_id")
