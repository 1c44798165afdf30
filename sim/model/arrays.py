"""Sums and tests over a short axis, written as the same numbers numpy's reductions give.

numpy reduces an [R, K] array along its last axis one row at a time: with K = 6 issues that
costs about ten elementwise passes (0.3 ms for 10,000 runs), ``np.sum(stack, axis=-2)`` over
the actors of a table costs more, and the engine does both hundreds of times a batch. Adding
the columns (or the actors' arrays) one after another is a handful of cheap passes.

They are the same numbers, not close ones: numpy adds fewer than ``PAIRWISE`` contiguous
elements left to right starting from 0.0, and accumulates a reduction over an outer axis in
order; from ``PAIRWISE`` contiguous elements on it sums pairwise, so those cases are left to
numpy. tests/test_arrays.py holds these helpers to numpy's own results.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

PAIRWISE = 8  # numpy sums this many contiguous elements or more pairwise (not in order)
COLUMNS = 16  # beyond this many columns a boolean test is left to numpy (same answer)


def row_sum(x: np.ndarray) -> np.ndarray:
    """``np.sum(x, axis=-1)`` for x [..., K]: the K columns added in order."""
    k = x.shape[-1]
    if x.ndim < 2 or not 2 <= k < PAIRWISE:  # one package: nothing to gain
        return np.sum(x, axis=-1)
    out = x[..., 0] + x[..., 1]
    for j in range(2, k):
        np.add(out, x[..., j], out=out)
    # numpy starts from +0.0, so a sum of negative zeros is +0.0 there: the same here.
    return np.add(out, 0.0, out=out)


def add_up(terms: Sequence[np.ndarray]) -> np.ndarray:
    """``np.sum(np.stack(terms, axis=-2), axis=-2)`` for terms [..., K], without the stack."""
    if len(terms) < 2 or (len(terms) >= PAIRWISE and terms[0].shape[-1] == 1):
        return np.sum(np.stack(terms, axis=-2), axis=-2)
    out = terms[0] + terms[1]
    for term in terms[2:]:
        np.add(out, term, out=out)
    return np.add(out, 0.0, out=out)  # +0.0 as numpy's, as in row_sum


def add_in_order(terms: Sequence[np.ndarray]) -> np.ndarray:
    """``np.sum(x, axis=-1)`` where x's last-axis entries are ``terms`` (arrays that broadcast
    together, some maybe smaller), without building x."""
    if not 2 <= len(terms) < PAIRWISE:
        return np.sum(np.stack(np.broadcast_arrays(*terms), axis=-1), axis=-1)
    out = terms[0] + terms[1]
    for term in terms[2:]:
        out = np.add(
            out, term, out=out if out.shape == np.broadcast_shapes(out.shape, term.shape) else None
        )
    return np.add(out, 0.0, out=out)  # +0.0 as numpy's, as in row_sum


def row_any(mask: np.ndarray) -> np.ndarray:
    """``mask.any(axis=-1)`` for a boolean mask [..., K], column by column."""
    if mask.ndim < 2 or not 2 <= mask.shape[-1] <= COLUMNS:
        return mask.any(axis=-1)
    out = mask[..., 0] | mask[..., 1]
    for j in range(2, mask.shape[-1]):
        out |= mask[..., j]
    return out


def row_all(mask: np.ndarray) -> np.ndarray:
    """``mask.all(axis=-1)`` for a boolean mask [..., K], column by column."""
    if mask.ndim < 2 or not 2 <= mask.shape[-1] <= COLUMNS:
        return mask.all(axis=-1)
    out = mask[..., 0] & mask[..., 1]
    for j in range(2, mask.shape[-1]):
        out &= mask[..., j]
    return out


def row_count(mask: np.ndarray) -> np.ndarray:
    """``mask.sum(axis=-1)`` for a boolean mask [..., K]: how many are set, column by column."""
    if mask.ndim < 2 or not 2 <= mask.shape[-1] <= COLUMNS:
        return mask.sum(axis=-1)
    out = np.add(mask[..., 0], mask[..., 1], dtype=np.int64)
    for j in range(2, mask.shape[-1]):
        np.add(out, mask[..., j], out=out)
    return out


def clip(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """``np.clip(x, low, high)`` for array bounds: ``min(max(x, low), high)``, the value numpy
    documents, in a fresh array (np.clip takes a slow path, about 4x, with array bounds)."""
    out = np.maximum(x, low)
    return np.minimum(out, high, out=out)


def select(mask: np.ndarray, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """``np.where(mask, a, b)`` for float64 values, bit for bit, without a branch per element.

    numpy's where (and copyto, putmask) branch on every element: on a mask that follows the
    data (which issues a run settled, whose offer passed) mispredicted branches make them
    five to ten times slower than an arithmetic pass. Here each result's bits are picked
    with integer masks, ``b ^ ((a ^ b) & m)``, m all ones where ``mask`` holds.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != np.float64 or b.dtype != np.float64:
        return np.where(mask, a, b)
    shape = np.broadcast_shapes(np.shape(mask), a.shape, b.shape)
    m = np.asarray(mask).astype(np.int64)
    np.negative(m, out=m)  # 1 -> all ones
    ai, bi = a.view(np.int64), b.view(np.int64)
    bits = np.bitwise_xor(ai, bi)
    bits = np.bitwise_and(bits, m, out=bits if bits.shape == shape else None)
    bits ^= bi
    return bits.view(np.float64)


# Filled arrays of more elements than this are made afresh, not kept: the cache then holds at
# most 8 arrays of 8 MB after the batches that asked for them are gone.
FILLED_CACHED = 1 << 20


def _filled(shape: tuple[int, ...], value: float) -> np.ndarray:
    if int(np.prod(shape)) > FILLED_CACHED:
        return np.full(shape, value)
    # Keyed by the number's exact bits: 0.0 == -0.0, and NaN equals nothing.
    return _filled_by_bits(shape, float(value).hex())


@lru_cache(maxsize=8)
def _filled_by_bits(shape: tuple[int, ...], bits: str) -> np.ndarray:
    a = np.full(shape, float.fromhex(bits))
    a.flags.writeable = False
    return a


def floor_at(x: np.ndarray, value: float, out: np.ndarray | None = None) -> np.ndarray:
    """``np.maximum(x, value)`` for a number ``value``, the same bits.

    numpy's maximum and minimum take a plain loop, about four times slower, when one operand
    is a number (or any broadcast one), and a vector loop when both are whole arrays: so the
    number is given as a whole array of it, kept per shape (the engine asks for the same few
    shapes, [runs, issues] of a batch, thousands of times)."""
    return np.maximum(x, _filled(x.shape, value), out=out)


def ceiling_at(x: np.ndarray, value: float, out: np.ndarray | None = None) -> np.ndarray:
    """``np.minimum(x, value)`` for a number ``value``, the same bits (``floor_at``)."""
    return np.minimum(x, _filled(x.shape, value), out=out)


def spread(column: np.ndarray, k: int) -> np.ndarray:
    """``column`` [R] as a whole [R, k] array, each row its value k times.

    numpy broadcasts ``column[:, None]`` against an [R, k] array one row at a time (an inner
    loop of k elements): about three times slower than two whole arrays. A column that
    meets [R, k] arrays twice or more is cheaper spread once.
    """
    return np.repeat(column[:, None], k, axis=1)
