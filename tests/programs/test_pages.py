import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from programs.models import Program
from tests.catalogue_builder import grow
from tests.seed import ALL

pytestmark = pytest.mark.django_db

SLUGS = ALL


def test_home_lists_every_program_with_its_key_facts(client, catalog, django_assert_num_queries):
    """The catalogue version (with the footer), the total, roles, one aggregate for every role's
    program count, programs with provider, their modules, their cohorts."""
    with django_assert_num_queries(7):
        response = client.get(reverse("programs:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for program in Program.objects.all():
        assert program.get_absolute_url() in html
        assert program.name in html
    assert "$2,990" in html
    assert "about $4,800" in html
    assert "Not published" in html
    assert "Completion-based" in html


@pytest.mark.parametrize("slug", SLUGS)
def test_detail_page_shows_every_fact_with_its_source(
    client, catalog, slug, django_assert_num_queries
):
    """The catalogue version (with the footer), program with provider and topic names, modules,
    role fits, citations, cohorts, its change log (none yet)."""
    program = Program.objects.get(slug=slug)
    with django_assert_num_queries(7):
        response = client.get(program.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert program.name in html
    for citation in program.citations.all():
        assert citation.quote.replace("'", "&#x27;") in html
    for fit in program.role_fits.all():
        assert fit.role.name in html


def test_detail_page_says_not_published_for_unknown_facts(client, catalog):
    html = client.get(
        reverse("programs:detail", args=["stanford-ai-in-healthcare"])
    ).content.decode()
    assert html.count("Not published") >= 5
    assert "Coursera" in html


def test_detail_shows_the_derived_total_and_its_basis(client, catalog):
    html = client.get(
        reverse("programs:detail", args=["harvard-ai-in-health-care"])
    ).content.decode()
    assert "about $4,800" in html
    assert "3 courses × about $1,600" in html
    assert "about 60–75 hours in total" in html


def test_unknown_slug_is_a_404_with_a_way_back(client, catalog):
    response = client.get("/programs/no-such-program/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize(
    "path", ["/programs/%00/", "/programs/" + "x" * 5000 + "/", "/programs/a%20b/"]
)
def test_junk_slugs_are_404_not_500(client, catalog, path):
    assert client.get(path).status_code == 404


def test_sources_page_names_the_vendor_document(client, catalog, django_assert_num_queries):
    """The catalogue version (with the footer), the documents, and the citations of each
    (bounded: the first SOURCE_PROGRAMS_SHOWN programs per document)."""
    with django_assert_num_queries(3):
        response = client.get(reverse("programs:sources"))
    page = BeautifulSoup(response.content, "html.parser")
    guide, essay = page.find_all("article", class_="source")
    assert guide.find(class_="badge--vendor").get_text() == "promotes IABAC"
    assert "Undated; its text says 2026" in guide.get_text()
    assert not essay.find(class_="badge--vendor")
    assert guide.select_one(".source__vendor").get_text().startswith("Yes: it promotes IABAC.")
    assert essay.select_one(".source__vendor").get_text() == "No"
    assert "9 November 2022" in essay.get_text()
    assert "10.5281/zenodo.17997722" in essay.get_text()


@pytest.mark.parametrize("extra", [0, 60])
def test_home_is_a_fixed_size_summary(client, catalog, extra, django_assert_num_queries):
    """However large the catalogue, home shows six programs and links to the rest."""
    grow(6 + extra)  # the seed's six, plus synthetic programs in bulk
    with django_assert_num_queries(7):  # version, total, roles, counts, programs, modules, cohorts
        response = client.get(reverse("programs:home"))
    page = BeautifulSoup(response.content, "html.parser")
    assert len(page.select(".card-grid .program-card")) == 6
    heading = " ".join(page.find(id="all-programs").get_text().split())
    assert heading == ("All 6 programs" if not extra else f"6 of {6 + extra} programs")


def test_detail_page_lists_the_strongest_fits_first_in_the_sources_words(client, catalog):
    """IABAC, by the guide: "a direct match" for administrators and operations managers, "a
    practical option" for informatics and data professionals, "a practical complement" for
    clinicians, and an audience line naming nursing leaders (no recommendation), in that
    order, each role group in the roles' own order."""
    program = Program.objects.get(slug="iabac-ai-in-healthcare")
    page = BeautifulSoup(client.get(program.get_absolute_url()).content, "html.parser")
    shown = [
        (
            item.select_one(".fit-list__role").get_text(strip=True),
            item.select_one(".fit__grade").get_text(" ", strip=True).split(" … ")[0],
            item.select_one(".fit__words .badge").get_text(strip=True),
            item.select_one(".facts__qualifier").get_text(strip=True),
        )
        for item in page.select(".fit-list__item")
    ]
    judge = "(says the 2026 guide (which promotes IABAC))"
    assert shown == [
        ("Hospital administrators", "“a direct match”", "Recommended for this role", judge),
        ("Hospital operations managers", "“a direct match”", "Recommended for this role", judge),
        (
            "Clinical informatics professionals",
            "“a practical option”",
            "Named as an option for this role",
            judge,
        ),
        (
            "Healthcare data professionals",
            "“a practical option”",
            "Named as an option for this role",
            judge,
        ),
        (
            "Clinicians",
            "“a practical complement”",
            "Named as an addition to another credential",
            judge,
        ),
        (
            "Nursing leaders",
            "“The target audience is deliberately broad”",
            "Its described audience includes this role (not a recommendation)",
            judge,
        ),
    ]
