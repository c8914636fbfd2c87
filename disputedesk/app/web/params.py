"""One parser for the web's query and form parameters, on the edge policy of workflows/edge.py.

Every refusal is `InvalidInput` naming the parameter: a view that renders a form shows it
beside the field; anywhere else the web answers 400 with the message (`bad_request`).
"""

from collections.abc import Mapping

from werkzeug.exceptions import BadRequest
from wtforms import Field, Form, ValidationError

from disputedesk.workflows import edge
from disputedesk.workflows.errors import InvalidInput


def text(
    source: Mapping[str, str],
    name: str,
    max_length: int = edge.MAX_SEARCH,
    *,
    single_line: bool = True,
    default: str = "",
) -> str:
    """Read a text parameter, stripped; refuse control characters and over-long text."""
    value = source.get(name, default)
    return edge.check_text(name, value, max_length, single_line=single_line).strip()


def optional_int(
    source: Mapping[str, str], name: str, low: int = 1, high: int = edge.MAX_ID
) -> int | None:
    """Read a whole number in ASCII digits within [low, high]; None when it is left empty."""
    raw = source.get(name, "")
    return None if raw == "" else edge.parse_int(name, raw, low, high)


def version(source: Mapping[str, str]) -> int | None:
    """Read the case version a form was rendered with (None: the form did not say)."""
    raw = source.get("version", "")
    if raw == "":
        return None
    if (value := edge.as_int(raw, 0, edge.MAX_ID)) is None:
        raise InvalidInput({"version": "this form is not one this case gave out; reload the case"})
    return value


def ids(values: list[str], name: str) -> list[int]:
    """Read a list of ids (ticked boxes, chosen lines); refuse any that is not one."""
    return [edge.parse_id(name, value) for value in values]


def month(source: Mapping[str, str], name: str = "month", default: str = "") -> str:
    """Read a month written YYYY-MM within the years the books hold."""
    year, number = edge.parse_month(name, source.get(name, "") or default)
    return f"{year:04d}-{number:02d}"


class EdgeText:
    """A WTForms validator applying the edge policy to a text field."""

    def __init__(self, max_length: int, *, single_line: bool = True) -> None:
        self.max_length, self.single_line = max_length, single_line

    def __call__(self, form: Form, field: Field) -> None:
        value = field.data or ""
        if problem := edge.text_problem(value, self.max_length, single_line=self.single_line):
            raise ValidationError(problem[:1].upper() + problem[1:] + ".")


def bad_request(error: InvalidInput) -> BadRequest:
    """Turn a parameter no form shows into a 400 that names it and what it must be."""
    detail = "; ".join(f"{name}: {message}" for name, message in error.errors.items())
    return BadRequest(description=f"Nothing was changed. {detail}.")
