"""The test suite's settings: production settings, served over plain HTTP.

The test client and the browser tests' live server speak HTTP on loopback, so HTTPS redirects and
Secure-only cookies are off here, and passwords are hashed fast (below); everything else (debug
off, CSP, headers, lockout, caching) is as in production. `manage.py check --deploy` runs against
certcatalog.settings in CI.
"""

import os

from django.conf import global_settings

os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
if len(os.environ.get("DJANGO_SECRET_KEY", "").strip()) < 50:
    os.environ["DJANGO_SECRET_KEY"] = "test-only-not-secret-" + "k" * 40

from certcatalog.settings import *  # noqa: E402, F403

# Production hashes each password with Django's PBKDF2 (about a second, by design); the suite
# signs in and creates editors hundreds of times. Tests store fast MD5 hashes and can still check
# a production hash. tests/test_security.py signs in once with the production hashers only.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *global_settings.PASSWORD_HASHERS,
]

# tests/suites.py runs two suites side by side: on PostgreSQL each creates its own test database
# (SQLite's are in memory, one per process, already).
if os.environ.get("TEST_DATABASE_SUFFIX") and "sqlite" not in DATABASES["default"]["ENGINE"]:  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"test_{DATABASES['default']['NAME']}_{os.environ['TEST_DATABASE_SUFFIX']}"  # noqa: F405
    }
