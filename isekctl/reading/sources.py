"""Where a data set lives: a directory, or a commit of a git repository.

Both kinds of source list the same files (`isek.yaml`, `data/goals`, `data/measures`,
`data/revisions`) and hand out their bytes, so loading does not care where they
come from. Reading is defensive: only regular files inside the root, with a size
cap, because a pull request can add a symlink to any file of the CI runner.
Refs from the command line are resolved in Python and never reach git's argv.

No `git` process is ever started for a data repository: its configuration belongs to
whoever prepared the checkout, and `core.fsmonitor`, filters, `diff.external`, hooks
or a pager named there would run as commands. GitPython is used only as a reader of
git's files (refs, and objects through its pure-Python object database), and whether
the work tree differs from HEAD is found by hashing the data files here. GitPython is
imported only in this module, and only when a git source is used.
"""

from __future__ import annotations

import hashlib
import os
import stat
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, Final, Protocol, cast

from ..findings import E, Finding, Location, Rule
from ..model import FileKind
from ..text import escaped, needs_escaping
from .yaml import MAX_BYTES, too_large

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
FILE_NAME_CHARACTERS = Rule(
    "ISEK016",
    "file-name-characters",
    E,
    "Der Dateiname enthält Steuerzeichen, unsichtbare Zeichen oder ist nicht UTF-8.",
    "Die Datei umbenennen: Buchstaben, Ziffern, `-`, `_` und `.yaml`.",
    switchable=False,
)
UNKNOWN_REF = Rule("ISEK091", "unknown-ref", E, "Die git-Revision ist unbekannt.",
                   "Branch/Tag/Commit prüfen; in CI den Zielbranch holen (`fetch-depth: 0`).",
                   switchable=False, stops=True)  # fmt: skip

StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
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

    def stat_key(self, path: str) -> StatKey | None:
        """(size, mtime_ns, ctime_ns, inode) of a file on disk; None where there is none."""


@dataclass
class Directory:
    """A data repository's working tree (or any directory with the same layout)."""

    root: Path
    label: str = ""
    _base: str = field(init=False, repr=False)
    _real_root: str = field(init=False, repr=False)
    _folders: dict[str, bool] = field(init=False, repr=False, default_factory=dict)
    _links: set[str] = field(init=False, repr=False, default_factory=set)
    _bad_names: set[str] = field(init=False, repr=False, default_factory=set)

    def __post_init__(self) -> None:
        self._base = os.fspath(self.root)
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
            for name in names:
                if needs_escaping(name):  # listed under a printable name; never read
                    name = escaped(name)
                    self._bad_names.add(f"{folder}/{name}")
                found.append(Entry(kind, f"{folder}/{name}"))
        return found

    def read(self, path: str) -> bytes | Finding:
        if path in self._bad_names:
            return bad_name(path)
        if path in self._links:  # listed by entries() only when it leads out of the root
            return NOT_A_FILE.at(
                Location(path), f"Der Ordner {path} führt aus dem Repository hinaus; er wird nicht gelesen.",
                "Datenordner müssen echte Ordner im Repository sein, keine symbolischen Links.",
            )  # fmt: skip
        full = os.path.join(self._base, path)
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
        if not self._inside(os.path.dirname(full)):
            return NOT_A_FILE.at(Location(path), "Die Datei liegt außerhalb des Repositorys.")
        try:
            # O_NOFOLLOW: a file swapped for a symlink since the lstat above is not followed
            fd = os.open(full, _READ_FLAGS)
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return NOT_A_FILE.at(
                        Location(path), "Die Datei ist kein normales File; sie wird nicht gelesen."
                    )
                # more than the limit: the reader says so
                return _read_all(fd, min(info.st_size + 1, MAX_BYTES + 1), MAX_BYTES + 1)
            finally:
                os.close(fd)
        except OSError as exc:
            return NOT_A_FILE.at(
                Location(path), f"Die Datei lässt sich nicht lesen: {exc.strerror}."
            )

    def _inside(self, folder: str | Path) -> bool:
        """The folder resolves to a place inside the root (checked once per folder)."""
        key = os.fspath(folder)
        if key not in self._folders:
            real = os.path.realpath(folder)
            self._folders[key] = real == self._real_root or real.startswith(
                self._real_root + os.sep
            )
        return self._folders[key]

    def stat_key(self, path: str) -> StatKey | None:
        if path in self._bad_names:
            return None
        try:
            info = os.lstat(os.path.join(self._base, path))
        except OSError:
            return None
        return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


_READ_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)


def _read_all(fd: int, first: int, limit: int) -> bytes:
    """Up to `limit` bytes of an open file; `first` is the size expected (from its stat)."""
    data = os.read(fd, first)
    if len(data) < first:
        return data  # the whole file
    chunks = [data]
    size = len(data)
    while size < limit:
        chunk = os.read(fd, min(limit - size, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def bad_name(path: str) -> Finding:
    """The finding for a data file whose name can't be shown or trusted (given escaped)."""
    return FILE_NAME_CHARACTERS.at(
        Location(path),
        "Der Dateiname enthält Steuerzeichen (etwa einen Zeilenumbruch), unsichtbare Zeichen "
        "oder Bytes, die kein UTF-8 sind – oben als \\n, \\xe9 … geschrieben; "
        "die Datei wird nicht gelesen.",
        "Die Datei umbenennen, z. B. in `<id>.yaml` mit Buchstaben, Ziffern, `-` und `_`.",
    )


def check_ref(ref: str) -> None:
    """Refuse what can only be an attack or a typo before git sees anything."""
    if not ref or ref.startswith("-") or len(ref) > 200 or any(c in ref for c in "\0\r\n"):
        raise UNKNOWN_REF.stop(
            f"`{ref[:60]}` ist keine gültige git-Revision.",
            "Einen Branch, Tag oder Commit angeben, z. B. git:main oder git:HEAD~1.",
            usage=True,
        )


class _NoGitProcess:
    """Stands in for GitPython's `git` command wrapper: isekctl starts no git process.

    Anything in GitPython that would run `git` (status, diff, rev-list …) fails here
    instead of running under the repository's configuration.
    """

    def clear_cache(self) -> _NoGitProcess:  # called when GitPython closes the repository
        return self

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"isekctl startet kein git ({name})")


def _open_git(path: Path) -> Any:
    """A GitPython repository that reads refs and objects in Python and cannot start `git`.

    The object database is GitPython's pure-Python `GitDB` (loose objects and packs),
    not the default `git cat-file` process. GitPython deprecates it as slower and less
    tested; reading a few hundred blobs is fast enough, and nothing of the repository's
    configuration can run.
    """
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")  # no git binary: fine, none is needed
    import git
    from git.db import GitDB

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        repo = git.Repo(path, odbt=GitDB, search_parent_directories=True)
    repo.git = cast(Any, _NoGitProcess())
    return repo


def _is_shallow(repo: Any) -> bool:
    return os.path.exists(os.path.join(repo.common_dir, "shallow"))


_FETCH_HINT: Final = (
    "In CI die ganze Geschichte holen (GitHub Actions: `actions/checkout` mit `fetch-depth: 0`; "
    "GitLab: `GIT_DEPTH: 0`), lokal `git fetch --unshallow`."
)


@dataclass
class GitCommit:
    """The data repository as committed at one ref, read from git's object database."""

    root: Path | None
    label: str
    _commit: Any
    _blobs: dict[str, Any] = field(default_factory=dict)
    _bad_names: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, repo_dir: Path, ref: str) -> GitCommit:
        check_ref(ref)
        try:
            repo = _open_git(repo_dir)
        except Exception:
            raise UNKNOWN_REF.stop(
                f"{repo_dir} ist kein git-Repository; git:{ref} lässt sich nicht lesen.",
                "isekctl im Datenrepository aufrufen oder --repo angeben.",
            ) from None
        shallow = _is_shallow(repo)
        try:
            commit = repo.commit(ref)  # resolved in Python: no option injection possible
            commit.tree  # noqa: B018 - reads the commit object, which a shallow clone may lack
        except Exception:
            if shallow:
                raise UNKNOWN_REF.stop(
                    f"Die git-Revision `{ref}` ist in diesem Klon nicht vorhanden: er ist flach "
                    "(shallow clone) und enthält nur einen Teil der Geschichte.",
                    f"Tippfehler? Sonst: {_FETCH_HINT}",
                    usage=True,
                ) from None
            raise UNKNOWN_REF.stop(
                f"Die git-Revision `{ref}` gibt es in diesem Repository nicht.",
                "Tippfehler? In CI mit flachem Klon: den Zielbranch holen "
                "(GitHub: fetch-depth: 0, GitLab: GIT_DEPTH: 0 oder `git fetch origin main`).",
            ) from None
        prefix = PurePosixPath(
            os.path.relpath(repo_dir.resolve(), Path(repo.working_tree_dir or ".").resolve())
        )
        source = cls(None, f"git:{ref} ({commit.hexsha[:10]})", commit)
        try:
            source._index(prefix)
        except Exception:  # a tree object missing (partial or damaged clone)
            raise UNKNOWN_REF.stop(
                f"Der Commit von `{ref}` ist in diesem Klon nicht vollständig vorhanden.",
                _FETCH_HINT,
                usage=True,
            ) from None
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
                    name = child.name
                    if (
                        child.type == "blob"
                        and name.endswith(SUFFIXES)
                        and not name.startswith(".")
                    ):
                        if needs_escaping(name):  # as in Directory: a printable name, never read
                            name = escaped(name)
                            self._bad_names.add(f"{relpath}/{name}")
                        self._blobs[f"{relpath}/{name}"] = child

    def entries(self) -> list[Entry]:
        found: list[Entry] = []
        if CONFIG_FILE in self._blobs:
            found.append(Entry(FileKind.CONFIG, CONFIG_FILE))
        for kind in FileKind.folders():
            names = sorted(p for p in self._blobs if p.startswith(kind.place + "/"))
            found.extend(Entry(kind, p) for p in names)
        return found

    def read(self, path: str) -> bytes | Finding:
        if path in self._bad_names:
            return bad_name(path)
        blob = self._blobs.get(path)
        if blob is None:
            return NOT_A_FILE.at(Location(path), "Die Datei fehlt in diesem Commit.")
        if blob.mode not in _BLOB_MODES:
            return NOT_A_FILE.at(
                Location(path), "Die Datei ist im Commit ein Symlink oder Submodul."
            )
        try:
            if blob.size > MAX_BYTES:  # from the object header: nothing is unpacked
                return too_large(path)
            data: bytes = blob.data_stream.read(MAX_BYTES + 1)
        except Exception:  # the object is missing (partial clone) or damaged
            return NOT_A_FILE.at(
                Location(path),
                "Der Inhalt der Datei fehlt in diesem Klon (teilweiser Klon oder beschädigtes Objekt).",
                _FETCH_HINT,
            )
        return data

    def stat_key(self, path: str) -> StatKey | None:
        del path  # commits are immutable; blob ids are content hashes already
        return None


_BLOB_MODES: Final = (0o100644, 0o100755)


def git_version(root: Path) -> tuple[str, date, bool] | None:
    """(short commit, commit day, uncommitted data changes) when `root` is inside a git work tree.

    "Uncommitted" compares the data files isekctl reads (isek.yaml, data/*/*.yaml) with
    the commit by their git blob hashes, computed here (see the module docstring).
    """
    if not any((parent / ".git").exists() for parent in (root.resolve(), *root.resolve().parents)):
        return None
    try:
        repo = _open_git(root)
        commit = repo.head.commit
        work = Path(repo.working_tree_dir or root).resolve()
        prefix = PurePosixPath(os.path.relpath(root.resolve(), work))
        committed = GitCommit(None, "", commit)
        committed._index(prefix)
        dirty = _differs(Directory(root), committed)
        return commit.hexsha[:10], commit.committed_datetime.date(), dirty
    except Exception:  # no commits yet, a damaged repository …
        return None


def _differs(work: Directory, committed: GitCommit) -> bool:
    """Whether the data files of the work tree differ from those of the commit."""
    paths = [entry.path for entry in work.entries()]
    if sorted(paths) != sorted(committed._blobs):
        return True
    return not all(_same_blob(work.root / path, committed._blobs[path]) for path in paths)


def _same_blob(path: Path, blob: Any) -> bool:
    """The file (or symlink) has the content of `blob`, possibly with CRLF line ends (autocrlf)."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            data = os.fsencode(os.readlink(path))
        elif stat.S_ISREG(info.st_mode) and info.st_size <= 4 * MAX_BYTES:
            with open(path, "rb") as handle:
                data = handle.read()
        else:
            return False
    except OSError:
        return False
    for content in (data, data.replace(b"\r\n", b"\n")) if b"\r\n" in data else (data,):
        hasher = hashlib.sha1(b"blob %d\0" % len(content), usedforsecurity=False)
        hasher.update(content)
        if hasher.hexdigest() == blob.hexsha:
            return True
    return False


def is_data_repository(path: Path) -> bool:
    """`isek.yaml` or one of the data folders: a plain `data/` of another project is not enough."""
    return (path / CONFIG_FILE).is_file() or any(
        (path / kind.place).is_dir() for kind in FileKind.folders()
    )


def open_directory(path: Path) -> Directory:
    """A directory to read data from; a stop when it does not exist."""
    if not path.is_dir():
        raise NO_REPOSITORY.stop(
            f"Das Verzeichnis {path} gibt es nicht.",
            "Mit --repo auf das Datenrepository zeigen.",
            str(path),
            usage=True,
        )
    return Directory(path)
