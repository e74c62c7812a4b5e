"""One failing and one passing repository per check code, found by directory listing.

`tests/cases/<CODE>-<slug>/fail/` and `pass/` are overlays on `tests/cases/_base/`;
`expected.txt` holds the findings of the failing case (path:line:col, severity,
code, message and hint), so a moved column or a reworded message shows up in review.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isekctl.findings import catalogue

from ..conftest import CASES, Golden, Run, build_repo

CASE_DIRS = sorted(p for p in CASES.iterdir() if p.name.startswith("ISEK"))
RULES = catalogue()
STOP_CODES = {code for code, rule in RULES.items() if rule.stops}  # see test_cli.py


def _render(findings: list[dict[str, object]]) -> str:
    lines = []
    for f in findings:
        lines.append(
            f"{f['path']}:{f['line']}:{f['col']} {f['severity']} {f['code']} {f['message']}"
        )
        if f["hint"]:
            lines.append(f"    → {f['hint']}")
    return "\n".join(lines) + "\n"


def _validate(run: Run, repo: Path) -> tuple[int, list[dict[str, object]]]:
    result = run("validate", "--repo", repo, "--format", "json", "--no-cache")
    return result.exit_code, json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_failing_case_reports_its_code(
    case: Path, tmp_path: Path, run: Run, golden: Golden
) -> None:
    code = case.name.split("-")[0]
    exit_code, findings = _validate(run, build_repo(tmp_path / "repo", case / "fail"))
    assert code in {f["code"] for f in findings}
    golden(case / "expected.txt", _render(findings))
    assert exit_code == (1 if any(f["severity"] == "error" for f in findings) else 0)


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_passing_case_is_clean(case: Path, tmp_path: Path, run: Run) -> None:
    exit_code, findings = _validate(run, build_repo(tmp_path / "repo", case / "pass"))
    assert findings == []
    assert exit_code == 0


def test_base_repository_is_clean(repo: Path, run: Run) -> None:
    assert _validate(run, repo) == (0, [])


def test_every_code_has_exactly_one_case() -> None:
    covered = [p.name.split("-")[0] for p in CASE_DIRS]
    assert sorted(covered) == sorted(set(covered)), "two case folders for one code"
    assert set(covered) == set(RULES) - STOP_CODES
    for case in CASE_DIRS:
        assert case.name == f"{case.name[:7]}-{RULES[case.name[:7]].slug}", (
            "folder name = code-slug"
        )
