"""The counter-based generator u = F(seed, run, key, index) (sim/scenario/rng.py).

Statistical sanity (uniform, no correlation between neighbouring runs, keys, indices or
seeds), agreement with the formula written in its docstring, and the property the whole
design rests on: a draw depends on (seed, run, key, index) and nothing else.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.scenario.rng import GOLDEN, key_hash, mix, run_words, uniforms

N = 100_000


def reference(seed: int, run: int, key: str, index: int) -> float:
    """The docstring's formula in plain Python integers, written independently of numpy."""
    m = (1 << 64) - 1

    def f(z: int) -> int:
        z &= m
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
        return z ^ (z >> 31)

    s = f(seed + GOLDEN)
    a = f(s + (run + 1) * GOLDEN)
    b = f(key_hash(key) + (index + 1) * GOLDEN)
    x = f(f(a ^ b) + GOLDEN)
    return ((x >> 11) + 0.5) / 2.0**53


def test_vectorised_generator_is_the_documented_formula():
    runs = np.array([0, 1, 2, 999, 2**31 + 5, 10**12])
    keys = ["hazard.war.1", "actors.a.patience", "beliefs.a.b.x"]
    for seed in (0, 1, 20220107, 2**63 + 11):
        got = uniforms(seed, runs, keys, index=[0, 3, 0])
        for i, r in enumerate(runs):
            for j, (k, idx) in enumerate(zip(keys, [0, 3, 0], strict=True)):
                assert got[i, j] == reference(seed, int(r), k, idx)


def test_scalar_and_array_mixers_agree():
    z = np.array([0, 1, GOLDEN, 2**64 - 1], dtype=np.uint64)
    assert [int(v) for v in run_words(5, np.arange(4))] == [
        mix(mix(5 + GOLDEN) + (r + 1) * GOLDEN) for r in range(4)
    ]
    assert mix(0) == 0 and len({mix(int(v)) for v in z}) == 4


def test_uniform_on_100k_draws():
    u = uniforms(7, np.arange(1000), [f"q.{i}" for i in range(100)]).ravel()
    assert u.size == N
    assert u.min() > 0.0 and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    # Equal-width bins: a chi-square test on 100 bins of 1,000 expected each.
    counts = np.bincount((u * 100).astype(int), minlength=100)
    assert stats.chisquare(counts).pvalue > 1e-3


def _corr_ok(a: np.ndarray, b: np.ndarray) -> None:
    r = np.corrcoef(a, b)[0, 1]
    assert abs(r) < 5 / np.sqrt(len(a)), r  # five standard errors
    # Beyond linear correlation: the pairs fill a 10x10 grid evenly.
    grid = np.histogram2d(a, b, bins=10, range=[[0, 1], [0, 1]])[0].ravel()
    assert stats.chisquare(grid).pvalue > 1e-3


@pytest.mark.parametrize(
    "first,second",
    [
        # neighbouring runs: run r against run r + 1 of one key
        (dict(seed=1, key="hazard.war.3", index=0, shift=1), None),
        # neighbouring keys (paths one character apart) on the same runs
        (dict(seed=1, key="beliefs.a.b.x1", index=0), dict(seed=1, key="beliefs.a.b.x2", index=0)),
        # neighbouring indices of one key
        (
            dict(seed=1, key="settings.belief_noise", index=0),
            dict(seed=1, key="settings.belief_noise", index=1),
        ),
        # neighbouring seeds
        (dict(seed=1, key="actors.a.cost", index=0), dict(seed=2, key="actors.a.cost", index=0)),
    ],
)
def test_no_correlation_between_neighbours(first, second):
    runs = np.arange(N + 1)
    a = uniforms(first["seed"], runs, [first["key"]], first["index"])[:, 0]
    if second is None:
        _corr_ok(a[:-1], a[1:])
    else:
        b = uniforms(second["seed"], runs, [second["key"]], second["index"])[:, 0]
        _corr_ok(a[1:], b[1:])


def test_a_draw_depends_on_its_counters_alone():
    keys = [f"k.{i}" for i in range(7)]
    batch = uniforms(3, np.arange(500), keys)
    for k in (0, 1, 250, 499):
        alone = uniforms(3, np.array([k]), keys)
        assert alone.tobytes() == batch[k : k + 1].tobytes()
    shuffled = np.array([499, 3, 250, 0])
    assert uniforms(3, shuffled, keys).tobytes() == batch[shuffled].tobytes()
    # A key's column is the same whichever other keys are drawn beside it, in any order.
    alone_key = uniforms(3, np.arange(500), ["k.4"])
    assert alone_key[:, 0].tobytes() == batch[:, 4].tobytes()
    reordered = uniforms(3, np.arange(500), keys[::-1])
    assert reordered[:, ::-1].tobytes() == batch.tobytes()


def test_different_seed_runs_or_keys_give_different_numbers():
    a = uniforms(1, np.arange(1000), ["x", "y"])
    assert (a != uniforms(2, np.arange(1000), ["x", "y"])).all()
    assert (a[:, 0] != a[:, 1]).all()
    assert len(np.unique(a)) == a.size
