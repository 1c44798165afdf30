"""Per-round aggregates that merge across chunks exactly: counts and fixed-bin histograms.

Quantiles of positions and tension per round come from histograms (0.1-point bins for
positions, 0.001 for tension) summed over chunks, so they are the same for any chunk size or
number of workers, and memory does not grow with the number of runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.outcomes import ONGOING, OUTCOMES
from sim.model.talks import RoundRecord, Talks

POSITION_BINS = 1001  # 0.0, 0.1, ..., 100.0
TENSION_BINS = 1001  # 0.000, 0.001, ..., 1.000


@dataclass
class RoundStats:
    """Sums over runs, per round: mergeable by addition."""

    active: np.ndarray  # [H] runs talking at the start of round t
    ended: np.ndarray  # [H, 5] runs ending in round t, by outcome
    tension: np.ndarray  # [H, TENSION_BINS]
    positions: np.ndarray  # [H + 1, N, K, POSITION_BINS]

    @classmethod
    def empty(cls, horizon: int, actors: int, issues: int) -> RoundStats:
        return cls(
            active=np.zeros(horizon, dtype=np.int64),
            ended=np.zeros((horizon, len(OUTCOMES)), dtype=np.int64),
            # Counts of runs fit int32 (the CLI allows at most 10 million runs); half the size
            # of int64 to send between processes.
            tension=np.zeros((horizon, TENSION_BINS), dtype=np.int32),
            positions=np.zeros((horizon + 1, actors, issues, POSITION_BINS), dtype=np.int32),
        )

    def __iadd__(self, other: RoundStats) -> RoundStats:
        self.active += other.active
        self.ended += other.ended
        self.tension += other.tension
        self.positions += other.positions
        return self


def _position_hist(positions: np.ndarray) -> np.ndarray:
    """Histogram [N, K, bins] of positions [R, N, K] in 0.1-point bins."""
    _, n, k = positions.shape
    idx = np.rint(np.clip(positions, 0, 100) * 10).astype(np.int64)
    flat = idx + POSITION_BINS * np.arange(n * k).reshape(1, n, k)
    return np.bincount(flat.ravel(), minlength=n * k * POSITION_BINS).reshape(n, k, -1)


def stats_bytes(horizon: int, actors: int, issues: int) -> int:
    """Bytes of one ``RoundStats`` (int32 histograms), the bulk of what an experiment holds."""
    return 4 * (horizon + 1) * actors * issues * POSITION_BINS + 4 * horizon * TENSION_BINS


class Collector:
    """Watches a model's rounds and keeps only what the aggregates need."""

    def __init__(self, talks: Talks, trajectories: bool = False):
        n, k = len(talks.actor_list), len(talks.issue_ids)
        self.talks = talks
        self.stats = RoundStats.empty(talks.horizon, n, k)
        self.stats.positions[0] = _position_hist(talks.positions())
        self.trajectories = trajectories
        self.frames: list[pd.DataFrame] = []
        # A run keeps the positions it ended with: they are counted once, in the round it
        # ends, and added to every later round's histogram. So a round counts only the runs
        # still talking, and runs the model sets aside (``RoundRecord.rows``) are counted.
        self.ended_positions = np.zeros_like(self.stats.positions[0], dtype=np.int64)

    def __call__(self, rec: RoundRecord) -> None:
        t, st = rec.t, self.stats
        st.active[t] = rec.active.sum()
        ending = rec.ended != ONGOING
        st.ended[t] = np.bincount(rec.ended[ending], minlength=len(OUTCOMES))
        idx = np.rint(np.clip(rec.tension_after[rec.active], 0, 1) * 1000).astype(np.int64)
        st.tension[t] = np.bincount(idx, minlength=TENSION_BINS)
        self.ended_positions += _position_hist(rec.positions_after[ending])
        going = rec.active & ~ending
        st.positions[t + 1] = _position_hist(rec.positions_after[going]) + self.ended_positions
        if self.trajectories:
            self.frames.append(self._frame(rec))

    def finish(self) -> None:
        """Runs that ended early keep their last positions for the rounds not played."""
        last = self.talks.t
        for t in range(last + 1, self.talks.horizon + 1):
            self.stats.positions[t] = self.stats.positions[last]

    def _frame(self, rec: RoundRecord) -> pd.DataFrame:
        talks = self.talks
        rows = rec.active
        data: dict[str, np.ndarray] = {
            "run": talks.runs[rows],
            "round": np.full(rows.sum(), rec.t + 1, dtype=np.int64),
            "tension": rec.tension_after[rows],
        }
        for a in talks.actor_list:
            for k, issue in enumerate(talks.issue_ids):
                data[f"position_{a.key}_{issue}"] = rec.positions_after[rows, a.index, k]
        for k, issue in enumerate(talks.issue_ids):
            data[f"value_{issue}"] = talks.values[rows, k]
        return pd.DataFrame(data)


def quantiles_from_hist(hist: np.ndarray, step: float, qs: tuple[float, ...]) -> np.ndarray:
    """Quantiles [..., len(qs)] from histograms [..., bins] of width ``step`` (lower rule).

    Taken a slice of the first axis at a time, so the cumulative sums never need more than a
    few megabytes beside the histograms themselves.
    """
    block = max(1, 4_000_000 // max(1, hist[:1].size))
    if hist.ndim > 1 and hist.shape[0] > block:
        return np.concatenate(
            [_quantiles(hist[i : i + block], step, qs) for i in range(0, hist.shape[0], block)]
        )
    return _quantiles(hist, step, qs)


def _quantiles(hist: np.ndarray, step: float, qs: tuple[float, ...]) -> np.ndarray:
    total = hist.sum(axis=-1, keepdims=True)
    cum = np.cumsum(hist, axis=-1)
    out = np.full((*hist.shape[:-1], len(qs)), np.nan)
    for j, q in enumerate(qs):
        target = np.ceil(q * total)
        target = np.maximum(target, 1)
        idx = (cum < target).sum(axis=-1)
        out[..., j] = np.where(total[..., 0] > 0, idx * step, np.nan)
    return out
