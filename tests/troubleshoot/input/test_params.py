"""Numbers from URLs: ids and page numbers."""

import pytest

from troubleshoot.input.params import ID_MAX, IdField, PageForm, page_number, parse_id


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        (str(ID_MAX), ID_MAX),
        (str(ID_MAX + 1), None),
        ("99999999999999999999", None),
        ("9" * 5000, None),  # int() would raise: more than 4,300 digits
        ("²", None),  # "²".isdigit() is True, int("²") raises
        ("٣", None),  # int("٣") is 3: not an id in a URL
        ("0", None),
        ("-1", None),
        (" 1", None),
        ("1\x00", None),
        ("", None),
        (None, None),
        (["1"], None),
    ],
)
def test_parse_id_accepts_only_ascii_digits_within_bigint(value, expected):
    assert parse_id(value) == expected


def test_id_field_refuses_what_parse_id_refuses():
    field = IdField(required=False)
    assert field.clean("42") == 42
    assert field.clean("") is None
    for bad in ("²", "9" * 5000, str(ID_MAX + 1), "1.5"):
        with pytest.raises(Exception) as caught:
            field.clean(bad)
        assert caught.typename == "ValidationError"


@pytest.mark.parametrize(
    "query, page", [({}, 1), ({"page": "3"}, 3), ({"page": "²"}, 1), ({"page": "9" * 5000}, 1)]
)
def test_a_page_that_is_no_page_number_is_the_first(query, page):
    assert page_number(query) == page
    assert PageForm(query).is_valid()


def test_an_id_in_a_url_beyond_bigint_is_no_match(client_for, alice):
    """Django's <int:> matched it and a foreign key lookup raised OverflowError on SQLite."""
    from django.urls import Resolver404, resolve, reverse

    assert resolve(f"/sessions/{ID_MAX}/pickup/").kwargs == {"session_id": ID_MAX}
    assert reverse("handoffs:pickup", args=[12]) == "/sessions/12/pickup/"
    for path in (f"/sessions/{ID_MAX + 1}/pickup/", "/sessions/0/pickup/"):
        with pytest.raises(Resolver404):
            resolve(path)
    assert client_for(alice).get(f"/sessions/{ID_MAX + 1}/pickup/").status_code == 404
