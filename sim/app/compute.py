"""What the page shows, computed without any web framework: distributions and one stepped run.

A slider move recomputes 1,000 runs of the moved scenario with the page's seed (about 0.4 s on
the baseline), so the moved and the unmodified distributions share their random numbers and
differ only by the levers (common random numbers, as ``negsim compare`` pairs runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.intervals import wilson
from sim.model.outcomes import OUTCOMES
from sim.model.talks import Talks, simulate
from sim.report.narrate import Narrator
from sim.scenario.schema import Scenario

PAGE_RUNS = 1000
PAGE_SEED = 20220107  # the CLI's default seed, so `negsim run` reproduces what the page shows


@dataclass(frozen=True)
class Distribution:
    """Outcome shares of ``runs`` runs with 95% Wilson intervals, and the runs themselves."""

    runs: int
    shares: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]
    table: pd.DataFrame = field(repr=False)

    def rows(self) -> list[tuple[str, str, str]]:
        """(outcome, share, interval) as text, for the small table beside the chart."""
        return [
            (
                o.replace("_", " "),
                f"{100 * self.shares[o]:.1f}%",
                f"{100 * self.low[o]:.1f}–{100 * self.high[o]:.1f}%",
            )
            for o in OUTCOMES
        ]


def distribution(scenario: Scenario, runs: int = PAGE_RUNS, seed: int = PAGE_SEED) -> Distribution:
    """Play ``runs`` runs and count how they ended."""
    table = simulate(scenario, runs, seed)
    counts = table["outcome"].value_counts().reindex(list(OUTCOMES), fill_value=0)
    low, high = wilson(counts.to_numpy(), runs)
    return Distribution(
        runs=runs,
        shares={o: counts[o] / runs for o in OUTCOMES},
        low=dict(zip(OUTCOMES, low.tolist(), strict=True)),
        high=dict(zip(OUTCOMES, high.tolist(), strict=True)),
        table=table,
    )


def pick_run(dist: Distribution, outcome: str, after: int = -1) -> int | None:
    """The first run after ``after`` that ended in ``outcome`` (wrapping round), if any."""
    runs = dist.table.loc[dist.table["outcome"] == outcome, "run"].to_numpy()
    if not len(runs):
        return None
    later = runs[runs > after]
    return int(later[0] if len(later) else runs[0])


class SteppedRun:
    """Run ``run`` of the page's experiment played one round per ``step``, told in words."""

    def __init__(self, scenario: Scenario, run: int, seed: int = PAGE_SEED):
        self.scenario = scenario
        self.run = run
        self.talks = Talks(scenario, seed, np.array([run]))
        self.narrator = Narrator(scenario, self.talks)
        self.narrator.opening(seed, run)
        self.paragraphs: list[list[str]] = [self.narrator.lines]
        self.positions = [self.talks.positions()[0].copy()]  # [N, K] before each round

    @property
    def done(self) -> bool:
        return self.talks.done

    @property
    def outcome(self) -> str | None:
        code = int(self.talks.outcome[0])
        return OUTCOMES[code] if code >= 0 else None

    def step(self) -> None:
        if self.done:
            return
        self.narrator.lines = []
        self.talks.step()
        self.narrator.round(self.talks.record)
        self.paragraphs.append(self.narrator.lines)
        self.positions.append(self.talks.positions()[0].copy())

    def history(self) -> np.ndarray:
        """Announced positions [rounds played + 1, N, K]."""
        return np.stack(self.positions)
