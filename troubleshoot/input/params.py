"""Numbers that arrive in URLs: ids and page numbers, parsed so that nothing a person
can type becomes an exception or a database error.

`str.isdigit()` is no test for a number: it is true for "²" (which `int()` refuses) and
for "٣" (which `int()` reads as 3), and `int()` refuses more than 4,300 digits. An id is
ASCII digits and fits the database's bigint; anything else is no id.
"""

import re

from django import forms

ID_MAX = 2**63 - 1  # PostgreSQL's bigint, Django's BigAutoField
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
PAGE_MAX = 1_000_000


def parse_id(value) -> int | None:
    """A positive id from text, else None (never raises)."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= ID_MAX else None


class IdField(forms.IntegerField):
    """An id in a form: ASCII digits only, 1 up to the database's bigint."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(str(value).strip())
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class PageField(forms.Field):
    """A page number that is never an error: anything but a page number means page 1,
    as Django's Paginator.get_page also treats it (a page past the end is the last)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        number = parse_id(value.strip()) if isinstance(value, str) else None
        return min(number, PAGE_MAX) if number else 1


class PageForm(forms.Form):
    """?page= alone (lists without filters)."""

    page = PageField()


def page_number(query) -> int:
    """The page a list's GET parameters ask for: 1 unless it is a page number."""
    form = PageForm(query)
    form.is_valid()  # PageField never fails
    return form.cleaned_data["page"]


class IdConverter:
    """`<id:name>` in URL patterns: Django's `<int:>` takes any number of digits, and an
    id beyond bigint then reaches the database (SQLite raises OverflowError on a foreign
    key lookup; PostgreSQL compares it as numeric). Such a URL is simply no match: 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            raise ValueError(value)  # the resolver reads this as "no match"
        return number

    def to_url(self, value) -> str:
        return str(value)
