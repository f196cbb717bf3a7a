"""What an output may carry, whatever is stored (issue #22, item 5).

Input validation refuses control characters and unsafe addresses, but rows written before it
(old rows, history records, restored backups, direct database writes) still reach the pages.
HTML pages are safe by the template engine's autoescaping and JSON-LD by `json_ld`'s escapes;
what neither covers is decided here, once: which characters an XML document may hold (every
feed writes its strings through `xml_text`), and which stored addresses a link may point to.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

REPLACEMENT = "\ufffd"

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters outside XML 1.0's `Char` production (https://www.w3.org/TR/xml/#charsets)."""


def xml_text(text: str) -> str:
    """The text with each character XML 1.0 cannot hold (C0 controls other than tab, line feed
    and carriage return; U+FFFE and U+FFFF; lone surrogates) replaced by U+FFFD, so a reader
    sees that something was there. A document holding one of them does not parse at all."""
    return _NOT_XML.sub(REPLACEMENT, text)


_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def web_address(url: str | None) -> str | None:
    """The address if a link may point to it: an http or https URL as the URL fields accept
    on input, never `javascript:`, `data:` or anything a browser would run."""
    if not url:
        return None
    try:
        _WEB_ADDRESS(url)
    except ValidationError:
        return None
    return url
