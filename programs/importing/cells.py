"""Reading the file: bytes to rows of cell text, and cell text to the values models store."""

import codecs
import csv
import io
import json
import re
from collections import Counter
from datetime import date
from decimal import Decimal

from django.db import models

from compare.export import FORMULA_STARTS
from programs import exchange


class ImportRefused(Exception):
    """The file cannot be imported: `errors` lists every reason, with its row and column."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class Invalid(Exception):
    """One value that cannot be read; the message follows its row and column."""


def shown(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"“{text if len(text) <= 60 else text[:57] + '…'}”"


_CONTROL_NAMES = {"\t": "a tab", "\r": "a carriage return"}


def unescape(cell: str) -> str:
    """Undo `compare.export.spreadsheet_safe`: drop the one apostrophe the export puts before a
    cell that starts like a formula (after any apostrophes of the value's own). A cell that starts
    like a formula without it was typed or altered after export, and is refused rather than
    stored (OWASP, CSV injection)."""
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


def _decode(data: bytes) -> str:
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        # The row holding the bad byte, counted as a spreadsheet counts rows (a cell may span
        # lines): parse what comes before it, plus one character to open the row it is in.
        before = data[: error.start].decode("utf-8") + "x"
        row = sum(1 for _ in csv.reader(io.StringIO(before, newline="")))
        raise ImportRefused(
            [
                f"row {row}: the file is not UTF-8 text (byte 0x{data[error.start]:02X} cannot be "
                "read). Save it from the spreadsheet as “CSV UTF-8” and import it again."
            ]
        ) from None


def _table(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows, each numbered as a spreadsheet shows it (header = row 1)."""
    text = _decode(data)
    if not text.strip():
        raise ImportRefused(["The file is empty: export one from /programs/export.csv."])
    records: list[list[str]] = []
    try:
        for cells in csv.reader(io.StringIO(text, newline="")):
            records.append(cells)
    except csv.Error as error:
        raise ImportRefused(
            [f"row {len(records) + 1}: this is not CSV that can be read ({error})."]
        ) from None
    header = [name.strip() for name in records[0]]
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
    rows = [
        (number, cells) for number, cells in enumerate(records[1:], 2) if any(map(str.strip, cells))
    ]
    if not rows and not errors:
        errors.append("The file has a header row but no programs.")
    if errors:
        raise ImportRefused(errors)
    return header, rows


def rows(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The data rows as {column: cell}, each cell's export escaping undone, with the errors
    found on the way. A refused formula cell keeps its text, so the row is still checked."""
    header, table = _table(data)
    errors: list[str] = []
    found: list[tuple[int, dict[str, str]]] = []
    for row, cells in table:
        if len(cells) != len(header):
            errors.append(
                f"row {row}: has {len(cells)} cells but the header has {len(header)} columns; "
                "a cell was split or merged."
            )
            continue
        unescaped = {}
        for column, cell in zip(header, cells, strict=True):
            try:
                unescaped[column] = unescape(cell)
            except Invalid as invalid:
                errors.append(f"row {row}, {column}: {invalid}")
                unescaped[column] = cell
        found.append((row, unescaped))
    return found, errors
