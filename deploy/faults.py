"""make faults: the production stack under injected faults, one after another (issue #22).

Starts nginx and gunicorn (deploy/stack.py) on free loopback ports, a throwaway redis-server on
its own port, and a database of its own on the project's PostgreSQL reached through a small TCP
relay this script controls (so "PostgreSQL unreachable" is a closed port, and its return is the
same port opening again). Then, for each fault, it sends bounded traffic to 127.0.0.1 only while
polling /healthz, and prints requests sent, answers by status, p99 and how often /healthz
answered within 1 s. Exit status 1 on any 500, any /healthz slower than 1 s (or unanswered), a
page other than 503 while PostgreSQL is away, or no recovery once it is back. Everything it
started is stopped and its database dropped, pass or fail.

Environment: FAULTS_DATABASE_URL (a PostgreSQL server URL; default
postgres://postgres@127.0.0.1:5432/postgres), FAULTS_PROGRAMS (catalogue size, default 1000),
FAULTS_SECONDS (traffic per fault, default 6).
"""

import contextlib
import http.client
import multiprocessing
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from deploy.stack import PYTHON, ROOT, Stack

SECONDS = float(os.environ.get("FAULTS_SECONDS", "6"))
PROGRAMS = int(os.environ.get("FAULTS_PROGRAMS", "1000"))
HEALTH_DEADLINE = 1.0
PAGES = [
    "/",
    "/programs/",
    "/programs/?role=clinicians",
    "/programs/?q=ethics&sort=cost",
    "/programs/harvard-ai-in-health-care/",
    "/compare/?programs=harvard-ai-in-health-care&programs=johns-hopkins-ai-in-healthcare",
    "/finder/?role=physicians&budget=3000",
    "/roles/clinicians/",
    "/sources/",
    "/changes/",
    "/changes/feed/",
    "/sitemap.xml",
]
EXPORTS = ["/programs/export.csv", "/programs/export.json", "/programs/ctdl.json"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the parts that fail --------------------------------------------------------------------------
class Redis:
    """A redis-server of our own (never the shared one), bounded as production's should be."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--maxmemory", "64mb"),
                *("--maxmemory-policy", "allkeys-lru"),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            if self.command("PING") == "PONG":
                return
            time.sleep(0.05)
        raise SystemExit("the throwaway redis-server did not start")

    def command(self, *args: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True
        )
        return result.stdout.strip()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)

    def fill(self) -> None:
        """Full, refusing writes: a small limit with noeviction, then filled to it."""
        self.command("CONFIG", "SET", "maxmemory-policy", "noeviction")
        self.command("CONFIG", "SET", "maxmemory", "4mb")
        script = "for i=1,100000 do redis.call('SET','filler:'..i,string.rep('x',1000)) end"
        self.command("EVAL", script, "0")  # stops with an OOM error once full
        assert "OOM" in self.command("SET", "one-more", "x"), "Redis did not fill up"

    def empty(self) -> None:
        self.command("FLUSHALL")
        self.command("CONFIG", "SET", "maxmemory", "64mb")
        self.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")


class Relay:
    """A TCP relay in front of PostgreSQL: closing it is PostgreSQL unreachable (a refused port,
    every open connection cut); opening it again on the same port is PostgreSQL back."""

    def __init__(self, target_port: int) -> None:
        self.port = free_port()
        self.target_port = target_port
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        if self._listener:
            # shutdown first: on Linux, close() alone leaves a thread blocked in accept() still
            # accepting connections.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for s in self._sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._sockets.clear()


# -- traffic --------------------------------------------------------------------------------------
@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    health_ok: int = 0
    health_late: int = 0
    health_statuses: Counter = field(default_factory=Counter)
    health_slowest: float = 0.0
    health_late_at: list[float] = field(default_factory=list)
    health_late_ids: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int | str, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)

    @property
    def p99_ms(self) -> float:
        if len(self.latencies) < 2:
            return (self.latencies or [0.0])[0] * 1000
        return statistics.quantiles(self.latencies, n=100)[98] * 1000


def warm(port: int) -> None:
    """Every page cached and every export prepared, as on a site that has been up a while."""
    for path in PAGES + EXPORTS:
        get(port, path, timeout=120)
    for _ in range(40):  # every gunicorn thread with its database and Redis connections open
        get(port, "/healthz", timeout=10)


def get(port: int, path: str, timeout: float = 30, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, body
    finally:
        connection.close()


def traffic(port: int, tally: Tally, stop: threading.Event, paths: list[str]) -> None:
    i = 0
    while not stop.is_set():
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        try:
            status, _ = get(port, path, timeout=30)
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
        tally.add(status, time.perf_counter() - started)


def _probe_loop(port: int, stop, results) -> None:
    """/healthz every 0.25 s until `stop`, then every answer's (status, seconds, sent at, id)."""
    answers = []
    started_at = time.perf_counter()
    while not stop.is_set():
        # Each probe names itself, so a late one can be found in nginx's and gunicorn's logs.
        probe_id = f"{os.getpid():x}-{len(answers) + 1}"
        started = time.perf_counter()
        try:
            status, _ = get(port, f"/healthz?probe={probe_id}", timeout=HEALTH_DEADLINE)
        except (OSError, http.client.HTTPException):
            status = "no answer"
        answers.append((status, time.perf_counter() - started, started - started_at, probe_id))
        stop.wait(0.25)
    results.put(answers)


class HealthProbe:
    """/healthz polled from a process of its own, as a load balancer polls from its own machine.

    The traffic threads and the PostgreSQL relay live in this process and share its interpreter
    lock: a probe among them waited for them, and its 1 s deadline measured that wait as the
    server's (a late first probe at the start of a burst, once in a few runs, with nginx's log
    saying the server answered in milliseconds)."""

    def __init__(self, port: int, tally: Tally) -> None:
        context = multiprocessing.get_context("spawn")
        self.tally = tally
        self.stop = context.Event()
        self.results = context.Queue()
        self.process = context.Process(
            target=_probe_loop, args=(port, self.stop, self.results), daemon=True
        )

    def __enter__(self) -> "HealthProbe":
        self.process.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        answers = self.results.get(timeout=HEALTH_DEADLINE + 30)
        self.process.join(timeout=5)
        tally = self.tally
        for status, seconds, sent_at, probe_id in answers:
            tally.health_slowest = max(tally.health_slowest, seconds)
            tally.health_statuses[status] += 1
            if status != "no answer" and seconds <= HEALTH_DEADLINE:
                tally.health_ok += 1
            else:
                tally.health_late += 1
                tally.health_late_at.append(sent_at)
                tally.health_late_ids.append(probe_id)


def run_fault(port: int, name: str, seconds: float = SECONDS, *, clients: int = 4, paths=PAGES):
    """Traffic and health polling for `seconds`, while the caller's fault is in place."""
    tally = Tally()
    stop = threading.Event()
    threads = [
        threading.Thread(target=traffic, args=(port, tally, stop, paths), daemon=True)
        for _ in range(clients)
    ]
    with HealthProbe(port, tally):
        for t in threads:
            t.start()
        stop.wait(seconds)
        stop.set()
        for t in threads:
            t.join(timeout=35)
    return tally


# -- client faults --------------------------------------------------------------------------------
class Slowloris:
    """Sockets that send a request's headers a few bytes at a time and never finish."""

    def __init__(self, port: int, count: int) -> None:
        self.sockets = []
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /programs/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append(s)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def _drip(self) -> None:
        n = 0
        while not self.stop.wait(1.0):
            n += 1
            for s in list(self.sockets):
                try:
                    s.sendall(f"X-a{n}: b\r\n".encode())
                except OSError:
                    self.sockets.remove(s)  # nginx timed it out: as it should

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for s in self.sockets:
            s.close()


class SlowReaders:
    """Clients that ask for a big answer and read it at about 1 KB/s."""

    def __init__(self, port: int, count: int, path: str) -> None:
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._read, args=(port, path), daemon=True)
            for _ in range(count)
        ]
        for t in self.threads:
            t.start()

    def _read(self, port: int, path: str) -> None:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(30)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            while not self.stop.is_set() and s.recv(1024):
                time.sleep(1.0)
        except OSError:
            pass
        finally:
            s.close()

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=35)


def full_exports(port: int, tally: Tally, count: int) -> None:
    """`count` clients downloading the full-catalogue exports at once."""

    def one(i: int) -> None:
        started = time.perf_counter()
        try:
            status, body = get(port, EXPORTS[i % len(EXPORTS)], timeout=120)
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
        tally.add(status, time.perf_counter() - started)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=130)


GARBAGE = [
    b"GET / HTTP/1.1\r\nHost: evil.example.com\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n",
    b"GET / HTTP/1.1\r\n\r\n",
    b"GET /programs/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: not-an-ip\r\n\r\n",
    b"GET /programs/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: , ,,\r\n\r\n",
    b"GET /programs/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: gopher\r\n\r\n",
    b"GET /programs/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Host: evil.com\r\n\r\n",
    b"GET /programs/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: messages=junk; sessionid=junk\r\n\r\n",
    b"GET /programs/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \xff\xfe\x00\r\n\r\n",
    b"GET /programs/?q=%00%0b%e2%80%ae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /programs/?max_cost=99999999999999999999999 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /programs/%ff%fe/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n",
    b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
    b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999\r\n\r\n",
    b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: not-an-ip\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 29\r\n\r\n"
    b"username=a&password=b&next=/x",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=99999999999-\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: " + b'"x",' * 2000 + b"\r\n\r\n",
    b"BREW / HTCPCP/1.0\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS hello on the plain port
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
]


def garbage(port: int, tally: Tally) -> None:
    for raw in GARBAGE * 3:
        started = time.perf_counter()
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        try:
            s.sendall(raw)
            answer = s.recv(200)
            status = int(answer.split()[1]) if answer.startswith(b"HTTP/") else "closed"
        except (OSError, IndexError, ValueError):
            status = "closed"
        finally:
            s.close()
        tally.add(status, time.perf_counter() - started)


# -- the run --------------------------------------------------------------------------------------
@dataclass
class Outcome:
    name: str
    tally: Tally
    problems: list[str]


def judge(name: str, tally: Tally, *, allowed: set) -> Outcome:
    problems = []
    if tally.statuses.get(500):
        problems.append(f"{tally.statuses[500]} answers were 500")
    unexpected = {s: n for s, n in tally.statuses.items() if s not in allowed and s != 500}
    if unexpected:
        problems.append(f"unexpected answers {dict(unexpected)}")
    if tally.health_late or not tally.health_ok:
        problems.append(
            f"/healthz late or unanswered {tally.health_late} times "
            f"(slowest {tally.health_slowest * 1000:.0f} ms; sent at "
            + ", ".join(f"{at:.1f} s" for at in tally.health_late_at)
            + " into the fault)"
        )
    return Outcome(name, tally, problems)


def report(outcomes: list[Outcome]) -> None:
    print(f"\n{'fault':<34}{'requests':>9}  {'answers by status':<40}{'p99 ms':>9}  healthz ≤1 s")
    for o in outcomes:
        t = o.tally
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(t.statuses.items(), key=str))
        health = f"{t.health_ok}/{t.health_ok + t.health_late}"
        print(
            f"{o.name:<34}{sum(t.statuses.values()):>9}  {statuses:<40}{t.p99_ms:>9.0f}  {health}"
            + ("" if not o.problems else "   FAIL: " + "; ".join(o.problems))
        )


def _database(server_url: str) -> tuple[str, str]:
    import psycopg

    name = f"certcatalog_faults_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return name, server_url.rsplit("/", 1)[0]


def _drop(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> int:
    server_url = os.environ.get(
        "FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    target_port = int(server_url.rsplit(":", 1)[1].split("/")[0]) if ":" in server_url else 5432
    name, base = _database(server_url)
    relay = Relay(target_port)
    relay.open()
    redis = Redis()
    redis.start()
    run_dir = Path(tempfile.mkdtemp(prefix="certcatalog-faults-"))
    os.chmod(run_dir, 0o755)
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "TLS_"))
    }
    env.update(
        DATABASE_URL=f"{base.rsplit(':', 1)[0]}:{relay.port}/{name}",
        DATABASE_CONNECT_TIMEOUT="2",
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_PREPARED_EXPORTS_DIR=str(run_dir / "prepared"),
        PORT=str(port),
    )
    stack = Stack(port=port, run_dir=run_dir / "run", env=env, workers=2, threads=8)
    outcomes: list[Outcome] = []
    try:
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )
        subprocess.run([PYTHON, "manage.py", "seed_catalog", "-v0"], env=env, cwd=ROOT, check=True)
        subprocess.run(
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                f"from tests.catalogue_builder import grow; grow({PROGRAMS})",
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )
        stack.start()
        print(
            f"Stack on 127.0.0.1:{port} (nginx) → gunicorn :{stack.app_port}; Redis :"
            f"{redis.port}; PostgreSQL through a relay on :{relay.port}; {PROGRAMS:,} programs"
        )
        warm(port)
        ok = {200, 302, 304}

        outcomes.append(judge("no fault", run_fault(port, "no fault"), allowed=ok))

        killer = threading.Timer(1.0, redis.kill)
        killer.start()
        outcomes.append(judge("Redis killed", run_fault(port, "Redis killed"), allowed=ok))
        redis.start()
        warm(port)

        redis.fill()
        outcomes.append(judge("Redis full (noeviction)", run_fault(port, "full"), allowed=ok))
        redis.empty()
        warm(port)

        loris = Slowloris(port, 50)
        outcomes.append(judge("50 slowloris sockets", run_fault(port, "loris"), allowed=ok))
        loris.close()

        readers = SlowReaders(port, 10, "/programs/export.json")
        outcomes.append(judge("10 slow readers", run_fault(port, "readers"), allowed=ok))
        readers.close()

        # A catalogue write first: the 10 downloads arrive at a version with no prepared files,
        # so one of them prepares while the others wait (programs/prepared.py).
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", "from programs import caching; caching.bump()"],
            env=stack.app_env(),
            cwd=ROOT,
            check=True,
        )
        tally = Tally()
        with HealthProbe(port, tally):
            full_exports(port, tally, 10)
        outcomes.append(judge("10 full exports, just after a write", tally, allowed={200}))

        tally = Tally()
        with HealthProbe(port, tally):
            garbage(port, tally)
        outcomes.append(
            judge(
                "garbage headers",
                tally,
                allowed={200, 301, 302, 400, 403, 404, 405, 413, 414, 429, 431, 494, 501, "closed"},
            )
        )

        relay.close()
        away = run_fault(port, "PostgreSQL away", clients=2)
        outcome = judge("PostgreSQL unreachable", away, allowed={503})
        if away.health_statuses.get(200):
            outcome.problems.append("/healthz said 200 while PostgreSQL was away")
        outcomes.append(outcome)
        relay.open()
        time.sleep(1.0)
        back = run_fault(port, "PostgreSQL back", seconds=3)
        outcome = judge("PostgreSQL back (no restart)", back, allowed=ok | {503})
        if not back.statuses.get(200):
            outcome.problems.append("no page recovered")
        late = back.statuses.get(503, 0)
        if late > len(PAGES) * 4:
            outcome.problems.append(f"{late} answers were still 503 after PostgreSQL returned")
        outcomes.append(outcome)
    finally:
        late_ids = [i for o in outcomes for i in o.tally.health_late_ids]
        for log in ("nginx-access.log", "gunicorn-access.log"):
            # Where each late /healthz spent its time (nginx: request, connect and app seconds).
            path = stack.run_dir / log
            lines = path.read_text(errors="replace").splitlines() if path.exists() else []
            for line in (line for line in lines if any(f"probe={i} " in line for i in late_ids)):
                print(f"{log}: {line}")
        if any(o.tally.statuses.get(500) for o in outcomes):
            # What the app logged about its 500s, before the run directory goes.
            log = (stack.run_dir / "gunicorn-error.log").read_text(errors="replace")
            print("\n".join(log.splitlines()[-60:]))
        stack.stop()
        redis.kill()
        relay.close()
        _drop(server_url, name)
        if not os.environ.get("FAULTS_KEEP"):
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            print(f"Logs kept in {run_dir}")
    report(outcomes)
    failed = [o for o in outcomes if o.problems]
    print(
        f"\n{'FAILED' if failed else 'passed'}: {len(outcomes) - len(failed)} of "
        f"{len(outcomes)} faults with no 500 and /healthz within {HEALTH_DEADLINE:g} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
