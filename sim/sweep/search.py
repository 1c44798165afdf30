"""``negsim explain SCENARIO --target OUTCOME>=SHARE``: what would it take?

Each of the scenario's levers (``levers_of``: its own, or the defaults) is moved along its
range in its steps, all other fields as in the scenario, every value run with the same seed
(common random numbers, so the shares of two values differ only by the lever); the smallest
change that moves the share past the target is reported with its Wilson interval. The best
pair is searched among the levers that move the share most, on a coarser grid. A change is
measured as a share of its lever's range, so changes of different levers compare.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.analysis import wilson
from sim.experiment.executors import Executor, make_executor
from sim.model.outcomes import OUTCOMES
from sim.scenario import Scenario
from sim.scenario.levers import levers_of
from sim.scenario.params import Dist
from sim.scenario.paths import plain, resolve
from sim.scenario.schema import Lever

from .design import SweepError
from .job import _point_scenario, current_value
from .runner import play_points

PAIR_LEVERS = 4  # levers tried in pairs: those that move the share most towards the target
PAIR_STEPS = 6  # values of each lever tried in pairs


@dataclass(frozen=True)
class Target:
    outcome: str
    above: bool  # True: share >= value; False: share <= value
    value: float

    def met(self, share: float) -> bool:
        return share >= self.value if self.above else share <= self.value

    def __str__(self) -> str:
        return f"{self.outcome} {'>=' if self.above else '<='} {100 * self.value:g}%"


def parse_target(text: str) -> Target:
    """``agreement>=0.3``, ``armed_conflict<=10%``: an outcome, a direction and a share."""
    m = re.fullmatch(r"\s*([a-z_]+)\s*(>=|<=|>|<)\s*([0-9.]+)\s*(%?)\s*", text)
    if m is None:
        raise SweepError(
            f"--target {text}: expected OUTCOME>=SHARE or OUTCOME<=SHARE, e.g. agreement>=0.3"
        )
    outcome, op, number, pct = m.groups()
    if outcome not in OUTCOMES:
        raise SweepError(
            f"--target {text}: {outcome!r} is not an outcome; one of " + ", ".join(OUTCOMES)
        )
    value = float(number) / (100 if pct else 1)
    if not 0 <= value <= 1:
        raise SweepError(f"--target {text}: the share must lie between 0 and 1 (or 0% and 100%)")
    return Target(outcome, op.startswith(">"), value)


@dataclass
class Found:
    """A change (path -> value) and the share it gives, with its 95% Wilson interval."""

    changes: dict[str, float]
    share: float
    low: float
    high: float
    size: float  # sum over the changed levers of |change| / the lever's range


@dataclass
class Search:
    target: Target
    runs: int
    baseline: Found
    single: Found | None
    pair: Found | None
    levers: list[Lever]
    starts: dict[str, float]  # where each lever starts (the scenario's value or its middle)
    drawn: list[str]  # levers whose field the scenario draws at random


def _central(scenario: Scenario, path: str, value: object, lever: Lever) -> float:
    """The mean of a field the scenario draws at random (the middle of the lever's range if
    it cannot be read)."""
    bounds = resolve(plain(scenario), path).bounds
    if isinstance(value, dict) and len(value) == 1 and bounds is not None:
        ((kind, args),) = value.items()
        try:
            return float(Dist(kind, tuple(args)).central(bounds))
        except (TypeError, ValueError, IndexError, ZeroDivisionError):
            pass
    return (lever.min + lever.max) / 2


def lever_values(lever: Lever) -> np.ndarray:
    step = lever.step or (lever.max - lever.min) / 20
    values = np.arange(lever.min, lever.max + step / 2, step)
    return np.unique(np.round(np.clip(values, lever.min, lever.max), 12))


def _evaluate(
    scenario: Scenario,
    plans: list[dict[str, float]],
    target: Target,
    runs: int,
    seed: int,
    executor: Executor,
    progress: Callable[[int], None] | None,
) -> list[Found | None]:
    scenarios = [_point_scenario(scenario, p) if p else scenario for p in plans]
    out: list[Found | None] = []
    for res, plan in zip(
        play_points(scenarios, runs, seed, executor, progress), plans, strict=True
    ):
        if res.outcomes is None:
            out.append(None)
            continue
        k = int((res.outcomes["outcome"].astype(str) == target.outcome).sum())
        low, high = wilson(k, runs)
        out.append(Found(plan, k / runs, float(low), float(high), 0.0))
    return out


def what_it_takes(
    scenario: Scenario,
    target: Target,
    *,
    runs: int,
    seed: int,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Search:
    """The smallest single lever change, and the best pair, that meet the target."""
    with make_executor("process", workers) as executor:
        return _search(scenario, target, runs, seed, executor, progress)


def _search(
    scenario: Scenario,
    target: Target,
    runs: int,
    seed: int,
    executor: Executor,
    progress: Callable[[int], None] | None,
) -> Search:
    levers = levers_of(scenario)
    starts, drawn = {}, []
    for lever in levers:
        value = current_value(scenario, lever.path)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            starts[lever.path] = float(value)
        else:  # a distribution: changes are measured from its mean
            starts[lever.path] = _central(scenario, lever.path, value, lever)
            drawn.append(lever.path)
    width = {lv.path: lv.max - lv.min for lv in levers}

    def size(plan: dict[str, float]) -> float:
        return sum(abs(v - starts[p]) / width[p] for p, v in plan.items())

    singles = [{lv.path: float(v)} for lv in levers for v in lever_values(lv)]
    results = _evaluate(scenario, [{}, *singles], target, runs, seed, executor, progress)
    baseline = results[0]
    if baseline is None:
        raise SweepError("the scenario as it is cannot be run")
    found = [f for f in results[1:] if f is not None]
    for f in found:
        f.size = size(f.changes)
    meeting = [f for f in found if target.met(f.share)]
    single = min(
        meeting, key=lambda f: (f.size, -f.share if target.above else f.share), default=None
    )
    # Levers ranked by how far towards the target their best value moves the share.
    sign = 1 if target.above else -1
    reach = {}
    for f in found:
        (path,) = f.changes
        reach[path] = max(reach.get(path, -np.inf), sign * (f.share - baseline.share))
    top = sorted(reach, key=lambda p: -reach[p])[:PAIR_LEVERS]
    grids = {}
    for lv in levers:
        if lv.path in top:
            v = lever_values(lv)
            grids[lv.path] = v[
                np.unique(np.linspace(0, len(v) - 1, PAIR_STEPS).round().astype(int))
            ]
    plans = [
        {a: float(x), b: float(y)}
        for a, b in itertools.combinations(top, 2)
        for x in grids[a]
        for y in grids[b]
        if x != starts[a] and y != starts[b]  # a pair changes both
    ]
    pair = None
    if plans:
        pairs = [f for f in _evaluate(scenario, plans, target, runs, seed, executor, progress) if f]
        for f in pairs:
            f.size = size(f.changes)
        meeting = [f for f in pairs if target.met(f.share)]
        pair = min(
            meeting, key=lambda f: (f.size, -f.share if target.above else f.share), default=None
        )
    return Search(target, runs, baseline, single, pair, levers, starts, drawn)


def search_lines(s: Search) -> list[str]:
    """The answer in plain words, one line each."""

    def interval(f: Found) -> str:
        return f"{100 * f.share:.1f}% (95% interval {100 * f.low:.1f}% to {100 * f.high:.1f}%)"

    name = s.target.outcome.replace("_", " ")
    lines = [
        f"Target: {s.target}. As it is, {name} ends {interval(s.baseline)} of {s.runs:,} runs.",
        f"Levers searched: {len(s.levers)} (each over its range in its steps; pairs among the "
        f"{min(PAIR_LEVERS, len(s.levers))} that move the share most, {PAIR_STEPS} values each).",
    ]

    def change(f: Found) -> str:
        return " and ".join(
            f"{p} fixed at {v:g} (drawn at random now, mean {s.starts[p]:.3g})"
            if p in s.drawn
            else f"{p} from {s.starts[p]:g} to {v:g}"
            for p, v in f.changes.items()
        )

    if s.target.met(s.baseline.share):
        lines.append("The scenario already meets the target; no change is needed.")
    if s.single is None:
        lines.append("No single lever within its range meets the target.")
    else:
        lines.append(f"Smallest single change: {change(s.single)}: {interval(s.single)}.")
    if s.pair is None:
        lines.append("No pair of the levers tried meets the target within their ranges.")
    else:
        lines.append(f"Best pair: {change(s.pair)}: {interval(s.pair)}.")
    if s.drawn:
        lines.append(
            f"{len(s.drawn)} of the levers are drawn at random in the scenario: a change fixes "
            "the value, and its size is measured from the distribution's mean."
        )
    return lines
