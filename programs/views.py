from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from programs import history
from programs.browse import browse
from programs.caching import public_page
from programs.facts import facts_for, group_facts, questions_for
from programs.models import Document, Program, Role, RoleFit, family_ids
from programs.roles import role_fits_for_page

HOME_PROGRAMS = 6
"""Home is a fixed-size summary (issue #11): this many programs, then a link to the list."""
ROLE_PAGE_SIZE = 25


@public_page
def home(request):
    programs = Program.objects.for_listing().order_by("name")[:HOME_PROGRAMS]
    roles = Role.objects.with_program_counts()
    return render(
        request,
        "programs/home.html",
        {"programs": programs, "total": Program.objects.count(), "roles": roles},
    )


@public_page
def program_detail(request, slug):
    program = get_object_or_404(Program.objects.for_detail(), slug=slug)
    fits = sorted(
        program.role_fits.all(), key=lambda fit: (fit.fit != "primary", fit.role.position)
    )
    facts = facts_for(program)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "groups": group_facts(facts),
            "questions": questions_for(facts),
            "fits": fits,
            "summary_citations": [
                c for c in program.citations.all() if c.field in ("summary", "provider")
            ],
            "cited_documents": list(
                {c.document_id: c.document for c in program.citations.all()}.values()
            ),
            "changes": history.public_changes(
                history.program_change_records(program.pk)[:PROGRAM_CHANGES_SHOWN]
            ),
        },
    )


PROGRAM_CHANGES_SHOWN = 10
CHANGES_PER_PAGE = 25


@public_page
def changes(request):
    """Recent changes to every program's facts, newest first; no editor names."""
    page = Paginator(history.program_change_records(), CHANGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "programs/changes.html",
        {"page": page, "entries": history.public_changes(page.object_list)},
    )


@public_page
def sources(request):
    documents = Document.objects.order_by("pk")
    return render(request, "programs/sources.html", {"documents": documents})


@public_page
def program_list(request):
    # Shared URLs carry only the filters in use: a submitted form's empty fields are dropped.
    kept = [(k, v) for k, values in request.GET.lists() for v in values if v.strip()]
    if len(kept) != sum(len(values) for _, values in request.GET.lists()):
        return redirect(f"{request.path}?{urlencode(kept)}" if kept else request.path)
    result = browse(request.GET, path=request.path)
    return render(request, "programs/program_list.html", {"result": result})


@public_page
def role_list(request):
    roles = Role.objects.with_program_counts()
    return render(request, "programs/role_list.html", {"roles": roles})


@public_page
def role_detail(request, slug):
    roles = list(Role.objects.all())
    role = next((r for r in roles if r.slug == slug), None)
    if role is None:
        raise Http404("No role by that name.")
    fits = (
        RoleFit.objects.filter(role_id__in=family_ids(roles, [role.slug]))
        .select_related("source", "role", "module", "program__provider")
        .prefetch_related("program__modules")
        .order_by("-fit", "program__name", "pk")  # primary before complement
    )
    page = Paginator(fits, ROLE_PAGE_SIZE).get_page(request.GET.get("page"))
    primary, complement = role_fits_for_page(role, list(page.object_list))
    return render(
        request,
        "programs/role_detail.html",
        {"role": role, "primary": primary, "complement": complement, "page": page},
    )
