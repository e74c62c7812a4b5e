"""The published site: the reports as HTML pages that link to each other.

`report --kind all --format html` writes a small static site that works from any
web server and from disk alike:

* `index.html` – the start page: municipality, basis and Stichtag, what each report
  is, the Synopse and the open data where they lie beside the site, and the site
  explained in Leichte Sprache (`templates/leichte-sprache.md`, overridable by the
  data repository like every template);
* one page per public report, each with the same navigation; reports for the
  administration (`reports.INTERNAL_KINDS`, or a template that carries
  `INTERNAL_MARK`) only when isek.yaml says `publish: {internal_reports: true}`;
* a permanent page per goal (`ziele/<id>.html`) and per measure
  (`massnahmen/<id>.html`): an id never changes, so neither does its address;
* the Maßnahmenliste on one page with every measure's Sachstand, or – beyond
  `PAGE_SIZE` measures – in pages of that many rows, with the list's data in
  `massnahmen-daten.js` for filtering across all of them;
* `isek.css`, the one stylesheet of every page.

A report rendered alone (`--kind zielsystem`) is one self-contained page instead,
with its style inline and links only inside itself. Every page's context is plain
data, like the reports' (see `jinja`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

from ..memory import collector_paused
from ..model import Revision
from ..project import Project
from . import german
from .jinja import environment, render, render_chunks, template_source
from .reports import (
    BUILDERS,
    INTERNAL_KINDS,
    KINDS,
    TITLES,
    Basis,
    Builder,
    DataVersion,
    Plain,
    Request,
    common,
    list_order,
)

PAGE_SIZE: Final = 500  # rows of the Maßnahmenliste per page; up to this, one page with all details
INTERNAL_MARK: Final = "isekctl: intern"  # in a report template: the report is not for the public
LEICHTE_SPRACHE: Final = "leichte-sprache.md"
STYLESHEET: Final = "isek.css"
LIST_DATA: Final = "massnahmen-daten.js"
PAGE_FOLDERS: Final = ("ziele", "massnahmen")
SUMMARIES: Final = {
    "zielsystem": "Die Ziele der Stadtentwicklung, nach Ebenen und Produktbereichen geordnet.",
    "stadtentwicklungsbericht": "Wie weit die Ziele erreicht sind: Kennzahlen und "
    "Schlüsselmaßnahmen zu jedem Ziel, überfällige Maßnahmen, Ziele ohne Maßnahme.",
    "massnahmenliste": "Alle Schlüsselmaßnahmen mit Umsetzungsstand und Sachstand, zu filtern "
    "nach Fachdienst, Produktbereich, Stand, Ampel und Ziel.",
    "haushaltsbericht": "Haushaltsansätze der Schlüsselmaßnahmen nach Jahr, Produktbereich, Ziel "
    "und Fachdienst (interner Bericht).",
    "nachhaltigkeitsbericht": "Die 17 Nachhaltigkeitsziele der Vereinten Nationen (SDGs): welche "
    "Ziele und Maßnahmen der Stadt zu welchem SDG beitragen, mit Kennzahlen und Haushaltsansätzen.",
}
SYNOPSE: Final = "synopse.html"
OPEN_DATA: Final = "opendata"
FILE_KINDS: Final = {
    ".csv": "Tabelle (CSV)", ".xlsx": "Excel-Tabelle", ".zip": "alles in einer ZIP-Datei",
    ".json": "Beschreibung (JSON)", ".jsonld": "Metadaten DCAT-AP.de (JSON-LD)",
    ".ttl": "Metadaten DCAT-AP.de (Turtle)",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SiteRequest:
    """What the reader asked for: basis, changes since, errors and the templates to use."""

    basis: Basis = "beschlossen"
    since: Revision | None = None
    errors: int = 0
    templates: Path | None = None
    extras: tuple[Plain, ...] = field(default=())


def internal_kinds(templates: Path | None = None) -> set[str]:
    """The report kinds meant for the administration only."""
    env = environment("html", templates)
    marked = set(INTERNAL_KINDS)
    for kind in KINDS:
        for fmt in ("html", "md"):
            try:
                source = env.loader.get_source(env, f"{kind}.{fmt}.j2")[0]  # type: ignore[union-attr]
            except Exception:
                continue
            if INTERNAL_MARK in source:
                marked.add(kind)
    return marked


def public_kinds(project: Project, templates: Path | None = None) -> list[str]:
    """The kinds `--kind all` writes: the public ones, and the internal ones if the data say so."""
    if project.config.publish.internal_reports:
        return list(KINDS)
    internal = internal_kinds(templates)
    return [kind for kind in KINDS if kind not in internal]


def find_extras(out: Path) -> tuple[Plain, ...]:
    """The Synopse and the open data, when an earlier step wrote them into the site's folder."""
    found: list[Plain] = []
    synopse = out / SYNOPSE
    if synopse.is_file() and not synopse.is_symlink():
        found.append({"href": SYNOPSE, "nav": SYNOPSE, "title": "Synopse", "files": [],
                      "text": "Die bisherige und die neue Fassung des Zielsystems nebeneinander: "
                              "was sich geändert hat, Wort für Wort."})  # fmt: skip
    folder = out / OPEN_DATA
    if (folder / "datapackage.json").is_file() and not folder.is_symlink():
        files = [
            {"href": f"{OPEN_DATA}/{p.relative_to(folder).as_posix()}",
             "name": p.relative_to(folder).as_posix(), "kind": FILE_KINDS.get(p.suffix, p.suffix),
             "size": german.number(max(1, round(p.stat().st_size / 1024))) + " KB"}
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and p.suffix in FILE_KINDS
        ]  # fmt: skip
        found.append({"href": "index.html#offene-daten", "nav": "index.html#offene-daten",
                      "title": "Offene Daten", "files": files,
                      "text": "Alle Ziele, Maßnahmen, Haushaltsansätze und Statusberichte als "
                              "Tabellen zum Herunterladen und Weiterverwenden."})  # fmt: skip
    return tuple(found)


# --- the frame of every page ---------------------------------------------------------------


def has_goal_pages(kinds: Iterable[str]) -> bool:
    """Goals get pages of their own when a public report shows the goal system."""
    return bool({"zielsystem", "stadtentwicklungsbericht"} & set(kinds))


def has_measure_pages(kinds: Iterable[str]) -> bool:
    """Measures get pages of their own when the Maßnahmenliste is public."""
    return "massnahmenliste" in kinds


def site_frame(current: str, root: str, kinds: list[str], extras: Iterable[Plain]) -> Plain:
    """The navigation and the links of one page; `root` leads from the page to the site's root."""
    nav = [{"href": f"{root}index.html", "title": "Start", "current": current == "index"}]
    nav += [
        {"href": f"{root}{kind}.html", "title": TITLES.get(kind, kind), "current": current == kind}
        for kind in kinds
    ]
    nav += [{"href": f"{root}{e['nav']}", "title": e["title"], "current": False} for e in extras]
    return {
        "root": root,
        "nav": nav,
        "stylesheet": f"{root}{STYLESHEET}",
        "kinds": list(kinds),
        "goal_pages": has_goal_pages(kinds),
        "measure_pages": has_measure_pages(kinds),
        "list": f"{root}massnahmenliste.html" if "massnahmenliste" in kinds else "",
        "report": f"{root}stadtentwicklungsbericht.html"
        if "stadtentwicklungsbericht" in kinds
        else "",
        "zielsystem": f"{root}zielsystem.html" if "zielsystem" in kinds else "",
    }


# --- the Maßnahmenliste: data for the filters, pages -------------------------------------------


def list_data(context: Plain, builder: Builder, *, link: str, goal_pages: bool) -> Plain:
    """What the list's script needs to filter, sort and show any measure: compact and plain.

    `measures` are arrays (their order is `fields`), so 20,000 of them stay a few MB.
    """
    ends = {
        item.model.id: item.model.end.last.isoformat() if item.model.end else ""
        for item in builder.project.measures
    }
    goals: dict[str, list[Any]] = {}
    rows = []
    for mv in context["measures"]:
        for goal in mv["goals"]:
            goals.setdefault(goal["id"], [goal["title"], goal["in_basis"]])
        latest = mv["latest"]
        rows.append([
            mv["id"], mv["title"], mv["department"], mv["area"], mv["status"], mv["rating"] or "",
            mv["rating_reason"], mv["decided_by"], [g["id"] for g in mv["goals"]], mv["period"],
            ends.get(mv["id"], ""), int(mv["late"]), latest["date"].isoformat() if latest else "",
            int(mv["stale"]), mv["filter"]["hint"], " ".join(mv["papers"]), mv["assumed"],
        ])  # fmt: skip
    return {
        # "latest" is the ISO date of the latest Statusbericht; "papers" the council papers
        "fields": [
            "id",
            "title",
            "department",
            "area",
            "status",
            "rating",
            "reason",
            "decided_by",
            "goals",
            "period",
            "end",
            "late",
            "latest",
            "stale",
            "hint",
            "papers",
            "assumed",
        ],
        "departments": {m["department"]: m["department_name"] for m in context["measures"]},
        "areas": {m["area"]: m["area_short"] for m in context["measures"]},
        "statuses": [[k, v] for k, v in context["statuses"].items()],
        "deciders": dict(german.DECIDERS),
        "ratings": {k: [german.RATING_SYMBOLS[k], german.RATINGS[k]] for k in german.RATINGS},
        "goals": goals,
        "link": link,  # "anchor": #m-ID on this page; "page": massnahmen/ID.html
        "goal_pages": goal_pages,
        "stale_months": context["stale_months"],
        "measures": rows,
    }


def _pager(number: int, count: int) -> list[Plain]:
    """Page links: first, last, and the two on either side of the current page."""
    shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
    pages: list[Plain] = []
    for index, page in enumerate(shown):
        if index and page - shown[index - 1] > 1:
            pages.append({"gap": True, "number": 0, "href": "", "current": False})
        pages.append({"gap": False, "number": page, "href": list_page_name(page),
                      "current": page == number})  # fmt: skip
    return pages


def list_page_name(number: int) -> str:
    return "massnahmenliste.html" if number == 1 else f"massnahmenliste-{number}.html"


def list_pages(context: Plain, builder: Builder, frame: Plain | None) -> list[tuple[str, Plain]]:
    """The Maßnahmenliste as one page (with every Sachstand) or in pages of `PAGE_SIZE` rows."""
    measures = context["measures"]
    paged = frame is not None and len(measures) > PAGE_SIZE
    goal_pages = frame is not None and bool(frame["goal_pages"])
    if not paged:
        data = list_data(context, builder, link="anchor", goal_pages=goal_pages)
        page = {"paged": False, "number": 1, "count": 1, "pages": [], "first": 1,
                "last": len(measures), "data": data, "data_src": "", "prev": "", "next": ""}  # fmt: skip
        return [("massnahmenliste.html", {**context, "rows": measures, "list_page": page})]
    count = -(-len(measures) // PAGE_SIZE)
    out = []
    for number in range(1, count + 1):
        rows = measures[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        page = {"paged": True, "number": number, "count": count, "pages": _pager(number, count),
                "first": (number - 1) * PAGE_SIZE + 1, "last": (number - 1) * PAGE_SIZE + len(rows),
                "data": None, "data_src": LIST_DATA,
                "prev": list_page_name(number - 1) if number > 1 else "",
                "next": list_page_name(number + 1) if number < count else ""}  # fmt: skip
        out.append((list_page_name(number), {**context, "rows": rows, "list_page": page}))
    return out


def list_data_script(context: Plain, builder: Builder, goal_pages: bool) -> str:
    """`massnahmen-daten.js`: the list's data for the script of the paged Maßnahmenliste."""
    data = list_data(context, builder, link="page", goal_pages=goal_pages)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "window.ISEK_MASSNAHMEN = " + text.replace("</", "<\\/") + ";\n"


def _page_title(context: Plain, text: str) -> str:
    """`text – municipality`, labelled as a draft and as erroneous like every report's title."""
    title = f"{text} – {context['municipality']}"
    if context["basis"]["draft"]:
        title = f"{german.DRAFT_LABEL}: {title}"
    if context["errors"]:
        title = f"Daten mit Fehlern – {title}"
    return title


# --- permanent pages of goals and measures -------------------------------------------------------


def goal_pages(builder: Builder, version: DataVersion) -> dict[str, Plain]:
    """One context per goal of the basis: the goal, where it sits, and the measures serving it."""
    measures = sorted(builder.measures, key=list_order)
    by_goal: dict[str, list[Plain]] = {}
    for measure in measures:
        for goal in measure["goals"]:
            by_goal.setdefault(goal["id"], []).append(measure)
    children: dict[str, list[str]] = {}
    contributors: dict[str, list[str]] = {}
    for goal in builder.basis_goals:
        if goal.parent:
            children.setdefault(goal.parent, []).append(goal.id)
        for target in goal.contributes_to:
            contributors.setdefault(target, []).append(goal.id)

    def ref(goal_id: str) -> Plain:
        goal = builder.goal(goal_id)
        return {"id": goal_id, "title": goal.title if goal else goal_id,
                "in_basis": goal_id in builder.goals}  # fmt: skip

    pages = {}
    for goal in builder.basis_goals:
        context = common(builder, version, "zielsystem")
        view = builder.goal_view(goal)
        view["measures"] = by_goal.get(goal.id, [])
        context.update(
            title=goal.title,
            page_title=_page_title(context, f"Ziel: {goal.title}"),
            goal=view,
            parent=ref(goal.parent) if goal.parent else None,
            children=[ref(c) for c in children.get(goal.id, [])],
            contributes_to=[ref(c) for c in goal.contributes_to],
            contributors=[ref(c) for c in contributors.get(goal.id, [])],
            replaces=list(goal.replaces),
        )
        pages[goal.id] = context
    return pages


def measure_pages(builder: Builder, version: DataVersion) -> dict[str, Plain]:
    """One context per measure: everything known about it, with links to its goals."""
    pages = {}
    for measure in builder.measures:
        context = common(builder, version, "massnahmenliste")
        context.update(
            title=measure["title"],
            page_title=_page_title(context, f"Maßnahme: {measure['title']}"),
            measure=measure,
        )
        pages[measure["id"]] = context
    return pages


# --- the whole site --------------------------------------------------------------------------------


def render_page(template: str, context: Plain, request: SiteRequest) -> str:
    return render(template, "html", context, request.templates)


def leichte_sprache(municipality: str, templates: Path | None) -> str:
    """The start page's text in Leichte Sprache: the repository's, else the packaged one."""
    source = template_source(LEICHTE_SPRACHE, templates)
    lines = source.replace("{kommune}", municipality).splitlines()
    # one sentence a line, as Leichte Sprache is written: every line break is kept
    kept = [
        f"{line}\\"
        if line.strip()
        and index + 1 < len(lines)
        and lines[index + 1].strip()
        and not lines[index + 1].lstrip().startswith(("- ", "* ", "+ "))
        else line
        for index, line in enumerate(lines)
    ]
    return "\n".join(kept)


def stylesheet(templates: Path | None) -> str:
    return template_source("_style.css", templates)


def site_contexts(
    project: Project, version: DataVersion, day: date, request: SiteRequest
) -> tuple[dict[str, tuple[str, Plain]], dict[str, str]]:
    """Every page of the site as (template, context) by its path, and the other files."""
    kinds = public_kinds(project, request.templates)
    builder = Builder(project, day, Request(request.basis, request.since, request.errors))
    pages: dict[str, tuple[str, Plain]] = {}
    others: dict[str, str] = {STYLESHEET: stylesheet(request.templates)}
    for kind in kinds:
        context = BUILDERS[kind](builder, version)
        context["site"] = site_frame(kind, "", kinds, request.extras)
        if kind == "massnahmenliste":
            listed = list_pages(context, builder, context["site"])
            pages.update((name, (f"{kind}.html.j2", page)) for name, page in listed)
            if listed[0][1]["list_page"]["paged"]:
                others[LIST_DATA] = list_data_script(context, builder, has_goal_pages(kinds))
        else:
            pages[f"{kind}.html"] = (f"{kind}.html.j2", context)
    if has_goal_pages(kinds):
        for goal_id, context in goal_pages(builder, version).items():
            context["site"] = site_frame("ziel", "../", kinds, request.extras)
            pages[f"ziele/{goal_id}.html"] = ("ziel.html.j2", context)
    if has_measure_pages(kinds):
        for measure_id, context in measure_pages(builder, version).items():
            context["site"] = site_frame("massnahme", "../", kinds, request.extras)
            pages[f"massnahmen/{measure_id}.html"] = ("massnahme.html.j2", context)
    index = common(builder, version, "zielsystem")
    index.update(
        title="Start",
        page_title=_page_title(index, "Integriertes Stadtentwicklungskonzept (ISEK)"),
        site=site_frame("index", "", kinds, request.extras),
        reports=[
            {
                "href": f"{k}.html",
                "title": TITLES.get(k, k),
                "text": SUMMARIES.get(k, ""),
                "internal": k in INTERNAL_KINDS,
            }
            for k in kinds
        ],
        extras=list(request.extras),
        leichte_sprache=leichte_sprache(index["municipality"], request.templates),
        goal_count=len(builder.basis_goals),
        measure_count=len(builder.measures),
    )
    pages["index.html"] = ("index.html.j2", index)
    return pages, others


def build_site(
    project: Project, version: DataVersion, day: date, request: SiteRequest
) -> dict[str, str]:
    """Every file of the site by its path relative to the site's folder."""
    with collector_paused():
        pages, others = site_contexts(project, version, day, request)
        files = {
            name: render_page(template, context, request)
            for name, (template, context) in pages.items()
        }
    files.update(others)
    return files


def single_page(
    kind: str, project: Project, version: DataVersion, day: date, request: SiteRequest
) -> str:
    """One report as a self-contained page (style and script inline, links inside the page)."""
    return "".join(single_page_pieces(kind, project, version, day, request))


def single_page_pieces(
    kind: str, project: Project, version: DataVersion, day: date, request: SiteRequest
) -> Iterator[str]:
    """`single_page` in pieces as it is rendered, for writing a large page straight to its file."""
    with collector_paused():
        builder = Builder(project, day, Request(request.basis, request.since, request.errors))
        context = BUILDERS[kind](builder, version)
        if kind == "massnahmenliste":
            context = list_pages(context, builder, None)[0][1]
        yield from render_chunks(f"{kind}.html.j2", "html", context, request.templates)


# --- writing the site ------------------------------------------------------------------------------


def stale_files(out: Path, files: dict[str, str]) -> list[str]:
    """Pages of an earlier run that this one does not write: reports no longer published
    (an internal report must not stay on the public site) and list pages beyond the last."""
    names = [f"{kind}.html" for kind in KINDS]
    names += [p.name for p in out.glob("massnahmenliste-*.html")] if out.is_dir() else []
    names.append(LIST_DATA)
    return sorted({name for name in names if name not in files})


def write_site(out: Path, files: dict[str, str]) -> None:
    """Write the site into `out`: staged beside it, then each file and folder moved into place.

    The folders of goal and measure pages are replaced whole, so a measure that was deleted
    loses its page; files in `out` that the site does not write (the open data, a Synopse)
    stay. Nothing is written through a symbolic link.
    """
    import os
    import shutil
    import tempfile

    from ..writing.atomic import WRITE_REFUSED, refuse_linked_output

    def refuse_link(path: Path) -> None:
        if path.is_symlink():
            raise WRITE_REFUSED.stop(
                f"{path} ist ein symbolischer Link; er wird nicht überschrieben.", path=str(path)
            )

    refuse_link(out)
    refuse_linked_output(out / "index.html")  # no linked folder of the repository on the way
    out.mkdir(parents=True, exist_ok=True)
    stale = stale_files(out, files)
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".isekctl-"))
    try:
        for name, text in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        sync = getattr(os, "sync", None)
        if sync is not None:
            sync()  # one flush for thousands of pages instead of one per file
        for top in sorted({name.split("/")[0] for name in files}):
            target = out / top
            refuse_link(target)
            source = staging / top
            if source.is_dir() and target.is_dir():
                old = staging / f".alt-{top}"
                target.rename(old)
            os.replace(source, target)
        for name in stale:
            path = out / name
            if path.is_file() and not path.is_symlink():
                path.unlink()
        for folder in PAGE_FOLDERS:  # pages no longer published (the list made internal)
            path = out / folder
            if (
                folder not in {n.split("/")[0] for n in files}
                and path.is_dir()
                and not path.is_symlink()
            ):
                shutil.rmtree(path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
