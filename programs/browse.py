"""Browsing the catalogue: filtered, grouped and paginated programs with facet counts.

A plain module: `browse(params)` takes the query string and returns everything the list page
shows, in a fixed number of queries however large the catalogue is.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import QueryDict

from programs import display, limits, search
from programs.filters import ProgramFilterSet
from programs.models import Program, RoleFit, family_ids, load_for_listing

PAGE_SIZE = 25

TICKED_MAX = 20
"""Ticked programs a list address carries at most; the comparison says which it leaves out."""
_TICKED = re.compile(r"[-a-zA-Z0-9_]{1,100}\Z")


def ticked(params: QueryDict) -> list[str]:
    """The programs a reader has ticked to compare, carried in the address as `programs=` (the
    comparison's own parameter) so they survive a change of filters, sort or page without
    JavaScript (issue #24): slugs only, each once, in the order ticked."""
    slugs = (value for value in params.getlist("programs") if _TICKED.match(value))
    return list(dict.fromkeys(slugs))[:TICKED_MAX]


FACETS = ("role", "assessment", "cme", "credit", "format", "framework", "provider_kind")
SHOWN_ONCE_KNOWN: dict[str, str] = {"credit": "credit_type"}
"""Facets offered only once some published program publishes the fact (issue #24: no program's
credit type is published yet, and a filter of empty options would only mislead)."""


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool

    @property
    def disabled(self) -> bool:
        """An option with no results stays in place, greyed out, so the form does not jump."""
        return self.count == 0 and not self.selected


@dataclass
class Facet:
    name: str
    legend: str
    options: list[Option]
    multiple: bool = True


@dataclass
class Chip:
    """An active filter, shown as a link that removes it."""

    label: str
    url: str


@dataclass
class Relaxation:
    label: str
    url: str
    count: int


NEAR_MISSES_SHOWN = 5


@dataclass
class NearMiss:
    program: Program
    gaps: list[str]


def _gap(name: str, over: Decimal) -> str:
    """How far over one limit, in words: '$990 over your budget' (programs/limits.py)."""
    if name == "max_cost":
        return limits.over_budget(over)
    if name == "max_hours":
        return limits.more_hours(over)
    return limits.longer(over)


def _near_misses(filterset: ProgramFilterSet) -> list[NearMiss]:
    """Programs that pass every other filter and miss a budget, hours or weeks limit by a
    little (at most NEAR_MISS_SHARE over), each with its gaps named."""
    active = filterset.active_limits
    if not active:
        return []
    data = filterset.form.cleaned_data
    within = Q()
    over = Q()
    for name, annotation in active.items():
        limit = data[name]
        within &= Q(**{f"{annotation}__lte": limit * (1 + limits.NEAR_MISS_SHARE)})
        over |= Q(**{f"{annotation}__gt": limit})
    base = filterset.filtered(
        Program.objects.published().select_related("provider"), exclude={*active, "sort"}
    )
    # Not a program the list already holds (one kept by a one-module fit's price, say).
    kept = filterset.conditions(exclude={"sort"})
    programs = base.filter(within & over & ~kept).order_by(*active.values(), "name")[
        :NEAR_MISSES_SHOWN
    ]
    misses = []
    for program in programs:
        gaps = [
            _gap(name, getattr(program, annotation) - data[name])
            for name, annotation in active.items()
            if getattr(program, annotation) > data[name]
        ]
        misses.append(NearMiss(program=program, gaps=gaps))
    return misses


@dataclass
class BrowseResult:
    filterset: ProgramFilterSet
    page: Page
    total: int
    matched: int
    unpublished: int
    facets: list[Facet]
    chips: list[Chip]
    canonical_query: str = ""
    export_query: str = ""
    """The filters and sort without the page: the exports hold every program the list holds."""
    relaxations: list[Relaxation] = field(default_factory=list)
    limit_names: list[str] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    ticked: list[str] = field(default_factory=list)

    @property
    def ticked_elsewhere(self) -> list[str]:
        """Ticked programs without a checkbox on this page (filtered out, or on another page):
        the filter form carries them as hidden fields, so they are not lost."""
        shown = {p.slug for p in self.page.object_list} | {m.program.slug for m in self.near_misses}
        return [slug for slug in self.ticked if slug not in shown]

    @property
    def cleared_url_query(self) -> str:
        """The list without filters, still holding the ticks: "Clear all" keeps what is ticked."""
        return urlencode([("programs", slug) for slug in self.ticked])

    @property
    def count(self) -> int:
        return self.matched + self.unpublished

    @property
    def card_heading_level(self) -> int:
        """Cards sit under group headings (h3) only when there are two groups."""
        return 4 if self.unpublished else 3

    @property
    def form(self):
        return self.filterset.form


def listing(filterset: ProgramFilterSet, programs: QuerySet) -> QuerySet:
    """The programs the list shows for these filters, in its order: the matches, then those kept
    only because a limited fact is unpublished, each group in the chosen sort. The list page and
    its exports (issue #13) share it, so a download holds exactly what the page lists."""
    programs = filterset.filtered(programs)
    unpublished = filterset.unpublished_condition()
    group = (
        Case(When(unpublished, then=Value(1)), default=Value(0), output_field=IntegerField())
        if unpublished is not None
        else Value(0, output_field=IntegerField())
    )
    ordering = programs.query.order_by or ("name",)
    return programs.annotate(unpublished=group).order_by("unpublished", *ordering, "pk")


def browse(params: QueryDict, *, path: str = "/programs/") -> BrowseResult:
    """Everything /programs/ shows for these query parameters."""
    filterset = ProgramFilterSet(params)
    # Cards need modules: loaded once below for the page and the near misses together.
    programs = listing(filterset, Program.objects.published().select_related("provider"))

    counts = _counts(filterset)
    paginator = Paginator(programs, PAGE_SIZE)
    paginator.count = counts["matched"] + counts["unpublished"]  # already counted above
    page = paginator.get_page(params.get("page"))
    page.object_list = list(page.object_list)
    near_misses = _near_misses(filterset)
    load_for_listing([*page.object_list, *(miss.program for miss in near_misses)])
    _note_module_fits(filterset, page.object_list)
    words = filterset.form.cleaned_data.get("q") if filterset.form.is_valid() else None
    if words:
        # Each result shows the source sentence that holds the reader's words (issue #21).
        prefetch_related_objects(page.object_list, *search.hit_prefetch())
        for program in page.object_list:
            program.search_hits = search.matching_sentences(program, words)

    limits = filterset.active_limits
    for program in page.object_list:
        program.unpublished_limits = [
            ProgramFilterSet.limit_filters()[name].fact
            for name, annotation in limits.items()
            if getattr(program, annotation) is None
        ]

    result = BrowseResult(
        filterset=filterset,
        page=page,
        total=counts["total"],
        matched=counts["matched"],
        unpublished=counts["unpublished"],
        facets=_facets(filterset, counts),
        chips=_chips(filterset, params, path),
        limit_names=[ProgramFilterSet.limit_filters()[name].fact for name in limits],
        near_misses=near_misses,
        ticked=ticked(params),
        canonical_query=canonical_query(filterset, page.number),
        export_query=canonical_query(filterset),
    )
    if result.count == 0:
        result.relaxations = _relaxations(filterset, params, path)
    return result


def _note_module_fits(filterset: ProgramFilterSet, programs: list[Program]) -> None:
    """With a role asked, each card whose fit for it names one module says so, with the
    module's length and price (issue #21): one query for the page."""
    roles = filterset._asked_roles() if filterset.form.is_valid() else []
    if not roles or not programs:
        return
    fits = RoleFit.objects.filter(
        program__in=programs,
        role_id__in=family_ids(filterset.roles, roles),
        module__isnull=False,
    ).select_related("module", "role")
    by_program = {fit.program_id: fit for fit in fits}
    for program in programs:
        program.module_fit = by_program.get(program.pk)


def _selected(filterset: ProgramFilterSet, name: str) -> list[str]:
    value = filterset.form.cleaned_data.get(name)
    if value in (None, "", []):
        return []
    return list(value) if isinstance(value, list | tuple) else [str(value)]


DEFAULT_SORT = "name"


def canonical_query(filterset: ProgramFilterSet, page_number: int = 1) -> str:
    """The one query string for what these parameters show (issue #13): the filters that were
    used, in the form's order, each filter's values in its choices' order, the sort unless it is
    the default, the page unless it is the first. Unknown and invalid parameters are dropped."""
    pairs: list[tuple[str, str]] = []
    for name, form_field in filterset.form.fields.items():
        selected = _selected(filterset, name)
        if name == "hide_unpublished":
            selected = ["on"] if filterset.form.cleaned_data.get(name) else []
        elif name == "q":
            selected = [value.strip() for value in selected if value.strip()]
        elif name == "sort":
            selected = [value for value in selected if value != DEFAULT_SORT]
        elif getattr(form_field, "choices", None):
            order = [str(value) for value, _label in form_field.choices]
            selected = sorted(set(selected), key=order.index)
        pairs += [(name, value) for value in selected]
    if page_number > 1:
        pairs.append(("page", str(page_number)))
    return urlencode(pairs)


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _counts(filterset: ProgramFilterSet) -> dict[str, int]:
    """Every number the list page shows, in one aggregate query (issue #11): the catalogue's
    size, the results (matched, and kept only because a limited fact is unpublished), and each
    facet option's count under every other active filter.

    The ORM computes each condition once per program as a flag column of one subquery; the
    outer statement only counts rows where given flags hold. It is written out here because
    Django would inline every condition into every count (filters x options copies: 30 KB of
    SQL, and most of the page's time spent building it)."""
    filterset.is_valid()  # cleaned_data holds the usable filters
    parts = filterset.condition_map()
    flags = {f"f_{name}": _flag(condition) for name, condition in parts.items()}
    every = [f"f_{name}" for name in parts]
    counts: dict[str, list[str]] = {"total": [], "matched": every}
    unpublished = filterset.unpublished_condition()
    if unpublished is not None:
        flags["kept_unpublished"] = _flag(unpublished)
        flags["not_kept_unpublished"] = _flag(~unpublished)
        counts["matched"] = [*every, "not_kept_unpublished"]
        counts["unpublished"] = [*every, "kept_unpublished"]
    for name, fact in SHOWN_ONCE_KNOWN.items():
        flags[f"known_{name}"] = _flag(Q(**{f"{fact}__isnull": False}))
        counts[f"known_{name}"] = [f"known_{name}"]
    for name in FACETS:
        others = [f"f_{other}" for other in parts if other != name]
        for i, (value, _label) in enumerate(filterset.form.fields[name].choices):
            if value == "":
                continue
            option = f"o_{name}_{i}"
            flags[option] = _flag(filterset.condition(name, value if name == "cme" else [value]))
            counts[f"{name}__{i}"] = [*others, option]
    return {"unpublished": 0} | _count_rows(flags, counts)


def _count_rows(
    flags: dict[str, ExpressionWrapper], counts: dict[str, list[str]]
) -> dict[str, int]:
    """For each name in `counts`, how many programs have every listed flag true: one
    statement, each flag computed once per program."""
    rows = Program.objects.published().order_by().values("pk").annotate(**flags)
    quote = connection.ops.quote_name
    columns = []
    for flags in counts.values():
        if flags:
            holds = " AND ".join(f"{quote(flag)}" for flag in flags)
            columns.append(f"COUNT(CASE WHEN {holds} THEN 1 END)")
        else:
            columns.append("COUNT(*)")
    inner, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # MATERIALIZED: computed once; a plain subquery would be inlined by PostgreSQL,
        # which then evaluates each flag again in every count that names it.
        cursor.execute(
            f"WITH flags AS MATERIALIZED ({inner}) SELECT {', '.join(columns)} FROM flags", params
        )
        values = cursor.fetchone()
    return dict(zip(counts, values, strict=True))


def _facets(filterset: ProgramFilterSet, counts: dict[str, int]) -> list[Facet]:
    """Each facet's options with the counts from `_counts`."""
    facets = []
    for name in FACETS:
        selected = _selected(filterset, name)
        if name in SHOWN_ONCE_KNOWN and not counts[f"known_{name}"] and not selected:
            continue
        field = filterset.form.fields[name]
        options = [
            Option(
                value=str(value),
                label=str(label),
                count=counts[f"{name}__{i}"],
                selected=value in selected,
            )
            for i, (value, label) in enumerate(field.choices)
            if value != ""
        ]
        facets.append(Facet(name=name, legend=field.label, options=options, multiple=name != "cme"))
    return facets


def _url(path: str, params: QueryDict) -> str:
    query = urlencode([(k, v) for k in params for v in params.getlist(k)])
    return f"{path}?{query}" if query else path


def _without(params: QueryDict, name: str, value: str | None = None) -> QueryDict:
    """The query string minus one filter value (or all of a filter), back on page 1."""
    remaining = params.copy()
    remaining.pop("page", None)
    if value is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [v for v in remaining.getlist(name) if v != value])
    return remaining


def _chip_labels(filterset: ProgramFilterSet) -> list[tuple[str, str | None, str]]:
    """(parameter, value or None for the whole parameter, label) for each active filter."""
    data = filterset.form.cleaned_data
    labels = []
    if data.get("q"):
        labels.append(("q", None, f"Search: “{data['q']}”"))
    for name in FACETS:
        field = filterset.form.fields[name]
        names = {str(v): str(label) for v, label in field.choices}
        for value in _selected(filterset, name):
            labels.append((name, value, f"{field.label}: {names.get(value, value)}"))
    if data.get("max_cost") is not None:
        labels.append(("max_cost", None, f"Budget: up to {display.money(data['max_cost'], 'USD')}"))
    if data.get("max_hours") is not None:
        hours = display.hour_range(data["max_hours"], None, unit="hours a week")
        labels.append(("max_hours", None, f"Up to {hours}"))
    if data.get("max_weeks") is not None:
        labels.append(("max_weeks", None, f"Up to {display.weeks(data['max_weeks'])}"))
    if data.get("hide_unpublished"):
        labels.append(("hide_unpublished", None, f"Hiding “{display.NOT_PUBLISHED}”"))
    return labels


def _chips(filterset: ProgramFilterSet, params: QueryDict, path: str) -> list[Chip]:
    return [
        Chip(label=label, url=_url(path, _without(params, name, value)))
        for name, value, label in _chip_labels(filterset)
    ]


def _relaxations(filterset: ProgramFilterSet, params: QueryDict, path: str) -> list[Relaxation]:
    """For an empty result: every active filter, with how many programs removing it brings back
    (0 included, so the reader sees which filters are not the ones in the way)."""
    chips = _chip_labels(filterset)
    flags = {}
    for i, (name, value, _label) in enumerate(chips):
        if value is not None:
            relaxed = ProgramFilterSet(_without(params, name, value))
            relaxed.is_valid()
            condition = relaxed.conditions()
        else:
            condition = filterset.conditions(exclude={name})
        flags[f"without_{i}"] = _flag(condition)
    counts = {}
    if chips:
        counts = _count_rows(flags, {flag: [flag] for flag in flags})
    return [
        Relaxation(
            label=label, url=_url(path, _without(params, name, value)), count=counts[f"without_{i}"]
        )
        for i, (name, value, label) in enumerate(chips)
    ]
