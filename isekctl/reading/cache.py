"""A content-hash cache of read and checked files, so an unchanged repository is instant.

Per data repository, one folder in the user's cache folder (see `default_cache_root`),
never inside the repository, where a pull request could plant a forged cache:

* `index.json` — small: for each file its size, mtime, ctime, inode and content digest,
  so unchanged files need not even be read; the findings of recent whole runs by run
  key (tool, today's date, every file's digest); and the list of segment files.
* `files-<random>.json` — segments of per-file results (model, findings, positions) by
  path and content digest, as plain JSON (see `plain.py`). A run that read some files
  adds one small segment instead of rewriting everything; when more than half of the
  stored results are outdated, the live ones are written into one new segment.

Everything is JSON: reading the cache cannot run code, whatever the files contain. A
cache file is used only when it is a regular file owned by the user and not writable by
group or others (on POSIX systems; on Windows the profile folder's permissions protect
it), and the folder only when it is the user's own, outside the repository. Anything
unexpected in a cache file makes it count as missing; a cache that cannot be read or
written makes a run slower, never wrong.

An entry of the stat index is trusted only when size, mtime, ctime and inode all match
and the file was already older than the moment its entry was made (git's "racy clean"
rule, with a margin for coarse file system clocks): a file changed within the same tick
in which it was read, or changed and given its old mtime back (`cp -p`, `touch -r`,
`rsync -a`), is read again (the ctime of such a file is new).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .. import __version__
from ..findings import Finding, finding_of_row, finding_row

_FORMAT: Final = 4
_KEEP_RUNS: Final = 8
_MAX_SEGMENTS: Final = 8
# A file must be this much older than the moment it was looked at before its stat entry is
# trusted: FAT stores mtimes in 2 s steps, other file systems in ticks of a few ms.
RACY_NS: Final = 3_000_000_000
_ORPHAN_AGE: Final = 3600  # seconds after which unreferenced files of another run are removed

StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
Row = list[Any]
FileKey = tuple[str, str]  # path, content digest


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
        hasher.update(f"\0{path}\0{file_digest}".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def default_cache_root() -> Path:
    configured = os.environ.get("ISEKCTL_CACHE_DIR")
    if configured:
        return Path(configured)
    # the platform's place for caches: ~/.cache (or $XDG_CACHE_HOME) on Linux,
    # ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("isekctl", appauthor=False))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _own(info: os.stat_result) -> bool:
    """Owned by this user and not writable by group or others (POSIX; always True elsewhere)."""
    if not hasattr(os, "geteuid"):  # Windows: the profile folder's ACLs protect it
        return True
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


_OPEN_FLAGS: Final = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


@dataclass
class Cache:
    folder: Path
    # path -> [size, mtime_ns, ctime_ns, inode, when the entry was made (ns), digest]
    stats: dict[str, list[Any]] = field(default_factory=dict)
    runs: dict[str, list[Row]] = field(default_factory=dict)  # run key -> finding rows
    segments: list[str] = field(default_factory=list)
    _rows: dict[FileKey, Row] | None = None  # all stored results, once read
    _stored: int = 0  # how many results the segments hold (live or not), once read
    _new: dict[FileKey, Row] = field(default_factory=dict)
    _released: bool = False  # the rows were dropped after reading (see release)
    _dirty: bool = False

    @classmethod
    def open(cls, root: Path, cache_root: Path | None = None) -> Cache | None:
        """The cache of the repository at `root`; None where no cache may be used."""
        real_root = os.path.realpath(root)
        key = hashlib.blake2b(os.fsencode(real_root), digest_size=8).hexdigest()
        folder = (cache_root or default_cache_root()) / key
        if _inside(os.path.realpath(folder), real_root):
            return None  # a cache inside the repository could come from a pull request
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            return cls(folder)
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode) or not _own(info):
            return None  # someone else's folder (or a link): neither read nor written
        cache = cls(folder)
        index = cache._read("index.json")
        if index is not None:
            stats, runs, segments = index.get("stats"), index.get("runs"), index.get("segments")
            if isinstance(stats, dict) and isinstance(runs, dict) and isinstance(segments, list):
                cache.stats, cache.runs = stats, runs
                cache.segments = [s for s in segments if isinstance(s, str) and _segment(s)]
        return cache

    # --- reading ------------------------------------------------------------------------

    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            fd = os.open(self.folder / name, _OPEN_FLAGS)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode) or not _own(info):
                    return None  # planted or tampered with: ignored
                loaded = json.loads(handle.read().decode("utf-8", "surrogatepass"))
        except (OSError, ValueError, RecursionError):  # unreadable, truncated, not JSON
            return None
        if not isinstance(loaded, dict) or loaded.get("format") != [_FORMAT, tool_fingerprint()]:
            return None  # another tool version's cache: start afresh
        return loaded

    def known_digest(self, path: str, key: StatKey | None) -> str | None:
        """The digest of `path` when its stat entry matches and can be trusted, else None."""
        entry = self.stats.get(path)
        if key is None or entry.__class__ is not list or len(entry) != 6:
            return None
        size, mtime, ctime, inode, seen, known = entry
        if size != key[0] or mtime != key[1] or ctime != key[2] or inode != key[3]:
            return None
        if known.__class__ is not str or seen.__class__ is not int:
            return None
        if mtime >= seen - RACY_NS or ctime >= seen - RACY_NS:
            return None  # the file may have changed within the tick it was read in
        return known

    def remember_stat(self, path: str, key: StatKey | None, file_digest: str, seen: int) -> None:
        """`file_digest` is the content of `path`, whose stat `key` was taken at `seen` (ns)."""
        if key is None:
            return
        entry = [*key, seen, file_digest]
        if self.stats.get(path) != entry:
            self.stats[path] = entry
            self._dirty = True

    def run_findings(self, key: str) -> list[Finding] | None:
        """The findings of an identical earlier run, if the cache holds them readable."""
        rows = self.runs.get(key)
        if not isinstance(rows, list):
            return None
        try:
            return [finding_of_row(row) for row in rows]
        except (ValueError, TypeError, KeyError, IndexError):
            return None

    def remember_run(self, key: str, findings: list[Finding]) -> None:
        if key not in self.runs:
            self.runs[key] = [finding_row(item) for item in findings]
            while len(self.runs) > _KEEP_RUNS:
                self.runs.pop(next(iter(self.runs)))
            self._dirty = True

    @property
    def has_files(self) -> bool:
        return bool(self.segments)

    def files(self) -> dict[FileKey, Row]:
        """Every stored per-file result (as a plain row), read from the segments once."""
        if self._rows is None:
            rows: dict[FileKey, Row] = {}
            stored = 0
            readable = []
            for name in self.segments:
                loaded = self._read(name)
                entries = loaded.get("files") if loaded else None
                if not isinstance(entries, list):
                    continue  # gone (another run compacted) or damaged: those files are read again
                readable.append(name)
                for entry in entries:
                    if isinstance(entry, list) and len(entry) == 3:
                        path, file_digest, row = entry
                        if isinstance(path, str) and isinstance(file_digest, str):
                            rows[(path, file_digest)] = row
                            stored += 1
            if readable != self.segments:
                self.segments = readable
                self._dirty = True
            self._rows, self._stored = rows, stored
        return self._rows

    def release(self, live: int) -> None:
        """Drop the stored rows once read, unless the next save will compact (needs them)."""
        if self._rows is not None and not self._compaction_due(live):
            self._rows = {}
            self._released = True

    def _compaction_due(self, live: int) -> bool:
        return len(self.segments) >= _MAX_SEGMENTS or self._stored > 2 * live + 64

    # --- writing ------------------------------------------------------------------------

    def add_files(self, rows: dict[FileKey, Row]) -> None:
        """Results of files just read, to be stored with the next `save`."""
        self._new.update(rows)

    def save(self, live: set[FileKey]) -> None:
        """Write what changed; `live` are the (path, digest) pairs of the repository now."""
        paths = {path for path, _ in live}
        stale = [path for path in self.stats if path not in paths]
        for path in stale:
            del self.stats[path]
        self._dirty |= bool(stale)
        with contextlib.suppress(OSError):  # a cache that can't be written is only slower
            self._save(live)

    def _save(self, live: set[FileKey]) -> None:
        new = {key: row for key, row in self._new.items() if key in live}
        self._new = {}
        rows = self._rows
        self._stored += len(new)
        compact = rows is not None and not self._released and self._compaction_due(len(live))
        if not new and not compact and not self._dirty:
            return
        self._make_folder()
        old = list(self.segments)
        if compact and rows is not None:
            every = {key: rows[key] for key in live if key in rows}
            every.update(new)
            self.segments = [self._write_segment(every)] if every else []
        elif new:
            self.segments.append(self._write_segment(new))
        self._write(
            "index.json", {"stats": self.stats, "runs": self.runs, "segments": self.segments}
        )
        self._dirty = False
        if compact:
            for name in old:
                if name not in self.segments:
                    with contextlib.suppress(OSError):
                        os.unlink(self.folder / name)
        # after every write, not only a compaction: a new tool version starts a new index,
        # and the segments of the old one would otherwise stay forever
        self._remove_orphans()

    def _make_folder(self) -> None:
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            self.folder.mkdir(mode=0o700)

    def _write_segment(self, rows: dict[FileKey, Row]) -> str:
        name = f"files-{secrets.token_hex(8)}.json"
        self._write(
            name, {"files": [[path, file_digest, row] for (path, file_digest), row in rows.items()]}
        )
        return name

    def _write(self, name: str, payload: dict[str, Any]) -> None:
        payload = {"format": [_FORMAT, tool_fingerprint()], **payload}
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8", "surrogatepass"))
            os.replace(temp, self.folder / name)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def _remove_orphans(self) -> None:
        """Segments and temporary files no index names, left by a crash or a concurrent run."""
        limit = time.time() - _ORPHAN_AGE
        with os.scandir(self.folder) as listing:
            for entry in listing:
                name = entry.name
                if name in self.segments or not (_segment(name) or name.startswith(".")):
                    continue
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < limit:
                        os.unlink(entry.path)


def _segment(name: str) -> bool:
    return (
        name.startswith("files-")
        and name.endswith(".json")
        and "/" not in name
        and "\\" not in name
    )
