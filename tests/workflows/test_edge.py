"""The edge policy refuses text and numbers that the database or the books cannot hold."""

from datetime import date

import pytest

from disputedesk.workflows.edge import (
    BIGINT_MAX,
    MAX_ID,
    MAX_JSON_DEPTH,
    MAX_TEXT,
    as_int,
    check_text,
    json_too_deep,
    parse_date,
    parse_id,
    parse_int,
    parse_month,
    text_problem,
)
from disputedesk.workflows.errors import InvalidInput

KEPT_TEXT = {
    "plain": "billed above the contracted rate",
    "tabs and newlines": "line one\n\tline two",
    "a browser's CRLF": "line one\r\nline two",
    "accents and emoji": "Créditos por día 📉",
    "exactly the limit": "x" * MAX_TEXT,
    "empty": "",
}
REFUSED_TEXT = {
    "NUL": "a\x00b",
    "bell": "a\x07b",
    "escape": "\x1b[31mred",
    "vertical tab": "a\x0bb",
    "form feed": "a\x0cb",
    "lone surrogate": "a\ud800b",
    "one past the limit": "x" * (MAX_TEXT + 1),
}


@pytest.mark.parametrize("text", KEPT_TEXT.values(), ids=KEPT_TEXT.keys())
def test_ordinary_text_is_kept_as_it_is(text: str) -> None:
    assert check_text("description", text, MAX_TEXT) == text


@pytest.mark.parametrize("text", REFUSED_TEXT.values(), ids=REFUSED_TEXT.keys())
def test_control_characters_and_overlong_text_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_text("description", text, MAX_TEXT)

    assert list(refused.value.errors) == ["description"]


def test_a_nul_is_called_a_nul() -> None:
    assert "NUL" in text_problem("a\x00b", 10)


@pytest.mark.parametrize("text", ("two\nlines", "a\ttab", "a\rreturn"))
def test_a_single_line_field_refuses_tabs_and_newlines(text: str) -> None:
    assert text_problem(text, 200) is None
    assert text_problem(text, 200, single_line=True) is not None


NOT_WHOLE_NUMBERS = ("", " 1", "1 ", "+1", "1.0", "1e3", "1_000", "²", "١٢", "0x10", "--1", "-")


@pytest.mark.parametrize("text", NOT_WHOLE_NUMBERS)
def test_only_plain_ascii_digits_are_a_whole_number(text: str) -> None:
    assert as_int(text, BIGINT_MAX * -1, BIGINT_MAX) is None
    with pytest.raises(InvalidInput) as refused:
        parse_int("version", text)
    assert list(refused.value.errors) == ["version"]


@pytest.mark.parametrize(
    ("text", "expected"),
    (("0", 0), ("42", 42), ("-7", -7), (str(BIGINT_MAX), BIGINT_MAX), ("007", 7)),
)
def test_whole_numbers_within_bigint_are_read(text: str, expected: int) -> None:
    assert parse_int("n", text) == expected


@pytest.mark.parametrize("text", (str(BIGINT_MAX + 1), str(-(2**63) - 1), "9" * 20, "1" * 5000))
def test_numbers_past_bigint_are_refused_before_any_sql(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_int("n", text)


@pytest.mark.parametrize("text", ("0", "-1", str(MAX_ID + 1), "99999999999999999999"))
def test_an_id_is_positive_and_fits_its_column(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_id("assignee", text)
    assert "assignee" in refused.value.errors


def test_the_largest_id_is_an_id() -> None:
    assert parse_id("assignee", str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize("text", ("9999-12", "1999-12", "2026-13", "2026-00", "2026-1", "²026-11"))
def test_a_month_outside_the_books_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_month("month", text)
    assert "month" in refused.value.errors


def test_a_month_is_read_as_year_and_month() -> None:
    assert parse_month("month", "2026-11") == (2026, 11)


@pytest.mark.parametrize(
    "text", ("9999-12-31", "2026-02-30", "2026-1-1", "20261101", "2026-11-01T00")
)
def test_a_date_outside_the_books_or_the_calendar_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_date("period_start", text)


def test_a_date_is_read() -> None:
    assert parse_date("period_start", "2026-11-01") == date(2026, 11, 1)


DEEP = {
    "a hundred thousand brackets": b"[" * 100_000,
    "objects in objects": b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1),
}
SHALLOW = {
    "an ordinary body": b'{"body": "hello", "lines": [{"line_no": 1}]}',
    "brackets inside a string": b'{"body": "' + b"[" * 1000 + b'"}',
    "an escaped quote before brackets": b'{"body": "say \\"[[[[\\" ok"}',
    "exactly the bound": b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH,
}


@pytest.mark.parametrize("raw", DEEP.values(), ids=DEEP.keys())
def test_json_nested_past_the_bound_is_too_deep(raw: bytes) -> None:
    assert json_too_deep(raw)


@pytest.mark.parametrize("raw", SHALLOW.values(), ids=SHALLOW.keys())
def test_ordinary_json_is_not_too_deep(raw: bytes) -> None:
    assert not json_too_deep(raw)
