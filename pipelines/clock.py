"""The one place wirewash reads the wall clock.

Everything whose result depends on the current time (run ids, the retention window, the day a
page without a date is filed under, "generated at" lines) takes the moment as a ``now``
parameter; only the outermost calls (the CLI, :func:`pipelines.run.ingest`, the crawl) fall back
to :func:`utc_now`. ``WIREWASH_CLOCK_OFFSET_S`` (seconds, may be negative) shifts that clock for
every process that inherits it, so a whole run, its worker processes and a crawl subprocess can be
made to live on another day (the test suite pins its days this way, see ``tests/conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import os

OFFSET_ENV = "WIREWASH_CLOCK_OFFSET_S"


def utc_now() -> dt.datetime:
    """The current moment, timezone-aware UTC, shifted by ``WIREWASH_CLOCK_OFFSET_S`` when it is set."""
    now = dt.datetime.now(dt.UTC)
    offset = os.environ.get(OFFSET_ENV)
    if not offset:
        return now
    try:
        return now + dt.timedelta(seconds=float(offset))
    except (ValueError, OverflowError) as e:
        raise ValueError(f"{OFFSET_ENV}={offset!r} is not a number of seconds") from e
