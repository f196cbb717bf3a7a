"""Which programs a comparison shows, from the `programs` query parameter.

Rules: 2 to 6 programs, in the order given; repeats and unknown slugs are named in a message and
the rest are still compared; past six, the first six are compared.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from programs.models import Program

MIN_PROGRAMS = 2
MAX_PROGRAMS = 6
_MAX_READ = 50  # distinct values looked at; the rest are reported as ignored, never queried
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")


@dataclass
class Selection:
    programs: list[Program]
    not_found: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    over_limit: list[Program] = field(default_factory=list)
    ignored: int = 0

    @property
    def slugs(self) -> list[str]:
        return [program.slug for program in self.programs]

    @property
    def is_comparable(self) -> bool:
        return len(self.programs) >= MIN_PROGRAMS


def _shown(value: str) -> str:
    """A user-supplied value, made safe and short enough to quote back in a message."""
    value = value.replace("\x00", "").strip()
    return value if len(value) <= 40 else value[:40] + "…"


def select_programs(values: list[str], *, queryset=None) -> Selection:
    """Resolve slugs to programs in one query, keeping the user's order."""
    seen: list[str] = []
    repeated: list[str] = []
    for value in values:
        if value in seen:
            if value not in repeated:
                repeated.append(value)
        else:
            seen.append(value)
    ignored = max(len(seen) - _MAX_READ, 0)
    seen = seen[:_MAX_READ]

    valid = [value for value in seen if _SLUG.match(value)]
    queryset = queryset if queryset is not None else Program.objects.published().for_detail()
    found = {program.slug: program for program in queryset.filter(slug__in=valid)} if valid else {}
    programs = [found[value] for value in seen if value in found]
    not_found = [_shown(value) for value in seen if value not in found and _shown(value)]
    return Selection(
        programs=programs[:MAX_PROGRAMS],
        not_found=not_found,
        repeated=[_shown(value) for value in repeated if value in found],
        over_limit=programs[MAX_PROGRAMS:],
        ignored=ignored,
    )


CHOICES_SHOWN = 30
"""The most programs the compare page offers to add at once; past that, the reader searches."""


@dataclass
class Choices:
    """Programs offered for adding to a comparison: a bounded list, narrowed by a search."""

    programs: list[Program]
    find: str
    more: bool
    """More programs match than are listed: the page asks the reader to search."""


def choices(find: str, *, exclude: list[str]) -> Choices:
    """Up to CHOICES_SHOWN programs not already chosen, A–Z, whose name or provider contains
    `find`; one query however large the catalogue."""
    find = find.replace("\x00", "").strip()[:100]
    programs = Program.objects.published().select_related("provider").exclude(slug__in=exclude)
    if find:
        programs = programs.filter(
            Q(name__icontains=find)
            | Q(provider__name__icontains=find)
            | Q(provider__short_name__icontains=find)
        )
    listed = list(programs.order_by("name", "pk")[: CHOICES_SHOWN + 1])
    return Choices(programs=listed[:CHOICES_SHOWN], find=find, more=len(listed) > CHOICES_SHOWN)
