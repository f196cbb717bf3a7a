"""Django admin: the editors' product surface for keeping the catalogue true (issue #8).

Every model keeps its history (django-simple-history). A program's change page is laid out in
the order a reader sees its facts, with each fact's source sentences beside it; a program can be
reverted with its modules, role fits and citations, and a deleted program restored.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from programs import display, history
from programs.models import Citation, Document, Module, Program, Provider, Role, RoleFit, Topic

_COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}


class CatalogueAdmin(SimpleHistoryAdmin):
    """Every catalogue model: history with a diff of each version; compact text boxes."""

    formfield_overrides = _COMPACT_TEXT


class ModuleInline(admin.TabularInline):
    model = Module
    formfield_overrides = _COMPACT_TEXT
    extra = 0
    ordering = ["position"]


class RoleFitInline(admin.StackedInline):
    model = RoleFit
    formfield_overrides = _COMPACT_TEXT
    extra = 0
    autocomplete_fields = ["role"]
    fields = [("role", "fit", "source", "module"), "rationale"]
    classes = ["collapse"]


class CitationInline(admin.StackedInline):
    model = Citation
    formfield_overrides = _COMPACT_TEXT
    extra = 0
    fields = [("field", "document", "standing"), "quote"]
    classes = ["collapse"]
    verbose_name_plural = "citations (each shown beside its fact above)"


def _sources(*fields: str, description: str = "Sources"):
    """A read-only row listing the citations behind a fieldset's facts, each with an edit link."""

    @admin.display(description=description)
    def sources(self, obj):
        if obj is None or obj.pk is None:
            return "Add citations after the first save."
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
    list_display = [
        "name",
        "provider",
        "total_cost_display",
        "duration_display",
        "assessment_type",
        "cme_display",
        "last_verified",
        "view_on_site_link",
    ]
    list_filter = [
        "provider",
        "assessment_type",
        "last_verified",
        "credential_kind",
        "format",
        "cme_credit",
        "framework",
    ]
    list_select_related = ["provider"]
    search_fields = ["name", "summary", "provider__name", "provider__short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["provider", "topics"]
    actions = ["mark_verified_today"]
    inlines = [ModuleInline, RoleFitInline, CitationInline]
    history_list_display = ["revert_with_parts"]

    cost_sources = _sources("price", "course_count")
    time_sources = _sources("duration_weeks", "weekly_hours", "modules")
    format_sources = _sources("format", "platform")
    assessment_sources = _sources("assessment_type", "exam", "credential_kind")
    cme_sources = _sources("cme_credit")
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
                    ("provider", "name"),
                    ("slug", "credential_kind"),
                    "summary",
                    "url",
                    "about_sources",
                ],
                "description": "Leave a fact empty when the sources do not give it: the site "
                "shows “Not published”. Every fact needs a citation (see Citations below).",
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
                "description": "The total is derived, never typed. With modules listed, the "
                "number of courses is their number.",
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
        ("CME", {"fields": ["cme_credit", "cme_sources"]}),
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
        ("Checked", {"fields": ["last_verified"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("modules", "citations__document")

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
            program = history.revert_program(program_id, to=moment)
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
                    model._meta.verbose_name_plural: list(
                        model.history.as_of(moment).filter(program_id=program_id)
                    )
                    for model in history.PROGRAM_PARTS
                },
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
            return HttpResponseRedirect(reverse("admin:programs_program_deleted"))
        try:
            program = history.restore_program(program_id)
        except Program.DoesNotExist as error:
            raise Http404(str(error)) from error
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
    list_display = ["program", "role", "fit", "source"]
    list_filter = ["fit", "role"]
    list_select_related = ["program", "role", "source"]
    autocomplete_fields = ["program", "role"]


@admin.register(Module)
class ModuleAdmin(CatalogueAdmin):
    list_display = ["program", "position", "title", "weeks", "price_amount"]
    list_select_related = ["program"]
    search_fields = ["title", "program__name"]
