"""Experiments: master seed to per-run streams, chunks, executors, streaming aggregation."""

from .runner import Experiment, default_workers, run_experiment

__all__ = ["Experiment", "default_workers", "run_experiment"]
