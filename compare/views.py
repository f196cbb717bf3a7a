from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from compare import export
from compare.chart import build_chart
from compare.finder import rank, shortlist
from compare.forms import FinderForm, PaceForm
from compare.selection import MAX_PROGRAMS, choices, select_programs
from compare.table import build_summary, build_table
from programs.caching import public_page
from programs.facts import facts_for, questions_for
from programs.models import Program, Role, role_families


def _notices(selection) -> list[str]:
    notices = []
    if selection.not_found:
        names = ", ".join(f"“{value}”" for value in selection.not_found[:10])
        more = len(selection.not_found) - 10
        extra = f" and {more} more" if more > 0 else ""
        notices.append(f"Not found in the catalogue: {names}{extra}. The rest are compared.")
    if selection.repeated:
        notices.append(f"Listed more than once, compared once: {', '.join(selection.repeated)}.")
    if selection.over_limit or selection.ignored:
        left = ", ".join(p.name for p in selection.over_limit) or "the rest"
        notices.append(
            f"Up to {MAX_PROGRAMS} programs can be compared at once; the first {MAX_PROGRAMS} are "
            f"shown. Left out: {left}."
        )
    return notices


@public_page
def compare(request, *, template="compare/compare.html", summary=False):
    selection = select_programs(request.GET.getlist("programs"))
    notices = _notices(selection)
    if not selection.is_comparable:
        return render(
            request,
            "compare/pick.html",
            {
                "selection": selection,
                "notices": notices,
                "choices": choices(request.GET.get("find", ""), exclude=selection.slugs),
            },
        )

    pace = PaceForm(request.GET)
    weekly_hours = pace.weekly_hours()
    table = (
        build_summary(selection.programs)
        if summary
        else build_table(selection.programs, weekly_hours=weekly_hours)
    )
    output = request.GET.get("format")
    if output == "csv":
        response = HttpResponse(export.to_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export.filename("csv")}"'
        return response
    if output == "json":
        url = request.build_absolute_uri(f"{request.path}?{_selection_query(selection.slugs)}")
        response = JsonResponse(export.to_json(table, url=url), json_dumps_params={"indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{export.filename("json")}"'
        return response

    only_differences = request.GET.get("diff") == "1"
    shown = table.only_differences() if only_differences else table
    query = _selection_query(selection.slugs)
    return render(
        request,
        template,
        {
            "selection": selection,
            "notices": notices,
            "table": shown,
            "chart": None if summary else build_chart(selection.programs),
            "only_differences": only_differences,
            "query": query,
            "removals": {
                p.slug: _selection_query([s for s in selection.slugs if s != p.slug])
                for p in selection.programs
            },
            "today": timezone.localdate(),
            "pace": pace,
            "asks": [(p, questions_for(facts_for(p))) for p in selection.programs],
            "choices": choices(request.GET.get("find", ""), exclude=selection.slugs)
            if len(selection.programs) < MAX_PROGRAMS and not summary
            else None,
        },
    )


@public_page
def compare_print(request):
    return compare(request, template="compare/print.html", summary=True)


def _selection_query(slugs: list[str]) -> str:
    return "&".join(f"programs={slug}" for slug in slugs)


FINDER_COMPARE_TOP = 3


@public_page
def finder(request):
    """Every program ranked against the reader's needs, each judgement explained."""
    roles = list(Role.objects.order_by("position", "name"))
    form = FinderForm(request.GET or None, roles=roles)
    needs = form.needs()
    matches, considered = [], 0
    if needs.asked:
        families = role_families(roles)
        programs, considered = shortlist(Program.objects.for_detail(), needs, families)
        matches = rank(programs, needs, families)
    top = [m.program.slug for m in matches[:FINDER_COMPARE_TOP]]
    return render(
        request,
        "compare/finder.html",
        {
            "form": form,
            "needs": needs,
            "matches": matches,
            "considered": considered,
            "near_misses": [m for m in matches if m.near_misses],
            "compare_top": _selection_query(top) if len(top) >= 2 else None,
        },
    )
