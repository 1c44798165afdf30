"""Where a person's result falls among the simulated runs of the same actor."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.talks import simulate
from sim.scenario.schema import Scenario

DEBRIEF_RUNS = 1000


@dataclass
class Debrief:
    actor: str
    utility: float
    better_than: float  # share of simulated runs in which the actor did strictly worse
    as_good: float  # share in which it did exactly as well (ties, e.g. the same stalemate)
    simulated: pd.DataFrame  # the runs compared against (outcomes table)

    def sentence(self) -> str:
        share = f"{100 * self.better_than:.0f}%"
        line = f"{self.utility:.2f} is better than {share} of simulated {self.actor}s"
        if round(100 * self.as_good) >= 1:
            line += f" (and as good as another {100 * self.as_good:.0f}%)"
        return line + "."


def debrief(
    scenario: Scenario, actor: str, utility: float, seed: int, runs: int = DEBRIEF_RUNS
) -> Debrief:
    """Compare ``utility`` with ``actor``'s utility over ``runs`` simulated runs of seed ``seed``.

    The runs are the same experiment ``negsim run --seed S --runs N`` plays, so a student can
    open its report and see the runs the debrief counted.
    """
    table = simulate(scenario, runs, seed)
    col = table[f"utility_{actor}"].to_numpy()
    close = np.isclose(col, utility, atol=1e-9)
    name = next(a.name for a in scenario.actors if a.id == actor)
    return Debrief(
        actor=name,
        utility=utility,
        better_than=float(np.mean((col < utility) & ~close)),
        as_good=float(np.mean(close)),
        simulated=table,
    )
