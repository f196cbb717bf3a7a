"""make mutants: break each visible feature on purpose and check that the suite notices.

Each mutation replaces one piece of code or template (which must occur exactly once), runs the
tests that guard that feature, and restores the file whatever happens. A mutation the tests do not
catch is a *survivor*: either the tests are too weak, or the mutant is accepted (ACCEPTED, with
why). Exits non-zero when an unaccepted mutant survives.

Run: make mutants   (about 2 minutes on SQLite)
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    feature: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTATIONS = (
    Mutation(
        "differs badge in the comparison",
        "templates/compare/includes/table.html",
        '<span class="badge badge--differs">differs</span>',
        "",
        ("tests/compare/test_pages.py",),
    ),
    Mutation(
        "best-value marks",
        "compare/table.py",
        "        cell.best = cell.number == lowest",
        "        cell.best = False",
        ("tests/compare/test_pages.py", "tests/compare/test_table.py"),
    ),
    Mutation(
        "disabled facet options",
        "programs/browse.py",
        "        return self.count == 0 and not self.selected",
        "        return False",
        ("tests/programs/test_list_page.py",),
    ),
    Mutation(
        "relax suggestions on an empty result",
        "programs/browse.py",
        "        result.relaxations = _relaxations(filterset, params, path)",
        "        result.relaxations = []",
        ("tests/programs/test_list_page.py", "tests/programs/test_browse.py"),
    ),
    Mutation(
        "strongest fits first",
        "programs/models.py",
        "        return (-self.strength, self.role.position)",
        "        return (self.strength, self.role.position)",
        ("tests/programs/test_pages.py",),
    ),
    Mutation(
        "'Not published' for unknown values",
        "programs/templatetags/catalog.py",
        "        return format_html('<span class=\"unknown\">{}</span>', display.NOT_PUBLISHED)",
        "        return ''",
        ("tests/compare/test_pages.py", "tests/programs/test_pages.py"),
    ),
    Mutation(
        "the print summary's sources line",
        "templates/compare/print.html",
        "{% if doc.badge %}; {{ doc.badge }}{% endif %}",
        "",
        ("tests/compare/test_pages.py",),
    ),
    Mutation(
        "the print summary's date",
        "templates/compare/print.html",
        '<p>Prepared {{ today|date:"j F Y" }} from certcatalog.',
        "<p>From certcatalog.",
        ("tests/compare/test_pages.py",),
    ),
    Mutation(
        "who says so, beside each fact",
        "programs/facts.py",
        '            return f"according to {program.provider.short_name}"',
        "            return None",
        ("tests/programs/test_attribution.py", "tests/programs/test_exports.py"),
    ),
    Mutation(
        "the vendor badge on a source",
        "programs/models.py",
        '        return f"promotes {self.promotes}" if self.promotes else',
        "        return None if self.promotes else",
        ("tests/programs/test_pages.py", "tests/compare/test_pages.py"),
    ),
    Mutation(
        "budget keeps programs whose cost is not published",
        "programs/filters.py",
        '                return Q(**{f"{field}__lte": value}) | Q(**{f"{field}__isnull": True})',
        '                return Q(**{f"{field}__lte": value})',
        ("tests/programs/test_browse.py",),
    ),
    Mutation(
        "exports in the list's order",
        "programs/exports.py",
        "    return listing(filterset, Program.objects.for_detail())",
        "    return filterset.filtered(Program.objects.for_detail())",
        ("tests/programs/test_exports.py",),
    ),
    Mutation(
        "no price offer where none is published (JSON-LD)",
        "programs/linked_data.py",
        '    if total is None:\n        return None\n    return {\n        "@type": "Offer",',
        '    if False:\n        return None\n    return {\n        "@type": "Offer",',
        ("tests/programs/test_linked_data.py",),
    ),
    Mutation(
        "canonical filters in a fixed order",
        "programs/browse.py",
        "            selected = sorted(set(selected), key=order.index)",
        "            pass",
        ("tests/programs/test_discovery.py",),
    ),
    Mutation(
        "an import writes nothing when a row fails",
        "programs/importing/__init__.py",
        "            if errors:\n                raise ImportRefused(",
        "            if False:\n                raise ImportRefused(",
        ("tests/programs/test_import.py",),
    ),
    Mutation(
        "where to go next names the page the sources point to",
        "templates/programs/includes/next_step.html",
        '<p class="next-step__pointer">{{ next_step.pointer }}',
        '<p class="next-step__pointer">',
        ("tests/programs/test_next_step.py",),
    ),
    Mutation(
        "check_links asks with GET when HEAD is refused",
        "programs/link_check.py",
        "HEAD_REFUSED = (405, 501)",
        "HEAD_REFUSED = ()",
        ("tests/programs/test_link_check.py",),
    ),
)

ACCEPTED: dict[str, str] = {}
"""Survivors we accept, by feature, with why."""


TESTS_FAILED = 1
"""pytest's exit code when tests ran and some failed; any other failure code (usage error,
collection error, interrupted) means the run says nothing about the mutant."""


def _pytest(tests: tuple[str, ...]) -> int:
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-m", "not browser"]
    return subprocess.run(
        command + list(tests), cwd=ROOT, env=os.environ, capture_output=True
    ).returncode


def run(mutation: Mutation) -> tuple[bool, float]:
    path = ROOT / mutation.path
    original = path.read_text()
    if original.count(mutation.old) != 1:
        raise SystemExit(f"{mutation.feature}: the code to mutate is not in {mutation.path} once")
    started = time.perf_counter()
    try:
        path.write_text(original.replace(mutation.old, mutation.new))
        code = _pytest(mutation.tests)
    finally:
        path.write_text(original)
    if code not in (0, TESTS_FAILED):
        raise SystemExit(f"{mutation.feature}: pytest could not run (exit code {code})")
    return code == TESTS_FAILED, time.perf_counter() - started


def main() -> None:
    guarding = tuple(sorted({test for mutation in MUTATIONS for test in mutation.tests}))
    if _pytest(guarding) != 0:
        raise SystemExit("The guarding tests fail without any mutation: fix them first.")
    survivors = []
    print(f"{'feature':<52}{'result':>10}{'s':>6}")
    for mutation in MUTATIONS:
        killed, took = run(mutation)
        print(f"{mutation.feature:<52}{'caught' if killed else 'SURVIVED':>10}{took:>6.0f}")
        if not killed and mutation.feature not in ACCEPTED:
            survivors.append(mutation.feature)
    print(f"\n{len(MUTATIONS) - len(survivors)} of {len(MUTATIONS)} mutations caught.")
    if survivors:
        raise SystemExit(f"Not caught: {', '.join(survivors)}")


if __name__ == "__main__":
    main()
