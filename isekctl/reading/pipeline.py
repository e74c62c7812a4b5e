"""Loading a whole data set: read, parse, validate and check every file, in parallel and cached.

This is the one entry point the commands use to get a `Project` and its findings:
bytes (`sources`) -> plain data with positions (`yaml`) -> models (`schema`) ->
findings of each file and of the whole project (`checks`). Each file is processed on
its own, so from a few dozen files on, worker processes share the work with the main
process: every process takes the next few files from a shared counter (one that
starts late, or shares its core with other work, simply takes fewer) and the workers
send their results back as plain rows (`plain.py`). Results are cached by content
hash (`cache.py`); a run over the same files, configuration and day returns the
findings of the earlier run without reading a file.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from ..findings import E, Finding, Rule, Severity, finding_of_row, finding_row
from ..kinds import FileKind
from ..memory import collector_paused, keep
from .cache import Cache, Row, StatKey, digest, run_key
from .sources import Entry, Source

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from ..model import Config
    from ..project import FileResult, Project, Tables

# The model, the checks and the YAML reader are imported where files are really
# processed: a run whose findings are all in the cache never needs them.

CONFIG_INVALID = Rule(
    "ISEK096",
    "config-invalid",
    E,
    "isek.yaml ist ungültig; der Befehl braucht sie.",
    "Die Befunde zu isek.yaml beheben (isekctl validate).",
    switchable=False,
    stops=True,
)
INVALID_DATA = Rule("ISEK098", "invalid-data", E, "Die Daten enthalten Fehler; der Befehl braucht gültige.",
                    "Die Befunde von isekctl validate beheben.", switchable=False, stops=True)  # fmt: skip

# Files per worker process at least: a forked process costs milliseconds, a spawned one
# (Windows, macOS) imports everything again, a third of a second.
FILES_PER_FORK: Final = 40
FILES_PER_SPAWN: Final = 600
# How worker processes are started: None picks fork on Linux and the platform's default
# (spawn) elsewhere; tests and the benchmark set "spawn" to run the Windows/macOS path.
START_METHOD: str | None = None
Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    """Findings of a run, and the project unless only findings were asked for.

    `project` is None only when isek.yaml itself is unusable (its findings say
    why) or when the findings came from the cache of a `validate` run.
    """

    findings: list[Finding]
    project: Project | None = None
    files: int = 0
    from_cache: bool = False

    def require_project(self, why: str) -> Project:
        """The project, or a stop that shows what is wrong with isek.yaml."""
        if self.project is None:
            config_findings = [f for f in self.findings if f.location.path == FileKind.CONFIG.place]
            raise CONFIG_INVALID.stop(
                f"isek.yaml ist ungültig; {why}",
                "isekctl validate zeigt alle Befunde.",
                FileKind.CONFIG.place,
                details=config_findings,
            )
        return self.project

    def errors(self, paths: str = "") -> list[Finding]:
        """The findings of severity error (in files whose path starts with `paths`)."""
        return [
            f
            for f in self.findings
            if f.severity is Severity.ERROR and f.location.path.startswith(paths)
        ]

    def require_valid(self, why: str, paths: str = "") -> Project:
        """The project, or a stop listing the errors (in `paths`) that prevent the command."""
        project = self.require_project(why)
        errors = self.errors(paths)
        if errors:
            raise INVALID_DATA.stop(why, "isekctl validate zeigt alle Befunde.", details=errors)
        return project


def process_file(path: str, kind: FileKind, raw: bytes) -> FileResult:
    """Everything about one file that depends on its content alone."""
    from ..checks import file_findings
    from ..project import FileResult, Positions
    from .schema import read_file
    from .yaml import load as load_yaml
    from .yaml import position_tables

    document, found = load_yaml(raw, path, positions=False)
    positions = Positions(path, reader=partial(position_tables, raw, path))
    if document is None:
        return FileResult(path, kind, None, positions.detached(), found, complete=False)
    result = read_file(path, kind, document.data, positions)
    result.complete = not result.findings  # no schema error: every field was read
    result.findings = [
        *found,
        *result.findings,
        *file_findings(path, kind, result.model, positions, document.data, untidy=document.untidy),
    ]
    result.positions = positions.detached()
    return result


Task = tuple[str, FileKind, "bytes | None"]  # path, kind, content (None: the worker reads it)
Done = tuple["str | None", "FileResult | Finding", "Row | None"]  # digest, result, its plain row


def _work(source: Source | None, task: Task) -> tuple[str | None, FileResult | Finding]:
    path, kind, content = task
    if content is None:
        if source is None:  # pragma: no cover - tasks without content come with their source
            raise ValueError(f"{path}: nothing to read from")
        raw = source.read(path)
        if isinstance(raw, Finding):
            return None, raw
        content = raw
    return digest(content), process_file(path, kind, content)


def _claims(counter: Any, total: int, chunk: int) -> Iterator[range]:
    """The next `chunk` tasks nobody has taken yet, until none are left.

    Every process takes its tasks from one shared counter, so a process that starts
    late (spawned, not forked) or shares its core with other work simply takes fewer.
    """
    lock = counter.get_lock()
    while True:
        if not lock.acquire(timeout=10):  # pragma: no cover - a process died holding it
            return  # the main process does what is left at the end
        try:
            start = counter.value
            counter.value = start + chunk
        finally:
            lock.release()
        if start >= total:
            return
        yield range(start, min(start + chunk, total))


def _child(
    tasks: list[Task], source: Source | None, counter: Any, chunk: int, sender: Connection
) -> None:
    """A worker process: take tasks until none are left, sending results as plain rows.

    Results go out in batches while the worker goes on, so the main process can turn
    them into models between its own tasks instead of all at the end.
    """
    try:
        from .plain import result_row

        out: list[tuple[int, str | None, Row | None, Row | None]] = []
        for claim in _claims(counter, len(tasks), chunk):
            for i in claim:
                file_digest, item = _work(source, tasks[i])
                if isinstance(item, Finding):
                    out.append((i, file_digest, finding_row(item), None))
                else:
                    out.append((i, file_digest, None, result_row(item)))
            if len(out) >= _BATCH:
                sender.send_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
                out = []
        sender.send_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
        sender.send_bytes(b"")  # done
    except BaseException:  # the main process does this share again and reports any error
        os._exit(1)
    sender.close()


_BATCH: Final = 200  # results a worker sends at once


def _start_method() -> str | None:
    """fork where it is safe and cheapest (Linux); elsewhere the platform's default, spawn."""
    if START_METHOD is not None:
        return START_METHOD
    return "fork" if sys.platform == "linux" else None


def _process_all(
    tasks: list[Task], source: Source | None, jobs: int, progress: Progress | None
) -> list[Done]:
    """Process files, spread over `jobs` processes when there are enough of them.

    The main process works on the tasks like every worker and collects the workers'
    results only when no task is left, so no background thread competes with it for
    the GIL. Workers send plain rows (`plain.py`) through a private pipe: pickled
    lists, strings and numbers of our own child process, cheaper to send and to
    turn back into models than pickled models.
    """
    import multiprocessing

    total = len(tasks)
    done: list[Done | None] = [None] * total
    context = multiprocessing.get_context(_start_method())
    share = FILES_PER_FORK if context.get_start_method() == "fork" else FILES_PER_SPAWN
    workers = min(jobs, total // share or 1)
    if workers <= 1:
        for i, task in enumerate(tasks):
            done[i] = (*_work(source, task), None)
            if progress and i % 200 == 0:
                progress(i, total)
        return cast("list[Done]", done)
    from . import schema  # noqa: F401 - imported once here, so forked workers inherit it
    from .plain import result
    from .yaml import preload

    preload()
    counter = context.Value("q", 0)
    chunk = max(1, min(16, total // (workers * 8)))
    for stream in (sys.stdout, sys.stderr):  # a forked child must not print our buffers again
        with contextlib.suppress(Exception):
            stream.flush()
    children = []
    for _ in range(workers - 1):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(  # type: ignore[attr-defined]
            target=_child, args=(tasks, source, counter, chunk, sender), daemon=True
        )
        process.start()
        sender.close()
        children.append((process, receiver))

    def absorb(message: bytes) -> None:
        # plain rows pickled by our own child process, through a pipe only it can write to
        for i, file_digest, problem, row in pickle.loads(message):
            if done[i] is None:
                path = tasks[i][0]
                item = result(path, row or []) if problem is None else finding_of_row(problem, path)
                done[i] = (file_digest, item, row)

    ended = [False] * len(children)
    for claim in _claims(counter, total, chunk):
        for i in claim:
            done[i] = (*_work(source, tasks[i]), None)
        if progress:
            progress(min(claim.stop, total), total)
        for k, (_, receiver) in enumerate(children):  # what the workers finished meanwhile
            ended[k] = ended[k] or _drain(receiver, absorb, wait=False)
    for k, (process, receiver) in enumerate(children):
        if not ended[k]:
            _drain(receiver, absorb, wait=True)
        receiver.close()
        process.join()
    for i, slot in enumerate(done):
        if slot is None:  # a worker died before it finished its share: do it here
            done[i] = (*_work(source, tasks[i]), None)
    return cast("list[Done]", done)


def _drain(receiver: Connection, absorb: Callable[[bytes], None], *, wait: bool) -> bool:
    """Take in a worker's messages (all until its end when `wait`); True once it has ended."""
    try:
        while wait or receiver.poll():
            message = receiver.recv_bytes()
            if not message:
                return True
            absorb(message)
    except (EOFError, OSError, pickle.UnpicklingError):  # the child died: its rest is redone
        return True
    return False


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def default_config() -> Config:
    """Neumünster's setup, without the example's own severity overrides."""
    from ..model import Config
    from ..resources import default_config_file

    raw = default_config_file().read_bytes()
    result = process_file(FileKind.CONFIG.place, FileKind.CONFIG, raw)
    if not isinstance(result.model, Config):  # pragma: no cover - the shipped file is tested
        raise RuntimeError("the bundled isek.yaml is invalid")
    return result.model.model_copy(update={"checks": {}})


def assemble(label: str, results: list[FileResult], config: Config | None) -> Project | None:
    """Put the valid parts of all files together; None when isek.yaml is unusable.

    `config` is the setup to use when the repository has no isek.yaml.
    """
    from ..model import Config, GoalsFile, Measure, Revision
    from ..project import Item, Project

    config_result = next((r for r in results if r.kind is FileKind.CONFIG), None)
    if config_result is not None:
        if not isinstance(config_result.model, Config):
            return None
        config = config_result.model
    if config is None:  # pragma: no cover - callers pass the default setup
        return None
    project = Project(label, config)
    if config_result is not None:
        project.config_item = Item(config, config_result.positions)
    for result in results:
        model = result.model
        if result.kind is FileKind.MEASURE and not result.complete:
            project.unreadable_measures += 1  # unread or partly read: its goal links are uncertain
        if isinstance(model, GoalsFile):
            project.goals.extend(
                Item(g, result.positions, ("goals", i)) for i, g in enumerate(model.goals)
            )
        elif isinstance(model, Measure):
            project.measures.append(Item(model, result.positions))
        elif isinstance(model, Revision):
            project.revisions.append(Item(model, result.positions))
    return project


def load(
    source: Source,
    *,
    today: date | None = None,
    use_cache: bool = True,
    cache_root: Path | None = None,
    jobs: int | None = None,
    need_project: bool = True,
    progress: Progress | None = None,
) -> Outcome:
    """Read and check every file of `source`; never raises for bad data."""
    entries = source.entries()
    with collector_paused(loading=True):
        outcome = _load(
            source, entries, today or date.today(), use_cache, cache_root, jobs, need_project,
            progress,
        )  # fmt: skip
    keep(outcome)
    return outcome


def _load(
    source: Source,
    entries: list[Entry],
    today: date,
    use_cache: bool,
    cache_root: Path | None,
    jobs: int | None,
    need_project: bool,
    progress: Progress | None,
) -> Outcome:
    seen = time.time_ns()  # before any file is looked at (see Cache.known_digest)
    cache = Cache.open(source.root, cache_root) if use_cache and source.root is not None else None
    # Files whose digest the stat index does not vouch for are read here when that can
    # save work (a stored result by content, or any source without files on disk);
    # otherwise the processes that check them read them.
    read_here = source.root is None or (cache is not None and (cache.has_files or bool(cache.runs)))
    read_findings: list[Finding] = []
    unreadable: set[str] = set()
    raws: dict[str, bytes] = {}
    digests: dict[str, str] = {}
    stats: dict[str, StatKey | None] = {}
    for entry in entries:
        path = entry.path
        if cache is not None:
            stats[path] = stat_key = source.stat_key(path)
            known = cache.known_digest(path, stat_key)
            if known is not None:
                digests[path] = known
                continue
        if read_here:
            raw = source.read(path)
            if isinstance(raw, Finding):
                read_findings.append(raw)
                unreadable.add(path)
                continue
            raws[path] = raw
            digests[path] = digest(raw)
            if cache is not None:
                cache.remember_stat(path, stats[path], digests[path], seen)
    has_config = any(e.kind is FileKind.CONFIG for e in entries)
    extra = f"{today.isoformat()}|{has_config}"
    if (
        cache is not None
        and not need_project
        and not read_findings
        and len(digests) == len(entries)
    ):
        found = cache.run_findings(run_key(sorted(digests.items()), extra))
        if found is not None:
            cache.save(set(digests.items()))
            return Outcome(found, None, len(entries), from_cache=True)

    from ..checks import apply_overrides, project_findings
    from .plain import result, result_row

    stored = cache.files() if cache is not None and cache.has_files else {}
    results: dict[str, FileResult] = {}
    todo: list[Task] = []
    for entry in entries:
        path = entry.path
        if path in unreadable:
            continue
        known = digests.get(path)
        if known is None:
            todo.append((path, entry.kind, None))  # read by the process that checks it
            continue
        row = stored.get((path, known))
        if row is not None:
            try:
                results[path] = result(path, row)
                continue
            except Exception:  # a damaged entry: the file is read again
                pass
        content = raws.get(path)
        if content is None:
            raw = source.read(path)
            if isinstance(raw, Finding):
                read_findings.append(raw)
                continue
            content = raw
        todo.append((path, entry.kind, content))
    if cache is not None:
        cache.release(len(entries))  # the rows are models now; keep memory for the rest
        stored = {}
    new_rows: dict[tuple[str, str], Row] = {}
    if todo:
        worker_source = source if any(raw is None for _, _, raw in todo) else None
        done = _process_all(todo, worker_source, jobs or default_jobs(), progress)
        for (path, _, _), (file_digest, item, row) in zip(todo, done, strict=True):
            if isinstance(item, Finding):
                read_findings.append(item)
                continue
            results[path] = item
            if file_digest is not None and path not in digests:
                digests[path] = file_digest
                if cache is not None:
                    cache.remember_stat(path, stats.get(path), file_digest, seen)
            if cache is not None and file_digest is not None:
                new_rows[(path, file_digest)] = row if row is not None else result_row(item)
    ordered = [results[entry.path] for entry in entries if entry.path in results]
    for item in ordered:
        item.positions.reader = partial(_tables_of, source, item.path)
    project = assemble(source.label, ordered, None if has_config else default_config())
    key = run_key(sorted(digests.items()), extra) if not read_findings else None
    findings = cache.run_findings(key) if cache is not None and key is not None else None
    if findings is None:  # not the same files, configuration and day as a run before
        findings = [*read_findings, *(f for r in ordered for f in r.findings)]
        if project is not None:
            findings.extend(project_findings(project, today))
            findings = apply_overrides(findings, project.config)
        findings.sort()
    if cache is not None:
        if key is not None:
            cache.remember_run(key, findings)
        cache.add_files(new_rows)
        cache.save({(path, digests[path]) for path in results if path in digests})
    return Outcome(findings, project, len(entries))


def _tables_of(source: Source, path: str) -> Tables:
    from .yaml import position_tables

    raw = source.read(path)
    return position_tables(raw, path) if isinstance(raw, bytes) else ({}, {})
