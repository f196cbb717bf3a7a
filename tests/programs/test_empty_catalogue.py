"""A fresh install before `seed_catalog`: the list page shows its empty state, and has no filter
to suggest relaxing."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_empty_catalogue_lists_nothing_and_suggests_no_filter_to_remove(
    client, django_assert_num_queries
):
    """Nothing to relax: no query is spent counting what removing a filter would bring back.
    The version, the roles, one aggregate for every count (no page of programs to fetch), and
    the footer's latest date and sources (a fresh install has stored no footer yet)."""
    with django_assert_num_queries(5):
        response = client.get(reverse("programs:list"))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    empty = page.find(class_="empty")
    assert empty.strong.get_text() == "No programs match these filters."
    assert empty.find(class_="relaxations") is None
    assert not page.select(".program-card__title")
