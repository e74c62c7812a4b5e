"""The shape of the package: imports flow one way, each code has one home, start-up stays lazy."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

from isekctl.checks.registry import EMITS, FILE_CHECKS, PROJECT_CHECKS
from isekctl.findings import RULE_MODULES, Rule, catalogue

from ..conftest import ROOT

PACKAGE = ROOT / "isekctl"

# The modules at the package root, and the root modules each may import.
ROOT_MODULES = {
    "findings": set(),
    "dates": set(),
    "text": set(),
    "resources": set(),
    "memory": set(),
    "kinds": set(),
    "model": {"dates", "kinds"},
    "project": {"findings", "kinds", "model"},
}
# The pipeline's stages, and the stages each may import (the root modules are open to all).
LAYERS = {
    "checks": set(),
    "reading": {"checks"},
    "comparing": {"reading"},
    "writing": {"reading"},
    "publishing": {"checks", "comparing", "writing"},  # reports flag what the checks judge
    "terminal": {"comparing", "publishing"},
    "cli": {"checks", "reading", "comparing", "writing", "publishing", "terminal"},
}
RENDERERS = {"terminal", "cli"}  # may build rich objects
CORE_FORBIDDEN = {"typer", "click"}
CODE = re.compile(r"ISEK\d{3}")


def modules() -> dict[str, Path]:
    """Dotted name inside the package (`reading.yaml`, `model`) -> file."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def imported_units(name: str, path: Path) -> set[str]:
    """The stages and root modules a module imports (`reading`, `model` …), not itself."""
    package = name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
        targets = [node.module] if node.module else [alias.name for alias in node.names]
        for target in targets:
            dotted = [*base, *target.split(".")]
            found.add(dotted[0])
    unit = name.split(".")[0]
    found.discard(unit)
    found.discard("__init__")
    found.discard("__version__")
    return found


def test_every_module_belongs_to_a_stage_or_is_a_declared_root_module() -> None:
    for name in modules():
        unit = name.split(".")[0]
        assert unit in LAYERS or unit in ROOT_MODULES or unit in ("__init__", "__main__"), name


def test_imports_flow_one_way() -> None:
    for name, path in modules().items():
        unit = name.split(".")[0]
        if unit in ("__init__", "__main__"):
            continue
        imported = imported_units(name, path)
        if unit in ROOT_MODULES:
            assert imported <= ROOT_MODULES[unit], (name, imported - ROOT_MODULES[unit])
        else:
            allowed = LAYERS[unit] | set(ROOT_MODULES)
            assert imported <= allowed, (name, imported - allowed)


def test_core_neither_prints_nor_exits_nor_imports_the_cli_stack() -> None:
    for name, path in modules().items():
        unit = name.split(".")[0]
        if unit == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and node.__dict__.get("level", 0) == 0:
                roots = (
                    {a.name.split(".")[0] for a in node.names}
                    if isinstance(node, ast.Import)
                    else {(node.module or "").split(".")[0]}
                )
                assert not roots & CORE_FORBIDDEN, name
                if unit not in RENDERERS:
                    assert "rich" not in roots, name
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "exit", "quit"), (
                    f"{name} calls {node.func.id}()"
                )
            if isinstance(node, ast.Attribute) and node.attr == "exit":
                raise AssertionError(f"{name} uses .exit")


def _declared_rules() -> dict[str, str]:
    """Code -> the module that declares its Rule, found in the source."""
    declared: dict[str, str] = {}
    for name, path in modules().items():
        for match in re.finditer(r'Rule\(\s*"(ISEK\d{3})"', path.read_text(encoding="utf-8")):
            assert match[1] not in declared, (
                f"{match[1]} declared in {declared[match[1]]} and {name}"
            )
            declared[match[1]] = name
    return declared


def test_every_code_is_declared_and_emitted_in_exactly_one_module() -> None:
    declared = _declared_rules()
    assert set(declared) == set(catalogue()), "RULE_MODULES misses a module that declares rules"
    for name, path in modules().items():
        for code in set(CODE.findall(path.read_text(encoding="utf-8"))):
            assert declared.get(code) == name, (
                f"{code} appears in {name}, declared in {declared.get(code)}"
            )


def test_rule_modules_are_exactly_the_declaring_ones() -> None:
    declaring = {f"isekctl.{name}" for name in _declared_rules().values()}
    listed = set(RULE_MODULES)
    for module in declaring:
        assert any(module == m or module.startswith(m + ".") for m in listed), module
    for module in listed:
        assert any(d == module or d.startswith(module + ".") for d in declaring), module


def test_checks_are_registered_with_every_rule_their_module_emits() -> None:
    by_module: dict[str, set[str]] = {}
    for check in [*FILE_CHECKS, *PROJECT_CHECKS]:
        rules = EMITS[f"{check.__module__}.{check.__name__}"]
        by_module.setdefault(check.__module__, set()).update(r.code for r in rules)
    for module_name, codes in by_module.items():
        module = importlib.import_module(module_name)
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        used = {
            rule.code
            for name, rule in vars(module).items()
            if isinstance(rule, Rule) and re.search(rf"\b{name}\.at\(", source)
        }
        assert used <= codes, (module_name, used - codes)


def test_switchable_rules_are_the_data_rules_after_the_schema() -> None:
    for code, rule in catalogue().items():
        if rule.stops:
            assert not rule.switchable, code
        elif code < "ISEK020":
            assert not rule.switchable, f"{code}: syntax and schema findings cannot be switched off"
        else:
            assert rule.switchable, code


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


def test_a_run_answered_from_the_cache_imports_no_pydantic(example: Path) -> None:
    """Typer's option conversion and our models would cost a third of a warm `validate`."""
    code = (
        "import sys\n"
        "from isekctl.cli import app\n"
        f"app(['validate', '--repo', {str(example)!r}], standalone_mode=False)\n"
        "print('PYDANTIC:' + str('pydantic' in sys.modules))\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout.strip().splitlines()[-1] == "PYDANTIC:True"  # it read the files
    assert runs[1].stdout.strip().splitlines()[-1] == "PYDANTIC:False", runs[1].stdout
