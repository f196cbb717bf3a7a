"""Django admin: the editors' product surface for keeping the catalogue true (issue #8).

Every model keeps its history (django-simple-history). A program's change page is laid out in
the order a reader sees its facts, with each fact's source sentences beside it; a program can be
reverted with its modules, role fits and citations, and a deleted program restored.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator as ProhibitNullCharacters
from django.db import models
from django.db.models import Case, Count, F, Value, When
from django.db.models.functions import Concat
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from programs import display, history, reports, support, text
from programs.models import (
    Citation,
    Cohort,
    CostItem,
    Document,
    LinkCheck,
    Module,
    Program,
    Provider,
    ReaderReport,
    Role,
    RoleFit,
    SupportWord,
    Topic,
)

_COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}


class SafeTextBoxes:
    """Every text box of a model's field refuses what `programs.text` refuses (issue #22), NUL
    included: with the character and its place, where Django's own message names neither."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and text.is_text_field(db_field) and not db_field.choices:
            formfield.validators = [
                *(v for v in formfield.validators if not isinstance(v, ProhibitNullCharacters)),
                text.SafeTextValidator(),
            ]
        return formfield


class CatalogueAdmin(SafeTextBoxes, SimpleHistoryAdmin):
    """Every catalogue model: history with a diff of each version; compact text boxes."""

    formfield_overrides = _COMPACT_TEXT


def _kept(formset) -> list:
    """The rows a valid formset would save, as model instances: deleted rows and untouched
    extra rows left out."""
    return [
        form.instance
        for form in formset.forms
        if not form.cleaned_data.get("DELETE")
        if form.instance.pk is not None or form.has_changed()
    ]


class ProgramForm(forms.ModelForm):
    """Hands itself to the citations' check, which puts each problem beside its field."""

    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=100,
        validators=[text.SafeTextValidator()],
        help_text="Shown with the change in the public change log and in history, e.g. "
        "“Provider's page of 2 Dec 2026 gives $3,290”.",
    )

    reader_report = forms.ModelChoiceField(
        queryset=ReaderReport.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "That reader report is not one accepted for this "
            "program and still waiting for an answer."
        },
    )
    reader_report_initial: int | None = None
    """Set by ProgramAdmin.get_form from `?reader_report=N` (the report's Accept button)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reader_report"].queryset = ReaderReport.objects.waiting().filter(
                program=self.instance
            )
        if self.reader_report_initial is not None:
            self.fields["reader_report"].initial = self.reader_report_initial

    def clean(self):
        cleaned = super().clean()
        report = cleaned.get("reader_report")
        reason = cleaned.get("change_reason")
        if report is not None and reason:
            room = self.fields["change_reason"].max_length - len(f"; {report.history_words}")
            if len(reason) > room:
                self.add_error(
                    "change_reason",
                    f"Keep the reason to {room} characters: “; {report.history_words}” is "
                    "added to it in the history.",
                )
        self.instance._proposed = {**getattr(self.instance, "_proposed", {}), "form": self}
        return cleaned


class ModuleFormSet(BaseInlineFormSet):
    """Hands the modules as they would be saved to the citations' check (CitationFormSet)."""

    def clean(self):
        super().clean()
        self.instance._proposed = {**getattr(self.instance, "_proposed", {}), "modules": self}


class CostItemFormSet(BaseInlineFormSet):
    """Hands the cost items as they would be saved to the citations' check (CitationFormSet)."""

    def clean(self):
        super().clean()
        self.instance._proposed = {**getattr(self.instance, "_proposed", {}), "cost_items": self}


class CitationFormSet(BaseInlineFormSet):
    """The last inline validated: checks that every fact of the program, as this save would leave
    it, is supported by the citations as they would be saved (programs/support.py). A problem is
    shown beside its field; the save is refused while the program is published."""

    def clean(self):
        super().clean()
        program = self.instance
        proposed = getattr(program, "_proposed", {})
        form, modules = proposed.get("form"), proposed.get("modules")
        items = proposed.get("cost_items")
        if form is None or any(not f.is_valid() for f in self.forms):
            return
        for citation_form in self.forms:
            field = citation_form.cleaned_data.get("field")
            value = _citation_value(program, field) if field else None
            ticked = citation_form.cleaned_data.get("supports_value") and value not in (None, "")
            citation_form.instance.affirms = str(value) if ticked else None
        if modules is not None and not modules.is_valid():
            return
        if items is not None and not items.is_valid():
            return
        reason_needed = self._ask_for_a_reason(form, modules, items)
        topics = form.cleaned_data.get("topics") if "topics" in form.cleaned_data else []
        found = support.problems(
            program,
            citations=_kept(self),
            modules=_kept(modules) if modules is not None else list(program.modules.all()),
            topics=list(topics or []),
            cost_items=_kept(items) if items is not None else list(program.cost_items.all()),
        )
        program._support_problems = found
        if not found or program.status != Program.Status.PUBLISHED:
            if reason_needed:
                raise ValidationError("A reason for the change is needed (see Checked, below).")
            return
        by_position = {}
        if modules is not None:
            by_position = {f.instance.position: f for f in modules.forms if f.is_valid()}
        for problem in found:
            if problem.module is not None and problem.module in by_position:
                by_position[problem.module].add_error(problem.field, problem.message)
            elif problem.field == "modules" and modules is not None:
                modules._non_form_errors.append(problem.message)
            elif problem.field == "cost_items" and items is not None:
                items._non_form_errors.append(problem.message)
            elif problem.field in form.fields:
                form.add_error(problem.field, problem.message)
            else:
                form.add_error(None, support.describe(problem))
        raise ValidationError(
            f"{len(found)} fact{'' if len(found) == 1 else 's'} would not be supported by "
            "these citations (see the messages beside each). Cite a sentence that gives the "
            "new value, mark outdated citations superseded, or save as a draft.",
            code="unsupported",
        )

    def _ask_for_a_reason(self, form, modules, items=None) -> bool:
        """An edit of a program's facts says why, for the public change log (issue #20): True
        (with the message beside the reason) when one is needed and missing."""
        if self.instance.pk is None or form.cleaned_data.get("change_reason"):
            return False
        facts = set(form.changed_data) - {"last_verified", "status", "change_reason"}
        parts = [part for part in (modules, items) if part is not None]
        if facts or self.has_changed() or any(part.has_changed() for part in parts):
            form.add_error(
                "change_reason",
                "Say in a few words why these facts changed: it is shown with the change in the "
                "public change log (e.g. “Provider's page of 2 Dec 2026 gives $3,290”).",
            )
            return True
        return False


class ModuleInline(SafeTextBoxes, admin.TabularInline):
    model = Module
    formset = ModuleFormSet
    formfield_overrides = _COMPACT_TEXT
    extra = 0
    ordering = ["position"]


class CostItemInline(SafeTextBoxes, admin.TabularInline):
    """What the price covers (issue #24): each item cited under "Cost items"; a required item
    is added to the total."""

    model = CostItem
    formset = CostItemFormSet
    formfield_overrides = _COMPACT_TEXT
    extra = 0
    fields = ["kind", "amount", "currency", "required", "note"]
    verbose_name_plural = "cost items (what the price covers; cite each under “Cost items”)"


class RoleFitInline(SafeTextBoxes, admin.StackedInline):
    model = RoleFit
    formfield_overrides = _COMPACT_TEXT
    extra = 0
    autocomplete_fields = ["role"]
    fields = [
        ("role", "strength", "source", "module"),
        "rationale",
        ("grade", "condition"),
        "referent",
    ]
    classes = ["collapse"]


class CitationForm(forms.ModelForm):
    supports_value = forms.BooleanField(
        label="This sentence supports the value",
        required=False,
        help_text="For a choice (format, assessment, CME…) whose words the sentence does not "
        "use: you have read it as saying the value now chosen above. Recorded in history.",
    )

    pick = forms.CharField(
        label="Or pick the sentence",
        required=False,
        validators=[text.SafeTextValidator()],
        help_text="Type a word of the sentence, then choose it from the list (the chosen "
        "document's sentences; for a new citation, those of the documents listed under "
        "“Sentences to pick from”). It replaces the quote above.",
        widget=forms.TextInput(attrs={"size": 80, "autocomplete": "off"}),
    )

    class Meta:
        model = Citation
        fields = ["field", "document", "standing", "quote", "superseded"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker's list: this row's document's sentences, else the recent documents'.
        document = self.instance.document_id if self.instance.pk else None
        self.fields["pick"].widget.attrs["list"] = (
            f"sentences-{document}" if document else "sentences-recent"
        )
        self.fields["quote"].required = False
        self.fields["field"].choices = [
            ("", "---------"),
            *(
                (group, [(name, Citation.Field(name).label) for name in names])
                for group, names in Citation.FIELD_GROUPS
            ),
        ]
        if self.instance.pk and self.instance.affirms:
            current = _citation_value(self.instance.program, self.instance.field)
            self.fields["supports_value"].initial = self.instance.affirms == str(current)

    def clean(self):
        data = super().clean()
        picked = " ".join((data.get("pick") or "").split())
        if picked:
            data["quote"] = picked
        if not data.get("quote") and not data.get("DELETE"):
            self.add_error("quote", "Type the sentence, or pick it from the list below.")
        return data


def _citation_value(program, field: str):
    """The value of the program fact a citation field names (what a tick affirms); None for
    a field that names no single stored value (modules, topics, cost items)."""
    try:
        model_field = Program._meta.get_field(field)
    except Exception:
        return None
    if not model_field.concrete or model_field.many_to_many:
        return None
    return getattr(program, field, None)


class CitationInline(SafeTextBoxes, admin.StackedInline):
    model = Citation
    form = CitationForm
    formset = CitationFormSet
    formfield_overrides = _COMPACT_TEXT
    extra = 0
    fields = [
        ("field", "document", "standing"),
        "quote",
        "pick",
        "referent",
        ("superseded", "supports_value"),
    ]
    classes = ["collapse"]
    verbose_name_plural = "citations (each shown beside its fact above)"


class CohortInline(SafeTextBoxes, admin.StackedInline):
    """A cohort program's dated intakes, each with the sentence that gives its dates."""

    model = Cohort
    formfield_overrides = _COMPACT_TEXT
    extra = 0
    fields = [("start_date", "enrolment_deadline"), ("document", "standing"), "quote", "note"]
    ordering = ["start_date"]
    verbose_name_plural = (
        "cohorts (start dates; only for cohort programs; a past start is never shown as next)"
    )


def _cannot_revert(refused: ValidationError, moment) -> str:
    """Why a revert or restore wrote nothing, in words."""
    when = (
        f"the version of {display.day(moment)} at {moment:%H:%M}"
        if moment
        else "the deleted version"
    )
    return (
        f"Nothing was changed: {when} no longer agrees with its sources. "
        + " ".join(refused.messages)
        + " Edit the program instead, or put the sentence back in its document first."
    )


def _error_summary(form, inline_admin_formsets) -> list[tuple[str, str, str]]:
    """(where, message, anchor) for every error on a change page, main form first."""
    summary = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else "The program"
        anchor = f"#id_{name}" if name in form.fields else "#content-main"
        summary += [(str(label or name), str(error), anchor) for error in errors]
    for inline in inline_admin_formsets:
        formset = inline.formset
        title = capfirst(str(formset.model._meta.verbose_name_plural))
        for error in formset.non_form_errors():
            summary.append((title, str(error), f"#{formset.prefix}-group"))
        for number, row in enumerate(formset.forms):
            for name, errors in row.errors.items():
                label = row.fields[name].label if name in row.fields else ""
                where = f"{capfirst(str(formset.model._meta.verbose_name))} {number + 1}"
                where = f"{where}, {label}" if label else where
                summary += [(where, str(error), f"#{formset.prefix}-{number}") for error in errors]
    return summary


def _sources(*fields: str, description: str = "Sources"):
    """A read-only row listing the citations behind a fieldset's facts, each with an edit link."""

    @admin.display(description=description)
    def sources(self, obj):
        if obj is None or obj.pk is None:
            return format_html(
                '<span class="citations-none">Cite the sentences behind these facts under '
                "Citations below ({}). Until every fact is cited the program stays a draft."
                "</span>",
                ", ".join(Citation.Field(f).label for f in fields),
            )
        cited = [c for c in obj.citations.all() if c.field in fields]
        if not cited:
            return format_html(
                '<span class="citations-none">No citation yet: add one under Citations '
                "({}).</span>",
                ", ".join(Citation.Field(f).label for f in fields),
            )
        return format_html(
            '<details class="citations-beside"><summary>{} source sentence{} ({})</summary>'
            "<ul>{}</ul></details>",
            len(cited),
            "" if len(cited) == 1 else "s",
            ", ".join(dict.fromkeys(c.get_field_display() for c in cited)),
            format_html_join(
                "",
                '<li><b>{}</b>: “{}” — <i>{}</i> <a href="{}">edit</a></li>',
                (
                    (
                        c.get_field_display(),
                        c.quote,
                        c.document,
                        reverse("admin:programs_citation_change", args=[c.pk]),
                    )
                    for c in cited
                ),
            ),
        )

    return sources


# Link checks (issue #24): editors see which stored addresses were broken when last checked.
# Public pages show every link whatever its result (programs/next_step.py).


class LinkCheckFilter(admin.SimpleListFilter):
    """Programs or documents by their address's last check (`manage.py check_links`)."""

    title = "link check"
    parameter_name = "link"
    address = "url"
    """The queryset's address: a field, or an annotation (a document's link)."""

    def lookups(self, request, model_admin):
        return [
            ("broken", "Broken"),
            ("working", "Working"),
            ("unchecked", "Not checked yet"),
            ("none", "No address"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "broken":
                return queryset.filter(link_works=False)
            case "working":
                return queryset.filter(link_works=True)
            case "unchecked":
                return queryset.filter(**{f"{self.address}__isnull": False, "link_works": None})
            case "none":
                return queryset.filter(**{f"{self.address}__isnull": True})
        return queryset


class DocumentLinkCheckFilter(LinkCheckFilter):
    address = "link_address"


def _link_cell(address: str | None, works: bool | None):
    """A changelist cell: the address's last check in a word, for scanning a list."""
    if not address:
        return "No address"
    if works is None:
        return "Not checked"
    if works:
        return format_html('<span class="link-check link-check--ok">{}</span>', "Working")
    return format_html('<span class="link-check link-check--broken">{}</span>', "Broken")


def _link_note(address: str | None):
    """The change page's note on an address: its last check in full, or that there is none."""
    if not address:
        return "No address entered."
    check = LinkCheck.objects.filter(address=address).first()
    if check is None:
        return "Not checked yet: manage.py check_links checks every stored address."
    checked = timezone.localtime(check.checked_at)
    when = f"{display.day(checked)} at {checked:%H:%M}"
    if check.ok:
        return f"Working when checked on {when}: {check.summary}."
    return format_html(
        '<strong class="link-check link-check--broken">Broken when checked on {}: {}.</strong> '
        "The public pages still show the link: check the address, then correct or remove it.",
        when,
        check.error or check.status,
    )


@admin.register(Program)
class ProgramAdmin(CatalogueAdmin):
    form = ProgramForm
    # Short columns, so all of them fit at 1280 px (the change page shows the long forms).
    list_display = [
        "name",
        "provider_name",
        "status",
        "list_cost",
        "list_duration",
        "assessment_type",
        "cme_display",
        "last_verified",
        "link_check",
        "view_on_site_link",
    ]
    empty_value_display = display.NOT_PUBLISHED
    list_filter = [
        "status",
        "provider",
        "assessment_type",
        "last_verified",
        "credential_kind",
        "format",
        "cme_credit",
        "credit_type",
        "framework",
        LinkCheckFilter,
    ]
    list_select_related = ["provider"]
    search_fields = ["name", "summary", "provider__name", "provider__short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["provider", "topics"]
    actions = ["mark_verified_today"]
    inlines = [ModuleInline, CostItemInline, CohortInline, RoleFitInline, CitationInline]
    history_list_display = ["revert_with_parts"]

    cost_sources = _sources("price", "course_count", "cost_items")
    time_sources = _sources("duration_weeks", "weekly_hours", "modules")
    format_sources = _sources("format", "platform")
    assessment_sources = _sources("assessment_type", "exam", "credential_kind")
    cme_sources = _sources(
        "cme_credit", "credit_type", "credit_amount", "credit_accreditor", "counts_toward_moc"
    )
    framework_sources = _sources("framework", "recognition_note")
    validity_sources = _sources("validity_months")
    who_sources = _sources("prerequisites", "best_for", "trade_offs", "topics", "source_note")
    about_sources = _sources("provider", "summary")
    next_step_sources = _sources("named_page")

    readonly_fields = [
        "total_cost_display",
        "duration_display",
        "total_hours_display",
        "cost_sources",
        "time_sources",
        "format_sources",
        "assessment_sources",
        "cme_sources",
        "framework_sources",
        "validity_sources",
        "who_sources",
        "about_sources",
        "next_step_sources",
        "link_check_note",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "status",
                    ("provider", "name"),
                    ("slug", "credential_kind"),
                    "summary",
                    "about_sources",
                ],
                "description": "Leave a fact empty when the sources do not give it: the site "
                "shows “Not published”. Each fact needs a cited sentence that supports it "
                "(Citations, below); a draft may be saved before that, but is published only "
                "once every fact is supported.",
            },
        ),
        (
            "Cost",
            {
                "fields": [
                    ("price_amount", "price_currency", "price_basis"),
                    ("course_count", "price_is_approximate"),
                    "total_cost_display",
                    "cost_sources",
                ],
                "description": "The total is derived, never typed: the price plus the required "
                "cost items (below). With modules listed, the number of courses is their number.",
            },
        ),
        (
            "Duration and weekly hours",
            {
                "fields": [
                    ("duration_weeks", "weekly_hours_min", "weekly_hours_max"),
                    ("duration_display", "total_hours_display"),
                    "time_sources",
                ],
                "description": "Modules (below) add up to the duration when no length is "
                "stated for the whole program.",
            },
        ),
        ("Format", {"fields": [("format", "platform", "format_note"), "format_sources"]}),
        (
            "Assessment",
            {
                "fields": [
                    (
                        "assessment_type",
                        "is_proctored",
                        "exam_questions",
                        "exam_minutes",
                        "exam_pass_mark",
                    ),
                    "assessment_sources",
                ]
            },
        ),
        (
            "CME",
            {
                "fields": [
                    ("cme_credit", "credit_type", "credit_amount"),
                    "credit_accreditor",
                    ("counts_toward_moc", "moc_boards"),
                    "cme_sources",
                ],
                "description": "Credit details only for a program with CME credit (Yes); each "
                "needs a cited sentence. The credit certificate's cost is a cost item (below).",
            },
        ),
        (
            "Framework and recognition",
            {
                "fields": [
                    "framework",
                    ("framework_note", "recognition_note"),
                    "framework_sources",
                ]
            },
        ),
        ("Validity", {"fields": ["validity_months", "validity_sources"]}),
        (
            "Who it is for",
            {
                "fields": [
                    ("prerequisites", "topics"),
                    ("best_for", "trade_offs"),
                    "source_note",
                    "who_sources",
                ]
            },
        ),
        (
            "Where to go next",
            {
                "fields": ["named_page", "next_step_sources", "url", "link_check_note"],
                "description": "The page a source points readers to, in its words (cite the "
                "sentence under “Page the sources name”), and the provider's page for this "
                "program once you have found it: the sources give no addresses.",
            },
        ),
        ("Checked", {"fields": ["last_verified", "change_reason", "reader_report"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(link_works=LinkCheck.objects.result_for("url"))
            .prefetch_related("modules", "citations__document")
        )

    @admin.display(description="Link", ordering="link_works")
    def link_check(self, obj):
        return _link_cell(obj.url, getattr(obj, "link_works", None))

    @admin.display(description="Last link check")
    def link_check_note(self, obj):
        return _link_note(obj.url if obj is not None else None)

    def save_model(self, request, obj, form, change):
        report = form.cleaned_data.get("reader_report")
        obj._change_reason = reports.history_reason(form.cleaned_data.get("change_reason"), report)
        super().save_model(request, obj, form, change)
        if report is not None:
            reports.answer(report, obj)
            self.message_user(
                request,
                f"This save answers {report.reference}; its history entry says "
                f"“{report.history_words}”.",
                messages.SUCCESS,
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        """With `?reader_report=N` (a report's Accept button), the save answers that report."""
        form = super().get_form(request, obj, change=change, **kwargs)
        asked = request.GET.get("reader_report", "")
        if obj is not None and asked.isascii() and asked.isdigit() and len(asked) < 19:
            form = type(form.__name__, (form,), {"reader_report_initial": int(asked)})
        return form

    def get_changeform_initial_data(self, request):
        """A new program is a draft, checked today."""
        return {
            "last_verified": timezone.localdate(),
            "status": Program.Status.DRAFT,
            **super().get_changeform_initial_data(request),
        }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The program and its parts are checked once all are written (programs/support.py)."""
        try:
            with support.deferred():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except support.Unsupported as refused:
            for message in refused.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """An error summary at the top: each error, linked to its field or inline row."""
        context["error_summary"] = _error_summary(
            context["adminform"].form, context.get("inline_admin_formsets", [])
        )
        context["sentence_lists"] = Document.objects.to_pick_from(obj)
        report = context["adminform"].form["reader_report"].value()
        context["reader_report"] = (
            ReaderReport.objects.waiting().filter(pk=report, program=obj).first()
            if obj is not None and str(report or "").isdigit()
            else None
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._say_what_is_unsupported(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._say_what_is_unsupported(request, obj)
        return super().response_change(request, obj)

    def _say_what_is_unsupported(self, request, obj):
        found = getattr(obj, "_support_problems", None)
        if obj.status == Program.Status.DRAFT:
            if found:
                self.message_user(
                    request,
                    format_html(
                        "“{}” is a draft: readers cannot see it. Before it can be published, "
                        "cite sentences for: <ul>{}</ul>",
                        obj,
                        format_html_join(
                            "", "<li>{}</li>", ((support.describe(p),) for p in found)
                        ),
                    ),
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    f"“{obj}” is a draft; every fact is supported, so it can be published.",
                    messages.INFO,
                )

    def get_readonly_fields(self, request, obj=None):
        """With modules listed, the course count is derived from them (Program model)."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.modules.exists():
            fields.append("course_count")
        return fields

    @admin.display(description="Total cost", ordering="total_cost_value")
    def total_cost_display(self, obj):
        if obj.pk is None:
            return "Saved programs show their derived total here."
        total = display.total_cost(obj)
        if total is None:
            return display.NOT_PUBLISHED
        basis = display.cost_basis(obj)
        return f"{total} ({basis})" if basis else total

    @admin.display(description="Provider", ordering="provider__short_name")
    def provider_name(self, obj):
        return obj.provider.short_name

    @admin.display(description="Total cost", ordering="total_cost_value")
    def list_cost(self, obj):
        return display.total_cost(obj) or display.NOT_PUBLISHED

    @admin.display(description="Duration", ordering="total_weeks_value")
    def list_duration(self, obj):
        return (
            display.weeks(obj.total_weeks, approximate=obj.weeks_are_approximate)
            or display.NOT_PUBLISHED
        )

    @admin.display(description="Duration")
    def duration_display(self, obj):
        if obj.pk is None:
            return "-"
        return display.duration(obj) or display.NOT_PUBLISHED

    @admin.display(description="Total study hours")
    def total_hours_display(self, obj):
        if obj.pk is None:
            return "-"
        return display.total_hours(obj) or display.NOT_PUBLISHED

    @admin.display(description="CME", ordering="cme_credit")
    def cme_display(self, obj):
        return display.yes_no(obj.cme_credit) or display.NOT_PUBLISHED

    @admin.display(description="On the site")
    def view_on_site_link(self, obj):
        return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())

    @admin.action(description="Mark selected programs verified today")
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()
        programs = list(queryset)
        for program in programs:  # one save each, so history records every change
            program.last_verified = today
            program.save(update_fields=["last_verified"])
        self.message_user(
            request,
            f"Marked {len(programs)} program{'s' if len(programs) != 1 else ''} verified on "
            f"{display.day(today)}.",
            messages.SUCCESS,
        )

    # History: revert with parts, and restore after delete ---------------------------------

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        """History in words (issue #20): each version's facts as readers see them ("Price:
        $1,600 → $1,700"), and what its edit did to the modules, citations and role fits."""
        records = list(historical_records)
        changes = history.version_changes(records)
        for record in records:
            record.changes_in_words = changes.get(record.history_id, [])

    @admin.display(description="Revert")
    def revert_with_parts(self, record):
        url = reverse("admin:programs_program_revert", args=[record.id, record.history_id])
        return format_html(
            '<a href="{}">Revert to this version with modules, role fits and citations</a>', url
        )

    def get_urls(self):
        return [
            path(
                "<int:program_id>/revert/<int:history_id>/",
                self.admin_site.admin_view(self.revert_view),
                name="programs_program_revert",
            ),
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="programs_program_deleted",
            ),
            path(
                "deleted/<int:program_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="programs_program_restore",
            ),
            *super().get_urls(),
        ]

    def revert_view(self, request, program_id, history_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        record = Program.history.filter(id=program_id, history_id=history_id).first()
        if record is None or record.history_type == "-":
            raise Http404("No such version.")
        moment = history.version_moment(record)
        if request.method == "POST":
            try:
                program = history.revert_program(program_id, to=moment)
            except ValidationError as refused:
                self.message_user(request, _cannot_revert(refused, moment), messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:programs_program_history", args=[program_id])
                )
            self.message_user(
                request,
                f"“{program}” is back as it was on {display.day(moment)} at "
                f"{moment:%H:%M:%S}, with its "
                "modules, role fits and citations. The revert is itself in the history.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:programs_program_change", args=[program_id]))
        return TemplateResponse(
            request,
            "admin/programs/program/revert_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Revert “{record.name}”",
                "record": record,
                "moment": moment,
                "parts": {
                    model._meta.verbose_name_plural: history.part_labels(
                        model, list(model.history.as_of(moment).filter(program_id=program_id))
                    )
                    for model in history.PROGRAM_PARTS
                },
                "changes": history.revert_diff(program_id, record),
            },
        )

    def deleted_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/programs/program/deleted.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Deleted programs",
                "deletions": history.deleted_programs(),
            },
        )

    def restore_view(self, request, program_id):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method != "POST":
            deletion = history.deleted_programs().filter(id=program_id).first()
            if deletion is None:
                raise Http404("No deleted program by that number.")
            return TemplateResponse(
                request,
                "admin/programs/program/restore_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": f"Restore “{deletion.name}”",
                    "record": deletion,
                },
            )
        try:
            program = history.restore_program(program_id)
        except Program.DoesNotExist as error:
            raise Http404(str(error)) from error
        except ValidationError as refused:
            self.message_user(request, _cannot_revert(refused, None), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:programs_program_deleted"))
        self.message_user(
            request,
            f"“{program}” is restored with its modules, role fits and citations.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:programs_program_change", args=[program_id]))


@admin.register(Provider)
class ProviderAdmin(CatalogueAdmin):
    list_display = ["name", "short_name", "kind", "program_count"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(program_count=Count("programs"))

    @admin.display(description="Programs", ordering="program_count")
    def program_count(self, obj):
        return obj.program_count


@admin.register(Role)
class RoleAdmin(CatalogueAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(CatalogueAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Document)
class DocumentAdmin(CatalogueAdmin):
    list_display = [
        "title",
        "cite_as",
        "author",
        "published_on",
        "promotes",
        "has_text",
        "link_check",
    ]
    list_filter = ["is_vendor", DocumentLinkCheckFilter]
    search_fields = ["title", "author", "publisher"]
    readonly_fields = ["link_check_note"]

    def get_queryset(self, request):
        # `Document.link` in SQL: the URL, else the DOI resolver address.
        return (
            super()
            .get_queryset(request)
            .annotate(
                link_address=Case(
                    When(url__isnull=False, then=F("url")),
                    When(doi__isnull=False, then=Concat(Value("https://doi.org/"), "doi")),
                    default=None,
                    output_field=models.CharField(),
                )
            )
            .annotate(link_works=LinkCheck.objects.result_for("link_address"))
        )

    @admin.display(description="Link", ordering="link_works")
    def link_check(self, obj):
        return _link_cell(obj.link, getattr(obj, "link_works", None))

    @admin.display(description="Last link check")
    def link_check_note(self, obj):
        return _link_note(obj.link if obj is not None else None)

    @admin.display(description="Full text", boolean=True)
    def has_text(self, obj):
        return bool(obj.text)


@admin.register(Citation)
class CitationAdmin(CatalogueAdmin):
    list_display = ["program", "field", "standing", "document", "quote"]
    list_filter = ["field", "standing", "document"]
    list_select_related = ["program", "document"]
    search_fields = ["quote", "program__name"]
    autocomplete_fields = ["program"]


@admin.register(RoleFit)
class RoleFitAdmin(CatalogueAdmin):
    list_display = ["program", "role", "strength", "grade", "source"]
    list_filter = ["strength", "role"]
    list_select_related = ["program", "role", "source"]
    autocomplete_fields = ["program", "role"]


@admin.register(Cohort)
class CohortAdmin(CatalogueAdmin):
    list_display = ["program", "start_date", "enrolment_deadline", "document"]
    list_filter = ["start_date", "document"]
    list_select_related = ["program", "document"]
    search_fields = ["program__name", "quote"]
    autocomplete_fields = ["program"]
    date_hierarchy = "start_date"


@admin.register(Module)
class ModuleAdmin(CatalogueAdmin):
    list_display = ["program", "position", "title", "weeks", "price_amount"]
    list_select_related = ["program"]
    search_fields = ["title", "program__name"]


class SupportWordForm(forms.ModelForm):
    """The choice facts and their values as menus, from the vocabulary (programs/support.py)."""

    class Meta:
        model = SupportWord
        fields = ["field", "value", "word"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = support.choice_values()
        self.fields["field"] = forms.ChoiceField(choices=[(f, f) for f in choices], label="Fact")
        self.fields["value"] = forms.ChoiceField(
            choices=[
                (group, [(v, f"{group}: {v}") for v in values]) for group, values in choices.items()
            ],
            help_text="The value a sentence holding the word supports.",
        )


@admin.register(SupportWord)
class SupportWordAdmin(CatalogueAdmin):
    """Editors' words for choices (issue #20): a cited sentence with the word supports the
    value, beside the words the vocabulary already knows."""

    form = SupportWordForm
    list_display = ["field", "value", "word"]
    list_filter = ["field"]
    search_fields = ["word"]


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """What `manage.py check_links` found, address by address: read only."""

    list_display = ["address", "ok", "status", "method", "final_address", "error", "checked_at"]
    list_filter = ["ok", "checked_at"]
    search_fields = ["address", "final_address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReaderReport)
class ReaderReportAdmin(SafeTextBoxes, admin.ModelAdmin):
    """The queue of readers' reports (issue #24): an editor reads one, answers it, and accepts
    it (which opens the program at that fact: the next save of the program answers it) or
    rejects it. Readers file reports; editors never add them."""

    list_display = [
        "reference_display",
        "created_at",
        "status",
        "program_name",
        "fact_label",
        "problem_excerpt",
        "answered_display",
    ]
    list_filter = ["status", "created_at"]
    list_select_related = ["program", "answered_by"]
    search_fields = ["problem", "evidence", "program_name", "fact_label", "shown_value", "answer"]
    date_hierarchy = "created_at"
    fields = [
        ("reference_display", "status", "created_at", "decided_at"),
        ("program_link", "fact_label"),
        "shown_value",
        "problem",
        "evidence",
        "email",
        "answer",
        "answered_display",
    ]
    readonly_fields = [
        "reference_display",
        "created_at",
        "decided_at",
        "program_link",
        "fact_label",
        "shown_value",
        "problem",
        "evidence",
        "email",
        "answered_display",
    ]
    formfield_overrides = _COMPACT_TEXT
    change_form_template = "admin/programs/readerreport/change_form.html"

    def has_add_permission(self, request):
        return False

    @admin.display(description="Reference", ordering="pk")
    def reference_display(self, obj):
        return obj.reference

    @admin.display(description="What is wrong")
    def problem_excerpt(self, obj):
        return obj.problem if len(obj.problem) <= 120 else f"{obj.problem[:117]}…"

    @admin.display(description="Program")
    def program_link(self, obj):
        if obj.program_id is None:
            return f"{obj.program_name} (since deleted)"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">as readers see it</a>',
            reverse("admin:programs_program_change", args=[obj.program_id]),
            obj.program_name,
            obj.program.get_absolute_url(),
        )

    @admin.display(description="Answered by")
    def answered_display(self, obj):
        record = obj.answered_by
        if record is None:
            return "Not yet" if obj.status == ReaderReport.Status.ACCEPTED else "-"
        return format_html(
            '<a href="{}">the change of {}</a>',
            reverse("admin:programs_program_simple_history", args=[record.id, record.history_id]),
            f"{display.day(record.history_date)}, {record.history_date:%H:%M}",
        )

    def save_model(self, request, obj, form, change):
        """Rejecting one dates the decision; accepting is the Accept button (response_change)."""
        if "status" in form.changed_data and obj.status != ReaderReport.Status.NEW:
            obj.decided_at = timezone.now()
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if "_accept" in request.POST:
            if obj.program_id is None:
                self.message_user(
                    request, "The program has been deleted: nothing to correct.", messages.ERROR
                )
                return HttpResponseRedirect(request.path)
            reports.accept(obj)
            self.message_user(
                request,
                f"{obj.reference} accepted. Correct the fact and save: the history entry will "
                f"say “{obj.history_words}”.",
                messages.SUCCESS,
            )
            url = reverse("admin:programs_program_change", args=[obj.program_id])
            return HttpResponseRedirect(
                f"{url}?reader_report={obj.pk}#{reports.admin_anchor(obj.fact)}"
            )
        return super().response_change(request, obj)
