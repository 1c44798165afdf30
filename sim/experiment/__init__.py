"""Experiments: a master seed and many runs, in chunks, on executors, aggregated as they stream."""

from .runner import Experiment, default_workers, run_experiment

__all__ = ["Experiment", "default_workers", "run_experiment"]
