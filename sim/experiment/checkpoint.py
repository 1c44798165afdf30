"""Checkpoints of a long experiment, so one killed part-way can finish from its last chunk.

Chunks arrive in run order, so what is done is always runs ``[0, done)``: each chunk's tables
go to their own file, then the running sum of the per-round statistics and ``done`` are
replaced together in one atomic rename. A kill between the two leaves a chunk file that the
next start ignores and overwrites. Results do not depend on how runs are cut into chunks (run
k depends only on (seed, k), and the statistics are integer counts), so a resumed experiment
may cut the rest differently and still write the same bytes.

The files are pickles written by this negsim for its own resumption, in the results folder's
temporary sibling; they are read only when the user asks to resume that folder.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd

from .collect import RoundStats

STATE = "state.pkl"


class Checkpoint:
    """The chunks of one experiment kept in ``folder`` (created if missing)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def load(self) -> tuple[int, RoundStats | None, list[tuple[pd.DataFrame, pd.DataFrame]]]:
        """Runs done, their summed statistics, and each done chunk's (outcomes, inputs)."""
        state = self.folder / STATE
        if not state.is_file():
            return 0, None, []
        with state.open("rb") as f:
            done, stats, starts = pickle.load(f)
        tables = []
        for start in starts:
            with (self.folder / f"chunk-{start:012d}.pkl").open("rb") as f:
                tables.append(pickle.load(f))
        return done, stats, tables

    def save(
        self,
        start: int,
        stop: int,
        outcomes: pd.DataFrame,
        inputs: pd.DataFrame,
        stats: RoundStats,
        starts: list[int],
    ) -> None:
        """Record chunk [start, stop) done; ``stats`` is the sum over runs [0, stop)."""
        with (self.folder / f"chunk-{start:012d}.pkl").open("wb") as f:
            pickle.dump((outcomes, inputs), f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp = self.folder / f"{STATE}.tmp"
        with tmp.open("wb") as f:
            pickle.dump((stop, stats, [*starts, start]), f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.folder / STATE)
