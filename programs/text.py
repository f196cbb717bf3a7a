"""The one rule for characters no stored text may hold (issue #22).

A control character broke the Atom feed (XML 1.0 cannot carry U+000B), NUL cannot be stored in
PostgreSQL text, and bidirectional controls let a name read differently from what it holds
(a right-to-left override turns "Harvard" into something else on screen; "Trojan Source",
CVE-2021-42574). Such text is refused with the character and its position, never silently
stripped: an editor sees what was pasted and removes it.

Refused: the C0 controls except tab, line feed and carriage return (a text area submits line
breaks as CR LF); DEL and the C1 controls (U+007F–U+009F); and every bidirectional formatting
character — the embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069) and the
marks (U+200E, U+200F, U+061C). The marks reorder nothing on their own, but they are invisible
and the catalogue is English: a name holding one can pass for another, so they go too.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

_BIDI = {
    "\u061c": "ARABIC LETTER MARK",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}

REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + "".join(_BIDI) + "]")
"""Every character stored text may not hold (see the module's docstring)."""

CODE = "unsafe_text"


def describe(char: str) -> str:
    """A refused character in words: 'a control character (U+000B)', 'a bidirectional-text
    control (RIGHT-TO-LEFT OVERRIDE, U+202E)'."""
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        return f"a null character ({code})"
    if char in _BIDI:
        return f"a bidirectional-text control ({_BIDI[char]}, {code})"
    return f"a control character ({code})"


def problem(value: str) -> str | None:
    """What is wrong with `value`, or None when it holds no refused character: the first one
    named, with its position (counted from 1) and line, and how many more there are."""
    found = REFUSED.search(value)
    if found is None:
        return None
    at = found.start()
    where = f"at position {at + 1:,}"
    line = value.count("\n", 0, at) + 1
    if line > 1:
        where += f" (line {line:,})"
    more = len(REFUSED.findall(value, at + 1))
    others = f" (and {more:,} more such character{'s' if more > 1 else ''})" if more else ""
    return f"contains {describe(found.group())} {where}{others}; remove it."


def check(value) -> None:
    """Raise ValidationError when `value` (a string) holds a refused character."""
    if isinstance(value, str) and (message := problem(value)) is not None:
        raise ValidationError(
            f"This text {message}", code=CODE, params={"value": visible(value[:60])}
        )


@deconstructible
class SafeTextValidator:
    """`check` as a validator, for form fields that are no model's (e.g. a change reason)."""

    def __call__(self, value) -> None:
        check(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, SafeTextValidator)


def visible(value: str) -> str:
    """`value` with each refused character written as its code point ('⟨U+000B⟩'), so a message
    that quotes refused text is itself safe to print and show."""
    return REFUSED.sub(lambda found: f"⟨U+{ord(found.group()):04X}⟩", value)


def is_text_field(field) -> bool:
    """True for every model field that stores a string (char, text, slug, URL, email…)."""
    return isinstance(field, models.CharField | models.TextField)
