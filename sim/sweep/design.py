"""What a sweep varies and where it looks: ``--vary`` parsed and checked, then the points.

A ``--vary`` path is spelt and resolved exactly as a ``--set`` path (sim/scenario/paths.py), and
each end of its range goes through ``with_overrides`` before anything runs, so a sweep refuses
bad input with the same words ``--set`` uses and writes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.scenario import Scenario, ScenarioError, with_overrides
from sim.scenario.paths import PathError, _options, plain, resolve

DESIGNS = ("grid", "lhs", "sobol")
GRID_DEFAULT = 5  # points per parameter of a grid when PATH=LOW:HIGH gives no :N
POINTS_DEFAULT = {"lhs": 50, "sobol": 16}
MAX_POINTS = 100_000


class SweepError(ValueError):
    """Bad sweep input; ``lines`` holds one clear line per problem."""

    def __init__(self, *lines: str):
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Vary:
    """One varied field: a range (with a grid's points per parameter) or listed values."""

    path: str
    low: float
    high: float
    n: int | None = None  # a grid's points along this parameter (PATH=LOW:HIGH:N)
    values: tuple[float, ...] | None = None  # PATH=V1,V2,...

    def grid(self) -> np.ndarray:
        if self.values is not None:
            return np.array(self.values, dtype=float)
        return np.linspace(self.low, self.high, self.n or GRID_DEFAULT)


def _number(text: str, what: str, item: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SweepError(f"--vary {item}: {what} {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise SweepError(f"--vary {item}: {what} must be a finite number")
    return value


def parse_vary(item: str) -> Vary:
    """``PATH=LOW:HIGH[:N]`` or ``PATH=V1,V2,...`` to a Vary, or a SweepError saying why."""
    path, sep, spec = item.partition("=")
    path, spec = path.strip(), spec.strip()
    if not sep or not path or not spec:
        raise SweepError(
            f"--vary {item}: expected PATH=LOW:HIGH[:N] or PATH=V1,V2,..., "
            "e.g. actors.ACTOR.military_option.cost=0:0.5:6"
        )
    if "," in spec:
        values = tuple(_number(v, "value", item) for v in spec.split(","))
        if len(values) < 2:
            raise SweepError(f"--vary {item}: list at least two values")
        if len(set(values)) < len(values):
            raise SweepError(f"--vary {item}: a value is listed twice")
        return Vary(path, min(values), max(values), len(values), values)
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise SweepError(f"--vary {item}: expected LOW:HIGH or LOW:HIGH:N after the =")
    low = _number(parts[0], "LOW", item)
    high = _number(parts[1], "HIGH", item)
    n = None
    if len(parts) == 3:
        try:
            n = int(parts[2])
        except ValueError:
            raise SweepError(f"--vary {item}: N {parts[2]!r} is not a whole number") from None
        if n < 2:
            raise SweepError(f"--vary {item}: N must be at least 2 (got {n})")
    if low > high:
        raise SweepError(f"--vary {item}: LOW {low:g} is above HIGH {high:g}")
    if low == high:
        raise SweepError(f"--vary {item}: LOW and HIGH are equal; use --set to fix a field")
    return Vary(path, low, high, n)


def whole_number_paths(scenario: Scenario, varies: list[Vary]) -> set[str]:
    """The varied paths whose field takes whole numbers (a meeting's rounds, say): their
    points are rounded to whole numbers, and a grid's repeated values dropped."""
    data = plain(scenario)
    out = set()
    for v in varies:
        try:
            info = resolve(data, v.path).info
        except PathError:
            continue
        if int in _options(info.annotation) and float not in _options(info.annotation):
            out.add(v.path)
    return out


def as_whole(varies: list[Vary], whole: set[str]) -> list[Vary]:
    """The varies with a whole-number field's grid rounded (and repeats dropped)."""
    out = []
    for v in varies:
        if v.path in whole and v.values is None and v.n is not None:
            values = tuple(float(x) for x in np.unique(np.round(v.grid())))
            v = Vary(v.path, v.low, v.high, len(values), values)
        out.append(v)
    return out


def check_varies(
    scenario: Scenario, varies: list[Vary], design: str, points: int | None
) -> list[str]:
    """Every problem with the varied fields and the design, one line each (empty if none)."""
    problems: list[str] = []
    if design not in DESIGNS:
        return [f"--design: must be one of {', '.join(DESIGNS)} (got {design!r})"]
    if not varies:
        return ["--vary: give at least one PATH=LOW:HIGH[:N] to sweep"]
    seen = set()
    data = plain(scenario)
    for v in varies:
        if v.path in seen:
            problems.append(f"--vary {v.path}: varied twice")
            continue
        seen.add(v.path)
        try:
            target = resolve(data, v.path)
        except PathError as exc:
            problems.append(f"--vary {exc}")
            continue
        bounds = target.bounds
        if bounds is None:
            problems.append(f"--vary {v.path}: not a numeric field; a sweep varies numbers")
            continue
        if v.low < bounds.low or v.high > bounds.high:
            problems.append(
                f"--vary {v.path}: {v.low:g} to {v.high:g} leaves the field's bounds, "
                f"{bounds.low:g} to {bounds.high:g}"
            )
            continue
        whole = v.path in whole_number_paths(scenario, [v])
        if whole and any(x != round(x) for x in (v.low, v.high, *(v.values or ()))):
            problems.append(f"--vary {v.path}: takes whole numbers (got {v.low:g} to {v.high:g})")
            continue
        for end in sorted({v.low, v.high}):
            try:
                with_overrides(scenario, {v.path: round(end) if whole else end})
            except ScenarioError as exc:
                problems.extend(f"--vary {p.field}: {p.message}" for p in exc.problems)
                break
        if design != "grid" and (v.values is not None or v.n is not None):
            problems.append(
                f"--vary {v.path}: :N and listed values belong to a grid; a {design} design "
                "takes LOW:HIGH and --points"
            )
    if design == "grid" and points is not None:
        problems.append(
            "--points: a grid's size comes from each --vary's :N (PATH=LOW:HIGH:N); "
            "--points is for lhs and sobol"
        )
    if design == "lhs" and points is not None and points < 2:
        problems.append(f"--points: an lhs design needs at least 2 points (got {points})")
    if design == "sobol" and points is not None and (points < 2 or points & (points - 1)):
        problems.append(
            f"--points: a sobol design's base sample N must be a power of two, at least 2 "
            f"(got {points}); it runs N x (parameters + 2) points"
        )
    if not problems:
        n = design_size(varies, design, points)
        if n > MAX_POINTS:
            problems.append(f"the design has {n:,} points, more than {MAX_POINTS:,}")
    return problems


def design_size(varies: list[Vary], design: str, points: int | None) -> int:
    if design == "grid":
        return math.prod(len(v.grid()) for v in varies)
    base = points or POINTS_DEFAULT[design]
    return base * (len(varies) + 2) if design == "sobol" else base


def salib_problem(varies: list[Vary]) -> dict:
    """The problem dictionary SALib's samplers and analysers take."""
    return {
        "num_vars": len(varies),
        "names": [v.path for v in varies],
        "bounds": [[v.low, v.high] for v in varies],
    }


def design_points(varies: list[Vary], design: str, points: int | None, seed: int) -> pd.DataFrame:
    """The points of the design, one row each, one column per varied path, in run order.

    Grid: every combination, the last path varying fastest. LHS: scipy's Latin hypercube,
    seeded. Sobol: Saltelli's scheme as SALib samples it (first-order and total indices), whose
    row order ``explain`` relies on.
    """
    names = [v.path for v in varies]
    if design == "grid":
        axes = np.meshgrid(*(v.grid() for v in varies), indexing="ij")
        return pd.DataFrame({n: a.ravel() for n, a in zip(names, axes, strict=True)})
    lows = np.array([v.low for v in varies])
    highs = np.array([v.high for v in varies])
    if design == "lhs":
        from scipy.stats import qmc

        sampler = qmc.LatinHypercube(d=len(varies), seed=np.random.default_rng(seed))
        unit = sampler.random(points or POINTS_DEFAULT["lhs"])
        return pd.DataFrame(qmc.scale(unit, lows, highs), columns=names)
    from SALib.sample import sobol

    sample = sobol.sample(
        salib_problem(varies), points or POINTS_DEFAULT["sobol"], calc_second_order=False, seed=seed
    )
    return pd.DataFrame(sample, columns=names)
