from django.core.management import call_command
from django.core.management.base import BaseCommand

from programs.models import Program


class Command(BaseCommand):
    help = (
        "Load fixtures/catalog.json only when the catalogue is empty, "
        "so a restart never overwrites edits made in admin."
    )

    def handle(self, *args, **options):
        if Program.objects.exists():
            self.stdout.write("Catalogue already has programs; fixtures not loaded.")
            return
        call_command("loaddata", "catalog", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {Program.objects.count()} programs from fixtures/catalog.json."
            )
        )
