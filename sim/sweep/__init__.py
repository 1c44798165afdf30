"""Sweeps: one scenario at many points of its parameters (``negsim sweep``, docs/sweep.md)."""

from .design import DESIGNS, SweepError, Vary, parse_vary
from .job import SweepOutput, sweep_job

__all__ = ["DESIGNS", "SweepError", "SweepOutput", "Vary", "parse_vary", "sweep_job"]
