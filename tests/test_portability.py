"""Dates are written by one rule that works on every C library (issue #25): `display.day`
(Django's `date_format`, '3 March 2027'), never strftime's `%-d`, which only glibc knows."""

import re
from pathlib import Path

from django.conf import settings

GLIBC_ONLY = re.compile(r"%-[a-zA-Z]")


def test_no_code_or_template_uses_a_glibc_only_date_flag():
    root = Path(settings.BASE_DIR)
    files = [
        *(root / "programs").rglob("*.py"),
        *(root / "compare").rglob("*.py"),
        *(root / "certcatalog").rglob("*.py"),
        *(root / "templates").rglob("*.html"),
    ]
    found = {
        f"{path.relative_to(root)}:{number}": line.strip()
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if GLIBC_ONLY.search(line)
    }
    assert found == {}
