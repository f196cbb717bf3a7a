import contextlib
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programs import importing


class Command(BaseCommand):
    help = (
        "Import programs from a CSV file in the format /programs/export.csv writes (edited in a "
        "spreadsheet): creates new programs, updates existing ones by slug, and replaces their "
        "modules, role fits, citations and topics to match the file. Every row is checked; a file "
        "with any error writes nothing. Files over "
        f"{importing.MAX_FILE_BYTES // 1024 // 1024} MB are refused; rows are read a chunk at a "
        "time, so memory does not grow with the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8), or - to read standard input.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what would change, without writing anything.",
        )

    def handle(self, *args, file, dry_run, **options):
        name = "standard input" if file == "-" else Path(file).name
        try:
            with self._open(file) as source:
                outcome = importing.import_programs(
                    source, dry_run=dry_run, reason=f"{importing.REASON}: {name}"
                )
        except importing.ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(error)
            count = len(refused.errors)
            raise CommandError(
                f"{count} error{'s' if count > 1 else ''} in {name}. Nothing was written."
            ) from None
        if options["verbosity"] >= 1:
            for line in outcome.details():
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(outcome.summary()))

    def _open(self, file: str):
        """The file as a binary stream, read a chunk at a time by the import (issue #22); one
        larger than the import reads is refused before it is opened."""
        if file == "-":
            return contextlib.nullcontext(sys.stdin.buffer)
        try:
            size = Path(file).stat().st_size
            if size > importing.MAX_FILE_BYTES:
                raise importing.cells.too_large(size)
            return Path(file).open("rb")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
