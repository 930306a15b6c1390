"""One run at a time per corpus: an advisory ``flock`` on ``<corpus>/.wirewash.lock``.

The kernel drops the lock when the holder dies (even by SIGKILL), so a killed run never leaves
a stale lock behind; the pid written into the file only makes the refusal message useful.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".wirewash.lock"


class CorpusLocked(RuntimeError):
    """Another wirewash process holds the corpus lock."""


@contextmanager
def corpus_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise CorpusLocked(f"{root} is locked by another wirewash run (pid {holder}); try again later") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
