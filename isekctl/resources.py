"""Files that ship with the tool: report templates and the Neumünster example.

In a wheel they live under `isekctl/_bundled/` (hatch force-include); in a source
checkout they are the top-level `templates/`, `data/` and `isek.yaml` themselves,
so there is exactly one copy of each in the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_bundled"
_CHECKOUT = _PACKAGE.parent


def templates_dir() -> Path:
    bundled = _BUNDLED / "templates"
    return bundled if bundled.is_dir() else _CHECKOUT / "templates"


def example_dir() -> Path:
    """The data repository of the shipped example (isek.yaml + data/)."""
    bundled = _BUNDLED / "example"
    return bundled if bundled.is_dir() else _CHECKOUT


def default_config_file() -> Path:
    """Neumünster's isek.yaml: the configuration of a repository that has none."""
    return example_dir() / "isek.yaml"


def bundled_ci_dir() -> Path:
    """The CI templates for data repositories (ci/ in a checkout)."""
    bundled = _BUNDLED / "ci"
    return bundled if bundled.is_dir() else _CHECKOUT / "ci"
