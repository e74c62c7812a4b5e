"""What `diff OLD NEW` and `report --since` compare: revisions, git refs and directories.

Each side is named the way a council member or the ISEK office would name it: a
revision by its decision ("Beschluss der Ratsversammlung vom 18.02.2020, Drucksache
0503/2018/DS"), a git ref by what it is ("Stand vom 27.11.2026", "Branch „main“ …"),
the working tree as the administration's proposal. Product-area keys are read as the
side's `isek.yaml` writes them, so `product_area: 1` and `"01"` are the same area.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..dates import format_date
from ..findings import E, Rule, Severity
from ..model import Config, Goal, Revision
from ..project import Project
from ..reading.pipeline import Outcome, load
from ..reading.sources import GitCommit, open_directory
from ..text import suggest
from .semantic import Side, SideKind

UNKNOWN_REVISION = Rule("ISEK092", "unknown-revision", E, "Die ISEK-Revision ist unbekannt.",
                        "ID einer Datei in `data/revisions/` verwenden.", switchable=False, stops=True)  # fmt: skip

WORKING_TREE = "Arbeitsstand (Fortschreibungsvorschlag der Verwaltung)"


@dataclass(frozen=True, slots=True)
class LoadedSide:
    side: Side
    errors: int  # files that could not be read are left out of the comparison
    config: Config | None = None  # the side's own isek.yaml (a revision: the working one)


def canonical(config: Config, goals: Any, measures: Any) -> tuple[tuple[Goal, ...], Any]:
    """Goals and measures with product-area keys as isek.yaml writes them."""

    def area(item: Any) -> Any:
        key = config.product_area_key(item.product_area)
        if item.product_area is None or key is None or key == item.product_area:
            return item
        return item.model_copy(update={"product_area": key})

    return (
        tuple(area(g) for g in goals),
        None if measures is None else tuple(area(m) for m in measures),
    )


def _from_outcome(label: str, source: str, kind: SideKind, outcome: Outcome) -> LoadedSide:
    project = outcome.require_project("ohne Konfiguration lässt sich nichts vergleichen.")
    errors = sum(1 for f in outcome.findings if f.severity is Severity.ERROR)
    goals, measures = canonical(
        project.config, [g.model for g in project.goals], [m.model for m in project.measures]
    )
    side = Side(
        label, goals, measures, source, kind, short=label, done=tuple(project.config.done()),
        revisions=tuple(r.model for r in project.revisions), config=project.config, errors=errors,
    )  # fmt: skip
    return LoadedSide(side, errors, project.config)


def _feminine(body: str) -> bool:
    """Whether a council body takes "der" in the genitive (Ratsversammlung, Stadtvertretung)."""
    return bool(re.search(r"(ung|schaft|heit|keit|ion|kammer|konferenz)$", body.split()[-1]))


def decision(revision: Revision) -> str:
    """A revision as a council paper names it: by its decision, or as a draft."""
    if revision.state != "beschlossen":
        return f"Entwurf „{revision.title}“ (nicht beschlossen)"
    parts = []
    body, day = revision.decided_by, revision.decided_on
    if body and day and _feminine(body):
        parts.append(f"Beschluss der {body} vom {format_date(day)}")
    elif day:
        parts.append(f"Beschluss vom {format_date(day)}" + (f" ({body})" if body else ""))
    elif body:
        parts.append(f"Beschluss: {body}")
    else:
        parts.append(f"Beschlussstand „{revision.title}“")
    if revision.resolution:
        parts.append(f"Drucksache {revision.resolution}")
    return ", ".join(parts)


def revision_side(project: Project, revision_id: str) -> LoadedSide:
    revision = project.revision(revision_id)
    if revision is None:
        known = {r.model.id: r.model.title for r in project.revisions}
        raise UNKNOWN_REVISION.stop(
            f"Einen Beschlussstand `{revision_id}` gibt es nicht "
            f"(keine Datei data/revisions/{revision_id}.yaml).",
            suggest(revision_id, known)
            if known
            else "Es gibt noch keinen eingefrorenen Stand; siehe `isekctl revision freeze`.",
        )
    model = revision.model
    goals, measures = canonical(project.config, model.goals, model.measures)
    noun = "der Beschlussstand" if model.state == "beschlossen" else "der Fortschreibungsentwurf"
    side = Side(
        decision(model), goals, measures, revision_id, "revision", short=f"{noun} {model.id}",
        done=tuple(project.config.done()),
    )  # fmt: skip
    return LoadedSide(side, 0, project.config)


def git_label(source: GitCommit, ref: str) -> str:
    """ "Stand vom 27.11.2026"; with the name where the ref is a branch or a tag."""
    commit: Any = source._commit
    day = format_date(commit.committed_datetime.date())
    repo = commit.repo
    name = ref.removeprefix("refs/heads/").removeprefix("refs/tags/")
    try:
        tags = {t.name for t in repo.tags}
        branches = {h.name for h in repo.heads}
        remote = {r.name: r.remote_head for remote in repo.remotes for r in remote.refs}
    except Exception:  # an unusual repository layout: the date alone is still right
        tags, branches, remote = set(), set(), {}
    if name in tags:
        return f"Version „{name}“ (Stand vom {day})"
    if name in branches or name in remote:
        return f"Branch „{remote.get(name, name)}“ (Stand vom {day})"
    return f"Stand vom {day}"


def resolve(spec: str, repo: Path, working: Outcome, *, use_cache: bool = True) -> LoadedSide:
    """`git:<ref>`, a directory, or the id of a revision of the working tree."""
    if spec.startswith("git:"):
        source = GitCommit.open(repo, spec[4:])
        return _from_outcome(
            git_label(source, spec[4:]), spec, "git", load(source, use_cache=False)
        )
    looks_like_path = "/" in spec or spec in (".", "..") or Path(spec).is_absolute()
    is_revision = working.project is not None and working.project.revision(spec) is not None
    if looks_like_path or (Path(spec).is_dir() and not is_revision):
        directory = open_directory(Path(spec))
        label = f"Verzeichnis „{spec}“"
        if os.path.realpath(spec) == os.path.realpath(repo):  # the working tree: read already
            return _from_outcome(label, spec, "directory", working)
        return _from_outcome(label, spec, "directory", load(directory, use_cache=use_cache))
    project = working.require_project("ohne Konfiguration lässt sich nichts vergleichen.")
    return revision_side(project, spec)


def working_side(working: Outcome) -> LoadedSide:
    return _from_outcome(WORKING_TREE, "", "working", working)
