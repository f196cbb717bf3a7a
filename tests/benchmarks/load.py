"""make load: production settings under gunicorn, wrk for 30 s at 64 connections on the list,
compare and detail pages (in turn), at 10,000 programs. Prints requests, errors and each
worker's memory before and after; exits non-zero on any socket error or non-2xx answer.

Traffic goes only to 127.0.0.1 and stops by itself. LOAD_PROGRAMS, LOAD_SECONDS and
LOAD_CONNECTIONS change the defaults; DATABASE_URL=postgres://... runs it on PostgreSQL.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.benchmarks import server

PROGRAMS = int(os.environ.get("LOAD_PROGRAMS", "10000"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "64"))
PORT = 8141
PATHS = [
    "/programs/",
    "/compare/?programs=harvard-ai-in-health-care&programs=johns-hopkins-ai-in-healthcare"
    "&programs=iabac-ai-in-healthcare",
    "/programs/harvard-ai-in-health-care/",
]
ROTATE = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def _grow() -> None:
    import django

    django.setup()
    from tests.catalogue_builder import grow

    grow(PROGRAMS)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/load.sqlite3"
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            url = server.recreate_postgres_database("certcatalog_load", os.environ["DATABASE_URL"])
        env = server.seeded_env(url)
        subprocess.run(
            [server.PYTHON, "-m", "tests.benchmarks.load", "--grow"],
            cwd=server.ROOT,
            env=env,
            check=True,
        )
        script = Path(tmp) / "rotate.lua"
        script.write_text(ROTATE % ", ".join(f'"{path}"' for path in PATHS))
        workers = server.default_workers()
        gunicorn = server.start(env, PORT, workers=workers)
        try:
            before = server.worker_rss_mib(gunicorn)
            result = server.wrk(
                f"http://127.0.0.1:{PORT}/",
                seconds=SECONDS,
                connections=CONNECTIONS,
                script=script,
            )
            after = server.worker_rss_mib(gunicorn)
        finally:
            server.stop(gunicorn)
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"load: {database}, {PROGRAMS:,} programs, gunicorn {workers} workers, "
        f"wrk {SECONDS} s x {CONNECTIONS} connections on list, compare and detail in turn"
    )
    print(
        f"requests {result.requests:,}  req/s {result.requests_per_second:,.0f}  "
        f"p50 {result.p50_ms:.1f} ms  p99 {result.p99_ms:.1f} ms"
    )
    print(f"socket errors {result.socket_errors}  non-2xx {result.non_2xx}")
    print("worker memory (MiB) before: " + ", ".join(f"{m:.0f}" for m in before))
    print("worker memory (MiB) after:  " + ", ".join(f"{m:.0f}" for m in after))
    if result.socket_errors or result.non_2xx:
        raise SystemExit("load: errors under load")
    print("load: passed (0 socket errors, 0 non-2xx)")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certcatalog.settings")
    if "--grow" in sys.argv:
        _grow()
    else:
        main()
