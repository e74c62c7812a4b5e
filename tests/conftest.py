from __future__ import annotations

import difflib
import gc
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from isekctl.cli import app

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CASES = TESTS / "cases"
EVERY_DIFF_CASE = TESTS / "diff_cases" / "every-class"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite golden files from the actual output"
    )


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    """A large load freezes what exists (see memory.collector_paused); give it back."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own cache folder; none touches the user's."""
    monkeypatch.setenv("ISEKCTL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("ISEKCTL_DEBUG", raising=False)


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Invoke the CLI through Typer's runner; exceptions that escape the guard fail the test."""
    runner = CliRunner()

    def invoke(*args: str | Path, input: str | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


Golden = Callable[[Path, str], None]


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    update = request.config.getoption("--update-goldens")

    def check(path: Path, actual: str) -> None:
        if update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8", newline="")
            if not update:
                pytest.fail(
                    f"golden file {path} was missing and has been written; review and commit it"
                )
            return
        expected = path.read_bytes().decode("utf-8")  # exact: line endings are part of some goldens
        if actual != expected:
            diff = "".join(
                difflib.unified_diff(
                    expected.splitlines(True), actual.splitlines(True), str(path), "actual"
                )
            )
            pytest.fail(f"output differs from {path} (run pytest --update-goldens):\n{diff}")

    return check


def build_repo(target: Path, *overlays: Path) -> Path:
    """A data repository: the shared base of the cases with `overlays` copied over it."""
    shutil.copytree(CASES / "_base", target, symlinks=True, dirs_exist_ok=True)
    for overlay in overlays:
        shutil.copytree(overlay, target, symlinks=True, dirs_exist_ok=True)
    return target


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A fresh copy of the clean base repository."""
    return build_repo(tmp_path / "repo")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the shipped Neumünster example (isek.yaml + data/)."""
    target = tmp_path / "example"
    target.mkdir()
    shutil.copy2(ROOT / "isek.yaml", target / "isek.yaml")
    shutil.copytree(ROOT / "data", target / "data")
    return target
