from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from programs import caching, history, search
from programs.models import Program


class Command(BaseCommand):
    help = (
        "Load fixtures/catalog.json into a catalogue that has never held anything, once. "
        "After that it never loads again on its own, even if every program is deleted, "
        "so a restart never overwrites edits made in admin."
    )

    def handle(self, *args, **options):
        if history.catalogue_was_ever_loaded():
            self.stdout.write(
                "The catalogue already has content (or had it: see its history); "
                "fixtures not loaded."
            )
            return
        with transaction.atomic():
            # loaddata's m2m writes would each record a history entry; the seed is recorded
            # once, as one revision, instead. The catalogue version is bumped once too.
            with override_settings(SIMPLE_HISTORY_ENABLED=False), caching.one_bump():
                call_command("loaddata", "catalog", verbosity=0)
            history.record_seed_history()
            search.refresh(Program.objects.values_list("pk", flat=True))

        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {Program.objects.count()} programs from fixtures/catalog.json."
            )
        )
