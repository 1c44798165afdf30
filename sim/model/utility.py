"""Utility over packages: salience-weighted distance from a reference point (docs/model.md, 1).

``U(p) = 1 - sum_k s_k |p_k - x_k| / 100`` with saliences normalised to sum to 1, so U lies in
[0, 1]: 1 at the actor's own point, 0 at the far end of every issue it cares about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .arrays import add_up, row_sum


def utility(point: np.ndarray, salience: np.ndarray, package: np.ndarray) -> np.ndarray:
    """Utility of ``package`` [..., K] for an actor at ``point`` with ``salience`` [..., K].

    Leading axes broadcast, so one call scores many candidate packages for all runs.
    """
    return utility_of_gaps(weighted_gaps(point, salience, package))


def weighted_gaps(point: np.ndarray, salience: np.ndarray, package: np.ndarray) -> np.ndarray:
    """``s_k |p_k - x_k|`` [..., K]: what each issue takes off the utility (times 100)."""
    gaps = np.abs(package - point)
    fits = gaps.shape == np.broadcast_shapes(gaps.shape, np.shape(salience))
    return np.multiply(gaps, salience, out=gaps if fits else None)  # in one buffer if it fits


def utility_of_gaps(gaps: np.ndarray) -> np.ndarray:
    """``1 - sum_k gaps_k / 100``: the utility, for a caller that needs the gaps as well."""
    return 1.0 - row_sum(gaps) / 100.0


def compromise_point(
    capability: np.ndarray, salience: np.ndarray, position: np.ndarray, fallback: np.ndarray
) -> np.ndarray:
    """The capability-and-salience weighted mean of positions (Achen 2006; Stokman 1994).

    ``capability`` [..., N], ``salience`` and ``position`` [..., N, K]; returns [..., K].
    Where no actor cares about an issue the fallback (the current value) stands.
    """
    n = capability.shape[-1]
    weights = compromise_weights(
        [capability[..., j] for j in range(n)], [salience[..., j, :] for j in range(n)]
    )
    return weighted_position(weights, [position[..., j, :] for j in range(n)], fallback)


@dataclass
class CompromiseWeights:
    """The weights of ``compromise_point`` for one table, with what only they decide: fixed
    through a run, so a mechanism computes them once and reuses them every round."""

    each: list[np.ndarray]  # [..., K] per actor at the table: capability x salience
    cares: np.ndarray  # [..., K] someone at the table cares about the issue (total > 0)
    divisor: np.ndarray  # [..., K] the total where it is positive, else 1
    everywhere: bool = False  # someone cares about every issue in every run


def compromise_weights(
    capability: Sequence[np.ndarray], salience: Sequence[np.ndarray]
) -> CompromiseWeights:
    """Weights from each actor's capability [...] and salience [..., K], in table order."""
    each = [c[..., None] * s for c, s in zip(capability, salience, strict=True)]
    total = add_up(each)  # the sum over the table, without stacking it
    cares = total > 0
    return CompromiseWeights(each, cares, np.where(cares, total, 1.0), bool(cares.all()))


def weighted_position(
    weights: CompromiseWeights, position: Sequence[np.ndarray], fallback: np.ndarray
) -> np.ndarray:
    """``compromise_point`` from weights ``compromise_weights`` made and each actor's
    position [..., K] in the same order."""
    mean = add_up([w * x for w, x in zip(weights.each, position, strict=True)])
    mean /= weights.divisor
    if weights.everywhere and mean.shape == np.shape(fallback):
        return mean  # the fallback is never taken
    return np.where(weights.cares, mean, fallback)
