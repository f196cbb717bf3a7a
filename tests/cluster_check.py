"""make cluster-check: two app servers share one PostgreSQL and one Redis (issue #11).

Starts two gunicorn instances on 127.0.0.1 with production settings, both on the same
PostgreSQL database and Redis, warms a page on B, edits the program in admin through A (a real
login and a real form post), and shows the new value on B's very next request. Traffic goes only
to 127.0.0.1; both servers are stopped at the end.

It honours its environment (issue #22): CLUSTER_PORTS="8101,8102" (default: two free ports);
CLUSTER_DATABASE_URL (a database to use as it is, never dropped; default: a new database on the
local PostgreSQL, dropped afterwards); REDIS_URL (default: a redis-server of its own on a free
port, with maxmemory 64mb and allkeys-lru, as production's should run).
"""

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from deploy.faults import Redis, free_port
from tests.benchmarks import server

ROOT = server.ROOT
PYTHON = server.PYTHON
SLUG = "johns-hopkins-ai-in-healthcare"
SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _ports() -> tuple[int, int]:
    given = os.environ.get("CLUSTER_PORTS", "").replace(" ", "")
    if given:
        a, b = (int(port) for port in given.split(","))
        return a, b
    return free_port(), free_port()


def _get(port: int, path: str) -> tuple[str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode(), response.headers["ETag"]


def _edit_in_admin(port: int, env: dict, price: str) -> None:
    """Log in to admin on this server and post the program's change form back with a price."""
    sys.path.insert(0, str(ROOT))
    from tests.forms import as_post_data, form_fields

    username, password = "cluster-editor", secrets.token_urlsafe(16)
    subprocess.run(
        [
            PYTHON,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            username,
            "--email",
            "editor@example.org",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SUPERUSER_PASSWORD": password},
        check=True,
        capture_output=True,
    )
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"

    def post(url: str, data: dict) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        with opener.open(request, timeout=10) as response:
            return response.geturl()

    login = opener.open(f"{base}/admin/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    post(
        f"{base}/admin/login/",
        {
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": "/admin/",
        },
    )
    listing = opener.open(f"{base}/admin/programs/program/?q=Hopkins", timeout=10).read().decode()
    change = re.search(r'href="(/admin/programs/program/\d+/change/)', listing).group(1)
    html = opener.open(base + change, timeout=10).read().decode()
    data = as_post_data(form_fields(html, "program_form"), {"price_amount": price})
    data["_save"] = ["Save"]
    landed = post(base + change, data)
    if not landed.endswith("/admin/programs/program/"):
        raise SystemExit(f"the admin save did not go through (landed on {landed})")


def main() -> None:
    database_url = os.environ.get("CLUSTER_DATABASE_URL", "")
    own_database = None
    if not database_url:
        own_database = f"certcatalog_cluster_check_{os.getpid()}"
        database_url = server.recreate_postgres_database(own_database, SERVER_URL)
    redis = None
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        redis = Redis()
        redis.start()
        redis_url = f"redis://127.0.0.1:{redis.port}/0"
    servers = []
    try:
        env = server.seeded_env(database_url, REDIS_URL=redis_url)
        server.manage(env, "collectstatic", "--noinput", "-v0")
        a, b = _ports()
        for port in (a, b):
            servers.append(server.start(env, port))
        before, etag_before = _get(b, f"/programs/{SLUG}/")
        assert "$2,990" in before, "B shows the seeded price"
        _get(b, f"/programs/{SLUG}/")  # now served from the shared cache
        started = time.perf_counter()
        _edit_in_admin(a, env, "3210")
        after, etag_after = _get(b, f"/programs/{SLUG}/")
        took = (time.perf_counter() - started) * 1000
        ok = "$3,210" in after and etag_after != etag_before
        print(f"app servers: 127.0.0.1:{a} (A) and 127.0.0.1:{b} (B), one PostgreSQL, one Redis")
        print(f"B before the edit: $2,990, ETag {etag_before}")
        print(
            f"edit through A's admin, then B's very next request: "
            f"{'$3,210' if '$3,210' in after else 'STALE'}, ETag {etag_after} ({took:.0f} ms)"
        )
        print("cluster check:", "passed" if ok else "FAILED")
        if not ok:
            raise SystemExit(1)
    finally:
        server.stop(*servers)
        if redis:
            redis.kill()
        if own_database:
            import psycopg

            with psycopg.connect(SERVER_URL, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {own_database} WITH (FORCE)")


if __name__ == "__main__":
    main()
