"""Blobs of a commit read in one batch from git's object files, exactly as GitPython reads them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from isekctl.findings import Finding
from isekctl.reading import sources
from isekctl.reading.sources import GitCommit

from ..conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git to build repos")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """Three commits: the example, small edits (deltas after gc), a big file and a link."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy2(ROOT / "isek.yaml", repo / "isek.yaml")
    shutil.copytree(ROOT / "data", repo / "data")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "eins")
    for path in sorted((repo / "data" / "measures").glob("*.yaml"))[:10]:
        path.write_text(path.read_text(encoding="utf-8") + "sdgs: [9]\n", encoding="utf-8")
    git(repo, "commit", "-qam", "zwei")
    (repo / "data" / "measures" / "GROSS.yaml").write_text(
        "id: GROSS\ndescription: |\n" + "  Text\n" * 100_000, encoding="utf-8"
    )
    (repo / "data" / "measures" / "LINK.yaml").symlink_to("../../isek.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "drei")
    return repo


def contents(source: GitCommit) -> dict[str, Any]:
    def plain(item: bytes | Finding) -> Any:
        return item if isinstance(item, bytes) else (item.code, item.message)

    return {entry.path: plain(source.read(entry.path)) for entry in source.entries()}


def one_by_one(repo: Path, ref: str) -> dict[str, Any]:
    """What GitPython's own reader gives for every file (the reference)."""
    source = GitCommit.open(repo, ref)
    source._contents = {}  # nothing batched: every file through `_read_one`
    return contents(source)


def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = GitCommit._read_one

    def read_one(self: GitCommit, path: str) -> bytes | Finding:
        calls.append(path)
        return real(self, path)

    monkeypatch.setattr(GitCommit, "_read_one", read_one)
    return calls


@pytest.mark.parametrize("packed", [False, True])
def test_batch_reading_gives_what_gitpython_gives(
    history: Path, packed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if packed:
        git(history, "gc", "-q", "--aggressive")
        assert not list((history / ".git" / "objects").glob("??/*")), "everything is packed"
    for ref in ("HEAD", "HEAD~1", "HEAD~2"):
        expected = one_by_one(history, ref)
        calls = counted(monkeypatch)
        assert contents(GitCommit.open(history, ref)) == expected
        monkeypatch.undo()
        # only what the batch leaves out goes through GitPython: the link (and the big file)
        assert set(calls) <= {"data/measures/LINK.yaml", "data/measures/GROSS.yaml"}
        assert ("data/measures/LINK.yaml" in calls) == ("data/measures/LINK.yaml" in expected)


def test_a_damaged_object_file_is_never_read_as_content(history: Path) -> None:
    """A flipped byte in a pack: the SHA-1 check refuses it and GitPython decides."""
    git(history, "gc", "-q")
    source = GitCommit.open(history, "HEAD")
    pack_path = next((history / ".git" / "objects" / "pack").glob("*.pack"))
    index = next((history / ".git" / "objects" / "pack").glob("*.idx")).read_bytes()
    data = bytearray(pack_path.read_bytes())
    pack = sources._Pack(index, data, 100)  # type: ignore[arg-type]
    for path in ("data/measures/DIGI-WLAN.yaml", "data/goals/produktbereich-1.yaml"):
        offset = pack.offset_of(source._blobs[path].binsha)
        assert offset is not None
        data[offset + 12] ^= 0x55  # inside the compressed data (or a delta's base reference)
    pack_path.chmod(0o644)
    pack_path.write_bytes(bytes(data))
    assert contents(GitCommit.open(history, "HEAD")) == one_by_one(history, "HEAD")


def test_loose_objects_and_a_missing_pack_index(history: Path) -> None:
    measure = history / "data" / "measures" / "DIGI-WLAN.yaml"
    measure.write_text(measure.read_text(encoding="utf-8") + "themes: [digitalisierung]\n", "utf-8")
    git(history, "commit", "-qam", "vier")  # loose objects
    objects = sources._ObjectFiles(str(history / ".git" / "objects"))
    source = GitCommit.open(history, "HEAD")
    wanted = {blob.binsha for blob in source._blobs.values()}
    found = objects.blobs(wanted)
    assert found and all(sources._is_blob(sha, data) for sha, data in found.items())
    assert contents(source) == one_by_one(history, "HEAD")


def test_a_crlf_checkout_reads_like_its_commit(history: Path) -> None:
    """Git for Windows checks files out with CRLF (core.autocrlf=true) and commits LF."""
    from isekctl.reading.pipeline import load
    from isekctl.reading.sources import Directory, git_version

    git(history, "rm", "-q", "--cached", "data/measures/GROSS.yaml", "data/measures/LINK.yaml")
    (history / "data" / "measures" / "GROSS.yaml").unlink()
    (history / "data" / "measures" / "LINK.yaml").unlink()
    git(history, "commit", "-qm", "vier")
    for path in [history / "isek.yaml", *(history / "data").rglob("*.yaml")]:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    work = load(Directory(history), use_cache=False)
    committed = load(GitCommit.open(history, "HEAD"), use_cache=False)
    assert work.project is not None and committed.project is not None
    assert [m.model for m in work.project.measures] == [m.model for m in committed.project.measures]
    assert [g.model for g in work.project.goals] == [g.model for g in committed.project.goals]
    assert [(f.location, f.code) for f in work.findings] == [
        (f.location, f.code) for f in committed.findings
    ]
    found = git_version(history)
    assert found is not None and found[2] is False, "only line ends differ: not a change"
