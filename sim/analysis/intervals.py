"""Intervals for shares of runs and for differences between scenarios.

Wilson's score interval (Wilson 1927) keeps its coverage near 0 and 1, where outcomes such as
armed conflict often sit; the difference between two independent shares uses Newcombe's
hybrid score interval (Newcombe 1998, method 10) built from the two Wilson intervals; when two
scenarios are run with common random numbers (same seed, same runs) the runs are paired and
the difference uses the paired (per-run) standard error, which is what makes small effects
visible with few runs.
"""

from __future__ import annotations

import numpy as np

Z95 = 1.959963984540054


def wilson(successes: np.ndarray | int, n: int, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial share ``successes / n``."""
    k = np.asarray(successes, dtype=float)
    if n <= 0:
        return np.full(k.shape, np.nan), np.full(k.shape, np.nan)
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    # The interval always contains p; clip away rounding that would say otherwise at 0 and n.
    return np.clip(np.minimum(centre - half, p), 0, 1), np.clip(np.maximum(centre + half, p), 0, 1)


def newcombe(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> tuple[float, float, float]:
    """Difference ``p2 - p1`` of two independent shares with Newcombe's hybrid interval."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, z)
    l2, u2 = wilson(k2, n2, z)
    d = p2 - p1
    low = d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return float(d), float(low), float(high)


def paired_difference(a: np.ndarray, b: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Difference of the means of paired 0/1 indicators ``b - a`` (runs matched by index).

    Uses the per-run differences' standard error; with common random numbers most runs agree
    and the interval is much narrower than for independent samples.
    """
    d = b.astype(float) - a.astype(float)
    n = len(d)
    mean = float(d.mean())
    if n < 2:
        return mean, float("nan"), float("nan")
    se = float(d.std(ddof=1)) / np.sqrt(n)
    if se == 0.0:
        # Every run agrees: use the Wilson half-width of the discordant share (zero of n).
        _, high = wilson(0, n, z)
        return mean, mean - float(high), mean + float(high)
    return mean, mean - z * se, mean + z * se
