"""The suite's own rules (issue #19): the shared seed isolates tests, journeys never wait on
time, and the Hypothesis profiles grow from dev to ci to fuzz."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from programs.models import Program
from tests import profiles
from tests.seed import ALL, JHU

pytestmark = pytest.mark.django_db

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def test_a_test_that_reads_the_seed_may_change_it(catalog):
    Program.objects.filter(slug=JHU).update(price_amount=Decimal("3290"))
    Program.objects.exclude(slug=JHU).delete()
    assert list(Program.objects.values_list("price_amount", flat=True)) == [Decimal("3290")]


def test_the_next_test_sees_the_seed_as_loaded(catalog):
    """Runs after the one above (tests keep their order within a module): its writes are gone."""
    assert sorted(Program.objects.values_list("slug", flat=True)) == sorted(ALL)
    assert Program.objects.get(slug=JHU).price_amount == Decimal("2990")


def test_a_test_that_did_not_ask_for_the_seed_sees_an_empty_catalogue():
    assert not Program.objects.exists()


def test_no_browser_journey_waits_on_time():
    """Journeys wait on conditions (Playwright's expect, wait_until_scrolled), never a sleep."""
    waits = re.compile(r"wait_for_timeout\(|time\.sleep\(|asyncio\.sleep\(")
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(BROWSER_TESTS.glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if waits.search(line)
    ]
    assert not offenders


def test_each_profile_runs_more_examples_than_the_one_before():
    dev, ci, fuzz = (profiles.PROFILES[name] for name in ("dev", "ci", "fuzz"))
    assert dev.fuzz_examples < ci.fuzz_examples < fuzz.fuzz_examples == 10_000
    assert ci.fuzz_examples >= 2_000
    assert dev.share < ci.share == fuzz.share == 1.0
    assert profiles.describe().startswith(f"hypothesis profile: {profiles.ACTIVE.name} ")
