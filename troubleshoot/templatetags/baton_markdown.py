"""Markdown rendered, then sanitised (no raw HTML survives). Two filters:

- `{{ node.body|step_markdown }}`: tree step bodies, the one place where people write
  Markdown on purpose; links keep the text their author gave them.
- `{{ text|markdown }}`: everything else that is Markdown but not written as such by a
  person: the AI's chat answers and assessments (shaped by what anyone typed into a
  session) and the session write-up (whose user text is already escaped). A link there
  is only ever shown as its full URL: `[click here](https://evil.example)` renders as
  "click here (https://evil.example)", so nobody follows a link they cannot read.

User notes, summaries and chat messages are not Markdown at all: templates show them
with `linebreaksbr` (escaped text).
"""

import xml.etree.ElementTree as etree

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe
from markdown.treeprocessors import Treeprocessor

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


class VisibleLinks(Treeprocessor):
    """A link whose text is not its URL becomes its text followed by the URL, linked."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in reversed(list(enumerate(parent))):
                if child.tag == "a" and not _shows_its_url(child):
                    _spell_out(parent, index, child)


def _shows_its_url(link: etree.Element) -> bool:
    href = (link.get("href") or "").strip()
    text = "".join(link.itertext()).strip()
    return bool(href) and text in (href, href.removeprefix("mailto:"))


def _spell_out(parent: etree.Element, index: int, link: etree.Element) -> None:
    href = (link.get("href") or "").strip()
    label = etree.Element("span")
    label.text, label[:] = link.text, list(link)
    parent[index] = label
    if not href:
        label.tail = link.tail
        return
    label.tail = " ("
    url = etree.Element("a", {"href": href})
    url.text = href
    url.tail = ")" + (link.tail or "")
    parent.insert(index + 1, url)


def _converter(*, visible_links: bool) -> md.Markdown:
    converter = md.Markdown(extensions=["fenced_code", "tables", "sane_lists"])
    # Raw HTML is shown as text, not interpreted; nh3 below is the second fence.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    # `\<` is how troubleshoot/input/text.py's markdown_escape writes a literal "<"
    # (CommonMark reads it so); Python-Markdown needs telling.
    converter.ESCAPED_CHARS = [*converter.ESCAPED_CHARS, "<"]
    if visible_links:
        # After "unescape" (priority 0): the link text is then the text a reader sees.
        converter.treeprocessors.register(VisibleLinks(converter), "visible_links", -10)
    return converter


def render_markdown(text: str, *, visible_links: bool = True) -> str:
    html = _converter(visible_links=visible_links).convert(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 above


@register.filter(name="step_markdown")
def step_markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text, visible_links=False))  # noqa: S308 - nh3 above
