"""make bench: every public page's time, queries and size at 6, 1,000 and 10,000 programs,
cold (page cache off) and warm, next to a trivial view; then gunicorn + wrk on loopback.

Prints numbers; asserts nothing about speed (tests stay untimed). Each database is built fresh:
SQLite in a temporary file always, and PostgreSQL as `certcatalog_bench` when DATABASE_URL
points at a PostgreSQL server. Results with the machine are kept in benchmarks/RESULTS.md.

Run: make bench   (BENCH_SIZES=6,1000 for a quicker run)
"""

import gzip
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from tests.benchmarks import server

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "6,1000,10000").split(",")]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
PORT = 8131
SIX = [
    "harvard-ai-in-health-care",
    "johns-hopkins-ai-in-healthcare",
    "iabac-ai-in-healthcare",
    "cedars-sinai-applied-ai-health-systems",
    "stanford-ai-in-healthcare",
    "abaim-ai-in-medicine-certification",
]
FILTERED = "/programs/?role=clinicians&max_cost=3000&assessment=unknown&q=ai&sort=cost"
PAGES = [
    ("trivial view", "/favicon.ico"),
    ("home", "/"),
    ("list", "/programs/"),
    ("list, filtered", FILTERED),
    ("detail", "/programs/harvard-ai-in-health-care/"),
    ("roles", "/roles/"),
    ("role", "/roles/clinicians/"),
    ("compare 6", "/compare/?" + "&".join(f"programs={s}" for s in SIX)),
    ("finder", "/finder/?role=clinicians&budget=2000&cme=on"),
    ("sources", "/sources/"),
    ("changes", "/changes/"),
]
WRK_PAGES = ["list", "list, filtered", "detail", "role", "compare 6"]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _time(client, path: str) -> tuple[float, float]:
    client.get(path)
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 301, 302), (path, response.status_code)
    return statistics.median(times), _percentile(times, 0.95)


def _queries(client, path: str) -> tuple[int, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    body = response.content
    return len(captured), len(body), len(gzip.compress(body))


def _in_process(size: int, css_gz: int) -> None:
    from django.core.cache import cache
    from django.test import Client, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"\n{size:,} programs, in-process (Django test client, production settings)")
    print(
        f"{'page':<16}{'cold p50':>9}{'p95':>7}{'q':>4}{'warm p50':>10}{'p95':>7}{'q':>4}"
        f"{'KB':>6}{'KB gz':>7}{'+css gz':>8}{'cold/trivial':>13}"
    )
    trivial = None
    off = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for name, path in PAGES:
        with override_settings(CACHES=off):
            cold50, cold95 = _time(client, path)
            cold_q, size_b, size_gz = _queries(client, path)
        cache.clear()
        warm50, warm95 = _time(client, path)
        warm_q, _, _ = _queries(client, path)
        trivial = trivial or cold50
        print(
            f"{name:<16}{cold50:>9.1f}{cold95:>7.1f}{cold_q:>4}{warm50:>10.2f}{warm95:>7.2f}"
            f"{warm_q:>4}{size_b / 1024:>6.1f}{size_gz / 1024:>7.1f}"
            f"{(size_gz + css_gz) / 1024:>8.1f}{cold50 / trivial:>12.0f}x"
        )


def _wrk_table(css_url: str) -> None:
    env = dict(os.environ)
    workers = server.default_workers()
    gunicorn = server.start(env, PORT, workers=workers)
    base = f"http://127.0.0.1:{PORT}"
    try:
        paths = dict(PAGES)
        targets = [("static file", css_url), ("trivial view", paths["trivial view"])]
        targets += [(name, paths[name]) for name in WRK_PAGES]
        print(f"\ngunicorn ({workers} workers) + wrk (2 threads, 32 connections, 5 s each), warm")
        print(f"{'target':<16}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'of static':>11}{'errors':>8}")
        static = None
        for name, path in targets:
            server.wrk(base + path, seconds=1, connections=8)  # warm every worker's cache
            result = server.wrk(base + path, seconds=5, connections=32)
            static = static or result.requests_per_second
            print(
                f"{name:<16}{result.requests_per_second:>9.0f}{result.p50_ms:>8.1f}"
                f"{result.p99_ms:>8.1f}{result.requests_per_second / static:>10.0%}"
                f"{result.socket_errors + result.non_2xx:>8}"
            )
    finally:
        server.stop(gunicorn)


def _explain_filtered_list() -> None:
    """EXPLAIN ANALYZE of the filtered list's queries at this size (PostgreSQL only)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    off = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=off), CaptureQueriesContext(connection) as captured:
        Client(HTTP_HOST="127.0.0.1").get(FILTERED)
    print(f"\nEXPLAIN ANALYZE, filtered list ({FILTERED})")
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            nodes = [line.strip() for line in plan if "->" in line or line == plan[0]]
            scans = sorted(
                {n.split("->")[-1].split("  (")[0].strip() for n in nodes if "Scan" in n}
            )
            took = next(line for line in plan if line.startswith("Execution Time"))
            print(f"- {sql[:90]}…")
            print(f"    {took}; scans: {'; '.join(scans) or 'none'}")


def _exports(size: int) -> None:
    """The whole catalogue downloaded as CSV and JSON: time, size, and the peak of memory the
    Python heap grew by while streaming it (tracemalloc), which must not grow with the size."""
    import tracemalloc

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{'export':<16}{'seconds':>9}{'MB':>7}{'peak MiB':>10}{'lines':>8}")
    for name in ("export.csv", "export.json"):
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(f"/programs/{name}")
        size_b = rows = 0
        for chunk in response.streaming_content:  # read as a client would, never held whole
            size_b += len(chunk)
            rows += chunk.count(b"\n")
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{name:<16}{took:>9.2f}{size_b / 1e6:>7.1f}{peak / 2**20:>10.1f}{rows:>8,}")


def measure() -> None:
    """One database (DATABASE_URL), every size: runs in its own process."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.db import connection

    from tests.catalogue_builder import grow

    css = Path(settings.STATIC_ROOT) / staticfiles_storage.stored_name("css/site.css")
    css_gz = len(gzip.compress(css.read_bytes()))
    version = (
        connection.cursor().connection.info.server_version
        if connection.vendor == ("postgresql")
        else connection.cursor().connection.execute("select sqlite_version()").fetchone()[0]
    )
    print(f"\n=== {connection.vendor} {version} ===")
    for size in SIZES:
        started = time.perf_counter()
        grow(size)
        print(f"\n(built {size:,} programs in {time.perf_counter() - started:.1f} s)")
        _in_process(size, css_gz)
        _exports(size)
    _wrk_table(staticfiles_storage.url("css/site.css"))
    if connection.vendor == "postgresql":
        _explain_filtered_list()


def main() -> None:
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {ROUNDS} requests per page and state"
    )
    server.measure_on_each_database("tests.benchmarks.pages", "certcatalog_bench")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certcatalog.settings")
    if "--measure" in sys.argv:
        measure()
    else:
        main()
