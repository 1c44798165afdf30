"""Checkpoints of a sweep, so one killed part-way finishes from its last complete point.

Points arrive in order, so what is done is always points ``[0, done)``. Each finished point's
row (of points.csv or of the one-at-a-time effects) is appended to a log, its runs to the
outcomes.csv being written (with ``--outcomes``); then ``done`` and the two files' lengths are
replaced together in one atomic rename. A kill between the appends and the rename leaves bytes
past the recorded lengths, which the next start cuts off and writes again, so a resumed sweep
writes the same bytes as one never interrupted.

The log is a sequence of pickles written by this negsim for its own resumption, in the results
folder's temporary sibling (``chunks/``, removed when the folder is complete); it is read only
when the user asks to resume that folder.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sim.results import ResultsError

FORMAT = 1  # what a sweep's checkpoint marker holds; a change makes old ones unresumable
STATE = "sweep-state.pkl"
LOG = "sweep-points.pkl"


@dataclass
class SweepState:
    """Points [0, done) finished: their rows in point order, and how long each file was then."""

    done: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    log_bytes: int = 0
    outcomes_bytes: int = 0


class SweepCheckpoint:
    """The finished points of one sweep, kept in ``folder`` (created if missing)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._log: IO[bytes] | None = None

    def load(self, outcomes: Path | None = None) -> SweepState:
        """What was done; the log and ``outcomes`` (the partial outcomes.csv) are cut back to
        the lengths recorded with it, dropping a point written but not recorded."""
        path = self.folder / STATE
        if not path.is_file():
            return SweepState()
        with path.open("rb") as f:
            done, log_bytes, outcomes_bytes = pickle.load(f)
        state = SweepState(done, [], log_bytes, outcomes_bytes)
        log = self.folder / LOG
        for name, size in ((log, log_bytes), (outcomes, outcomes_bytes)):
            have = name.stat().st_size if name is not None and name.is_file() else 0
            if name is not None and have < size:
                raise ResultsError(
                    f"{name}: shorter than its checkpoint records ({have} of {size} bytes); "
                    "the checkpoint cannot be resumed: run without --resume to start over"
                )
            if name is not None and name.is_file():
                os.truncate(name, size)
        if done:
            with log.open("rb") as f:
                state.rows = [pickle.load(f) for _ in range(done)]
        return state

    def save(self, state: SweepState, row: dict[str, Any], outcomes_bytes: int) -> None:
        """Record one more point done: its row, and outcomes.csv's length after its runs."""
        if self._log is None:
            self._log = (self.folder / LOG).open("ab")  # ``load`` cut it back to log_bytes
        pickle.dump(row, self._log, protocol=pickle.HIGHEST_PROTOCOL)
        self._log.flush()
        state.done += 1
        state.rows.append(row)
        state.log_bytes = self._log.tell()
        state.outcomes_bytes = outcomes_bytes
        tmp = self.folder / f"{STATE}.tmp"
        with tmp.open("wb") as f:
            pickle.dump(
                (state.done, state.log_bytes, state.outcomes_bytes),
                f,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.folder / STATE)

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
