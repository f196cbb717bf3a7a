"""Importing programs from a spreadsheet (issue #13): the exchange format read back.

`import_programs(data)` reads a CSV file written by /programs/export.csv (edited in a spreadsheet,
or not), checks every row with the models' own rules and collects every error with its row and
column; then it writes only what differs from the catalogue, in one transaction, as one history
revision with one catalogue version bump. A file with any error writes nothing.

Three steps, one module each: `cells` reads the file, `checking` holds each row against the
models and the catalogue, `writing` works out and writes what differs.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from programs import caching, history
from programs.importing import cells, writing
from programs.importing.cells import ImportRefused, read_value, unescape
from programs.importing.checking import Checker
from programs.models import Program

__all__ = ["REASON", "ImportRefused", "Outcome", "import_programs", "read_value", "unescape"]

REASON = "Imported from a spreadsheet"
"""The change reason of every history record an import writes, unless the caller names the file."""


@dataclass(frozen=True)
class Outcome:
    """What an import did (or, for a dry run, would do)."""

    created: list[str]
    updated: list[tuple[str, list[str]]]
    unchanged: list[str]
    providers_created: list[str]
    providers_updated: list[str]
    topics_created: list[str]
    dry_run: bool

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        created, updated, unchanged = len(self.created), len(self.updated), len(self.unchanged)
        if self.dry_run:
            return (
                f"Dry run: would import {self.total} programs: would create {created}, update "
                f"{updated}, leave {unchanged} unchanged. Nothing was written."
            )
        return (
            f"Imported {self.total} programs: {created} created, {updated} updated, "
            f"{unchanged} unchanged."
        )

    def details(self) -> Iterator[str]:
        verb = ("would create", "would update") if self.dry_run else ("created", "updated")
        for slug in self.created:
            yield f"{verb[0]} {slug}"
        for slug, changes in self.updated:
            yield f"{verb[1]} {slug}: {', '.join(changes)}"
        for kind, names in (
            ("provider", self.providers_created),
            ("topic", self.topics_created),
        ):
            for name in names:
                yield f"{verb[0]} {kind} “{name}”"
        for name in self.providers_updated:
            yield f"{verb[1]} provider “{name}”"


def import_programs(data: bytes, *, dry_run: bool = False, reason: str = REASON) -> Outcome:
    """Import a CSV file in the exchange format: every row or none.

    Raises ImportRefused with every error found, having written nothing. A dry run checks and
    writes everything, then rolls it back.
    """
    rows, errors = cells.rows(data)
    # A refused cell is reported once, not again for what it holds.
    refused = tuple(f"{error.split(': ', 1)[0]}{end}" for error in errors for end in ":,")
    reason = reason[: Program.history.model._meta.get_field("history_change_reason").max_length]
    try:
        with transaction.atomic():
            checker = Checker(rows)
            changes = [checker.check(row, row_cells) for row, row_cells in rows]
            errors += [error for error in checker.errors if not error.startswith(refused)]
            if errors:
                raise ImportRefused(sorted(errors, key=_row_number))
            writes = [change for change in changes if change.created or change.changes]
            if writes or checker.provider_changes:
                # The savepoint inside: a failed write leaves the transaction usable for
                # one_bump's closing bump, and the outer block then rolls everything back.
                with caching.one_bump(), history.revision() as revision, transaction.atomic():
                    writing.write(
                        providers=checker.providers_to_save(),
                        topics=checker.new_topics,
                        changes=writes,
                        reason=reason,
                        revision=revision,
                    )
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        raise ImportRefused(
            [f"The catalogue changed while importing ({error}). Nothing was written: try again."]
        ) from error
    return Outcome(
        created=[c.program.slug for c in changes if c.created],
        updated=[(c.program.slug, c.changes) for c in changes if not c.created and c.changes],
        unchanged=[c.program.slug for c in changes if not c.created and not c.changes],
        providers_created=[p.name for p in checker.new_providers],
        providers_updated=list(checker.provider_changes),
        topics_created=[t.name for t in checker.new_topics],
        dry_run=dry_run,
    )


def _row_number(error: str) -> int:
    match = re.match(r"row (\d+)", error)
    return int(match.group(1)) if match else 0
