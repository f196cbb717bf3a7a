"""/healthz, as a load balancer reads it: 200 while the database answers (whatever the cache
does: tests/test_cache_failures.py), 503 and a logged reason when it does not."""

import logging

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


class _RefusingConnection:
    """Stands in for django.db.connection when the database server is down."""

    def cursor(self):
        raise DatabaseError("could not connect to server: Connection refused")


def test_a_database_that_refuses_connections_is_reported_failing_and_logged(
    client, monkeypatch, caplog
):
    monkeypatch.setattr("certcatalog.health.connection", _RefusingConnection())
    with caplog.at_level(logging.WARNING, logger="certcatalog.health"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "failing", "cache": "local"}
    record = next(r for r in caplog.records if r.name == "certcatalog.health")
    assert record.getMessage().startswith("Health check: the database did not answer: ")
    assert "Connection refused" in record.getMessage()
    assert "Connection refused" not in response.content.decode()  # the reason stays in the log


def test_a_configured_cache_that_answers_is_reported_ok(client, settings):
    """REDIS_URL set: the cache is checked too. The suite's in-memory cache stands in for a Redis
    that answers (the failing case, a Redis nobody listens on, is in tests/test_security.py)."""
    settings.REDIS_URL = "redis://cache.internal:6379/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]
