"""The stored derived figures always equal their definitions (issue #11), on every write path."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from programs.models import Module, Program
from tests.factories import ModuleFactory, ProgramFactory
from tests.profiles import examples

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unchecked_support")]

weeks = st.one_of(st.none(), st.decimals(min_value=1, max_value=52, places=1))
money = st.decimals(min_value=0, max_value=20000, places=2)


def _assert_stored_equals_computed(program_id: int) -> None:
    program = Program.objects.prefetch_related("modules").get(pk=program_id)
    assert program.total_cost_value == program.total_cost
    assert program.total_weeks_value == program.total_weeks
    assert program.weekly_hours_value == program.most_weekly_hours


class StoredTotalsProperty(TestCase):
    @settings(max_examples=examples(40), suppress_health_check=[HealthCheck.too_slow])
    @given(
        price=st.one_of(st.none(), money),
        per_course=st.booleans(),
        duration=weeks,
        module_weeks=st.lists(weeks, max_size=4),
        delete_one=st.booleans(),
        courses=st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
        hours=st.lists(st.decimals(min_value=1, max_value=20, places=1), max_size=2).map(sorted),
        only_min=st.booleans(),
    )
    def test_stored_totals_equal_their_definitions(
        self, price, per_course, duration, module_weeks, delete_one, courses, hours, only_min
    ):
        """The Python definitions (`total_cost`, `total_weeks`, `most_weekly_hours`) and the
        stored or generated columns the database filters on agree, for any mix of published
        and unpublished facts: a per-course price with no course count, a range of weekly hours
        or a single figure, modules with and without lengths."""
        priced = price is not None
        low, high = (hours + hours)[:2] if hours else (None, None)
        program = ProgramFactory(
            price_amount=price,
            price_currency="USD" if priced else None,
            price_basis=("per_course" if per_course else "program") if priced else None,
            course_count=courses,
            duration_weeks=duration,
            weekly_hours_min=low,
            weekly_hours_max=None if only_min else high,
        )
        for position, length in enumerate(module_weeks, start=1):
            ModuleFactory(program=program, position=position, weeks=length)
        _assert_stored_equals_computed(program.pk)
        if delete_one and module_weeks:
            Module.objects.filter(program=program).first().delete()
            _assert_stored_equals_computed(program.pk)
        program.refresh_from_db()
        program.duration_weeks = None
        program.save()
        _assert_stored_equals_computed(program.pk)


def test_the_seed_s_stored_totals_match(catalog):
    for program in Program.objects.all():
        _assert_stored_equals_computed(program.pk)


def test_a_queryset_update_of_modules_is_followed_by_a_resync(db):
    """Bulk updates skip signals; sync_with_modules is the documented way to catch up."""
    program = ProgramFactory()
    ModuleFactory(program=program, position=1, weeks=Decimal("3"))
    Module.objects.filter(program=program).update(weeks=Decimal("7"))
    program.sync_with_modules()
    _assert_stored_equals_computed(program.pk)
