"""Who says so and how sure, on every page: hedges kept, claims attributed, nothing settled
that a source only claims (issue #9)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.seed import ABAIM, CEDARS, HARVARD, IABAC, JHU, STANFORD

pytestmark = pytest.mark.django_db


def _page(client, url, **params) -> BeautifulSoup:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def _fact(page, key: str) -> str:
    return _text(page.find(id=f"fact-{key}").dd)


def test_a_hedged_framework_says_typically_and_who_says_it(client, catalog):
    for slug in (HARVARD, JHU):
        page = _page(client, reverse("programs:detail", args=[slug]))
        qualifier = page.find(id="fact-framework").find(class_="facts__qualifier")
        assert _text(qualifier) == "(“typically”, says the 2026 guide (which promotes IABAC))"


def test_a_provider_s_self_description_is_attributed_to_it(client, catalog):
    page = _page(client, reverse("programs:detail", args=[IABAC]))
    for key in ("framework", "format", "assessment_type", "recognition"):
        assert "according to IABAC, as the 2026 guide reports" in _fact(page, key), key


def test_abaim_is_not_presented_as_a_settled_board_certification(client, catalog):
    page = _page(client, reverse("programs:detail", args=[ABAIM]))
    main = _text(page.find("main"))
    assert "Board certification" not in main
    note = _fact(page, "source_note")
    assert "positions itself" in note and "Educational Certification" in note
    assert "according to ABAIM" in note
    assert _text(page.find("h1")) == "AI in medicine certification (title not published)"


def test_harvard_page_says_the_essay_s_certificate_may_be_another_one(client, catalog):
    page = _page(client, reverse("programs:detail", args=[HARVARD]))
    note = _fact(page, "source_note")
    assert "T.H. Chan" in note and "neither source says whether that is this certificate" in note


def test_module_prices_read_about_wherever_they_appear(client, catalog):
    page = _page(client, reverse("programs:detail", args=[HARVARD]))
    modules = _fact(page, "modules").split(" Source")[0]  # the value, not its quotes
    assert modules.count("about $1,600") == 3
    assert "$1,600" not in modules.replace("about $1,600", "")


def test_a_university_s_recognition_shows_both_sources_views(client, catalog):
    page = _page(client, reverse("programs:detail", args=[JHU]))
    recognition = _fact(page, "recognition")
    assert "in the view of the 2026 guide" in recognition
    assert "in the view of Dinc's 2022 essay" in recognition
    assert "from a 2022 source" in recognition
    trade_offs = _fact(page, "trade_offs")
    assert "“typically”, says the 2026 guide" in trade_offs


def test_harvard_no_longer_lists_model_validation(client, catalog):
    page = _page(client, reverse("programs:detail", args=[HARVARD]))
    assert "model validation" not in _fact(page, "topics").lower()


def test_cedars_sinai_is_a_health_system_not_an_academic_one(client, catalog):
    page = _page(client, reverse("programs:detail", args=[CEDARS]))
    provider = _text(page.find(class_="program__provider"))
    assert provider == "Cedars-Sinai · Health system"


def test_every_quote_names_its_source_s_date_and_what_it_promotes(client, catalog):
    page = _page(client, reverse("programs:detail", args=[ABAIM]))
    credits = [_text(q.footer) for q in page.select(".citation__quote")]
    guide = [c for c in credits if "2026 Guide" in c]
    essay = [c for c in credits if "Navigating the Professional Landscape" in c]
    assert guide and all("(undated; its text says 2026)" in c for c in guide)
    assert all("promotes IABAC" in c for c in guide)
    assert essay and all("(9 November 2022)" in c and "promotes" not in c for c in essay)
    verified = _text(page.find(class_="program__verified"))
    assert "Dinc's 2022 essay (9 November 2022)" in verified


def test_clinicians_page_lists_the_physician_credential_marked_for_physicians(client, catalog):
    page = _page(client, reverse("programs:role", args=["clinicians"]))
    card = page.find(id=f"program-{ABAIM}").find_parent(class_="fit-grid__item")
    assert _text(card.find(class_="badge--family")) == "For physicians"
    stanford = page.find(id=f"program-{STANFORD}").find_parent(class_="fit-grid__item")
    assert not stanford.find(class_="badge--family")


def test_physicians_page_lists_the_programs_for_clinicians(client, catalog):
    page = _page(client, reverse("programs:role", args=["physicians"]))
    card = page.find(id=f"program-{STANFORD}").find_parent(class_="fit-grid__item")
    assert _text(card.find(class_="badge--family")) == "For clinicians, which includes physicians"
    counts = _text(_page(client, reverse("programs:roles")).find("a", string="Physicians").parent)
    assert "(5 programs)" in counts


def test_administrators_see_harvard_s_innovation_module_with_its_cost(client, catalog):
    page = _page(client, reverse("programs:role", args=["hospital-administrators"]))
    card = page.find(id=f"program-{HARVARD}").find_parent(class_="fit-grid__item")
    module = _text(card.find(class_="fit__module"))
    assert "Innovation strategy (about 5 weeks, about $1,600)" in module


def test_the_home_page_attributes_the_criteria_to_the_guide(client, catalog):
    page = _page(client, reverse("programs:home"))
    assert (
        _text(page.find(id="criteria-title"))
        == "Three questions the 2026 guide asks of any program"
    )
    assert "2026 guide" in _text(page.find(class_="intro__lead"))


def test_print_summary_carries_qualifiers_and_the_best_mark_caveat(client, catalog):
    page = _page(client, reverse("compare:print"), programs=[HARVARD, JHU, IABAC])
    framework = page.find(
        lambda tag: tag.name == "th" and _text(tag).startswith("Framework alignment")
    ).find_parent("tr")
    assert "“typically”, says the 2026 guide" in _text(framework)
    assert _text(page.select_one(".badge--best")) == "Lowest of 2 published costs"


def test_a_fact_carries_only_the_qualifiers_of_sentences_about_it(catalog):
    """Harvard's length comes from "each module runs approximately five weeks": it is approximate,
    and not "in the view of the 2026 guide" (the guide's view of its innovation module for
    administrators is a citation about the modules, not about their length)."""
    from programs.facts import facts_for
    from programs.models import Program

    harvard = Program.objects.for_detail().get(slug="harvard-ai-in-health-care")
    duration = next(f for f in facts_for(harvard) if f.key == "duration")
    assert duration.value.startswith("about 15 weeks")
    assert duration.qualifier is None
    assert [c.standing for c in duration.citations] == ["approximate"]
