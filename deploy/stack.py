"""The production stack on one machine (issue #22): nginx in front of gunicorn, both ordinary
processes under `run/` (no system service). `make serve` starts it, `make stop` stops it;
`make faults` starts one of its own on other ports.

    readers ──► nginx :PORT ──► gunicorn 127.0.0.1:APP_PORT (gthread) ──► PostgreSQL
                 │ static files, prepared exports             └──────► Redis (optional)
                 └ buffers slow clients, times out idle ones

    python -m deploy.stack start | stop | render

Environment: PORT (nginx, default 8000; what readers connect to), APP_PORT (gunicorn, internal,
default PORT + 1000), LISTEN_HOST (default 127.0.0.1), TLS_CERT and TLS_KEY (serve HTTPS on PORT,
with HSTS; HTTP_PORT then redirects plain HTTP there), WEB_WORKERS and WEB_THREADS (gunicorn),
RUN_DIR (default run/), plus every DJANGO_*,
DATABASE_URL and REDIS_URL variable of the app (README, "Running in production").
"""

import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PYTHON = sys.executable

MAX_BODY = "25m"
"""Largest request body nginx accepts (an admin import is refused above 20 MB by the app)."""


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


@dataclass
class Stack:
    port: int = field(default_factory=lambda: _int_env("PORT", 8000))
    app_port: int = 0
    listen_host: str = field(default_factory=lambda: os.environ.get("LISTEN_HOST", "127.0.0.1"))
    run_dir: Path = field(default_factory=lambda: Path(os.environ.get("RUN_DIR", ROOT / "run")))
    workers: int = field(default_factory=lambda: _int_env("WEB_WORKERS", os.cpu_count() or 1))
    threads: int = field(default_factory=lambda: _int_env("WEB_THREADS", 8))
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))

    def __post_init__(self) -> None:
        self.app_port = self.app_port or _int_env("APP_PORT", self.port + 1000)
        self.run_dir = Path(self.run_dir).resolve()

    # -- configuration ------------------------------------------------------------------------
    @property
    def tls(self) -> bool:
        return bool(self.env.get("TLS_CERT") and self.env.get("TLS_KEY"))

    @property
    def prepared_root(self) -> Path:
        return Path(self.env.get("DJANGO_PREPARED_EXPORTS_DIR") or ROOT / "prepared").resolve()

    def app_env(self) -> dict[str, str]:
        """The app's environment: production settings, told that nginx is in front."""
        env = dict(self.env)
        env.setdefault("DJANGO_BEHIND_PROXY", "1")
        env.setdefault("DJANGO_EXPORTS_ACCEL_REDIRECT", "1")
        env["DJANGO_PREPARED_EXPORTS_DIR"] = str(self.prepared_root)
        env.pop("DJANGO_DEBUG", None)
        if not self.tls:
            # Plain HTTP on loopback: no redirect to an HTTPS nobody serves, cookies over HTTP.
            env.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
            env.setdefault("DJANGO_SECURE_COOKIES", "0")
        return env

    @property
    def _server_names(self) -> str:
        return self.env.get("DJANGO_ALLOWED_HOSTS", "_").replace(",", " ").strip() or "_"

    def render(self) -> str:
        hsts = 'add_header Strict-Transport-Security "max-age=31536000" always;'
        values = {
            "user_directive": "user nobody nogroup;" if os.geteuid() == 0 else "",
            "run": str(self.run_dir),
            "deploy": str(DEPLOY),
            "static_root": str(ROOT / "staticfiles"),
            "prepared_root": str(self.prepared_root),
            "app_port": str(self.app_port),
            "listen": f"{self.listen_host}:{self.port}" + (" ssl" if self.tls else ""),
            "server_name": self._server_names,
            "admin_url": self.env.get("DJANGO_ADMIN_URL", "admin/").strip("/"),
            "max_body": MAX_BODY,
            "tls": (
                f"ssl_certificate {self.env['TLS_CERT']};\n"
                f"        ssl_certificate_key {self.env['TLS_KEY']};\n"
                "        ssl_protocols TLSv1.2 TLSv1.3;\n"
                "        ssl_session_cache shared:TLS:10m;"
                if self.tls
                else ""
            ),
            "hsts": hsts if self.tls else "",
            "redirect_server": (
                "server {\n"
                f"        listen {self.listen_host}:{self.env['HTTP_PORT']};\n"
                f"        server_name {self._server_names};\n"
                "        return 301 https://$host$request_uri;\n"
                "    }"
                if self.tls and self.env.get("HTTP_PORT")
                else ""
            ),
        }
        template = (DEPLOY / "nginx.conf").read_text()

        def fill(match: re.Match) -> str:
            return values[match.group(1)]  # a name the template uses and we do not: KeyError

        return re.sub(r"\$\{(\w+)\}", fill, template)

    @property
    def nginx_conf(self) -> Path:
        return self.run_dir / "nginx.conf"

    def _nginx(self, *args: str) -> list[str]:
        return [NGINX, "-p", str(self.run_dir), "-c", str(self.nginx_conf), *args]

    # -- processes ----------------------------------------------------------------------------
    def start(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.prepared_root.mkdir(parents=True, exist_ok=True)
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / temp).mkdir(exist_ok=True)
            if os.geteuid() == 0:  # nginx's workers run as nobody and buffer bodies there
                shutil.chown(self.run_dir / temp, "nobody", "nogroup")
        self.nginx_conf.write_text(self.render())
        subprocess.run(self._nginx("-t", "-q"), check=True)
        env = self.app_env()
        self._manage(env, "collectstatic", "--noinput", "-v0")
        self._manage(env, "migrate", "--noinput", "-v0")
        subprocess.run(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "certcatalog.wsgi",
                "--bind",
                f"127.0.0.1:{self.app_port}",
                # gthread: nginx holds the slow clients, so a thread is busy only while the app
                # works; threads let a long export and /healthz run side by side in one worker.
                "--worker-class",
                "gthread",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--timeout",
                "120",
                "--graceful-timeout",
                "30",
                "--keep-alive",
                "20",
                "--access-logfile",
                str(self.run_dir / "gunicorn-access.log"),
                "--access-logformat",
                '%({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"',
                "--error-logfile",
                str(self.run_dir / "gunicorn-error.log"),
                "--capture-output",
                "--pid",
                str(self.run_dir / "gunicorn.pid"),
                "--control-socket",
                str(self.run_dir / "gunicorn.ctl"),
                "--daemon",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(self._nginx(), check=True)
        self.wait_healthy()

    def _manage(self, env: dict, *args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def wait_healthy(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        loopback = ssl.create_default_context()
        loopback.check_hostname, loopback.verify_mode = False, ssl.CERT_NONE  # our own cert
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2, context=loopback):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise SystemExit(
            f"The stack did not answer /healthz on port {self.port} within {seconds:g} s: "
            f"see {self.run_dir}/gunicorn-error.log and nginx-error.log"
        )

    def _pid(self, name: str) -> int | None:
        try:
            return int((self.run_dir / name).read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def gunicorn_pid(self) -> int | None:
        return self._pid("gunicorn.pid")

    def stop(self) -> None:
        for name, sig in (("nginx.pid", signal.SIGQUIT), ("gunicorn.pid", signal.SIGTERM)):
            pid = self._pid(name)
            if pid is None:
                continue
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                continue
            for _ in range(300):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)
            (self.run_dir / name).unlink(missing_ok=True)


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else ""
    stack = Stack()
    if command == "start":
        if not os.environ.get("DJANGO_SECRET_KEY"):
            raise SystemExit(
                "Set DJANGO_SECRET_KEY first (python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'); see README, Running in production."
            )
        stack.stop()  # a stack left running by an earlier `make serve`
        stack.start()
        print(
            f"Serving on {stack.url}/ (nginx, logs in {stack.run_dir}/) in front of gunicorn on "
            f"127.0.0.1:{stack.app_port} ({stack.workers} workers x {stack.threads} threads). "
            "`make stop` stops both."
        )
    elif command == "stop":
        stack.stop()
        print("Stopped nginx and gunicorn.")
    elif command == "render":
        print(stack.render())
    else:
        raise SystemExit("Usage: python -m deploy.stack start | stop | render")


if __name__ == "__main__":
    main(sys.argv)
