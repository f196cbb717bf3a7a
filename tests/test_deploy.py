"""deploy/: the nginx configuration the production stack runs (issue #22), checked by nginx."""

import shutil
import subprocess

import pytest

from deploy.stack import Stack

pytestmark = pytest.mark.skipif(
    not shutil.which("nginx") and not shutil.which("/usr/sbin/nginx"),
    reason="nginx is not installed (apt-get install nginx)",
)


def _stack(tmp_path, **env) -> Stack:
    return Stack(
        port=18080, run_dir=tmp_path / "run", env={"DJANGO_ALLOWED_HOSTS": "a.example", **env}
    )


def test_the_rendered_configuration_is_valid_nginx(tmp_path):
    stack = _stack(tmp_path)
    stack.run_dir.mkdir()
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (stack.run_dir / temp).mkdir()
    stack.nginx_conf.write_text(stack.render())
    result = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-p", str(stack.run_dir), "-c", str(stack.nginx_conf)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_nginx_buffers_times_out_and_forwards_the_client(tmp_path):
    conf = _stack(tmp_path).render()
    for directive in (
        "client_header_timeout 10s;",
        "client_body_timeout 10s;",
        "send_timeout 20s;",
        "location /_prepared/",
        "internal;",
        "listen 127.0.0.1:18080;",
        "server 127.0.0.1:19080",
    ):
        assert directive in conf, directive
    from deploy.stack import DEPLOY

    proxy = (DEPLOY / "proxy_params.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxy
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy
    assert "proxy_set_header Host $host$port_suffix;" in proxy  # never a port the client chose
    assert "proxy_buffering on;" in proxy


def test_the_app_behind_nginx_trusts_its_forwarded_headers_and_sends_prepared_files(tmp_path):
    env = _stack(tmp_path).app_env()
    assert env["DJANGO_BEHIND_PROXY"] == "1"
    assert env["DJANGO_EXPORTS_ACCEL_REDIRECT"] == "1"
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "0"  # plain HTTP on loopback without TLS_CERT
    with_tls = _stack(tmp_path, TLS_CERT="/c.pem", TLS_KEY="/k.pem")
    assert "DJANGO_SECURE_SSL_REDIRECT" not in with_tls.app_env()
    conf = with_tls.render()
    assert "listen 127.0.0.1:18080 ssl;" in conf
    assert 'add_header Strict-Transport-Security "max-age=31536000" always;' in conf


def test_with_tls_plain_http_redirects_to_https(tmp_path):
    conf = _stack(tmp_path, TLS_CERT="/c.pem", TLS_KEY="/k.pem", HTTP_PORT="18081").render()
    assert "listen 127.0.0.1:18081;" in conf
    assert "return 301 https://$host$request_uri;" in conf
