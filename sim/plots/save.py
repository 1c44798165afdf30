"""Turning charts into PNG files or bytes, at one resolution for every chart."""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.figure import Figure

from sim.plots.legible import DPI


def figure_png(fig: Figure) -> bytes:
    """PNG bytes of a chart, so a report can inline it without touching the disk."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write a chart as a 150 dpi PNG: sharp on a projector, small enough to inline."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(figure_png(fig))
    return target
