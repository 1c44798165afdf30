"""Play the points of a sweep: each point's runs in chunks, on one executor shared by all points.

Every point plays runs 0 to R-1 under the same master seed. The draws are keyed by (seed, run,
scenario path), so run k of every point sees the same draws for every quantity the sweep does
not vary: the points differ only in what they vary (common random numbers), and a point equals
a plain ``negsim run`` of its scenario with the same seed, run for run.

The chunks of all points go to the executor (sim/experiment/executors.py) as one stream, so
its workers stay busy across the points' boundaries; results come back in chunk order, so a
point is complete when its last chunk arrives, whichever executor played it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiment.executors import Executor, SequentialEvaluator
from sim.experiment.runner import CHUNK
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


def point_chunk_or_error(
    scenario: Scenario, seed: int, start: int, stop: int
) -> tuple[pd.DataFrame | None, str | None]:
    """``point_chunk``, with its error caught where it was raised: an executor stops at the
    first exception, and a failed point must not stop the sweep."""
    try:
        return point_chunk(scenario, seed, start, stop), None
    except Exception as exc:  # a failed point is recorded; the sweep goes on
        return None, _error(exc)


def _error(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"error: {type(exc).__name__}: {text}"[:300]


def play_points(
    scenarios: list[Scenario | str],
    runs: int,
    seed: int,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    first: int = 0,
) -> Iterator[PointResult]:
    """Each point's result from point ``first`` on, in point order; a scenario given as a
    string is an error already.

    ``executor`` (``make_executor``; this process when None) plays the chunks. A point whose
    runs raise is reported with its first error and the others go on.
    """
    executor = executor or SequentialEvaluator()
    bounds = [(s, min(s + CHUNK, runs)) for s in range(0, runs, CHUNK)]
    tasks = [
        (k, start, stop)
        for k in range(first, len(scenarios))
        if not isinstance(scenarios[k], str)
        for start, stop in bounds
    ]
    results = executor.map_chunks(
        point_chunk_or_error, [(scenarios[k], seed, start, stop) for k, start, stop in tasks]
    )
    point = first

    def failed_before(k: int) -> Iterator[PointResult]:
        nonlocal point
        while point < k:
            sc = scenarios[point]
            assert isinstance(sc, str)
            yield PointResult(point, None, sc)
            point += 1

    parts: list[pd.DataFrame] = []
    failed: str | None = None
    for (k, start, stop), (frame, error) in zip(tasks, results, strict=True):
        yield from failed_before(k)
        if error is None:
            parts.append(frame)
        else:
            failed = failed or error
        if progress is not None:
            progress(stop - start)
        if stop == runs:
            if failed is None:
                yield PointResult(k, pd.concat(parts, ignore_index=True))
            else:
                yield PointResult(k, None, failed)
            parts, failed = [], None
            point = k + 1
    yield from failed_before(len(scenarios))
