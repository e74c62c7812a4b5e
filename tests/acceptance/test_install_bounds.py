"""The install works as declared: the lowest allowed versions, the licence, the metadata.

`test_lowest_declared_versions_pass_the_suite` installs isekctl with every direct dependency
at its lower bound (`uv pip install --resolution lowest-direct`) into a fresh environment and
runs the test suite there. It needs uv and the package index; without them it is skipped.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from ..conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
NETWORK_TROUBLE = re.compile(
    r"dns error|failed to fetch|connection (refused|reset)|timed out|network is unreachable|"
    r"could not connect|tcp connect error|Temporary failure in name resolution",
    re.IGNORECASE,
)
# what the copy of the repository leaves out: version control, caches, build output
SKIPPED = shutil.ignore_patterns(
    ".git", "__pycache__", "*.egg-info", ".*_cache", ".venv", "venv", "build", "dist",
    "berichte", "public", "opendata", "node_modules",
)  # fmt: skip


def _uv() -> str:
    try:
        from uv import find_uv_bin
    except ImportError:
        found = shutil.which("uv")
        if found is None:
            pytest.skip("uv ist nicht installiert (pip install uv)")
        return found
    return str(find_uv_bin())


def _lower_bounds() -> dict[str, str]:
    """Distribution name (normalised) -> declared lower bound of every runtime dependency."""
    bounds = {}
    for requirement in PYPROJECT["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]+\])?>=([0-9.]+)", requirement)
        assert match, f"{requirement}: every dependency needs a plain lower bound (>=)"
        bounds[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return bounds


def _normalised(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


@pytest.mark.install
def test_lowest_declared_versions_pass_the_suite(tmp_path: Path) -> None:
    uv = _uv()
    source = tmp_path / "src"  # uv builds the editable wheel inside the source tree
    shutil.copytree(ROOT, source, symlinks=True, ignore=SKIPPED)
    env = {**os.environ, "VIRTUAL_ENV": str(tmp_path / "venv")}
    env.pop("PYTHONPATH", None)
    subprocess.run([uv, "venv", "-q", "-p", sys.executable, tmp_path / "venv"], env=env, check=True)

    def install(*args: str | Path) -> None:
        done = subprocess.run(
            [uv, "pip", "install", "-q", *args], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            if NETWORK_TROUBLE.search(done.stderr):
                pytest.skip(f"Paketindex nicht erreichbar: {done.stderr.strip()[-200:]}")
            pytest.fail(f"uv pip install {' '.join(map(str, args))}:\n{done.stderr}")

    install("--resolution", "lowest-direct", "-e", source)
    # the test tools the core suite needs, at their newest; the tools that check CI files and
    # open data (frictionless, pre-commit …) need newer typer, rich or platformdirs than our
    # lower bounds and are left out here: their tests skip in this environment
    install("pytest", "hypothesis", "PyYAML", "hatchling", "jsonschema")
    python = tmp_path / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    names = ",".join(repr(name) for name in _lower_bounds())
    installed = subprocess.run(
        [python, "-c", "import importlib.metadata as m\n"
         f"for n in [{names}]: print(n, m.version(n))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    versions = dict(line.split() for line in installed.splitlines())
    for name, bound in _lower_bounds().items():
        assert _normalised(versions[name]) == _normalised(bound), (
            f"{name}: {versions[name]} installed, but the declared lower bound is {bound}"
        )
    suite = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-m", "not browser and not install", "tests"],
        cwd=source, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert suite.returncode == 0, suite.stdout[-4000:] + suite.stderr[-2000:]


def test_wheel_carries_the_licence_and_its_metadata(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("isekctl-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    text = archive.read(licence).decode("utf-8")
    assert text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.lstrip().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert "Compatible Licences" in text
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    message = email.message_from_bytes(archive.read(metadata))
    assert message["License-Expression"] == "EUPL-1.2"
    assert message["License-File"] == "LICENSE"
    classifiers = message.get_all("Classifier") or []
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "Natural Language :: German" in classifiers
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert f"Programming Language :: Python :: {minimum}" in classifiers


def test_cache_folder_is_the_platforms_and_can_be_redirected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from platformdirs import user_cache_dir

    from isekctl.reading.cache import default_cache_root

    monkeypatch.setenv("ISEKCTL_CACHE_DIR", str(tmp_path))
    assert default_cache_root() == tmp_path
    monkeypatch.delenv("ISEKCTL_CACHE_DIR")
    assert default_cache_root() == Path(user_cache_dir("isekctl", appauthor=False))
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert default_cache_root() == tmp_path / "xdg" / "isekctl"
