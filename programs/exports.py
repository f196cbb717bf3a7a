"""The filtered catalogue as CSV and JSON (issue #13), streamed.

Both hold exactly the programs /programs/ lists for the same query string, in its order
(`browse.listing`), in the exchange format (`programs.exchange`). They are generated while they
are sent: programs are read EXPORT_CHUNK at a time with their related rows prefetched per chunk,
so memory stays flat whether the catalogue holds six programs or ten thousand.
"""

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

from django.db import models
from django.http import QueryDict

from programs import exchange
from programs.browse import listing
from programs.filters import ProgramFilterSet
from programs.models import Program
from programs.spreadsheet import BOM, SafeWriter

EXPORT_CHUNK = 500
"""Programs read per query while exporting: 4 queries (programs, modules, role fits with roles
and documents, citations with documents) per chunk."""

NOTE = (
    "One program per row. An empty cell (null in JSON) means the sources do not publish that "
    "fact: the site shows it as Not published. Columns named '<fact>: who says, how sure' say "
    "who states each fact and how firmly ('according to IABAC', 'typically', 'about'); "
    "'<fact>: sources' quote the sentences it comes from. Confirm with providers."
)


def _fields_of(*kinds: type[models.Field]) -> frozenset[str]:
    """The exchange's program columns whose model field is one of these kinds."""
    return frozenset(
        name for name in exchange.PROGRAM_FIELDS if isinstance(Program._meta.get_field(name), kinds)
    )


NUMBER_FIELDS = _fields_of(models.DecimalField, models.IntegerField) | {"total_cost", "total_weeks"}
"""Written as JSON numbers (the derived totals are numbers too)."""
BOOLEAN_FIELDS = _fields_of(models.BooleanField)


def as_attachment(response, name: str):
    """The response as a download named `name` (every export and PDF of the site)."""
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def filename(extension: str, *, today: date | None = None) -> str:
    return f"certcatalog-programs-{(today or date.today()).isoformat()}.{extension}"


def programs_for(params: QueryDict):
    """The programs the list page shows for these parameters, loaded for export."""
    filterset = ProgramFilterSet(params)
    return listing(filterset, Program.objects.published().for_detail())


def catalogue():
    """Every published program in the unfiltered list's order, loaded for export: what the
    full-catalogue CSV and JSON hold and what /programs/ctdl.json pages through."""
    return programs_for(QueryDict())


_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_MARKER = "0-slug-0"


def page_urls(site: str) -> Callable[[Program], str]:
    """Each program's page address on `site` ("https://host"): the URL resolved once for the
    whole export, not once a row (a tenth of an export's time at 10,000 programs)."""
    head, tail = (site + Program(slug=_MARKER).get_absolute_url()).split(_MARKER)

    def page_url(program: Program) -> str:
        if _SLUG.match(program.slug):
            return f"{head}{program.slug}{tail}"
        return site + program.get_absolute_url()

    return page_url


def _stream(programs, page_url: Callable[[Program], str]) -> Iterator[exchange.Record]:
    return exchange.records(programs.iterator(chunk_size=EXPORT_CHUNK), page_url=page_url)


class _Line:
    """A file-like object whose write returns what was written: csv.writer as a generator."""

    def write(self, value: str) -> str:
        return value


def csv_writer() -> SafeWriter:
    """Writes a row and returns it as text (`csv_head`, then `csv_row` per program)."""
    return SafeWriter(_Line())


def csv_head(writer: SafeWriter) -> str:
    return BOM + writer.writerow(exchange.COLUMNS)


def csv_row(writer: SafeWriter, rec: exchange.Record) -> str:
    return writer.writerow(exchange.csv_cells(rec))


def csv_lines(programs, page_url: Callable[[Program], str]) -> Iterator[str]:
    writer = csv_writer()
    yield csv_head(writer)
    for rec in _stream(programs, page_url):
        yield csv_row(writer, rec)


def _json_value(name: str, value):
    """Exchange text in JSON's own types: numbers as numbers, yes/no as true/false."""
    if value is None:
        return None
    if name in NUMBER_FIELDS:
        number = Decimal(value)
        return int(number) if number == number.to_integral() else float(number)
    if name in BOOLEAN_FIELDS:
        return value == exchange.YES
    return value


def json_program(rec: exchange.Record) -> dict:
    editable = {name: _json_value(name, value) for name, value in rec.editable.items()}
    derived = {name: _json_value(name, rec.read_only[name]) for name in exchange.DERIVED_COLUMNS}
    facts = {}
    for spec in exchange.FACTS:
        shown, says, sources = exchange.FACT_COLUMNS[spec.key]
        facts[spec.key] = {
            "label": spec.label,
            "value": rec.read_only[shown],
            "who_says": rec.read_only[says],
            "sources": rec.read_only[sources],
        }
    return {**editable, **derived, "facts": facts}


def json_head(*, url: str, count: int) -> str:
    head = json.dumps({"url": url, "note": NOTE, "count": count}, ensure_ascii=False)
    return head[:-1] + ', "programs": ['


def json_item(index: int, rec: exchange.Record) -> str:
    """The program at `index` (from 0) in the document's list."""
    return ("," if index else "") + "\n" + json.dumps(json_program(rec), ensure_ascii=False)


JSON_TAIL = "\n]}\n"


def json_chunks(
    programs, page_url: Callable[[Program], str], *, url: str, count: int
) -> Iterator[str]:
    yield json_head(url=url, count=count)
    for i, rec in enumerate(_stream(programs, page_url)):
        yield json_item(i, rec)
    yield JSON_TAIL
