"""Check every address the catalogue stores and record the results (programs/link_check.py)."""

from django.core.management.base import BaseCommand, CommandError

from programs import link_check


def _positive(kind):
    def parse(value: str):
        try:
            number = kind(value)
        except ValueError:
            raise ValueError(value) from None
        if not 0 < number <= 1000:
            raise ValueError(value)
        return number

    parse.__name__ = kind.__name__
    return parse


class Command(BaseCommand):
    help = (
        "Check every program's provider page and every document's address: HEAD, then GET "
        "when HEAD is refused; redirects followed. Records each result for editors (admin) "
        "and prints a summary. Exits with status 1 when a link is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=_positive(float),
            default=link_check.DEFAULT_TIMEOUT,
            help=f"Seconds to wait for each answer (default {link_check.DEFAULT_TIMEOUT:g}).",
        )
        parser.add_argument(
            "--workers",
            type=_positive(int),
            default=link_check.DEFAULT_WORKERS,
            help=f"Addresses checked at once (default {link_check.DEFAULT_WORKERS}).",
        )

    def handle(self, *args, timeout, workers, **options):
        addresses = link_check.stored_addresses()
        if not addresses:
            self.stdout.write("No addresses to check: no program or document has one yet.")
            return
        results = link_check.check_all(addresses, timeout=timeout, workers=workers)
        broken = [r for r in results if not r.ok]
        for result in results:
            if result.ok:
                moved = f" → {result.final_address}" if result.final_address else ""
                line = f"ok      {result.status} {result.address}{moved}"
                self.stdout.write(line)
            else:
                self.stdout.write(self.style.ERROR(f"BROKEN  {result.address}: {result.error}"))
        self.stdout.write(
            f"Checked {len(results)} address{'es' if len(results) != 1 else ''}: "
            f"{len(results) - len(broken)} working, {len(broken)} broken."
        )
        if broken:
            raise CommandError(
                f"{len(broken)} broken link{'s' if len(broken) != 1 else ''}: see "
                "Programs and Documents in admin (filter “By link check”: Broken).",
                returncode=1,
            )
