"""Markdown: user text escaped into a document stays its characters; a link in rendered
Markdown is shown as its URL, except in tree step bodies."""

import html
import re

import pytest

from troubleshoot.input.text import markdown_escape
from troubleshoot.templatetags.baton_markdown import render_markdown

TRICKY_TEXT = [
    "[x](https://evil.example)",
    "![pixel](https://evil.example/p.png)",
    "<https://evil.example>",
    "<a href='https://evil.example'>click</a>",
    "<script>alert(1)</script>",
    "[x][1]\n\n[1]: https://evil.example",
    "**bold** _em_ `code` ~~strike~~",
    "# heading",
    "> quote",
    "- item",
    "+ item",
    "12. item",
    "3) item",
    "C:\\Users\\jane\\AppData",
    "back\\[slash](https://evil.example)",
    "a * b * c",
    "x_y_z and __init__",
    "1 < 2 > 0",
]


@pytest.mark.parametrize("text", TRICKY_TEXT)
def test_escaped_user_text_renders_as_exactly_its_characters(text):
    rendered = render_markdown(markdown_escape(text))
    assert "<a " not in rendered and "<img" not in rendered and "<strong" not in rendered
    visible = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert " ".join(visible.split()) == " ".join(text.split())


def test_a_link_in_markdown_that_is_not_its_url_is_spelled_out():
    rendered = render_markdown("Try [the fix](https://evil.example/x) or <https://ok.example>.")
    assert '<a href="https://evil.example/x"' in rendered
    assert ">https://evil.example/x</a>" in rendered  # the link's text is its URL
    assert "the fix (" in rendered
    assert ">https://ok.example</a>" in rendered


def test_step_bodies_keep_their_link_text():
    rendered = render_markdown("[Vendor guide](https://vendor.example/kb)", visible_links=False)
    assert ">Vendor guide</a>" in rendered
