"""A content-hash cache of parsed and checked files, so an unchanged repository is instant.

Two files per data repository, in the user's cache folder (never inside the
repository, where a pull request could plant a forged cache):

* `index.pickle` — small: each file's (mtime, size) → content digest, so unchanged
  files need not even be read, and the findings of recent whole runs by run key
  (tool version, today's date, every file's digest).
* `files.pickle` — the per-file results (model, positions, findings) by path and
  digest; read only when some file changed or a command needs the models.

Per-file results depend on the file's content alone; everything that depends on
isek.yaml or on other files is recomputed or keyed by the run key.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .. import __version__
from ..findings import Finding

if TYPE_CHECKING:
    from ..project import FileResult

_FORMAT: Final = 3
_KEEP_RUNS: Final = 8


@functools.cache
def tool_fingerprint() -> str:
    """The version plus the size and mtime of every module: an edited checkout is a new tool."""
    package = Path(__file__).resolve().parent.parent
    parts = [__version__]
    for module in sorted(package.rglob("*.py")):
        info = module.stat()
        parts.append(f"{module.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=8).hexdigest()


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def run_key(parts: list[tuple[str, str]], extra: str) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{tool_fingerprint()}\0{extra}".encode())
    for path, file_digest in parts:
        hasher.update(f"\0{path}\0{file_digest}".encode())
    return hasher.hexdigest()


def default_cache_root() -> Path:
    configured = os.environ.get("ISEKCTL_CACHE_DIR")
    if configured:
        return Path(configured)
    # the platform's place for caches: ~/.cache (or $XDG_CACHE_HOME) on Linux,
    # ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("isekctl", appauthor=False))


@dataclass
class Cache:
    folder: Path
    stats: dict[str, tuple[tuple[int, int], str]] = field(default_factory=dict)
    runs: dict[str, list[Finding]] = field(default_factory=dict)
    _files: dict[tuple[str, str], FileResult] | None = None
    _dirty_index: bool = False
    _dirty_files: bool = False

    @classmethod
    def open(cls, root: Path, cache_root: Path | None = None) -> Cache:
        key = hashlib.blake2b(os.path.realpath(root).encode(), digest_size=8).hexdigest()
        cache = cls((cache_root or default_cache_root()) / key)
        index = cache._read("index.pickle")
        if index:
            cache.stats, cache.runs = index.get("stats", {}), index.get("runs", {})
        return cache

    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            with open(self.folder / name, "rb") as handle:
                loaded = pickle.load(handle)
        except Exception:  # missing, truncated or from another version: start afresh
            return None
        if not isinstance(loaded, dict) or loaded.get("format") != (_FORMAT, tool_fingerprint()):
            return None
        return loaded

    def files(self) -> dict[tuple[str, str], FileResult]:
        if self._files is None:
            loaded = self._read("files.pickle")
            rows = loaded.get("files", {}) if loaded else {}
            self._files = {key: _result(key[0], row) for key, row in rows.items()}
        return self._files

    def known_digest(self, path: str, stat_key: tuple[int, int] | None) -> str | None:
        entry = self.stats.get(path)
        if entry and stat_key is not None and entry[0] == stat_key:
            return entry[1]
        return None

    def remember_stat(self, path: str, stat_key: tuple[int, int] | None, file_digest: str) -> None:
        if stat_key is not None and self.stats.get(path) != (stat_key, file_digest):
            self.stats[path] = (stat_key, file_digest)
            self._dirty_index = True

    def remember_run(self, key: str, findings: list[Finding]) -> None:
        if key not in self.runs:
            self.runs[key] = findings
            while len(self.runs) > _KEEP_RUNS:
                self.runs.pop(next(iter(self.runs)))
            self._dirty_index = True

    def store_files(self, results: dict[tuple[str, str], FileResult]) -> None:
        """Replace the per-file results by exactly the current set (drops stale entries)."""
        if self._files is None or set(self._files) != set(results):
            self._files = results
            self._dirty_files = True

    def save(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self._dirty_files and self._files is not None:
                rows = {key: _row(result) for key, result in self._files.items()}
                self._write("files.pickle", {"files": rows})
            if self._dirty_index or self._dirty_files:
                live = {path for path, _ in (self._files or {})} or set(self.stats)
                self.stats = {p: s for p, s in self.stats.items() if p in live}
                self._write("index.pickle", {"stats": self.stats, "runs": self.runs})
        except OSError:
            pass  # a cache that cannot be written is only slower, never wrong

    def _write(self, name: str, payload: dict[str, Any]) -> None:
        payload["format"] = (_FORMAT, tool_fingerprint())
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.folder / name)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


# Files are stored as plain tuples: unpickling slotted dataclasses goes through Python
# code per object, which is most of the cost of a warm start on 20,000 files.
Row = tuple[Any, Any, list[Finding], Any, Any, bool]


def _row(result: FileResult) -> Row:
    positions = result.positions
    return (
        result.kind,
        result.model,
        result.findings,
        positions.values,
        positions.keys,
        result.complete,
    )


def _result(path: str, row: Row) -> FileResult:
    from ..project import FileResult, Positions

    kind, model, findings, values, keys, complete = row
    return FileResult(path, kind, model, Positions(path, values, keys), findings, complete)
