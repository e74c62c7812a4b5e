"""Writing files completely or not at all, and only where writing is meant to happen.

Every command that writes goes through this module: a temp file next to the target,
synced, then renamed into place, so a crash or a full disk never leaves half a file.

Two kinds of target, kept apart:

* **data files** (`write_data`, `replace_data`): `isek.yaml` and
  `data/goals|measures|revisions/*.yaml` of the data repository, written by `fmt`,
  `new`, `revision freeze` and `init`. Any other path — outside the repository, not a
  data file, a workflow, a link, a file behind a linked folder (even one that stays
  inside the repository: `data/revisions` → `.github/workflows`) — is refused and left
  untouched.
* **outputs** (`write_text`): reports, exports, schemas, diffs. They may go anywhere
  except onto a data file of a data repository, and inside a data repository not
  through a linked folder (a committed `public` → `~/.ssh` would send the site there).

Temp files carry the writer's lock while they exist (POSIX); a file left behind by
a killed run is recognised by its name and the missing lock and removed by the next
writer (`clean_leftovers`).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Final

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
                     "Das Ziel darf nicht geschrieben werden: keine Datendatei des Repositorys, "
                     "ein symbolischer Link oder eine Ausgabe, die eine Datendatei überschriebe.",
                     "fmt, new und revision freeze schreiben nur isek.yaml und die YAML-Dateien in "
                     "data/goals, data/measures und data/revisions; Berichte und Exporte in einen "
                     "eigenen Ordner schreiben.",
                     switchable=False, stops=True)  # fmt: skip

DATA_PATH: Final = re.compile(r"isek\.yaml|data/(goals|measures|revisions)/[^/.][^/]*\.ya?ml")
_TEMP: Final = re.compile(r"\.[^/]+\.[a-z0-9_]{8}\.tmp")
_STALE_SECONDS: Final = 10  # a temp file this old and unlocked is a leftover
_STALE_WITHOUT_LOCKS: Final = 3600  # where files cannot be locked (Windows): only age tells


def is_data_path(relative: str) -> bool:
    """`isek.yaml` or `data/<kind>/<name>.yaml`: the files isekctl reads and may rewrite."""
    return bool(DATA_PATH.fullmatch(relative))


def data_target(root: Path, relative: str) -> Path:
    """The data file `relative` of the repository at `root`, or a stop when it is none.

    Every folder on the way below `root` must be a real folder (lstat, no link) and the
    file itself must not be a link; nothing outside the data files is ever written.
    """
    shown = relative.replace("\\", "/")
    if not is_data_path(shown):
        raise WRITE_REFUSED.stop(
            f"{shown} ist keine Datendatei; isekctl schreibt nur isek.yaml und "
            "die YAML-Dateien in data/goals, data/measures und data/revisions.",
            path=shown,
        )
    target = root / shown
    refuse_linked_folders(root, shown)
    _refuse_link(target, shown)
    return target


def refuse_linked_folders(root: Path, relative: str) -> None:
    """Stop when a folder on the way from `root` to `relative` is a link or no folder.

    Each folder below the root is looked at itself (lstat), not where it leads: a
    `data/revisions` that links to `.github/workflows` leads somewhere inside the
    repository but is refused all the same. Folders that do not exist yet are fine
    (they are created as real folders).
    """
    parts = relative.replace("\\", "/").split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/".join(parts[:depth])
        try:
            info = os.lstat(root / folder)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise WRITE_REFUSED.stop(
                f"Der Ordner {folder} lässt sich nicht prüfen ({exc.strerror}); es wird nichts "
                "geschrieben.",
                path=folder,
            ) from None
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            what = "ein symbolischer Link" if stat.S_ISLNK(info.st_mode) else "kein Ordner"
            real, real_root = os.path.realpath(root / folder), os.path.realpath(root)
            if not real.startswith(real_root + os.sep):
                what += " und führt aus dem Repository hinaus"
            raise WRITE_REFUSED.stop(
                f"{folder} ist {what}; isekctl schreibt nicht hindurch (Ziel: {relative}).",
                f"{folder} durch einen echten Ordner ersetzen: durch einen Link könnte ein "
                "Schreibzugriff an einer anderen Stelle landen, etwa in .github/workflows.",
                path=folder,
            )


def _refuse_link(target: Path, shown: str | None = None) -> None:
    if os.path.islink(target):
        raise WRITE_REFUSED.stop(
            f"{shown or target} ist ein symbolischer Link; er wird nicht überschrieben.",
            path=shown or str(target),
        )
    if os.path.exists(target) and not os.path.isfile(target):
        raise WRITE_REFUSED.stop(
            f"{shown or target} ist keine normale Datei.", path=shown or str(target)
        )


def data_file_of_repository(target: Path) -> Path | None:
    """The data repository whose data file `target` would be, if any (for the output guard)."""
    real = Path(os.path.realpath(target.parent)) / target.name
    for folder in real.parents:
        relative = real.relative_to(folder).as_posix()
        is_data_name = relative == "isek.yaml" or (
            relative.startswith("data/") and relative.endswith((".yaml", ".yml"))
        )
        if is_data_name and ((folder / "isek.yaml").is_file() or (folder / "data").is_dir()):
            return folder
    return None


def refuse_occupied(directory: Path, names: list[str]) -> None:
    """Stop before anything is written when `directory` is a file or holds one of `names`."""
    if os.path.lexists(directory) and not os.path.isdir(directory):
        raise EXISTS.stop(
            f"{directory} ist eine Datei, kein Verzeichnis.",
            "Ein neues oder leeres Verzeichnis angeben.",
        )
    for name in names:  # nothing is written through a linked folder (DIR/.github → elsewhere)
        refuse_linked_folders(directory, name)
    taken = [name for name in names if os.path.lexists(directory / name)]
    if taken:
        listed = ", ".join(taken[:6]) + (" …" if len(taken) > 6 else "")
        raise EXISTS.stop(
            f"In {directory} gibt es schon: {listed}. Es wurde nichts geschrieben.",
            "Ein neues oder leeres Verzeichnis angeben (ein vorhandener .git-Ordner stört "
            "nicht) oder die genannten Dateien vorher umbenennen.",
        )


def write_text(target: Path, text: str, *, overwrite: bool) -> None:
    """Write an output file completely or not at all; without `overwrite` an existing file stays.

    An output never replaces a data file of a data repository. The existence check is
    repeated at the moment of the rename (a hard link), so a file created meanwhile is
    not lost either.
    """
    write_bytes(target, text.encode("utf-8"), overwrite=overwrite)


def write_bytes(target: Path, data: bytes, *, overwrite: bool) -> None:
    """`write_text` for content that is not text (the zip of the export)."""
    _refuse_output(target)
    _write(target, data, overwrite=overwrite, shown=str(target), hint=_FORCE)


def write_pieces(files: dict[Path, Iterable[str]], *, overwrite: bool) -> None:
    """Write output files from their texts in pieces (a report rendered as it is written).

    All or none: every file is completed beside its target first, and only when all of
    them are (a piece can fail, for a report whose template is refused) do they take
    their targets' names.
    """
    for target in files:
        _refuse_output(target)
        _check_target(target, overwrite=overwrite, shown=str(target), hint=_FORCE)
    missing = {folder for target in files for folder in _missing_folders(target.parent)}
    with ExitStack() as stack:
        try:
            staged = [
                (
                    stack.enter_context(_temp_beside(target, (p.encode("utf-8") for p in pieces))),
                    target,
                )
                for target, pieces in files.items()
            ]
        except BaseException:  # nothing written: not even the folders made for it stay
            stack.close()
            for folder in sorted(missing, key=lambda f: len(f.parts), reverse=True):
                with suppress(OSError):
                    folder.rmdir()
            raise
        for temp, target in staged:
            _move_in(temp, target, overwrite=overwrite, shown=str(target), hint=_FORCE)


def _missing_folders(folder: Path) -> list[Path]:
    """`folder` and those above it that do not exist yet."""
    missing = []
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing


def _refuse_output(target: Path) -> None:
    """Stop when an output would replace a data file, or go through a linked folder of one."""
    repository = data_file_of_repository(target)
    if repository is not None:
        raise WRITE_REFUSED.stop(
            f"{target} ist eine Datendatei des Repositorys {repository}; "
            "Ausgaben überschreiben keine Daten.",
            "Mit --out einen eigenen Ordner angeben, z. B. --out berichte.",
            str(target),
        )
    refuse_linked_output(target)


def refuse_linked_output(target: Path) -> None:
    """Stop when `target` lies in a data repository behind a linked folder of it."""
    inside = _repository_above(target)
    if inside is not None:  # a link in the repository must not send an output elsewhere
        refuse_linked_folders(inside, Path(os.path.abspath(target)).relative_to(inside).as_posix())


def _repository_above(target: Path) -> Path | None:
    """The nearest folder above `target` (as written, links not followed) that is a data
    repository."""
    from ..reading.sources import is_data_repository

    for folder in Path(os.path.abspath(target)).parents:
        if is_data_repository(folder):
            return folder
    return None


def write_data(
    root: Path, relative: str, data: bytes, *, overwrite: bool = False, force: bool = False
) -> Path:
    """Create (or with `overwrite` replace) the data file `relative` of the repository.

    `force`: the command has a `--force` to overwrite (said when the file exists).
    """
    target = data_target(root, relative)
    clean_leftovers(target.parent)
    _write(target, data, overwrite=overwrite, shown=relative, hint=_FORCE if force else None)
    return target


def replace_data(root: Path, relative: str, expected: bytes, new: bytes) -> bool:
    """Replace a data file atomically, unless it no longer holds `expected` (edited meanwhile)."""
    target = data_target(root, relative)
    with _temp_beside(target, (new,)) as temp:
        if target.read_bytes() != expected:
            return False
        os.replace(temp, target)
        return True


_FORCE: Final = "Mit --force überschreiben."


def _write(target: Path, data: bytes, *, overwrite: bool, shown: str, hint: str | None) -> None:
    _check_target(target, overwrite=overwrite, shown=shown, hint=hint)
    with _temp_beside(target, (data,)) as temp:
        _move_in(temp, target, overwrite=overwrite, shown=shown, hint=hint)


def _check_target(target: Path, *, overwrite: bool, shown: str, hint: str | None) -> None:
    if not overwrite and os.path.lexists(target):
        raise EXISTS.stop(f"{shown} gibt es schon.", hint, shown)
    _refuse_link(target)


def _move_in(temp: str, target: Path, *, overwrite: bool, shown: str, hint: str | None) -> None:
    """Give the finished temp file its target's name; without `overwrite` only a new one.

    The existence check is repeated at this moment (a hard link), so a file created
    meanwhile is not lost.
    """
    if overwrite:
        os.replace(temp, target)
        return
    try:
        _link_new(temp, target)
    except FileExistsError:
        raise EXISTS.stop(f"{shown} gibt es schon.", hint, shown) from None


@contextmanager
def _temp_beside(target: Path, content: Iterable[bytes]) -> Iterator[str]:
    """`content` in a synced, locked temp file next to `target` (same file system and mode)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    handle = os.fdopen(fd, "wb")
    try:
        _lock(handle.fileno())
        handle.writelines(content)
        handle.flush()
        os.fsync(handle.fileno())
        mode = stat.S_IMODE(os.stat(target).st_mode) if os.path.exists(target) else 0o644
        os.chmod(temp, mode)
        if os.name == "nt":  # pragma: no cover - Windows cannot rename an open file
            handle.close()
        yield temp
    finally:
        handle.close()
        Path(temp).unlink(missing_ok=True)


def _lock(fd: int) -> bool:
    """Take the writer's lock on a temp file; False where files cannot be locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise BlockingIOError from None
    return True


def clean_leftovers(folder: Path) -> list[str]:
    """Remove temp files of writers that were killed (name pattern, old, not locked)."""
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(folder) if _TEMP.fullmatch(n)]
    except OSError:
        return removed
    now = time.time()
    for name in names:
        path = folder / name
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < _STALE_SECONDS:
                continue
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            try:
                locked = _lock(fd)
            except BlockingIOError:
                continue  # a running writer holds it
            if not locked and now - info.st_mtime < _STALE_WITHOUT_LOCKS:
                continue
            with suppress(OSError):
                os.unlink(path)
                removed.append(name)
        finally:
            os.close(fd)
    return removed


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
