"""The house rules a reviewer would check, checked on every run."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "encaisse"
ADAPTERS = ("views.py", "exports.py", "api.py")


def adapter_modules() -> list[Path]:
    return sorted(
        path
        for path in SRC.rglob("*.py")
        if path.name in ADAPTERS
        or path.name.startswith("views_")
        or "views" in path.relative_to(SRC).parts[1:2]
        or "api" in path.relative_to(SRC).parts[:1]
    )


@pytest.mark.parametrize("module", adapter_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_views_exports_and_api_never_query_models_directly(module):
    """They fetch through selectors and ledger.scoping, so the portfolio is never bypassed."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    offending = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}
    ]
    assert offending == [], f"{module.relative_to(SRC)} uses Model.objects on lines {offending}"


def test_dependencies_point_one_way_and_the_engine_is_pure():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.fail("import-linter is not installed (pip install -r requirements-dev.txt)")
    result = subprocess.run(
        [lint_imports, "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
        cwd=SRC.parent.parent,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_templates_ask_capabilities_not_role_names():
    """Who may do what is said in accounts.permissions; a template asks ``can.…``."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.html")
        if "user.role" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_only_dunning_states_changes_an_actions_state():
    """dunning.states.move_actions is the one way an action changes state (and is recorded)."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "states.py":
            continue
        text = path.read_text(encoding="utf-8")
        if ".update(state=ActionState." in text or ".state = ActionState." in text:
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []
