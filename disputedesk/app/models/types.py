"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Store aware datetimes as UTC and always read them back aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: ANN201
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):  # noqa: ANN201
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Return the current instant, aware, in UTC."""
    return datetime.now(UTC)


MAX_ID = 2**31 - 1  # ids and versions are 32-bit integer columns


def as_id(text: object) -> int | None:
    """Return a positive whole number written in plain ASCII digits that fits an id, or None."""
    if isinstance(text, str) and text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None
