"""From `isekctl init` to a published site, as a new municipality goes: init, new, validate,
report, then the CI template's own script lines against a git server (a bare repository
reached through file://), for a merge/pull request and for the default branch.

Only the line that installs isekctl from requirements.txt is left out (the package index
has no isekctl to give); an `isekctl` on PATH runs this checkout instead.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import ROOT, Run

MUNICIPALITY = "Stadt Beispielstadt"


class Shell:
    """bash and git in a clean environment with the checkout's isekctl on PATH."""

    def __init__(self, tmp_path: Path) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        shim = bin_dir / "isekctl"
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m isekctl "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT),
            "HOME": str(tmp_path),
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "ISEKCTL_CACHE_DIR": str(tmp_path / "cache"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Geschäftsstelle",
            "GIT_AUTHOR_EMAIL": "isek@stadt.example",
            "GIT_COMMITTER_NAME": "Geschäftsstelle",
            "GIT_COMMITTER_EMAIL": "isek@stadt.example",
        }

    def __call__(
        self, script: str, cwd: Path, env: dict[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env={**self.env, **(env or {})},
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if check:
            assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
        return done

    def git(self, cwd: Path, *args: str) -> str:
        return self(" ".join(_quote(a) for a in ("git", *args)), cwd).stdout.strip()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@pytest.fixture
def sh(tmp_path: Path) -> Shell:
    return Shell(tmp_path)


def _script_lines(lines: list[str], sh: Shell) -> str:
    """The template's lines as the runner runs them, without installing isekctl."""
    kept = []
    for line in lines:
        if "pip install" in line:
            assert line.endswith("-r requirements.txt"), line
            continue
        kept.append(line)
    script = "\n".join(kept)
    if "--changes-only" not in sh("isekctl diff --help", ROOT).stdout:
        # the option arrives with the diff's own branch; until then the full Synopse
        script = script.replace(" --changes-only", "")
    return script


def _office_day(run: Run, repo: Path) -> None:
    """What the office does first: a goal, a measure, a check, the reports."""
    assert run("new", "goal", "KLIMA", "--title", "Klimaneutral werden",
               "--level", "gesamtstaedtisch", "--repo", repo).exit_code == 0  # fmt: skip
    assert run("new", "measure", "FD10-RADWEGE", "--title", "Radwege ausbauen",
               "--goal", "KLIMA", "--department", "FD 10", "--repo", repo).exit_code == 0  # fmt: skip
    assert run("validate", "--repo", repo, "--strict").exit_code == 0
    assert run("report", "--kind", "all", "--repo", repo, "--out", repo / "public").exit_code == 0
    assert (repo / "public" / "zielsystem.html").is_file()


def _publish_history(run: Run, sh: Shell, tmp_path: Path, repo: Path) -> tuple[Path, str]:
    """main on a bare 'server', a branch with a new measure, meanwhile another one on main.

    Returns the server and the branch's merge base with main.
    """
    server = tmp_path / "server" / "isek.git"
    server.parent.mkdir()
    sh.git(tmp_path, "init", "-q", "--bare", "-b", "main", str(server))
    sh.git(repo, "init", "-q", "-b", "main")
    sh.git(repo, "add", ".")
    sh.git(repo, "commit", "-q", "-m", "ISEK-Daten anlegen")
    sh.git(repo, "remote", "add", "origin", server.as_uri())
    sh.git(repo, "push", "-q", "-u", "origin", "main")
    base = sh.git(repo, "rev-parse", "HEAD")
    sh.git(repo, "switch", "-q", "-c", "neue-massnahme")
    assert run("new", "measure", "FD10-SCHULHOF", "--title", "Schulhöfe entsiegeln",
               "--goal", "KLIMA", "--department", "FD 10", "--repo", repo).exit_code == 0  # fmt: skip
    sh.git(repo, "add", ".")
    sh.git(repo, "commit", "-q", "-m", "Maßnahme Schulhöfe")
    sh.git(repo, "push", "-q", "origin", "neue-massnahme")
    sh.git(repo, "switch", "-q", "main")
    assert run("new", "measure", "FD10-BAEUME", "--title", "Straßenbäume pflanzen",
               "--goal", "KLIMA", "--department", "FD 10", "--repo", repo).exit_code == 0  # fmt: skip
    sh.git(repo, "add", ".")
    sh.git(repo, "commit", "-q", "-m", "Maßnahme Straßenbäume")
    sh.git(repo, "push", "-q", "origin", "main")
    return server, base


def _clone(sh: Shell, server: Path, target: Path, branch: str) -> Path:
    sh.git(target.parent, "clone", "-q", "--branch", branch, server.as_uri(), target.name)
    return target


# --- a tiny reader for GitLab's `rules: if:` (the forms the template uses) ---------------


def _gitlab_if(expression: str, variables: dict[str, str]) -> bool:
    def value(term: str) -> str:
        term = term.strip()
        if term.startswith("$"):
            return variables.get(term[1:], "")
        assert term.startswith('"') and term.endswith('"'), term
        return term[1:-1]

    result = True
    for part in expression.split("&&"):
        if "==" in part:
            left, right = part.split("==")
            result = result and value(left) == value(right)
        else:
            result = result and bool(value(part))
    return result


def _gitlab_runs(config: dict[str, Any], variables: dict[str, str]) -> list[str]:
    """The jobs GitLab starts for a pipeline with `variables` (workflow and job rules)."""

    def allowed(rules: list[dict[str, str]]) -> bool:
        for rule in rules:
            if _gitlab_if(rule["if"], variables):
                return rule.get("when") != "never"
        return False

    if not allowed(config["workflow"]["rules"]):
        return []
    return [
        name
        for name, job in config.items()
        if isinstance(job, dict) and "script" in job and allowed(job["rules"])
    ]


def test_gitlab_from_init_to_pages(run: Run, sh: Shell, tmp_path: Path) -> None:
    repo = tmp_path / "beispielstadt"
    result = run("init", repo, "--municipality", MUNICIPALITY, "--ci", "gitlab")
    assert result.exit_code == 0, result.output
    _office_day(run, repo)
    (repo / "public").rename(tmp_path / "erste-berichte")  # ignored by git anyway
    assert "public/" in (repo / ".gitignore").read_text(encoding="utf-8")
    server, base = _publish_history(run, sh, tmp_path, repo)
    config = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))

    # a merge request: validate and the Synopse against where the branch started
    mr = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_COMMIT_BRANCH": "",
          "CI_DEFAULT_BRANCH": "main", "CI_OPEN_MERGE_REQUESTS": "beispielstadt/isek!1"}  # fmt: skip
    assert _gitlab_runs(config, mr) == ["validate", "synopse"]
    work = _clone(sh, server, tmp_path / "mr", "neue-massnahme")
    assert sh.git(work, "merge-base", "origin/main", "HEAD") == base
    env = {**mr, "GITLAB_CI": "true", "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
           "CI_PROJECT_URL": "https://gitlab.example/beispielstadt/isek", "CI_JOB_ID": "12"}  # fmt: skip
    before = config["default"]["before_script"]
    validate = sh(_script_lines([*before, *config["validate"]["script"]], sh), work, env)
    assert json.loads((work / "gl-code-quality-report.json").read_text(encoding="utf-8")) == []
    assert "Keine Befunde" in validate.stderr
    synopse = sh(_script_lines([*before, *config["synopse"]["script"]], sh), work, env)
    assert "Kein ISEK_BOT_TOKEN" in synopse.stdout
    text = (work / "isek-synopse.md").read_text(encoding="utf-8")
    assert "FD10-SCHULHOF" in text, "the measure this merge request adds"
    assert "FD10-BAEUME" not in text, "added on main since the branch point: not this request's"
    assert (work / "isek-synopse.html").is_file()

    # a push on a branch with an open merge request: no second pipeline
    assert _gitlab_runs(config, {**mr, "CI_PIPELINE_SOURCE": "push",
                                 "CI_COMMIT_BRANCH": "neue-massnahme"}) == []  # fmt: skip

    # merged: the default branch publishes with Pages
    sh.git(repo, "merge", "-q", "--no-edit", "neue-massnahme")
    sh.git(repo, "push", "-q", "origin", "main")
    main = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}
    assert _gitlab_runs(config, main) == ["validate", "pages"]
    site = _clone(sh, server, tmp_path / "pages", "main")
    pages_url = "https://beispielstadt.gitlab.example/isek"
    sh(_script_lines([*before, *config["pages"]["script"]], sh), site,
       {**main, "GITLAB_CI": "true", "CI_PAGES_URL": pages_url})  # fmt: skip
    public = site / "public"
    assert (public / "zielsystem.html").is_file() and (
        public / "markdown" / "zielsystem.md"
    ).is_file()
    assert not (public / "haushaltsbericht.html").exists(), "internal reports stay off the site"
    assert 'href="opendata/measures.csv"' in (public / "index.html").read_text(encoding="utf-8")
    opendata = public / "opendata"
    measures = (opendata / "measures.csv").read_text(encoding="utf-8")
    assert "FD10-SCHULHOF" in measures and "FD10-BAEUME" in measures
    assert (opendata / "excel" / "measures.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (opendata / "isek-stadt-beispielstadt.zip").is_file()
    assert f"<{pages_url}/opendata/measures.csv>" in (opendata / "dcat.ttl").read_text("utf-8")
    # a custom domain through the CI/CD variable
    export = next(line for line in config["pages"]["script"] if line.startswith("isekctl export"))
    sh(_script_lines([export], sh), site,
       {**main, "CI_PAGES_URL": pages_url, "ISEK_BASE_URL": "https://isek.beispielstadt.de/daten/"})  # fmt: skip
    assert "<https://isek.beispielstadt.de/daten/measures.csv>" in (
        opendata / "dcat.ttl"
    ).read_text(encoding="utf-8")


def _github_env(step: dict[str, Any], expressions: dict[str, str]) -> dict[str, str]:
    """A step's `env:` with the `${{ … }}` expressions the workflow uses filled in."""
    env = {}
    for key, value in (step.get("env") or {}).items():
        found = re.fullmatch(r"\$\{\{ (.+) \}\}", str(value))
        if found:
            assert found[1] in expressions, f"unknown expression {found[1]}"
            value = expressions[found[1]]
        env[key] = str(value)
    return env


def test_github_from_init_to_pages(run: Run, sh: Shell, tmp_path: Path) -> None:
    repo = tmp_path / "beispielstadt"
    assert run("init", repo, "--municipality", MUNICIPALITY, "--ci", "github").exit_code == 0
    _office_day(run, repo)
    (repo / "public").rename(tmp_path / "erste-berichte")
    server, base = _publish_history(run, sh, tmp_path, repo)
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "isek.yml").read_text("utf-8"))

    # a pull request: GitHub checks out the merge of the branch into main
    work = _clone(sh, server, tmp_path / "pr", "main")
    sh.git(work, "fetch", "-q", "origin", "neue-massnahme")
    head = sh.git(work, "rev-parse", "FETCH_HEAD")
    main_tip = sh.git(work, "rev-parse", "HEAD")
    sh.git(work, "merge", "-q", "--no-edit", head)
    expressions = {
        "github.event.pull_request.base.sha": main_tip,
        "github.event.pull_request.head.sha": head,
        "github.token": "", "github.event.pull_request.number": "1",
        "steps.artefakt.outputs.artifact-url": "", "vars.ISEK_BASE_URL": "",
    }  # fmt: skip
    ci = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "beispielstadt/isek",
          "GITHUB_REPOSITORY_OWNER": "Beispielstadt"}  # fmt: skip
    steps = {s.get("name", s.get("uses", "")): s for s in workflow["jobs"]["pruefen"]["steps"]}
    validate = sh(_script_lines([steps["Daten prüfen"]["run"]], sh), work, ci)
    assert "::error" not in validate.stdout and "Keine Befunde" in validate.stdout
    synopse = steps["Synopse"]
    sh(_script_lines([synopse["run"]], sh), work, {**ci, **_github_env(synopse, expressions)})
    assert sh.git(work, "merge-base", main_tip, head) == base
    text = (work / "isek-synopse.md").read_text(encoding="utf-8")
    assert "FD10-SCHULHOF" in text and "FD10-BAEUME" not in text

    # pushed to main: the Pages job builds the site
    sh.git(repo, "merge", "-q", "--no-edit", "neue-massnahme")
    sh.git(repo, "push", "-q", "origin", "main")
    site = _clone(sh, server, tmp_path / "pages", "main")
    pages = {
        s.get("name", s.get("uses", "")): s for s in workflow["jobs"]["veroeffentlichen"]["steps"]
    }
    build = pages["Berichte und offene Daten bauen"]
    sh(_script_lines([pages["Daten prüfen"]["run"], build["run"]], sh), site,
       {**ci, **_github_env(build, expressions)})  # fmt: skip
    ttl = (site / "public" / "opendata" / "dcat.ttl").read_text(encoding="utf-8")
    assert "<https://beispielstadt.github.io/isek/opendata/measures.csv>" in ttl
    assert (site / "public" / "zielsystem.html").is_file()
    assert not (site / "public" / "haushaltsbericht.html").exists()
    assert 'href="opendata/measures.csv"' in (site / "public" / "index.html").read_text("utf-8")


def test_init_writes_one_pinned_isekctl_for_ci_and_pre_commit(tmp_path: Path, run: Run) -> None:
    repo = tmp_path / "stadt"
    made = run("init", repo, "--municipality", MUNICIPALITY, "--ci", "gitlab")
    assert made.exit_code == 0
    # a development build's metadata names a placeholder address: init says so
    assert "Platzhalter" in made.stderr and "--isekctl" in made.stderr
    lines = (repo / "requirements.txt").read_text(encoding="utf-8").splitlines()
    (requirement,) = [line for line in lines if line and not line.startswith("#")]
    assert re.fullmatch(r"isekctl( @ git\+https://\S+@v|==)\d+\.\d+\.\d+", requirement)
    hooks = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    for hook in hooks["repos"][0]["hooks"]:
        assert hook["language"] == "python"
        assert hook["additional_dependencies"] == [requirement]
    index = run("init", tmp_path / "index", "--municipality", MUNICIPALITY, "--isekctl",
                "isekctl==0.1.0")  # fmt: skip
    assert index.exit_code == 0 and "Platzhalter" not in index.stderr
    own = tmp_path / "eigene"
    mirror = "isekctl @ git+https://gitlab.stadt.example/it/isekctl@v0.1.0"
    assert run("init", own, "--municipality", MUNICIPALITY, "--isekctl", mirror).exit_code == 0
    assert (own / "requirements.txt").read_text(encoding="utf-8").endswith(mirror + "\n")
    for unpinned in ("isekctl", "isekctl>=0.1", "isekctl @ git+https://x.example/isekctl"):
        refused = run("init", tmp_path / "x", "--municipality", "X", "--isekctl", unpinned)
        assert refused.exit_code == 2 and "ISEK094" in refused.stderr, unpinned
        assert not (tmp_path / "x").exists()


def test_pre_commit_accepts_the_generated_config(tmp_path: Path, run: Run) -> None:
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit ist nicht installiert (pip install -e '.[test]')")
    repo = tmp_path / "stadt"
    assert run("init", repo, "--municipality", MUNICIPALITY).exit_code == 0
    config = subprocess.run(
        [pre_commit, "validate-config", ".pre-commit-config.yaml"], cwd=repo,
        capture_output=True, text=True,
    )  # fmt: skip
    assert config.returncode == 0 and "WARNING" not in config.stdout + config.stderr
    manifest = subprocess.run(
        [pre_commit, "validate-manifest", ROOT / ".pre-commit-hooks.yaml"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr


def test_init_gives_the_office_what_it_needs(tmp_path: Path, run: Run) -> None:
    repo = tmp_path / "stadt"
    assert run("init", repo, "--municipality", MUNICIPALITY, "--ci", "gitlab").exit_code == 0
    extensions = json.loads((repo / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert extensions == {"recommendations": ["redhat.vscode-yaml"]}
    ignored = (repo / ".gitignore").read_text(encoding="utf-8").split()
    assert {"berichte/", "opendata/", "public/"} <= set(ignored)
    # every file the comments of isek.yaml and the README point to exists in the repository
    config = (repo / "isek.yaml").read_text(encoding="utf-8")
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for mentioned in set(re.findall(r"\b(?:docs|schemas|data)/[\w./-]+\.\w+", config + readme)):
        assert (repo / mentioned).is_file(), mentioned
    assert "docs/checks.md" not in config and "docs/pruefungen.md" in config
    checks = (repo / "docs" / "pruefungen.md").read_text(encoding="utf-8")
    assert "| ISEK070 | Warnung | ja |" in checks and "ISEK093" not in checks
    # the README covers the daily work and the one-time CI setup, in German
    for words in ("Der tägliche Ablauf", "isekctl validate", "Einmalig einrichten",
                  "Pages", "ISEK_BOT_TOKEN", "Variable schützen", "requirements.txt"):  # fmt: skip
        assert words in readme, words
    github = tmp_path / "hub"
    assert run("init", github, "--municipality", MUNICIPALITY, "--ci", "github").exit_code == 0
    hub = (github / "README.md").read_text(encoding="utf-8")
    assert "Source: **GitHub Actions**" in hub and "ISEK_BOT_TOKEN" not in hub
    # the schemas know this repository's words from the start
    schema = json.loads((repo / "schemas" / "measure.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["department"]["enum"] == ["FD 10"]
