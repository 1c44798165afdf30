"""Optional analysis libraries (the ``negsim[analysis]`` extra), asked for by name."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """An optional library a command needs is not installed; the message says how to add it."""


def require(module: str, purpose: str) -> ModuleType:
    """Import an optional library, or say in one line what to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"{purpose} needs the Python package {module}, which is not installed: "
            "pip install 'negsim[analysis]'"
        ) from None
