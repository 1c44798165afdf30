"""Play the points of a sweep: each point's runs in chunks, on one pool shared by all points.

Every point plays runs 0 to R-1 under the same master seed. The draws are keyed by (seed, run,
scenario path), so run k of every point sees the same draws for every quantity the sweep does
not vary: the points differ only in what they vary (common random numbers), and a point equals
a plain ``negsim run`` of its scenario with the same seed, run for run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiment.processes import MAX_WORKERS_PER_CORE, cores, worker_pool
from sim.experiment.runner import CHUNK, _result
from sim.model.talks import Talks
from sim.scenario import Scenario


@dataclass
class PointResult:
    """One point's runs (None when it failed) or the error that stopped it."""

    index: int
    outcomes: pd.DataFrame | None
    error: str | None = None


def point_chunk(scenario: Scenario, seed: int, start: int, stop: int) -> pd.DataFrame:
    """Runs [start, stop) of one point: the runs of ``play_chunk`` without its per-round
    statistics (a sweep reports per point, not per round); only the outcomes travel back."""
    talks = Talks(scenario, seed, np.arange(start, stop))
    talks.play()
    outcomes = talks.outcomes_frame()
    talks.release()
    return outcomes


def _error(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"error: {type(exc).__name__}: {text}"[:300]


def play_points(
    scenarios: list[Scenario | str],
    runs: int,
    seed: int,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Iterator[PointResult]:
    """Each point's result, in point order; a scenario given as a string is an error already.

    A point whose runs raise is reported with its error and the others go on. At most
    ``2 x workers`` chunks are in flight, so the parent holds a few chunks at a time.
    """
    bounds = [(s, min(s + CHUNK, runs)) for s in range(0, runs, CHUNK)]
    if workers <= 1:
        for k, sc in enumerate(scenarios):
            if isinstance(sc, str):
                yield PointResult(k, None, sc)
                continue
            try:
                parts = []
                for start, stop in bounds:
                    parts.append(point_chunk(sc, seed, start, stop))
                    if progress is not None:
                        progress(stop - start)
                yield PointResult(k, pd.concat(parts, ignore_index=True))
            except Exception as exc:  # a failed point is recorded; the sweep goes on
                yield PointResult(k, None, _error(exc))
        return
    tasks = [
        (k, start, stop)
        for k, sc in enumerate(scenarios)
        if not isinstance(sc, str)
        for start, stop in bounds
    ]
    window = 2 * workers
    with worker_pool(min(workers, MAX_WORKERS_PER_CORE * cores())) as pool:
        pending: list = []
        nxt = 0
        parts: list[pd.DataFrame] = []
        failed: str | None = None
        point = 0

        def flush_errors_before(k: int) -> Iterator[PointResult]:
            nonlocal point
            while point < k:
                sc = scenarios[point]
                assert isinstance(sc, str)
                yield PointResult(point, None, sc)
                point += 1

        while nxt < len(tasks) or pending:
            while nxt < len(tasks) and len(pending) < window:
                k, start, stop = tasks[nxt]
                pending.append(
                    (tasks[nxt], pool.submit(point_chunk, scenarios[k], seed, start, stop))
                )
                nxt += 1
            (k, start, stop), future = pending.pop(0)
            yield from flush_errors_before(k)
            try:
                parts.append(_result(future))
            except Exception as exc:
                failed = failed or _error(exc)
            if progress is not None:
                progress(stop - start)
            if stop == runs:
                if failed is None:
                    yield PointResult(k, pd.concat(parts, ignore_index=True))
                else:
                    yield PointResult(k, None, failed)
                parts, failed = [], None
                point = k + 1
        yield from flush_errors_before(len(scenarios))
