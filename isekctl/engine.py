"""Loading a whole data set: read, parse and check every file, in parallel and cached.

This is the one entry point the commands use to get a `Project` and its findings.
Parsing is per file and independent, so large repositories are spread over the
cores; results are cached by content hash (see `cache.py`).
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

from .cache import Cache, digest, run_key
from .diagnostics import Finding, IsekError, Location, finding
from .storage import Directory, Source

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from .model import Config
    from .project import FileResult, Project

# The model, the checks and the YAML reader are imported where files are really
# processed: a run whose findings are all in the cache never needs them.

PARALLEL_THRESHOLD: Final = 400
Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    """Findings of a run, and the project unless only findings were asked for."""

    findings: list[Finding]
    project: Project | None = None
    files: int = 0
    from_cache: bool = False


def process_file(path: str, kind: str, raw: bytes) -> FileResult:
    """Everything about one file that depends on its content alone."""
    from .checks import file_findings
    from .project import FileResult, Positions, read_file
    from .yamlio import load as load_yaml

    document, found = load_yaml(raw, path, positions=False)
    positions = Positions(path, reader=lambda: raw)
    if document is None:
        return FileResult(path, kind, None, positions.detached(), found)
    result = read_file(path, kind, document.data, positions)
    result.findings = [
        *found,
        *result.findings,
        *file_findings(path, kind, result.model, positions, document.data, untidy=document.untidy),
    ]
    result.positions = positions.detached()
    return result


def _process_batch(batch: list[tuple[str, str, bytes]]) -> list[FileResult]:
    return [process_file(path, kind, raw) for path, kind, raw in batch]


def _child(batch: list[tuple[str, str, bytes]], sender: Connection) -> None:
    try:
        sender.send(_process_batch(batch))
    except BaseException:  # the parent redoes this share and reports the error its own way
        os._exit(1)
    sender.close()


def _process_all(
    todo: list[tuple[str, str, bytes]], jobs: int, progress: Progress | None
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

    from .yamlio import preload

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


def _default_config() -> Config:
    """Neumünster's setup, without the example's own severity overrides."""
    from .model import Config
    from .resources import default_config_file

    raw = default_config_file().read_bytes()
    result = process_file("isek.yaml", "config", raw)
    if not isinstance(result.model, Config):  # pragma: no cover - the shipped file is tested
        raise RuntimeError("the bundled isek.yaml is invalid")
    return result.model.model_copy(update={"checks": {}})


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
    has_config = any(e.kind == "config" for e in entries)
    key = run_key(sorted(digests.items()), f"{today.isoformat()}|{has_config}")
    if cache and not need_project and key in cache.runs and not read_findings:
        cache.save()
        return Outcome(cache.runs[key], None, len(entries), from_cache=True)

    from .checks import apply_overrides, project_findings
    from .project import assemble

    stored = cache.files() if cache else {}
    results: dict[tuple[str, str], FileResult] = {}
    todo: list[tuple[str, str, bytes]] = []
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
        result.positions.reader = partial(source.read, result.path)
    project = assemble(source.label, ordered, None if has_config else _default_config())
    if cache and key in cache.runs and not read_findings:
        findings = cache.runs[key]  # the same files, configuration and day: the same findings
    else:
        findings = [*read_findings, *(f for r in ordered for f in r.findings)]
        findings.extend(project_findings(project, today))
        findings = apply_overrides(findings, project.config)
        findings.sort()
    if cache:
        if not read_findings:
            cache.remember_run(key, findings)
        cache.save()
    return Outcome(findings, project, len(entries))


def open_directory(path: Path) -> Directory:
    if not path.is_dir():
        raise IsekError(
            finding(
                "ISEK090",
                Location(str(path)),
                f"Das Verzeichnis {path} gibt es nicht.",
                "Mit --repo auf das Datenrepository zeigen.",
            )
        )
    return Directory(path)
