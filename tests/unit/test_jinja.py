"""Filters of the report templates."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcÄöüß .,;:?-/()'\"0123456789\n ")), max_size=120))
def test_plain_text_fast_path_matches_the_markdown_parser(text: str) -> None:
    from isekctl.publishing.jinja import _markdown, _plain_paragraphs

    fast = _plain_paragraphs(text)
    if fast is not None:
        assert fast == _markdown()(text)
