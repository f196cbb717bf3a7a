"""The brief's footnote marks (issue #23)."""

from django import template

register = template.Library()


@register.filter
def note_numbers(numbers) -> str:
    """'1, 2' for a figure's footnotes, each once and in order (a sentence cited for two
    fields, such as a duration and the modules, is one footnote)."""
    return ", ".join(str(n) for n in dict.fromkeys(numbers or []))
