"""The suite runs on a pinned calendar day, never on today's.

Every process of a test session (this one, its cleaning workers, a crawl or CLI subprocess)
inherits ``WIREWASH_CLOCK_OFFSET_S`` (see ``pipelines/clock.py``), set here so that wirewash's
clock reads ``WIREWASH_TEST_NOW`` (default :data:`PINNED`) when the session starts and runs on from
there. Tests that need an exact moment pass ``now=`` themselves. ``.ci/run`` runs the suite again
with ``WIREWASH_TEST_NOW`` far in the future and in the past, so a test tied to the calendar fails
on the day it is written.
"""

from __future__ import annotations

import datetime as dt
import os

from pipelines.clock import OFFSET_ENV

TEST_NOW_ENV = "WIREWASH_TEST_NOW"
PINNED = "2026-11-20T12:00:00+00:00"  # after every fixture's dates, as a run is after its pages


def pytest_configure(config) -> None:
    wanted = dt.datetime.fromisoformat(os.environ.get(TEST_NOW_ENV) or PINNED)
    if wanted.tzinfo is None:
        raise ValueError(f"{TEST_NOW_ENV}={wanted.isoformat()} needs a timezone (e.g. +00:00)")
    os.environ[OFFSET_ENV] = repr((wanted - dt.datetime.now(dt.UTC)).total_seconds())


def pytest_report_header(config) -> str:
    return f"wirewash clock pinned to {os.environ.get(TEST_NOW_ENV) or PINNED} ({OFFSET_ENV})"
