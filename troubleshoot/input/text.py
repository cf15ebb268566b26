"""User text: what a person types into a note, a summary, a chat message or a title.

Rules, the same on every form and in tree imports:
- no NUL character (PostgreSQL cannot store one; Django's CharField already refuses it),
- no bidi override, embedding or isolate controls (U+202A-U+202E, U+2066-U+2069): they
  make text read differently from how it is stored ("Trojan Source"), e.g. a file name
  or a command in a note. The marks U+200E/U+200F that right-to-left text needs stay,
- not only invisible characters: a summary of zero-width spaces is no summary.

`markdown_escape` is for the other direction: user text placed inside a Markdown
document (the session write-up) stays text there, it never becomes a link or markup.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
)
# Categories that draw nothing on their own: controls, format characters (zero-width
# space, joiners, soft hyphen), separators, unassigned/private/surrogate code points, and
# combining marks with nothing to combine with.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
# Letters by category that render as blank space (Hangul fillers, the braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

NUL_MESSAGE = "Remove the NUL character (\\0): it cannot be stored."
BIDI_MESSAGE = (
    "Remove the invisible text-direction control characters (U+202A–U+202E, "
    "U+2066–U+2069): they make text read differently from what it says."
)
INVISIBLE_MESSAGE = "Write some visible text: this has only invisible characters."


def is_visible(char: str) -> bool:
    return unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _BLANK_LETTERS


def user_text_problems(value: str) -> list[str]:
    """Every rule `value` breaks, as sentences for a person (empty: the text is fine)."""
    problems = []
    if "\x00" in value:
        problems.append(NUL_MESSAGE)
    if not BIDI_CONTROLS.isdisjoint(value):
        problems.append(BIDI_MESSAGE)
    if value and not any(is_visible(c) for c in value):
        problems.append(INVISIBLE_MESSAGE)
    return problems


def reject_bidi_controls(value: str) -> None:
    if not BIDI_CONTROLS.isdisjoint(value):
        raise ValidationError(BIDI_MESSAGE, code="bidi_control")


def reject_only_invisible(value: str) -> None:
    if value and not any(is_visible(c) for c in value):
        raise ValidationError(INVISIBLE_MESSAGE, code="only_invisible")


class UserTextField(forms.CharField):
    """A CharField for text a person types. Every text field of Baton's forms is one
    (tests/troubleshoot/input/test_text.py checks it); passwords and secrets are not text."""

    default_validators = [reject_bidi_controls, reject_only_invisible]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # CharField's own NUL check, with the sentence the tree import also uses.
        self.validators = [
            ProhibitNullCharactersValidator(message=NUL_MESSAGE)
            if isinstance(v, ProhibitNullCharactersValidator)
            else v
            for v in self.validators
        ]


# Characters that start inline Markdown: code, emphasis, links, images, raw HTML and
# <https://…> autolinks. CommonMark reads a backslash before each as the character itself;
# so does Python-Markdown, once `<` is added to its escapable characters (Baton's
# renderer does that, troubleshoot/templatetags/baton_markdown.py).
MARKDOWN_ESCAPED = "\\`*_[]<"
_MARKDOWN_INLINE = re.compile("([" + re.escape(MARKDOWN_ESCAPED) + "])")
# At the start of a line: headings, quotes, lists and rules.
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d+(?=[.)]))")


def markdown_escape(text: str) -> str:
    """`text` as literal characters inside a Markdown document.

    `[x](https://evil.example)` stays those characters: no link, no image, no emphasis,
    no raw HTML, no `<https://…>` autolink. Bare URLs stay text too (Baton's renderer
    does not link them).
    """
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", text or "")
    lines = escaped.split("\n")
    return "\n".join(_MARKDOWN_LINE_START.sub(_escape_line_start, line) for line in lines)


def _escape_line_start(match: re.Match) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker.isdigit():  # "1. " would start a numbered list: escape what follows the digits
        return indent + marker + "\\"
    return indent + "\\" + marker
