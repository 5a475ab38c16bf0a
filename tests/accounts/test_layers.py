"""accounts sits below procedures: nothing in it imports the apps above it."""

import ast
from pathlib import Path

ACCOUNTS = Path(__file__).resolve().parents[2] / "accounts"
ABOVE = {"procedures", "formalization", "oversight", "cms"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_accounts_imports_no_app_above_it():
    sources = sorted(ACCOUNTS.rglob("*.py"))
    assert len(sources) > 10
    upward = {
        f"{path.relative_to(ACCOUNTS)}: {module}"
        for path in sources
        for module in imported_modules(path)
        if module.split(".")[0] in ABOVE
    }
    assert upward == set()


def test_the_check_sees_an_upward_import(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("from procedures.models import Case\nimport cms.seed\n")
    assert imported_modules(source) == {"procedures.models", "cms.seed"}
