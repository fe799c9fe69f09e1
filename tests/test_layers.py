"""The layers of README's layout table only point down, and no app hides an import inside a function.

The contract is `[tool.importlinter]` in pyproject.toml, checked here by import-linter itself (the same
check `lint-imports` runs): core at the bottom, then the law, accounts, notifications, the case kernel
(casefiles), documents, the workflow, review, reports, the demo seeder, and api | web on top."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
APPS = PYPROJECT["tool"]["importlinter"]["root_packages"]


def test_the_layer_contract_is_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Layers only point down KEPT" in result.stdout
    assert "0 broken" in result.stdout


def test_the_contract_names_every_app_in_readme_order() -> None:
    layers = PYPROJECT["tool"]["importlinter"]["contracts"][0]["layers"]
    named = {app.strip() for layer in layers for app in layer.split("|")}
    assert named == set(APPS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for app in APPS:
        assert f"`{app}/`" in readme, f"README's layout table does not name {app}/"


def _inner_project_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            module = None
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                module = node.module
            elif isinstance(node, ast.Import):
                module = node.names[0].name
            if module and module.split(".")[0] in APPS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    return found


def test_no_app_imports_its_own_project_inside_a_function() -> None:
    """An import inside a function is how a circle is hidden; the layers make none necessary."""
    inner = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                inner += _inner_project_imports(path)
    assert inner == []
