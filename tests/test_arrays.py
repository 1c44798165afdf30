"""The engine's column-by-column sums and tests give numpy's own reductions, bit for bit.

sim/model/arrays.py replaces numpy's reductions over a short axis (slow on [runs, issues]
arrays) by adding columns in order; the golden digests rely on these being the same numbers,
including signed zeros and NaN, so a numpy that changed its summation order would fail here.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.arrays import (
    add_in_order,
    add_up,
    ceiling_at,
    clip,
    floor_at,
    row_all,
    row_any,
    row_count,
    row_sum,
    select,
    spread,
)


@pytest.fixture(autouse=True)
def _quiet():
    """inf - inf and the like are part of the point here: no warnings for them."""
    with np.errstate(all="ignore"):
        yield


def _awkward(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values over twenty orders of magnitude with both signs, signed zeros, NaN and inf."""
    x = rng.standard_normal(shape) * 10.0 ** rng.integers(-10, 10, shape)
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf])
    pick = rng.random(shape)
    x = np.where(pick < 0.05, rng.choice(special, shape), x)
    return np.where(pick > 0.97, -0.0, x)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal bit for bit (so -0.0 differs from 0.0 and NaN equals NaN)."""
    return a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("k", range(1, 12))
def test_row_sum_is_numpys_sum_over_the_last_axis(k):
    rng = np.random.default_rng(k)
    for shape in ((2000, k), (300, 7, k), (k,)):
        x = _awkward(rng, shape)
        assert _same(row_sum(x), np.sum(x, axis=-1))
    assert _same(row_sum(np.full((5, k), -0.0)), np.sum(np.full((5, k), -0.0), axis=-1))


@pytest.mark.parametrize("n", [1, 2, 3, 6, 7, 8, 9, 13])
@pytest.mark.parametrize("k", [1, 2, 6])
def test_add_up_is_numpys_sum_over_a_stack(n, k):
    rng = np.random.default_rng(10 * n + k)
    terms = [_awkward(rng, (1500, k)) for _ in range(n)]
    assert _same(add_up(terms), np.sum(np.stack(terms, axis=-2), axis=-2))
    zeros = [np.full((4, k), -0.0)] * n
    assert _same(add_up(zeros), np.sum(np.stack(zeros, axis=-2), axis=-2))


@pytest.mark.parametrize("k", [1, 2, 6, 20])
def test_row_any_and_row_all_are_numpys(k):
    rng = np.random.default_rng(k)
    for p in (0.05, 0.5, 0.95):
        m = rng.random((3000, k)) < p
        assert _same(row_any(m), m.any(axis=-1))
        assert _same(row_all(m), m.all(axis=-1))


def test_clip_is_numpys_clip_with_array_bounds():
    rng = np.random.default_rng(3)
    x, low, high = (_awkward(rng, (5000, 6)) for _ in range(3))
    assert _same(clip(x, low, high), np.clip(x, low, high))
    assert _same(clip(x, low[:, :1], high[:, :1]), np.clip(x, low[:, :1], high[:, :1]))


@pytest.mark.parametrize("k", [1, 2, 6, 20])
def test_row_count_is_numpys_sum_of_a_mask(k):
    m = np.random.default_rng(k).random((3000, k)) < 0.4
    assert _same(row_count(m), m.sum(axis=-1))


def test_select_is_numpys_where_bit_for_bit():
    rng = np.random.default_rng(4)
    a, b = _awkward(rng, (4000, 6)), _awkward(rng, (4000, 6))
    nan_payload = np.array([0x7FF8000000000123], dtype=np.int64).view(np.float64)[0]
    a[::97, 1] = nan_payload
    mask = rng.random((4000, 6)) < 0.5
    cases = [
        (mask, a, b),
        (mask, a, 0.0),
        (mask, -0.0, b),
        (mask[:, :1], a, b),  # a mask per run
        (mask[:, 0, None], a[:, :1], b),  # both broadcast
        (mask, a[:1], b[:, :1]),
        (mask, 1.0, np.inf),
    ]
    for m, x, y in cases:
        assert _same(select(m, x, y), np.where(m, x, y))
    # Anything but float64 is np.where's own business.
    assert _same(select(mask, mask, False), np.where(mask, mask, False))


@pytest.mark.parametrize("k", [1, 2, 6, 7, 8, 11])
def test_add_in_order_is_numpys_sum_over_the_last_axis_of_the_broadcast(k):
    rng = np.random.default_rng(20 + k)
    terms = [_awkward(rng, (700, 41) if j % 3 else (700, 1)) for j in range(k)]
    full = np.stack(np.broadcast_arrays(*terms), axis=-1)
    assert _same(add_in_order(terms), np.sum(full, axis=-1))


@pytest.mark.parametrize("shape", [(7,), (1000, 6), (3, 5, 2), (0, 6), (200_000, 6)])
@pytest.mark.parametrize("value", [0.0, -0.0, 100.0, np.inf, np.nan])
def test_floor_and_ceiling_at_a_number_are_numpys_maximum_and_minimum(shape, value):
    x = _awkward(np.random.default_rng(len(shape)), shape)
    assert _same(floor_at(x, value), np.maximum(x, value))
    assert _same(ceiling_at(x, value), np.minimum(x, value))
    out = np.empty_like(x)
    assert floor_at(x, value, out=out) is out and _same(out, np.maximum(x, value))


@pytest.mark.parametrize("k", [1, 6])
def test_a_spread_column_meets_an_array_as_its_broadcast_does(k):
    rng = np.random.default_rng(k)
    column, x = _awkward(rng, (500,)), _awkward(rng, (500, k))
    wide = spread(column, k)
    assert wide.shape == (500, k) and wide.flags.c_contiguous
    for op in (np.subtract, np.multiply, np.maximum):
        assert _same(op(x, wide), op(x, column[:, None]))
