"""Loading a whole data set: read, parse, validate and check every file, in parallel and cached.

This is the one entry point the commands use to get a `Project` and its findings:
bytes (`sources`) -> plain data with positions (`yaml`) -> models (`schema`) ->
findings of each file and of the whole project (`checks`). Parsing is per file and
independent, so large repositories are spread over the cores; results are cached
by content hash (see `cache.py`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ..findings import E, Finding, Rule, Severity
from ..model import FileKind
from .cache import Cache, digest, run_key
from .sources import Source

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

PARALLEL_THRESHOLD: Final = 400
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


def _process_batch(batch: list[tuple[str, FileKind, bytes]]) -> list[FileResult]:
    return [process_file(path, kind, raw) for path, kind, raw in batch]


def _child(batch: list[tuple[str, FileKind, bytes]], sender: Connection) -> None:
    try:
        sender.send(_process_batch(batch))
    except BaseException:  # the parent redoes this share and reports the error its own way
        os._exit(1)
    sender.close()


def _process_all(
    todo: list[tuple[str, FileKind, bytes]], jobs: int, progress: Progress | None
) -> list[FileResult]:
    """Process files, spread over `jobs` processes when there are enough of them.

    The main process takes one share itself and collects the others' results only
    when it is done, so no background thread competes with it for the GIL.
    """
    workers = min(jobs, len(todo) // (PARALLEL_THRESHOLD // 2) or 1)
    if workers <= 1:
        results = []
        for i, item in enumerate(todo):
            results.append(process_file(*item))
            if progress and i % 200 == 0:
                progress(i, len(todo))
        return results
    import multiprocessing

    from .yaml import preload

    preload()  # import once here, so the forked processes inherit instead of importing again
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    share = -(-len(todo) // workers)
    shares = [todo[i : i + share] for i in range(0, len(todo), share)]
    children = []
    for batch in shares[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(batch, sender), daemon=True)
        process.start()
        sender.close()
        children.append((process, receiver, batch))
    results = _process_batch(shares[0])
    for process, receiver, batch in children:
        if progress:
            progress(len(results), len(todo))
        try:
            results.extend(receiver.recv())
        except (EOFError, OSError):  # the child died: do its share here
            results.extend(_process_batch(batch))
        receiver.close()
        process.join()
    return results


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
    today = today or date.today()
    entries = source.entries()
    cache = Cache.open(source.root, cache_root) if use_cache and source.root is not None else None
    read_findings: list[Finding] = []
    raws: dict[str, bytes] = {}
    digests: dict[str, str] = {}
    for entry in entries:
        stat_key = source.stat_key(entry.path)
        known = cache.known_digest(entry.path, stat_key) if cache else None
        if known is None:
            raw = source.read(entry.path)
            if isinstance(raw, Finding):
                read_findings.append(raw)
                continue
            raws[entry.path] = raw
            known = digest(raw)
            if cache:
                cache.remember_stat(entry.path, stat_key, known)
        digests[entry.path] = known
    has_config = any(e.kind is FileKind.CONFIG for e in entries)
    key = run_key(sorted(digests.items()), f"{today.isoformat()}|{has_config}")
    if cache and not need_project and key in cache.runs and not read_findings:
        cache.save()
        return Outcome(cache.runs[key], None, len(entries), from_cache=True)

    from ..checks import apply_overrides, project_findings

    stored = cache.files() if cache else {}
    results: dict[tuple[str, str], FileResult] = {}
    todo: list[tuple[str, FileKind, bytes]] = []
    for entry in entries:
        if entry.path not in digests:
            continue
        cache_key = (entry.path, digests[entry.path])
        if cache_key in stored:
            results[cache_key] = stored[cache_key]
        else:
            raw = raws.get(entry.path) or source.read(entry.path)
            if isinstance(raw, Finding):
                read_findings.append(raw)
                continue
            todo.append((entry.path, entry.kind, raw))
    if todo:
        for result in _process_all(todo, jobs or default_jobs(), progress):
            results[(result.path, digests[result.path])] = result
    if cache:
        cache.store_files(results)
    rank = {entry.path: i for i, entry in enumerate(entries)}
    ordered = sorted(results.values(), key=lambda r: rank[r.path])
    for result in ordered:
        result.positions.reader = partial(_tables_of, source, result.path)
    project = assemble(source.label, ordered, None if has_config else default_config())
    if cache and key in cache.runs and not read_findings:
        findings = cache.runs[key]  # the same files, configuration and day: the same findings
    else:
        findings = [*read_findings, *(f for r in ordered for f in r.findings)]
        if project is not None:
            findings.extend(project_findings(project, today))
            findings = apply_overrides(findings, project.config)
        findings.sort()
    if cache:
        if not read_findings:
            cache.remember_run(key, findings)
        cache.save()
    return Outcome(findings, project, len(entries))


def _tables_of(source: Source, path: str) -> Tables:
    from .yaml import position_tables

    raw = source.read(path)
    return position_tables(raw, path) if isinstance(raw, bytes) else ({}, {})
