"""Experiments: many runs of one scenario under one master seed, in chunks, on one or more
processes, reduced as the chunks arrive.

Run k depends only on (seed, k), so the chunk size and the number of workers change how fast
an experiment goes, never what it finds.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.talks import Talks
from sim.scenario.schema import Scenario

from .collect import Collector, RoundStats

CHUNK = 5_000
PARALLEL_FROM = 20_000


@dataclass
class ChunkResult:
    start: int
    outcomes: pd.DataFrame
    stats: RoundStats
    trajectories: pd.DataFrame | None
    inputs: pd.DataFrame  # run, then each sampled parameter by scenario path


@dataclass
class Experiment:
    """What an experiment found: the per-run table and the per-round aggregates."""

    scenario: Scenario
    seed: int
    runs: int
    outcomes: pd.DataFrame
    stats: RoundStats
    meetings: list[str]  # meeting id of each round
    inputs: pd.DataFrame  # one row per run: what each sampled parameter drew


def default_workers(runs: int) -> int:
    """In-process for small experiments (no start-up cost), every core for large ones."""
    return 1 if runs < PARALLEL_FROM else max(1, os.cpu_count() or 1)


def play_chunk(
    scenario: Scenario, seed: int, start: int, stop: int, trajectories: bool
) -> ChunkResult:
    """Play runs [start, stop) in one batched model."""
    talks = Talks(scenario, seed, np.arange(start, stop))
    collector = Collector(talks, trajectories)
    talks.play(collector)
    collector.finish()
    frames = collector.frames
    traj = pd.concat(frames, ignore_index=True) if trajectories and frames else None
    if traj is not None:
        traj = traj.sort_values(["run", "round"], kind="stable", ignore_index=True)
    inputs = pd.DataFrame({"run": talks.runs, **talks.draws.inputs})
    result = ChunkResult(start, talks.outcomes_frame(), collector.stats, traj, inputs)
    collector.talks = None
    talks.release()
    return result


def _chunks(runs: int, workers: int, chunk: int | None) -> list[tuple[int, int]]:
    size = chunk or min(CHUNK, max(1, math.ceil(runs / max(workers, 1))))
    return [(s, min(s + size, runs)) for s in range(0, runs, size)]


def iter_chunks(
    scenario: Scenario,
    runs: int,
    seed: int,
    workers: int = 1,
    chunk: int | None = None,
    trajectories: bool = False,
) -> Iterator[ChunkResult]:
    """Chunk results in run order, computed in-process or on a pool of ``workers``."""
    bounds = _chunks(runs, workers, chunk)
    if workers <= 1 or len(bounds) == 1:
        for start, stop in bounds:
            yield play_chunk(scenario, seed, start, stop, trajectories)
        return
    # Fork where the platform has it: workers inherit the imported modules and start at once.
    # Asked for explicitly, because importing mesa sets the global start method to spawn.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=min(workers, len(bounds)), mp_context=context) as pool:
        futures = [
            pool.submit(play_chunk, scenario, seed, start, stop, trajectories)
            for start, stop in bounds
        ]
        for i in range(len(futures)):
            # Drop each future once read, so the parent holds one chunk's result at a time.
            future, futures[i] = futures[i], None
            yield future.result()


def run_experiment(
    scenario: Scenario,
    runs: int,
    seed: int,
    workers: int | None = None,
    chunk: int | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    trajectories: bool = False,
) -> Experiment:
    """Play ``runs`` runs and reduce them; ``on_chunk`` sees each chunk (progress, trajectories)."""
    from sim.model.schedule import build_schedule

    workers = default_workers(runs) if workers is None else workers
    schedule = build_schedule(scenario)
    stats = RoundStats.empty(len(schedule), len(scenario.actors), len(scenario.issues))
    tables: list[pd.DataFrame] = []
    inputs: list[pd.DataFrame] = []
    for result in iter_chunks(scenario, runs, seed, workers, chunk, trajectories):
        stats += result.stats
        tables.append(result.outcomes)
        inputs.append(result.inputs)
        if on_chunk is not None:
            on_chunk(result)
    outcomes = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    drawn = pd.concat(inputs, ignore_index=True) if len(inputs) > 1 else inputs[0]
    meetings = [scenario.meetings[p.meeting].id for p in schedule]
    return Experiment(scenario, seed, runs, outcomes, stats, meetings, drawn)
