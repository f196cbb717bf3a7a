"""What changes and how it is written: a program's parts matched against the file's, then only
the differences saved, each with its history record."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Prefetch
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from programs.models import Citation, Module, Program, Provider, RoleFit, Topic

MODULE_FIELDS = ("title", "weeks", "weeks_is_approximate", "price_amount")


@dataclass
class Parts:
    """What to write to make a program's modules, role fits or citations match the file."""

    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    delete: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.create or self.update or self.delete)


@dataclass
class ProgramChange:
    """One row: the program as the file has it, and what importing it changes."""

    row: int
    program: Program
    created: bool
    fields: list[str]
    topics: list[Topic]
    topics_changed: bool
    modules: Parts
    role_fits: Parts
    citations: Parts
    fit_modules: dict[int, int | None]
    """Each role fit's module by position (role id → position), resolved once modules exist."""

    @property
    def changes(self) -> list[str]:
        """What differs from the catalogue, by column name."""
        parts = {"modules": self.modules, "role_fits": self.role_fits, "citations": self.citations}
        return [
            *self.fields,
            *(["topics"] if self.topics_changed else []),
            *(name for name, part in parts.items() if part),
        ]


def _differences(old: models.Model, new: models.Model, names: Iterable[str]) -> list[str]:
    return [name for name in names if getattr(old, name) != getattr(new, name)]


def module_parts(program: Program | None, modules: list[Module]) -> Parts:
    """Modules matched by position: changed ones updated, new ones created, the rest deleted."""
    existing = {module.position: module for module in program.modules.all()} if program else {}
    parts = Parts()
    for module in modules:
        old = existing.pop(module.position, None)
        if old is None:
            parts.create.append(module)
        elif changed := _differences(old, module, MODULE_FIELDS):
            for name in changed:
                setattr(old, name, getattr(module, name))
            parts.update.append(old)
    parts.delete = list(existing.values())
    return parts


FIT_FIELDS = ("strength", "grade", "condition", "rationale", "referent", "source_id")
CITATION_FIELDS = ("field", "standing", "document_id", "quote", "referent", "superseded")


def fit_parts(program: Program | None, fits: list[RoleFit], positions: dict) -> Parts:
    """Role fits matched by role (one per program and role)."""
    existing = {fit.role_id: fit for fit in program.role_fits.all()} if program else {}
    parts = Parts()
    for fit in fits:
        old = existing.pop(fit.role_id, None)
        if old is None:
            parts.create.append(fit)
            continue
        changed = _differences(old, fit, FIT_FIELDS)
        if (old.module.position if old.module_id else None) != positions.get(fit.role_id):
            changed.append("module")
        if changed:
            for name in FIT_FIELDS:
                setattr(old, name, getattr(fit, name))
            parts.update.append(old)
    parts.delete = list(existing.values())
    return parts


def citation_key(citation: Citation) -> tuple:
    return (citation.field, citation.document_id, citation.quote)


def citation_parts(program: Program | None, citations: list[Citation]) -> Parts:
    """Citations in the file's order (pages list them by id): the n-th is updated in place when
    it differs; when one has moved, those from the first difference on are written anew."""
    existing = list(program.citations.all()) if program else []
    shared = min(len(existing), len(citations))
    keys = {citation_key(citation) for citation in existing[:shared]}
    differ = [i for i in range(shared) if citation_key(existing[i]) != citation_key(citations[i])]
    if any(citation_key(citations[i]) in keys for i in differ):
        shared = differ[0]
    parts = Parts(create=citations[shared:], delete=existing[shared:])
    for old, new in zip(existing[:shared], citations[:shared], strict=True):
        # A file written before "referent" and "superseded" were exported leaves them as stored.
        fields = tuple(f for f in CITATION_FIELDS if f in getattr(new, "_given", CITATION_FIELDS))
        if _differences(old, new, fields):
            for name in fields:
                setattr(old, name, getattr(new, name))
            parts.update.append(old)
    return parts


def _save(obj: models.Model, reason: str) -> None:
    obj._change_reason = reason
    obj.save()


def _delete(obj: models.Model, reason: str) -> None:
    obj._change_reason = reason
    obj.delete()


class Writer:
    """Saves what the checked file changes, a row at a time; every record it writes carries
    `reason`, and the revision the caller opened (bulk writes send no signal, so they are given
    it here)."""

    def __init__(self, *, reason: str, revision: str):
        self.reason = reason
        self.bulk = {
            "default_change_reason": reason,
            "custom_historical_attrs": {"revision": revision},
        }

    def write(self, change: "ProgramChange | None", first: list[Provider | Topic]) -> None:
        """The providers and topics a row creates or changes first, then its program (if it
        changes). The caller holds the program's checks until its parts are written too."""
        for obj in first:
            _save(obj, self.reason)
        if change is not None:
            _write_program(change, reason=self.reason, bulk=self.bulk)


def _write_program(change: ProgramChange, *, reason: str, bulk: dict) -> None:
    """One program and its parts. An existing program's own record is written after its parts,
    with the totals they give, so the change log shows one entry per program and import."""
    program = change.program
    program._change_reason = reason
    program.provider = program.provider  # its id, now that a new provider is saved
    if change.created:
        program.save()
    if change.topics_changed:
        program.topics.set(change.topics)
    # The modules are read again below, as written.
    if hasattr(program, "_prefetched_objects_cache"):
        program._prefetched_objects_cache.pop("modules", None)
    # Modules in bulk, without per-row signals: one at a time, the course count would be
    # recounted and recorded after each (1, 2, 3); it is synced once, below.
    for module in change.modules.create:
        module.program = program
    if change.modules.update:
        bulk_update_with_history(change.modules.update, Module, list(MODULE_FIELDS), **bulk)
    if change.modules.create:
        bulk_create_with_history(change.modules.create, Module, **bulk)
    for fit in change.role_fits.delete:
        _delete(fit, reason)
    if fits := [*change.role_fits.update, *change.role_fits.create]:
        by_position = {module.position: module for module in program.modules.all()}
        for fit in fits:
            fit.program = program
            fit.module = by_position.get(change.fit_modules.get(fit.role_id))
            _save(fit, reason)
    for citation in change.citations.delete:
        _delete(citation, reason)
    for citation in [*change.citations.update, *change.citations.create]:
        citation.program = program
        _save(citation, reason)
    deleted = [module.pk for module in change.modules.delete]
    if not change.created and (change.fields or change.modules):
        models.prefetch_related_objects(
            [program], Prefetch("modules", queryset=Module.objects.exclude(pk__in=deleted))
        )
        program.save()
    # After the role fits that named them have moved (none is emptied unrecorded), and after
    # the program holds the totals they leave, so their recount has nothing to write.
    if deleted:
        Module.objects.filter(pk__in=deleted).delete()
    if change.created and change.modules:
        program.sync_with_modules()
