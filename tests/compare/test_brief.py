"""The brief a budget holder can sign (issue #23): the HTML print layouts and the PDFs rendered
on the server, read back with pdftotext as the person approving the spend would read them."""

import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from compare.brief import RefusedAddress, StaticFilesFetcher
from tests.catalogue_builder import grow
from tests.forms import as_post_data, form_fields
from tests.seed import ALL, HARVARD, IABAC, JHU, STANFORD

pytestmark = pytest.mark.django_db

TEAM = (
    "role=nursing-leaders&people=3&program=&role=clinical-informatics&people=2"
    "&program=&role=operations-managers&people=1&program=&budget=15000&weeks=12&hours="
)
STACK = f"programs={HARVARD}&programs={JHU}"
CONFIRM = "Confirm every figure with the provider before you enrol."


def _page(response, status=200):
    assert response.status_code == status
    return BeautifulSoup(response.content, "html.parser")


def _pdf_text(response) -> str:
    """The PDF's text as pdftotext reads it, whitespace squashed (words wrap across lines)."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (apt-get install poppler-utils)")
    done = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=response.content, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def _pages(response) -> int:
    done = subprocess.run(
        ["pdfinfo", "-"], input=response.content, capture_output=True, check=True, text=False
    )
    return int(re.search(rb"^Pages:\s+(\d+)", done.stdout, re.MULTILINE).group(1))


def _note(text: str, number: int) -> str:
    """Footnote `number` as printed: from its "[n]" to the next one."""
    start = text.index(f"[{number}] “")
    end = text.find(f"[{number + 1}] “", start)
    return text[start : end if end > 0 else None]


def _notes_citing(text: str, cell: str) -> list[str]:
    """The footnotes a figure's "[1, 2]" names."""
    numbers = re.search(r"\[([\d, ]+)\]", cell).group(1)
    return [_note(text, int(n)) for n in numbers.split(", ")]


def _attachment(response, kind):
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="certcatalog-{kind}-brief-{today}.pdf"'
    )


# -- The stack: Harvard + Johns Hopkins ------------------------------------------------------


def test_the_stack_pdf_holds_the_figures_their_sentences_and_the_address(client, catalog):
    """'priced at roughly $1,600 per course' × 3 courses and '$2,990': about $7,790, kept
    approximate, with each sentence and who says it in the footnotes."""
    response = client.get(f"/plans/stack/brief.pdf?{STACK}")
    _attachment(response, "stack")
    text = _pdf_text(response)
    assert _pages(response) == 1
    assert "Credential stack: Harvard + Johns Hopkins" in text
    assert f"http://testserver/plans/stack/?{STACK}" in text.replace(" ", "")
    today = timezone.localdate()
    assert f"Prepared {today.day} {today:%B %Y} from certcatalog" in text
    cost = re.search(r"Combined cost (about \$7,790) (\[[\d, ]+\]) \((.*?)\)", text)
    assert cost.group(1) == "about $7,790"
    assert cost.group(3) == "about $4,800 + $2,990"
    cited = " ".join(_notes_citing(text, cost.group(2)))
    assert "priced at roughly $1,600 per course" in cited
    assert "runs 10 weeks online at $2,990" in cited
    assert "the 2026 guide (which promotes IABAC); approximate" in cited
    assert "One after another about 25 weeks" in text
    assert "The sources do not pair these." in text
    assert "How long does it take from the start to the credential?" not in text  # JHU: 10 weeks
    assert "Which topics does the curriculum cover?" in text  # asked of Johns Hopkins
    assert CONFIRM in text


def test_the_stack_pdf_names_the_pairing_and_every_unpublished_part(client, catalog):
    response = client.get(f"/plans/stack/brief.pdf?programs={IABAC}&programs={STANFORD}")
    text = _pdf_text(response)
    assert "IABAC: not published + Stanford: not published" in text
    pairing = re.search(r"pairs IABAC with Stanford: .*?(\[[\d, ]+\])", text)
    cited = " ".join(_notes_citing(text, pairing.group(1)))
    assert "Pairing it with Stanford's specialization" in cited
    assert "the 2026 guide (which promotes IABAC)" in cited


def test_the_stack_brief_page_has_a_print_button_and_a_plain_pdf_link(client, catalog):
    page = _page(client.get(f"/plans/stack/brief/?{STACK}"))
    actions = page.select_one(".brief__actions")
    button = actions.select_one("button[data-print]")
    assert button.has_attr("hidden")  # shown by print.js: without JavaScript it is not there
    assert page.find("script", src="/static/js/print.js") is not None
    assert actions.find("a", string="Download PDF")["href"] == f"/plans/stack/brief.pdf?{STACK}"
    # Every footnote number on the page is a numbered source sentence below.
    numbers = {int(n) for ref in page.select(".brief__ref") for n in re.findall(r"\d+", ref.text)}
    notes = {int(li["value"]) for li in page.select(".brief__note")}
    assert numbers == notes


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"programs={HARVARD}", None),
        (f"programs={HARVARD}&programs=no-such-program", "Not found in the catalogue"),
        (f"programs={HARVARD}&programs={JHU}&programs={HARVARD}", "Listed more than once"),
        ("programs=%00&programs=" + "x" * 500, "Not found in the catalogue"),
    ],
)
def test_a_stack_pdf_with_bad_input_is_the_brief_with_its_message(client, catalog, query, message):
    page = _page(client.get(f"/plans/stack/brief.pdf?{query}"), status=400)
    if message is None:
        assert "A stack needs 2 to 4 programs" in page.select_one(".brief__empty").get_text()
    else:
        assert message in page.select_one(".messages").get_text()
        on_page = _page(client.get(f"/plans/stack/brief/?{query}"))
        assert on_page.select_one(".messages").get_text() == page.select_one(".messages").get_text()
    assert page.select_one(".brief__actions").find("a", string="Download PDF") is None


# -- The administrator's team plan -----------------------------------------------------------


def test_the_team_plan_pdf_of_the_administrators_team(client, catalog):
    """3 nursing leaders, 2 informatics staff, 1 operations manager, $15,000 and 12 weeks: the
    guide names IABAC for each, and IABAC publishes neither a price nor a length."""
    response = client.get(f"/plans/team/brief.pdf?{TEAM}")
    _attachment(response, "team-plan")
    text = _pdf_text(response)
    assert _pages(response) == 1
    assert f"http://testserver/plans/team/?{TEAM}" in text.replace(" ", "")
    assert "6 people in 3 rows; total budget $15,000; deadline 12 weeks." in text
    for role, people, grade in [
        ("Nursing leaders", 3, "“The target audience is deliberately broad”"),
        ("Clinical informatics professionals", 2, "“a practical option”"),
        ("Hospital operations managers", 1, "“a direct match”"),
    ]:
        row = re.search(
            rf"{role} {people} IABAC: AI in healthcare certification .*?{grade}.*?"
            r"says the 2026 guide \(which promotes IABAC\) (\[\d+\]) Not published Not published "
            r"Not published Length not published: whether they finish in 12 weeks cannot be said.",
            text,
        )
        assert row, role
        (cited,) = _notes_citing(text, row.group(1))
        assert cited.split("” ")[0].removeprefix(f"{row.group(1)} “") in text
        assert "— the 2026 guide (which promotes IABAC)" in cited
    assert "All roles 6 IABAC (6 seats): not published" in text
    assert (
        "No price in this plan is published: whether it fits your $15,000 budget cannot be said. "
        "The price of IABAC (6 seats) is not published."
    ) in text
    assert "Do you offer group or volume pricing for 6 people? The sources publish no group" in text
    assert "What does the whole program cost, including any exam or certificate fees?" in text
    assert "Proctored exam (assessment-based) (according to IABAC" in text
    assert CONFIRM in text


def test_the_team_plan_pdf_with_prices_adds_them_up_and_footnotes_them(client, catalog):
    """Two clinicians on Harvard: 2 × about $4,800 = about $9,600, 'roughly $1,600 per
    course' footnoted; 15 weeks against a 12-week deadline."""
    query = f"role=clinicians&people=2&program={HARVARD}&budget=15000&weeks=12&hours="
    text = _pdf_text(client.get(f"/plans/team/brief.pdf?{query}"))
    row = re.search(r"Clinicians 2 .*?about \$4,800 (\[[\d, ]+\]) about \$9,600", text)
    cited = " ".join(_notes_citing(text, row.group(1)))
    assert "priced at roughly $1,600 per course" in cited
    assert "(Derived: 2 × about $4,800)" in text
    assert "about 3 weeks past your 12-week deadline" in text
    assert "The published prices come to about $9,600 of your $15,000 budget" in text


def test_the_plan_page_links_its_brief_and_the_brief_its_pdf(client, catalog):
    plan = _page(client.get(f"/plans/team/?{TEAM}"))
    share = plan.select_one(".team-plan__brief")
    assert share.find("a", string="Brief for approval")["href"] == f"/plans/team/brief/?{TEAM}"
    assert share.find("a", string="Download PDF")["href"] == f"/plans/team/brief.pdf?{TEAM}"
    assert share.select_one("button[data-print]").has_attr("hidden")
    page = _page(client.get(share.find("a", string="Brief for approval")["href"]))
    assert page.select_one(".brief__address")["href"] == f"http://testserver/plans/team/?{TEAM}"
    assert (
        page.select_one("#brief-total")
        .get_text(" ", strip=True)
        .startswith("IABAC (6 seats): not published")
    )
    assert page.select_one(".brief__confirm").get_text() == CONFIRM


def test_a_plan_made_through_the_form_gets_the_same_brief(client, catalog):
    html = client.get("/plans/team/").content.decode()
    data = as_post_data(
        form_fields(html, "team-form"),
        {
            "role": ["nursing-leaders", "clinical-informatics", "operations-managers"],
            "people": ["3", "2", "1"],
            "budget": "15000",
            "weeks": "12",
        },
    )
    plan = client.get("/plans/team/", data)
    link = _page(plan).select_one(".team-plan__brief").find("a", string="Download PDF")["href"]
    text = _pdf_text(client.get(link))
    assert "All roles 6 IABAC (6 seats): not published" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("role=nursing-leaders&people=0&program=", "Row 1, people: At least 1 person."),
        ("role=nursing-leaders&people=1000000000&program=", "At most 10,000 people in one row."),
        ("role=no-such-role&people=2&program=", "Row 1, role: Choose a role from the list."),
        ("role=nursing-leaders&people=2%00&program=", "Give a whole number of people"),
        ("role=nursing-leaders&people=2&program=&budget=abc", "budget (USD): Enter a number."),
        ("role=nursing-leaders&people=2&program=stanford-ai-in-healthcare", "do not name this"),
        ("&".join(["role=nursing-leaders&people=1&program="] * 50), "at most 20 rows"),
        ("", None),
    ],
)
def test_a_team_pdf_with_bad_input_is_the_brief_with_its_message(client, catalog, query, message):
    """Never a 500, never a PDF that silently drops a row: the brief's page, saying what to fix."""
    page = _page(client.get(f"/plans/team/brief.pdf?{query}"), status=400)
    if message is None:
        assert "No plan yet" in page.select_one(".brief__empty").get_text()
        return
    problems = [li.get_text() for li in page.select(".brief__problem")]
    assert any(message in problem for problem in problems), problems
    assert _page(client.get(f"/plans/team/brief/?{query}")).select(".brief__problem")


# -- The comparison --------------------------------------------------------------------------


def test_the_comparison_pdf_footnotes_each_figure(client, catalog):
    response = client.get(f"/compare/print.pdf?programs={HARVARD}&programs={JHU}")
    _attachment(response, "comparison")
    text = _pdf_text(response)
    assert "AI in healthcare certifications: comparison summary" in text
    assert f"http://testserver/compare/?programs={HARVARD}&programs={JHU}" in text.replace(" ", "")
    cost = re.search(r"about \$4,800 (\[[\d, ]+\])", text)
    cited = " ".join(_notes_citing(text, cost.group(1)))
    assert "priced at roughly $1,600 per course" in cited
    jhu = re.search(r"\$2,990 (\[[\d, ]+\])", text)
    assert "runs 10 weeks online at $2,990" in " ".join(_notes_citing(text, jhu.group(1)))
    assert "Questions to ask the providers" in text
    assert "use your browser's Print command" not in text.lower()
    assert CONFIRM in text


def test_the_print_summary_has_a_print_button_and_no_dead_control(client, catalog):
    page = _page(client.get(f"/compare/print/?programs={HARVARD}&programs={JHU}"))
    actions = page.select_one(".print-summary__actions")
    assert actions.select_one("button[data-print]").has_attr("hidden")
    assert (
        actions.find("a", string="Download PDF")["href"]
        == f"/compare/print.pdf?programs={HARVARD}&programs={JHU}"
    )
    assert "Print command" not in page.get_text()
    numbers = {int(n) for ref in page.select(".brief__ref") for n in re.findall(r"\d+", ref.text)}
    assert numbers == {int(li["value"]) for li in page.select(".brief__note")}


def test_the_compare_page_offers_print_and_the_pdf(client, catalog):
    page = _page(client.get(f"/compare/?programs={HARVARD}&programs={JHU}"))
    toolbar = page.select_one(".compare-toolbar")
    assert toolbar.select_one("button[data-print]").has_attr("hidden")
    pdf = toolbar.find("a", string="Download PDF")["href"]
    assert pdf == f"/compare/print.pdf?programs={HARVARD}&programs={JHU}"


@pytest.mark.parametrize(
    "query", [f"programs={HARVARD}", "programs=%00", f"programs={HARVARD}&programs=nope", ""]
)
def test_a_comparison_pdf_with_bad_input_never_fails(client, catalog, query):
    response = client.get(f"/compare/print.pdf?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = BeautifulSoup(response.content, "html.parser")
    if "nope" in query:
        assert "Not found in the catalogue: “nope”" in page.select_one(".messages").get_text()


# -- Queries, caching, and the renderer never fetching ---------------------------------------


@pytest.mark.parametrize("extra", [0, 200])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (f"/plans/team/brief.pdf?{TEAM}", 9),
        (f"/plans/team/brief/?{TEAM}", 9),
        (f"/plans/stack/brief.pdf?{STACK}", 7),
        (f"/plans/stack/brief/?{STACK}", 7),
        ("/compare/print.pdf?" + "&".join(f"programs={s}" for s in ALL), 6),
    ],
)
def test_the_briefs_run_a_fixed_number_of_queries(
    client, catalog, extra, url, queries, django_assert_num_queries
):
    """The team brief: the version, roles, the named programs per role (bounded), the chosen
    programs with modules, role fits, citations and cohorts, the inclusion sentence's
    documents. The stack: the version, the programs (five) and the inclusion documents. The
    comparison: the version and the programs (five). Rendering the PDF reads the stylesheet
    from disk only."""
    grow(6 + extra)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_a_pdf_is_cached_like_the_other_pages(client, catalog, django_assert_num_queries):
    first = client.get(f"/plans/stack/brief.pdf?{STACK}")
    with django_assert_num_queries(1):  # the catalogue version only
        again = client.get(f"/plans/stack/brief.pdf?{STACK}")
    assert again.content == first.content
    assert again["Content-Type"] == "application/pdf"
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["ETag"] == first["ETag"]
    etag = first["ETag"]
    assert client.get(f"/plans/stack/brief.pdf?{STACK}", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_renderer_serves_only_the_sites_static_files_from_disk(settings):
    fetcher = StaticFilesFetcher("http://testserver")
    css = fetcher.fetch("http://testserver/static/css/site.css")
    assert css.read().startswith(b"/*")
    assert css.content_type == "text/css"
    for url in [
        "http://example.com/static/css/site.css",  # another host
        "https://testserver/static/css/site.css",  # another origin
        "http://testserver/static/../certcatalog/settings.py",
        "http://testserver/static/%2e%2e/%2e%2e/etc/passwd",
        "http://testserver/static/no-such-file.css",
        "http://testserver/programs/",
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "data:text/css,body{color:red}",
    ]:
        with pytest.raises(RefusedAddress):
            fetcher.fetch(url)


def test_a_page_linking_elsewhere_renders_without_a_connection(monkeypatch):
    """A stylesheet or image on another server is skipped, never fetched: any socket opened
    while rendering fails the test."""
    import socket

    from compare.brief import render_pdf

    opened = []

    def refuse(*args, **kwargs):
        opened.append(args)  # WeasyPrint catches a fetch's exceptions: record the attempt
        raise OSError("no connection in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    html = (
        '<link rel="stylesheet" href="http://example.com/x.css">'
        '<link rel="stylesheet" href="/static/css/site.css">'
        '<img src="http://127.0.0.1:6379/x.png"><img src="file:///etc/passwd"><p>Brief</p>'
    )
    assert render_pdf(html, origin="http://testserver").startswith(b"%PDF-")
    assert not opened, opened
