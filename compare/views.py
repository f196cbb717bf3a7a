from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from compare import changes, export
from compare.chart import build_chart
from compare.finder import find
from compare.forms import FinderForm, PaceForm, SinceForm
from compare.selection import MAX_PROGRAMS, choices, select_programs
from compare.table import build_summary, build_table
from programs.caching import public_page
from programs.exports import as_attachment
from programs.facts import facts_for, questions_for
from programs.models import Program, Role


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


EXPORTS = {"csv": "compare:export_csv", "json": "compare:export_json"}
"""Where `?format=csv|json`, the exports' first addresses, now live (old links redirect)."""

EXPORT_PARAMS = ("programs", "diff", *PaceForm.base_fields)
"""What a comparison export reads: the programs, only-differences and the reader's pace."""
COMPARE_PARAMS = (*EXPORT_PARAMS, "find", "role", "format", *SinceForm.base_fields)
"""What the comparison page reads besides: the picker's search, the reader's role, a date."""


@public_page(params=COMPARE_PARAMS)
def compare(request, *, template="compare/compare.html", summary=False):
    if not summary and request.GET.get("format") in EXPORTS:
        kept = [(k, v) for k, values in request.GET.lists() if k != "format" for v in values]
        target = reverse(EXPORTS[request.GET["format"]])
        return redirect(f"{target}?{urlencode(kept)}", permanent=True)
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
                "canonical_query": _selection_query(selection.slugs),
            },
        )

    reader_role = (request.GET.get("role") or "")[:60] or None
    pace = PaceForm(request.GET)
    weekly_hours = pace.weekly_hours()
    table = (
        build_summary(selection.programs)
        if summary
        else build_table(
            selection.programs,
            weekly_hours=weekly_hours,
            reader_role=reader_role,
        )
    )
    since_form = SinceForm(request.GET)
    since = None
    if day := since_form.day():
        since = changes.changes_since(selection.programs, day)
        changes.mark(table, since)
    only_differences = request.GET.get("diff") == "1"
    shown = table.only_differences() if only_differences else table
    query = _selection_query(selection.slugs)
    today = timezone.localdate()
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
            "canonical_query": f"{query}&diff=1" if only_differences else query,
            "export_query": _export_query(query, only_differences, weekly_hours),
            "csv_legend": export.LEGEND,
            "removals": {
                p.slug: _selection_query([s for s in selection.slugs if s != p.slug])
                for p in selection.programs
            },
            "today": today,
            "pace": pace,
            "since": since,
            "since_form": since_form,
            # What the toolbar's links keep besides the programs: the date and reader's role.
            "kept_query": "".join(
                f"&{urlencode({name: value})}"
                for name, value in (
                    ("since", f"{day:%Y-%m-%d}" if since else ""),
                    ("role", reader_role or ""),
                )
                if value
            ),
            # The print summary's way back: this comparison, marking what changes after today.
            "come_back_url": request.build_absolute_uri(
                f"{reverse('compare:index')}?{query}&since={today:%Y-%m-%d}"
            ),
            "asks": [(p, questions_for(facts_for(p))) for p in selection.programs],
            "choices": choices(request.GET.get("find", ""), exclude=selection.slugs)
            if len(selection.programs) < MAX_PROGRAMS and not summary
            else None,
        },
    )


def _export_query(query: str, only_differences: bool, weekly_hours) -> str:
    """The exports hold what the page shows: its programs, its rows and the reader's pace."""
    extra = [("diff", "1")] if only_differences else []
    extra += [("hours", str(weekly_hours))] if weekly_hours is not None else []
    return "&".join(filter(None, [query, urlencode(extra)]))


def _exported_table(request):
    """The table a comparison export holds: the page's rows (only those that differ with
    `diff=1`, at the reader's pace with `hours=`), or None when fewer than 2 programs are named."""
    selection = select_programs(request.GET.getlist("programs"))
    if not selection.is_comparable:
        return selection, None
    table = build_table(selection.programs, weekly_hours=PaceForm(request.GET).weekly_hours())
    return selection, table.only_differences() if request.GET.get("diff") == "1" else table


@public_page(params=EXPORT_PARAMS)
def compare_csv(request):
    """/compare/export.csv?programs=…: the comparison as a spreadsheet (UTF-8 with a BOM)."""
    selection, table = _exported_table(request)
    if table is None:
        return redirect(f"{reverse('compare:index')}?{_selection_query(selection.slugs)}")
    response = HttpResponse(export.to_csv(table), content_type="text/csv; charset=utf-8")
    return as_attachment(response, export.filename("csv"))


@public_page(params=EXPORT_PARAMS)
def compare_json(request):
    """/compare/export.json?programs=…: the comparison as JSON, with who says each fact."""
    selection, table = _exported_table(request)
    if table is None:
        return redirect(f"{reverse('compare:index')}?{_selection_query(selection.slugs)}")
    page = request.build_absolute_uri(
        f"{reverse('compare:index')}?{_selection_query(selection.slugs)}"
    )
    response = JsonResponse(export.to_json(table, url=page), json_dumps_params={"indent": 2})
    return as_attachment(response, export.filename("json"))


@public_page(params=COMPARE_PARAMS)
def compare_print(request):
    """/compare/print/?programs=…: the comparison's one-page brief, each figure footnoted to
    its sentence (issue #23); the picker when fewer than two programs are named."""
    selection, context = _comparison_brief(request)
    if context is None:
        return _comparison_picker(request, selection)
    return render(request, "compare/print.html", context)


def _selection_query(slugs: list[str]) -> str:
    return "&".join(f"programs={slug}" for slug in slugs)


FINDER_COMPARE_TOP = 3


@public_page(params=FinderForm.base_fields)
def finder(request):
    """Programs ranked for the reader's role and needs, each judgement explained."""
    roles = list(Role.objects.order_by("position", "name"))
    form = FinderForm(request.GET or None, roles=roles)
    needs = form.needs()
    ranking = find(Program.objects.published().for_detail(), needs) if needs.asked else None
    top = ranking.to_compare(FINDER_COMPARE_TOP) if ranking else []
    carried = [("role", needs.role.slug)] if needs.role else []
    carried += [("hours", str(needs.weekly_hours))] if needs.weekly_hours is not None else []
    return render(
        request,
        "compare/finder.html",
        {
            "form": form,
            "needs": needs,
            "ranking": ranking,
            "heading": ranking.heading(needs.role) if ranking else None,
            "top": top,
            "top_size": FINDER_COMPARE_TOP,
            "compare_top": (
                "&".join(
                    [_selection_query([m.program.slug for m in top]), urlencode(carried)]
                ).rstrip("&")
                if len(top) >= 2
                else None
            ),
        },
    )


# -- Stacks and team plans (issue #23) ------------------------------------------------------
# Appended: the views above are unchanged. The logic is in compare/stacks.py and plans.py.

from compare import plan_export, plans, stacks  # noqa: E402
from compare.forms import TeamPlanForm, TeamRowForm  # noqa: E402


def _stack_notices(stack) -> list[str]:
    notices = []
    if stack.not_found:
        names = ", ".join(f"“{value}”" for value in stack.not_found[:10])
        notices.append(f"Not found in the catalogue: {names}. The rest are stacked.")
    if stack.repeated:
        notices.append(f"Listed more than once, stacked once: {', '.join(stack.repeated)}.")
    if stack.left_out:
        notices.append(
            f"A stack holds up to {stacks.MAX_PARTS} programs or modules; left out: "
            f"{', '.join(stack.left_out)}."
        )
    return notices


def _without_blanks(request, names):
    """A submitted form's empty fields dropped from the address (as the catalogue's list)."""
    kept = [(k, v) for k, values in request.GET.lists() for v in values if v.strip()]
    if len(kept) != sum(len(values) for _, values in request.GET.lists()):
        return redirect(f"{request.path}?{urlencode(kept)}" if kept else request.path)
    return None


@public_page(params=["programs"])
def stack(request):
    """/plans/stack/?programs=…: 2–4 programs or modules taken together."""
    if moved := _without_blanks(request, ["programs"]):
        return moved
    built = stacks.build_stack(request.GET.getlist("programs"))
    offered = (
        Program.objects.published()
        .select_related("provider")
        .prefetch_related("modules")
        .exclude(slug__in=[p.program.slug for p in built.parts if p.module is None])
        .order_by("name", "pk")[: stacks.PICK_SHOWN]
        if len(built.parts) < stacks.MAX_PARTS
        else []
    )
    query = "&".join(urlencode({"programs": ref}, safe=":") for ref in built.refs)
    return render(
        request,
        "plans/stack.html",
        {
            "stack": built,
            "notices": _stack_notices(built),
            "offered": offered,
            "query": query,
            "canonical_query": query,
            "compare_query": "&".join(
                dict.fromkeys(f"programs={p.program.slug}" for p in built.parts)
            ),
        },
    )


@public_page(params=["program", "role"])
def stack_pairing(request):
    """/plans/stack/pair/?program=…&role=…: the stacks the sources name for one program or
    module and a role; straight to the stack when there is one."""
    roles = list(Role.objects.order_by("position", "name"))
    role = next((r for r in roles if r.slug == request.GET.get("role")), None)
    ref = (request.GET.get("program") or "")[:90]
    links = []
    if role is not None:
        offered = plans.options_for(roles, [role]).get(role.pk, [])
        links = [link for link in stacks.links_among([o.fit for o in offered]) if ref in link.refs]
    if len(links) == 1:
        target = "&".join(urlencode({"programs": r}, safe=":") for r in links[0].refs)
        return redirect(f"{reverse('compare:stack')}?{target}")
    return render(
        request,
        "plans/pairing.html",
        {
            "role": role,
            "links": [
                (link, "&".join(urlencode({"programs": r}, safe=":") for r in link.refs))
                for link in links
            ],
            "canonical_query": urlencode({"program": ref, "role": role.slug}) if role else "",
        },
        status=200 if role is not None else 404,
    )


PLAN_ROW_PARAMS = ("role", "people", "program")
PLAN_PARAMS = (*PLAN_ROW_PARAMS, *TeamPlanForm.base_fields)
BLANK_ROWS = 3
"""Empty rows a plan's form offers below the filled ones (no JavaScript adds rows)."""


def _team_plan(request) -> dict:
    """The plan a query names, its forms and messages: one reading for the page and exports."""
    roles = list(Role.objects.order_by("position", "name"))
    values = {name: request.GET.getlist(name) for name in PLAN_ROW_PARAMS}
    given = max(len(v) for v in values.values())
    rows = [
        {name: (values[name][i] if i < len(values[name]) else "") for name in PLAN_ROW_PARAMS}
        for i in range(min(given, plans.MAX_ROWS))
    ]
    by_slug = {role.slug: role for role in roles}
    asked = list(
        {row["role"]: by_slug[row["role"]] for row in rows if row["role"] in by_slug}.values()
    )
    options = plans.options_for(roles, asked)
    forms = [TeamRowForm(row, index=i, roles=roles, options=options) for i, row in enumerate(rows)]
    forms = [form for form in forms if not (form.is_blank and form.is_valid())]
    asks = [
        plans.RowAsk(
            form.asked_role(), form.cleaned_data["people"], form.cleaned_data["program"] or None
        )
        for form in forms
        if form.is_valid()
    ]
    settings_form = TeamPlanForm(request.GET or None)
    settings = settings_form.settings() if settings_form.is_bound else {}
    plan = (
        plans.build_plan(
            asks,
            roles=roles,
            options=options,
            budget=settings.get("budget"),
            deadline=settings.get("weeks"),
            hours=settings.get("hours"),
        )
        if asks
        else None
    )
    blank = min(BLANK_ROWS, plans.MAX_ROWS - len(forms)) if len(forms) < plans.MAX_ROWS else 0
    forms += [TeamRowForm(index=len(forms) + i, roles=roles) for i in range(blank)]
    too_many = (
        f"A plan holds at most {plans.MAX_ROWS} rows: the first {plans.MAX_ROWS} are planned, "
        f"{given - plans.MAX_ROWS} left out."
        if given > plans.MAX_ROWS
        else None
    )
    query = request.META.get("QUERY_STRING", "")
    return {
        "plan": plan,
        "row_forms": forms,
        "settings_form": settings_form if settings_form.is_bound else TeamPlanForm(),
        "too_many": too_many,
        "query": query,
        "canonical_query": query,
        "page_url": request.build_absolute_uri(
            f"{reverse('compare:team')}{'?' + query if query else ''}"
        ),
    }


@public_page(params=PLAN_PARAMS)
def team(request):
    """/plans/team/?role=…&people=…&program=…&budget=…&weeks=…&hours=…: a team plan."""
    return render(request, "plans/team.html", _team_plan(request))


@public_page(params=PLAN_PARAMS)
def team_csv(request):
    """/plans/team/export.csv?…: who takes what, the plan on screen, header row first."""
    context = _team_plan(request)
    response = HttpResponse(
        plan_export.to_csv(context["plan"]), content_type="text/csv; charset=utf-8"
    )
    return as_attachment(response, plan_export.filename("csv"))


@public_page(params=PLAN_PARAMS)
def team_json(request):
    """/plans/team/export.json?…: the same rows, with the sources and questions."""
    context = _team_plan(request)
    response = JsonResponse(
        plan_export.to_json(context["plan"], url=context["page_url"]),
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    return as_attachment(response, plan_export.filename("json"))


# -- Briefs a budget holder can sign (issue #23) --------------------------------------------
# Appended: one page from a team plan, a stack or a comparison, as HTML to print and as a PDF
# rendered on the server (compare/brief.py). Bad input: the brief's page with its messages.

from compare import brief  # noqa: E402


def _plan_problems(context) -> list[str]:
    """What must be fixed before a plan can be signed, as the plan page words it per field."""
    problems = [context["too_many"]] if context["too_many"] else []
    for form in context["row_forms"]:
        if form.is_bound:
            problems += [
                f"Row {form.index + 1}, {form[name].label.lower()}: {error}"
                for name, errors in form.errors.items()
                for error in errors
            ]
    settings_form = context["settings_form"]
    if settings_form.is_bound:
        problems += [
            f"{settings_form[name].label}: {error}"
            for name, errors in settings_form.errors.items()
            for error in errors
        ]
    return problems


def _team_brief(request) -> dict:
    context = _team_plan(request)
    return context | {
        "problems": _plan_problems(context),
        "today": timezone.localdate(),
        "coverage": brief.plan_coverage(context["plan"]) if context["plan"] else [],
    }


def _not_signable(request, template, context):
    """A brief with problems or nothing to show is the brief's page, never a PDF: the same
    messages as the page, not cached (a 400)."""
    return render(request, template, context, status=400)


@public_page(params=PLAN_PARAMS)
def team_brief(request):
    """/plans/team/brief/?…: the team plan on one page for the person who approves it."""
    return render(request, "plans/brief_team.html", _team_brief(request))


@public_page(params=PLAN_PARAMS)
def team_brief_pdf(request):
    """/plans/team/brief.pdf?…: the same page as a PDF."""
    context = _team_brief(request)
    if context["plan"] is None or context["problems"]:
        return _not_signable(request, "plans/brief_team.html", context)
    return brief.pdf_response(
        request, "plans/brief_team.html", context, kind="team-plan", today=context["today"]
    )


def _stack_brief(request) -> dict:
    built = stacks.build_stack(request.GET.getlist("programs"))
    query = "&".join(urlencode({"programs": ref}, safe=":") for ref in built.refs)
    return {
        "stack": built,
        "notices": _stack_notices(built),
        "query": query,
        "canonical_query": query,
        "today": timezone.localdate(),
        "page_url": request.build_absolute_uri(
            f"{reverse('compare:stack')}{'?' + query if query else ''}"
        ),
    }


@public_page(params=["programs"])
def stack_brief(request):
    """/plans/stack/brief/?programs=…: a stack on one page."""
    return render(request, "plans/brief_stack.html", _stack_brief(request))


@public_page(params=["programs"])
def stack_brief_pdf(request):
    """/plans/stack/brief.pdf?programs=…: the same page as a PDF."""
    context = _stack_brief(request)
    if not context["stack"].is_stack or context["notices"]:
        return _not_signable(request, "plans/brief_stack.html", context)
    return brief.pdf_response(
        request, "plans/brief_stack.html", context, kind="stack", today=context["today"]
    )


PRINT_PARAMS = ("programs", "since")
"""What the comparison's print summary and its PDF read."""


def _comparison_brief(request):
    """The print summary's context, or None when fewer than two programs are named (the
    picker is shown instead, as on the comparison page)."""
    selection = select_programs(request.GET.getlist("programs"))
    if not selection.is_comparable:
        return selection, None
    table = build_summary(selection.programs)
    since_form = SinceForm(request.GET)
    since = None
    if day := since_form.day():
        since = changes.changes_since(selection.programs, day)
        changes.mark(table, since)
    groups, notes = brief.number_comparison(table)
    query = _selection_query(selection.slugs)
    today = timezone.localdate()
    return selection, {
        "selection": selection,
        "notices": _notices(selection),
        "table": table,
        "groups": groups,
        "notes": notes,
        "query": query,
        "canonical_query": query,
        "since": since,
        "today": today,
        "page_url": request.build_absolute_uri(f"{reverse('compare:index')}?{query}"),
        "come_back_url": request.build_absolute_uri(
            f"{reverse('compare:index')}?{query}&since={today:%Y-%m-%d}"
        ),
        "asks": [(p, questions_for(facts_for(p))) for p in selection.programs],
    }


def _comparison_picker(request, selection, *, status=200):
    return render(
        request,
        "compare/pick.html",
        {
            "selection": selection,
            "notices": _notices(selection),
            "choices": choices(request.GET.get("find", ""), exclude=selection.slugs),
            "canonical_query": _selection_query(selection.slugs),
        },
        status=status,
    )


@public_page(params=PRINT_PARAMS)
def compare_print_pdf(request):
    """/compare/print.pdf?programs=…: the print summary as a PDF."""
    selection, context = _comparison_brief(request)
    if context is None:
        return _comparison_picker(request, selection, status=400)
    if context["notices"]:
        return _not_signable(request, "compare/print.html", context)
    return brief.pdf_response(
        request, "compare/print.html", context, kind="comparison", today=context["today"]
    )
