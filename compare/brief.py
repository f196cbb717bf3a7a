"""A brief a budget holder can sign (issue #23): a plan, a stack or a comparison on one page,
as HTML to print and as a PDF rendered on the server with WeasyPrint.

WeasyPrint fetches what the page links to (the stylesheet). `StaticFilesFetcher` serves only the
site's own static files, read from disk (`STATIC_ROOT` when collected, else the staticfiles
finders), and refuses every other address: rendering a PDF never opens a connection, so a
brief cannot be made to reach another server or read another file.
"""

import mimetypes
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils._os import safe_join

from compare.plans import Plan
from compare.stacks import QUESTIONS, Answer, Notes, Part
from compare.table import Cell, Row, Table
from programs.exports import as_attachment
from programs.facts import facts_for
from programs.models import RoleFit

PDF = "application/pdf"


class RefusedAddress(ValueError):
    """An address the brief's renderer will not fetch: it is not one of the site's static files."""


class StaticFilesFetcher(weasyprint.URLFetcher):
    """Serves `<origin>/static/…` from disk; refuses everything else, never touching the network."""

    def __init__(self, origin: str):
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self.origin = origin.rstrip("/")

    def fetch(self, url, headers=None):
        path = self.static_path(url)
        if path is None:
            raise RefusedAddress(f"Not one of the site's static files: {url[:200]}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": kind}, 200
        )

    def static_path(self, url: str) -> Path | None:
        """The file on disk a static address names, or None."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if origin != self.origin.lower() or not parts.path.startswith(prefix):
            return None
        name = unquote(parts.path[len(prefix) :])
        if not name or "\x00" in name or ".." in name.replace("\\", "/").split("/"):
            return None
        # The source files first (a stale STATIC_ROOT must not style a brief), then the
        # collected ones: the hashed names a manifest storage gives exist only there.
        try:
            found = finders.find(name)
        except (SuspiciousFileOperation, ValueError):  # outside the finders' folders
            return None
        if isinstance(found, str) and Path(found).is_file():
            return Path(found)
        if not settings.STATIC_ROOT:
            return None
        try:
            collected = Path(safe_join(settings.STATIC_ROOT, name))
        except ValueError:  # outside STATIC_ROOT ("../")
            return None
        return collected if collected.is_file() else None

    def __call__(self, url):
        return self.fetch(url)


def render_pdf(html: str, *, origin: str) -> bytes:
    """The page as PDF; `origin` (`https://host`) is the site's own address: relative links
    resolve against it and only its static files are fetched."""
    return weasyprint.HTML(
        string=html, base_url=f"{origin}/", url_fetcher=StaticFilesFetcher(origin)
    ).write_pdf()


def filename(kind: str, *, today: date) -> str:
    return f"certcatalog-{kind}-brief-{today.isoformat()}.pdf"


def pdf_response(request, template: str, context: dict, *, kind: str, today: date):
    """The brief's template rendered to a PDF download named for its kind and date."""
    origin = request.build_absolute_uri("/").rstrip("/")
    html = render_to_string(template, context | {"pdf": True}, request=request)
    response = HttpResponse(render_pdf(html, origin=origin), content_type=PDF)
    return as_attachment(response, filename(kind, today=today))


# -- The comparison's footnotes ---------------------------------------------------------------


@dataclass
class NumberedRow:
    row: Row
    cells: list[tuple[Cell, list[int]]]


@dataclass
class NumberedGroup:
    name: str
    rows: list[NumberedRow]


def number_comparison(table: Table) -> tuple[list[NumberedGroup], Notes]:
    """The print summary's rows with each cell's footnotes: the sentences behind each fact
    (as the comparison page cites them) and each role fit's sentence, numbered in reading order."""
    notes = Notes()
    facts = {p.pk: {f.key: f for f in facts_for(p)} for p in table.programs}
    groups = []
    for group in table.groups:
        rows = []
        for row in group.rows:
            cells = []
            for program, cell in zip(table.programs, row.cells, strict=True):
                if row.key == "fit":
                    fits = sorted(program.role_fits.all(), key=RoleFit.reading_order)
                    numbers = list(dict.fromkeys(notes.fit(fit) for fit in fits))
                elif cell.known and row.key in facts[program.pk]:
                    numbers = notes.cite(facts[program.pk][row.key].citations, program)
                else:
                    numbers = []
                cells.append((cell, numbers))
            rows.append(NumberedRow(row, cells))
        groups.append(NumberedGroup(group.name, rows))
    return groups, notes


# -- A team plan's answers to the three questions, once per program chosen -------------------


@dataclass
class Coverage:
    """One chosen program's answers, said once for every role it is chosen for; CME only
    where a clinician role takes it (None elsewhere), as the plan page asks."""

    part: Part
    roles: list[str]
    answers: dict[str, Answer | None]

    @property
    def cells(self) -> list[tuple[str, str, Answer | None]]:
        return [(key, label, self.answers.get(key)) for key, label in QUESTIONS]


def plan_coverage(plan: Plan) -> list[Coverage]:
    found: dict[str, Coverage] = {}
    for row in plan.rows:
        if row.part is None:
            continue
        entry = found.setdefault(row.part.ref, Coverage(row.part, [], {}))
        entry.roles.append(row.role.name)
        entry.answers.update({key: answer for key, _, answer in row.coverage})
    return list(found.values())
