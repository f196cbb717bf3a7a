from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from programs import exports, history, linked_data, prepared, reports
from programs import sources as sources_page
from programs.browse import browse, ticked
from programs.caching import public_page
from programs.facts import facts_for, group_facts, questions_for, summary_voice
from programs.filters import ProgramFilterSet
from programs.forms import ChangesForm, ReaderReportForm, ReportTargetForm, ThanksForm
from programs.models import Program, ReaderReport, Role, RoleFit, family_ids
from programs.next_step import next_step
from programs.roles import role_fits_for_page

HOME_PROGRAMS = 6
"""Home is a fixed-size summary (issue #11): this many programs, then a link to the list."""
ROLE_PAGE_SIZE = 25


@public_page
def home(request):
    programs = Program.objects.published().for_listing().order_by("name")[:HOME_PROGRAMS]
    roles = Role.objects.with_program_counts()
    return render(
        request,
        "programs/home.html",
        {"programs": programs, "total": Program.objects.published().count(), "roles": roles},
    )


@public_page
def program_detail(request, slug):
    program = get_object_or_404(Program.objects.visible_to(request.user).for_detail(), slug=slug)
    fits = sorted(program.role_fits.all(), key=RoleFit.reading_order)
    facts = facts_for(program)
    page_url = request.build_absolute_uri(program.get_absolute_url())
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "groups": group_facts(facts),
            "questions": questions_for(facts),
            "next_step": next_step(program),
            "fits": fits,
            "summary_voice": summary_voice(program),
            "summary_citations": [
                c
                for c in program.citations.all()
                if c.field in ("summary", "provider") and not c.superseded
            ],
            "cited_documents": list(
                {c.document_id: c.document for c in program.citations.all()}.values()
            ),
            "changes": history.public_changes(
                history.program_change_records(program.pk)[:PROGRAM_CHANGES_SHOWN]
            ),
            "structured_data": linked_data.course(program, page_url=page_url),
        },
    )


PROGRAM_CHANGES_SHOWN = 10
CHANGES_PER_PAGE = 25


@public_page(params=[*ChangesForm.base_fields, "page"])
def changes(request):
    """Recent changes to the published programs' facts, newest first; no editor names. Filtered
    by program (`?program=<slug>`) and date (`?since=2026-11-01`)."""
    form = ChangesForm(request.GET)
    records = history.program_change_records()
    program = None
    if form.is_valid():
        program = form.cleaned_data["program"]
        if program is not None:
            records = records.filter(id=program.pk)
        if form.cleaned_data["since"]:
            records = records.filter(history_date__date__gte=form.cleaned_data["since"])
    else:
        records = records.none()
    page = Paginator(records, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/changes.html",
        {
            "form": form,
            "program": program,
            "page": page,
            "entries": history.public_changes(page.object_list),
            "canonical_query": _page_query(page),
        },
    )


@public_page
def change_detail(request, change_id: int):
    """/changes/<id>/: one change, with its own address (feed entries link here)."""
    entries = history.public_changes(history.program_change_records().filter(history_id=change_id))
    if not entries:
        raise Http404("No change by that number.")
    return render(request, "programs/change_detail.html", {"entry": entries[0]})


def _page_query(page) -> str:
    """The canonical query of a paginated page: its number, past the first."""
    return f"page={page.number}" if page.number > 1 else ""


@public_page
def sources(request):
    """Every source document, with the programs whose facts cite it and the sentences cited."""
    return render(request, "programs/sources.html", {"documents": sources_page.documents()})


@public_page(params=[*ProgramFilterSet.base_filters, "page", "programs", "compare"])
def program_list(request):
    if "compare" in request.GET:
        # "Compare selected" submits the filter form, which holds the ticks (issue #24).
        slugs = urlencode([("programs", slug) for slug in ticked(request.GET)])
        return redirect(f"{reverse('compare:index')}?{slugs}")
    # Shared URLs carry only the filters in use: a submitted form's empty fields are dropped.
    kept = [(k, v) for k, values in request.GET.lists() for v in values if v.strip()]
    if len(kept) != sum(len(values) for _, values in request.GET.lists()):
        return redirect(f"{request.path}?{urlencode(kept)}" if kept else request.path)
    result = browse(request.GET, path=request.path)
    return render(
        request,
        "programs/program_list.html",
        {"result": result, "canonical_query": result.canonical_query},
    )


def _absolute_page_url(request):
    """Each exported program's address on this site (the host worked out once, not per row)."""
    return exports.page_urls(request.build_absolute_uri("/").removesuffix("/"))


def _full_catalogue(request) -> bool:
    """No filter or sort asked for: the download is the prepared file (programs/prepared.py)."""
    return not request.META.get("QUERY_STRING")


@public_page(params=ProgramFilterSet.base_filters)
def export_csv(request):
    """/programs/export.csv?…: the programs /programs/?… lists, streamed as CSV; the whole
    catalogue from its prepared file."""
    content_type = "text/csv; charset=utf-8"
    response = _full_catalogue(request) and prepared.served(
        request, prepared.CSV, content_type=content_type
    )
    if not response:
        programs = exports.programs_for(request.GET)
        response = StreamingHttpResponse(
            exports.csv_lines(programs, _absolute_page_url(request)), content_type=content_type
        )
    return exports.as_attachment(response, exports.filename("csv"))


@public_page(params=ProgramFilterSet.base_filters)
def export_json(request):
    """/programs/export.json?…: the programs /programs/?… lists, streamed as JSON; the whole
    catalogue from its prepared file."""
    content_type = "application/json"
    response = _full_catalogue(request) and prepared.served(
        request, prepared.JSON, content_type=content_type
    )
    if not response:
        programs = exports.programs_for(request.GET)
        query = request.META.get("QUERY_STRING", "")
        listing_url = request.build_absolute_uri(
            reverse("programs:list") + (f"?{query}" if query else "")
        )
        response = StreamingHttpResponse(
            exports.json_chunks(
                programs, _absolute_page_url(request), url=listing_url, count=programs.count()
            ),
            content_type=content_type,
        )
    return exports.as_attachment(response, exports.filename("json"))


CTDL_CONTENT_TYPE = "application/ld+json"
CTDL_PAGE_SIZE = linked_data.CATALOGUE_PAGE_SIZE


@public_page
def program_ctdl(request, slug):
    """/programs/<slug>.ctdl.json: one program in Credential Engine's CTDL terms."""
    program = get_object_or_404(Program.objects.published().for_detail(), slug=slug)
    document = linked_data.ctdl_program(program, base=request.build_absolute_uri("/"))
    return JsonResponse(
        document, content_type=CTDL_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


@public_page(params=["page"])
def catalogue_ctdl(request):
    """/programs/ctdl.json?page=N: the whole catalogue in CTDL, CTDL_PAGE_SIZE programs a page,
    in the list's order; from the prepared files when a full download has prepared them."""
    page_asked = request.GET.get("page")
    response = prepared.served_ctdl_page(request, page_asked, content_type=CTDL_CONTENT_TYPE)
    if response:
        return response
    # The unfiltered list's order (browse.listing), as the prepared pages hold it.
    programs = Program.objects.published().for_detail().order_by("name", "pk")
    page = Paginator(programs, CTDL_PAGE_SIZE).get_page(page_asked)
    document = linked_data.ctdl_catalogue(page, base=request.build_absolute_uri("/"))
    return JsonResponse(
        document, content_type=CTDL_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


@public_page
def role_list(request):
    roles = Role.objects.with_program_counts()
    return render(request, "programs/role_list.html", {"roles": roles})


@public_page(params=["page"])
def role_detail(request, slug):
    roles = list(
        Role.objects.select_related("description_source").defer("description_source__text")
    )
    role = next((r for r in roles if r.slug == slug), None)
    if role is None:
        raise Http404("No role by that name.")
    fits = (
        RoleFit.objects.filter(
            role_id__in=family_ids(roles, [role.slug]), program__status=Program.Status.PUBLISHED
        )
        .select_related("source", "role", "module", "program__provider")
        .prefetch_related("program__modules", "program__cohorts")
        .order_by(RoleFit.strongest_first(), "program__name", "pk")
    )
    page = Paginator(fits, ROLE_PAGE_SIZE).get_page(request.GET.get("page"))
    sections = role_fits_for_page(role, list(page.object_list))
    return render(
        request,
        "programs/role_detail.html",
        {
            "role": role,
            "sections": sections,
            "any_fits": any(fits for _, _, fits in sections),
            "page": page,
            "canonical_query": _page_query(page),
        },
    )


@never_cache
def report_problem(request):
    """/report/?program=<slug>&fact=<key>: a reader says a shown fact is wrong (issue #24).

    Never from the page cache (a CSRF token per reader); POST, then the thanks page."""
    target = ReportTargetForm(request.GET)
    if not target.is_valid():
        raise Http404("No such fact to report.")
    program = get_object_or_404(
        Program.objects.visible_to(request.user).for_detail(),
        slug=target.cleaned_data["program"],
    )
    fact = reports.fact_of(program, target.cleaned_data["fact"])
    if fact is None:
        raise Http404("No such fact to report.")
    form = ReaderReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if reports.over_the_limit(request):
            status = 429
        elif form.is_valid():
            reports.count_one(request)
            if form.is_a_bot:
                return redirect(f"{reverse('programs:report_thanks')}?ref=bot")
            report = reports.file_report(
                program=program,
                fact=fact,
                problem=form.cleaned_data["problem"],
                evidence=form.cleaned_data["evidence"],
                email=form.cleaned_data["email"],
            )
            token = reports.thanks_token(report.pk)
            return redirect(f"{reverse('programs:report_thanks')}?{urlencode({'ref': token})}")
        else:
            status = 400
    return render(
        request,
        "programs/report_form.html",
        {
            "program": program,
            "fact": fact,
            "shown": reports.shown_value(fact),
            "form": form,
            "limited": status == 429,
            "per_hour": reports.REPORTS_PER_HOUR,
        },
        status=status,
    )


@never_cache
def report_thanks(request):
    """The reader's reference number, after a report is filed (POST-redirect-GET)."""
    form = ThanksForm(request.GET)
    if request.GET.get("ref") == "bot":
        return render(request, "programs/report_thanks.html", {"report": None})
    if not form.is_valid():
        raise Http404("No report by that reference.")
    report = ReaderReport.objects.filter(pk=form.cleaned_data["ref"]).first()
    if report is None:
        raise Http404("No report by that reference.")
    return render(request, "programs/report_thanks.html", {"report": report})
