"""Backtests: negsim's forecasts of real negotiations scored against what happened.

A job-level package (like ``sim.jobs``): it reads data with ``sim.importers``, plays scenarios
with the model, scores with ``scoring`` and writes a results folder with ``sim.results``.
"""

from .job import BacktestError, BacktestOutput, backtest_job
from .references import REFERENCES, reference_forecasts
from .scoring import crps_ensemble, paired_bootstrap, score_table

__all__ = [
    "REFERENCES",
    "BacktestError",
    "BacktestOutput",
    "backtest_job",
    "crps_ensemble",
    "paired_bootstrap",
    "reference_forecasts",
    "score_table",
]
