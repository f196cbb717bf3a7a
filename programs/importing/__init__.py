"""Importing programs from a spreadsheet (issue #13): the exchange format read back.

`import_programs(data)` reads a CSV file written by /programs/export.csv (edited in a spreadsheet,
or not), checks every row with the models' own rules and collects every error with its row and
column; then it writes only what differs from the catalogue, in one transaction, as one history
revision with one catalogue version bump. A file with any error writes nothing.

Three steps, one module each: `cells` reads the file, `checking` holds each row against the
models and the catalogue, `writing` works out and writes what differs.
"""

import itertools
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO

from django.db import IntegrityError, transaction

from programs import caching, history, support, text
from programs.importing import cells, writing
from programs.importing.cells import MAX_FILE_BYTES, ImportRefused, read_value, unescape
from programs.importing.checking import LOAD_CHUNK, Checker
from programs.models import Program

__all__ = [
    "MAX_FILE_BYTES",
    "REASON",
    "ImportRefused",
    "Outcome",
    "import_programs",
    "read_value",
    "unescape",
]

REASON = "Imported from a spreadsheet"
"""The change reason of every history record an import writes, unless the caller names the file."""


@dataclass
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


def import_programs(
    source: bytes | BinaryIO, *, dry_run: bool = False, reason: str = REASON
) -> Outcome:
    """Import a CSV file in the exchange format (bytes, or a binary file to stream): every row
    or none.

    Raises ImportRefused with every error found, having written nothing. The rows are read,
    checked and written a chunk at a time inside one transaction, so memory stays flat however
    long the file (issue #22); the first error stops the writing, the checking goes on to report
    every error, and the transaction is rolled back. A dry run writes everything, then rolls it
    back.
    """
    header, table = cells.table(source)
    reason = text.visible(reason)[
        : Program.history.model._meta.get_field("history_change_reason").max_length
    ]
    errors: list[str] = []
    outcome = Outcome([], [], [], [], [], [], dry_run)
    try:
        with transaction.atomic(), ExitStack() as writing_open:
            # One history revision for every record; a savepoint inside it, so a failed write
            # leaves the transaction usable for the closing version bump before the outer
            # block rolls everything back.
            revision = writing_open.enter_context(history.revision())
            writing_open.enter_context(transaction.atomic())
            checker = Checker()
            writer = None
            for chunk in itertools.batched(table, LOAD_CHUNK):
                rows = []
                for row, row_cells in chunk:
                    found: list[str] = []
                    unescaped = cells.row_cells(row, header, row_cells, found)
                    errors += found
                    if unescaped is not None:
                        rows.append((row, unescaped, found))
                checker.load(unescaped["slug"].strip() for _, unescaped, _ in rows)
                with support.deferred():  # each program checked once its parts are written
                    for row, unescaped, found in rows:
                        # A refused cell is reported once, not again for what it holds.
                        refused = tuple(
                            f"{e.split(': ', 1)[0]}{end}" for e in found for end in ":,"
                        )
                        before = len(checker.errors)
                        change = checker.check(row, unescaped)
                        errors += [e for e in checker.errors[before:] if not e.startswith(refused)]
                        if errors or change is None:
                            continue
                        providers, topics = checker.take_providers(), checker.take_topics()
                        writes = change.created or change.changes
                        if writes or providers or topics:
                            if writer is None:
                                writer = _open_writing(writing_open, reason, revision)
                            writer.write(change if writes else None, providers + topics)
                        _count(outcome, change)
            if not errors and not outcome.total:
                errors.append("The file has a header row but no programs.")
            if errors:
                raise ImportRefused(sorted(errors, key=_row_number))
            writing_open.close()
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        raise ImportRefused(
            [f"The catalogue changed while importing ({error}). Nothing was written: try again."]
        ) from error
    except support.Unsupported as refused:
        raise ImportRefused([*refused.messages, "Nothing was written."]) from refused
    outcome.providers_created.extend(p.name for p in checker.new_providers)
    outcome.providers_updated.extend(checker.provider_changes)
    outcome.topics_created.extend(t.name for t in checker.new_topics)
    return outcome


def _open_writing(stack: ExitStack, reason: str, revision: str) -> writing.Writer:
    """At the first write (an unchanged file bumps no version): the writes inside bump the
    catalogue version once, when `stack` closes."""
    stack.enter_context(caching.one_bump())
    return writing.Writer(reason=reason, revision=revision)


def _count(outcome: Outcome, change) -> None:
    if change.created:
        outcome.created.append(change.program.slug)
    elif change.changes:
        outcome.updated.append((change.program.slug, change.changes))
    else:
        outcome.unchanged.append(change.program.slug)


def _row_number(error: str) -> int:
    match = re.match(r"row (\d+)", error)
    return int(match.group(1)) if match else 0
