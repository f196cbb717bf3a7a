"""The catalogue: providers, programs, roles, topics and the sources behind every fact.

A fact the sources do not give is stored as NULL ("unknown") and shown as "Not published";
it is never 0 or an empty string.
"""

import datetime
import functools
import re
from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from programs import display, support, text

MONEY = DecimalField(max_digits=12, decimal_places=2)


class OptionalTextField(models.TextField):
    """Free text that may be unknown: a blank form submission is stored as NULL, never "".

    Django's CharField already does this for `null=True`; TextField does not, which is why
    five of six programs could not be saved unchanged in admin (issue #8).
    """

    def formfield(self, **kwargs):
        if self.null:
            kwargs.setdefault("empty_value", None)
        return super().formfield(**kwargs)


def normalise_whitespace(text: str) -> str:
    """Runs of spaces, tabs and line breaks read as one space, for comparing quotes."""
    return re.sub(r"\s+", " ", text).strip()


_SENTENCE_END = re.compile(r"(?<=[.!?…])[”’\"')]?\s+(?=[A-Z0-9“\"'(])")


@functools.lru_cache(maxsize=32)
def _normalised_document_text(text: str) -> str:
    """A document's whole text, normalised once: saving a program checks each of its citations
    (dozens) against the same few documents of tens of kilobytes."""
    return normalise_whitespace(text)


def _not_blank(*fields: str) -> list[models.CheckConstraint]:
    """Unknown text is NULL, never "": one constraint per optional text field."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True}) | ~Q(**{field: ""}),
            name=f"%(class)s_{field}_null_not_blank",
            violation_error_message=f"Leave {field.replace('_', ' ')} empty when it is unknown.",
        )
        for field in fields
    ]


class CatalogueModel(models.Model):
    """Base of every model editors write: no text field may hold a character `programs.text`
    refuses (issue #22). Checked in `clean_fields`, so admin (inlines too) shows it beside the
    field and an import under its row and column, for every string field, present or future."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        errors: dict[str, list] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not text.is_text_field(field) or field.name in (exclude or ()):
                continue
            try:
                text.check(getattr(self, field.attname))
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


class Revisioned(models.Model):
    """Base of every historical model: the records one edit wrote share a revision id.

    An admin save writes the program first and its modules, role fits and citations after
    it; the revision ties them together so a program can be reverted with its parts.
    """

    revision = models.CharField(max_length=32, null=True, blank=True, db_index=True)

    class Meta:
        abstract = True


def check_quote(obj: models.Model, *, document_field: str, quote_field: str) -> None:
    """Refuse a quote that is not word for word (whitespace aside) in the document it names.

    The one rule behind citations and role-fit rationales; run by model validation (admin,
    forms, import) and by a pre_save guard for every other write, loaddata included.
    """
    document_id = getattr(obj, f"{document_field}_id")
    quote = getattr(obj, quote_field)
    if document_id is None or not quote:
        return
    document = getattr(obj, document_field)
    if not document.text:
        raise ValidationError(
            {
                document_field: f"“{document}” has no text yet. Paste the document's full "
                "text into it before citing it."
            }
        )
    if not document.contains_quote(quote):
        raise ValidationError(
            {
                quote_field: f"This sentence is not in “{document}”. Copy it word for word "
                "from the document's text."
            }
        )


class DocumentQuerySet(models.QuerySet):
    RECENT_TO_PICK = 10

    def to_pick_from(self, program: "Program | None") -> list["Document"]:
        """The documents whose sentences a program's change page offers to pick quotes from:
        those it cites, then the most recently added (a new provider page comes first)."""
        cited = list(self.filter(citations__program=program).distinct()) if program else []
        recent = self.exclude(pk__in=[d.pk for d in cited]).exclude(text=None)
        return cited + list(recent.order_by("-pk")[: self.RECENT_TO_PICK])


class Document(CatalogueModel):
    """A source document. Every stored fact cites one of these."""

    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, null=True, blank=True)
    publisher = models.CharField(max_length=200, null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    doi = models.CharField("DOI", max_length=100, null=True, blank=True)
    url = models.URLField("URL", null=True, blank=True)
    is_vendor = models.BooleanField(
        "promotes a program it describes",
        default=False,
        help_text="The document promotes one of the programs it describes; its claims about "
        "that program are the promoter's, and about the others, a competitor's view.",
    )
    promotes = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        help_text="Whose program the document promotes, e.g. IABAC. Shown on its badge.",
    )
    cite_as = models.CharField(
        "short name",
        max_length=100,
        null=True,
        blank=True,
        help_text="How pages name the document beside a fact, e.g. “the 2026 guide”.",
    )
    date_note = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        help_text="What can be said of the date when none is published, e.g. “undated; its "
        "text says 2026”.",
    )
    note = OptionalTextField(null=True, blank=True, help_text="How to read this source.")
    text = OptionalTextField(
        "full text",
        null=True,
        blank=True,
        help_text="The whole document, pasted. Quotes are checked against it, so a document "
        "cannot be cited until its text is here.",
    )

    history = HistoricalRecords(bases=[Revisioned])
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = _not_blank(
            "author", "publisher", "doi", "url", "note", "text", "promotes", "date_note", "cite_as"
        )

    def __str__(self) -> str:
        return self.title

    @property
    def short_name(self) -> str:
        """How a page names the document beside a fact."""
        return self.cite_as or self.title

    @property
    def speaker(self) -> str:
        """Who says what the document says, as every page and export names it: 'the 2026
        guide (which promotes IABAC)'."""
        return f"{self.short_name} (which {self.badge})" if self.badge else self.short_name

    @property
    def badge(self) -> str | None:
        """The badge beside every quote from this document: what it promotes, if anything."""
        if not self.is_vendor:
            return None
        return f"promotes {self.promotes}" if self.promotes else "promotes a program it describes"

    @property
    def date_label(self) -> str:
        """The document's date as a reader should take it."""
        if self.published_on:
            return f"{self.published_on.day} {self.published_on:%B %Y}"
        return self.date_note or "undated"

    def contains_quote(self, quote: str) -> bool:
        """True when the quote appears word for word in the text, whitespace aside."""
        quote = normalise_whitespace(quote)
        return bool(quote) and quote in _normalised_document_text(self.text or "")

    def sentences(self) -> list[str]:
        """The text as sentences to pick a quote from: split at line breaks and after a full
        stop, question or exclamation mark followed by a capital, a digit or a quote mark;
        whitespace normalised as quotes are compared (issue #20)."""
        found = []
        for line in (self.text or "").splitlines():
            for sentence in _SENTENCE_END.split(normalise_whitespace(line)):
                if len(sentence) > 2 and sentence not in found:
                    found.append(sentence)
        return found

    def orphaned_quotes(self) -> list[str]:
        """The citations and role fits whose sentences this text (as it would be saved) no
        longer holds, each named: a document edit may never orphan a citation (issue #20)."""
        if self.pk is None:
            return []
        quoted = [
            *self.citations.select_related("program").order_by("program__name", "pk"),
            *self.role_fits.select_related("program", "role").order_by("program__name", "pk"),
        ]
        orphaned = [
            f"{obj.program} · {obj.get_field_display() if isinstance(obj, Citation) else obj.role}:"
            f" “{obj.quote if isinstance(obj, Citation) else obj.rationale}”"
            for obj in quoted
            if not self.contains_quote(obj.quote if isinstance(obj, Citation) else obj.rationale)
        ]
        return (
            orphaned
            + [
                f"Role “{role}” · description: “{role.description}”"
                for role in self.role_descriptions.order_by("position")
                if not self.contains_quote(role.description)
            ]
            + [
                f"{cohort}: “{cohort.quote}”"
                for cohort in self.cohorts.select_related("program").order_by("start_date", "pk")
                if not self.contains_quote(cohort.quote)
            ]
        )

    def clean(self) -> None:
        super().clean()
        self.check_still_quoted()

    def check_still_quoted(self) -> None:
        """Refuse a text that drops a sentence something cites, listing what would break."""
        orphaned = self.orphaned_quotes()
        if orphaned:
            raise ValidationError(
                {
                    "text": [
                        f"This text no longer holds {len(orphaned)} cited sentence"
                        f"{'' if len(orphaned) == 1 else 's'}. Put "
                        f"{'it' if len(orphaned) == 1 else 'them'} back, or first cite another "
                        "source (or mark the citation superseded and cite the new sentence):",
                        *orphaned,
                    ]
                }
            )

    @property
    def link(self) -> str | None:
        """Where a reader can find the document: its URL, else its DOI resolver address."""
        if self.url:
            return self.url
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return None


class Provider(CatalogueModel):
    class Kind(models.TextChoices):
        CREDENTIALING_BODY = "credentialing_body", "Credentialing body"
        UNIVERSITY = "university", "University"
        HEALTH_SYSTEM = "health_system", "Health system"
        SPECIALTY_BOARD = "specialty_board", "Specialty board"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = OptionalTextField(null=True, blank=True)
    contact_email = models.EmailField(
        null=True,
        blank=True,
        help_text="Where readers can send questions; the sources give none.",
    )

    history = HistoricalRecords(bases=[Revisioned])

    class Meta:
        ordering = ["name"]
        constraints = _not_blank("description", "contact_email")

    def __str__(self) -> str:
        return self.name


def role_families(roles: list["Role"]) -> dict[str, set[str]]:
    """Each role's slug with the slugs of its family (itself, its parent, its children), from
    roles already loaded."""
    slugs = {role.pk: role.slug for role in roles}
    families = {role.slug: {role.slug} for role in roles}
    for role in roles:
        parent = slugs.get(role.parent_id)
        if parent is not None:
            families[role.slug].add(parent)
            families[parent].add(role.slug)
    return families


def family_ids(roles: list["Role"], slugs) -> set[int]:
    """The ids of the roles named and of their families, from roles already loaded."""
    families = role_families(roles)
    by_slug = {role.slug: role.pk for role in roles}
    return {
        by_slug[member] for slug in slugs for member in families.get(slug, ()) if member in by_slug
    }


class RoleQuerySet(models.QuerySet):
    def families(self) -> dict[str, set[str]]:
        """Each role's slug with the slugs of its family (itself, its parent, its children)."""
        return role_families(list(self.only("pk", "slug", "parent_id")))

    def with_program_counts(self) -> list["Role"]:
        """Roles in display order, each with `program_count`: how many programs its page lists,
        those fitted to the role or to its family (`role_families`), each counted once. Two
        queries (the roles, then one aggregate over role fits) at any catalogue size."""
        roles = list(self.order_by("position", "name"))
        counts = (
            RoleFit.objects.filter(program__status=Program.Status.PUBLISHED).aggregate(
                **{
                    f"role_{role.pk}": models.Count(
                        "program",
                        distinct=True,
                        filter=Q(role_id__in=family_ids(roles, [role.slug])),
                    )
                    for role in roles
                }
            )
            if roles
            else {}
        )
        for role in roles:
            role.program_count = counts[f"role_{role.pk}"]
        return roles


class Role(CatalogueModel):
    """A job family the sources address, e.g. clinicians or nursing leaders."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = OptionalTextField(
        null=True,
        blank=True,
        help_text="A source's sentence about this role, word for word: pages quote it with its "
        "source, never as the site's own words.",
    )
    description_source = models.ForeignKey(
        "Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_descriptions",
        help_text="The document the description is quoted from.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text="The wider role this one belongs to: physicians are clinicians.",
    )

    objects = RoleQuerySet.as_manager()

    history = HistoricalRecords(bases=[Revisioned])

    class Meta:
        ordering = ["position", "name"]
        constraints = _not_blank("description")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:role", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.description and self.description_source_id is None:
            raise ValidationError(
                {"description_source": "Name the document this description is quoted from."}
            )
        self.check_quote()

    def check_quote(self) -> None:
        check_quote(self, document_field="description_source", quote_field="description")


class Topic(CatalogueModel):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    history = HistoricalRecords(bases=[Revisioned])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


TOPIC_SEPARATOR = "\x1f"
"""Joins topic names in `for_detail()`'s one-column topic list (a character no name holds)."""


LISTING_PREFETCH = ("modules", "cohorts")
"""What a program card needs beyond the program row and its provider."""


def load_for_listing(programs: list["Program"]) -> list["Program"]:
    """Load what program cards show for programs from several queries at once (one query per
    relation for all of them), for pages that list programs from more than one query."""
    models.prefetch_related_objects(programs, *LISTING_PREFETCH)
    return programs


SEARCH_CONFIG = "english"
"""PostgreSQL's text search configuration for the stored search document and every query."""


class SearchDocument(models.Func):
    """A program's own searchable words as a stored tsvector (stemmed English) on PostgreSQL.

    Other databases have no text search type: there the column holds an empty string and
    search matches words by substring alone (ProgramFilterSet._text_condition)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection, **extra_context):
        return "''", []

    def as_postgresql(self, compiler, connection, **extra_context):
        parts = []
        params = []
        for expression in self.get_source_expressions():
            sql, part_params = compiler.compile(expression)
            parts.append(f"COALESCE({sql}, '')")
            params.extend(part_params)
        document = " || ' ' || ".join(parts)
        return f"to_tsvector('{SEARCH_CONFIG}'::regconfig, {document})", params


class ProgramQuerySet(models.QuerySet):
    def published(self) -> "ProgramQuerySet":
        """Programs readers see: a draft is visible to editors only, on every route (issue #20)."""
        return self.filter(status=Program.Status.PUBLISHED)

    def visible_to(self, user) -> "ProgramQuerySet":
        """Published programs; editors also see drafts (their "Preview on site")."""
        if user.is_active and user.is_staff and user.has_perm("programs.view_program"):
            return self
        return self.published()

    def for_listing(self) -> "ProgramQuerySet":
        """What every list of programs shows, loaded in a fixed number of queries."""
        return self.select_related("provider").prefetch_related(*LISTING_PREFETCH)

    def for_detail(self) -> "ProgramQuerySet":
        """Everything the detail page shows, in a fixed number of queries."""
        topic_names = (
            Topic.objects.filter(programs=OuterRef("pk"))
            .order_by()
            .values("programs")
            .annotate(names=StringAgg("name", delimiter=models.Value(TOPIC_SEPARATOR)))
            .values("names")
        )
        return (
            self.select_related("provider")
            .annotate(topic_names=Subquery(topic_names))
            .prefetch_related(
                "modules",
                # A document's full text is for checking quotes, not for showing: left unread.
                models.Prefetch(
                    "role_fits",
                    queryset=RoleFit.objects.select_related("role", "source", "module").defer(
                        "source__text"
                    ),
                ),
                models.Prefetch(
                    "citations",
                    queryset=Citation.objects.select_related("document")
                    .defer("document__text")
                    .order_by("pk"),
                ),
                models.Prefetch(
                    "cohorts",
                    queryset=Cohort.objects.select_related("document").defer("document__text"),
                ),
            )
        )

    def with_next_start(self, today: datetime.date | None = None) -> "ProgramQuerySet":
        """Each program with `next_start_value`: the start of its next cohort that has not
        started (`Program.next_cohort`, in SQL), NULL when none is published; for the "next
        start" sort. Not a stored column: it changes with the date, not with a write. The
        cohort table's (program, start) index answers it per program."""
        today = today or timezone.localdate()
        starts = (
            Cohort.objects.filter(program=OuterRef("pk"))
            .upcoming(today)
            .order_by("start_date")
            .values("start_date")[:1]
        )
        return self.annotate(next_start_value=Subquery(starts))


class Program(CatalogueModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft: editors only"
        PUBLISHED = "published", "Published"

    class CredentialKind(models.TextChoices):
        CERTIFICATE = "certificate", "Certificate"
        CERTIFICATION = "certification", "Certification"
        SPECIALIZATION = "specialization", "Specialization"

    class Format(models.TextChoices):
        SELF_PACED = "self_paced", "Self-paced"
        COHORT = "cohort", "Cohort with fixed start dates"
        EXAM_ONLY = "exam_only", "Exam only"

    class AssessmentType(models.TextChoices):
        PROCTORED_EXAM = "proctored_exam", "Proctored exam (assessment-based)"
        ASSESSMENT_BASED = "assessment_based", "Assessment-based"
        COMPLETION_BASED = "completion_based", "Completion-based"

    ASSESSMENT_INCLUDES: dict[str, tuple[str, ...]] = {
        "assessment_based": ("assessment_based", "proctored_exam"),
    }
    """A proctored exam is one kind of assessment: the guide calls IABAC's proctored-exam
    format "assessment-based", so asking for assessment-based finds both (issue #9)."""

    class Framework(models.TextChoices):
        EDISON = "edison", "EDISON Data Science Framework"
        INSTITUTION_SPECIFIC = "institution_specific", "Institution-specific"

    class PriceBasis(models.TextChoices):
        PROGRAM = "program", "Whole program"
        PER_COURSE = "per_course", "Per course"
        PER_EXAM = "per_exam", "Per exam"

    class CreditType(models.TextChoices):
        AMA_PRA_1 = "ama_pra_1", "AMA PRA Category 1 Credit™"
        ANCC = "ancc", "ANCC contact hours"
        OTHER = "other", "Other"

    CREDIT_DETAILS = ("credit_type", "credit_amount", "credit_accreditor", "counts_toward_moc")
    """What a program's continuing-education credit is, beyond its having one (issue #24):
    each is known only when `cme_credit` is Yes."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="programs")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="A draft is seen by editors only. Publishing needs every fact supported by a "
        "cited sentence.",
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = OptionalTextField(null=True, blank=True)
    platform = models.CharField(
        max_length=100, null=True, blank=True, help_text="Where it is delivered, e.g. Coursera."
    )
    credential_kind = models.CharField(max_length=30, choices=CredentialKind.choices)
    format = models.CharField(max_length=20, choices=Format.choices, null=True, blank=True)
    format_note = OptionalTextField(null=True, blank=True)
    assessment_type = models.CharField(
        max_length=20, choices=AssessmentType.choices, null=True, blank=True
    )
    is_proctored = models.BooleanField("proctored", null=True, blank=True)
    cme_credit = models.BooleanField("CME credit", null=True, blank=True)
    credit_type = models.CharField(
        "credit type", max_length=20, choices=CreditType.choices, null=True, blank=True
    )
    credit_amount = models.DecimalField(
        "credits",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="How many credits (or contact hours) the program carries, e.g. 12.5.",
    )
    credit_accreditor = models.CharField(
        "accrediting body",
        max_length=200,
        null=True,
        blank=True,
        help_text="Who accredits the credit, as the source names it, e.g. ACCME.",
    )
    counts_toward_moc = models.BooleanField(
        "counts toward maintenance of certification", null=True, blank=True
    )
    moc_boards = models.CharField(
        "boards",
        max_length=300,
        null=True,
        blank=True,
        help_text="Which boards' maintenance of certification it counts toward, as the source "
        "names them, e.g. ABIM.",
    )
    framework = models.CharField(
        "framework alignment", max_length=30, choices=Framework.choices, null=True, blank=True
    )
    framework_note = OptionalTextField(null=True, blank=True)
    prerequisites = OptionalTextField(null=True, blank=True)
    price_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    price_currency = models.CharField(
        max_length=3, null=True, blank=True, help_text="ISO 4217 code, e.g. USD."
    )
    price_basis = models.CharField(max_length=20, choices=PriceBasis.choices, null=True, blank=True)
    price_is_approximate = models.BooleanField(
        default=False, help_text="The source gives the price as approximate ('roughly')."
    )
    course_count = models.PositiveSmallIntegerField("number of courses", null=True, blank=True)
    duration_weeks = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="The program's stated length. Leave empty when only module lengths are given.",
    )
    weekly_hours_min = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    weekly_hours_max = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    exam_questions = models.PositiveSmallIntegerField(null=True, blank=True)
    exam_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    exam_pass_mark = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Correct answers needed to pass."
    )
    validity_months = models.PositiveSmallIntegerField(null=True, blank=True)
    recognition_note = OptionalTextField(null=True, blank=True)
    best_for = OptionalTextField(null=True, blank=True)
    trade_offs = OptionalTextField(null=True, blank=True)
    source_note = OptionalTextField(
        "about the sources",
        null=True,
        blank=True,
        help_text="Where the sources disagree or may mean another program: shown on the page.",
    )
    last_verified = models.DateField(
        help_text="When these facts were last checked against their sources."
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="programs")

    url = models.URLField(
        "provider's page",
        max_length=500,
        null=True,
        blank=True,
        help_text="The program's page on the provider's site. The sources give none; "
        "manage.py check_links checks it.",
    )
    named_page = models.CharField(
        "page the sources name",
        max_length=300,
        null=True,
        blank=True,
        help_text="The page a source points readers to, in its words, word for word from the "
        "cited sentence: “Harvard's digital health course page”. Shown under “Where to go "
        "next” on the program's page.",
    )

    # Derived figures stored for filtering and sorting at scale (issue #11). Each has one
    # definition: the generated columns below are computed by the database from this row; the
    # total weeks (which sums modules) is kept by `save()` and `sync_with_modules()`, and the
    # required cost items' sum by `sync_with_cost_items()` (issue #24).
    required_items_value = models.DecimalField(
        "required cost items",
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        editable=False,
        help_text="The sum of the program's required cost items (`CostItem.required`).",
    )
    cost_items_value = models.JSONField(
        "cost items as shown",
        default=list,
        blank=True,
        editable=False,
        help_text="The program's cost items, as pages show them (`listed_cost_items`).",
    )
    """A copy of the cost items kept with the program (`sync_with_cost_items`), read in the
    program's own query, so no page or export pays a query for them (as the footer is kept
    with the catalogue version)."""
    total_cost_value = models.GeneratedField(
        expression=ExpressionWrapper(
            Case(
                When(
                    price_basis="per_course",
                    then=ExpressionWrapper(
                        F("price_amount") * F("course_count"), output_field=MONEY
                    ),
                ),
                default=F("price_amount"),
                output_field=MONEY,
            )
            + F("required_items_value"),
            output_field=MONEY,
        ),
        output_field=MONEY,
        db_persist=True,
        verbose_name="total cost",
    )
    weekly_hours_value = models.GeneratedField(
        expression=Coalesce(F("weekly_hours_max"), F("weekly_hours_min")),
        output_field=models.DecimalField(max_digits=4, decimal_places=1),
        db_persist=True,
        verbose_name="most weekly hours",
    )
    search_text = models.TextField(
        default="",
        blank=True,
        editable=False,
        help_text="What the sources say of the program, for search (programs/search.py).",
    )
    search_stems = models.TextField(default="", blank=True, editable=False)
    search_document = models.GeneratedField(
        expression=SearchDocument("name", "summary", "best_for", "search_text"),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )
    total_weeks_value = models.DecimalField(
        "total weeks", max_digits=6, decimal_places=1, null=True, blank=True, editable=False
    )

    objects = ProgramQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[Revisioned],
        m2m_fields=[topics],
        excluded_fields=[
            "total_cost_value",
            "weekly_hours_value",
            "search_text",
            "search_stems",
            "search_document",
        ],
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["total_cost_value"], name="program_total_cost_idx"),
            models.Index(fields=["total_weeks_value"], name="program_total_weeks_idx"),
            models.Index(fields=["weekly_hours_value"], name="program_weekly_hours_idx"),
            models.Index(fields=["assessment_type"], name="program_assessment_idx"),
            models.Index(fields=["format"], name="program_format_idx"),
            models.Index(fields=["framework"], name="program_framework_idx"),
            models.Index(fields=["cme_credit"], name="program_cme_idx"),
            models.Index(fields=["credit_type"], name="program_credit_type_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_amount__gte=0),
                name="program_price_not_negative",
                violation_error_message="The price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        price_amount__isnull=True,
                        price_currency__isnull=True,
                        price_basis__isnull=True,
                    )
                    | Q(
                        price_amount__isnull=False,
                        price_currency__isnull=False,
                        price_basis__isnull=False,
                    )
                ),
                name="program_price_amount_currency_basis_together",
                violation_error_message=(
                    "Give the price amount, currency and basis together, or leave all three empty."
                ),
            ),
            models.CheckConstraint(
                condition=Q(price_currency__isnull=True) | Q(price_currency__regex=r"^[A-Z]{3}$"),
                name="program_price_currency_iso",
                violation_error_message="The currency must be a three-letter ISO code such as USD.",
            ),
            models.CheckConstraint(
                condition=Q(course_count__gt=0),
                name="program_course_count_positive",
                violation_error_message="The number of courses must be at least 1.",
            ),
            models.CheckConstraint(
                condition=Q(duration_weeks__gt=0),
                name="program_duration_weeks_positive",
                violation_error_message="The duration must be more than 0 weeks.",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours_min__gt=0) & Q(weekly_hours_max__gt=0),
                name="program_weekly_hours_positive",
                violation_error_message="Weekly hours must be more than 0.",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours_min__lte=F("weekly_hours_max")),
                name="program_weekly_hours_min_lte_max",
                violation_error_message="Minimum weekly hours cannot exceed the maximum.",
            ),
            models.CheckConstraint(
                condition=Q(exam_questions__gt=0) & Q(exam_minutes__gt=0),
                name="program_exam_positive",
                violation_error_message="Exam questions and minutes must be more than 0.",
            ),
            models.CheckConstraint(
                condition=Q(exam_pass_mark__lte=F("exam_questions")),
                name="program_pass_mark_lte_questions",
                violation_error_message="The pass mark cannot exceed the number of questions.",
            ),
            models.CheckConstraint(
                condition=Q(validity_months__gt=0),
                name="program_validity_positive",
                violation_error_message="Validity must be at least 1 month.",
            ),
            models.CheckConstraint(
                condition=Q(credit_amount__gt=0),
                name="program_credit_amount_positive",
                violation_error_message="The number of credits must be more than 0.",
            ),
            *_not_blank(
                "credit_accreditor",
                "moc_boards",
                "summary",
                "platform",
                "format_note",
                "framework_note",
                "prerequisites",
                "recognition_note",
                "best_for",
                "trade_offs",
                "source_note",
                "named_page",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Store the total weeks as `total_weeks` defines it, on every save (issue #11); a
        published program must stay supported by its citations (programs/support.py)."""
        # A new program has no modules yet: its total is its stated duration, if any.
        self.total_weeks_value = self.total_weeks if self.pk else self.duration_weeks
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "total_weeks_value" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "total_weeks_value"]
        with support.deferred():
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        with support.deferred():
            return super().delete(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.price_basis == self.PriceBasis.PER_COURSE and self.course_count is None:
            errors["course_count"] = "Per-course pricing needs the number of courses."
        if self.price_currency:
            self.price_currency = self.price_currency.strip().upper()
        if self.cme_credit is not True:
            for name in (*self.CREDIT_DETAILS, "moc_boards"):
                if getattr(self, name) not in (None, ""):
                    errors[name] = (
                        "Only a program with CME credit (Yes) has credit details: set CME "
                        "credit to Yes, or leave this empty."
                    )
        if self.moc_boards and self.counts_toward_moc is not True:
            errors["moc_boards"] = (
                "Name boards only when it counts toward maintenance of certification (Yes)."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def topic_list(self) -> list[str]:
        """Topic names A–Z: from `for_detail()`'s one-column list when loaded that way."""
        if hasattr(self, "topic_names"):
            return sorted(self.topic_names.split(TOPIC_SEPARATOR)) if self.topic_names else []
        return [topic.name for topic in self.topics.all()]

    def sync_with_modules(self) -> None:
        """After any module write: the course count is the number of modules listed (issue #8)
        and the stored total weeks follows the modules (issue #11).

        Called from programs/signals.py, so every write path keeps them.
        """
        self.refresh_from_db(fields=["course_count", "total_weeks_value", "duration_weeks"])
        if hasattr(self, "_prefetched_objects_cache"):
            self._prefetched_objects_cache.pop("modules", None)
        count = self.modules.count()
        changed = []
        if count and self.course_count != count:
            self.course_count = count
            changed.append("course_count")
        if self.total_weeks_value != self.total_weeks:
            changed.append("total_weeks_value")
        if changed:
            self.save(update_fields=changed)

    def sync_with_cost_items(self, *, raw: bool = False) -> None:
        """After any cost item write: the stored sum of required items and the stored copy
        follow (issue #24). Called from programs/signals.py, so every write path (admin
        inlines, import, revert, loaddata) keeps them; `total_cost_value` adds the sum to the
        price in the database. Saved with a history record, so the change log shows the new
        total (loaddata, `raw`, writes none, as for modules)."""
        items = list(CostItem.objects.filter(program_id=self.pk).order_by(*CostItem.SHOWN_ORDER))
        listed = [item.as_listed() for item in items]
        required = sum((item.amount for item in items if item.required), Decimal(0))
        changed = (self.required_items_value, self.cost_items_value) != (required, listed)
        self.required_items_value, self.cost_items_value = required, listed
        self.__dict__.pop("listed_cost_items", None)
        if raw:
            Program.objects.filter(pk=self.pk).update(
                required_items_value=required, cost_items_value=listed
            )
        elif changed:
            self.save(update_fields=["required_items_value", "cost_items_value"])

    @functools.cached_property
    def listed_cost_items(self) -> list["CostItem"]:
        """The cost items as pages show them, required first, from the stored copy."""
        return [CostItem.from_listed(self, data) for data in self.cost_items_value or []]

    @property
    def base_cost(self) -> Decimal | None:
        """The program's price, derived from price and basis; None when not published."""
        if self.price_amount is None:
            return None
        if self.price_basis == self.PriceBasis.PER_COURSE:
            if self.course_count is None:
                return None
            return self.price_amount * self.course_count
        return self.price_amount

    @property
    def total_cost(self) -> Decimal | None:
        """The whole program's cost: its price plus its required cost items (issue #24); None
        when the price is not published. The same rule in SQL: `total_cost_value`."""
        base = self.base_cost
        if base is None:
            return None
        return base + (self.required_items_value or Decimal(0))

    @property
    def total_weeks(self) -> Decimal | None:
        """The stated duration, else the sum of module lengths; None when not published."""
        if self.duration_weeks is not None:
            return self.duration_weeks
        weeks = [module.weeks for module in self.modules.all()]
        if not weeks or any(w is None for w in weeks):
            return None
        return sum(weeks, Decimal(0))

    @property
    def weeks_are_approximate(self) -> bool:
        """True when the total length is added up from modules whose lengths are approximate."""
        return self.duration_weeks is None and any(
            module.weeks_is_approximate for module in self.modules.all()
        )

    @property
    def most_weekly_hours(self) -> Decimal | None:
        """The most hours a week it may take: the maximum, else the only figure published.
        Stored as `weekly_hours_value` (the same rule in SQL) for filtering at scale."""
        return self.weekly_hours_max if self.weekly_hours_max is not None else self.weekly_hours_min

    @property
    def total_hours(self) -> tuple[Decimal, Decimal] | None:
        """(min, max) total study hours: weeks × weekly hours, when both are published."""
        weeks = self.total_weeks
        if weeks is None or self.weekly_hours_min is None or self.weekly_hours_max is None:
            return None
        return (weeks * self.weekly_hours_min, weeks * self.weekly_hours_max)

    def upcoming_cohorts(self, today: datetime.date | None = None) -> list["Cohort"]:
        """Its cohorts that have not started, soonest first, from those loaded with it
        (`for_listing()`, `for_detail()`): a past start is never shown as upcoming."""
        today = today or timezone.localdate()
        return sorted(
            (c for c in self.cohorts.all() if c.is_upcoming(today)),
            key=lambda c: (c.start_date, c.pk or 0),
        )

    def next_cohort(self, today: datetime.date | None = None) -> "Cohort | None":
        """The soonest cohort that has not started; None when none is published."""
        upcoming = self.upcoming_cohorts(today)
        return upcoming[0] if upcoming else None

    def open_cohort(self, today: datetime.date | None = None) -> "Cohort | None":
        """The soonest-closing cohort still open for enrolment (`Cohort.is_open`)."""
        today = today or timezone.localdate()
        open_now = [c for c in self.cohorts.all() if c.is_open(today)]
        return min(open_now, key=lambda c: (c.enrolment_closes, c.start_date), default=None)

    @property
    def has_fixed_starts(self) -> bool:
        """Cohort dates mean something for it: a cohort program, or one with cohorts entered."""
        return self.format == self.Format.COHORT or bool(self.cohorts.all())

    @property
    def credential_description(self) -> str:
        """What the credential is, in plain words, from its kind and how it is assessed."""
        if self.assessment_type == self.AssessmentType.COMPLETION_BASED:
            return "Certificate of completion"
        if self.assessment_type in (
            self.AssessmentType.PROCTORED_EXAM,
            self.AssessmentType.ASSESSMENT_BASED,
        ):
            return "Assessed certification"
        return "Certificate program"


class Module(CatalogueModel):
    """One course or module of a program, in order."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    weeks = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    weeks_is_approximate = models.BooleanField(default=False)
    price_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords(bases=[Revisioned])

    class Meta:
        ordering = ["program", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "position"], name="module_unique_position_per_program"
            ),
            models.CheckConstraint(
                condition=Q(weeks__gt=0),
                name="module_weeks_positive",
                violation_error_message="A module's length must be more than 0 weeks.",
            ),
            models.CheckConstraint(
                condition=Q(price_amount__gte=0),
                name="module_price_not_negative",
                violation_error_message="A module's price cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def save(self, *args, **kwargs):
        with support.deferred():  # the course count and totals follow, then the check
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with support.deferred():
            return super().delete(*args, **kwargs)

    def clean(self) -> None:
        """A module of a per-course program costs the program's per-course price, or is blank."""
        super().clean()
        try:
            program = self.program
        except Program.DoesNotExist:
            return
        if (
            self.price_amount is not None
            and program.price_basis == Program.PriceBasis.PER_COURSE
            and program.price_amount is not None
            and self.price_amount != program.price_amount
        ):
            price = display.money(program.price_amount, program.price_currency)
            raise ValidationError(
                {
                    "price_amount": f"The program is priced at {price} per course: give this "
                    "module that price or leave it empty, so the module and the total agree."
                }
            )


class CostItem(CatalogueModel):
    """One part of what a program costs, as a source names it (issue #24): tuition, an exam
    fee, a membership, a credit certificate. A required item is part of the total; an optional
    one is shown beside it. Each is supported by a "Cost items" citation whose sentence states
    its amount and names its kind (programs/support.py), like a module's figures."""

    class Kind(models.TextChoices):
        TUITION = "tuition", "Tuition"
        EXAM_FEE = "exam_fee", "Exam fee"
        MEMBERSHIP = "membership", "Membership"
        CREDIT_CERTIFICATE = "credit_certificate", "Credit certificate"
        OTHER = "other", "Other"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cost_items")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code, e.g. USD.")
    required = models.BooleanField(
        default=False,
        help_text="Every reader pays it: added to the total. Leave unticked for an optional "
        "item (shown beside the total, never in it).",
    )
    note = models.CharField(
        max_length=300, null=True, blank=True, help_text="What the source says it covers."
    )

    history = HistoricalRecords(bases=[Revisioned])

    SHOWN_ORDER = ("-required", "kind", "pk")

    class Meta:
        ordering = ["program", "-required", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="costitem_amount_not_negative",
                violation_error_message="A cost item cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="costitem_currency_iso",
                violation_error_message="The currency must be a three-letter ISO code such as USD.",
            ),
            *_not_blank("note"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'required' if self.required else 'optional'})"

    def save(self, *args, **kwargs):
        with support.deferred():  # the stored total follows, then the check
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with support.deferred():
            return super().delete(*args, **kwargs)

    def clean(self) -> None:
        """A required item is added to the price: it must be in the price's currency."""
        super().clean()
        if self.currency:
            self.currency = self.currency.strip().upper()
        try:
            program = self.program
        except Program.DoesNotExist:
            return
        if self.required and program.price_currency and self.currency != program.price_currency:
            raise ValidationError(
                {
                    "currency": f"The program is priced in {program.price_currency}: a required "
                    "item in another currency cannot be added to its total."
                }
            )

    def as_listed(self) -> dict:
        """This item in the program's stored copy (`Program.cost_items_value`)."""
        return {
            "pk": self.pk,
            "kind": self.kind,
            "amount": str(self.amount),
            "currency": self.currency,
            "required": self.required,
            "note": self.note,
        }

    @classmethod
    def from_listed(cls, program: Program, data: dict) -> "CostItem":
        item = cls(
            pk=data["pk"],
            kind=data["kind"],
            amount=Decimal(data["amount"]),
            currency=data["currency"],
            required=data["required"],
            note=data["note"],
        )
        item.program_id = program.pk
        return item

    @property
    def shown(self) -> str:
        """'Exam fee: $300 (required)'."""
        money = display.money(self.amount, self.currency)
        return f"{self.get_kind_display()}: {money} ({'required' if self.required else 'optional'})"


class RoleFit(CatalogueModel):
    """What a source says of a program for a role, in the source's own grading words (issue #21).

    `grade` and `condition` are the source's words, taken from `rationale`; `strength` is the
    editor's reading of those words on one ordered scale, defined once here. A description of
    a program's audience is recorded as such (`Strength.AUDIENCE`), never as a recommendation.
    """

    class Strength(models.IntegerChoices):
        # Highest first: the order the finder ranks by and every page lists fits in.
        RECOMMENDED = 4, "Recommended for this role"
        OPTION = 3, "Named as an option for this role"
        ADDITION = 2, "Named as an addition to another credential"
        AUDIENCE = 1, "Its described audience includes this role (not a recommendation)"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="role_fits")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="fits")
    strength = models.PositiveSmallIntegerField(
        choices=Strength.choices,
        help_text="Read from the grading words: “a direct match”, “a natural fit”, “best suited "
        "for” → recommended; “worth considering”, “a practical option”, “highly relevant” → an "
        "option; “a practical complement”, “solid additions”, “pairing it with” → an addition; "
        "a line describing who the program is for → its audience.",
    )
    grade = models.CharField(
        "grading words",
        max_length=200,
        help_text="The source's own grading words, word for word from the sentence: “a direct "
        "match”, “a practical complement”, “worth considering”.",
    )
    condition = models.CharField(
        max_length=300,
        null=True,
        blank=True,
        help_text="The source's condition, word for word, when it has one: “when the clinician "
        "also manages teams, evaluates vendors, or contributes to AI governance decisions”.",
    )
    rationale = models.TextField("sentence", help_text="Quoted from the source.")
    source = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="role_fits")
    referent = models.CharField(
        max_length=300,
        null=True,
        blank=True,
        help_text="What the sentence's pronoun or “this”, “these”, “both” stands for, when it has "
        "one: ““Both programs”: Harvard's and Johns Hopkins' certificates”. Shown with the "
        "quote; a sentence about a class of programs says so here.",
    )
    module = models.ForeignKey(
        "Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="role_fits",
        help_text="When the source recommends one module rather than the whole program.",
    )

    history = HistoricalRecords(bases=[Revisioned])

    class Meta:
        ordering = ["role", "-strength", "program"]
        constraints = [
            models.UniqueConstraint(fields=["program", "role"], name="rolefit_unique_program_role"),
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=4), name="rolefit_strength_known"
            ),
            *_not_blank("condition", "referent"),
        ]

    def __str__(self) -> str:
        return f"{self.program} — {self.role}: “{self.grade}”"

    @property
    def is_recommendation(self) -> bool:
        """False for a description of the program's audience: never shown as a recommendation."""
        return self.strength != self.Strength.AUDIENCE

    @property
    def is_addition(self) -> bool:
        return self.strength == self.Strength.ADDITION

    @property
    def words(self) -> str:
        """The source's grading in its words: '“a natural fit” … “for licensed clinicians who
        need CME credit as part of their professional recertification”'."""
        graded = f"“{self.grade}”"
        return f"{graded} … “{self.condition}”" if self.condition else graded

    @property
    def judge(self) -> str:
        """Whose judgement it is: the sentence's speaker, with what it promotes."""
        return self.source.speaker

    def reading_order(self) -> tuple[int, int]:
        """How every page lists a program's fits: strongest first, then the roles' own order.
        `strongest_first()` is the same rule for the database."""
        return (-self.strength, self.role.position)

    @classmethod
    def strongest_first(cls) -> models.OrderBy:
        """An ORDER BY term: the strongest grading first (`reading_order`, in SQL)."""
        return models.F("strength").desc()

    def clean(self) -> None:
        super().clean()
        self.check_quote()
        if self.module_id and self.module.program_id != self.program_id:
            raise ValidationError({"module": "Choose a module of this program."})

    def check_quote(self) -> None:
        check_quote(self, document_field="source", quote_field="rationale")
        sentence = normalise_whitespace(self.rationale or "").lower()
        for name in ("grade", "condition"):
            words = normalise_whitespace(getattr(self, name) or "").lower()
            if words and words not in sentence:
                raise ValidationError(
                    {name: "Use the sentence's own words, word for word: these are not in it."}
                )


class CitationQuerySet(models.QuerySet):
    def settling(self, provider_short_name) -> "CitationQuerySet":
        """Citations that can settle a fact (`programs.facts.settles`, in SQL): not a provider's
        own description, not a hedge, not a document's word on the program it promotes."""
        return self.exclude(
            standing__in=(Citation.Standing.SELF_DESCRIBED, Citation.Standing.HEDGED)
        ).exclude(document__is_vendor=True, document__promotes=provider_short_name)


class Citation(CatalogueModel):
    """The sentence in a source document that a stored fact comes from."""

    class Field(models.TextChoices):
        # In the order of the program's change page, fieldset by fieldset (FIELD_GROUPS).
        PROVIDER = "provider", "Provider"
        SUMMARY = "summary", "Summary"
        CREDENTIAL_KIND = "credential_kind", "Credential kind"
        PRICE = "price", "Price"
        COURSES = "course_count", "Number of courses"
        COST_ITEMS = "cost_items", "Cost items"
        DURATION = "duration_weeks", "Duration"
        WEEKLY_HOURS = "weekly_hours", "Weekly hours"
        MODULES = "modules", "Modules"
        FORMAT = "format", "Format"
        PLATFORM = "platform", "Platform"
        ASSESSMENT = "assessment_type", "Assessment"
        EXAM = "exam", "Exam"
        CME = "cme_credit", "CME credit"
        CREDIT_TYPE = "credit_type", "Credit type"
        CREDIT_AMOUNT = "credit_amount", "Credits"
        CREDIT_ACCREDITOR = "credit_accreditor", "Accrediting body"
        CREDIT_MOC = "counts_toward_moc", "Maintenance of certification"
        FRAMEWORK = "framework", "Framework alignment"
        RECOGNITION = "recognition_note", "Recognition"
        VALIDITY = "validity_months", "Validity"
        PREREQUISITES = "prerequisites", "Prerequisites"
        BEST_FOR = "best_for", "Best for"
        TRADE_OFFS = "trade_offs", "Trade-offs"
        TOPICS = "topics", "Topics"
        SOURCE_NOTE = "source_note", "About the sources"
        NAMED_PAGE = "named_page", "Page the sources name"

    FIELD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("About", ("provider", "summary", "credential_kind")),
        ("Cost", ("price", "course_count", "cost_items")),
        ("Duration and weekly hours", ("duration_weeks", "weekly_hours", "modules")),
        ("Format", ("format", "platform")),
        ("Assessment", ("assessment_type", "exam")),
        (
            "CME",
            (
                "cme_credit",
                "credit_type",
                "credit_amount",
                "credit_accreditor",
                "counts_toward_moc",
            ),
        ),
        ("Framework and recognition", ("framework", "recognition_note")),
        ("Validity", ("validity_months",)),
        ("Who it is for", ("prerequisites", "best_for", "trade_offs", "topics", "source_note")),
        ("Where to go next", ("named_page",)),
    )
    """The citation fields under the change page's fieldsets: the admin's "Field" menu and the
    source sentences shown beside each fieldset."""

    class Standing(models.TextChoices):
        STATED = "stated", "Stated plainly"
        SELF_DESCRIBED = "self_described", "The provider's own description"
        HEDGED = "hedged", "Hedged: “typically”, “often”"
        ASSESSMENT = "assessment", "The source's own assessment"
        APPROXIMATE = "approximate", "Approximate: “about”, “roughly”"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="citations")
    field = models.CharField(max_length=30, choices=Field.choices)
    standing = models.CharField(
        max_length=20,
        choices=Standing.choices,
        default=Standing.STATED,
        help_text="Who says it and how sure: a provider describing itself, a hedge "
        "(“typically”), the source's own judgement, an approximation, or plain fact.",
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(help_text="The sentence, word for word.")
    referent = models.CharField(
        max_length=300,
        null=True,
        blank=True,
        help_text="What the sentence's pronoun or “this”, “these”, “both” stands for, when it has "
        "one: ““Both programs”: Harvard's and Johns Hopkins' certificates”. Shown with the "
        "quote; a sentence about a class of programs says so here.",
    )
    superseded = models.BooleanField(
        default=False,
        help_text="A newer source gives another value: kept, and shown as “earlier”, but it "
        "supports nothing.",
    )
    affirms = models.CharField(
        "supports the value",
        max_length=100,
        null=True,
        blank=True,
        help_text="The value an editor marked this sentence as supporting, for a choice its "
        "words do not name (programs/support.py).",
    )

    history = HistoricalRecords(bases=[Revisioned])
    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["program", "field", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "field", "document", "quote"], name="citation_unique"
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="citation_quote_not_blank"),
            *_not_blank("referent"),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.get_field_display()}"

    def save(self, *args, **kwargs):
        with support.deferred():
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with support.deferred():
            return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.check_quote()

    def check_quote(self) -> None:
        check_quote(self, document_field="document", quote_field="quote")


class CohortQuerySet(models.QuerySet):
    def upcoming(self, today: datetime.date) -> "CohortQuerySet":
        """Cohorts that have not started: their start is `today` or later
        (`Cohort.is_upcoming`). A past start is never a "next start"."""
        return self.filter(start_date__gte=today)


class Cohort(CatalogueModel):
    """One dated intake of a cohort program, with the sentence that gives its dates (issue #24).

    The sentence is kept on the cohort itself (a document and the words, checked like every
    quote by `check_quote`) rather than as a `Citation`: each cohort has its own dates and its
    own sentence, where a citation backs one field of the program, and a new cohort and its
    sentence are entered together in one inline row.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    start_date = models.DateField("starts on")
    enrolment_deadline = models.DateField(
        "enrolment closes on",
        null=True,
        blank=True,
        help_text="Leave empty when the source gives no deadline: enrolment then counts as open "
        "until the start.",
    )
    note = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        help_text="What the source says of this intake besides its dates, e.g. “online”.",
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="cohorts")
    quote = models.TextField(
        "sentence",
        help_text="The sentence giving the start date (and the deadline), word for word, with "
        "the year.",
    )
    standing = models.CharField(
        max_length=20,
        choices=Citation.Standing.choices,
        default=Citation.Standing.STATED,
        help_text="Who says it and how sure, as for a citation.",
    )

    history = HistoricalRecords(bases=[Revisioned])
    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["program", "start_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "start_date"], name="cohort_unique_program_start"
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="cohort_quote_not_blank"),
            *_not_blank("note"),
        ]

    def __str__(self) -> str:
        return f"{self.program} · starts {display.day(self.start_date)}"

    referent = None
    """A cohort's sentence names its own dates: no pronoun to explain (cf. `Citation`)."""
    superseded = False

    @property
    def enrolment_closes(self) -> datetime.date:
        """The last day to enrol: the deadline, else the start."""
        return self.enrolment_deadline or self.start_date

    def is_upcoming(self, today: datetime.date) -> bool:
        """It has not started (`CohortQuerySet.upcoming`, in Python)."""
        return self.start_date >= today

    def is_open(self, today: datetime.date) -> bool:
        """Open for enrolment: its deadline, or its start when no deadline is given, is today
        or later (`ProgramQuerySet.with_next_start`'s `enrolment_open`, in SQL)."""
        return self.enrolment_closes >= today

    def clean(self) -> None:
        super().clean()
        try:
            program = self.program
        except Program.DoesNotExist:
            program = None
        if program is not None and program.format == Program.Format.SELF_PACED:
            raise ValidationError(
                "A self-paced program has no fixed start dates: change its format (with the "
                "sentence that gives it) before adding a cohort."
            )
        self.check_quote()

    def check_quote(self) -> None:
        """The sentence is in its document, and gives the start date and the deadline."""
        check_quote(self, document_field="document", quote_field="quote")
        if not self.quote:
            return
        for name in ("start_date", "enrolment_deadline"):
            day = getattr(self, name)
            if day is not None and not support.states_date(self.quote, day):
                raise ValidationError(
                    {
                        name: f"The sentence does not give {display.day(day)}. Cite the sentence "
                        "that gives this date with its year, or correct the date."
                    }
                )


class SupportWord(CatalogueModel):
    """An editor's word for a choice (issue #20): a cited sentence holding it supports that
    value, beside the words kept with the choice in `programs/support.py`. E.g. "self-directed"
    for the self-paced format."""

    field = models.CharField(max_length=30)
    value = models.CharField(max_length=30)
    word = models.CharField(
        max_length=100, help_text="As sources write it; matched as whole words, case aside."
    )

    history = HistoricalRecords(bases=[Revisioned])

    class Meta:
        ordering = ["field", "value", "word"]
        constraints = [
            models.UniqueConstraint(fields=["field", "value", "word"], name="supportword_unique"),
            models.CheckConstraint(condition=~Q(word=""), name="supportword_word_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.field} = {self.value}: “{self.word}”"

    def clean(self) -> None:
        super().clean()
        choices = support.choice_values()
        if self.field not in choices:
            raise ValidationError({"field": f"Choose one of: {', '.join(choices)}."})
        if self.value not in choices[self.field]:
            raise ValidationError({"value": f"Choose one of: {', '.join(choices[self.field])}."})


class LinkCheckQuerySet(models.QuerySet):
    def result_for(self, address_field: str) -> Subquery:
        """A subquery annotation: whether the row's address (`address_field`) worked when last
        checked (True, False, or None when never checked), for admin columns and filters."""
        return Subquery(self.filter(address=OuterRef(address_field)).values("ok")[:1])


class LinkCheck(CatalogueModel):
    """The last check of one stored address (`manage.py check_links`, programs/link_check.py).

    Kept per address, not per row: a program and a document with the same address share it.
    Editors see broken links in admin; public pages show every link whatever its result, so
    nothing a reader could use is hidden by a check that may itself have failed."""

    address = models.CharField(max_length=2000, unique=True)
    ok = models.BooleanField(
        "works",
        db_index=True,
        help_text="The address answered with a success (2xx) after any redirects.",
    )
    status = models.PositiveSmallIntegerField(
        "HTTP status", null=True, blank=True, help_text="Empty when no answer came."
    )
    method = models.CharField(
        max_length=4, help_text="HEAD, or GET when the server refuses HEAD (405, 501)."
    )
    final_address = models.CharField(
        max_length=2000, null=True, blank=True, help_text="Where the redirects led, if anywhere."
    )
    redirects = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(
        max_length=300, null=True, blank=True, help_text="Why no answer came, or what was wrong."
    )
    checked_at = models.DateTimeField()

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["address"]
        constraints = _not_blank("final_address", "error")

    def __str__(self) -> str:
        return f"{self.address}: {self.summary}"

    @property
    def summary(self) -> str:
        """The result in a few words: 'works (200)', 'broken: timed out after 5 s'."""
        if self.ok:
            moved = f", moved to {self.final_address}" if self.final_address else ""
            return f"works ({self.status}{moved})"
        return f"broken: {self.error or self.status}"


class CatalogueVersion(models.Model):
    """One row whose number goes up on every catalogue write (issue #11).

    Every cached page and every ETag carries it, so no server, worker or CDN serves a page
    built from facts that have since changed. It lives in the database, shared by every app
    server, whatever the cache backend.
    """

    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)
    footer = models.JSONField(null=True, blank=True, editable=False)
    """What every page's footer says of the catalogue at this version (`footer_facts`): read
    in the same query as the version, so the footer costs no query of its own."""

    def __str__(self) -> str:
        return f"Catalogue version {self.version}"


def footer_facts() -> dict:
    """The catalogue's sources, with who wrote them and what they promote, and the latest date
    any program was checked against them: shown at the foot of every page."""
    latest = Program.objects.published().aggregate(latest=models.Max("last_verified"))["latest"]
    return {
        "last_verified": latest.isoformat() if latest else None,
        "sources": [
            {
                "pk": doc.pk,
                "title": doc.title,
                "author": doc.author,
                "badge": doc.badge,
                "date_label": doc.date_label,
                "promotes": doc.promotes if doc.is_vendor else None,
                "short_name": doc.short_name,
            }
            for doc in Document.objects.order_by("pk").only(
                "pk",
                "title",
                "is_vendor",
                "promotes",
                "author",
                "published_on",
                "date_note",
                "cite_as",
            )
        ],
    }


class ReaderReportQuerySet(models.QuerySet):
    def waiting(self) -> "ReaderReportQuerySet":
        """Reports an editor has accepted but no save of the program has answered yet: the
        ones a program's change page may say it answers."""
        return self.filter(status=ReaderReport.Status.ACCEPTED, answered_by__isnull=True)


class ReaderReport(CatalogueModel):
    """A reader's word that a shown fact is wrong (issue #24, item 5), queued for editors.

    What the reader saw is kept as it was (`shown_value`), since the fact may change; the
    program's history entry that acted on the report is `answered_by`. Not a catalogue model:
    filing or deciding a report changes no public page (programs/caching.py)."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    PROBLEM_MAX = 2000
    EVIDENCE_MAX = 1000

    program = models.ForeignKey(
        Program, null=True, on_delete=models.SET_NULL, related_name="reader_reports"
    )
    program_name = models.CharField(max_length=200, help_text="As it was when reported.")
    fact = models.CharField(max_length=40, help_text="The fact's key (programs/facts.py FACTS).")
    fact_label = models.CharField(max_length=100)
    shown_value = models.TextField(help_text="What the page showed for the fact when reported.")
    problem = models.TextField("what is wrong", max_length=PROBLEM_MAX)
    evidence = OptionalTextField(
        "the source sentence or address that shows it",
        max_length=EVIDENCE_MAX,
        null=True,
        blank=True,
    )
    email = models.EmailField(
        "reader's e-mail", null=True, blank=True, help_text="Never written to automatically."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    answer = OptionalTextField("editor's answer", max_length=2000, null=True, blank=True)
    created_at = models.DateTimeField("reported", auto_now_add=True)
    decided_at = models.DateTimeField("decided", null=True, blank=True)
    answered_by = models.ForeignKey(
        "programs.HistoricalProgram",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="answered by the history entry",
    )

    objects = ReaderReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="readerreport_queue")]
        constraints = [*_not_blank("evidence", "email", "answer")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.program_name}, {self.fact_label}"

    @property
    def reference(self) -> str:
        """The number the reader is given and editors and history quote: 'R-17'."""
        return f"R-{self.pk}"

    @property
    def history_words(self) -> str:
        """How a history entry that acts on this report names it: 'reader report #17'."""
        return f"reader report #{self.pk}"
