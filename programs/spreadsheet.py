"""Cells a spreadsheet reads as text (OWASP, CSV injection), for every CSV the site writes and
the import that reads them back: the catalogue's exports (programs/exports.py), the comparison's
and the team plan's (compare/), and `programs.importing.cells`, which undoes `spreadsheet_safe`."""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection)."""

BOM = "\ufeff"
"""Written first so spreadsheets read the file as UTF-8 (accented names, curly quotes)."""


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading
    apostrophe, which spreadsheets hide and which stops the formula from running. A value that
    already starts with apostrophes before such a character gets one more, so removing exactly
    one (as the import does) always gives the value back."""
    return f"'{value}" if value.lstrip("'").startswith(FORMULA_STARTS) else value


class SafeWriter:
    """csv.writer that neutralises every cell it writes (every CSV the site serves)."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row):
        """Whatever the underlying file's write returns (a line, for a streaming export)."""
        return self._writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
