from django import template
from django.utils.html import format_html

from programs import display

register = template.Library()


@register.filter
def or_unknown(value):
    """The value, or a visible 'Not published' when the sources do not give it."""
    if value is None or value == "":
        return format_html('<span class="unknown">{}</span>', display.NOT_PUBLISHED)
    return value


@register.filter
def total_cost(program):
    return display.total_cost(program)


@register.filter
def duration(program):
    return display.duration(program)


@register.filter
def weekly_hours(program):
    return display.weekly_hours(program)


@register.filter
def total_hours(program):
    return display.total_hours(program)


@register.filter
def choice(program, attr):
    """A choice field's label, or None when unknown."""
    if getattr(program, attr) is None:
        return None
    return getattr(program, f"get_{attr}_display")()


@register.filter
def yes_no(value):
    return display.yes_no(value)
