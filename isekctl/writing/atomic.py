"""Writing files completely or not at all, and never through a symbolic link.

Every command that writes (fmt, new, revision freeze, report, export, schema,
init) goes through these two functions: a temp file next to the target, synced,
then renamed into place, so a crash or a full disk never leaves half a file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..findings import E, Rule

EXISTS = Rule(
    "ISEK093",
    "exists",
    E,
    "Die Datei gibt es schon.",
    "Andere ID wählen oder `--force`.",
    switchable=False,
    stops=True,
)
WRITE_REFUSED = Rule("ISEK095", "write-refused", E,
                     "Das Ziel darf nicht geschrieben werden (symbolischer Link).",
                     "Eine normale Datei als Ziel angeben.", switchable=False, stops=True)  # fmt: skip


def _refuse_link(target: Path) -> None:
    if os.path.islink(target):
        raise WRITE_REFUSED.stop(
            f"{target} ist ein symbolischer Link; er wird nicht überschrieben.", path=str(target)
        )


@contextmanager
def _temp_beside(target: Path, data: bytes) -> Iterator[str]:
    """`data` in a synced temp file next to `target` (same file system, same mode); removed after."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = stat.S_IMODE(os.stat(target).st_mode) if os.path.exists(target) else 0o644
        os.chmod(temp, mode)
        yield temp
    finally:
        Path(temp).unlink(missing_ok=True)


def write_text(target: Path, text: str, *, overwrite: bool) -> None:
    """Write `target` completely or not at all; without `overwrite` an existing file stays.

    The existence check is repeated at the moment of the rename (a hard link), so a
    file created meanwhile is not lost either.
    """
    write_bytes(target, text.encode("utf-8"), overwrite=overwrite)


def write_bytes(target: Path, data: bytes, *, overwrite: bool) -> None:
    """`write_text` for content that is not text (the zip of the export)."""
    if not overwrite and os.path.lexists(target):
        raise EXISTS.stop(f"{target} gibt es schon.", "Mit --force überschreiben.", str(target))
    _refuse_link(target)
    with _temp_beside(target, data) as temp:
        if overwrite:
            os.replace(temp, target)
        else:
            try:
                _link_new(temp, target)
            except FileExistsError:
                raise EXISTS.stop(
                    f"{target} gibt es schon.", "Mit --force überschreiben.", str(target)
                ) from None


def replace_if_unchanged(target: Path, expected: bytes, new: bytes) -> bool:
    """Write `new` atomically, unless the file no longer holds `expected` (edited meanwhile)."""
    _refuse_link(target)
    with _temp_beside(target, new) as temp:
        if target.read_bytes() != expected:
            return False
        os.replace(temp, target)
        return True


def _link_new(temp: str, target: Path) -> None:
    """Give `temp`'s content the name `target` only if `target` does not exist yet."""
    try:
        os.link(temp, target)  # fails if the target appeared meanwhile
    except FileExistsError:
        raise
    except OSError:  # file systems without hard links
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.replace(temp, target)
