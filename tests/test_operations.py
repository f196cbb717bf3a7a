"""Operations that are safe to practise (issue #22): backups readable by their owner only and
without the sign-in lockout's records."""

import json
import stat

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz"])
def test_a_backup_is_readable_by_its_owner_only(catalog, tmp_path, name):
    target = tmp_path / name
    target.write_text("an older file, world-readable")
    target.chmod(0o644)
    call_command("backup_catalog", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_backup_leaves_out_the_lockout_records(catalog, tmp_path):
    AccessAttempt.objects.create(
        username="editor", ip_address="203.0.113.9", user_agent="x", failures_since_start=3
    )
    call_command("backup_catalog", str(tmp_path / "backup.json"))
    rows = json.loads((tmp_path / "backup.json").read_text())
    assert not [row for row in rows if row["model"].startswith("axes.")]
    assert any(row["model"] == "programs.program" for row in rows)
