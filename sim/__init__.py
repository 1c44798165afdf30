"""negsim: simulate diplomatic negotiations between states, many runs at a time.

The notebook API, imported lazily so ``import sim`` (and ``negsim --help``) stays quick::

    import sim
    scenario = sim.load_scenario("path/to/scenario.yaml")
    outcomes = sim.simulate(scenario, runs=1000, seed=1)   # one row per run (pandas)
    print(sim.narrate(scenario, seed=1, run=0))            # run 0 told in words
    cheaper = sim.with_overrides(scenario, {"settings.belief_noise": 0})
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    "load_scenario": "sim.scenario",
    "scenario_from_dict": "sim.scenario",
    "Scenario": "sim.scenario",
    "with_overrides": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "simulate": "sim.model",
    "Talks": "sim.model",
    "run_experiment": "sim.experiment",
    "narrate": "sim.report.narrate",
    "summarize": "sim.analysis",
    "load_results": "sim.results",
}

__all__ = list(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
