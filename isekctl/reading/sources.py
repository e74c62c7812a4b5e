"""Where a data set lives: a directory, or a commit of a git repository.

Both kinds of source list the same files (`isek.yaml`, `data/goals`, `data/measures`,
`data/revisions`) and hand out their bytes, so loading does not care where they
come from. Reading is defensive: only regular files inside the root, with a size
cap, because a pull request can add a symlink to any file of the CI runner.
Refs from the command line are resolved in Python and never reach git's argv.
GitPython is imported only here, and only when a git source is used.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, Final, Protocol

from ..findings import E, Finding, Location, Rule
from ..model import FileKind
from .yaml import MAX_BYTES

NOT_A_FILE = Rule(
    "ISEK010",
    "not-a-file",
    E,
    "Kein normales File (Symlink, Gerät oder außerhalb).",
    "Normale Datei statt Symlink ins Repository legen.",
    switchable=False,
)
NO_REPOSITORY = Rule(
    "ISEK090",
    "no-repository",
    E,
    "Das Datenrepository wurde nicht gefunden.",
    "Mit `--repo` auf das Datenrepository zeigen.",
    switchable=False,
    stops=True,
)
UNKNOWN_REF = Rule("ISEK091", "unknown-ref", E, "Die git-Revision ist unbekannt.",
                   "Branch/Tag/Commit prüfen; in CI den Zielbranch holen (`fetch-depth: 0`).",
                   switchable=False, stops=True)  # fmt: skip

CONFIG_FILE: Final = FileKind.CONFIG.place
SUFFIXES: Final = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Entry:
    """One data file of a source: its kind and its POSIX path relative to the root."""

    kind: FileKind
    path: str


class Source(Protocol):
    label: str

    @property
    def root(self) -> Path | None:
        """A directory on disk, when there is one (cache, templates, writes)."""

    def entries(self) -> list[Entry]: ...

    def read(self, path: str) -> bytes | Finding: ...

    def stat_key(self, path: str) -> tuple[int, int] | None: ...


@dataclass
class Directory:
    """A data repository's working tree (or any directory with the same layout)."""

    root: Path
    label: str = ""
    _real_root: str = field(init=False, repr=False)
    _folders: dict[str, bool] = field(init=False, repr=False, default_factory=dict)
    _links: set[str] = field(init=False, repr=False, default_factory=set)

    def __post_init__(self) -> None:
        self._real_root = os.path.realpath(self.root)
        self.label = self.label or str(self.root)

    def entries(self) -> list[Entry]:
        found: list[Entry] = []
        if os.path.lexists(self.root / CONFIG_FILE):
            found.append(Entry(FileKind.CONFIG, CONFIG_FILE))
        for kind in FileKind.folders():
            folder = kind.place
            if not self._inside(self.root / folder):
                self._links.add(folder)
                found.append(Entry(kind, folder))  # reading it reports the link; nothing is read
                continue
            try:
                with os.scandir(self.root / folder) as listing:
                    names = sorted(
                        e.name
                        for e in listing
                        if e.name.endswith(SUFFIXES) and not e.name.startswith(".")
                    )
            except (FileNotFoundError, NotADirectoryError):
                continue
            found.extend(Entry(kind, f"{folder}/{name}") for name in names)
        return found

    def read(self, path: str) -> bytes | Finding:
        if path in self._links:  # listed by entries() only when it leads out of the root
            return NOT_A_FILE.at(
                Location(path), f"Der Ordner {path} führt aus dem Repository hinaus; er wird nicht gelesen.",
                "Datenordner müssen echte Ordner im Repository sein, keine symbolischen Links.",
            )  # fmt: skip
        full = self.root / path
        try:
            info = os.lstat(full)
        except OSError as exc:
            return NOT_A_FILE.at(
                Location(path), f"Die Datei lässt sich nicht lesen: {exc.strerror}."
            )
        if not stat.S_ISREG(info.st_mode):
            what = "ein symbolischer Link" if stat.S_ISLNK(info.st_mode) else "kein normales File"
            return NOT_A_FILE.at(
                Location(path),
                f"Die Datei ist {what}; sie wird nicht gelesen.",
                "Datendateien müssen normale Dateien im Repository sein.",
            )
        if not self._inside(full.parent):
            return NOT_A_FILE.at(Location(path), "Die Datei liegt außerhalb des Repositorys.")
        try:
            with open(full, "rb") as handle:
                return handle.read(MAX_BYTES + 1)  # more than the limit: the reader says so
        except OSError as exc:
            return NOT_A_FILE.at(
                Location(path), f"Die Datei lässt sich nicht lesen: {exc.strerror}."
            )

    def _inside(self, folder: Path) -> bool:
        """The folder resolves to a place inside the root (checked once per folder)."""
        key = str(folder)
        if key not in self._folders:
            real = os.path.realpath(folder)
            self._folders[key] = real == self._real_root or real.startswith(
                self._real_root + os.sep
            )
        return self._folders[key]

    def stat_key(self, path: str) -> tuple[int, int] | None:
        try:
            info = os.lstat(self.root / path)
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)


def check_ref(ref: str) -> None:
    """Refuse what can only be an attack or a typo before git sees anything."""
    if not ref or ref.startswith("-") or len(ref) > 200 or any(c in ref for c in "\0\r\n"):
        raise UNKNOWN_REF.stop(
            f"`{ref[:60]}` ist keine gültige git-Revision.",
            "Einen Branch, Tag oder Commit angeben, z. B. git:main oder git:HEAD~1.",
            usage=True,
        )


@dataclass
class GitCommit:
    """The data repository as committed at one ref, read from git's object database."""

    root: Path | None
    label: str
    _commit: Any
    _blobs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, repo_dir: Path, ref: str) -> GitCommit:
        check_ref(ref)
        os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
        try:
            import git
        except ImportError as exc:  # pragma: no cover - GitPython is a dependency
            raise UNKNOWN_REF.stop(f"GitPython ist nicht verfügbar: {exc}") from None
        try:
            repo = git.Repo(repo_dir, search_parent_directories=True)
        except Exception:
            raise UNKNOWN_REF.stop(
                f"{repo_dir} ist kein git-Repository; git:{ref} lässt sich nicht lesen.",
                "isekctl im Datenrepository aufrufen oder --repo angeben.",
            ) from None
        try:
            commit = repo.commit(ref)  # resolved in Python: no option injection possible
        except Exception:
            raise UNKNOWN_REF.stop(
                f"Die git-Revision `{ref}` gibt es in diesem Repository nicht.",
                "Tippfehler? In CI mit flachem Klon: den Zielbranch holen "
                "(GitHub: fetch-depth: 0, GitLab: GIT_DEPTH: 0 oder `git fetch origin main`).",
            ) from None
        prefix = PurePosixPath(
            os.path.relpath(repo_dir.resolve(), Path(repo.working_tree_dir or ".").resolve())
        )
        source = cls(None, f"git:{ref} ({commit.hexsha[:10]})", commit)
        source._index(prefix)
        return source

    def _index(self, prefix: PurePosixPath) -> None:
        base = "" if str(prefix) == "." else f"{prefix}/"
        try:
            tree = self._commit.tree / base.rstrip("/") if base else self._commit.tree
        except KeyError:
            return
        for relpath in (kind.place for kind in FileKind):
            try:
                obj = tree / relpath
            except KeyError:
                continue
            if obj.type == "blob":
                self._blobs[relpath] = obj
            elif obj.type == "tree":
                for child in obj:
                    if (
                        child.type == "blob"
                        and child.name.endswith(SUFFIXES)
                        and not child.name.startswith(".")
                    ):
                        self._blobs[f"{relpath}/{child.name}"] = child

    def entries(self) -> list[Entry]:
        found: list[Entry] = []
        if CONFIG_FILE in self._blobs:
            found.append(Entry(FileKind.CONFIG, CONFIG_FILE))
        for kind in FileKind.folders():
            names = sorted(p for p in self._blobs if p.startswith(kind.place + "/"))
            found.extend(Entry(kind, p) for p in names)
        return found

    def read(self, path: str) -> bytes | Finding:
        blob = self._blobs.get(path)
        if blob is None:
            return NOT_A_FILE.at(Location(path), "Die Datei fehlt in diesem Commit.")
        if blob.mode not in (0o100644, 0o100755):
            return NOT_A_FILE.at(
                Location(path), "Die Datei ist im Commit ein Symlink oder Submodul."
            )
        data: bytes = blob.data_stream.read(
            MAX_BYTES + 1
        )  # more than the limit: the reader says so
        return data

    def stat_key(self, path: str) -> tuple[int, int] | None:
        del path  # commits are immutable; blob ids are content hashes already
        return None


def git_version(root: Path) -> tuple[str, date, bool] | None:
    """(short commit, commit day, uncommitted data changes) when `root` is inside a git work tree."""
    if not any((parent / ".git").exists() for parent in (root.resolve(), *root.resolve().parents)):
        return None
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    try:
        import git

        repo = git.Repo(root, search_parent_directories=True)
        commit = repo.head.commit
        work = Path(repo.working_tree_dir or root).resolve()
        prefix = os.path.relpath(root.resolve(), work)
        dirty = any(
            repo.is_dirty(untracked_files=True, path=os.path.normpath(os.path.join(prefix, part)))
            for part in (CONFIG_FILE, "data")
        )
        return commit.hexsha[:10], commit.committed_datetime.date(), dirty
    except Exception:  # no commits yet, no git binary, a repository of another user …
        return None


def is_data_repository(path: Path) -> bool:
    return (path / CONFIG_FILE).is_file() or (path / "data").is_dir()


def open_directory(path: Path) -> Directory:
    """A directory to read data from; a stop when it does not exist."""
    if not path.is_dir():
        raise NO_REPOSITORY.stop(
            f"Das Verzeichnis {path} gibt es nicht.",
            "Mit --repo auf das Datenrepository zeigen.",
            str(path),
        )
    return Directory(path)
