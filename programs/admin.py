from django.contrib import admin
from django.db.models import Count

from programs import display
from programs.models import Citation, Document, Module, Program, Provider, Role, RoleFit, Topic


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    ordering = ["position"]


class RoleFitInline(admin.TabularInline):
    model = RoleFit
    extra = 0
    autocomplete_fields = ["role"]
    fields = ["role", "fit", "rationale", "source"]


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    fields = [("field", "document"), "quote"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "provider",
        "total_cost_display",
        "duration_display",
        "assessment_type",
        "cme_display",
        "last_verified",
    ]
    list_filter = [
        "provider__kind",
        "credential_kind",
        "assessment_type",
        "format",
        "cme_credit",
        "framework",
        "last_verified",
    ]
    list_select_related = ["provider"]
    search_fields = ["name", "summary", "provider__name", "provider__short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["provider"]
    filter_horizontal = ["topics"]
    readonly_fields = ["total_cost_display", "duration_display", "total_hours_display"]
    inlines = [ModuleInline, RoleFitInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["provider", "name", "slug", "summary", "credential_kind", "platform"]}),
        (
            "Cost",
            {
                "fields": [
                    ("price_amount", "price_currency", "price_basis"),
                    ("course_count", "price_is_approximate"),
                    "total_cost_display",
                ],
                "description": "Leave a fact empty when the sources do not give it: "
                "the site shows “Not published”. The total is derived, never typed.",
            },
        ),
        (
            "Time and format",
            {
                "fields": [
                    "duration_weeks",
                    ("weekly_hours_min", "weekly_hours_max"),
                    "duration_display",
                    "total_hours_display",
                    "format",
                    "format_note",
                ]
            },
        ),
        (
            "Assessment and recognition",
            {
                "fields": [
                    ("assessment_type", "is_proctored", "cme_credit"),
                    ("exam_questions", "exam_minutes", "exam_pass_mark"),
                    "validity_months",
                    ("framework", "framework_note"),
                    "recognition_note",
                ]
            },
        ),
        (
            "Who it is for",
            {"fields": ["prerequisites", "best_for", "trade_offs", "topics", "last_verified"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_total_cost().prefetch_related("modules")

    @admin.display(description="Total cost", ordering="total_cost_value")
    def total_cost_display(self, obj):
        if obj.pk is None:
            return "Saved programs show their derived total here."
        return display.total_cost(obj) or display.NOT_PUBLISHED

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


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
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
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "published_on", "is_vendor"]
    list_filter = ["is_vendor"]
    search_fields = ["title", "author", "publisher"]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["program", "field", "document", "quote"]
    list_filter = ["field", "document"]
    list_select_related = ["program", "document"]
    search_fields = ["quote", "program__name"]
    autocomplete_fields = ["program"]


@admin.register(RoleFit)
class RoleFitAdmin(admin.ModelAdmin):
    list_display = ["program", "role", "fit", "source"]
    list_filter = ["fit", "role"]
    list_select_related = ["program", "role", "source"]
    autocomplete_fields = ["program", "role"]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["program", "position", "title", "weeks", "price_amount"]
    list_select_related = ["program"]
    search_fields = ["title", "program__name"]
