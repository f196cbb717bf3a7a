"""Find and share (issue #13): sitemap.xml, robots.txt, canonical and Open Graph tags, and the
sources page that shows which programs' facts each document backs."""

import datetime
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.urls import reverse

from programs import history
from programs.models import Citation, Document, Program, Role, RoleFit
from programs.sitemaps import ProgramSitemap
from programs.sources import SOURCE_PROGRAMS_SHOWN
from tests.catalogue_builder import grow
from tests.factories import ProgramFactory
from tests.seed import ABAIM, GUIDE_SENTENCE, HARVARD, IABAC, JHU
from tests.sourcing import reprice

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PAGES = ["/", "/programs/", "/roles/", "/sources/", "/changes/", "/finder/"]


def _xml(response) -> ElementTree.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def _urlset(response) -> dict[str, str | None]:
    """Each <url>'s address with its <lastmod>, from a sitemap page."""
    root = _xml(response)
    assert root.tag == f"{SITEMAP}urlset"
    entries = {}
    for url in root.iter(f"{SITEMAP}url"):
        loc = url.findtext(f"{SITEMAP}loc")
        assert loc not in entries, f"{loc} listed twice"
        entries[loc] = url.findtext(f"{SITEMAP}lastmod")
    return entries


def _index(response) -> list[str]:
    root = _xml(response)
    assert root.tag == f"{SITEMAP}sitemapindex"
    return [sitemap.findtext(f"{SITEMAP}loc") for sitemap in root.iter(f"{SITEMAP}sitemap")]


def _expected_locations() -> set[str]:
    return {
        *(HOST + path for path in PAGES),
        *(HOST + program.get_absolute_url() for program in Program.objects.all()),
        *(HOST + role.get_absolute_url() for role in Role.objects.all()),
    }


# -- sitemap.xml ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [6, 60])
def test_sitemap_lists_every_program_role_and_page(
    client, catalog, size, django_assert_num_queries
):
    """The catalogue version, then for programs and for roles a count and one page of rows: the
    same five queries at any size (no query per program for its lastmod)."""
    grow(size)
    with django_assert_num_queries(5):
        response = client.get("/sitemap.xml")
    entries = _urlset(response)
    assert set(entries) == _expected_locations()
    assert len(entries) == len(PAGES) + size + Role.objects.count()
    for program in Program.objects.all():
        assert entries[HOST + program.get_absolute_url()] == program.last_verified.isoformat()


def test_sitemap_lastmod_is_a_program_s_latest_change(client, catalog):
    program = Program.objects.get(slug=JHU)
    program.last_verified = datetime.date(2020, 1, 1)
    with history.revision():
        reprice(program, 3150)
    changed = history.program_change_records(program.pk).first().history_date
    entries = _urlset(client.get("/sitemap.xml"))
    assert entries[HOST + program.get_absolute_url()] == changed.date().isoformat()
    untouched = Program.objects.get(slug=HARVARD)
    assert entries[HOST + untouched.get_absolute_url()] == untouched.last_verified.isoformat()


@pytest.mark.parametrize("size", [60, 120])
def test_a_large_catalogue_gets_a_sitemap_index_of_bounded_pages(
    client, catalog, size, monkeypatch, django_assert_num_queries
):
    """Past one page of programs sitemap.xml is an index: the version, the programs' and the
    roles' counts, the latest check and the latest change (two aggregates, not one lastmod per
    program); each listed page costs the version, a count and one page of rows."""
    monkeypatch.setattr(ProgramSitemap, "limit", 25)
    grow(size)
    with django_assert_num_queries(5):
        response = client.get("/sitemap.xml")
    listed = _index(response)
    pages = -(-size // 25)
    assert listed == [
        f"{HOST}/sitemap-pages.xml",
        f"{HOST}/sitemap-programs.xml",
        *(f"{HOST}/sitemap-programs.xml?p={n}" for n in range(2, pages + 1)),
        f"{HOST}/sitemap-roles.xml",
    ]
    seen: list[str] = []
    for address in listed:
        with django_assert_num_queries(1 if "pages" in address else 3):
            page = _urlset(client.get(address.removeprefix(HOST)))
        assert len(page) <= 25
        seen += page
    assert len(seen) == len(set(seen))
    assert set(seen) == _expected_locations()


def test_sitemap_addresses_use_the_request_s_host(client, catalog, settings):
    settings.ALLOWED_HOSTS = ["catalogue.example.org"]
    response = client.get("/sitemap.xml", headers={"host": "catalogue.example.org"})
    assert f"https://catalogue.example.org/programs/{IABAC}/" not in _urlset(response)
    assert f"http://catalogue.example.org/programs/{IABAC}/" in _urlset(response)


def test_an_unknown_sitemap_section_or_page_is_404(client, catalog):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-programs.xml?p=9").status_code == 404


# -- robots.txt -------------------------------------------------------------------------------


def _robots(client) -> list[str]:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode().splitlines()


def test_robots_allows_the_catalogue_and_points_to_the_sitemap(client, db):
    lines = _robots(client)
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    assert "Disallow: /" not in lines
    assert f"Sitemap: {HOST}/sitemap.xml" in lines


def test_robots_keeps_crawlers_out_of_the_admin_and_duplicate_pages(client, db):
    disallowed = {line.removeprefix("Disallow: ") for line in _robots(client) if "Disallow" in line}
    assert disallowed == {
        "/admin/",
        "/programs/export.csv",
        "/programs/export.json",
        "/compare/print/",
    }


def test_robots_never_publishes_a_hidden_admin_address(client, db, settings):
    """An admin moved to a hard-to-guess address (DJANGO_ADMIN_URL) is not named in robots.txt,
    which anyone can read; its pages carry Django admin's own robots "NONE" meta tag."""
    settings.ADMIN_URL = "editors-7f3a/"
    body = client.get("/robots.txt").content.decode()
    assert "editors-7f3a" not in body
    assert "Disallow: /admin/" not in body.splitlines()


def test_admin_pages_tell_robots_to_stay_out(client, db):
    page = BeautifulSoup(client.get("/admin/login/").content, "html.parser")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "NONE,NOARCHIVE"


# -- canonical and Open Graph -----------------------------------------------------------------


def _head(response) -> dict[str, str | None]:
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    canonical = page.head.find_all("link", rel="canonical")
    assert len(canonical) <= 1

    def meta(**attrs):
        found = page.head.find_all("meta", attrs=attrs)
        assert len(found) <= 1, attrs
        return found[0]["content"] if found else None

    return {
        "canonical": canonical[0]["href"] if canonical else None,
        "<title>": page.title.get_text(),
        "description": meta(name="description"),
        **{
            f"og:{key}": meta(property=f"og:{key}")
            for key in ("url", "title", "description", "type", "site_name")
        },
    }


def _canonical_cases():
    return [
        ("/", "/"),
        ("/?utm_source=newsletter", "/"),
        ("/programs/", "/programs/"),
        (
            "/programs/?utm_source=x&cme=yes&assessment=completion_based&max_cost=3000"
            "&assessment=proctored_exam&role=clinicians&sort=name&junk=1",
            "/programs/?role=clinicians&max_cost=3000"
            "&assessment=proctored_exam&assessment=completion_based&cme=yes",
        ),
        (f"/programs/{JHU}/?ref=share", f"/programs/{JHU}/"),
        ("/roles/", "/roles/"),
        ("/roles/clinicians/?page=1&x=y", "/roles/clinicians/"),
        ("/sources/?x=1", "/sources/"),
        ("/changes/?page=1", "/changes/"),
        ("/finder/?role=physicians&cme=on", "/finder/"),
        (
            f"/compare/?programs={HARVARD}&utm_medium=email&programs={JHU}&programs=no-such"
            f"&programs={HARVARD}&find=abc&hours=4&format=html",
            f"/compare/?programs={HARVARD}&programs={JHU}",
        ),
        (
            f"/compare/?diff=1&programs={ABAIM}&programs={IABAC}&hours=4",
            f"/compare/?programs={ABAIM}&programs={IABAC}&diff=1",
        ),
        (f"/compare/?programs={JHU}&find=harv", f"/compare/?programs={JHU}"),
    ]


@pytest.mark.parametrize(("path", "canonical"), _canonical_cases())
def test_every_page_names_its_canonical_address(client, catalog, path, canonical):
    head = _head(client.get(path))
    assert head["canonical"] == HOST + canonical
    assert head["og:url"] == HOST + canonical


@pytest.mark.parametrize("path", ["/changes/?page=2&utm_source=x", "/roles/clinicians/?page=2"])
def test_later_pages_of_a_list_keep_their_page_number(client, catalog, path):
    for _ in range(60):  # new programs: history records for /changes/, fits for the role page
        program = ProgramFactory()
        program.role_fits.create(
            role=Role.objects.get(slug="clinicians"),
            strength=RoleFit.Strength.RECOMMENDED,
            grade="match the domain",
            rationale=GUIDE_SENTENCE,
            source=Document.objects.get(pk=1),
        )
    page = BeautifulSoup(client.get(path).content, "html.parser")
    assert page.find(class_="pagination__current").get_text() == "Page 2 of 3"
    head = _head(client.get(path))
    assert head["canonical"] == f"{HOST}{path.split('?')[0]}?page=2"


def test_open_graph_repeats_the_page_s_own_title_and_description(client, catalog):
    program = Program.objects.get(slug=JHU)
    head = _head(client.get(program.get_absolute_url()))
    title = f"{program.name} ({program.provider.short_name})"
    assert head["<title>"] == f"{title} · certcatalog"
    assert head["description"] == program.summary
    assert {key: value for key, value in head.items() if key.startswith("og:")} == {
        "og:url": f"{HOST}{program.get_absolute_url()}",
        "og:title": title,
        "og:description": program.summary,
        "og:type": "website",
        "og:site_name": "certcatalog",
    }


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Compare AI in healthcare certifications"),
        ("/roles/clinicians/", "Programs for clinicians"),
        ("/sources/", "Sources"),
        (f"/compare/?programs={HARVARD}&programs={JHU}", "Compare: Harvard vs Johns Hopkins"),
    ],
)
def test_open_graph_title_is_the_page_title_without_the_site_name(client, catalog, path, title):
    head = _head(client.get(path))
    assert head["<title>"] == f"{title} · certcatalog"
    assert head["og:title"] == title
    assert (head["og:type"], head["og:site_name"]) == ("website", "certcatalog")


def test_pages_without_their_own_description_share_the_site_s(client, catalog):
    head = _head(client.get("/sources/"))
    assert head["description"].startswith("Find, filter and compare AI-in-healthcare")
    assert head["og:description"] == head["description"]


def test_a_missing_page_has_no_canonical_address(client, catalog):
    response = client.get("/programs/no-such-program/")
    assert response.status_code == 404
    page = BeautifulSoup(response.content, "html.parser")
    assert page.title.get_text() == "Page not found · certcatalog"
    assert not page.find("link", rel="canonical")
    assert not page.find("meta", property="og:url")


def test_the_canonical_tag_is_empty_without_a_request():
    """500.html is rendered without a context; any template doing so must not fail."""
    assert Template("{% load discovery %}[{% canonical_url %}]").render(Context()) == "[]"


# -- the sources page -------------------------------------------------------------------------


def _article(response, document: Document):
    assert response.status_code == 200
    article = BeautifulSoup(response.content, "html.parser").find(
        "article", id=f"doc-{document.pk}"
    )
    assert article is not None
    return article


def _meta(article) -> dict[str, str]:
    return {
        row.dt.get_text(): " ".join(row.dd.get_text().split())
        for row in article.find("dl", class_="source__meta").find_all("div")
    }


def _words(element) -> str:
    return " ".join(element.get_text(" ").split())


def test_each_source_shows_its_author_date_doi_and_badge(client, catalog):
    response = client.get(reverse("programs:sources"))
    guide = _article(response, Document.objects.get(pk=1))
    assert guide.find(class_="badge--vendor").get_text() == "promotes IABAC"
    assert _meta(guide)["Author"] == "Not stated"
    assert _meta(guide)["Published"] == "Undated; its text says 2026"
    assert "DOI" not in _meta(guide)
    essay = _article(response, Document.objects.get(pk=2))
    assert not essay.find(class_="badge--vendor")
    assert _meta(essay)["Author"] == "Rasit Dinc"
    assert _meta(essay)["Published"] == "9 November 2022"
    assert _meta(essay)["DOI"] == "10.5281/zenodo.17997722"
    assert essay.find("a", string="10.5281/zenodo.17997722")["href"] == (
        "https://doi.org/10.5281/zenodo.17997722"
    )


@pytest.mark.parametrize("pk", [1, 2])
def test_each_source_lists_the_programs_citing_it_with_their_quotes(client, catalog, pk):
    document = Document.objects.get(pk=pk)
    article = _article(client.get(reverse("programs:sources")), document)
    items = article.find_all("li", class_="source__program")
    citing = Program.objects.filter(citations__document=document).distinct().order_by("name")
    assert citing.exists()
    assert [item.find("a", class_="source__program-link")["href"] for item in items] == [
        program.get_absolute_url() for program in citing
    ]
    for item, program in zip(items, citing, strict=True):
        assert item.a.get_text() == program.name
        facts = item.find_all("li", class_="source__fact")
        citations = list(program.citations.filter(document=document).order_by("pk"))
        assert len(facts) == len(citations)
        for fact, citation in zip(facts, citations, strict=True):
            assert fact.find(class_="source__field").get_text() == citation.get_field_display()
            assert _words(fact.blockquote) == " ".join(f"“{citation.quote}”".split())
    assert not article.find(class_="source__more")


def test_a_source_says_who_is_described_in_the_provider_s_own_words(client, catalog):
    """The standing of each cited fact, in the words the program page uses."""
    document = Document.objects.get(pk=1)
    citation = Citation.objects.filter(
        document=document, standing=Citation.Standing.SELF_DESCRIBED
    ).first()
    assert citation is not None
    article = _article(client.get(reverse("programs:sources")), document)
    item = article.find("li", id=f"doc-1-{citation.program.slug}")
    qualifiers = {q.get_text() for q in item.find_all(class_="facts__qualifier")}
    assert (
        f"(according to {citation.program.provider.short_name}, as the 2026 guide reports)"
        in qualifiers
    )


def _cite_guide(programs) -> None:
    """Give grown programs a cited summary (bulk, as grow() adds its rows)."""
    Citation.objects.bulk_create(
        Citation(program=program, field="summary", document_id=1, quote=GUIDE_SENTENCE)
        for program in programs
    )


@pytest.mark.parametrize("size", [6, 90])
def test_sources_page_is_bounded_however_many_programs_cite_a_source(
    client, catalog, size, django_assert_num_queries
):
    """The catalogue version (with the footer), documents with their citing-program counts, the
    citations of the first programs of each: three queries at any size, and at most
    SOURCE_PROGRAMS_SHOWN programs named per document."""
    grow(size)
    _cite_guide(Program.objects.filter(slug__startswith="bench-"))
    guide = Document.objects.get(pk=1)
    citing = Program.objects.filter(citations__document=guide).distinct().count()
    with django_assert_num_queries(3):
        response = client.get(reverse("programs:sources"))
    article = _article(response, guide)
    items = article.find_all("li", class_="source__program")
    assert len(items) == min(citing, SOURCE_PROGRAMS_SHOWN)
    count = _words(article.find(class_="source__count"))
    more = article.find(class_="source__more")
    if citing > SOURCE_PROGRAMS_SHOWN:
        assert count == f"{citing} programs cite this document; the first 50 by name."
        assert _words(more).startswith(f"And {citing - SOURCE_PROGRAMS_SHOWN} more programs:")
    else:
        assert count == f"{citing} programs cite this document."
        assert more is None


def test_a_source_no_program_cites_says_so(client, catalog):
    document = Document.objects.create(title="An unused source", text="Nothing cited.")
    article = _article(client.get(reverse("programs:sources")), document)
    assert not article.find(class_="source__program")
    assert article.find(class_="empty").get_text() == "No program's facts cite this document yet."


@pytest.mark.parametrize("slug", [IABAC, JHU, ABAIM])
def test_a_program_page_links_to_the_sources_it_cites(client, catalog, slug):
    program = Program.objects.get(slug=slug)
    page = BeautifulSoup(client.get(program.get_absolute_url()).content, "html.parser")
    links = page.find("p", class_="program__verified").find_all("a", class_="program__source-link")
    cited = Document.objects.filter(citations__program=program).distinct().order_by("pk")
    assert cited.exists()
    assert sorted((a["href"], a.get_text()) for a in links) == sorted(
        (f"/sources/#doc-{doc.pk}", doc.short_name) for doc in cited
    )
    sources = BeautifulSoup(client.get("/sources/").content, "html.parser")
    for link in links:
        assert sources.find("article", id=link["href"].split("#")[1])
