"""Keeping freed memory for the next batch: glibc's malloc asked not to hand it back at once.

A batch of 10,000 baseline runs allocates about 140 MB of arrays while it plays and frees
them as it goes. With its defaults, glibc gives the free top of its heap back to the system
once more than M_TRIM_THRESHOLD of it is free, and maps each array above M_MMAP_THRESHOLD
anew (both thresholds grow with use, to at most 64 MB and 32 MB). The next batch, or the next
round's temporaries, then fault the same pages in again: 10,000 to 25,000 page faults and 10
to 40 ms of system time in a batch of about 0.2 s, varying from batch to batch with the
heap's state. Setting both thresholds once per process (256 MB, and 32 MB, the largest every
64-bit glibc accepts) keeps that memory for reuse: an experiment's worker plays chunk after
chunk in the same pages. The cost is that a process may keep up to 256 MB more than it uses
until it ends.

Only on glibc (Linux), and only when the user has not set ``MALLOC_TRIM_THRESHOLD_`` or
``MALLOC_MMAP_THRESHOLD_`` (glibc's own settings, read at start): elsewhere nothing is done.
The numbers a run computes do not depend on it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import platform

# mallopt's parameters (glibc's malloc.h) and the values set.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
TRIM_BYTES = 256 * 1024**2
MMAP_BYTES = 32 * 1024**2
USER_SETTINGS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")


@functools.cache
def keep_freed_memory() -> bool:
    """Set glibc's trim and mmap thresholds for this process; whether they were set."""
    if platform.system() != "Linux" or any(name in os.environ for name in USER_SETTINGS):
        return False
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_TRIM_THRESHOLD, TRIM_BYTES)) and bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_BYTES)
    )
