"""Experiments: many runs of one scenario under one master seed, in chunks, on one or more
processes, reduced as the chunks arrive.

Run k depends only on (seed, k), so the chunk size and the number of workers change how fast
an experiment goes, never what it finds.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.talks import Talks
from sim.scenario.limits import MEMORY_MB, BudgetError
from sim.scenario.sampling import random_keys
from sim.scenario.schema import Scenario

from .collect import Collector, RoundStats, stats_bytes
from .processes import MAX_WORKERS_PER_CORE, cores, physical_memory, worker_pool

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
    return 1 if runs < PARALLEL_FROM else cores()


def memory_needed(
    scenario: Scenario, runs: int, workers: int, trajectories: bool = False
) -> tuple[int, str]:
    """An upper estimate of the bytes an experiment holds at its peak, and what they are.

    The per-round histograms (one set per worker, and two in the parent while it merges) are
    the bulk; trajectories and the outcome table grow with the runs.
    """
    from sim.model.schedule import build_schedule

    h, n, k = len(build_schedule(scenario)), len(scenario.actors), len(scenario.issues)
    chunks = _chunks(runs, workers, None)
    active = min(workers, len(chunks), MAX_WORKERS_PER_CORE * cores())
    size = max(stop - start for start, stop in chunks)
    hist = stats_bytes(h, n, k)
    copies = 2 if active <= 1 else 3 + 2 * active
    per_chunk = size * (n * n * k + 30 * n * k + 20 * k) * 8  # the batched model's arrays
    if trajectories:
        per_chunk += 3 * size * h * (n * k + k + 3) * 8
    sampled = len(random_keys(scenario)["parameters"])  # inputs: run and one column each
    table = 2 * runs * (3 + 2 * k + n + 1 + sampled) * 8
    parts = {
        f"per-round histograms ({h:,} rounds x {n} actors x {k} issues x {copies} copies)": (
            copies * hist
        ),
        f"batched models ({max(1, active)} x {size:,} runs)": max(1, active) * per_chunk,
        f"outcome and inputs tables ({runs:,} rows)": table,
    }
    total = sum(parts.values())
    what = ", ".join(f"{name} {b / 1e6:,.0f} MB" for name, b in parts.items())
    return total, what


def memory_budget() -> int:
    """Bytes an experiment may use: NEGSIM_MAX_MEMORY_MB, at most half this machine's memory
    unless that variable says otherwise."""
    budget = MEMORY_MB.value * 1_000_000
    ram = physical_memory()
    if ram is not None and MEMORY_MB.env not in os.environ:
        budget = min(budget, ram // 2)
    return budget


def check_memory(scenario: Scenario, runs: int, workers: int, trajectories: bool = False) -> None:
    """Refuse, before any work, an experiment whose outputs would not fit the memory budget."""
    need, what = memory_needed(scenario, runs, workers, trajectories)
    budget = memory_budget()
    if need > budget:
        raise BudgetError(
            f"{scenario.id}: {runs:,} runs need about {need / 1e9:,.1f} GB ({what}), more than "
            f"the memory budget of {budget / 1e9:,.1f} GB; use fewer workers or runs, "
            f"shorten the agenda, or set the environment variable {MEMORY_MB.env} to raise it"
        )


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
    # An interrupt (or an abandoned generator) kills the workers instead of awaiting them.
    with worker_pool(min(workers, len(bounds), MAX_WORKERS_PER_CORE * cores())) as pool:
        futures = [
            pool.submit(play_chunk, scenario, seed, start, stop, trajectories)
            for start, stop in bounds
        ]
        for i in range(len(futures)):
            # Drop each future once read, so the parent holds one chunk's result at a time.
            future, futures[i] = futures[i], None
            yield _result(future)


def _result(future):
    """Wait in short slices, so a signal is handled at once on every platform."""
    while True:
        try:
            return future.result(timeout=0.25)
        except FutureTimeout:
            continue


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
    check_memory(scenario, runs, workers, trajectories)
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
