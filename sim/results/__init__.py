"""The results folder: written atomically, read back, with its manifest."""

from .store import (
    Results,
    ResultsError,
    ResultsFolder,
    default_target,
    joined,
    load_results,
    sha256,
)

__all__ = [
    "Results",
    "ResultsError",
    "ResultsFolder",
    "default_target",
    "joined",
    "load_results",
    "sha256",
]
