from django import template

from compare.selection import MAX_PROGRAMS, MIN_PROGRAMS

register = template.Library()


@register.simple_tag
def selection_range() -> str:
    """How many programs a comparison takes, in words: '2 to 6' (from compare.selection)."""
    return f"{MIN_PROGRAMS} to {MAX_PROGRAMS}"
