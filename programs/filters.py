"""The catalogue's filters: the query parameters of /programs/, fixed so shared links keep working.

Unknown is a value: `cme=unknown`, `assessment=unknown` … find programs whose sources are silent.
Numeric limits (budget, weekly hours, weeks) never drop a program whose value is not published:
it is kept in its own group ("unpublished") unless `hide_unpublished` is ticked.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, F, OuterRef, Q

from programs import display, search
from programs.models import SEARCH_CONFIG, Program, Provider, Role, RoleFit, Topic, family_ids

NOT_PUBLISHED_VALUE = "unknown"
"""The query-string value that asks for programs whose sources do not publish a fact
(`cme=unknown`); spelled "unknown" in URLs so shared links keep working."""
MAX_LIMIT = Decimal("1000000000")


def _with_unknown(choices) -> list[tuple[str, str]]:
    return [*choices, (NOT_PUBLISHED_VALUE, display.NOT_PUBLISHED)]


class _LimitField(forms.DecimalField):
    """A non-negative number with a sane ceiling, so '1e309' gets a message, not an overflow."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", MAX_LIMIT)
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class LimitFilter(django_filters.NumberFilter):
    """An upper limit on a derived figure (`field_name`), named in words by `fact` ("cost").

    A program whose figure is not published is never dropped by the limit: it is listed in its
    own group ("cost not published") unless `hide_unpublished` is ticked."""

    field_class = _LimitField

    def __init__(self, *args, fact: str, **kwargs):
        self.fact = fact
        super().__init__(*args, method="filter_limit", **kwargs)


class FacetFilter(django_filters.MultipleChoiceFilter):
    """Programs whose `field_name` is any of the ticked values; NOT_PUBLISHED_VALUE, where it
    is one of the choices, finds those whose sources do not say."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, method="filter_choice", **kwargs)


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Public sort names; programs whose sort value is not published always come last.

    A sort on a figure that is not stored (the next start changes with the date, not with a
    write) annotates it first (`ProgramQuerySet.with_next_start`)."""

    ANNOTATED = {"next_start_value": "with_next_start"}

    def filter(self, qs, value):
        for param in value or ():
            method = self.ANNOTATED.get(self.param_map.get(param.lstrip("-"), ""))
            if method:
                qs = getattr(qs, method)()
        return super().filter(qs, value)

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.lstrip("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


SORTS = [
    ("name", "Name (A–Z)"),
    ("cost", "Cost, lowest first"),
    ("-cost", "Cost, highest first"),
    ("weeks", "Duration, shortest first"),
    ("next_start", "Next start, soonest first"),
]
"""The public sort names, in the order the list page offers them."""


class ProgramFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label="Search",
        max_length=200,
        help_text="Program, provider, topic, role, or words the sources use",
    )
    role = django_filters.MultipleChoiceFilter(method="filter_role", label="Role", choices=[])
    max_cost = LimitFilter(field_name="total_cost_value", fact="cost", label="Budget (USD)")
    max_hours = LimitFilter(
        field_name="weekly_hours_value", fact="weekly hours", label="Most hours a week"
    )
    max_weeks = LimitFilter(field_name="total_weeks_value", fact="duration", label="Most weeks")
    assessment = FacetFilter(
        field_name="assessment_type",
        label="Assessment",
        choices=_with_unknown(Program.AssessmentType.choices),
    )
    cme = django_filters.ChoiceFilter(
        method="filter_cme",
        label="CME credit",
        choices=[("yes", "Yes"), ("no", "No"), (NOT_PUBLISHED_VALUE, display.NOT_PUBLISHED)],
        empty_label="Any",
    )
    credit = FacetFilter(
        field_name="credit_type",
        label="CME credit type",
        choices=Program.CreditType.choices,
        help_text="Offered on the list page once any program's credit type is published.",
    )
    format = FacetFilter(
        field_name="format", label="Format", choices=_with_unknown(Program.Format.choices)
    )
    framework = FacetFilter(
        field_name="framework",
        label="Framework alignment",
        choices=_with_unknown(Program.Framework.choices),
    )
    provider_kind = FacetFilter(
        field_name="provider__kind", label="Provider", choices=Provider.Kind.choices
    )
    hide_unpublished = django_filters.BooleanFilter(
        method="filter_nothing",
        label="Hide programs whose limited facts are not published",
        widget=forms.CheckboxInput,
    )
    sort = NullsLastOrderingFilter(
        label="Sort by",
        fields=(
            ("name", "name"),
            ("total_cost_value", "cost"),
            ("total_weeks_value", "weeks"),
            ("next_start_value", "next_start"),
        ),
        choices=SORTS,
        empty_label=None,
    )

    class Meta:
        model = Program
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # The roles, loaded once: the role choices and each role's family come from them.
        self.roles = list(
            Role.objects.order_by("position", "name").only("pk", "slug", "name", "parent_id")
        )
        self.form.fields["role"].choices = [(role.slug, role.name) for role in self.roles]

    # -- filters: each is one condition (a Q), used to filter and to count facets ---------

    def condition(self, name: str, value) -> Q | None:
        """The condition one filter puts on programs, or None when it asks for nothing."""
        if value in (None, "", [], ()):
            return None
        match name:
            case "q":
                return self._text_condition(value.strip()) if value.strip() else None
            case "role":
                fits = RoleFit.objects.filter(
                    program=OuterRef("pk"), role_id__in=family_ids(self.roles, value)
                )
                return Q(Exists(fits))
            case "cme":
                if value == NOT_PUBLISHED_VALUE:
                    return Q(cme_credit__isnull=True)
                return Q(cme_credit=(value == "yes")) if value in ("yes", "no") else None
        match self.filters.get(name):
            case FacetFilter(field_name=field):
                known = [v for v in value if v != NOT_PUBLISHED_VALUE]
                if field == "assessment_type":
                    known = [k for v in known for k in Program.ASSESSMENT_INCLUDES.get(v, (v,))]
                condition = Q(**{f"{field}__in": known})
                if NOT_PUBLISHED_VALUE in value:
                    condition |= Q(**{f"{field}__isnull": True})
                return condition
            case LimitFilter(field_name=field):
                condition = Q(**{f"{field}__lte": value}) | Q(**{f"{field}__isnull": True})
                if field == "total_cost_value" and (roles := self._asked_roles()):
                    # A fit that names one module is priced as that module (issue #21):
                    # Harvard's innovation module, for administrators, at about $1,600.
                    module_fits = RoleFit.objects.filter(
                        program=OuterRef("pk"),
                        role_id__in=family_ids(self.roles, roles),
                        module__price_amount__lte=value,
                    )
                    condition |= Q(Exists(module_fits))
                return condition
        return None

    def _asked_roles(self) -> list[str]:
        data = getattr(self.form, "cleaned_data", {}) or {}
        return list(data.get("role") or [])

    def _text_condition(self, value: str) -> Q:
        topics = Topic.objects.filter(programs=OuterRef("pk"), name__icontains=value)
        match = (
            Q(name__icontains=value)
            | Q(summary__icontains=value)
            | Q(provider__name__icontains=value)
            | Q(provider__short_name__icontains=value)
            | Q(Exists(topics))
            # What the sources say of it: cited and role-fit sentences, role names (issue #21).
            | Q(search_text__icontains=value)
        )
        if search.full_text_available():
            # Stemmed, websearch-style matching ("governing" finds "governance") against the
            # stored search document (GIN-indexed), besides the substring matches above.
            match |= Q(
                search_document=SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch")
            )
        else:
            # The same stemming (Snowball English) over the stored stems.
            match |= search.Query.parse(value).condition()
        return match

    def _apply(self, queryset, name, value):
        """django-filter's method hook, given a filter's `field_name`: each filter used on its
        own (`FilterSet.qs`) applies the same condition as the list page."""
        parameter = next((p for p, f in self.filters.items() if f.field_name == name), name)
        condition = self.condition(parameter, value)
        return queryset if condition is None else queryset.filter(condition)

    filter_text = filter_role = filter_choice = filter_cme = filter_limit = _apply

    def filter_nothing(self, queryset, name, value):
        """Applied in filter_queryset, once every limit is known."""
        return queryset

    # -- the whole set ------------------------------------------------------------------------

    @property
    def active_limits(self) -> dict[str, str]:
        """The numeric limits in use: {parameter: annotation}."""
        data = (
            self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        )
        return {
            name: limit.field_name
            for name, limit in self.limit_filters().items()
            if data.get(name) is not None
        }

    @classmethod
    def limit_filters(cls) -> dict[str, LimitFilter]:
        """The numeric limits, by parameter name, in declaration order."""
        return {name: f for name, f in cls.base_filters.items() if isinstance(f, LimitFilter)}

    def unpublished_condition(self) -> Q | None:
        """Programs kept despite a limit because that fact is not published."""
        condition = None
        for field in self.active_limits.values():
            q = Q(**{f"{field}__isnull": True})
            condition = q if condition is None else condition | q
        return condition

    def condition_map(self) -> dict[str, Q]:
        """Each valid filter in use, by parameter name, with its condition."""
        data = self.form.cleaned_data
        parts = {}
        for name, value in data.items():
            condition = self.condition(name, value)
            if condition is not None:
                parts[name] = condition
        unpublished = self.unpublished_condition()
        if unpublished is not None and data.get("hide_unpublished"):
            parts["hide_unpublished"] = ~unpublished
        return parts

    def conditions(self, exclude=()) -> Q:
        """Every valid filter's condition, ANDed, except those named in `exclude`."""
        combined = Q()
        for name, condition in self.condition_map().items():
            if name not in exclude:
                combined &= condition
        return combined

    def filter_queryset(self, queryset, exclude=()):
        """Apply every valid filter except those named in `exclude`, then the sort."""
        queryset = queryset.filter(self.conditions(exclude))
        if "sort" not in exclude:
            queryset = self.filters["sort"].filter(queryset, self.form.cleaned_data.get("sort"))
        return queryset

    def filtered(self, queryset, exclude=()):
        self.is_valid()  # invalid fields are left out of cleaned_data: ignored, with a message
        return self.filter_queryset(queryset, exclude=exclude)
