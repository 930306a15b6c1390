"""Child processes that die with their parent.

A run killed with SIGKILL cannot clean up after itself, so every helper process it starts (the
crawl runner, the clean stage's forkserver and workers) asks the kernel to SIGKILL it when its
parent dies: a killed run leaves no orphan burning CPU or holding files.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import signal

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent exits (Linux; a no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
