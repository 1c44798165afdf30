"""Experiments: a master seed and many runs, in chunks, on executors, aggregated as they stream."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .runner import Experiment, default_workers, run_experiment

__all__ = ["Experiment", "default_workers", "run_experiment"]


def __getattr__(name: str):
    # Lazy, so the command line can set up its signal handling (processes.py) without
    # importing the model first; ``--help`` stays quick.
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
