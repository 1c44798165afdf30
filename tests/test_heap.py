"""Memory a batch frees is reused by the next one, not handed back and faulted in again.

``sim.model.heap`` asks glibc's malloc (once per process) to keep freed memory up to a bound;
the numbers a run computes do not depend on it, so what is checked is the behaviour it is for:
page faults when a process allocates and frees the same arrays again.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sim.model import heap

CHURN = """
import resource, numpy as np
from sim.model.heap import keep_freed_memory
print(keep_freed_memory())
def churn():  # 300 arrays of 480 KB, as a batch's [runs, issues] temporaries: 144 MB
    arrays = [np.ones(60_000) for _ in range(300)]
    del arrays
churn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(3):
    churn()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _churn(**env: str) -> tuple[bool, int]:
    clean = {k: v for k, v in os.environ.items() if k not in heap.USER_SETTINGS}
    out = subprocess.run(
        [sys.executable, "-c", CHURN], env=clean | env, capture_output=True, text=True, check=True
    )
    kept, faults = out.stdout.split()
    return kept == "True", int(faults)


@pytest.mark.skipif(not heap.keep_freed_memory(), reason="not glibc, or thresholds set by user")
def test_memory_freed_is_reused_rather_than_faulted_in_again():
    kept, faults = _churn()
    # glibc's defaults, as when the user sets the thresholds: the same churn faults its
    # 144 MB in again each time (here about 35,000 pages of 4 KB a churn; fewer, larger
    # faults where the kernel backs the heap with huge pages)
    kept_default, faults_default = _churn(MALLOC_TRIM_THRESHOLD_="131072")
    assert kept and not kept_default
    assert faults_default > 50
    assert faults * 10 < faults_default  # kept: the pages stay mapped, nothing to fault in


def test_a_users_own_malloc_settings_are_left_alone(monkeypatch):
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "1048576")
    assert heap.keep_freed_memory.__wrapped__() is False
