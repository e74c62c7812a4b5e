"""Jinja2 rendering of reports and diffs, with German filters and safe text handling.

Templates come from the data repository's `templates/` (or `--templates DIR`)
first and from the packaged ones second, file by file. Since a pull request can
change a repository's templates, they run in Jinja's immutable sandbox, always
with `StrictUndefined`; HTML autoescapes everything, Markdown escapes through
the `md` filter. Data is never template source.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from ..comparing.words import Segment
from ..dates import PartialDate
from ..resources import templates_dir
from . import german

if TYPE_CHECKING:
    from jinja2 import Environment as JinjaEnvironment

Format = Literal["md", "html"]

_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]|<>~])")
_SAFE_SCHEMES: Final = ("https://", "http://", "mailto:")


def md(text: Any) -> str:
    """Inline Markdown: escape metacharacters, no line breaks (a table cell, a heading)."""
    if text is None:
        return ""
    flat = " ".join(str(text).split()).replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", flat)


def md_block(text: Any) -> str:
    """A Markdown description inside a Markdown report: quoted, no raw HTML, safe links."""
    if not text:
        return ""
    safe = str(text).replace("<", "&lt;").replace(">", "&gt;")
    safe = re.sub(r"\]\(\s*(?!https?://|mailto:|#)[^)]*\)", "]()", safe)
    return "\n".join(f"> {line}".rstrip() for line in safe.strip().splitlines())


@cache
def _markdown() -> Callable[[str], str]:
    import nh3
    from markdown_it import MarkdownIt

    parser = MarkdownIt("js-default").disable(["image"])  # raw HTML escaped, bad links dropped
    tags = {"p", "em", "strong", "ul", "ol", "li", "a", "code", "pre", "blockquote", "br", "del"}

    def render(text: str) -> str:
        html = parser.render(text)
        # headings inside a description would break the report's outline: demote to paragraphs
        html = re.sub(r"<(/?)h[1-6]>", r"<\1p>", html)
        return str(
            nh3.clean(html, tags=tags, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer")
        )  # fmt: skip

    return render


# Text with none of these renders as plain paragraphs, so it can skip the Markdown parser
# (which is by far the slowest part of a long Maßnahmenliste).
_MARKUP_CHARS: Final = re.compile(
    r"[\\`*_\[\]<>&#!~|{}\t]|^ *([-+=>]|\d+[.)])|^ {4}| $", re.MULTILINE
)


def _plain_paragraphs(text: str) -> str | None:
    """The HTML markdown-it gives for markup-free text, or None when the text has markup."""
    if _MARKUP_CHARS.search(text):
        return None
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    body = "".join(
        "<p>" + "\n".join(line.strip() for line in p.splitlines()) + "</p>\n" for p in paragraphs
    )
    return body


def markdown(text: Any) -> Any:
    """Markdown description to sanitised HTML (markdown-it 'js-default' and nh3)."""
    from markupsafe import Markup

    if not text:
        return Markup("")
    plain = _plain_paragraphs(str(text))
    return Markup(plain if plain is not None else _markdown()(str(text)))


def safe_url(url: Any) -> str:
    """Only http(s) and mailto links survive; anything else becomes an empty link."""
    text = str(url or "").strip()
    return text if text.lower().startswith(_SAFE_SCHEMES) else ""


def words_md(segments: tuple[Segment, ...] | list[Segment]) -> str:
    out = []
    for segment in segments:
        text = md(segment.text)
        if not text:
            continue
        mark = {"=": "", "-": "~~", "+": "**"}[segment.op]
        out.append((" " if segment.space else "") + f"{mark}{text}{mark}")
    return "".join(out)


def words_html(segments: tuple[Segment, ...] | list[Segment]) -> Any:
    from markupsafe import Markup, escape

    out = []
    for segment in segments:
        tag = {"=": None, "-": "del", "+": "ins"}[segment.op]
        text = escape(segment.text)
        out.append(
            (" " if segment.space else "") + (f"<{tag}>{text}</{tag}>" if tag else str(text))
        )
    return Markup("".join(out))


def words_side_html(segments: tuple[Segment, ...] | list[Segment], side: str) -> Any:
    """One side of a Synopse: the old wording with <del>, or the new one with <ins>."""
    hidden = "+" if side == "old" else "-"
    return words_html([s for s in segments if s.op != hidden])


def resolution_url(template: str, number: str) -> str:
    """The link of a council paper from isek.yaml's `resolution_url` template."""
    from urllib.parse import quote

    return safe_url(template.replace("{resolution}", quote(number, safe="")))


def slug(value: Any) -> str:
    """A token for data attributes: blanks become underscores, so lists can be blank-separated."""
    return re.sub(r"\s+", "_", str(value))


def partial(value: PartialDate | None) -> str:
    return value.german() if value else "–"


def csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


FILTERS: Final[dict[str, Callable[..., Any]]] = {
    "md": md,
    "md_block": md_block,
    "markdown": markdown,
    "safe_url": safe_url,
    "slug": slug,
    "resolution_url": resolution_url,
    "words_md": words_md,
    "words_html": words_html,
    "words_side_html": words_side_html,
    "describe": german.describe,
    "budget_delta": german.budget_delta,
    "money": german.money,
    "signed_money": german.signed_money,
    "number": german.number,
    "day": german.day,
    "partial": partial,
    "label": german.label,
    "value": german.value,
    "csp_hash": csp_hash,
}


def environment(fmt: Format, override: Path | None = None) -> JinjaEnvironment:
    """The override folder first, then the packaged templates.

    The packaged templates are reviewed code of this package; a repository's own
    templates may come from a pull request, so with them everything runs in
    Jinja's immutable sandbox (about twice as slow, hence not always).
    """
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    overrides = bool(override and override.is_dir() and any(override.glob("*.j2")))
    loaders = [FileSystemLoader(str(override))] if overrides else []
    loaders.append(FileSystemLoader(str(templates_dir())))
    kind = ImmutableSandboxedEnvironment if overrides else Environment
    env = kind(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(
        ratings=german.RATINGS,
        rating_symbols=german.RATING_SYMBOLS,
        budget_kinds=german.BUDGET_KINDS,
        comparisons=german.COMPARISONS,
    )
    return env


def render(
    template: str, fmt: Format, context: dict[str, Any], override: Path | None = None
) -> str:
    text = environment(fmt, override).get_template(template).render(**context)
    # no trailing blanks, no runs of empty lines, one final newline: stable output that diffs well
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
