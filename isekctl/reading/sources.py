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

import bisect
import contextlib
import hashlib
import mmap
import os
import stat
import struct
import warnings
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, Final, NamedTuple, Protocol, cast

from ..findings import E, Finding, Location, Rule
from ..kinds import FileKind
from ..text import escaped, needs_escaping
from .limits import MAX_BYTES

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


class Entry(NamedTuple):
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
    _prefix: str = field(init=False, repr=False)  # the root and a separator
    _real_root: str = field(init=False, repr=False)
    _folders: dict[str, bool] = field(init=False, repr=False, default_factory=dict)
    _links: set[str] = field(init=False, repr=False, default_factory=set)
    _bad_names: set[str] = field(init=False, repr=False, default_factory=set)

    def __post_init__(self) -> None:
        self._prefix = os.path.join(os.fspath(self.root), "")
        self._real_root = os.path.realpath(self.root)
        self.label = self.label or str(self.root)

    def entries(self) -> list[Entry]:
        found: list[Entry] = []
        if os.path.lexists(self.root / CONFIG_FILE):
            found.append(Entry(FileKind.CONFIG, CONFIG_FILE))
        for kind in FileKind.folders():
            folder = kind.place
            steps = folder.split("/")  # a linked data folder is refused even if it stays inside
            linked = any(
                os.path.islink(self.root.joinpath(*steps[: i + 1])) for i in range(len(steps))
            )
            if linked or not self._inside(self.root / folder):
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
            if needs_escaping("".join(names)):  # one look for all names: the usual case
                for i, name in enumerate(names):
                    if needs_escaping(name):  # listed under a printable name; never read
                        names[i] = escaped(name)
                        self._bad_names.add(f"{folder}/{names[i]}")
            found.extend([Entry(kind, f"{folder}/{name}") for name in names])
        return found

    def read(self, path: str) -> bytes | Finding:
        if path in self._bad_names:
            return bad_name(path)
        if path in self._links:  # listed by entries() only when it is a link or leads out
            return NOT_A_FILE.at(
                Location(path), f"Der Ordner {path} ist ein symbolischer Link oder führt aus dem Repository hinaus; er wird nicht gelesen.",
                "Datenordner müssen echte Ordner im Repository sein, keine symbolischen Links.",
            )  # fmt: skip
        full = self._prefix + path
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
            info = os.lstat(self._prefix + path)
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


def _too_large(path: str) -> Finding:
    from .yaml import too_large  # the reader's own finding; rare, so imported here

    return too_large(path)


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


class _Blob(NamedTuple):
    """A file of a commit: its mode and the id of its content."""

    mode: int
    binsha: bytes

    @property
    def hexsha(self) -> str:
        return self.binsha.hex()


@dataclass
class GitCommit:
    """The data repository as committed at one ref, read from git's object database."""

    root: Path | None
    label: str
    _commit: Any
    _blobs: dict[str, _Blob] = field(default_factory=dict)
    _bad_names: set[str] = field(default_factory=set)
    _contents: dict[str, bytes | Finding] | None = None

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
        """The data files of the commit: names, modes and content ids from the tree objects.

        The data folders' tree objects are parsed in one go (GitPython's own parser, which
        also refuses names like `..`), not entry by entry as GitPython objects.
        """
        from git.objects.fun import tree_entries_from_data

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
                self._blobs[relpath] = _Blob(obj.mode, obj.binsha)
            elif obj.type == "tree":
                for binsha, mode, name in tree_entries_from_data(obj.data_stream.read()):
                    if (
                        mode >> 12 in (8, 10)
                        and name.endswith(SUFFIXES)
                        and not name.startswith(".")
                    ):
                        if needs_escaping(name):  # as in Directory: a printable name, never read
                            name = escaped(name)
                            self._bad_names.add(f"{relpath}/{name}")
                        self._blobs[f"{relpath}/{name}"] = _Blob(mode, binsha)

    def entries(self) -> list[Entry]:
        found: list[Entry] = []
        if CONFIG_FILE in self._blobs:
            found.append(Entry(FileKind.CONFIG, CONFIG_FILE))
        for kind in FileKind.folders():
            names = sorted(p for p in self._blobs if p.startswith(kind.place + "/"))
            found.extend(Entry(kind, p) for p in names)
        return found

    def read(self, path: str) -> bytes | Finding:
        if self._contents is None:  # everything at once: commands read every file anyway
            self._contents = self._read_all()
        found = self._contents.pop(path, None)
        return found if found is not None else self._read_one(path)

    def _read_all(self) -> dict[str, bytes | Finding]:
        readable = {
            path: blob
            for path, blob in self._blobs.items()
            if path not in self._bad_names and blob.mode in _BLOB_MODES
        }
        try:
            objects = _ObjectFiles(self._commit.repo.odb.root_path())
            found = objects.blobs({blob.binsha for blob in readable.values()})
        except Exception:  # an unusual object store: GitPython reads each file
            return {}
        contents: dict[str, bytes | Finding] = {}
        for path, blob in readable.items():
            data = found.get(blob.binsha)
            if data is not None:
                contents[path] = data if len(data) <= MAX_BYTES else _too_large(path)
        return contents

    def _read_one(self, path: str) -> bytes | Finding:
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
            info = self._commit.repo.odb.info(blob.binsha)
            if info.size > MAX_BYTES:  # from the object header: nothing is unpacked
                return _too_large(path)
            data: bytes = self._commit.repo.odb.stream(blob.binsha).read(MAX_BYTES + 1)
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


class _ObjectFiles:
    """Many blobs at once, straight from git's object files (loose objects and packs).

    GitPython's pure-Python object database looks up and unpacks one object at a time,
    through several layers of objects (about 30 µs a blob); reading the pack index once
    and each object from a memory map takes a third of that. Only what is simple is done
    here: whole (undeltified) blobs from version-2 pack indexes and loose objects. Deltas,
    alternates and anything unexpected are left out, and the caller reads them with
    GitPython; every blob read here is checked against its SHA-1, so a damaged or forged
    object file can only make reading slower, never wrong.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def blobs(self, wanted: set[bytes]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        pack_folder = os.path.join(self.folder, "pack")
        try:
            indexes = sorted(n for n in os.listdir(pack_folder) if n.endswith(".idx"))
        except OSError:
            indexes = []
        for name in indexes:
            missing = wanted - found.keys()
            if not missing:
                break
            with contextlib.suppress(OSError, ValueError, IndexError, struct.error):
                found.update(self._from_pack(os.path.join(pack_folder, name), missing))
        for binsha in wanted - found.keys():
            data = self._loose(binsha)
            if data is not None:
                found[binsha] = data
        return found

    def _loose(self, binsha: bytes) -> bytes | None:
        hexsha = binsha.hex()
        try:
            with open(os.path.join(self.folder, hexsha[:2], hexsha[2:]), "rb") as handle:
                compressed = handle.read(2 * MAX_BYTES + 1024)
            unpacker = zlib.decompressobj()
            raw = unpacker.decompress(compressed, MAX_BYTES + 64)
        except (OSError, zlib.error):
            return None
        header, _, data = raw.partition(b"\0")
        if not header.startswith(b"blob ") or header[5:] != str(len(data)).encode():
            return None  # another type, or larger than the limit (GitPython says which)
        return data if _is_blob(binsha, data) else None

    def _from_pack(self, index_path: str, wanted: set[bytes]) -> dict[bytes, bytes]:
        with open(index_path, "rb") as handle:
            index = handle.read()
        if index[:8] != b"\377tOc\0\0\0\2":
            return {}  # only version 2 indexes (git's default since 2007)
        with (
            open(index_path[: -len(".idx")] + ".pack", "rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
        ):
            pack = _Pack(index, data, len(wanted))
            places = sorted(
                (offset, binsha)
                for binsha in wanted
                if (offset := pack.offset_of(binsha)) is not None
            )
            found: dict[bytes, bytes] = {}
            for offset, binsha in places:
                with contextlib.suppress(ValueError, IndexError, zlib.error):
                    kind, content = pack.object_at(offset)
                    if kind == _BLOB and _is_blob(binsha, content):
                        found[binsha] = content
        return found


_BLOB: Final = 3
_OFS_DELTA: Final = 6
_REF_DELTA: Final = 7
_MAX_CHAIN: Final = 1000  # deltas on deltas; git makes at most 50 (250 with --aggressive)


class _Pack:
    """One pack file and its version-2 index: offsets by object name, objects by offset.

    Objects stored as deltas are rebuilt from their base (itself possibly a delta). What
    was read is kept (up to 32 MB) while the pack is read: objects are read in pack order,
    where git puts a base before the deltas made from it, often many from one base.
    """

    def __init__(self, index: bytes, data: mmap.mmap, wanted: int) -> None:
        self.index, self.data = index, data
        self.count = struct.unpack_from(">I", index, 8 + 255 * 4)[0]
        self.names_at = 8 + 256 * 4
        self.offsets_at = self.names_at + 24 * self.count  # after the names and the CRCs
        self.large_at = self.offsets_at + 4 * self.count
        self.names = _Names(index, self.names_at, self.count)
        self.position: dict[bytes, int] | None = None
        if self.count <= 8 * wanted + 100_000:  # one table of every name
            start, stop = self.names_at, self.names_at + 20 * self.count
            self.position = {index[i : i + 20]: k for k, i in enumerate(range(start, stop, 20))}
        self.bases: dict[int, tuple[int, bytes]] = {}
        self.kept = 0

    def offset_of(self, binsha: bytes) -> int | None:
        if self.position is not None:
            k = self.position.get(binsha)
        else:
            at = bisect.bisect_left(self.names, binsha)
            k = at if at < self.count and self.names[at] == binsha else None
        if k is None:
            return None
        offset: int = struct.unpack_from(">I", self.index, self.offsets_at + 4 * k)[0]
        if offset & 0x80000000:
            offset = struct.unpack_from(
                ">Q", self.index, self.large_at + 8 * (offset & 0x7FFFFFFF)
            )[0]
        return offset

    def object_at(self, offset: int) -> tuple[int, bytes]:
        """(type, content) of the object at `offset`; ValueError for what is not understood."""
        chain: list[tuple[int, bytes]] = []  # (offset, delta) from the object down to its base
        while True:
            if offset in self.bases:
                kind, content = self.bases[offset]
                break
            kind, size, at = self._header(offset)
            if kind == _OFS_DELTA:
                byte = self.data[at]
                back = byte & 0x7F
                at += 1
                while byte & 0x80:
                    byte = self.data[at]
                    back = ((back + 1) << 7) | (byte & 0x7F)
                    at += 1
                chain.append((offset, self._inflate(at, size)))
                offset -= back
            elif kind == _REF_DELTA:
                base = self.offset_of(bytes(self.data[at : at + 20]))
                if base is None:
                    raise ValueError("the base of a delta is in another pack")
                chain.append((offset, self._inflate(at + 20, size)))
                offset = base
            elif 1 <= kind <= 4:
                content = self._inflate(at, size)
                break
            else:
                raise ValueError(f"object type {kind}")
            if len(chain) > _MAX_CHAIN or offset <= 0:
                raise ValueError("delta chain too long or broken")
        self._keep(offset, kind, content)
        for at_offset, delta in reversed(chain):
            content = _apply_delta(content, delta)
            self._keep(at_offset, kind, content)
        return kind, content

    def _header(self, offset: int) -> tuple[int, int, int]:
        byte = self.data[offset]
        kind, size, shift = (byte >> 4) & 7, byte & 15, 4
        at = offset + 1
        while byte & 0x80:
            byte = self.data[at]
            size |= (byte & 0x7F) << shift
            shift += 7
            at += 1
        if size > 4 * MAX_BYTES:
            raise ValueError("larger than any data file may be")  # GitPython says which
        return kind, size, at

    def _inflate(self, at: int, size: int) -> bytes:
        unpacker = zlib.decompressobj()
        # deflate adds at most 5 bytes per 16 KB block, zlib 6 more: this slice holds the stream
        data = unpacker.decompress(self.data[at : at + size + size // 1000 + 64], size + 1)
        if not unpacker.eof or len(data) != size:
            raise ValueError("damaged object")
        return data

    def _keep(self, offset: int, kind: int, content: bytes) -> None:
        if self.kept > 64 * MAX_BYTES:  # at most 32 MB of bases
            self.bases.clear()
            self.kept = 0
        self.bases[offset] = (kind, content)
        self.kept += len(content)


class _Names:
    """The sorted object names of a pack index, as a sequence for bisect."""

    def __init__(self, index: bytes, start: int, count: int) -> None:
        self.index, self.start, self.count = index, start, count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, k: int) -> bytes:
        at = self.start + 20 * k
        return self.index[at : at + 20]


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _apply_delta(base: bytes, delta: bytes) -> bytes:
    """git's delta format: the sizes of base and result, then copy and insert instructions."""
    source_size, at = _varint(delta, 0)
    target_size, at = _varint(delta, at)
    if source_size != len(base) or target_size > 4 * MAX_BYTES:
        raise ValueError("delta does not fit its base")
    parts = []
    end = len(delta)
    while at < end:
        op = delta[at]
        at += 1
        if op & 0x80:  # copy a range of the base
            start = length = 0
            for bit, shift in ((1, 0), (2, 8), (4, 16), (8, 24)):
                if op & bit:
                    start |= delta[at] << shift
                    at += 1
            for bit, shift in ((16, 0), (32, 8), (64, 16)):
                if op & bit:
                    length |= delta[at] << shift
                    at += 1
            parts.append(base[start : start + (length or 0x10000)])
        elif op:  # insert the next `op` bytes
            parts.append(delta[at : at + op])
            at += op
        else:
            raise ValueError("reserved delta instruction")
    result = b"".join(parts)
    if len(result) != target_size:
        raise ValueError("delta result has the wrong size")
    return result


def _is_blob(binsha: bytes, data: bytes) -> bool:
    hasher = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    hasher.update(data)
    return hasher.digest() == binsha


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
        if hasher.digest() == blob.binsha:
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
