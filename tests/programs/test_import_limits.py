"""Imports that cannot break the importer (issue #22, item 8): refused characters, deep JSON,
huge numbers and oversized files are each reported by row and column with nothing written,
never a traceback; the file is read a chunk of rows at a time."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs import exchange, importing
from programs.importing import cells, checking
from programs.models import Program
from tests.programs.test_import import Sheet, _row_of, database, export, refused
from tests.programs.test_text_safety import CHAR_IDS, REFUSED
from tests.seed import HARVARD, IABAC, JHU

pytestmark = pytest.mark.django_db


def _message(char: str, position: int = 2) -> str:
    return f"contains {REFUSED[char]} at position {position}; remove it."


@pytest.mark.parametrize("char", REFUSED, ids=CHAR_IDS)
def test_a_refused_character_in_a_cell_is_reported_by_row_and_column(
    catalog, client, tmp_path, char
):
    sheet = Sheet(export(client))
    sheet.row(JHU)["name"] = "J" + char + "ohns Hopkins"

    errors = refused(tmp_path, sheet.data())

    assert errors.splitlines() == [f"row {_row_of(sheet, JHU)}, name: {_message(char)}"]


@pytest.mark.parametrize("char", REFUSED, ids=CHAR_IDS)
def test_a_refused_character_in_a_json_cell_is_reported_by_row_column_and_item(
    catalog, client, tmp_path, char
):
    """Written as a JSON escape ("\\u000b"), so the cell itself holds none: the value does."""
    sheet = Sheet(export(client))
    citations = sheet.items(JHU, "citations")
    quote = citations[1]["quote"]
    citations[1]["quote"] = quote[0] + char + quote[1:]
    sheet.row(JHU)["citations"] = json.dumps(citations)  # ASCII, every character escaped

    errors = refused(tmp_path, sheet.data())

    assert errors.splitlines() == [
        f"row {_row_of(sheet, JHU)}, citations, item 2, quote: {_message(char)}"
    ]


def test_every_text_cell_and_json_text_is_checked(catalog, client, tmp_path):
    """A vertical tab in every cell the import reads and in every JSON text: each reported
    once, under its own row and column."""
    sheet = Sheet(export(client))
    number = _row_of(sheet, HARVARD)
    row = sheet.row(HARVARD)
    items = {column: sheet.items(HARVARD, column) for column in exchange.RELATED_FIELDS[1:]}
    text_columns = [
        column
        for column in exchange.EDITABLE_COLUMNS
        if column not in exchange.RELATED_FIELDS and row[column]
    ]
    for column in text_columns:
        row[column] = row[column][0] + "\x0b" + row[column][1:]
    row["topics"] = "Gov\x0bernance"
    for column, key in [
        ("modules", "title"),
        ("role_fits", "grade"),
        ("role_fits", "rationale"),
        ("citations", "quote"),
    ]:
        item = items[column][0]
        item[key] = item[key][0] + "\x0b" + item[key][1:]
    for column, listed in items.items():
        row[column] = json.dumps(listed, ensure_ascii=False)

    errors = refused(tmp_path, sheet.data()).splitlines()

    expected = [f"row {number}, {column}: {_message(chr(11))}" for column in text_columns]
    expected += [f"row {number}, topics: {_message(chr(11), 4)}"]
    expected += [
        f"row {number}, modules, item 1, title: {_message(chr(11))}",
        f"row {number}, role_fits, item 1, grade: {_message(chr(11))}",
        f"row {number}, role_fits, item 1, rationale: {_message(chr(11))}",
        f"row {number}, citations, item 1, quote: {_message(chr(11))}",
    ]
    assert sorted(errors) == sorted(expected)
    assert {"name", "slug", "summary", "provider", "provider_short_name", "price_amount"} <= set(
        text_columns
    )


def test_nul_is_refused_on_every_database(catalog, client, tmp_path):
    """PostgreSQL cannot store NUL at all: before, it raised an uncaught DataError."""
    sheet = Sheet(export(client))
    number = _row_of(sheet, JHU)
    citations = sheet.items(JHU, "citations")
    citations[0]["document"] = "The\x00guide"
    sheet.set_items(JHU, "citations", citations)
    row = sheet.row(JHU)
    row["slug"] = "johns\x00hopkins"
    row["summary"] = "A\x00 summary"

    errors = refused(tmp_path, sheet.data()).splitlines()

    assert f"row {number}, slug: contains a null character (U+0000) at position 6; remove it." in (
        errors
    )
    assert f"row {number}, summary: {_message(chr(0))}" in errors
    assert (
        f"row {number}, citations, item 1, document: contains a null character (U+0000) at "
        "position 4; remove it." in errors
    )


def test_a_message_quoting_a_refused_value_shows_its_code_points(catalog, client, tmp_path):
    sheet = Sheet(export(client))
    fits = sheet.items(IABAC, "role_fits")
    fits[0]["colour\u202e"] = "red"
    sheet.row(IABAC)["role_fits"] = json.dumps(fits)  # the key escaped: "colour\\u202e"

    errors = refused(tmp_path, sheet.data())

    assert "has no key “colour⟨U+202E⟩”" in errors
    assert "\u202e" not in errors


@pytest.mark.parametrize(
    ("column", "cell", "expected"),
    [
        pytest.param(
            "modules",
            "[" * 5000 + "]" * 5000,
            "modules: nests deeper than 4 levels (at character 5); the export writes a list of "
            "objects of plain values.",
            id="5000-deep-list",
        ),
        pytest.param(
            "citations",
            '[{"quote": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}]",
            "citations: nests deeper than 4 levels (at character 24); the export writes a list "
            "of objects of plain values.",
            id="5000-deep-objects",
        ),
        pytest.param(
            "role_fits",
            "[" * 100_000,
            "role_fits: nests deeper than 4 levels (at character 5)",
            id="unclosed",
        ),
        pytest.param(
            "modules",
            '[{"position": ' + "9" * 5000 + "}]",
            "modules: is not a JSON list that can be read (Exceeds the limit (4300 digits)",
            id="5000-digit-number",
        ),
    ],
)
def test_a_json_cell_that_would_exhaust_the_parser_is_refused_by_row_and_column(
    catalog, client, tmp_path, column, cell, expected
):
    sheet = Sheet(export(client))
    sheet.row(HARVARD)[column] = cell

    errors = refused(tmp_path, sheet.data())

    assert f"row {_row_of(sheet, HARVARD)}, {expected}" in errors
    assert "Traceback" not in errors


def test_brackets_inside_json_strings_do_not_count_as_depth():
    cell = json.dumps([{"title": '[[[[[[[[{{{{{{ \\" ]]]'}])
    assert cells.json_too_deep(cell) is None
    assert cells.json_too_deep("[[[[[1]]]]]") == 5


def test_a_file_over_the_limit_is_refused_before_it_is_read(catalog, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as huge:
        huge.truncate(cells.MAX_FILE_BYTES + 1)  # sparse: no 20 MB written
    before = database()
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"1 error in huge.csv\. Nothing was written\.$"):
        call_command("import_programs", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "The file is 20.0 MB; an import reads at most 20 MB. Split it: export the catalogue a "
        "part at a time (/programs/export.csv?provider=… or ?role=…) and import each part."
    ]
    assert database() == before


def test_a_stream_that_grows_past_the_limit_is_refused_and_rolled_back(
    catalog, client, monkeypatch
):
    """Standard input has no size to check first: the rows read before the limit are checked
    and written (a chunk of one row at a time here), then the whole import is rolled back."""
    sheet = Sheet(export(client))
    sheet.row(JHU)["last_verified"] = "2026-05-01"
    data = sheet.data() + b"\r\n" * 200_000
    monkeypatch.setattr(cells, "MAX_FILE_BYTES", len(data) - 1)
    monkeypatch.setattr(importing, "LOAD_CHUNK", 1)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    before = database()
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_programs", "-", stdout=io.StringIO(), stderr=err)

    assert err.getvalue().startswith("The file is ")
    assert database() == before
    assert Program.objects.get(slug=JHU).last_verified.isoformat() != "2026-05-01"


def test_bytes_over_the_limit_are_refused(db, monkeypatch):
    monkeypatch.setattr(cells, "MAX_FILE_BYTES", 10)
    with pytest.raises(importing.ImportRefused, match="an import reads at most 0 MB"):
        importing.import_programs(b"x" * 11)


class _Watched(io.RawIOBase):
    """A file that records how much of it has been read."""

    def __init__(self, data: bytes):
        self.data = io.BytesIO(data)
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.read_so_far += len(chunk)
        return len(chunk)


def test_the_rows_are_read_a_chunk_at_a_time(catalog, client, monkeypatch):
    """By construction, not by timing: when a row is checked, only the rows up to the end of its
    chunk (and the reader's buffer) have been read, and only that chunk's programs are loaded."""
    sheet = Sheet(export(client))
    jhu = sheet.row(JHU)
    sheet.rows = [dict(jhu) for _ in range(300)]  # the same slug 300 times: 299 refused rows
    data = sheet.data()
    row_bytes = len(data) / 300
    source = _Watched(data)
    monkeypatch.setattr(importing, "LOAD_CHUNK", 10)
    seen = []
    check = checking.Checker.check

    def watched_check(self, row, row_cells):
        seen.append((row, source.read_so_far, len(self.existing)))
        return check(self, row, row_cells)

    monkeypatch.setattr(checking.Checker, "check", watched_check)

    with pytest.raises(importing.ImportRefused) as raised:
        importing.import_programs(source)

    assert len(raised.value.errors) == 299
    assert raised.value.errors[0] == f"row 3, slug: “{JHU}” is also in row 2."
    assert [row for row, _, _ in seen] == list(range(2, 302))
    buffer = 2 * 64 * 1024  # what the text and byte readers may read ahead
    for row, read, loaded in seen:
        chunk_end = ((row - 2) // 10 + 1) * 10 + 1
        assert read <= chunk_end * row_bytes + buffer, (row, read)
        assert loaded <= 10
    assert seen[0][1] < len(data) / 5
