"""Experiments: many runs of one scenario under one master seed, in chunks, on an executor,
reduced as the chunks arrive.

Run k depends only on (seed, k), so the chunk size, the executor and the number of workers
change how fast an experiment goes, never what it finds.

The API other jobs (``negsim sweep``) build on, kept stable:

- ``make_executor(kind, workers, scheduler)`` (sim/experiment/executors.py): ``"sequential"``,
  ``"process"`` or ``"dask"`` (``scheduler`` ``tcp://HOST:PORT``, or a loopback
  ``LocalCluster`` of ``workers`` when None); a context manager. ``executor.map_chunks(fn,
  chunks)`` yields ``fn(*chunk)`` for each chunk in the order given; ``fn`` is a module-level
  function. ``ExecutorError`` carries the one-line reason an executor cannot start.
- ``play_chunk(scenario, seed, start, stop, trajectories)``: runs [start, stop), a pure
  function of its arguments (the ``fn`` to map for runs of one scenario).
- ``run_experiment(scenario, runs, seed, executor=..., checkpoint=Checkpoint(dir))``: the
  whole experiment, resumable from the checkpoint's folder (sim/experiment/checkpoint.py).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.talks import Talks
from sim.scenario.limits import MEMORY_MB, BudgetError
from sim.scenario.sampling import random_keys
from sim.scenario.schema import Scenario

from .checkpoint import Checkpoint
from .collect import Collector, RoundStats, stats_bytes
from .executors import Executor, make_executor
from .processes import MAX_WORKERS_PER_CORE, cores, physical_memory

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
    talks.play(collector, set_aside=True)  # the collector counts the runs set aside
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


def _chunks(runs: int, workers: int, chunk: int | None, first: int = 0) -> list[tuple[int, int]]:
    """Run ranges [start, stop) covering [first, runs): a chunk's result is a function of its
    range and the seed alone, so how runs are cut changes no result."""
    size = chunk or min(CHUNK, max(1, math.ceil((runs - first) / max(workers, 1))))
    return [(s, min(s + size, runs)) for s in range(first, runs, size)]


def iter_chunks(
    scenario: Scenario,
    runs: int,
    seed: int,
    workers: int = 1,
    chunk: int | None = None,
    trajectories: bool = False,
    executor: Executor | None = None,
    first: int = 0,
) -> Iterator[ChunkResult]:
    """Chunk results of runs [first, runs) in run order, on ``executor`` (by default, in this
    process for one worker, else a process pool of ``workers``)."""
    if executor is not None:
        workers = executor.workers
    bounds = _chunks(runs, workers, chunk, first)
    tasks = [(scenario, seed, start, stop, trajectories) for start, stop in bounds]
    if executor is not None:
        yield from executor.map_chunks(play_chunk, tasks)
        return
    active = min(workers, len(bounds))
    with make_executor("process" if active > 1 else "sequential", active) as own:
        yield from own.map_chunks(play_chunk, tasks)


def run_experiment(
    scenario: Scenario,
    runs: int,
    seed: int,
    workers: int | None = None,
    chunk: int | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    trajectories: bool = False,
    executor: Executor | None = None,
    checkpoint: Checkpoint | None = None,
    on_resume: Callable[[int], None] | None = None,
) -> Experiment:
    """Play ``runs`` runs and reduce them; ``on_chunk`` sees each chunk (progress, trajectories).

    ``executor`` plays the chunks (``make_executor``; by default this process or a pool of
    ``workers``). With ``checkpoint``, each chunk is kept as it completes and an experiment
    whose checkpoint already holds runs [0, done) plays only the rest (``on_resume(done)``
    is told how many were found); the result is the same bytes as an uninterrupted run.
    """
    from sim.model.schedule import build_schedule

    if executor is not None:
        workers = executor.workers
    workers = default_workers(runs) if workers is None else workers
    check_memory(scenario, runs, workers, trajectories)
    schedule = build_schedule(scenario)
    stats = RoundStats.empty(len(schedule), len(scenario.actors), len(scenario.issues))
    tables: list[pd.DataFrame] = []
    inputs: list[pd.DataFrame] = []
    done, starts = 0, []
    if checkpoint is not None:
        done, kept, chunks = checkpoint.load()
        if kept is not None:
            stats = kept
        for table, drawn in chunks:
            starts.append(int(table["run"].iloc[0]))
            tables.append(table)
            inputs.append(drawn)
        if on_resume is not None:
            on_resume(done)
    for result in iter_chunks(scenario, runs, seed, workers, chunk, trajectories, executor, done):
        stats += result.stats
        tables.append(result.outcomes)
        inputs.append(result.inputs)
        if checkpoint is not None:
            stop = result.start + len(result.outcomes)
            checkpoint.save(result.start, stop, result.outcomes, result.inputs, stats, starts)
            starts.append(result.start)
        if on_chunk is not None:
            on_chunk(result)
    outcomes = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    drawn = pd.concat(inputs, ignore_index=True) if len(inputs) > 1 else inputs[0]
    meetings = [scenario.meetings[p.meeting].id for p in schedule]
    return Experiment(scenario, seed, runs, outcomes, stats, meetings, drawn)
