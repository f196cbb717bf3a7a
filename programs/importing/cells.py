"""Reading the file: bytes to rows of cell text, and cell text to the values models store."""

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from django.db import models

from programs import exchange, text
from programs.spreadsheet import FORMULA_STARTS


class ImportRefused(Exception):
    """The file cannot be imported: `errors` lists every reason, with its row and column."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class Invalid(Exception):
    """One value that cannot be read; the message follows its row and column."""


def shown(value) -> str:
    """A value quoted in a message, short, with any refused character as its code point."""
    words = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    words = words if len(words) <= 60 else words[:57] + "…"
    return f"“{text.visible(words)}”"


_CONTROL_NAMES = {"\t": "a tab", "\r": "a carriage return"}


def unescape(cell: str) -> str:
    """Undo `programs.spreadsheet.spreadsheet_safe`: drop the one apostrophe the export puts
    before a cell that starts like a formula (after any apostrophes of the value's own). A cell
    that starts like a formula without it was typed or altered after export, and is refused
    rather than stored (OWASP, CSV injection)."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    if cell.startswith(FORMULA_STARTS):
        start = _CONTROL_NAMES.get(cell[0], f"“{cell[0]}”")
        raise Invalid(
            f"{shown(cell)} starts with {start}, which spreadsheets run as a formula. The export "
            "writes such a cell with an apostrophe before it, so this one was typed or changed "
            "after export: check it, then start it with an apostrophe (') to keep it as text."
        )
    return cell


def _decimal(text: str) -> Decimal:
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise Invalid(
            f"{shown(text)} is not a number (write digits, with a point for decimals and no "
            "currency sign or thousands separator)."
        )
    return Decimal(text)


def read_value(model_field: models.Field, value):
    """A cell's text, or a value from a JSON cell, as the field's Python value.

    Empty (or JSON null, or absent) is the field's default if it has one, else unknown (NULL);
    a required fact left empty is an error. Choices are their stored codes, booleans yes/no.
    """
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        if model_field.has_default():
            return model_field.get_default()
        if model_field.null:
            return None
        raise Invalid("cannot be empty.")
    if isinstance(model_field, models.BooleanField):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in (exchange.YES, exchange.NO):
            return value.lower() == exchange.YES
        raise Invalid(f"{shown(value)} is not {exchange.YES} or {exchange.NO}.")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(f"{shown(value)} is not a single value.")
    if isinstance(model_field, models.DecimalField):
        return _decimal(str(value))
    if isinstance(model_field, models.IntegerField):
        try:
            number = _decimal(str(value))
        except Invalid:
            number = None
        if number is None or number != number.to_integral_value():
            raise Invalid(f"{shown(value)} is not a whole number.")
        return int(number)
    if isinstance(model_field, models.DateField):
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
                raise ValueError
            return date.fromisoformat(str(value))
        except ValueError:
            raise Invalid(f"{shown(value)} is not a date: write YYYY-MM-DD.") from None
    if not isinstance(value, str):
        raise Invalid(f"{shown(value)} is not text.")
    if model_field.choices:
        codes = [str(code) for code, _ in model_field.flatchoices]
        if value not in codes:
            raise Invalid(f"{shown(value)} is not one of: {', '.join(codes)}.")
    return value


MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest file an import reads (20 MB, some 20,000 programs as the export writes them): a
larger one is refused before it is parsed (issue #22)."""

MAX_JSON_DEPTH = 4
"""How deep a JSON cell may nest: the export writes a list of objects of plain values (2). A
deeper cell is refused before it is parsed, so no cell can exhaust Python's recursion limit."""

_READ_CHUNK = 64 * 1024
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
"""A byte that is not UTF-8, as the decoder's surrogateescape handler leaves it."""


def too_large(size: int) -> ImportRefused:
    return ImportRefused(
        [
            f"The file is {size / 1024 / 1024:,.1f} MB; an import reads at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB. Split it: export the catalogue a part at a "
            "time (/programs/export.csv?provider=… or ?role=…) and import each part."
        ]
    )


class _Limited(io.RawIOBase):
    """A binary stream that refuses to be read past MAX_FILE_BYTES, whatever its source
    claims its size is (standard input, a pipe, a file still growing)."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(min(len(buffer), _READ_CHUNK))
        self.read_so_far += len(data)
        if self.read_so_far > MAX_FILE_BYTES:
            raise too_large(self.read_so_far)
        buffer[: len(data)] = data
        return len(data)


def _records(source: bytes | BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """The file's CSV records, numbered as a spreadsheet shows them (header = row 1), read a
    chunk at a time: the file is never held whole, as bytes or as text."""
    if isinstance(source, bytes | bytearray):
        if len(source) > MAX_FILE_BYTES:
            raise too_large(len(source))
        source = io.BytesIO(source)
    stream = io.TextIOWrapper(
        io.BufferedReader(_Limited(source)),
        encoding="utf-8-sig",
        errors="surrogateescape",
        newline="",
    )
    number = 0
    try:
        for number, cells in enumerate(csv.reader(stream), 1):
            for cell in cells:
                if bad := _NOT_UTF8.search(cell):
                    raise ImportRefused(
                        [
                            f"row {number}: the file is not UTF-8 text (byte "
                            f"0x{ord(bad.group()) - 0xDC00:02X} cannot be read). Save it from the "
                            "spreadsheet as “CSV UTF-8” and import it again."
                        ]
                    )
            yield number, cells
    except csv.Error as error:
        raise ImportRefused(
            [f"row {number + 1}: this is not CSV that can be read ({error})."]
        ) from None


def table(source: bytes | BinaryIO) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, checked, and the data rows that follow it (blank rows skipped), streamed."""
    records = _records(source)
    first = next(records, None)
    header = [name.strip() for name in first[1]] if first else []
    if not any(header) and not any(any(map(str.strip, cells)) for _, cells in records):
        raise ImportRefused(["The file is empty: export one from /programs/export.csv."])
    errors = [
        f"row 1: the column “{name}” appears {count} times."
        for name, count in Counter(header).items()
        if count > 1
    ]
    missing = [name for name in exchange.EDITABLE_COLUMNS if name not in header]
    if missing:
        errors.append(
            f"row 1: the file lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. Every column of the export up to “citations” is needed: "
            "export a fresh file from /programs/export.csv and edit that."
        )
    if errors:
        raise ImportRefused(errors)
    return header, ((n, cells) for n, cells in records if any(map(str.strip, cells)))


def row_cells(row: int, header: list[str], cells: list[str], errors: list[str]):
    """One data row as {column: cell}, each cell's export escaping undone, or None when its
    cells do not line up with the header; errors are added to `errors`. A refused formula cell
    keeps its text, so the row is still checked; a refused character (programs/text.py) is
    reported and left out of the text checked further, which is never written."""
    if len(cells) != len(header):
        errors.append(
            f"row {row}: has {len(cells)} cells but the header has {len(header)} columns; "
            "a cell was split or merged."
        )
        return None
    unescaped = {}
    for column, cell in zip(header, cells, strict=True):
        if column in exchange.EDITABLE_COLUMNS and (problem := text.problem(cell)):
            errors.append(f"row {row}, {column}: {problem}")
            cell = text.REFUSED.sub("", cell)
        try:
            unescaped[column] = unescape(cell)
        except Invalid as invalid:
            errors.append(f"row {row}, {column}: {invalid}")
            unescaped[column] = cell
    return unescaped


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_too_deep(cell: str) -> int | None:
    """The character (counted from 1) at which a JSON cell nests deeper than MAX_JSON_DEPTH,
    or None: found by counting brackets outside strings, without parsing."""
    depth = 0
    # Strings blanked to the same length, so a position still points into the cell.
    bare = _JSON_STRING.sub(lambda found: " " * len(found.group()), cell)
    for bracket in _JSON_BRACKET.finditer(bare):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return bracket.start() + 1
    return None
