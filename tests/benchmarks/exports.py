"""Full-catalogue exports at 10,000 programs (issue #22, item 4): how long the streamed downloads
take, how long preparing them as files takes (programs/prepared.py) and where that time goes,
and how fast gunicorn sends a prepared file next to the same bytes as a static file.

Prints numbers; asserts nothing about speed. Each database is built fresh, as `make bench` does:
SQLite in a temporary file, and PostgreSQL as `certcatalog_bench_exports` when DATABASE_URL
points at a PostgreSQL server.

Run: python -m tests.benchmarks.exports   (BENCH_EXPORT_SIZE=1000 for a quicker run)
"""

import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from tests.benchmarks import server

SIZE = int(os.environ.get("BENCH_EXPORT_SIZE", "10000"))
PORT = int(os.environ.get("BENCH_EXPORT_PORT", "8013"))
SECONDS = int(os.environ.get("BENCH_EXPORT_SECONDS", "5"))
CONNECTIONS = 8


def _clock(function) -> tuple[float, float]:
    """Wall and CPU seconds of one call (CPU: what the machine's other load does not inflate)."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def _read(client, path: str) -> int:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _streamed(client, pages: int) -> None:
    """Today's downloads, built on request (the directory cannot be made: nothing is prepared)."""
    from django.test import override_settings

    print(f"{'streamed on request':<28}{'wall s':>8}{'cpu s':>8}{'MB':>7}")
    logging.getLogger("certcatalog.prepared").setLevel(logging.ERROR)  # the fallback, each time
    with override_settings(PREPARED_EXPORTS_DIR="/dev/null/prepared"):
        for name, paths in [
            ("export.csv", ["/programs/export.csv"]),
            ("export.json", ["/programs/export.json"]),
            (
                f"ctdl.json, {pages} pages",
                [f"/programs/ctdl.json?page={n}" for n in range(1, pages + 1)],
            ),
        ]:
            size = 0

            def download(paths=paths):
                nonlocal size
                size = sum(_read(client, path) for path in paths)

            wall, cpu = _clock(download)
            print(f"{name:<28}{wall:>8.2f}{cpu:>8.2f}{size / 1e6:>7.1f}")


def _prepared_pass(directory: Path) -> None:
    """One preparation, with the time of each format's own work (facts and loading are shared)."""
    from programs import exchange, exports, linked_data, prepared

    spent: dict[str, float] = defaultdict(float)
    originals = []

    def timed(module, name: str, part: str):
        original = getattr(module, name)
        originals.append((module, name, original))

        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[part] += time.process_time() - started

        setattr(module, name, wrapper)

    timed(prepared, "facts_for", "facts (shared)")
    timed(exchange, "record", "exchange record (CSV+JSON)")
    timed(exports, "csv_row", "CSV rows")
    timed(exports, "json_item", "JSON items")
    timed(linked_data, "ctdl_credential", "CTDL nodes")
    try:
        wall, cpu = _clock(lambda: prepared.write(directory, site="http://127.0.0.1/"))
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    rest = cpu - sum(spent.values())
    print(f"\nprepared in one pass: {wall:.2f} s wall, {cpu:.2f} s CPU")
    for part, seconds in [*spent.items(), ("loading, JSON encoding, writing", rest)]:
        print(f"  {part:<34}{seconds:>6.2f} s CPU")
    for name in ("programs.csv", "programs.json"):
        print(f"  {name:<34}{(directory / name).stat().st_size / 1e6:>6.1f} MB")
    pages = sorted(directory.glob("ctdl-*.json"))
    size = sum(page.stat().st_size for page in pages)
    print(f"  {'ctdl-*.json':<34}{size / 1e6:>6.1f} MB, {len(pages)} pages")


def _serving(env: dict, directory: Path) -> None:
    """gunicorn sending the prepared CSV and a CTDL page, next to the same bytes as static files
    (WhiteNoise), on loopback with wrk."""
    from django.conf import settings

    static_root = Path(settings.STATIC_ROOT)
    copies = {
        "csv": static_root / f"bench-prepared-{os.getpid()}.csv",
        "ctdl": static_root / f"bench-prepared-{os.getpid()}.json",
    }
    shutil.copyfile(directory / "programs.csv", copies["csv"])
    shutil.copyfile(directory / "ctdl-1.json", copies["ctdl"])
    serve_env = {**env, "DJANGO_PREPARED_EXPORTS_DIR": str(directory.parent / "served")}
    workers = server.default_workers()
    gunicorn = server.start(serve_env, PORT, workers=workers)
    base = f"http://127.0.0.1:{PORT}"
    try:
        urllib_get(base + "/programs/export.csv")  # the first request prepares the files
        static = "/" + settings.STATIC_URL.strip("/") + "/"
        targets = [
            ("static CSV (same bytes)", static + copies["csv"].name),
            ("prepared export.csv", "/programs/export.csv"),
            ("static CTDL page", static + copies["ctdl"].name),
            ("prepared ctdl.json", "/programs/ctdl.json"),
        ]
        print(
            f"\ngunicorn ({workers} sync workers) + wrk (2 threads, {CONNECTIONS} connections, "
            f"{SECONDS} s each)"
        )
        print(f"{'target':<26}{'req/s':>9}{'MB/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'of static':>10}")
        static_rate = None
        for name, path in targets:
            size = len(urllib_get(base + path))
            server.wrk(base + path, seconds=1, connections=CONNECTIONS)
            result = server.wrk(base + path, seconds=SECONDS, connections=CONNECTIONS)
            rate = result.requests_per_second
            if name.startswith("static"):
                static_rate = rate
            print(
                f"{name:<26}{rate:>9.1f}{rate * size / 1e6:>8.0f}{result.p50_ms:>8.1f}"
                f"{result.p99_ms:>8.1f}{rate / static_rate:>9.0%}"
            )
            assert result.socket_errors + result.non_2xx == 0, (name, result)
    finally:
        server.stop(gunicorn)
        for copy in copies.values():
            copy.unlink(missing_ok=True)


def urllib_get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def measure() -> None:
    """One database (DATABASE_URL): runs in its own process."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from programs.models import Program
    from tests.catalogue_builder import grow

    print(f"\n=== {connection.vendor} ===")
    started = time.perf_counter()
    grow(SIZE)
    count = Program.objects.published().count()
    print(f"(built {count:,} programs in {time.perf_counter() - started:.1f} s)\n")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "edition"
        directory.mkdir()
        _prepared_pass(directory)
        print()
        _streamed(Client(HTTP_HOST="127.0.0.1"), pages=(count + 99) // 100)
        _serving(dict(os.environ), directory)


def main() -> None:
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average before: {os.getloadavg()[0]:.1f}"
    )
    server.measure_on_each_database("tests.benchmarks.exports", "certcatalog_bench_exports")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certcatalog.settings")
    if "--measure" in sys.argv:
        measure()
    else:
        main()
