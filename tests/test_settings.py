import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def _start(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "certcatalog.settings"},
        capture_output=True,
        text=True,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _start({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("key", ["   ", "short-key", "x" * 50, " " * 60])
def test_refuses_a_blank_short_or_repetitive_secret_key(key):
    result = _start({"DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is" in result.stderr


def test_starts_with_a_secret_key_or_in_debug():
    assert _start({"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}).returncode == 0
    assert _start({"DJANGO_DEBUG": "1"}).returncode == 0
