"""The shape of the package: imports flow one way, the core never prints, start-up stays lazy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "isekctl"

# module -> the isekctl modules it may import (the layering of the package)
ALLOWED = {
    "diagnostics": set(),
    "dates": set(),
    "resources": set(),
    "model": {"dates"},
    "yamlio": {"diagnostics"},
    "storage": {"diagnostics", "yamlio"},
    "project": {"diagnostics", "german", "model", "yamlio"},
    "checks": {"diagnostics", "model", "project", "yamlio"},
    "cache": {"diagnostics", "project"},
    "engine": {
        "cache",
        "checks",
        "diagnostics",
        "model",
        "project",
        "resources",
        "storage",
        "yamlio",
    },
    "schemas": {"model", "storage"},
    "reporters": {"diagnostics"},
    "textdiff": set(),
    "german": {"dates"},
    "diff": {"model", "textdiff"},
    "render": {"dates", "german", "resources", "textdiff"},
    "diffview": {"dates", "diff", "german", "render", "reporters", "textdiff"},
    "layout": {"dates", "model"},
    "revisions": {"diagnostics", "layout", "model", "project", "yamlio"},
    "sides": {"diagnostics", "diff", "engine", "project", "storage"},
    "charts": {"german"},
    "formatting": {"diagnostics", "layout", "model", "yamlio"},
    "export": {"german", "project"},
    "scaffold": {
        "diagnostics",
        "formatting",
        "layout",
        "model",
        "project",
        "resources",
        "revisions",
    },
    "views": {"checks", "german", "model", "project", "reporters"},
    "reports": {"charts", "checks", "german", "model", "project", "render", "textdiff"},
}
RENDERERS = {"reporters", "diffview", "views"}  # build rich objects for the CLI, but print nothing
CORE_FORBIDDEN = {"typer", "click", "rich"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add("." + node.module.split(".")[0])
            elif node.level == 1:
                found.update("." + alias.name for alias in node.names)
            elif node.module:
                found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def core_modules() -> dict[str, Path]:
    return {
        p.stem: p for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__", "cli")
    }


def test_every_core_module_has_a_declared_layer() -> None:
    assert set(core_modules()) <= set(ALLOWED) | {"__version__"}, set(core_modules()) - set(ALLOWED)


def test_imports_flow_one_way() -> None:
    for name, path in core_modules().items():
        internal = {i[1:] for i in imports_of(path) if i.startswith(".")}
        internal.discard("")
        assert internal <= ALLOWED[name] | {"__version__"}, (name, internal - ALLOWED[name])


def test_core_neither_prints_nor_exits_nor_imports_the_cli_stack() -> None:
    for name, path in core_modules().items():
        if name in RENDERERS:
            continue
        source = path.read_text(encoding="utf-8")
        assert not (imports_of(path) & CORE_FORBIDDEN), name
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "exit", "quit"), (
                    f"{name} calls {node.func.id}()"
                )
            if isinstance(node, ast.Attribute) and node.attr == "exit":
                raise AssertionError(f"{name} uses .exit")


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from isekctl.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('ruamel', 'jinja2', 'git', 'markdown_it', 'nh3', '_ruamel_yaml_clibz') if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "HEAVY:", out
