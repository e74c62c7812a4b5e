"""Jinja2 rendering of reports and diffs: plain data in, German text out, nothing else reachable.

Templates come from the data repository's `templates/` (or `--templates DIR`)
first and from the packaged ones second, file by file. A pull request can change a
repository's templates, so every template – the packaged ones too, so there is one
set of rules to test – runs in a sandbox that is stricter than Jinja's own:

* the context is plain data (dicts, lists, str, int, Decimal, date, bool, None);
  a template reads dict items and, beyond that, only a short list of harmless
  methods of str and dict (`startswith`, `items` …): no attribute of any other
  object, nothing that starts with `_`, no `str.format`;
* only macros, blocks, `range`, `dict`, `namespace` and those methods may be called;
* template files are read only as regular files inside their folder: no symbolic
  link anywhere on the way, no `..`, nothing that resolves outside
  (`ConfinedLoader`);
* `StrictUndefined` everywhere; HTML autoescapes, Markdown escapes through `md`;
* bounded work: no text over `MAX_TEXT` (`~`, `+`, `*`, filters, blocks, the output;
  `replace` and a list made text are measured before they are made), no width over
  `MAX_WIDTH` for the padding and wrapping filters; a macro or include
  that calls itself (RecursionError) or a bomb that runs out of memory is refused too.
* a page with a repository's templates gets at most `TEMPLATE_CPU_SECONDS` of CPU time
  and `TEMPLATE_MEMORY` more address space (Linux): what no text bound sees ends too.

An error in a repository's own template is the user's to fix (ISEK089, with the
file and line); an error in a packaged one is a bug of isekctl.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
import sys
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    Set,
    ValuesView,
)
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Literal

from ..findings import E, IsekError, Rule
from ..resources import templates_dir
from . import german

if TYPE_CHECKING:
    from jinja2 import Environment as JinjaEnvironment

Format = Literal["md", "html"]

TEMPLATE = Rule("ISEK089", "template", E, "Eine Berichtsvorlage ist fehlerhaft oder unzulässig.",
                "Die Vorlage in templates/ korrigieren oder löschen; dann gilt die mitgelieferte.",
                switchable=False, stops=True)  # fmt: skip
PAGE_TOO_LONG = Rule("ISEK086", "page-too-long", E, "Ein Bericht würde länger, als eine Seite sein darf.",
                     "Die Maßnahmenliste als Website schreiben (isekctl report --kind all), die sie "
                     "in Seiten teilt; oder prüfen, ob ein sehr langer Text (etwa ein Zieltitel) "
                     "in vielen Maßnahmen wiederkehrt.", switchable=False, stops=True)  # fmt: skip

MAX_TEMPLATE_BYTES: Final = 1024 * 1024
_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]|<>~])")
_SAFE_SCHEMES: Final = ("https://", "http://", "mailto:")

# What a template may touch besides dict items: read-only methods that reveal nothing.
STR_METHODS: Final = frozenset({
    "startswith", "endswith", "lower", "upper", "strip", "lstrip", "rstrip", "replace",
    "split", "capitalize", "title", "isdigit", "count",
})  # fmt: skip
DICT_METHODS: Final = frozenset({"items", "keys", "values", "get"})
LOOP_ATTRIBUTES: Final = frozenset({
    "index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0",
    "previtem", "nextitem", "cycle", "changed",
})  # fmt: skip
MAX_REPEAT: Final = 1_000_000  # "x" * n and [..] * n beyond this many items are refused
# Text a template builds: no string (a `~` or `+`, a filter's result, a block, the whole
# output) longer than this; a real report page is a few megabytes at most.
MAX_TEXT: Final = 32 * 1024 * 1024
# Width and count arguments of the filters that pad, wrap or fill (center(1500000000) …).
MAX_WIDTH: Final = 10_000
WIDTH_FILTERS: Final = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice"})
# Filters that make text of what they are given: a list is measured before it becomes text.
TEXT_FILTERS: Final = frozenset({
    "string", "e", "escape", "forceescape", "safe", "tojson", "pprint", "urlencode", "xmlattr",
    "upper", "lower", "title", "capitalize", "trim", "striptags", "wordcount", "replace",
})  # fmt: skip
_FORMAT_WIDTH: Final = re.compile(r"%(?:\([^)]*\))?[^a-zA-Z%]*?(\*|\d{5,})")
MAX_BITS: Final = 4096  # a product of two whole numbers a template computes
MAX_JSON_INDENT: Final = 8
PLAIN_TYPES: Final = (str, int, float, Decimal, date, bool, type(None))


# --- plain data ------------------------------------------------------------------------


def plain_problems(value: Any, where: str = "context") -> Iterator[str]:
    """Where `value` holds something that is not plain data (for tests and debugging)."""
    if isinstance(value, PLAIN_TYPES):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str | int):
                yield f"{where}: key {key!r} is a {type(key).__name__}"
            yield from plain_problems(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from plain_problems(item, f"{where}[{index}]")
    else:
        yield f"{where} is a {type(value).__module__}.{type(value).__qualname__}"


# --- filters ---------------------------------------------------------------------------


def md(text: Any) -> str:
    """Inline Markdown: escape metacharacters, no line breaks (a table cell, a heading)."""
    if text is None:
        return ""
    flat = " ".join(str(text).split()).replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", flat)


# Patterns of `md_block`; each is linear in the text: a match that starts scanning always
# ends at the next `)`, `]` or line end, and the next search starts behind it.
_MD_IMAGE: Final = re.compile(r"!\[([^\[\]\n]*)\]\([^)]*(\))?")
_MD_LINK_TARGET: Final = re.compile(r"\]\(([^)]*)(\))?")
_MD_REFERENCE: Final = re.compile(r"\[([^\[\]\n]*)\]:[ \t]*(\S*)")
_LINK_SCHEMES: Final = ("https://", "http://", "mailto:", "#")


def md_block(text: Any) -> str:
    """A Markdown description inside a Markdown report: quoted, no raw HTML, safe links.

    Like the HTML side: raw HTML is escaped, a link keeps its text but loses a target
    that is not http(s), mailto or an anchor, an image becomes its alt text (nothing is
    loaded from elsewhere), and a reference definition with an unsafe target becomes plain
    text (its brackets escaped: no definition, wherever it stands, list items included).
    """
    if not text:
        return ""
    safe = str(text).replace("<", "&lt;").replace(">", "&gt;")
    safe = _MD_IMAGE.sub(lambda m: m.group(1) if m.group(2) else m.group(0), safe)
    safe = safe.replace("![", "!\\[")  # any other image form (reference images) as text
    safe = _MD_LINK_TARGET.sub(_safe_link_target, safe)
    safe = _MD_REFERENCE.sub(_safe_reference, safe)
    return "\n".join(f"> {line}".rstrip() for line in safe.strip().splitlines())


def _safe_link_target(match: re.Match[str]) -> str:
    if match.group(2) is None or match.group(1).strip().lower().startswith(_LINK_SCHEMES):
        return match.group(0)  # not a link (no closing parenthesis) or a safe one
    return "]()"


def _safe_reference(match: re.Match[str]) -> str:
    if match.group(2).lower().startswith(_LINK_SCHEMES):
        return match.group(0)
    # unsafe, or the target on the next line: the label as text, so no definition
    return f"\\[{match.group(1)}\\]:" + match.group(0)[len(match.group(1)) + 3 :]


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


# markdown-it needs seconds for some texts a data file can hold (500,000 `[` take 16 s,
# each unclosed bracket scans ahead): longer texts, or texts with more brackets, are
# shown as escaped plain paragraphs. A real description is far below both.
MAX_MARKDOWN_CHARS: Final = 64 * 1024
MAX_MARKDOWN_BRACKETS: Final = 1000


def markdown(text: Any) -> Any:
    """Markdown description to sanitised HTML (markdown-it 'js-default' and nh3)."""
    from markupsafe import Markup, escape

    if not text:
        return Markup("")
    source = str(text)
    plain = _plain_paragraphs(source)
    if plain is not None:
        return Markup(plain)
    if len(source) > MAX_MARKDOWN_CHARS or source.count("[") > MAX_MARKDOWN_BRACKETS:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", source.strip()) if p.strip()]
        return Markup("".join(f"<p>{escape(p)}</p>\n" for p in paragraphs))
    return Markup(_markdown()(source))


def safe_url(url: Any) -> str:
    """Only http(s) and mailto links survive; anything else becomes an empty link."""
    text = str(url or "").strip()
    return text if text.lower().startswith(_SAFE_SCHEMES) else ""


def _segment_parts(segment: Any) -> tuple[str, str, bool]:
    """(op, text, space) of a word-diff segment, given as a dict or as a `Segment`."""
    if isinstance(segment, Mapping):
        return str(segment["op"]), str(segment["text"]), bool(segment.get("space"))
    return segment.op, segment.text, segment.space


def words_md(segments: Any) -> str:
    out = []
    for segment in segments:
        op, raw, space = _segment_parts(segment)
        text = md(raw)
        if not text:
            continue
        mark = {"=": "", "-": "~~", "+": "**"}[op]
        out.append((" " if space else "") + f"{mark}{text}{mark}")
    return "".join(out)


def words_html(segments: Any) -> Any:
    from markupsafe import Markup, escape

    out = []
    for segment in segments:
        op, raw, space = _segment_parts(segment)
        tag = {"=": None, "-": "del", "+": "ins"}[op]
        text = escape(raw)
        out.append((" " if space else "") + (f"<{tag}>{text}</{tag}>" if tag else str(text)))
    return Markup("".join(out))


def resolution_url(template: str, number: str) -> str:
    """The link of a council paper from isek.yaml's `resolution_url` template."""
    from urllib.parse import quote

    return safe_url(template.replace("{resolution}", quote(number, safe="")))


_BLANKS: Final = re.compile(r"\s+")


def slug(value: Any) -> str:
    """A token for data attributes: blanks become underscores, so lists can be blank-separated."""
    text = str(value)
    return _BLANKS.sub("_", text) if " " in text or not text.isprintable() else text


def assumed(item: Mapping[str, Any], field: str) -> Any:
    """' (Annahme)' after a value that `item` marks as an illustrative assumption (HTML)."""
    from markupsafe import Markup

    if field in item.get("assumed", ()):
        return Markup(' <span class="assumed">(Annahme)</span>')
    return Markup("")


def assumed_md(item: Mapping[str, Any], field: str) -> str:
    """The same mark for Markdown."""
    return " *(Annahme)*" if field in item.get("assumed", ()) else ""


def csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


FILTERS: Final[dict[str, Callable[..., Any]]] = {
    "md": md,
    "md_block": md_block,
    "markdown": markdown,
    "safe_url": safe_url,
    "words_md": words_md,
    "words_html": words_html,
    "money": german.money,
    "signed_money": german.signed_money,
    "number": german.number,
    "day": german.day,
    "count": german.count,
    "assumed": assumed,
    "assumed_md": assumed_md,
    "csp_hash": csp_hash,
}


# --- loading template files --------------------------------------------------------------


class TemplateRefused(Exception):
    """A template file that is not read: a link, outside its folder, not a regular file."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def _confined_parts(name: str) -> list[str]:
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith("/")
        or "\x00" in name
        or any(p in ("", ".", "..") for p in parts)
        or ":" in parts[0]
    ):
        raise TemplateRefused(
            name,
            "Vorlagen werden nur innerhalb ihres Ordners gelesen (kein `..`, kein absoluter Pfad)",
        )
    return parts


@dataclass(frozen=True, slots=True)
class ConfinedLoader:
    """Reads `name` as a regular file inside `folder`, never through a symbolic link.

    Every step of the way is `lstat`ed; the file is opened with O_NOFOLLOW and
    checked again on the open descriptor, so a link swapped in meanwhile is not
    followed either. A name that is missing here lets the next folder answer;
    a name that exists but must not be read stops the rendering.
    """

    folder: Path
    trusted: bool  # the packaged templates (an error in them is a bug of isekctl)

    def load(self, name: str) -> tuple[str, str, Callable[[], bool]] | None:
        parts = _confined_parts(name)
        try:
            folder_stat = os.lstat(self.folder)
        except FileNotFoundError:
            return None
        if stat.S_ISLNK(folder_stat.st_mode) or not stat.S_ISDIR(folder_stat.st_mode):
            raise TemplateRefused(
                name,
                f"der Vorlagenordner {self.folder.name}/ ist kein echtes Verzeichnis (symbolischer Link?)",
            )
        path = self.folder
        for index, part in enumerate(parts):
            path = path / part
            try:
                mode = os.lstat(path).st_mode
            except (FileNotFoundError, NotADirectoryError):
                return None
            if stat.S_ISLNK(mode):
                raise TemplateRefused(
                    name,
                    "ist ein symbolischer Link; Vorlagen werden nur als reguläre Dateien gelesen",
                )
            last = index == len(parts) - 1
            if not last and not stat.S_ISDIR(mode):
                return None
            if last and not stat.S_ISREG(mode):
                raise TemplateRefused(name, "ist keine reguläre Datei")
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            descriptor = os.open(path, flags)
        except OSError as exc:
            raise TemplateRefused(name, f"lässt sich nicht lesen ({exc.strerror})") from None
        with os.fdopen(descriptor, "rb") as handle:
            opened = os.fstat(handle.fileno())
            if not stat.S_ISREG(opened.st_mode):
                raise TemplateRefused(name, "ist keine reguläre Datei")
            if opened.st_size > MAX_TEMPLATE_BYTES:
                raise TemplateRefused(name, "ist größer als 1 MiB")
            raw = handle.read(MAX_TEMPLATE_BYTES + 1)
        if not path.resolve().is_relative_to(self.folder.resolve()):
            raise TemplateRefused(name, "liegt außerhalb des Vorlagenordners")
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateRefused(name, "ist nicht in UTF-8 kodiert") from None
        signature = (opened.st_ino, opened.st_size, opened.st_mtime_ns)

        def uptodate() -> bool:
            try:
                now = os.lstat(path)
            except OSError:
                return False
            return (now.st_ino, now.st_size, now.st_mtime_ns) == signature and not stat.S_ISLNK(
                now.st_mode
            )

        return source, str(path), uptodate


def _loader(folders: tuple[ConfinedLoader, ...]) -> Any:
    from jinja2 import BaseLoader, TemplateNotFound

    class ChoiceOfFolders(BaseLoader):
        def get_source(
            self,
            environment: Any,  # noqa: ARG002
            template: str,
        ) -> tuple[str, str | None, Callable[[], bool] | None]:
            for folder in folders:
                found = folder.load(template)
                if found is not None:
                    return found
            raise TemplateNotFound(template)

    return ChoiceOfFolders()


# --- the sandbox -------------------------------------------------------------------------


def text_escaper(module: Any) -> Callable[[str], str]:
    """markupsafe's escaping of a str without the Markup around it (a tenth of `escape`'s
    time): not public, so taken only where it escapes as `escape` does."""
    from markupsafe import escape

    def escaped(text: str) -> str:
        return str(escape(text))

    inner = getattr(module, "_escape_inner", None)
    probe = "<&>\"' ü"
    return inner if callable(inner) and inner(probe) == escaped(probe) else escaped


@cache
def _sandbox_class() -> type:
    import markupsafe
    from jinja2.compiler import CodeGenerator, optimizeconst
    from jinja2.environment import TemplateModule
    from jinja2.exceptions import SecurityError
    from jinja2.runtime import BlockReference, LoopContext, Macro
    from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range
    from jinja2.utils import Namespace
    from markupsafe import Markup, escape

    callables = (safe_range, dict, Namespace)
    escape_text = text_escaper(markupsafe)

    class BoundedCodeGenerator(CodeGenerator):
        """`a ~ b` checked for its length like every other text a template builds, and each
        part measured before it is made text (a list's text can be a million times longer)."""

        @optimizeconst
        def visit_Concat(self, node: Any, frame: Any) -> None:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
            if frame.eval_ctx.volatile:
                join = "(markup_join if context.eval_ctx.volatile else str_join)"
            self.write(f"environment.bounded({join}((")
            for part in node.nodes:
                self.write("environment.measured(")
                self.visit(part, frame)
                self.write("), ")
            self.write(")))")

        # Every `{{ … }}` is counted (`finalize`) and, in HTML, escaped: half a million
        # times on a page of 20,000 measures. One call does both, and gives the escaped
        # text as it is, not wrapped in Markup again: what a print yields is only ever
        # joined, and every join wraps its result itself (macros, blocks, `set`).
        def _one_call(self, frame: Any, finalize: Any) -> bool:
            """Whether a print is made by one call: not where escaping is decided while
            rendering, and only with the finalize the one call stands for."""
            return (
                not frame.eval_ctx.volatile
                and self.environment.finalize is _counted
                and finalize.src == "environment.finalize("
            )

        def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
            if not self._one_call(frame, finalize):
                super()._output_child_pre(node, frame, finalize)
            elif frame.eval_ctx.autoescape:
                self.write("environment.printed_html(")
            else:
                self.write("environment.printed_text(")

        def _output_child_post(self, node: Any, frame: Any, finalize: Any) -> None:
            if not self._one_call(frame, finalize):
                super()._output_child_post(node, frame, finalize)
            else:
                self.write(")")

    def allowed(obj: Any, name: str) -> bool:
        if name.startswith("_"):
            return False
        if isinstance(obj, str):
            return name in STR_METHODS
        if isinstance(obj, dict):
            return name in DICT_METHODS
        if isinstance(obj, LoopContext):
            return name in LOOP_ATTRIBUTES
        return isinstance(obj, TemplateModule | Namespace)

    class PlainDataSandbox(ImmutableSandboxedEnvironment):
        """Jinja's immutable sandbox, narrowed to plain data (see the module docstring)."""

        intercepted_binops = frozenset({"*", "**", "+", "%"})
        code_generator_class = BoundedCodeGenerator

        @staticmethod
        def concat(pieces: Any) -> str:  # blocks, macros and the whole output are joined here
            # measured before they are joined: a loop can repeat one long literal text
            # a million times at the price of a million references
            parts = pieces if isinstance(pieces, list) else list(pieces)
            if sum(map(len, parts)) > MAX_TEXT:
                raise SecurityError(_TOO_LONG)
            return "".join(parts)

        @staticmethod
        def bounded(text: Any) -> Any:
            if isinstance(text, str) and len(text) > MAX_TEXT:
                raise SecurityError(_TOO_LONG)
            return text

        @staticmethod
        def printed_html(value: Any) -> str:
            """`escape(finalize(value))`, a text escaped as plain str (see BoundedCodeGenerator)."""
            kind = value.__class__
            if kind is str or kind is Markup:  # texts, and what macros and filters make:
                # `_counted`, written out (a call less for each of half a million prints)
                total = _OUTPUT.get() + len(value)
                if total > 2 * MAX_TEXT:
                    raise SecurityError(_TOO_LONG)
                _OUTPUT.set(total)
                return escape_text(value) if kind is str else value
            return escape(_counted(value))

        @staticmethod
        def printed_text(value: Any) -> str:
            """`str(finalize(value))`, as Jinja prints in Markdown."""
            return str(_counted(value))

        @staticmethod
        def measured(value: Any) -> Any:
            if not isinstance(value, str) and _size(value, MAX_TEXT) > MAX_TEXT:
                raise SecurityError(_TOO_LONG)
            return value

        def call(
            __self,  # Jinja's names: they cannot clash with a template's keyword arguments
            __context: Any,
            __obj: Any,
            *args: Any,
            **kwargs: Any,
        ) -> Any:
            if type(__obj) is Macro:
                # What the sandbox's check and `Context.call` come to for a macro: safe, and
                # called with the evaluation context first (it decides whether what the
                # macro gives is markup), without their look at the callable: macros are
                # most of the calls on a page (tests/unit/test_jinja.py holds them equal).
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
                return __obj(__context.eval_ctx, *args, **kwargs)
            if getattr(__obj, "__name__", None) == "replace" and len(args) >= 2:
                _check_replace(getattr(__obj, "__self__", None), *args[:3])
            return super().call(__context, __obj, *args, **kwargs)

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:  # noqa: ARG002
            return allowed(obj, attr)

        def is_safe_callable(self, obj: Any) -> bool:
            if isinstance(obj, Macro | BlockReference | LoopContext):
                return True
            if any(obj is c for c in callables):
                return True
            owner = getattr(obj, "__self__", None)
            name = getattr(obj, "__name__", "")
            return owner is not None and not isinstance(owner, type) and allowed(owner, name)

        def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
            """Refused at once, not as an undefined value that a list or `default` would hide."""
            raise SecurityError(f"`{attribute}` von {type(obj).__name__}")

        def getattr(self, obj: Any, attribute: str) -> Any:
            if isinstance(obj, dict) and attribute in obj:
                return obj[attribute]
            if not allowed(obj, attribute):
                if isinstance(obj, dict) or not hasattr(obj, attribute):
                    return self.undefined(obj=obj, name=attribute)
                return self.unsafe_undefined(obj, attribute)
            try:
                return getattr(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            if isinstance(obj, dict | list | tuple | str):
                try:
                    return obj[argument]
                except (TypeError, LookupError):
                    pass
            if isinstance(argument, str):
                return self.getattr(obj, argument)
            return self.undefined(obj=obj, name=argument)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and (abs(_number(right)) > 64 or abs(_number(left)) > 10**12):
                raise SecurityError("`**` mit so großen Zahlen ist in Vorlagen nicht erlaubt")
            if (
                operator == "*"
                and isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > MAX_BITS
            ):
                raise SecurityError("`*` mit so großen Zahlen ist in Vorlagen nicht erlaubt")
            if operator == "%" and isinstance(left, str):  # printf-style formatting
                _check_format(left, right)
            if (
                operator == "+"
                and isinstance(left, str | list | tuple)
                and isinstance(right, str | list | tuple)
                and len(left) + len(right) > MAX_TEXT
            ):
                raise SecurityError(_TOO_LONG)
            if operator == "*":
                sized = next((x for x in (left, right) if isinstance(x, str | list | tuple)), None)
                times = right if sized is left else left
                if sized is not None and isinstance(times, int) and len(sized) * times > MAX_REPEAT:
                    raise SecurityError(
                        "Wiederholung über 1.000.000 Zeichen ist in Vorlagen nicht erlaubt"
                    )
            return super().call_binop(context, operator, left, right)

    return PlainDataSandbox


_TOO_LONG: Final = "Texte über 32 MiB sind in Vorlagen nicht erlaubt"
# Characters all `{{ … }}` of one rendering have put out so far (blocks and macros too,
# whose pieces are only joined at the end): bounded at twice MAX_TEXT.
_OUTPUT: ContextVar[int] = ContextVar("isekctl_template_output", default=0)


def _size(value: Any, limit: int) -> int:
    """Length of `value` as text, counted only up to a little beyond `limit`."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple | dict):
        return _items_size(value.items() if isinstance(value, dict) else value, limit)
    if isinstance(value, int | float | Decimal):
        return len(str(value))
    from jinja2.utils import Namespace

    if isinstance(value, Namespace):  # its text shows every attribute
        return 12 + _size(object.__getattribute__(value, "_Namespace__attrs"), limit)
    if isinstance(value, Set | KeysView | ValuesView | ItemsView):  # made again when read
        return _items_size(value, limit)
    return 16


def _items_size(items: Iterable[Any], limit: int) -> int:
    total = 2
    for item in items:
        total += _size(item, limit) + 2
        if total > limit:
            break
    return total


def _refuse_long() -> None:
    from jinja2.exceptions import SecurityError

    raise SecurityError(_TOO_LONG)


def _check_replace(text: Any, old: Any, new: Any, count: Any = None) -> None:
    """Refuse `text.replace(old, new[, count])` before it makes a text over MAX_TEXT.

    Markup's replace escapes `old` and `new` first, and the filter makes text of what
    is no text: both are measured as they will be.
    """
    from markupsafe import Markup, escape

    if not isinstance(text, str):
        return
    parts = []
    for part in (old, new):
        if not isinstance(part, str) and _size(part, MAX_TEXT) > MAX_TEXT:
            _refuse_long()
        parts.append(escape(part) if isinstance(text, Markup) else str(part))
    old_text, new_text = parts
    times = text.count(old_text) if old_text else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if len(text) + times * (len(new_text) - len(old_text)) > MAX_TEXT:
        _refuse_long()


def _check_format(template: str, values: Any) -> None:
    """Refuse `template % values` (operator or `format` filter) before it is made."""
    from jinja2.exceptions import SecurityError
    from markupsafe import Markup

    if _FORMAT_WIDTH.search(template):
        raise SecurityError("Formate mit `*` oder über 9999 Zeichen Breite sind in Vorlagen "
                            "nicht erlaubt")  # fmt: skip
    escaping = 6 if isinstance(template, Markup) else 1  # '"' becomes '&#34;'
    if len(template) + _size(values, MAX_TEXT) * escaping > MAX_TEXT:
        _refuse_long()


def _counted(value: Any) -> Any:
    """The environment's `finalize`: every printed value adds to the rendering's total."""
    # called for every `{{ … }}` of a page (half a million at 20,000 measures): texts first
    limit = 2 * MAX_TEXT
    total = _OUTPUT.get() + (len(value) if isinstance(value, str) else _size(value, limit))
    if total > limit:
        from jinja2.exceptions import SecurityError

        raise SecurityError(_TOO_LONG)
    _OUTPUT.set(total)
    return value


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` with its arguments checked before it runs (widths, sizes of what it makes
    text of) and its result after (no text over MAX_TEXT)."""
    from functools import wraps

    check = _filter_check(name)

    @wraps(function)  # keeps Jinja's pass_context/pass_environment marker
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if check is not None:
            args = check(args, kwargs)
        result = function(*args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_TEXT:
            _refuse_long()
        return result

    return bounded


def _filter_check(name: str) -> Callable[[tuple[Any, ...], dict[str, Any]], tuple[Any, ...]] | None:
    """What a filter's arguments are checked for before it runs; None for most (`money` …)."""
    from functools import partial

    if name in TEXT_FILTERS:
        return partial(_check_text_filter, name)
    if name in WIDTH_FILTERS:
        return partial(_check_widths, name)
    return {"sum": _check_sum, "format": _check_format_filter, "join": _check_join}.get(name)


def _check_text_filter(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    from jinja2.exceptions import SecurityError

    for value in (*args, *kwargs.values()):
        if isinstance(value, list | tuple | dict) and _size(value, MAX_TEXT) > MAX_TEXT:
            _refuse_long()
    if name == "replace":  # (eval_ctx, s, old, new, count=None), some by keyword
        given = dict(zip(("s", "old", "new", "count"), args[1:], strict=False)) | kwargs
        _check_replace(_replaced(args[0], given.get("s"), given), given.get("old"),
                       given.get("new"), given.get("count"))  # fmt: skip
    if name == "tojson":  # (eval_ctx, value, indent=None)
        indent = args[2] if len(args) > 2 else kwargs.get("indent")
        if isinstance(indent, int) and indent > MAX_JSON_INDENT:
            raise SecurityError(f"`tojson` mit Einrückung {indent} ist in Vorlagen nicht "
                                f"erlaubt (höchstens {MAX_JSON_INDENT})")  # fmt: skip
    return args


def _check_widths(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    from jinja2.exceptions import SecurityError

    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_WIDTH:
            raise SecurityError(f"`{name}` mit {value} ist in Vorlagen nicht erlaubt "
                                f"(höchstens {MAX_WIDTH:,})".replace(",", "."))  # fmt: skip
        if name == "indent" and isinstance(value, str) and len(value) > MAX_WIDTH:
            raise SecurityError("`indent` mit so langem Text ist in Vorlagen nicht erlaubt")
    return args


def _check_sum(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """(environment, iterable, attribute=None, start=0): lists add up in quadratic time."""
    from jinja2.exceptions import SecurityError

    start = args[3] if len(args) > 3 else kwargs.get("start", 0)
    if not isinstance(start, int | float | Decimal):
        raise SecurityError("`sum` ist in Vorlagen nur für Zahlen erlaubt")
    return args


def _check_format_filter(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """(value, *args, **kwargs): value % (kwargs or args)."""
    if args:
        _check_format(str(args[0]), kwargs or args[1:])
    return args


def _check_join(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """(eval_ctx, value, d="", attribute=None): the items measured, a generator read."""
    if len(args) > 1:
        return (args[0], _joined_items(args[1], args[2:], kwargs), *args[2:])
    return args


def _replaced(eval_ctx: Any, text: Any, given: dict[str, Any]) -> str:
    """The text the `replace` filter replaces in: escaped where Jinja escapes it."""
    from markupsafe import escape

    if not getattr(eval_ctx, "autoescape", False):
        return str(text)
    marked = any(hasattr(given.get(k), "__html__") for k in ("old", "new"))
    if marked and not hasattr(text, "__html__"):
        return escape(text)
    return text if isinstance(text, str) else str(text)


def _joined_items(value: Any, rest: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What `join` joins, measured first (a generator read into a list as it is measured)."""
    separator = rest[0] if rest else kwargs.get("d", "")
    if (rest[1:] or kwargs.get("attribute") is not None) and isinstance(value, list | tuple):
        return value  # joins one field of each item: the result is checked when it is made
    seen: list[Any] = []
    total = 0
    step = len(separator) if isinstance(separator, str) else _size(separator, MAX_TEXT)
    for item in value:
        total += _size(item, MAX_TEXT) + step
        if total > MAX_TEXT:
            _refuse_long()
        seen.append(item)
    return seen


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0


def template_source(name: str, override: Path | None) -> str:
    """A file of the template folders as text (the stylesheet, Leichte Sprache); one that
    is refused is the repository's to fix (ISEK089)."""
    env = environment("html", override)
    try:
        return str(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
    except TemplateRefused as exc:
        raise _stop(exc.name, None, exc.reason, override) from None


def environment(fmt: Format, override: Path | None = None) -> JinjaEnvironment:
    """The override folder first, then the packaged templates, all in the sandbox."""
    return _environment(fmt, str(override.absolute()) if override else None)


@cache
def _environment(fmt: Format, override: str | None) -> JinjaEnvironment:
    from jinja2 import StrictUndefined

    folders = [ConfinedLoader(Path(override), trusted=False)] if override else []
    folders.append(ConfinedLoader(templates_dir(), trusted=True))
    if override and sys.platform == "linux":  # what the templates' budget starts from
        _MEMORY_BASE[(fmt, override)] = _address_space()
    env: JinjaEnvironment = _sandbox_class()(
        loader=_loader(tuple(folders)),
        undefined=StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
        finalize=_counted,
    )
    for name in ("lipsum", "cycler", "joiner"):
        env.globals.pop(name, None)
    env.filters.update(FILTERS)
    env.filters.update({name: _bounded_filter(name, f) for name, f in env.filters.items()})
    env.globals.update(
        ratings=dict(german.RATINGS),
        rating_symbols=dict(german.RATING_SYMBOLS),
        rating_meanings=dict(german.RATING_MEANINGS),
        budget_kinds=dict(german.BUDGET_KINDS),
        comparisons=dict(german.COMPARISONS),
    )
    return env


def render(
    template: str, fmt: Format, context: dict[str, Any], override: Path | None = None
) -> str:
    """The template rendered with `context`; a broken or refused repository template stops."""
    return "".join(render_chunks(template, fmt, context, override))


# lines the rendering collects before it hands them on as one piece of text
_LINES_PER_CHUNK: Final = 4096
_BATCH_PIECES: Final = 8192
_LINE_BREAKS: Final = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # splitlines' breaks


def render_chunks(
    template: str, fmt: Format, context: dict[str, Any], override: Path | None = None
) -> Iterator[str]:
    """`render` piece by piece, for a page that goes into a file as it is made.

    A page of 20,000 measures is tens of megabytes; Jinja's pieces of it, the joined
    text and its lines once more would take several times that in memory. The text
    comes out tidied as it goes: no trailing blanks, no runs of empty lines, one final
    newline (stable output that diffs well). A template error can end the iteration at
    any point, so a caller writes the pieces where they count only when all came.
    """
    from jinja2.exceptions import SecurityError

    pending: list[str] = []  # cleaned lines, each with its newline
    blank = False  # an empty line is due before the next line with content
    started = False
    try:
        for line in _lines(_generated(template, fmt, context, override), 2 * MAX_TEXT):
            line = line.rstrip()  # also the line break itself (all of splitlines' breaks)
            if not line:
                blank = started
                continue
            if blank:
                pending.append("\n")
                blank = False
            pending.append(line + "\n")
            started = True
            if len(pending) >= _LINES_PER_CHUNK:
                yield _encodable("".join(pending), template, override)
                pending = []
    except SecurityError as exc:  # the whole text too long
        raise _refused(exc, template, override) from None
    except MemoryError:  # between two pieces, under a repository template's budget
        if override is None:
            raise
        raise _stop(template, None, _TOO_BIG, override) from None
    if pending or not started:
        yield _encodable("".join(pending), template, override) or "\n"


def _encodable(text: str, template: str, override: Path | None) -> str:
    """`text`, if it can be written as UTF-8: a template can print a lone surrogate
    ('\\ud800'), which no data file can hold (the reader refuses it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        if override is None:  # the packaged templates: a bug of ours
            raise
        reason = "Die Vorlage schreibt Zeichen, die es in UTF-8 nicht gibt (Surrogate wie \\ud800)"
        raise _stop(template, None, reason, override) from None
    return text


def _lines(pieces: Iterator[str], limit: int) -> Iterator[str]:
    """The lines (with their breaks) of the text `pieces` make up, as `splitlines(True)` cuts.

    Jinja's pieces are a few characters each; they are joined in batches, and the last
    line of a batch waits for the next one unless it is complete (a `\\r` may still be
    followed by the `\\n` of a `\\r\\n`). Beyond `limit` characters the text is refused.
    """
    from jinja2.exceptions import SecurityError

    rest: list[str] = []  # the line still open, in parts (a long line stays linear)
    total = 0
    while batch := list(islice(pieces, _BATCH_PIECES)):
        text = "".join(batch)
        total += len(text)
        if total > limit:
            raise SecurityError(_TOO_LONG)
        if not text:
            continue
        if rest and rest[-1].endswith("\r"):  # complete, with the "\n" if one follows
            if text.startswith("\n"):
                rest.append("\n")
                text = text[1:]
            yield "".join(rest)
            rest = []
            if not text:
                continue
        lines = text.splitlines(True)
        last = lines.pop()
        if lines:
            if rest:
                lines[0] = "".join(rest) + lines[0]
                rest = []
            yield from lines
        rest.append(last)
        if last[-1] in _LINE_BREAKS and last[-1] != "\r":
            yield "".join(rest)
            rest = []
    if rest:
        yield "".join(rest)


def _generated(
    template: str, fmt: Format, context: dict[str, Any], override: Path | None
) -> Iterator[str]:
    """Jinja's pieces of the page; a broken or refused repository template stops."""
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError

    _OUTPUT.set(0)
    try:
        with _budget(fmt, override):
            yield from environment(fmt, override).get_template(template).generate(**context)
    except TemplateTooSlow as exc:  # in a template's code, or while Jinja compiled one
        slow = _template_line(exc, override) or (template, 0)
        reason = _TOO_SLOW.format(seconds=TEMPLATE_CPU_SECONDS)
        raise _stop(slow[0], slow[1], reason, override) from None
    except TemplateRefused as exc:
        raise _stop(exc.name, None, exc.reason, override) from None
    except SecurityError as exc:  # refused, wherever it happened (the whole output too long)
        raise _refused(exc, template, override) from None
    except TemplateError as exc:
        where = _repository_frame(exc, override)
        if where is None:
            raise
        raise _stop(where[0], where[1], _message(exc), override) from None
    except (RecursionError, MemoryError) as exc:  # a macro or include calling itself, a bomb
        stopped = _repository_frame(exc, override) or (template, 0)
        exc.__traceback__ = None  # frees the memory and the deep stack at once
        reason = (
            "Die Vorlage ruft sich ohne Ende selbst auf (Makro oder include) oder schachtelt "
            "zu tief"
            if isinstance(exc, RecursionError)
            else _TOO_BIG
        )
        raise _stop(stopped[0], stopped[1], reason, override) from None
    except Exception as exc:  # 1 / 0, a filter given what it cannot take: the template's fault
        where = _repository_frame(exc, override)
        if where is None:  # a bug of isekctl's own
            raise
        raise _stop(where[0], where[1], _message(exc), override) from None


# What a repository's templates may take for one page beyond the bounds on text: CPU
# time and address space (Linux; elsewhere the text bounds alone hold). A real page
# takes a few seconds and a few hundred megabytes at 20,000 measures.
TEMPLATE_CPU_SECONDS: Final = 60.0
TEMPLATE_MEMORY: Final = 2 * 1024**3
TEMPLATE_HARD_CPU_SECONDS: Final = 180.0  # work stuck in C, where the timer's handler never runs
_TOO_BIG: Final = "Die Vorlage braucht mehr Speicher, als ein Bericht haben darf"
_TOO_SLOW: Final = "Die Vorlage rechnet zu lange (Rechenzeit über {seconds:g} s für eine Seite)"


class TemplateTooSlow(BaseException):
    """Raised by the CPU timer inside the rendering of a page.

    No Exception: Jinja works out constant expressions while it compiles a template and
    takes any Exception there for "not constant", which would swallow the timer.
    """


def _template_line(exc: BaseException, override: Path | None) -> tuple[str, int] | None:
    """(file, template line) of the innermost repository template frame of `exc`.

    Jinja rewrites tracebacks to template lines only for Exceptions; for the timer the
    compiled code's line is looked up in the template's own table.
    """
    if override is None:
        return None
    folder = str(override.absolute())
    found = None
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        compiled = frame.f_globals.get("__jinja_template__")
        if frame.f_code.co_filename.startswith(folder) and compiled is not None:
            found = (frame.f_code.co_filename, compiled.get_corresponding_lineno(tb.tb_lineno))
        tb = tb.tb_next
    return found


# The process's address space when the environment of a repository's templates was made:
# what its pages keep (a module a template imports stays with the compiled template) is
# budgeted together, not page by page.
_MEMORY_BASE: dict[tuple[str, str], int] = {}


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _narrow(kind: int, wanted: int) -> int | None:
    """Lower the soft limit `kind` to `wanted`, never above the hard one and never raising
    it; the soft limit to put back, or None when it was already as low."""
    import resource

    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and wanted >= soft:
        return None
    resource.setrlimit(kind, (wanted, hard))
    return soft


@contextmanager
def _budget(fmt: Format, override: Path | None) -> Iterator[None]:
    """Bound CPU time and new memory while a repository's templates take part in a page.

    Text bounds cannot see everything a template can build (a million small objects, a
    loop that only counts); the operating system can. A timer raises TemplateTooSlow
    after TEMPLATE_CPU_SECONDS of CPU time; an address-space limit of what the process
    had when the templates' environment was made plus TEMPLATE_MEMORY turns a bomb into
    MemoryError. All is put back after the page, also when it stops early. Work that
    stays in C (one comparison of two huge shared structures) never returns to the
    timer's handler: after TEMPLATE_HARD_CPU_SECONDS the kernel ends the process (RLIMIT_CPU,
    SIGXCPU) rather than let it hang. Two system calls a page, no thread.
    """
    if override is None or sys.platform != "linux":
        yield
        return
    import resource
    import signal
    import threading

    base = _MEMORY_BASE.get((fmt, str(override.absolute())), 0) or _address_space()
    spent = resource.getrusage(resource.RUSAGE_SELF)
    timed = threading.current_thread() is threading.main_thread()

    def expired(signum: int, frame: Any) -> None:  # noqa: ARG001
        probe = frame
        while probe is not None:  # only while the page renders, not in its writer
            if probe.f_code is _generated.__code__:
                raise TemplateTooSlow
            probe = probe.f_back
        signal.setitimer(signal.ITIMER_PROF, 0.05)  # again, once the rendering goes on

    if timed:
        previous = signal.signal(signal.SIGPROF, expired)
        signal.setitimer(signal.ITIMER_PROF, TEMPLATE_CPU_SECONDS)
    memory = _narrow(resource.RLIMIT_AS, base + TEMPLATE_MEMORY)
    cpu = _narrow(
        resource.RLIMIT_CPU,
        int(spent.ru_utime + spent.ru_stime + TEMPLATE_HARD_CPU_SECONDS) + 1,
    )
    try:
        yield
    finally:
        for kind, soft in ((resource.RLIMIT_CPU, cpu), (resource.RLIMIT_AS, memory)):
            if soft is not None:
                resource.setrlimit(kind, (soft, resource.getrlimit(kind)[1]))
        if timed:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)


def _refused(exc: Exception, template: str, override: Path | None) -> IsekError:
    """A bound a template ran into: the repository template's fault, or a page too long.

    With the packaged templates alone only the data can make a page that long (the
    Maßnahmenliste of 20,000 measures on one page; a long title printed for every measure
    that serves it, which a pull request could use to fill the CI runner's disk).
    """
    where = _repository_frame(exc, override)
    if where is not None:
        return _stop(where[0], where[1], _message(exc), override)
    if str(exc) == _TOO_LONG:
        from ..findings import Location

        return IsekError(PAGE_TOO_LONG.at(
            Location(template, 0),
            f"Der Bericht hätte über {MAX_TEXT // (1024 * 1024)} MiB Text; so lange Seiten "
            "schreibt isekctl nicht.",
            PAGE_TOO_LONG.fix,
        ))  # fmt: skip
    return _stop(template, 0, _message(exc), override)


_MAX_DETAIL: Final = 300


def _message(exc: Exception) -> str:
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    detail = str(getattr(exc, "message", None) or exc)
    if len(detail) > _MAX_DETAIL:  # a template can put a 32 MiB text into its own error
        detail = f"{detail[:_MAX_DETAIL]} …"
    if isinstance(exc, SecurityError):
        return f"Die Vorlage greift auf etwas zu, das Vorlagen nicht dürfen ({detail})"
    if isinstance(exc, TemplateSyntaxError):
        return f"Syntaxfehler in der Vorlage: {detail}"
    if isinstance(exc, UndefinedError):
        return f"Die Vorlage verwendet etwas, das es nicht gibt: {detail}"
    if not isinstance(exc, TemplateError):
        return f"Die Vorlage bricht mit einem Fehler ab ({type(exc).__name__}: {detail})"
    return f"Die Vorlage lässt sich nicht anwenden: {detail}"


def _repository_frame(exc: BaseException, override: Path | None) -> tuple[str, int] | None:
    """(file, line) of the repository template the error comes from, else None (a bug)."""
    if override is None:
        return None
    folder = str(override.absolute())
    filename = getattr(exc, "filename", None)
    if filename and str(filename).startswith(folder):
        return str(filename), int(getattr(exc, "lineno", 0) or 0)
    found = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith(folder):
            found = (code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _stop(name: str, line: int | None, reason: str, override: Path | None) -> IsekError:
    shown = name
    if override is not None and name.startswith(str(override.absolute())):
        shown = f"{override.name}/{Path(name).relative_to(override.absolute()).as_posix()}"
    elif override is not None and not name.startswith("/"):
        shown = f"{override.name}/{name}"
    from ..findings import Location

    return IsekError(TEMPLATE.at(Location(shown, line or 0), f"{reason}.", TEMPLATE.fix))
