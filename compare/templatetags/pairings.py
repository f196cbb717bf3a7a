"""Pairing links for program and role pages (issue #23), from the fits the page already holds:
no query of their own."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from compare import stacks
from programs.models import RoleFit

register = template.Library()


def _stack_url(refs) -> str:
    query = "&".join(urlencode({"programs": ref}, safe=":") for ref in refs)
    return f"{reverse('compare:stack')}?{query}"


@register.simple_tag
def role_pairings(sections) -> list[tuple[str, str]]:
    """(text, address) for each stack the sources name among a role page's fits."""
    fits = [fit for _, _, section_fits in sections for fit in section_fits]
    return [(link.text, _stack_url(link.refs)) for link in stacks.links_among(fits)]


@register.simple_tag
def program_pairings(fits) -> list[tuple[str, str]]:
    """For a program page: each of its fits graded as an addition, a link to the stacks the
    sources name with it for that role (`stack_pairing` finds the partner)."""
    links = []
    for fit in fits:
        if fit.strength != RoleFit.Strength.ADDITION:
            continue
        ref = f"{fit.program.slug}:{fit.module.position}" if fit.module_id else fit.program.slug
        what = f"its {fit.module.title} module" if fit.module_id else "it"
        query = urlencode({"program": ref, "role": fit.role.slug}, safe=":")
        links.append(
            (
                f"Stack {what} as {fit.judge} suggests for {fit.role.name.lower()}: “{fit.grade}”",
                f"{reverse('compare:stack_pairing')}?{query}",
            )
        )
    return links
