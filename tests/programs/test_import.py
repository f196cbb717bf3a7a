"""`manage.py import_programs`: the CSV export read back (issue #13).

Files are made the way editors make them: exported from /programs/export.csv, changed cell by
cell, saved as CSV. Every refused file is checked against a snapshot of the whole database
(catalogue, history, version), so "nothing was written" is asserted, not assumed.
"""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs import exchange, history, importing
from programs.models import (
    CatalogueVersion,
    Citation,
    HistoricalProgram_topics,
    Module,
    Program,
    Provider,
    Topic,
)
from programs.spreadsheet import BOM
from tests.seed import ALL, HARVARD, IABAC, JHU, STANFORD
from tests.sourcing import cite_in_sheet

pytestmark = pytest.mark.django_db


class Sheet:
    """An exported file as a spreadsheet holds it: rows of raw cells by column name."""

    def __init__(self, data: bytes):
        records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        self.header = records[0]
        self.rows = [dict(zip(self.header, cells, strict=True)) for cells in records[1:]]

    def row(self, slug: str) -> dict:
        return next(row for row in self.rows if row["slug"] == slug)

    def items(self, slug: str, column: str) -> list[dict]:
        return json.loads(self.row(slug)[column])

    def set_items(self, slug: str, column: str, items: list[dict]) -> None:
        self.row(slug)[column] = json.dumps(items, ensure_ascii=False)

    def data(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.header)
        for row in self.rows:
            writer.writerow([row.get(name, "") for name in self.header])
        return (BOM + out.getvalue()).encode()


def export(client, query: str = "") -> bytes:
    response = client.get(f"/programs/export.csv{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def run_import(tmp_path, data: bytes, *options: str) -> tuple[str, str]:
    path = tmp_path / "programs.csv"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_programs", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(tmp_path, data: bytes) -> str:
    """The errors an import prints for a file it refuses; the database must be untouched."""
    path = tmp_path / "programs.csv"
    path.write_bytes(data)
    err = io.StringIO()
    before = database()
    with pytest.raises(CommandError, match=r"Nothing was written\.$"):
        call_command("import_programs", str(path), stdout=io.StringIO(), stderr=err)
    assert database() == before
    return err.getvalue()


def database() -> dict:
    """Every catalogue row, every history record and the catalogue version."""
    models = [
        *history.CATALOGUE_MODELS,
        *(model.history.model for model in history.CATALOGUE_MODELS),
        HistoricalProgram_topics,
        Program.topics.through,
        CatalogueVersion,
    ]
    return {m._meta.label: list(m._base_manager.order_by("pk").values()) for m in models}


def catalogue() -> dict:
    """Every program field by field, with its provider, topics, modules, role fits and
    citations, named as the catalogue names them (not by id, which a rebuild changes)."""
    programs = Program.objects.select_related("provider").prefetch_related(
        "topics", "modules", "role_fits__role", "role_fits__source", "role_fits__module"
    )
    snapshot = {}
    for program in programs:
        fields = {
            f.attname: getattr(program, f.attname)
            for f in Program._meta.concrete_fields
            if f.name not in ("id", "provider")
        }
        provider = program.provider
        snapshot[program.slug] = fields | {
            "provider": (
                provider.name,
                provider.short_name,
                provider.kind,
                provider.slug,
                provider.description,
                provider.contact_email,
            ),
            "topics": sorted(topic.name for topic in program.topics.all()),
            "modules": [
                (m.position, m.title, m.weeks, m.weeks_is_approximate, m.price_amount)
                for m in program.modules.all()
            ],
            "role_fits": sorted(
                (
                    fit.role.slug,
                    fit.strength,
                    fit.grade,
                    fit.condition,
                    fit.rationale,
                    fit.source.title,
                    fit.module.position if fit.module_id else None,
                )
                for fit in program.role_fits.all()
            ),
            "citations": [
                (c.field, c.standing, c.document.title, c.quote)
                for c in program.citations.select_related("document").order_by("pk")
            ],
        }
    return snapshot


def empty_catalogue() -> None:
    """The reference data stays (roles, source documents); programs, providers and topics go."""
    Program.objects.all().delete()
    Provider.objects.all().delete()
    Topic.objects.all().delete()


# Round trips -------------------------------------------------------------------------------


def test_round_trip_rebuilds_an_emptied_catalogue_exactly(catalog, client, tmp_path):
    """Every program, its provider (description and contact address too), topics, modules, role
    fits and citations come back exactly, and exporting again gives the same file, byte for
    byte."""
    Provider.objects.filter(programs__slug=JHU).update(
        description="A university.", contact_email="ai-certificate@example.org"
    )
    exported = export(client)
    before = catalogue()
    assert sorted(before) == sorted(ALL)
    empty_catalogue()
    assert not Program.objects.exists()

    out, err = run_import(tmp_path, exported)

    assert "Imported 6 programs: 6 created, 0 updated, 0 unchanged." in out
    assert err == ""
    assert catalogue() == before
    assert export(client) == exported
    assert export(client) == exported


def test_reimporting_an_unchanged_export_writes_nothing(catalog, client, tmp_path):
    exported = export(client)
    before = database()

    out, _ = run_import(tmp_path, exported)

    assert "Imported 6 programs: 0 created, 0 updated, 6 unchanged." in out
    assert database() == before


def test_only_the_editable_columns_are_needed_in_any_order(catalog, client, tmp_path):
    sheet = Sheet(export(client))
    sheet.header = list(reversed(exchange.EDITABLE_COLUMNS))

    out, _ = run_import(tmp_path, sheet.data())

    assert "Imported 6 programs: 0 created, 0 updated, 6 unchanged." in out


def test_importing_a_filtered_export_updates_only_its_programs(catalog, client, tmp_path):
    sheet = Sheet(export(client, "?role=clinicians"))
    listed = {row["slug"] for row in sheet.rows}
    assert listed and listed != set(ALL)
    for row in sheet.rows:
        row["last_verified"] = "2026-05-01"
    others = {slug: facts for slug, facts in catalogue().items() if slug not in listed}

    out, _ = run_import(tmp_path, sheet.data())

    assert f"0 created, {len(listed)} updated, 0 unchanged" in out
    verified = dict(Program.objects.values_list("slug", "last_verified"))
    assert {slug for slug, day in verified.items() if day.isoformat() == "2026-05-01"} == listed
    assert {slug: facts for slug, facts in catalogue().items() if slug not in listed} == others


def test_an_edited_price_is_imported_with_its_history(catalog, client, tmp_path):
    sheet = Sheet(export(client))
    sheet.row(JHU)["price_amount"] = "2500"
    cite_in_sheet(sheet, JHU, "price", "The certificate program costs $2,500.")
    version = CatalogueVersion.objects.get().version
    program = Program.objects.get(slug=JHU)

    out, _ = run_import(tmp_path, sheet.data())

    assert "Imported 6 programs: 0 created, 1 updated, 5 unchanged." in out
    assert f"updated {JHU}: price_amount, citations" in out
    program.refresh_from_db()
    assert program.price_amount == Decimal("2500")
    [entry] = history.public_changes(history.program_change_records(program.pk)[:1])
    assert [(c.label, c.old, c.new) for c in entry.changes] == [("Price", "$2,990", "$2,500")]
    assert CatalogueVersion.objects.get().version == version + 1
    record = program.history.latest()
    assert record.history_change_reason == "Imported from a spreadsheet: programs.csv"

    before = database()
    out, _ = run_import(tmp_path, sheet.data())
    assert "0 created, 0 updated, 6 unchanged" in out
    assert database() == before


def test_one_import_is_one_revision_and_one_version_bump(catalog, client, tmp_path):
    sheet = Sheet(export(client))
    sheet.row(JHU)["price_amount"] = "2500"
    cite_in_sheet(sheet, JHU, "price", "The certificate program costs $2,500.")
    sheet.row(STANFORD)["topics"] += "; Robotics"
    cite_in_sheet(sheet, STANFORD, "topics", "The specialization covers robotics.")
    fits = sheet.items(IABAC, "role_fits")
    sheet.set_items(IABAC, "role_fits", fits[1:])
    before = {
        model: set(model.history.values_list("pk", flat=True)) for model in history.CATALOGUE_MODELS
    }
    version = CatalogueVersion.objects.get().version

    run_import(tmp_path, sheet.data())

    assert CatalogueVersion.objects.get().version == version + 1

    written = [
        record
        for model in history.CATALOGUE_MODELS
        for record in model.history.exclude(pk__in=before[model])
    ]
    assert {record.history_type for record in written} >= {"~", "+", "-"}
    assert len({record.revision for record in written}) == 1


def test_parts_are_replaced_to_match_the_file(catalog, client, tmp_path):
    """Modules, role fits and citations end as the file lists them; the course count follows the
    modules, and the program's history gets one record (one change-log entry), not one per
    module."""
    sheet = Sheet(export(client))
    modules = sheet.items(HARVARD, "modules")
    sheet.set_items(HARVARD, "modules", modules[:2])
    sheet.row(HARVARD)["course_count"] = "2"
    cite_in_sheet(sheet, HARVARD, ("course_count", "modules"), "It is now a two-module program.")
    citations = sheet.items(JHU, "citations")
    citations[0]["standing"] = (
        "assessment" if citations[0]["standing"] != "assessment" else "stated"
    )
    sheet.set_items(JHU, "citations", [*citations[1:], citations[0]])
    harvard = Program.objects.get(slug=HARVARD)
    records = harvard.history.count()

    out, _ = run_import(tmp_path, sheet.data())

    assert f"updated {HARVARD}: course_count, modules, citations" in out
    assert f"updated {JHU}: citations" in out
    harvard.refresh_from_db()
    assert harvard.course_count == 2
    assert harvard.total_cost == Decimal("3200")
    assert list(Module.objects.filter(program=harvard).values_list("position", flat=True)) == [1, 2]
    assert harvard.history.count() == records + 1
    [entry] = history.public_changes(history.program_change_records(harvard.pk))
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("Number of courses", "3", "2"),
        # The figures derived from them move with them (issue #20).
        ("Total cost (derived)", "about $4,800", "about $3,200"),
        ("Duration (sum of the modules' lengths)", "15 weeks", "10 weeks"),
        ("Module 3", modules[2]["title"], "removed"),
    ]
    exported = Sheet(export(client))
    for slug in (HARVARD, JHU):
        for column in ("modules", "role_fits", "citations", "course_count"):
            assert exported.row(slug)[column] == sheet.row(slug)[column]


def test_a_module_edit_alone_shows_in_the_change_log(catalog, client, tmp_path):
    sheet = Sheet(export(client))
    modules = sheet.items(HARVARD, "modules")
    old_title = modules[0]["title"]
    modules[0]["title"] = "Foundations of clinical AI"
    sheet.set_items(HARVARD, "modules", modules)

    out, _ = run_import(tmp_path, sheet.data())

    assert f"updated {HARVARD}: modules" in out
    harvard = Program.objects.get(slug=HARVARD)
    [entry] = history.public_changes(history.program_change_records(harvard.pk))
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("Module 1 · Title", old_title, "Foundations of clinical AI")
    ]


def test_a_non_ascii_program_round_trips(catalog, client, tmp_path):
    sheet = Sheet(export(client))
    row = dict(sheet.row(JHU))
    row |= {
        "slug": "zurich-arzte-ki",
        "name": "Zürich Ärzte – KI",
        "provider": "Universität Zürich",
        "provider_short_name": "UZH",
        "summary": "Für Ärztinnen und Ärzte: „KI“ im Spital.",
        "topics": "AI governance; Ethik für Ärzte",
    }
    sheet.rows.append(row)
    cite_in_sheet(sheet, "zurich-arzte-ki", "topics", "Themen: AI governance; Ethik für Ärzte.")

    out, _ = run_import(tmp_path, sheet.data())

    assert "1 created, 0 updated, 6 unchanged" in out
    program = Program.objects.get(slug="zurich-arzte-ki")
    assert program.name == "Zürich Ärzte – KI"
    assert program.provider.name == "Universität Zürich"
    assert Topic.objects.get(name="Ethik für Ärzte").slug == "ethik-fur-arzte"
    again = Sheet(export(client)).row("zurich-arzte-ki")
    editable = exchange.EDITABLE_COLUMNS
    assert {c: again[c] for c in editable} == {c: row[c] for c in editable}


def test_a_value_that_starts_like_a_formula_round_trips_as_text(catalog, client, tmp_path):
    program = Program.objects.get(slug=STANFORD)
    program.summary = "=1+1 is not a formula here"
    program.save()
    exported = export(client)
    assert Sheet(exported).row(STANFORD)["summary"] == "'=1+1 is not a formula here"
    empty_catalogue()

    run_import(tmp_path, exported)

    assert Program.objects.get(slug=STANFORD).summary == "=1+1 is not a formula here"


def test_a_value_that_starts_with_an_apostrophe_and_a_formula_round_trips(
    catalog, client, tmp_path
):
    """The export adds one apostrophe and the import removes one, whatever the value holds."""
    Program.objects.filter(slug=STANFORD).update(summary="'=quoted, on purpose")
    exported = export(client)
    assert Sheet(exported).row(STANFORD)["summary"] == "''=quoted, on purpose"
    empty_catalogue()

    run_import(tmp_path, exported)

    assert Program.objects.get(slug=STANFORD).summary == "'=quoted, on purpose"


def test_dry_run_says_what_would_change_and_writes_nothing(catalog, client, tmp_path):
    sheet = Sheet(export(client))
    sheet.row(JHU)["price_amount"] = "2500"
    cite_in_sheet(sheet, JHU, "price", "The certificate program costs $2,500.")
    sheet.rows.append(dict(sheet.row(JHU), slug="new-program", name="A new program"))
    before = database()

    out, _ = run_import(tmp_path, sheet.data(), "--dry-run")

    assert "would create new-program" in out
    assert f"would update {JHU}: price_amount" in out
    assert "would create 1, update 1, leave 5 unchanged. Nothing was written." in out
    assert database() == before


# Refused files -----------------------------------------------------------------------------


def _edited(client, edit) -> bytes:
    sheet = Sheet(export(client))
    edit(sheet)
    return sheet.data()


def _drop_columns(sheet):
    sheet.header = [name for name in sheet.header if name not in ("price_amount", "topics")]


def _row_of(sheet, slug) -> int:
    return 2 + [row["slug"] for row in sheet.rows].index(slug)


def test_missing_columns_are_named_in_one_error(catalog, client, tmp_path):
    errors = refused(tmp_path, _edited(client, _drop_columns))
    assert errors.splitlines() == [
        "row 1: the file lacks the columns price_amount, topics. Every column of the export up "
        "to “citations” is needed: export a fresh file from /programs/export.csv and edit that."
    ]


def _set(slug, column, value):
    def edit(sheet):
        sheet.row(slug)[column] = value

    return edit


def _set_item(slug, column, index, key, value):
    def edit(sheet):
        items = sheet.items(slug, column)
        items[index][key] = value
        sheet.set_items(slug, column, items)

    return edit


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            _set(JHU, "price_amount", "abc"),
            "row {jhu}, price_amount: “abc” is not a number",
            id="bad-number",
        ),
        pytest.param(
            _set(JHU, "exam_minutes", "1.5"),
            "row {jhu}, exam_minutes: “1.5” is not a whole number.",
            id="fractional-whole-number",
        ),
        pytest.param(
            _set(JHU, "last_verified", "01/03/2026"),
            "row {jhu}, last_verified: “01/03/2026” is not a date: write YYYY-MM-DD.",
            id="bad-date",
        ),
        pytest.param(
            _set(JHU, "cme_credit", "maybe"),
            "row {jhu}, cme_credit: “maybe” is not yes or no.",
            id="bad-boolean",
        ),
        pytest.param(
            _set(JHU, "provider_kind", "college"),
            "row {jhu}, provider_kind: “college” is not one of: credentialing_body, university, "
            "health_system, specialty_board, other.",
            id="unknown-provider-kind",
        ),
        pytest.param(
            _set(JHU, "provider", "Harvard"),
            "row {jhu}, provider_short_name: “Johns Hopkins” differs from row {harvard} for the "
            "same provider (“Harvard”).",
            id="provider-differs-between-rows",
        ),
        pytest.param(
            _set(JHU, "name", ""),
            "row {jhu}, name: cannot be empty.",
            id="empty-name",
        ),
        pytest.param(
            _set(IABAC, "slug", JHU),
            "row {iabac}, slug: “johns-hopkins-ai-in-healthcare” is also in row {jhu}.",
            id="duplicate-slug",
        ),
        pytest.param(
            _set(JHU, "price_basis", "per_course"),
            "row {jhu}, course_count: Per-course pricing needs the number of courses.",
            id="per-course-price-without-course-count",
        ),
        pytest.param(
            _set(JHU, "price_amount", "'-5"),
            "row {jhu}, price_amount: The price cannot be negative.",
            id="negative-price",
        ),
        pytest.param(
            _set(JHU, "price_currency", ""),
            "row {jhu}, price_amount, price_currency, price_basis: Give the price amount, "
            "currency and basis together, or leave all three empty.",
            id="price-without-currency",
        ),
        pytest.param(
            _set(HARVARD, "course_count", "4"),
            "row {harvard}, course_count: is 4, but 3 modules are listed",
            id="course-count-not-the-modules",
        ),
        pytest.param(
            _set(JHU, "summary", '=HYPERLINK("https://example.com","Click")'),
            'row {jhu}, summary: “=HYPERLINK("https://example.com","Click")” starts with “=”, '
            "which spreadsheets run as a formula.",
            id="formula",
        ),
        pytest.param(
            _set(JHU, "price_amount", "-5"),
            "row {jhu}, price_amount: “-5” starts with “-”",
            id="unescaped-minus",
        ),
        pytest.param(
            _set_item(IABAC, "role_fits", 0, "role", "nurses"),
            "row {iabac}, role_fits, item 1, role: “nurses” is not a role; the roles are ",
            id="unknown-role",
        ),
        pytest.param(
            _set_item(IABAC, "role_fits", 0, "strength", "perfect"),
            "row {iabac}, role_fits, item 1, strength: “perfect” is not a whole number.",
            id="unknown-strength",
        ),
        pytest.param(
            _set_item(IABAC, "role_fits", 0, "module", 7),
            "row {iabac}, role_fits, item 1, module: no module has position 7 in this row's "
            "modules (positions: none).",
            id="role-fit-module-missing",
        ),
        pytest.param(
            _set_item(JHU, "citations", 0, "document", "A Guide Nobody Wrote"),
            "row {jhu}, citations, item 1, document: “A Guide Nobody Wrote” is not a "
            "document's title",
            id="unknown-document",
        ),
        pytest.param(
            _set_item(JHU, "citations", 0, "quote", "The best program in the world."),
            "row {jhu}, citations, item 1, quote: This sentence is not in “",
            id="invented-quote",
        ),
        pytest.param(
            _set_item(JHU, "citations", 0, "colour", "red"),
            "row {jhu}, citations, item 1: has no key “colour”; the keys are field, standing, "
            "document, quote, referent, superseded.",
            id="unknown-key",
        ),
        pytest.param(
            _set_item(HARVARD, "modules", 0, "weeks", "four"),
            "row {harvard}, modules, item 1, weeks: “four” is not a number",
            id="bad-module-number",
        ),
        pytest.param(
            _set_item(HARVARD, "modules", 0, "price_amount", "99"),
            "row {harvard}, modules, item 1, price_amount: The program is priced at $1,600 per "
            "course",
            id="module-price-not-the-per-course-price",
        ),
        pytest.param(
            _set(JHU, "modules", "[{"),
            "row {jhu}, modules: is not a JSON list",
            id="broken-json",
        ),
    ],
)
def test_a_bad_cell_is_refused_with_its_row_and_column(catalog, client, tmp_path, edit, expected):
    sheet = Sheet(export(client))
    rows = {"jhu": _row_of(sheet, JHU), "iabac": _row_of(sheet, IABAC)}
    rows["harvard"] = _row_of(sheet, HARVARD)
    edit(sheet)

    errors = refused(tmp_path, sheet.data())

    assert expected.format(**rows) in errors


def test_every_error_is_reported_and_earlier_good_rows_are_not_written(catalog, client, tmp_path):
    sheet = Sheet(export(client))
    for row in sheet.rows[:3]:
        row["last_verified"] = "2026-05-01"  # rows 2-4: fine
    sheet.rows[3]["price_amount"] = "abc"  # row 5
    sheet.rows[3]["validity_months"] = "forever"
    sheet.rows.append(dict(sheet.rows[0], slug="brand-new", topics="A topic never seen"))

    errors = refused(tmp_path, sheet.data()).splitlines()

    assert errors == [
        "row 5, price_amount: “abc” is not a number (write digits, with a point for decimals "
        "and no currency sign or thousands separator).",
        "row 5, validity_months: “forever” is not a whole number.",
    ]
    assert not Topic.objects.filter(name="A topic never seen").exists()


def test_a_row_with_a_cell_too_many_is_refused(catalog, client, tmp_path):
    lines = export(client).split(b"\r\n")
    lines[3] += b",surplus"

    errors = refused(tmp_path, b"\r\n".join(lines))

    assert errors.startswith("row 4: has ")
    assert "cells but the header has" in errors


def test_a_provider_edited_in_the_file_is_updated_with_its_history(catalog, client, tmp_path):
    sheet = Sheet(export(client))
    sheet.row(STANFORD)["provider_kind"] = "other"

    out, _ = run_import(tmp_path, sheet.data())

    assert "updated provider “Stanford”" in out
    assert "0 created, 0 updated, 6 unchanged" in out
    provider = Provider.objects.get(name="Stanford")
    assert provider.kind == "other"
    assert provider.history.latest().history_change_reason.startswith("Imported")


def test_a_file_that_is_not_utf8_is_refused_with_its_row(catalog, client, tmp_path):
    """A name typed in a Latin-1 editor into an otherwise UTF-8 file."""
    sheet = Sheet(export(client))
    sheet.row(STANFORD)["name"] = "Stanford Médecine"
    name = "Stanford Médecine"
    data = sheet.data().replace(name.encode(), name.encode("latin-1"))

    errors = refused(tmp_path, data)

    assert errors.splitlines() == [
        f"row {_row_of(sheet, STANFORD)}: the file is not UTF-8 text (byte 0xE9 cannot be read). "
        "Save it from the spreadsheet as “CSV UTF-8” and import it again."
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty: export one from /programs/export.csv."),
        (BOM.encode() + b"\r\n", "The file is empty: export one from /programs/export.csv."),
    ],
)
def test_an_empty_file_is_refused(catalog, tmp_path, data, expected):
    assert refused(tmp_path, data).splitlines() == [expected]


def test_a_header_without_programs_is_refused(catalog, client, tmp_path):
    header = export(client).split(b"\r\n")[0] + b"\r\n"
    assert refused(tmp_path, header).splitlines() == ["The file has a header row but no programs."]


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nothing.csv: No such file"):
        call_command("import_programs", str(tmp_path / "nothing.csv"))


def test_the_file_can_come_from_standard_input(catalog, client, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(export(client))))
    out = io.StringIO()

    call_command("import_programs", "-", "--dry-run", stdout=out)

    assert "would create 0, update 0, leave 6 unchanged" in out.getvalue()


def test_the_import_is_callable_without_the_command(catalog, client):
    sheet = Sheet(export(client))
    sheet.row(JHU)["price_amount"] = "abc"

    with pytest.raises(importing.ImportRefused) as raised:
        importing.import_programs(sheet.data())

    assert raised.value.errors == [
        f"row {_row_of(sheet, JHU)}, price_amount: “abc” is not a number (write digits, with a "
        "point for decimals and no currency sign or thousands separator)."
    ]


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("'=1+1", "=1+1"),
        ("'-5", "-5"),
        ("'@home", "@home"),
        ("''=x", "'=x"),
        ("'tis", "'tis"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_unescape_undoes_exactly_the_exports_apostrophe(cell, value):
    assert importing.unescape(cell) == value


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_unescape_refuses_a_cell_that_starts_like_a_formula(cell):
    with pytest.raises(importing.cells.Invalid, match="which spreadsheets run as a formula"):
        importing.unescape(cell)


@pytest.mark.parametrize(
    ("field", "cell", "value"),
    [
        ("cme_credit", "Yes", True),
        ("cme_credit", "no", False),
        ("cme_credit", "", None),
        ("price_is_approximate", "", False),
        ("price_amount", " 2990 ", Decimal("2990")),
        ("weekly_hours_min", "2.5", Decimal("2.5")),
        ("exam_questions", "50", 50),
        ("last_verified", "2026-03-01", date(2026, 3, 1)),
        ("format", "self_paced", "self_paced"),
        ("summary", "", None),
    ],
)
def test_read_value_reads_cells_as_the_export_writes_them(field, cell, value):
    assert importing.read_value(Program._meta.get_field(field), cell) == value


@pytest.mark.parametrize(
    ("field", "cell", "message"),
    [
        ("price_amount", "$2,990", "“$2,990” is not a number"),
        ("price_amount", "NaN", "“NaN” is not a number"),
        ("exam_questions", "50.5", "“50.5” is not a whole number."),
        ("last_verified", "2026-02-30", "“2026-02-30” is not a date: write YYYY-MM-DD."),
        ("format", "Self-paced", "“Self-paced” is not one of: self_paced, cohort, exam_only."),
        ("name", " ", "cannot be empty."),
    ],
)
def test_read_value_refuses_what_the_model_cannot_store(field, cell, message):
    with pytest.raises(importing.cells.Invalid, match=re.escape(message)):
        importing.read_value(Program._meta.get_field(field), cell)


def test_a_fact_its_citations_do_not_give_is_refused_with_its_row_and_column(
    catalog, client, tmp_path
):
    """The same rule as admin (programs/support.py), with the row and column."""
    sheet = Sheet(export(client))
    sheet.row(JHU)["price_amount"] = "2500"
    modules = sheet.items(HARVARD, "modules")
    modules[0]["weeks"] = "7"
    sheet.set_items(HARVARD, "modules", modules)
    errors = refused(tmp_path, sheet.data())
    assert (
        f"row {_row_of(sheet, JHU)}, price_amount: The cited sentence gives $2,990 (the 2026 "
        "guide, “Johns Hopkins' AI in Healthcare Certificate Program runs 10 weeks online at "
        "$2,990, requires no prior programming experience, and combines recorded lessons with "
        "live mentorship and masterclasses.”). Cite the sentence that gives $2,500, or leave the "
        "price unknown."
    ) in errors.splitlines()
    assert any(
        line.startswith(f"row {_row_of(sheet, HARVARD)}, modules, item 1, weeks: ")
        and "approximately five weeks" in line
        for line in errors.splitlines()
    ), errors


def test_a_superseded_citation_and_a_referent_survive_export_and_import(catalog, client, tmp_path):
    """After a price change (the guide's $2,990 superseded by a provider's page), the exchange
    file keeps which sentence is current, and whom a pronoun means (issue #21)."""
    from tests.sourcing import reprice

    jhu = reprice(Program.objects.get(slug=JHU), Decimal("3290"))
    sheet = Sheet(export(client))
    items = sheet.items(JHU, "citations")
    assert {(i["quote"][:30], i["superseded"]) for i in items if i["field"] == "price"} == {
        ("Johns Hopkins' AI in Healthcar", True),
        ("The program costs $3,290.", False),
    }
    harvard = sheet.items(HARVARD, "citations")
    assert any(i["referent"] and "Both programs" in i["referent"] for i in harvard)
    Citation.objects.filter(program=jhu).update(superseded=False, referent=None)
    Citation.objects.filter(program=jhu, field="price", quote__startswith="Johns").delete()
    out, _ = run_import(tmp_path, sheet.data())
    assert f"updated {JHU}: citations" in out
    old = Citation.objects.get(program=jhu, field="price", quote__startswith="Johns")
    assert old.superseded
    page = client.get(jhu.get_absolute_url()).content.decode()
    assert "earlier: $2,990" in page


def test_an_older_file_without_superseded_is_refused_and_loses_nothing(catalog, client, tmp_path):
    from tests.sourcing import reprice

    jhu = reprice(Program.objects.get(slug=JHU), Decimal("3290"))
    sheet = Sheet(export(client))
    for slug in (JHU, HARVARD):
        items = [
            {k: v for k, v in item.items() if k not in ("superseded", "referent")}
            for item in sheet.items(slug, "citations")
        ]
        sheet.set_items(slug, "citations", items)
    # Read as written, the old file would cite both prices as current: refused, nothing lost.
    with pytest.raises(CommandError, match="Nothing was written"):
        run_import(tmp_path, sheet.data())
    assert Citation.objects.get(program=jhu, field="price", quote__startswith="Johns").superseded
    harvard = Citation.objects.filter(program__slug=HARVARD, quote__startswith="Both programs")
    assert harvard.exists() and all(c.referent for c in harvard)
