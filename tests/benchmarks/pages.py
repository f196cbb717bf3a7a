"""Page speed and memory with a grown catalogue, printed as numbers (not a pass/fail test).

Run: make bench  (uses a throwaway test database on the configured DATABASE_URL, SQLite by default)
"""

import os
import statistics
import time
import tracemalloc

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certcatalog.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PAGES = [
    ("home", "/"),
    ("list", "/programs/"),
    (
        "list, filtered",
        "/programs/?role=clinicians&max_cost=3000&assessment=unknown&q=ai&sort=cost",
    ),
    ("detail", "/programs/harvard-ai-in-health-care/"),
    ("role", "/roles/clinicians/"),
    (
        "compare 6",
        "/compare/?programs=harvard-ai-in-health-care&programs=johns-hopkins-ai-in-healthcare"
        "&programs=iabac-ai-in-healthcare&programs=cedars-sinai-applied-ai-health-systems"
        "&programs=stanford-ai-in-healthcare&programs=abaim-ai-in-medicine-certification",
    ),
]
ROUNDS = 30


def _grow(total: int) -> None:
    from programs.models import Role
    from tests.factories import ModuleFactory, ProgramFactory, RoleFitFactory
    from tests.seed import GUIDE_SENTENCE

    roles = list(Role.objects.all())
    for i in range(total - 6):
        program = ProgramFactory(
            priced=bool(i % 2), assessment_type=[None, "completion_based"][i % 2]
        )
        ModuleFactory(program=program, position=1, weeks=4)
        RoleFitFactory(
            program=program, role=roles[i % len(roles)], source_id=1, rationale=GUIDE_SENTENCE
        )


def _measure(client: Client, path: str) -> tuple[float, float, float]:
    client.get(path)  # warm up
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    tracemalloc.start()
    client.get(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), max(times), peak / 1024 / 1024


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_catalog", verbosity=0)
        client = Client()
        print(f"database: {connection.vendor}; {ROUNDS} requests per page")
        for size in (6, 500):
            if size > 6:
                _grow(size)
            print(f"\n{size} programs")
            print(f"{'page':<16}{'median ms':>10}{'max ms':>10}{'peak MiB':>10}")
            for name, path in PAGES:
                median, worst, peak = _measure(client, path)
                print(f"{name:<16}{median:>10.1f}{worst:>10.1f}{peak:>10.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
