"""Playing every scenario of a backtest: one per proposal (or per issue), under each mechanism,
on a pool of worker processes. Each scenario's seed depends only on the master seed and the
proposal (and issue) numbers, so a proposal's forecast does not depend on which others the
file holds, nor on the number of workers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from sim.experiment.processes import cores, worker_pool
from sim.importers import DeuData, DeuIssue, Mapping, Skipped, deu_scenario, to_scenario
from sim.scenario import Scenario, ScenarioError

DEFAULT = "negsim"  # the project's answer: the default mechanism with default settings


@dataclass
class Unit:
    """One scenario to play: a proposal's issues (or one issue), under one mechanism."""

    key: tuple[int, ...]  # (proposal,) or (proposal, issue)
    mechanism: str
    scenario: Scenario
    scored: dict[str, DeuIssue]  # scenario issue id -> the data row it forecasts


def unit_seed(seed: int, key: tuple[int, ...]) -> int:
    """A seed for one scenario derived from the master seed and its proposal/issue numbers."""
    return int(np.random.SeedSequence([seed, *key]).generate_state(1, dtype=np.uint32)[0])


def build_units(
    data: DeuData, mapping: Mapping, mechanisms: list[str], per: str, skipped: list[Skipped]
) -> list[Unit]:
    """Every scenario of the backtest, validated; a proposal that cannot be made into one is
    skipped with a warning."""
    units = []
    scored = data.scored()
    groups: list[tuple[tuple[int, ...], list[DeuIssue]]] = []
    if per == "issue":
        groups = [((i.proposal, i.issue), [i]) for i in scored]
    else:
        for p in dict.fromkeys(i.proposal for i in scored):
            groups.append(((p,), [i for i in scored if i.proposal == p]))
    for key, targets in groups:
        for mech in [DEFAULT, *mechanisms]:
            m = mapping if mech == DEFAULT else dataclasses.replace(mapping, mechanism=mech)
            only = [i.issue for i in targets] if per == "issue" else None
            try:
                spec = deu_scenario(data, key[0], m, issues=only)
                scenario = to_scenario(spec)
            except (KeyError, ScenarioError) as exc:
                reason = str(exc).strip("'\"").splitlines()[0]
                what = "no scenario" if mech == DEFAULT else f"no {mech} scenario"
                skipped.append(
                    Skipped(targets[0].line, str(key[0]), "", "(proposal)", f"{what}: {reason}")
                )
                if mech == DEFAULT:
                    break  # not scored at all
                continue
            by_number = {
                i.issue: d["id"]
                for i, d in zip(_chosen(data, key, only), spec["issues"], strict=True)
            }
            units.append(Unit(key, mech, scenario, {by_number[i.issue]: i for i in targets}))
    return units


def _chosen(data: DeuData, key: tuple[int, ...], only: list[int] | None) -> list[DeuIssue]:
    return [i for i in data.proposal_issues(key[0]) if only is None or i.issue in only]


def _play(unit: Unit, runs: int, seed: int) -> dict[str, np.ndarray]:
    from sim.model import simulate

    table = simulate(unit.scenario, runs, unit_seed(seed, unit.key))
    return {iid: table[f"value_{iid}"].to_numpy(float) for iid in unit.scored}


def play_units(
    units: list[Unit],
    runs: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[Unit, dict[str, np.ndarray]]]:
    """Each unit with its issues' per-run final values, in the order given."""
    if workers <= 1 or len(units) <= 1:
        for unit in units:
            values = _play(unit, runs, seed)
            if progress is not None:
                progress(len(unit.scored))
            yield unit, values
        return
    with worker_pool(workers) as pool:  # workers die with the run when it is interrupted
        futures = [pool.submit(_play, unit, runs, seed) for unit in units]
        for unit, future in zip(units, futures, strict=True):
            values = future.result()
            if progress is not None:
                progress(len(unit.scored))
            yield unit, values


def default_workers() -> int:
    return max(1, min(4, cores()))
