"""The catalogue never imports comparison (DEVELOPERS.md): `programs` is the layer `compare`
builds on, so nothing under programs/ names the compare app, even inside a function."""

import ast
from pathlib import Path

from django.conf import settings


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_catalogue_module_imports_the_comparison_app():
    sources = sorted((Path(settings.BASE_DIR) / "programs").rglob("*.py"))
    assert len(sources) > 30  # the whole app, migrations and commands included
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): sorted(
            name for name in _imported(path) if name == "compare" or name.startswith("compare.")
        )
        for path in sources
    }
    assert {path: names for path, names in offenders.items() if names} == {}
