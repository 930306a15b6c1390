"""Input timestamps to timezone-aware UTC, the only form :class:`RawPage` holds."""
from __future__ import annotations

from datetime import UTC, datetime


def to_utc(value: object) -> datetime | None:
    """ISO 8601 text or a datetime as aware UTC; None stays None. Naive values are taken as UTC.

    Raises ValueError for anything else, so the caller can name the bad field and record.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime):
        raise ValueError(f"{value!r} is not an ISO 8601 timestamp")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
