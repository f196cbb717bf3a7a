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
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from programs import display, history, support, text
from programs.models import (
    Citation,
    CostItem,
    Document,
    Module,
    Program,
    Provider,
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

    def clean(self):
        cleaned = super().clean()
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


def _cannot_revert(refused: ValidationError, moment) -> str:
    """Why a revert or restore wrote nothing, in words."""
    when = f"the version of {moment:%-d %B %Y at %H:%M}" if moment else "the deleted version"
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
    ]
    list_select_related = ["provider"]
    search_fields = ["name", "summary", "provider__name", "provider__short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["provider", "topics"]
    actions = ["mark_verified_today"]
    inlines = [ModuleInline, CostItemInline, RoleFitInline, CitationInline]
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
                    "url",
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
        ("Checked", {"fields": ["last_verified", "change_reason"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("modules", "citations__document")

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason") or None
        super().save_model(request, obj, form, change)

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
            f"{today:%-d %B %Y}.",
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
                f"“{program}” is back as it was on {moment:%-d %B %Y at %H:%M:%S}, with its "
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
    list_display = ["title", "cite_as", "author", "published_on", "promotes", "has_text"]
    list_filter = ["is_vendor"]
    search_fields = ["title", "author", "publisher"]

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
