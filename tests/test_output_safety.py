"""Every public page and output is safe whatever is already stored (issue #22, item 5).

Input validation refuses markup-bearing control and bidi characters, but rows written before it
(old rows, history records, restored backups, direct database writes) still reach the pages. Each
test below writes one payload class into every publicly shown text field of every catalogue row,
bypassing validation (`bulk_update`, and history records written directly, since the change
log and the feeds read history), then reads every public page and output and checks it as its
reader would: HTML parsed (no injected element, attribute, link scheme, script or comment), XML
parsed (and each `type="html"` summary parsed again as the HTML a feed reader renders), JSON
and CSV parsed, and the payload shown as text somewhere, so a page that stopped showing the
data cannot pass by accident.
"""

import csv
import datetime
import io
import json
import re
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup, Comment
from django.db import DataError, connection, models, transaction
from django.test import Client
from django.utils import timezone

from programs import caching, history, search, sitemaps
from programs.models import Citation, Cohort, CostItem, Document, Module, Program, Role
from programs.output_safety import web_address, xml_text
from tests import seed

pytestmark = pytest.mark.django_db

GROUPS = {
    "elements and event handlers": [
        "<script>xss()</script>",
        "<img src=x onerror=xss()>",
        "<svg onload=xss()>",
        '<p style="x:expression(xss())">',
    ],
    "breakouts and comments": [
        '" onmouseover="xss()" x="',
        "' onmouseover='xss()' x='",
        "</script><script>xss()</script>",
        "<!--xss",
        "]]>xss",
    ],
    "encoded markup": [
        "&lt;script&gt;xss()&lt;/script&gt;",
        "%3Cscript%3Exss()%3C/script%3E",
        "\\u003cscript\\u003exss()\\u003c/script\\u003e",
    ],
    "script addresses": [
        "javascript:xss()",
        " JaVaScRiPt:xss()",
        "java\tscript:xss()",
        "data:text/html,<script>xss()</script>",
        "vbscript:xss()",
    ],
    "control and bidi characters": [
        f"xss{chars}xss"
        for chars in (
            "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])),  # C0
            "".join(map(chr, range(0x7F, 0xA0))),  # DEL and C1
            "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",  # bidi controls
            "\ufffe\uffff",  # non-characters
        )
    ],
}
"""OWASP's XSS classes, and every control character but tab, line feed and carriage return.
Each group is stored at once: its payloads are spread over each field's rows, as many to a
value as the column holds, so each payload reaches every field and the pages are read once per
group. PostgreSQL cannot store NUL in text: there the C0 payload leaves it out, and
`test_a_nul_in_text_is_shown_safely_or_refused_by_the_database` checks the refusal instead."""

_SKIPPED_FIELDS = {"slug", "search_text", "search_stems", "price_currency", "currency"}
"""Addresses (a slug is checked by its URL converter before any page is found), the derived
search columns (`search.refresh` rebuilds them from the poisoned text), and the three-letter
currency codes (a price's and a cost item's), which hold no payload."""

DOCUMENTS = 6
"""Source documents to spread payloads over (the seed has two): citations are shared out
among them, so each is shown beside facts."""


def _stored(payload: str) -> str:
    if connection.vendor == "postgresql":
        return payload.replace("\x00", "")
    return payload


def _text_fields(model) -> list[models.Field]:
    """Every free-text column: char, text, URL and email fields without a fixed vocabulary."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.name not in _SKIPPED_FIELDS
        and not field.generated
    ]


def _spread(payloads: list[str], field: models.Field, rows: int) -> list[str]:
    """Each row's value: the payloads shared out in order, as many to a row as the column
    holds, each row told apart (names are unique). A URL gets one payload a row, so each is
    the start of some address."""
    if isinstance(field, models.URLField):
        values = [[payloads[row % len(payloads)]] for row in range(rows)]
    elif not field.max_length:
        values = [list(payloads) for _ in range(rows)]
    else:
        values, row = [[] for _ in range(rows)], 0
        for payload in payloads:
            while len(" ".join([*values[row], payload, f"#{row}"])) > field.max_length:
                row += 1
                assert row < rows, f"{field} has too few rows for {payloads}"
            values[row].append(payload)
        for row in range(rows):
            values[row] = values[row] or [payloads[row % len(payloads)]]
    return [" ".join([*value, f"#{row}"]) for row, value in enumerate(values)]


REVISION = "poisoned"


def _poison(payloads: list[str]) -> list[int]:
    """Write the payloads into every public text field, and a change to every program into
    history as an edit writes it, bypassing validation; return the new history ids."""
    payloads = [_stored(p) for p in payloads]
    first = Document.objects.order_by("pk").first()
    extra = [Document(title=f"{first.title} {n}", text=first.text) for n in range(DOCUMENTS)]
    Document.objects.bulk_create(extra[: DOCUMENTS - Document.objects.count()])
    documents = list(Document.objects.order_by("pk"))
    citations = list(Citation.objects.order_by("pk"))
    for i, citation in enumerate(citations):
        citation.document = documents[i % len(documents)]
    Citation.objects.bulk_update(citations, ["document"])
    # Cohorts (issue #24): the seeds give none, so each cohort program gets an upcoming one,
    # shown on cards, the detail page and the comparison, whose sentence is poisoned below.
    Cohort.objects.bulk_create(
        [
            Cohort(
                program=program,
                start_date=timezone.localdate() + datetime.timedelta(days=30),
                document=first,
                quote="x",
            )
            for program in Program.objects.filter(format=Program.Format.COHORT)
        ]
    )
    # Cost items (issue #24): none in the seeds either, so each program gets an optional one
    # (the totals stay as they were), whose note is poisoned below.
    CostItem.objects.bulk_create(
        [
            CostItem(program=program, kind=CostItem.Kind.OTHER, amount=50, required=False)
            for program in Program.objects.all()
        ]
    )
    for model in history.CATALOGUE_MODELS:
        fields = _text_fields(model)
        rows = list(model.objects.order_by("pk"))
        for field in fields:
            for obj, value in zip(rows, _spread(payloads, field, len(rows)), strict=True):
                setattr(obj, field.attname, value)
        model.objects.bulk_update(rows, [field.attname for field in fields])
    programs = list(Program.objects.order_by("pk"))
    for program in programs:  # pages read a program's stored copy of its cost items
        program.sync_with_cost_items(raw=True)
    search.refresh([p.pk for p in programs])
    # History as an edit writes it: the program changed (half of them as a correction, whose
    # reason is the entry's title), its modules changed and its citations were added, in one
    # revision.
    for i, program in enumerate(programs):
        program._change_reason = (("Correction: " if i % 2 else "") + " ".join(payloads))[:100]
    Program.history.bulk_history_create(
        programs, update=True, custom_historical_attrs={"revision": REVISION}
    )
    Module.history.bulk_history_create(
        list(Module.objects.all()), update=True, custom_historical_attrs={"revision": REVISION}
    )
    Citation.history.bulk_history_create(
        list(Citation.objects.all()), custom_historical_attrs={"revision": REVISION}
    )
    caching.bump()
    return list(Program.history.filter(revision=REVISION).values_list("history_id", flat=True))


# -- what a reader's parser sees --------------------------------------------------------------

_LINK_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data")
_SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_INJECTED_ELEMENTS = {"img", "iframe", "object", "embed", "base", "frame", "style"}


def _scheme(url: str) -> str | None:
    """The scheme a browser reads from a link (WHATWG URL parsing: leading and trailing C0
    controls and spaces stripped, tabs and line breaks removed anywhere)."""
    url = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else None


def _html_problems(page: BeautifulSoup, *, scripts_allowed: int = 0) -> list[str]:
    """What in a parsed page would run: an injected element, an event-handler or style
    attribute, a link to a script scheme, a script that is not the one JSON-LD block, or a
    comment (the site's templates write none, so one is an opened `<!--`)."""
    problems = []
    for element in page.find_all(True):
        if element.name in _INJECTED_ELEMENTS:
            problems.append(f"an injected <{element.name}> element")
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"an event handler {name}= on <{element.name}>")
            if name.lower() == "style":
                problems.append(f"a style attribute on <{element.name}>")
            if name.lower() in _LINK_ATTRIBUTES:
                scheme = _scheme(value if isinstance(value, str) else " ".join(value))
                if scheme and scheme not in _SAFE_SCHEMES:
                    problems.append(f"a {scheme}: link in <{element.name} {name}>")
    # The site's own scripts (a file under /static/js/, nothing inline) are not injected markup.
    scripts = [
        script
        for script in page.find_all("script")
        if not (str(script.get("src", "")).startswith("/static/js/") and not script.string)
    ]
    if len(scripts) > scripts_allowed:
        problems.append(f"{len(scripts)} script elements, {scripts_allowed} expected")
    for script in scripts:
        if script.get("type") != "application/ld+json":
            problems.append(f"a script of type {script.get('type')!r}")
            continue
        if "<" in (script.string or ""):
            problems.append(
                "a < in the JSON-LD block (it could close the script or open a comment)"
            )
        try:
            json.loads(script.string or "")
        except ValueError as error:
            problems.append(f"the JSON-LD block does not parse: {error}")
    comments = page.find_all(string=lambda text: isinstance(text, Comment))
    return problems + [f"a comment: {comment[:40]!r}" for comment in comments]


def _visible(text: str) -> str:
    """Text as compared: what XML can hold, without replacement marks, whitespace collapsed."""
    return " ".join(xml_text(text).replace("\ufffd", "").split())


def _shows(payloads: list[str], text: str) -> bool:
    """Some payload's text is there, as text: the output does show the stored data."""
    text = _visible(text)
    return any(_visible(_stored(payload)) in text for payload in payloads)


ATOM = "{http://www.w3.org/2005/Atom}"


def _feed_problems(root: ElementTree.Element) -> tuple[list[str], str]:
    """A feed read as a feed reader reads it: titles as text, summaries as HTML. The
    problems, and the text a reader sees."""
    problems, shown = [], []
    for title in root.iter(f"{ATOM}title"):
        if title.get("type", "text") != "text":
            problems.append(f"a title of type {title.get('type')}")
        shown.append(title.text or "")
    for summary in root.iter(f"{ATOM}summary"):
        text = summary.text or ""
        if summary.get("type", "text") == "html":
            html = BeautifulSoup(text, "html.parser")
            problems += [f"summary: {problem}" for problem in _html_problems(html)]
            text = html.get_text()
        shown.append(text)
    return problems, "\n".join(shown)


def _json_strings(data) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in _json_strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _json_strings(value)]
    return [data] if isinstance(data, str) else []


# -- the pages --------------------------------------------------------------------------------

_SELECTION = "&".join(f"programs={slug}" for slug in seed.ALL)


def _html_pages(change_ids: list[int]) -> dict[str, str]:
    roles = list(Role.objects.order_by("position").values_list("slug", flat=True))
    return {
        "home": "/",
        "list": "/programs/",
        "list, filtered": "/programs/?role=clinicians&max_cost=3000&format=self_paced",
        "list, searched": "/programs/?q=xss",
        **{f"program {slug}": f"/programs/{slug}/" for slug in seed.ALL},
        "compare, pick": "/compare/",
        "compare": f"/compare/?{_SELECTION}&role=clinicians&hours=4",
        "compare, differences since": f"/compare/?{_SELECTION}&diff=1&since=2020-01-01",
        "compare, print": f"/compare/print/?{_SELECTION}",
        "finder": "/finder/",
        "finder, answered": "/finder/?role=physicians&cme=on&budget=2000",
        "roles": "/roles/",
        **{f"role {slug}": f"/roles/{slug}/" for slug in roles},
        "sources": "/sources/",
        "changes": "/changes/",
        "changes of a program": f"/changes/?program={seed.HARVARD}&since=2020-01-01",
        **{f"change {i}": f"/changes/{i}/" for i in change_ids},
    }


FEEDS = {
    "changes feed": "/changes/feed/",
    **{f"feed of {slug}": f"/programs/{slug}/changes.atom" for slug in seed.ALL},
}
JSON_OUTPUTS = {
    "export json": "/programs/export.json",
    "export json, filtered": "/programs/export.json?role=clinicians&q=xss",
    "ctdl catalogue": "/programs/ctdl.json",
    **{f"ctdl {slug}": f"/programs/{slug}.ctdl.json" for slug in seed.ALL},
    "compare json": f"/compare/export.json?{_SELECTION}",
}
CSV_OUTPUTS = {
    "export csv": "/programs/export.csv",
    "export csv, filtered": "/programs/export.csv?role=clinicians",
    "compare csv": f"/compare/export.csv?{_SELECTION}",
}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _read_everything(client: Client, payloads: list[str], change_ids: list[int]) -> dict:
    """Every public output read and checked: the problems found, by page."""
    found: dict[str, list[str]] = {}
    pages = {**_html_pages(change_ids), **FEEDS, **JSON_OUTPUTS, **CSV_OUTPUTS}
    for name, path in pages.items():
        response = client.get(path)
        if response.status_code != 200:
            found[name] = [f"status {response.status_code}"]
            continue
        body = _body(response)
        if name in FEEDS:
            try:
                problems, text = _feed_problems(ElementTree.fromstring(body))
            except ElementTree.ParseError as error:
                problems, text = [f"not XML: {error}"], ""
        elif name in JSON_OUTPUTS:
            try:
                problems, text = [], "\n".join(_json_strings(json.loads(body)))
            except ValueError as error:
                problems, text = [f"not JSON: {error}"], ""
        elif name in CSV_OUTPUTS:
            rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
            problems, text = [], "\n".join(cell for row in rows for cell in row)
        else:
            page = BeautifulSoup(body.decode(), "html.parser")
            problems = _html_problems(page, scripts_allowed=int(name.startswith("program ")))
            text = page.get_text()
        if not problems and not _shows(payloads, text):
            problems = ["the stored text is not shown"]
        if problems:
            found[name] = problems
    return found


def _read_sitemaps(client: Client, monkeypatch) -> dict[str, list[str]]:
    """robots.txt, the sitemap index and each section page it lists (two programs a page, so
    the seed's six make an index)."""
    monkeypatch.setattr(sitemaps.ProgramSitemap, "limit", 2)
    found: dict[str, list[str]] = {}
    robots = client.get("/robots.txt")
    if robots.status_code != 200:
        found["robots.txt"] = [f"status {robots.status_code}"]
    try:
        index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    except ElementTree.ParseError as error:
        return {**found, "sitemap index": [f"not XML: {error}"]}
    locations = [element.text for element in index.iter() if element.tag.endswith("loc")]
    assert len(locations) > 3, "the index lists each section page"
    for location in locations:
        try:
            ElementTree.fromstring(client.get(location).content)
        except ElementTree.ParseError as error:
            found[location] = [f"not XML: {error}"]
    return found


@pytest.mark.parametrize("payloads", GROUPS.values(), ids=GROUPS.keys())
def test_every_public_output_is_safe_with_stored_payloads_in_every_text_field(
    catalog, client, monkeypatch, payloads
):
    """Never a 500, no markup that runs, every XML, JSON and CSV output parses, and the
    stored text is shown as text."""
    change_ids = _poison(payloads)
    found = _read_everything(client, payloads, change_ids)
    found.update(_read_sitemaps(client, monkeypatch))
    assert not found, "\n".join(f"{page}: {'; '.join(sorted(set(p)))}" for page, p in found.items())


def test_a_nul_in_text_is_stored_and_shown_safely_or_refused_by_the_database(catalog):
    """SQLite stores NUL, so the C0 group above carries it to every page; PostgreSQL refuses
    NUL in text, so no page can meet one there (and the group leaves it out)."""
    program = Program.objects.order_by("pk").first()
    if connection.vendor == "postgresql":
        with pytest.raises(DataError, match="NUL"), transaction.atomic():
            Program.objects.filter(pk=program.pk).update(name="a\x00b")
    else:
        Program.objects.filter(pk=program.pk).update(name="a\x00b")
        assert Program.objects.get(pk=program.pk).name == "a\x00b"


def test_a_lone_surrogate_cannot_be_stored_so_only_xml_text_meets_one(catalog):
    """Text goes to either database as UTF-8, which has no lone surrogates: the write fails
    before any page could show one. `xml_text` still replaces them (below)."""
    program = Program.objects.order_by("pk").first()
    with pytest.raises(UnicodeEncodeError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(name="a\ud800b")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tab\tline\nreturn\r kept", "tab\tline\nreturn\r kept"),
        ("a\x00b\x08c\x0bd\x0ce\x1ff", "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf"),
        ("non-characters \ufffe\uffff", "non-characters \ufffd\ufffd"),
        ("lone surrogates \ud800\udfff", "lone surrogates \ufffd\ufffd"),
        (
            "DEL, C1 and bidi \x7f\x85\x9f\u202e\u2066 kept",
            "DEL, C1 and bidi \x7f\x85\x9f\u202e\u2066 kept",
        ),
        ("astral 𝔸 and \ufffd kept", "astral 𝔸 and \ufffd kept"),
    ],
)
def test_xml_text_replaces_exactly_what_xml_1_0_cannot_hold(text, expected):
    assert xml_text(text) == expected
    ElementTree.fromstring(f"<t>{xml_text(text)}</t>".encode())


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.example.edu/ai-in-health", True),
        ("http://example.org/a?b=c#d", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:alert(1)", False),
        ("//example.org/protocol-relative", False),
        ("/programs/", False),
        ("https://example.org/a b", False),
        ("", False),
        (None, False),
    ],
)
def test_only_a_web_address_is_linked(url, linked):
    assert web_address(url) == (url if linked else None)
