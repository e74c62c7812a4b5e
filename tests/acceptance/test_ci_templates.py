"""The CI templates in ci/ as the platforms read them, and their comment step at work.

The platforms' own checks run offline: check-jsonschema with its vendored GitLab CI and
GitHub workflow schemas, actionlint (with shellcheck for `run:` blocks), zizmor, and
shellcheck on the GitLab scripts. Each is skipped with a reason where the tool is missing;
the test extra and .ci/run install them all. The step that writes the Synopse comment
runs for real against a small stand-in for the GitLab and GitHub APIs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import ROOT

GITLAB = ROOT / "ci" / "gitlab-ci.yml"
GITHUB = ROOT / "ci" / "github-workflow.yml"
MARKER = "<!-- isekctl-synopse -->\n"


def _tool(name: str) -> str:
    """A validator next to this Python (the test extra's console scripts) or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} ist nicht installiert (pip install -e '.[test]')")
    return found


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd)


def _gitlab() -> dict[str, Any]:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))


def _github() -> dict[str, Any]:
    return yaml.safe_load(GITHUB.read_text(encoding="utf-8"))


# --- the platforms' validators ----------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "schema"),
    [
        (GITLAB, ["vendor.gitlab-ci", "--data-transform", "gitlab-ci"]),
        (GITHUB, ["vendor.github-workflows"]),
    ],
    ids=["gitlab", "github"],
)
def test_templates_match_the_platform_schemas(
    template: Path, schema: list[str], tmp_path: Path
) -> None:
    check = _tool("check-jsonschema")
    result = _run(check, "--builtin-schema", *schema, template)
    assert result.returncode == 0, result.stdout + result.stderr
    # the check can fail: a misspelt keyword is refused
    broken = tmp_path / template.name
    text = template.read_text(encoding="utf-8")
    broken.write_text(
        text.replace("when: always", "when: sometimes").replace("runs-on:", "runs_on:")
    )
    assert _run(check, "--builtin-schema", *schema, broken).returncode == 1


def test_github_workflow_passes_actionlint(tmp_path: Path) -> None:
    actionlint = _tool("actionlint")
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck ist nicht installiert (apt-get install shellcheck)")
    result = _run(actionlint, "-oneline", GITHUB)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "isek.yml"
    broken.write_text(
        GITHUB.read_text(encoding="utf-8").replace(
            "run: isekctl validate\n",
            "run: isekctl validate ${{ github.event.pull_request.title }} $X\n",
        ),
        encoding="utf-8",
    )
    findings = _run(actionlint, "-oneline", broken).stdout
    assert "SC2086" in findings and "github.event.pull_request.title" in findings


@pytest.mark.parametrize("persona", ["regular", "pedantic", "auditor"])
def test_github_workflow_passes_zizmor(persona: str, tmp_path: Path) -> None:
    zizmor = _tool("zizmor")
    result = _run(zizmor, "--offline", "--no-config", f"--persona={persona}", GITHUB)
    assert result.returncode == 0, result.stdout + result.stderr
    unsafe = tmp_path / "isek.yml"
    text = GITHUB.read_text(encoding="utf-8").replace("persist-credentials: false", "clean: true")
    unsafe.write_text(re.sub(r"@[0-9a-f]{40}", "@v4", text), encoding="utf-8")
    found = _run(zizmor, "--offline", "--no-config", "--format", "json", unsafe)
    audits = {finding["ident"] for finding in json.loads(found.stdout)}
    assert {"artipacked", "unpinned-uses"} <= audits


def _gitlab_scripts() -> dict[str, str]:
    """Each GitLab job's shell script, before_script included, as the runner runs it."""
    config = _gitlab()
    before = config["default"]["before_script"]
    return {
        name: "\n".join([*before, *job["script"]]) + "\n"
        for name, job in config.items()
        if isinstance(job, dict) and "script" in job
    }


@pytest.mark.parametrize("job", sorted(_gitlab_scripts()))
def test_gitlab_scripts_pass_shellcheck(job: str, tmp_path: Path) -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck ist nicht installiert (apt-get install shellcheck)")
    script = tmp_path / f"{job}.sh"
    script.write_text("#!/bin/bash\nset -eo pipefail\n" + _gitlab_scripts()[job], encoding="utf-8")
    result = _run(shellcheck, "--severity=info", "--shell=bash", script)
    assert result.returncode == 0, result.stdout


# --- what the templates promise ---------------------------------------------------------


def test_isekctl_comes_from_requirements_txt_only() -> None:
    for template in (GITLAB, GITHUB):
        text = template.read_text(encoding="utf-8")
        installs = re.findall(r"pip install[^\n]*", text)
        assert installs and all(line.endswith("-r requirements.txt") for line in installs), installs
        assert "ISEKCTL" not in text and "pip install isekctl" not in text


def test_gitlab_template_rules_cache_image_and_merge_base() -> None:
    config = _gitlab()
    assert config["default"]["image"] == "python:3.12-bookworm", "the full image has git"
    assert config["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert config["default"]["cache"]["paths"] == [".cache/pip"]
    mr = {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}
    main = {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}
    assert config["validate"]["rules"] == [mr, main]
    assert config["synopse"]["rules"] == [mr]
    assert config["pages"]["rules"] == [main]
    assert config["pages"]["resource_group"] == "pages"
    assert config["synopse"]["variables"]["GIT_DEPTH"] == "0"
    script = "\n".join(config["synopse"]["script"])
    assert script.count('"git:$CI_MERGE_REQUEST_DIFF_BASE_SHA"') == 2
    assert "origin/" not in script and "TARGET_BRANCH" not in script
    assert "--format md --changes-only" in script
    assert "report --kind all" in "\n".join(config["pages"]["script"])


def test_github_template_pins_triggers_permissions_and_pages() -> None:
    workflow = _github()
    triggers = workflow[True]  # PyYAML reads the key `on` as True
    assert set(triggers) == {"pull_request", "push", "workflow_dispatch"}
    assert workflow["permissions"] == {}
    text = GITHUB.read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"  # v\d+\.\d+\.\d+", comment), f"{action}: version comment"
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    pages = workflow["jobs"]["veroeffentlichen"]
    assert pages["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert "workflow_dispatch" in pages["if"]
    setup = next(
        s for s in workflow["jobs"]["pruefen"]["steps"] if "setup-python" in s.get("uses", "")
    )
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"
    synopse = next(s for s in workflow["jobs"]["pruefen"]["steps"] if s.get("name") == "Synopse")
    assert 'git merge-base "$BASE_SHA" "$HEAD_SHA"' in synopse["run"]
    assert "--format md --changes-only" in synopse["run"]


# --- the comment step against a stand-in API ---------------------------------------------


class FakeApi:
    """Enough of the GitLab notes and GitHub issue comments API to watch the comment step."""

    def __init__(self, token_header: str, token: str) -> None:
        self.comments: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str]] = []
        self.token_header, self.token = token_header, token

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                del args

            def _reply(self, status: int, data: Any) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                api.calls.append((self.command, self.path))
                expected = self.headers.get(api.token_header, "")
                if api.token not in expected:
                    self._reply(401, {"message": "401 Unauthorized"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length)) if length else None
                page = re.search(r"[?&]page=(\d+)", self.path)
                if self.command == "GET":
                    start = (int(page[1]) - 1) * 100 if page else 0
                    self._reply(200, api.comments[start : start + 100])
                elif self.command == "POST":
                    comment = {"id": 1000 + len(api.comments), "body": data["body"],
                               "user": {"login": "github-actions[bot]"}}  # fmt: skip
                    api.comments.append(comment)
                    self._reply(201, comment)
                else:  # PUT (GitLab) or PATCH (GitHub): /…/<id>
                    number = int(self.path.rstrip("/").rsplit("/", 1)[1])
                    (comment,) = [c for c in api.comments if c["id"] == number]
                    comment["body"] = data["body"]
                    self._reply(200, comment)

            do_GET = do_POST = do_PUT = do_PATCH = _handle

        return Handler


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(api: FakeApi) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), api.handler())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _comment_script(template: Path) -> str:
    """The shell of the comment step, without the isekctl lines that make the Synopse."""
    if template is GITLAB:
        block = next(line for line in _gitlab()["synopse"]["script"] if "python3" in line)
    else:
        steps = _github()["jobs"]["pruefen"]["steps"]
        block = next(s["run"] for s in steps if s.get("name") == "Synopse als Kommentar")
    return block


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **env}
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env=environment,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_gitlab_comment_is_one_note_updated_in_place(tmp_path: Path, serve: Any) -> None:
    api = FakeApi("PRIVATE-TOKEN", "glpat-geheim")
    base = serve(api)
    api.comments.append({"id": 1, "body": "Sieht gut aus.", "user": {"login": "ratsmitglied"}})
    env = {
        "CI_API_V4_URL": f"{base}/api/v4", "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "7",
        "ISEK_BOT_TOKEN": "glpat-geheim", "SYNOPSE_URL": "https://gitlab.example/-/jobs/9/artifacts/file/isek-synopse.html",
    }  # fmt: skip
    script = _comment_script(GITLAB)
    (tmp_path / "isek-synopse.md").write_text("## Synopse\n\nErster Stand.\n", encoding="utf-8")
    first = _bash(script, tmp_path, env)
    assert first.returncode == 0, first.stderr
    (tmp_path / "isek-synopse.md").write_text("## Synopse\n\nZweiter Stand.\n", encoding="utf-8")
    second = _bash(script, tmp_path, env)
    assert second.returncode == 0, second.stderr
    ours = [c for c in api.comments if c["body"].startswith(MARKER)]
    assert len(ours) == 1 and "Zweiter Stand." in ours[0]["body"]
    assert api.comments[0]["body"] == "Sieht gut aus."
    assert ("PUT", "/api/v4/projects/42/merge_requests/7/notes/1001") in api.calls
    assert "aktualisiert" in second.stdout
    # too long for a note: the beginning, and a link to the whole Synopse
    (tmp_path / "isek-synopse.md").write_text("| Zeile | Änderung |\n" * 80_000, encoding="utf-8")
    assert _bash(script, tmp_path, env).returncode == 0
    body = ours[0]["body"]
    assert len(body) <= 1_000_000 and body.endswith(env["SYNOPSE_URL"] + "\n")
    assert "| Zeile | Änderung |\n\n---\n**Die Synopse ist für einen Kommentar zu lang.**" in body


def test_gitlab_without_token_says_why_there_is_no_comment(tmp_path: Path) -> None:
    (tmp_path / "isek-synopse.md").write_text("## Synopse\n", encoding="utf-8")
    result = _bash(_comment_script(GITLAB), tmp_path, {"ISEK_BOT_TOKEN": ""})
    assert result.returncode == 0
    assert "Kein ISEK_BOT_TOKEN" in result.stdout and "geschützt" in result.stdout


def test_github_comment_is_one_comment_updated_in_place(tmp_path: Path, serve: Any) -> None:
    api = FakeApi("Authorization", "ghs_kurzlebig")
    base = serve(api)
    # someone else's comment that only looks like ours is left alone
    api.comments.append({"id": 1, "body": MARKER + "nachgemacht", "user": {"login": "jemand"}})
    summary = tmp_path / "summary.md"
    env = {
        "GITHUB_API_URL": base, "GITHUB_REPOSITORY": "stadt/isek", "PR": "5",
        "GITHUB_TOKEN": "ghs_kurzlebig", "GITHUB_STEP_SUMMARY": str(summary),
        "SYNOPSE_URL": "https://github.com/stadt/isek/actions/runs/1/artifacts/2",
    }  # fmt: skip
    script = _comment_script(GITHUB)
    (tmp_path / "isek-synopse.md").write_text("## Synopse\n\nErster Stand.\n", encoding="utf-8")
    assert _bash(script, tmp_path, env).returncode == 0
    (tmp_path / "isek-synopse.md").write_text("## Synopse\n\nZweiter Stand.\n", encoding="utf-8")
    second = _bash(script, tmp_path, env)
    assert second.returncode == 0, second.stderr
    ours = [c for c in api.comments if c["user"]["login"] == "github-actions[bot]"]
    assert len(ours) == 1 and "Zweiter Stand." in ours[0]["body"]
    assert api.comments[0]["body"] == MARKER + "nachgemacht"
    assert ("PATCH", "/repos/stadt/isek/issues/comments/1001") in api.calls
    assert "Zweiter Stand." in summary.read_text(encoding="utf-8")
    # 200 measures with many changes: over GitHub's 65,536 characters, cut with a link
    (tmp_path / "isek-synopse.md").write_text("### Maßnahme geändert\n" * 5_000, encoding="utf-8")
    assert _bash(script, tmp_path, env).returncode == 0
    body = ours[0]["body"]
    assert len(body) <= 65_536 and body.endswith(env["SYNOPSE_URL"] + "\n")
