"""Structured data (issue #13): the schema.org Course on every detail page and the CTDL documents
say what the catalogue knows, with who says so, and leave out every fact the sources do not give."""

import json
import re
import uuid
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from programs import linked_data
from programs.models import Program
from tests.catalogue_builder import grow
from tests.factories import ProgramFactory
from tests.seed import ABAIM, ALL, CEDARS, HARVARD, IABAC, JHU, STANFORD

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
CTID = re.compile(r"^ce-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
KIND_TYPES = {
    "certificate": ("certificate", "ceterms:Certificate"),
    "specialization": ("certificate", "ceterms:Certificate"),
    "certification": ("certification", "ceterms:Certification"),
}


def course_data(client, program: Program) -> dict:
    """The page's one JSON-LD block, parsed as a search engine reads it."""
    response = client.get(program.get_absolute_url())
    assert response.status_code == 200
    blocks = BeautifulSoup(response.content, "html.parser").select(
        'script[type="application/ld+json"]'
    )
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def ctdl_url(program: Program) -> str:
    return reverse("programs:program_ctdl", kwargs={"slug": program.slug})


def ctdl_data(client, program: Program) -> dict:
    response = client.get(ctdl_url(program))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    return json.loads(response.content)


def catalogue(client, query: str = "") -> dict:
    response = client.get(f"{reverse('programs:ctdl')}{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    return json.loads(response.content)


def unknown_values(data, path="$") -> list[str]:
    """Every place in a document holding None, "", 0, [] or {}: an unknown fact must leave its
    key out instead."""
    found = []
    if isinstance(data, dict):
        if not data:
            found.append(path)
        for key, value in data.items():
            found += unknown_values(value, f"{path}.{key}")
    elif isinstance(data, list):
        if not data:
            found.append(path)
        for index, value in enumerate(data):
            found += unknown_values(value, f"{path}[{index}]")
    elif data is None or data == "" or (data == 0 and data is not False):
        found.append(path)
    return found


def weeks(value: Decimal) -> str:
    return f"P{value.normalize():f}W"


# schema.org on the detail page


@pytest.mark.parametrize("slug", ALL)
def test_every_detail_page_describes_its_program_as_a_course(client, catalog, slug):
    """Google's Course info needs name, description and provider.name on every course."""
    program = Program.objects.get(slug=slug)
    data = course_data(client, program)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["name"] == program.name
    assert data["description"].startswith(program.summary)
    assert data["provider"] == {
        "@type": "Organization",
        "name": program.provider.name,
        **(
            {"alternateName": program.provider.short_name}
            if program.provider.short_name != program.provider.name
            else {}
        ),
    }
    assert data["url"] == f"{SITE}{program.get_absolute_url()}"
    assert unknown_values(data) == []


@pytest.mark.parametrize("slug", ALL)
def test_an_offer_only_where_the_whole_price_is_published(client, catalog, slug):
    program = Program.objects.get(slug=slug)
    data = course_data(client, program)
    if program.total_cost is None:
        assert "offers" not in data
        return
    offer = data["offers"]
    assert offer["@type"] == "Offer"
    assert Decimal(str(offer["price"])) == program.total_cost
    assert offer["priceCurrency"] == program.price_currency
    assert offer["category"] == "Paid"


def test_the_seed_prices_are_the_published_ones(client, catalog):
    """IABAC, Stanford, Cedars-Sinai and ABAIM publish no price: no offer, never a 0."""
    offers = {
        slug: course_data(client, Program.objects.get(slug=slug)).get("offers") for slug in ALL
    }
    assert {slug for slug, offer in offers.items() if offer} == {HARVARD, JHU}
    assert (offers[JHU]["price"], offers[JHU]["priceCurrency"]) == (2990, "USD")
    assert (offers[HARVARD]["price"], offers[HARVARD]["priceCurrency"]) == (4800, "USD")


def test_an_approximate_price_says_about_and_whose_figure_it_is(client, catalog):
    """schema.org has no approximate price: Harvard's "roughly $1,600 per course" is published
    with the page's own words for it beside the number."""
    offer = course_data(client, Program.objects.get(slug=HARVARD))["offers"]
    assert offer["description"] == (
        "Total cost: about $4,800 (3 courses × about $1,600. Includes the program price; "
        "what it covers is not published). "
        "Source: the 2026 guide (which promotes IABAC)."
    )
    exact = course_data(client, Program.objects.get(slug=JHU))["offers"]
    assert "about" not in exact["description"]


@pytest.mark.parametrize("slug", ALL)
def test_time_required_only_where_the_total_weeks_are_known_exactly(client, catalog, slug):
    """ "about 15 weeks" (Harvard's modules run "approximately five weeks") is no exact P15W:
    machine-readable data carries the same approximation as the page (issue #21)."""
    program = Program.objects.get(slug=slug)
    data = course_data(client, program)
    if program.total_weeks is None or program.weeks_are_approximate:
        assert "timeRequired" not in data
    else:
        assert data["timeRequired"] == weeks(program.total_weeks)


def test_the_seed_lengths_are_the_published_ones(client, catalog):
    lengths = {
        slug: course_data(client, Program.objects.get(slug=slug)).get("timeRequired")
        for slug in ALL
    }
    assert lengths == {
        IABAC: None,
        HARVARD: None,  # "about 15 weeks": no exact duration
        JHU: "P10W",
        CEDARS: "P12W",
        STANFORD: None,
        ABAIM: None,
    }


@pytest.mark.parametrize("slug", ALL)
def test_the_credential_category_follows_the_credential_kind(client, catalog, slug):
    program = Program.objects.get(slug=slug)
    credential = course_data(client, program)["educationalCredentialAwarded"]
    assert credential["@type"] == "EducationalOccupationalCredential"
    assert credential["credentialCategory"] == KIND_TYPES[program.credential_kind][0]


def test_a_providers_own_word_is_attributed_not_stated(client, catalog):
    """IABAC's self-paced format and proctored exam, and ABAIM's account of its certification,
    come from the providers: the credential and schedule text say so."""
    iabac = course_data(client, Program.objects.get(slug=IABAC))
    assert (
        "Proctored exam (assessment-based) (according to IABAC, as the 2026 guide reports)"
        in (iabac["educationalCredentialAwarded"]["description"])
    )
    assert iabac["hasCourseInstance"]["description"].startswith(
        "Format: Self-paced (according to IABAC, as the 2026 guide reports)."
    )
    assert iabac["description"].endswith("Source: the 2026 guide (which promotes IABAC).")
    abaim = course_data(client, Program.objects.get(slug=ABAIM))
    assert (
        "Certification (Assessed certification) (according to ABAIM, as the 2026 guide reports;"
        in (abaim["educationalCredentialAwarded"]["description"])
    )
    assert abaim["educationalCredentialAwarded"]["validFor"] == "P24M"


def test_unknown_facts_leave_their_keys_out(client, catalog):
    """IABAC publishes no price, length, hours, prerequisites or language."""
    data = course_data(client, Program.objects.get(slug=IABAC))
    for key in ("offers", "timeRequired", "coursePrerequisites", "inLanguage", "syllabusSections"):
        assert key not in data
    instance = data["hasCourseInstance"]
    for key in ("courseMode", "courseWorkload", "courseSchedule"):
        assert key not in instance
    assert "validFor" not in data["educationalCredentialAwarded"]
    stanford = course_data(client, Program.objects.get(slug=STANFORD))
    assert "hasCourseInstance" not in stanford  # no format, length or hours published


@pytest.mark.parametrize("slug", ALL)
def test_online_only_where_the_sources_say_so(client, catalog, slug):
    """Only Johns Hopkins is said to run online; Stanford's platform being Coursera is not a
    statement of how it is delivered."""
    instance = course_data(client, Program.objects.get(slug=slug)).get("hasCourseInstance", {})
    assert instance.get("courseMode") == ("Online" if slug == JHU else None)


def test_the_schedule_gives_the_weeks_and_no_workload_for_a_range_of_hours(client, catalog):
    """Harvard's 4–5 hours a week is a range: no single ISO 8601 workload can say it, so the
    words carry it and no number is made up."""
    instance = course_data(client, Program.objects.get(slug=HARVARD))["hasCourseInstance"]
    assert instance["courseSchedule"] == {
        "@type": "Schedule",
        "repeatFrequency": "Weekly",
        "repeatCount": 15,
    }
    assert "courseWorkload" not in instance
    assert "4–5 hours a week" in instance["description"]
    assert "about 15 weeks" in instance["description"]


def test_the_workload_is_weeks_times_hours_where_both_are_one_figure(client, catalog):
    program = ProgramFactory(
        duration_weeks=Decimal("10"),
        weekly_hours_min=Decimal("3"),
        weekly_hours_max=Decimal("3"),
    )
    instance = course_data(client, program)["hasCourseInstance"]
    assert instance["courseWorkload"] == "PT30H"
    assert instance["courseSchedule"]["duration"] == "PT3H"
    assert instance["courseSchedule"]["repeatCount"] == 10


@pytest.mark.parametrize("slug", ALL)
def test_audience_and_topics_are_the_role_fits_and_topics(client, catalog, slug):
    program = Program.objects.get(slug=slug)
    data = course_data(client, program)
    roles = [audience["educationalRole"] for audience in data.get("audience", [])]
    assert sorted(roles) == sorted(fit.role.name for fit in program.role_fits.all())
    topics = [thing["name"] for thing in data.get("about", [])]
    assert topics == sorted(topic.name for topic in program.topics.all())


def test_a_role_fit_says_whose_judgement_it_is(client, catalog):
    audience = course_data(client, Program.objects.get(slug=IABAC))["audience"]
    assert audience[0] == {
        "@type": "EducationalAudience",
        "educationalRole": "Hospital administrators",
        "description": "“a direct match” (Recommended for this role), says the 2026 guide "
        "(which promotes IABAC): “IABAC's AI healthcare certification is a direct match for "
        "this audience, given its coverage of operational governance, AI evaluation, and "
        "domain-specific decision-making.”",
    }
    nursing = next(a for a in audience if a["educationalRole"] == "Nursing leaders")
    assert nursing["description"].startswith(
        "“The target audience is deliberately broad” (Its described audience includes this "
        "role (not a recommendation)), says the 2026 guide (which promotes IABAC)"
    )


def test_a_one_module_fit_says_so_in_linked_data(client, catalog):
    audience = course_data(client, Program.objects.get(slug=HARVARD))["audience"]
    admins = next(a for a in audience if a["educationalRole"] == "Hospital administrators")
    assert admins["description"].endswith(
        "The source recommends one module, not the whole program: Innovation strategy."
    )


def test_modules_are_syllabus_sections_with_their_lengths(client, catalog):
    sections = course_data(client, Program.objects.get(slug=HARVARD))["syllabusSections"]
    assert [section["name"] for section in sections] == [
        "Responsible AI concepts",
        "Innovation strategy",
        "Clinical implementation",
    ]
    assert "timeRequired" not in sections[0]  # "approximately five weeks"
    assert sections[0]["description"] == "about 5 weeks, about $1,600"


def test_text_in_the_data_cannot_end_the_script_element(client, catalog):
    """A summary holding "</script>" stays inside the JSON-LD block, and reads back unchanged."""
    summary = 'Learn </script><script>alert("x")</script> & <b>more</b>.'
    program = ProgramFactory(summary=summary)
    response = client.get(program.get_absolute_url())
    html = response.content.decode()
    assert '<script>alert("x")' not in html
    assert "\\u003c/script\\u003e" in html
    assert course_data(client, program)["description"] == summary


def test_a_program_without_a_summary_has_no_description(client, catalog):
    program = ProgramFactory(summary=None)
    assert "description" not in course_data(client, program)
    assert "ceterms:description" not in ctdl_data(client, program)


def test_the_detail_page_points_to_its_ctdl_document(client, catalog):
    program = Program.objects.get(slug=JHU)
    soup = BeautifulSoup(client.get(program.get_absolute_url()).content, "html.parser")
    link = soup.select_one('link[rel="alternate"][type="application/ld+json"]')
    assert link["href"] == ctdl_url(program)


# CTDL for credential registries


@pytest.mark.parametrize("slug", ALL)
def test_every_program_has_a_ctdl_document(client, catalog, slug):
    program = Program.objects.get(slug=slug)
    data = ctdl_data(client, program)
    assert data["@context"] == "https://credreg.net/ctdl/schema/context/json"
    assert data["@id"] == f"{SITE}{ctdl_url(program)}"
    assert data["@type"] == KIND_TYPES[program.credential_kind][1]
    assert CTID.match(data["ceterms:ctid"])
    assert data["ceterms:name"] == {"en-US": program.name}
    assert data["ceterms:description"]["en-US"].startswith(program.summary)
    assert data["ceterms:subjectWebpage"] == f"{SITE}{program.get_absolute_url()}"
    organization = [
        {
            "@type": "ceterms:CredentialOrganization",
            "ceterms:name": {"en-US": program.provider.name},
        }
    ]
    assert data["ceterms:ownedBy"] == organization
    assert data["ceterms:offeredBy"] == organization
    assert unknown_values(data) == []


@pytest.mark.parametrize("slug", ALL)
def test_an_estimated_cost_only_where_the_price_is_published(client, catalog, slug):
    program = Program.objects.get(slug=slug)
    data = ctdl_data(client, program)
    if program.total_cost is None:
        assert "ceterms:estimatedCost" not in data
        return
    [cost] = data["ceterms:estimatedCost"]
    assert cost["@type"] == "ceterms:CostProfile"
    assert Decimal(str(cost["ceterms:price"])) == program.total_cost
    assert cost["ceterms:currency"] == program.price_currency
    # The sources do not say what a seeded price covers: no CTDL cost type (issue #24).
    assert "ceterms:directCostType" not in cost


def test_the_seed_costs_and_lengths_in_ctdl(client, catalog):
    documents = {slug: ctdl_data(client, Program.objects.get(slug=slug)) for slug in ALL}
    costs = {
        slug: data["ceterms:estimatedCost"][0]["ceterms:price"]
        for slug, data in documents.items()
        if "ceterms:estimatedCost" in data
    }
    assert costs == {HARVARD: 4800, JHU: 2990}
    assert (
        "about $4,800"
        in (documents[HARVARD]["ceterms:estimatedCost"][0]["ceterms:description"]["en-US"])
    )
    durations = {
        slug: data["ceterms:estimatedDuration"][0].get("ceterms:exactDuration")
        for slug, data in documents.items()
        if "ceterms:estimatedDuration" in data
    }
    # Harvard's "about 15 weeks" is said in words only, never as an exact P15W.
    assert durations == {HARVARD: None, JHU: "P10W", CEDARS: "P12W"}
    harvard = documents[HARVARD]["ceterms:estimatedDuration"][0]["ceterms:description"]["en-US"]
    assert "about 15 weeks" in harvard
    assert documents[ABAIM]["ceterms:renewalFrequency"] == "P24M"
    assert [slug for slug, data in documents.items() if "ceterms:learningDeliveryType" in data] == [
        JHU
    ]


@pytest.mark.parametrize("slug", ALL)
def test_an_estimated_duration_only_where_the_weeks_are_known(client, catalog, slug):
    program = Program.objects.get(slug=slug)
    data = ctdl_data(client, program)
    if program.total_weeks is None:
        assert "ceterms:estimatedDuration" not in data
    else:
        [duration] = data["ceterms:estimatedDuration"]
        exact = None if program.weeks_are_approximate else weeks(program.total_weeks)
        assert duration.get("ceterms:exactDuration") == exact


@pytest.mark.parametrize("slug", ALL)
def test_keywords_and_occupations_are_the_topics_and_role_fits(client, catalog, slug):
    program = Program.objects.get(slug=slug)
    data = ctdl_data(client, program)
    topics = sorted(topic.name for topic in program.topics.all())
    assert data.get("ceterms:keyword", {"en-US": []}) == {"en-US": topics}
    occupations = [
        node["ceterms:targetNodeName"]["en-US"] for node in data.get("ceterms:occupationType", [])
    ]
    assert sorted(occupations) == sorted(fit.role.name for fit in program.role_fits.all())


def test_how_each_credential_is_assessed(client, catalog):
    """A proctored exam and a published exam are exams; completion-based needs no assessment;
    where the sources say nothing (Harvard), there is no requirement at all."""
    iabac = ctdl_data(client, Program.objects.get(slug=IABAC))["ceterms:requires"][0]
    [assessment] = iabac["ceterms:targetAssessment"]
    assert assessment["ceterms:assessmentMethodType"] == [
        {"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": "assessMethod:Exam"}
    ]
    assert assessment["ceterms:isProctored"] is True
    assert (
        "(according to IABAC, as the 2026 guide reports)" in iabac["ceterms:description"]["en-US"]
    )
    abaim = ctdl_data(client, Program.objects.get(slug=ABAIM))["ceterms:requires"][0]
    [exam] = abaim["ceterms:targetAssessment"]
    assert "isProctored" not in json.dumps(exam)  # the sources do not say
    assert exam["ceterms:estimatedDuration"][0]["ceterms:exactDuration"] == "PT120M"
    stanford = ctdl_data(client, Program.objects.get(slug=STANFORD))["ceterms:requires"][0]
    assert "ceterms:targetAssessment" not in stanford
    assert "Completion-based" in stanford["ceterms:description"]["en-US"]
    assert "ceterms:requires" not in ctdl_data(client, Program.objects.get(slug=HARVARD))


def test_a_ctid_is_stable_and_distinct_per_program(client, catalog):
    ctids = [ctdl_data(client, Program.objects.get(slug=slug))["ceterms:ctid"] for slug in ALL]
    assert len(set(ctids)) == len(ALL)
    assert ctids == [linked_data.ctid(slug) for slug in ALL]
    assert linked_data.ctid(IABAC) == "ce-3fa17c0a-b5b2-4415-9b13-35a31950867c"
    assert uuid.UUID(ctids[0].removeprefix("ce-")).version == 4


def test_an_unknown_slug_has_no_ctdl_document(client, catalog):
    assert client.get("/programs/no-such-program.ctdl.json").status_code == 404


def test_the_catalogue_holds_every_program_once(client, catalog):
    data = catalogue(client)
    assert data["@id"] == f"{SITE}/programs/ctdl.json?page=1"
    assert data["totalItems"] == len(ALL)
    assert data["first"] == data["last"] == data["@id"]
    assert "next" not in data and "previous" not in data
    for program in Program.objects.all():
        document = ctdl_data(client, program)
        del document["@context"]
        assert document in data["@graph"]
    assert len(data["@graph"]) == len(ALL)


@pytest.mark.parametrize("query", ["?page=abc", "?page=0", "?page=-1", "?page=999", "?page=1.5"])
def test_junk_page_numbers_answer_a_page_not_an_error(client, catalog, query):
    data = catalogue(client, query)
    assert len(data["@graph"]) == len(ALL)
    assert data["@id"] == f"{SITE}/programs/ctdl.json?page=1"


@pytest.mark.parametrize(("total", "pages"), [(150, 2), (250, 3)])
def test_the_catalogue_pages_through_every_program(client, catalog, total, pages):
    """Following `next` from the first page reaches every program once, 100 a page."""
    grow(total)
    seen, url, visited = [], f"{SITE}/programs/ctdl.json", 0
    while url:
        data = catalogue(client, url.removeprefix(f"{SITE}/programs/ctdl.json"))
        visited += 1
        assert data["totalItems"] == total
        assert data["last"] == f"{SITE}/programs/ctdl.json?page={pages}"
        assert len(data["@graph"]) == (100 if visited < pages else total - 100 * (pages - 1))
        if visited > 1:
            assert data["previous"] == f"{SITE}/programs/ctdl.json?page={visited - 1}"
        else:
            assert "previous" not in data
        seen += [node["ceterms:ctid"] for node in data["@graph"]]
        url = data.get("next")
    assert visited == pages
    assert sorted(seen) == sorted(
        linked_data.ctid(slug) for slug in Program.objects.values_list("slug", flat=True)
    )


@pytest.mark.parametrize("total", [len(ALL), 150])
def test_a_ctdl_document_costs_the_same_queries_at_any_catalogue_size(
    client, catalog, total, django_assert_num_queries
):
    """Intended to prevent an n+1 on the registry's most requested document: the catalogue
    version, the program with its provider and topic names, its modules, role fits (with roles
    and sources), citations (with documents) and cohorts (with documents)."""
    grow(total)
    program = Program.objects.get(slug=HARVARD)
    with django_assert_num_queries(6):
        response = client.get(ctdl_url(program))
    assert response.status_code == 200


@pytest.mark.parametrize(("total", "query"), [(len(ALL), ""), (250, "?page=3")])
def test_a_catalogue_page_costs_the_same_queries_at_any_catalogue_size(
    client, catalog, total, query, django_assert_num_queries
):
    """A registry crawls every page: the catalogue version, the count, the page of programs
    with providers and topic names, and one query each for their modules, role fits,
    citations and cohorts, whatever the page size or the catalogue's."""
    grow(total)
    with django_assert_num_queries(7):
        response = client.get(f"{reverse('programs:ctdl')}{query}")
    assert response.status_code == 200
    assert len(json.loads(response.content)["@graph"]) == (len(ALL) if total == len(ALL) else 50)
