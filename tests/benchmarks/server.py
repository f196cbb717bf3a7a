"""Production-settings gunicorn on loopback, and wrk against it: shared by `make bench`,
`make load` and `make cluster-check`. Traffic goes only to 127.0.0.1."""

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (debug off, a throwaway secret) on the given database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_DEBUG="0",
        # Loopback measurement speaks plain HTTP: no HTTPS redirect, cookies sent over HTTP.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        **extra,
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def seeded_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings on an empty database, migrated and holding the seeded catalogue."""
    env = production_env(database_url, **extra)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_catalog", "-v0")
    return env


def recreate_postgres_database(name: str, server_url: str) -> str:
    """A fresh, empty database `name` on the server of `server_url`; returns its URL."""
    import psycopg

    base = server_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def default_workers() -> int:
    """Gunicorn's guidance: (2 x cores) + 1."""
    return 2 * (os.cpu_count() or 1) + 1


def start(env: dict, port: int, workers: int = 1) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "certcatalog.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-control-socket",  # several servers side by side: no shared control socket
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn on 127.0.0.1:{port} did not start")


def stop(*servers: subprocess.Popen) -> None:
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait(timeout=15)


def worker_rss_mib(server: subprocess.Popen) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MiB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    sizes = []
    for pid in children.read_text().split():
        status = Path(f"/proc/{pid}/status").read_text()
        kib = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        sizes.append(kib / 1024)
    return sizes


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    socket_errors: int
    non_2xx: int


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url: str, *, seconds: int, connections: int, script: Path | None = None) -> WrkResult:
    """Run wrk (Debian's package) against a loopback URL and read its summary."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("load is only ever sent to 127.0.0.1")
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    command = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        p99_ms=_ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def measure_on_each_database(module: str, name: str) -> None:
    """Run `python -m <module> --measure` on a fresh seeded SQLite database, then on a fresh
    PostgreSQL database `name` when DATABASE_URL names a PostgreSQL server."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        databases = [f"sqlite:///{tmp}/{name}.sqlite3"]
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            databases.append(recreate_postgres_database(name, os.environ["DATABASE_URL"]))
        for url in databases:
            subprocess.run(
                [PYTHON, "-m", module, "--measure"], cwd=ROOT, env=seeded_env(url), check=True
            )
