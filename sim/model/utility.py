"""Utility over packages: salience-weighted distance from a reference point (docs/model.md, 1).

``U(p) = 1 - sum_k s_k |p_k - x_k| / 100`` with saliences normalised to sum to 1, so U lies in
[0, 1]: 1 at the actor's own point, 0 at the far end of every issue it cares about.
"""

from __future__ import annotations

import numpy as np


def utility(point: np.ndarray, salience: np.ndarray, package: np.ndarray) -> np.ndarray:
    """Utility of ``package`` [..., K] for an actor at ``point`` with ``salience`` [..., K].

    Leading axes broadcast, so one call scores many candidate packages for all runs.
    """
    return 1.0 - np.sum(salience * np.abs(package - point), axis=-1) / 100.0


def within(low: np.ndarray, high: np.ndarray, package: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Whether every masked issue of ``package`` lies inside [low, high] (red lines kept)."""
    inside = (package >= low - 1e-9) & (package <= high + 1e-9)
    return np.all(inside | ~mask, axis=-1)


def compromise_point(
    capability: np.ndarray, salience: np.ndarray, position: np.ndarray, fallback: np.ndarray
) -> np.ndarray:
    """The capability-and-salience weighted mean of positions (Achen 2006; Stokman 1994).

    ``capability`` [..., N], ``salience`` and ``position`` [..., N, K]; returns [..., K].
    Where no actor cares about an issue the fallback (the current value) stands.
    """
    return weighted_position(compromise_weights(capability, salience), position, fallback)


def compromise_weights(
    capability: np.ndarray, salience: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The weights of ``compromise_point`` and their totals per issue: fixed for a table
    through a run, so a mechanism computes them once and reuses them every round."""
    w = capability[..., None] * salience
    return w, w.sum(axis=-2)


def weighted_position(
    weights: tuple[np.ndarray, np.ndarray], position: np.ndarray, fallback: np.ndarray
) -> np.ndarray:
    """``compromise_point`` from weights ``compromise_weights`` made."""
    w, total = weights
    mean = (w * position).sum(axis=-2) / np.where(total > 0, total, 1.0)
    return np.where(total > 0, mean, fallback)
