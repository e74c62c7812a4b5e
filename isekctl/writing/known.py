"""Contents known to be in canonical layout, so `fmt --check` of unchanged files is instant.

One small file in the user's cache folder, never inside a data repository: keyed
16-byte hashes of (tool fingerprint, file kind, the file's exact bytes) that fmt has
found canonical before. A hit means exactly "these bytes, as this kind of file, are
already formatted" and nothing else; every other outcome (a change, a refusal, a
finding) is computed afresh. The file holds raw hashes, nothing that could execute,
and is ignored unless it is a regular file of the current user that no one else
may write. A new version of isekctl (or an edited checkout) starts a new set.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Final

_MAGIC: Final = b"isekctl-fmt-canonical-1\n"
_SIZE: Final = 16
_LIMIT: Final = 250_000  # entries kept (4 MB); beyond that, only those of the latest run


class Known:
    """The set of canonical contents, loaded from and saved to one file."""

    def __init__(self, file: Path | None, fingerprint: str) -> None:
        self.file = file
        self.key = fingerprint.encode("utf-8")[:64]
        self.stored: set[bytes] = set()
        self.seen: set[bytes] = set()
        self._dirty = False
        if file is not None:
            self.stored = _load(file, self.key)

    @classmethod
    def open(cls, repository: Path) -> Known:
        """The set of this user; a disabled one when the cache folder lies in the repository."""
        from ..reading.cache import default_cache_root, tool_fingerprint

        folder = default_cache_root()
        real_folder, real_repo = os.path.realpath(folder), os.path.realpath(repository)
        inside = real_folder == real_repo or real_folder.startswith(real_repo + os.sep)
        return cls(None if inside else folder / "fmt-canonical.bin", tool_fingerprint())

    def digest(self, kind: str, raw: bytes) -> bytes:
        return hashlib.blake2b(
            raw, digest_size=_SIZE, key=self.key, person=kind[:16].encode()
        ).digest()

    def is_canonical(self, digest: bytes) -> bool:
        if digest in self.stored:
            self.seen.add(digest)
            return True
        return False

    def remember(self, digest: bytes) -> None:
        self.seen.add(digest)
        if digest not in self.stored:
            self._dirty = True

    def save(self) -> None:
        if self.file is None or not self._dirty:
            return
        entries = self.stored | self.seen
        if len(entries) > _LIMIT:
            entries = self.seen
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temp = tempfile.mkstemp(dir=self.file.parent, prefix=".fmt-canonical.")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(_MAGIC + self.key.ljust(64, b"\0") + b"".join(sorted(entries)))
                os.replace(temp, self.file)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a set that cannot be saved only makes the next run slower


def _load(file: Path, key: bytes) -> set[bytes]:
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return set()
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022:
            return set()
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return set()
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read()
    finally:
        os.close(fd)
    head = len(_MAGIC) + 64
    if not data.startswith(_MAGIC) or data[len(_MAGIC) : head] != key.ljust(64, b"\0"):
        return set()
    body = data[head:]
    return {body[i : i + _SIZE] for i in range(0, len(body) - len(body) % _SIZE, _SIZE)}
