from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from programs import caching, history, search
from programs.models import Program


def clear_site_cache() -> None:
    """Drop this site's cached pages only: in a shared Redis, the keys under its KEY_PREFIX
    (django-redis' delete_pattern); Django's cache.clear() would empty the whole database."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()  # the local-memory cache holds this process's pages only


class Command(BaseCommand):
    help = (
        "Load a dump written by backup_catalog into an empty database (just migrated, or "
        "flushed), in one transaction. Refuses a database that holds any catalogue row, "
        "catalogue history or user."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", help="A file written by backup_catalog (.json, .json.gz).")

    def handle(self, *args, dump, **options):
        with transaction.atomic():
            self._refuse_unless_empty()
            # Loading sets each program's topics, which simple-history would record as new
            # edits: the history comes from the dump, exactly as it was.
            with override_settings(SIMPLE_HISTORY_ENABLED=False), caching.one_bump():
                call_command("loaddata", dump, verbosity=0)
            # loaddata sets topics mid-load, before the citations: search follows at the end.
            search.refresh(Program.objects.values_list("pk", flat=True))
        # The version restored is the backup's, and pages cached since the backup was taken
        # can carry the very number it is bumped to: drop every cached page.
        clear_site_cache()
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {Program.objects.count()} programs and "
                f"{get_user_model().objects.count()} users from {dump}."
            )
        )

    def _refuse_unless_empty(self) -> None:
        """Groups are allowed: migrations create some, and the dump's are matched by name."""
        users = get_user_model().objects.count()
        if history.catalogue_was_ever_loaded() or users:
            raise CommandError(
                "The database is not empty: it holds catalogue rows or history, or "
                f"{users} user(s). restore_catalog loads only into an empty database, so "
                "nothing is overwritten or mixed: restore into a new database after "
                "`manage.py migrate`, or empty this one first with `manage.py flush`."
            )
