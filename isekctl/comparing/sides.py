"""What `diff OLD NEW` and `report --since` compare: revisions, git refs and directories."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..findings import E, Rule, Severity
from ..project import Project
from ..reading.pipeline import Outcome, load
from ..reading.sources import GitCommit, open_directory
from ..text import suggest
from .semantic import Side

UNKNOWN_REVISION = Rule("ISEK092", "unknown-revision", E, "Die ISEK-Revision ist unbekannt.",
                        "ID einer Datei in `data/revisions/` verwenden.", switchable=False, stops=True)  # fmt: skip

WORKING_TREE = "Arbeitsstand"


@dataclass(frozen=True, slots=True)
class LoadedSide:
    side: Side
    errors: int  # files that could not be read are left out of the comparison


def _from_outcome(label: str, outcome: Outcome) -> LoadedSide:
    project = outcome.require_project("ohne Konfiguration lässt sich nichts vergleichen.")
    errors = sum(1 for f in outcome.findings if f.severity is Severity.ERROR)
    side = Side(
        label, tuple(g.model for g in project.goals), tuple(m.model for m in project.measures)
    )
    return LoadedSide(side, errors)


def revision_side(project: Project, revision_id: str) -> LoadedSide:
    revision = project.revision(revision_id)
    if revision is None:
        known = sorted(r.model.id for r in project.revisions)
        raise UNKNOWN_REVISION.stop(
            f"Die Revision `{revision_id}` gibt es nicht (data/revisions/{revision_id}.yaml).",
            suggest(revision_id, known)
            if known
            else "Es gibt noch keine Revision; siehe `isekctl revision freeze`.",
        )
    model = revision.model
    return LoadedSide(Side(f"Revision {model.id}", tuple(model.goals)), 0)


def resolve(spec: str, repo: Path, working: Outcome, *, use_cache: bool = True) -> LoadedSide:
    """`git:<ref>`, a directory, or the id of a revision of the working tree."""
    if spec.startswith("git:"):
        source = GitCommit.open(repo, spec[4:])
        return _from_outcome(spec, load(source, use_cache=False))
    looks_like_path = "/" in spec or spec in (".", "..") or Path(spec).is_absolute()
    is_revision = working.project is not None and working.project.revision(spec) is not None
    if looks_like_path or (Path(spec).is_dir() and not is_revision):
        directory = open_directory(Path(spec))
        return _from_outcome(spec, load(directory, use_cache=use_cache))
    project = working.require_project("ohne Konfiguration lässt sich nichts vergleichen.")
    return revision_side(project, spec)


def working_side(working: Outcome) -> LoadedSide:
    return _from_outcome(WORKING_TREE, working)
