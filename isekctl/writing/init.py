"""`isekctl init`: every file a new municipality's data repository starts with.

Everything needed to publish comes with it: the CI file of choice, `requirements.txt`
naming the one pinned isekctl that CI and pre-commit install, editor settings, a
`.gitignore` for the output folders, the list of checks (docs/pruefungen.md, which the
comments in isek.yaml point to) and a README for the office with the daily work and the
one-time setup of CI and Pages.
"""

from __future__ import annotations

import json
import re
from typing import Final

from ..findings import Severity, catalogue
from ..kinds import FileKind
from ..model import Config
from ..resources import bundled_ci_dir, templates_dir
from .fmt import format_bytes
from .scaffold import INVALID_ARGUMENT

CI_TARGETS: Final = {"github": ".github/workflows/isek.yml", "gitlab": ".gitlab-ci.yml"}
_SAFE_NAME: Final = re.compile(r"^[^\n\r\t{}%#]{1,120}$")
# a requirement that names exactly one release: a version, or a git address with a tag/commit
_PINNED: Final = re.compile(
    r"^isekctl ?(== ?[0-9][0-9A-Za-z.+!-]*|@ ?(git\+)?https://[^\s@]+@[0-9A-Za-z._/+-]+)$"
)
GITIGNORE: Final = """\
# Ausgaben von isekctl: entstehen neu, gehören nicht ins Repository
berichte/
opendata/
public/
isek-synopse.*
gl-code-quality-report.json
# Zwischenspeicher von Python und pip
__pycache__/
.cache/
"""


def default_requirement() -> str:
    """This isekctl, pinned: its git address and version tag, else its version."""
    from importlib import metadata

    from .. import __version__

    try:
        urls = metadata.metadata("isekctl").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    source = next((u.split(",", 1)[1].strip() for u in urls if u.startswith("Source,")), "")
    if source.startswith("https://"):
        return f"isekctl @ git+{source}@v{__version__}"
    return f"isekctl=={__version__}"


def unreachable(requirement: str) -> bool:
    """The pin names a placeholder address (a development build has no public home yet)."""
    return ".invalid/" in requirement or ".example/" in requirement


def pinned(requirement: str) -> str:
    """`requirement` if it names exactly one release of isekctl, else a usage error."""
    text = " ".join(requirement.split())
    if not _PINNED.match(text):
        raise INVALID_ARGUMENT.stop(
            f"`{text[:80]}` legt keine Version von isekctl fest.",
            "Eine feste Version angeben: 'isekctl==0.1.0' oder "
            "'isekctl @ git+https://…/isekctl@v0.1.0' (nie nur 'isekctl').",
            usage=True,
        )
    return text


def checks_document() -> str:
    """The checks of this isekctl as a table for the data repository (docs/pruefungen.md)."""
    from .. import __version__

    rows = [
        f"# Prüfungen von `isekctl validate` (isekctl {__version__})",
        "",
        "Jeder Befund nennt Datei, Zeile, einen Prüfcode und einen Hinweis zur Behebung.",
        "Fehler lassen `isekctl validate` (und die CI) scheitern, Warnungen nur mit `--strict`.",
        "Codes mit „umstellbar: ja“ lassen sich in `isek.yaml` unter `checks:` auf `error`,",
        "`warning` oder `'off'` stellen. Die Liste gehört zu der Version von isekctl, die",
        "`isekctl init` geschrieben hat; nach einem Update steht die neue in `docs/checks.md`",
        "von isekctl.",
        "",
        "| Code | Schwere | umstellbar | Was geprüft wird | Abhilfe |",
        "|---|---|---|---|---|",
    ]
    for code, rule in catalogue().items():
        if rule.stops:
            continue
        severity = "Fehler" if rule.severity is Severity.ERROR else "Warnung"
        switchable = "ja" if rule.switchable else "nein"
        rows.append(f"| {code} | {severity} | {switchable} | {rule.summary} | {rule.fix} |")
    return "\n".join(rows) + "\n"


def init_files(municipality: str, ci: str, requirement: str | None = None) -> dict[str, str]:
    """Every file of a new data repository (relative path -> text)."""
    if not _SAFE_NAME.match(municipality):
        raise INVALID_ARGUMENT.stop(
            f"`{municipality[:60]}` taugt nicht als Name der Kommune.", usage=True
        )
    requirement = pinned(requirement) if requirement else default_requirement()
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from .. import __version__

    env = Environment(
        loader=FileSystemLoader(str(templates_dir() / "init")), undefined=StrictUndefined,
        keep_trailing_newline=True, autoescape=False,
    )  # fmt: skip
    context = {
        "municipality": municipality,
        "quoted": json.dumps(municipality, ensure_ascii=False),
        "ci": ci,
        "requirement": requirement,
        "requirement_json": json.dumps(requirement),
        "version": __version__,
    }
    config = env.get_template("isek.yaml.j2").render(context)
    canonical = format_bytes("isek.yaml", config.encode("utf-8")).output
    files = {
        "isek.yaml": canonical.decode("utf-8") if canonical is not None else config,
        "README.md": env.get_template("README.md.j2").render(context),
        "requirements.txt": (
            "# isekctl in genau dieser Version; die CI installiert sie mit\n"
            "#   pip install -r requirements.txt\n"
            "# Für eine neue Version diese Zeile und die in .pre-commit-config.yaml ändern.\n"
            f"{requirement}\n"
        ),
        ".gitignore": GITIGNORE,
        ".gitattributes": "*.yaml text eol=lf\n",
        ".pre-commit-config.yaml": env.get_template("pre-commit-config.yaml.j2").render(context),
        "docs/pruefungen.md": checks_document(),
        "data/goals/.gitkeep": "",
        "data/measures/.gitkeep": "",
        "data/revisions/.gitkeep": "",
        "templates/.gitkeep": "",
        ".vscode/settings.json": _json(
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
            }
        ),
        # VS Code offers to install the YAML extension (completion and checks while typing)
        ".vscode/extensions.json": _json({"recommendations": ["redhat.vscode-yaml"]}),
    }
    if ci in CI_TARGETS:
        source = bundled_ci_dir() / ("github-workflow.yml" if ci == "github" else "gitlab-ci.yml")
        files[CI_TARGETS[ci]] = source.read_text(encoding="utf-8")
    return files


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def init_config(files: dict[str, str]) -> Config:
    """The configuration `init_files` wrote (for the repository's own JSON Schemas)."""
    from ..reading.pipeline import process_file

    model = process_file("isek.yaml", FileKind.CONFIG, files["isek.yaml"].encode("utf-8")).model
    assert isinstance(model, Config), "init writes a valid isek.yaml"
    return model
