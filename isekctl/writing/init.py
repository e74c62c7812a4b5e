"""`isekctl init`: every file a new municipality's data repository starts with."""

from __future__ import annotations

import json
import re
from typing import Final

from ..resources import bundled_ci_dir, templates_dir
from .fmt import format_bytes
from .scaffold import INVALID_ARGUMENT

CI_TARGETS: Final = {"github": ".github/workflows/isek.yml", "gitlab": ".gitlab-ci.yml"}
_SAFE_NAME: Final = re.compile(r"^[^\n\r\t{}%#]{1,120}$")


def init_files(municipality: str, ci: str) -> dict[str, str]:
    """Every file of a new data repository (relative path -> text)."""
    if not _SAFE_NAME.match(municipality):
        raise INVALID_ARGUMENT.stop(
            f"`{municipality[:60]}` taugt nicht als Name der Kommune.", usage=True
        )
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(templates_dir() / "init")), undefined=StrictUndefined,
        keep_trailing_newline=True, autoescape=False,
    )  # fmt: skip
    context = {
        "municipality": municipality,
        "quoted": json.dumps(municipality, ensure_ascii=False),
        "ci": ci,
    }
    config = env.get_template("isek.yaml.j2").render(context)
    canonical = format_bytes("isek.yaml", config.encode("utf-8")).output
    files = {
        "isek.yaml": canonical.decode("utf-8") if canonical is not None else config,
        "README.md": env.get_template("README.md.j2").render(context),
        ".gitignore": "berichte/\n__pycache__/\n",
        ".gitattributes": "*.yaml text eol=lf\n",
        ".pre-commit-config.yaml": env.get_template("pre-commit-config.yaml.j2").render(context),
        "data/goals/.gitkeep": "",
        "data/measures/.gitkeep": "",
        "data/revisions/.gitkeep": "",
        "templates/.gitkeep": "",
        ".vscode/settings.json": json.dumps(
            {
                "yaml.schemas": {
                    "./schemas/isek.schema.json": "isek.yaml",
                    "./schemas/goals.schema.json": "data/goals/*.yaml",
                    "./schemas/measure.schema.json": "data/measures/*.yaml",
                    "./schemas/revision.schema.json": "data/revisions/*.yaml",
                },
                "files.encoding": "utf8",
                "files.eol": "\n",
                "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2},
            },
            indent=2,
        )
        + "\n",
    }
    if ci in CI_TARGETS:
        source = bundled_ci_dir() / ("github-workflow.yml" if ci == "github" else "gitlab-ci.yml")
        files[CI_TARGETS[ci]] = source.read_text(encoding="utf-8")
    return files
