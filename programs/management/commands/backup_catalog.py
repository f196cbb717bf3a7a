import datetime
import gzip
import io
import os
from collections.abc import Iterator

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

NOT_BACKED_UP = ("contenttypes", "auth.Permission", "sessions", "admin.LogEntry", "axes")
"""Recreated by `migrate` (content types, permissions) or not worth keeping (sessions, the
admin's own log, and the sign-in lockout's records of attempts and addresses: issue #22). A
dump holding content types or permissions cannot be loaded after `migrate` has created them
again under other ids; group and user permissions are written by natural key (codename, app
label, model), which `migrate` recreates."""


BACKUP_MODE = 0o600


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Datetimes to the microsecond: `dumpdata`'s JSON keeps milliseconds, so restored history
    would lose the order of records written within one millisecond, and be other dates."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat().replace("+00:00", "Z")
        return super().default(o)


def _backed_up_models() -> list[type[models.Model]]:
    """Every model but those `NOT_BACKED_UP`, in an order `loaddata` can load (what a natural
    key refers to before what refers to it; documents before the citations quoting them)."""
    skipped = {
        model
        for label in NOT_BACKED_UP
        for model in (
            [apps.get_model(label)]
            if "." in label
            else apps.get_app_config(label).get_models(include_auto_created=True)
        )
    }
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model not in skipped and not model._meta.proxy
    ]


def _rows() -> Iterator[models.Model]:
    for model in _backed_up_models():
        # The base manager: every row, whatever a default manager leaves out.
        yield from model._base_manager.order_by("pk").iterator()


class Command(BaseCommand):
    help = (
        "Write everything needed to rebuild the site to a JSON file (.json, or .json.gz "
        "compressed; - for stdout): the catalogue with its full history and version, and the "
        "users and groups. Load it into an empty database with restore_catalog."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="Where to write the dump (.json, .json.gz), or -.")

    def handle(self, *args, output, **options):
        if output == "-":
            self.stdout.ending = None  # the dump goes out as written, in chunks
            self._write(self.stdout)
            return
        # Written aside and renamed when complete: a dump cut short never looks like a backup.
        # Readable by its owner only (0600): it holds password hashes (issue #22).
        partial = f"{output}.partial"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, BACKUP_MODE)
        os.fchmod(descriptor, BACKUP_MODE)  # also when the file was already there
        with os.fdopen(descriptor, "wb") as raw:
            if output.endswith(".gz"):
                raw = gzip.GzipFile(fileobj=raw, mode="wb")
            with io.TextIOWrapper(raw, encoding="utf-8") as stream:
                self._write(stream)
        os.replace(partial, output)
        self.stdout.write(
            self.style.SUCCESS(f"Backed up the catalogue, its history and accounts to {output}.")
        )

    def _write(self, stream) -> None:
        serializers.serialize(
            "json",
            _rows(),
            stream=stream,
            indent=1,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            cls=_ExactJSONEncoder,
        )
