"""Links to stored addresses (issue #22): only to a web page, never to a script."""

from django import template

from programs import output_safety

register = template.Library()


@register.filter
def web_address(url: str | None) -> str | None:
    """`{% with href=program.url|web_address %}{% if href %}<a href="{{ href }}">`: the
    address when it is an http or https URL, else None (a `javascript:` one is not linked)."""
    return output_safety.web_address(url)
