"""A plain `pip install` (not editable) gives a working tool with templates and example."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from ..conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("isekctl-*.whl")
    return built


def test_wheel_contains_templates_example_and_no_tests(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = [n for n in names if n.startswith("isekctl/_bundled/templates/")]
    assert templates, "templates are missing from the wheel"
    assert {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()
    } == {n.removeprefix("isekctl/_bundled/") for n in templates}
    assert "isekctl/_bundled/example/isek.yaml" in names
    assert "isekctl/_bundled/example/data/revisions/2020.yaml" in names
    assert len([n for n in names if n.startswith("isekctl/_bundled/example/data/measures/")]) >= 25
    assert not [n for n in names if n.startswith("tests/")]


def test_installed_wheel_runs_on_the_bundled_example(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # the dependencies come from the test environment; a plain path line in a .pth file does not
    # activate that environment's own .pth hooks, so an editable checkout stays invisible
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "zz_test_deps.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel], check=True
    )
    where = subprocess.run(
        [python, "-c", "import isekctl, sys; print(isekctl.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    ).stdout
    assert str(env_dir) in where, "the test must exercise the installed copy, not the checkout"
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "ISEKCTL_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    result = subprocess.run(
        [python, "-m", "isekctl", "validate", "--example"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
    )
    # no errors; the warnings say what of the example (sources of 2020 and 2024) is overdue today
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warnungen" in result.stdout and "Fehler" not in result.stdout
    assert "mitgelieferte Beispiel" in result.stderr
