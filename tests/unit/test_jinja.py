"""Filters of the report templates."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcÄöüß .,;:?-/()'\"0123456789\n ")), max_size=120))
def test_plain_text_fast_path_matches_the_markdown_parser(text: str) -> None:
    from isekctl.publishing.jinja import _markdown, _plain_paragraphs

    fast = _plain_paragraphs(text)
    if fast is not None:
        assert fast == _markdown()(text)


def test_md_block_drops_images_and_unsafe_reference_definitions() -> None:
    from isekctl.publishing.jinja import md_block

    text = (
        "Plan ![Karte](https://evil.example/p.png) ansehen.\n\n"
        "[1]: javascript:alert(8)\n"
        "- [2]: javascript:alert(9)\n"
        "[3]:\n  javascript:alert(10)\n"
        "[4]: https://www.neumuenster.de\n"
        "[a](javascript:alert(1)) und [b](https://x.de) und ![r][4]"
    )
    out = md_block(text)
    assert "evil.example" not in out and "Plan Karte ansehen." in out
    assert "![" not in out.replace("!\\[", "")
    assert "(javascript" not in out
    for label in ("1", "2", "3"):
        assert f"\\[{label}\\]:" in out, "an unsafe definition is plain text, not a definition"
    assert "> [4]: https://www.neumuenster.de" in out
    assert "[b](https://x.de)" in out


@pytest.mark.parametrize("unit", ["](", "![", "![a](", "[a]:", "](xx", "!["])
def test_md_block_is_linear_on_half_a_megabyte(unit: str) -> None:
    """The input is what one 512 KiB data file can hold; quadratic patterns took 49 s."""
    from isekctl.publishing.jinja import md_block

    text = unit * (490_000 // len(unit))
    started = time.process_time()
    md_block(text)
    assert time.process_time() - started < 2.0


def test_markdown_falls_back_to_escaped_text_for_pathological_brackets() -> None:
    from isekctl.publishing.jinja import MAX_MARKDOWN_BRACKETS, markdown

    out = str(markdown("[" * 490_000 + "\n\n<b>x</b>"))  # markdown-it: 16 s
    assert out == "<p>" + "[" * 490_000 + "</p>\n<p>&lt;b&gt;x&lt;/b&gt;</p>\n"
    normal = "[Link](https://x.de) " * (MAX_MARKDOWN_BRACKETS // 2)
    assert '<a href="https://x.de"' in str(markdown(normal))


_PIECE = st.text(
    alphabet=st.sampled_from(list("ab ä\t\n\r\x0b\x0c\x1c\x85\u2028\u2029")), max_size=8
)


def _tidied(text: str) -> str:
    """The page tidying as it was done on the whole text, before rendering streamed."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECE, max_size=80), st.integers(min_value=1, max_value=9))
def test_streamed_pages_are_cut_and_tidied_as_the_whole_text(pieces: list[str], batch: int) -> None:
    from isekctl.publishing import jinja

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jinja, "_BATCH_PIECES", batch)
        patch.setattr(jinja, "_LINES_PER_CHUNK", batch)
        patch.setattr(jinja, "_generated", lambda *_: iter(pieces))
        assert list(jinja._lines(iter(pieces), 10**9)) == "".join(pieces).splitlines(True)
        assert "".join(jinja.render_chunks("x", "md", {})) == _tidied("".join(pieces))


def test_macros_are_called_as_jinja_would_call_them() -> None:
    """The sandbox calls macros directly, as `Context.call` does: with the evaluation
    context first, which decides whether the macro escapes; a Jinja that passed macros
    something else would have to be followed."""
    from jinja2.runtime import Macro
    from jinja2.utils import _PassArg

    from isekctl.publishing.jinja import environment

    assert _PassArg.from_obj(Macro.__call__) is _PassArg.eval_context
    env = environment("html", None)
    template = env.from_string(
        "{% macro cell(x, unit='€') %}<td>{{ x }} {{ unit }}</td>"
        "{% endmacro %}{% macro wrap() %}[{{ caller() }}]{% endmacro %}"
        "{% for x in xs %}{{ cell(x, unit='T€') }}{% endfor %}"
        "{% call wrap() %}{{ cell(xs | first) }}{% endcall %}"
        "{% set ns = namespace(n=0) %}{% for x in xs %}{% set ns.n = ns.n + x %}{% endfor %}"
        "{{ cell(ns.n) }}|{{ cell('<b>') }}|"
        "{% autoescape false %}{{ cell('<b>') | e }}{% endautoescape %}"
    )
    assert isinstance(template.make_module({"xs": [1, 2]}).cell, Macro)
    assert template.render(xs=[1, 2]) == (
        "<td>1 T€</td><td>2 T€</td>[<td>1 €</td>]<td>3 €</td>|<td>&lt;b&gt; €</td>|"
        # where nothing is escaped, a macro gives text, not markup: `e` escapes it whole
        "&lt;td&gt;&amp;lt;b&amp;gt; €&lt;/td&gt;"
    )


_TEXT = st.one_of(
    st.text(max_size=30),
    # lone surrogates and control characters, which st.text leaves out
    st.text(st.characters(codec=None, exclude_categories=()), max_size=8),
    st.sampled_from(["<script>", "&amp;", "\"'", "\ud800<&", "\x00", "\U0010ffff"]),
)
_PRINTED = st.one_of(
    _TEXT,
    _TEXT.map(lambda text: __import__("markupsafe").Markup(text)),
    st.integers(),
    st.floats(),
    st.none(),
    st.booleans(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.dates(),
    st.lists(_TEXT, max_size=3),
    st.tuples(_TEXT, st.integers()),
    st.dictionaries(st.text(max_size=4), st.lists(_TEXT, max_size=2), max_size=2),
)
_PRINTING = (
    "{{ v }}|{{ v ~ '&' }}|{{ '<b>' }}|{% autoescape false %}{{ v }}{% endautoescape %}|"
    "{% autoescape flag %}{{ v }}{% endautoescape %}|"  # decided while rendering (volatile)
    "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(v) }}|{% set s %}[{{ v }}]{% endset %}{{ s }}|"
    "{% filter upper %}{{ v }}{% endfilter %}|"
    "{% macro w() %}({{ caller() }}){% endmacro %}{% call w() %}{{ v }}{% endcall %}"
)


@settings(max_examples=300, deadline=None)
@given(_PRINTED, st.booleans())
def test_printed_values_are_escaped_as_jinja_escapes_them(value: object, flag: bool) -> None:
    """The sandbox counts and escapes each `{{ … }}` in one call, without Markup around
    the escaped text: the page must be what Jinja's own `escape(finalize(…))` makes."""
    from jinja2 import Environment, StrictUndefined

    from isekctl.publishing.jinja import environment

    for fmt, call in (("html", "printed_html"), ("md", "printed_text")):
        env = environment(fmt, None)  # type: ignore[arg-type]
        # the one call is what pages are made with (Jinja's hook for it is not public)
        assert f"environment.{call}(" in env.compile(_PRINTING, raw=True)
        ours = env.from_string(_PRINTING)
        theirs = Environment(autoescape=fmt == "html", undefined=StrictUndefined)
        expected = theirs.from_string(_PRINTING).render(v=value, flag=flag)
        assert ours.render(v=value, flag=flag) == expected


def test_markup_printed_where_no_page_sees_it_counts_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """What macros make is printed as it is, but still counted: text built and thrown away
    in `set` blocks, each under the bound, must not grow without limit."""
    from jinja2.exceptions import SecurityError

    from isekctl.publishing import jinja

    monkeypatch.setattr(jinja, "MAX_TEXT", 1000)
    template = jinja.environment("html", None).from_string(
        "{% macro m() %}xxxxx{% endmacro %}"
        "{% for j in range(n) %}{% set s %}{% for i in range(150) %}{{ m() }}"
        "{% endfor %}{% endset %}{% endfor %}done"
    )
    jinja._OUTPUT.set(0)  # as each rendering of a page starts
    assert template.render(n=2) == "done"  # 1,500 characters printed: under twice the bound
    jinja._OUTPUT.set(0)
    with pytest.raises(SecurityError):
        template.render(n=5)


def test_markupsafe_escaping_of_its_own_is_taken_only_where_it_escapes() -> None:
    """`_escape_inner` is not markupsafe's public API: where a version lacks it, or it does
    something else (here: nothing), texts are escaped by `escape`."""
    from types import SimpleNamespace

    import markupsafe

    from isekctl.publishing.jinja import text_escaper

    assert text_escaper(markupsafe) is markupsafe._escape_inner  # the one this suite runs on
    for module in (SimpleNamespace(), SimpleNamespace(_escape_inner=lambda text: text)):
        escape_text = text_escaper(module)
        assert escape_text("<b>&'\"") == "&lt;b&gt;&amp;&#39;&#34;"
        assert type(escape_text("x")) is str
