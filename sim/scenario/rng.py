"""Random numbers keyed by what they are for: u = F(seed, run, key, index), for many runs at once.

A run must see the same draw for the same quantity whatever else a scenario contains, so a
variant, a sweep point or an override that adds, removes or fixes one distribution leaves every
other draw of every run untouched (common random numbers that are common in fact). Handing out
one stream's numbers by position cannot do that; a counter-based generator can: each uniform is
a pure function of four counters, evaluated for all runs of a batch with numpy uint64 arithmetic.

The function is built from SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
number generators", OOPSLA 2014; the output function is Stafford's "Mix13" variant of the
MurmurHash3 finaliser, and the same generator numpy uses to seed and Java ships as
``SplittableRandom``)::

    S         = mix(seed + G)                      # the experiment's stream
    A[run]    = mix(S + (run + 1) * G)             # SplitMix64's (run+1)-th output from S
    B[key, i] = mix(hash(key) + (i + 1) * G)       # SplitMix64's (i+1)-th output from the key
    x         = mix(mix(A[run] ^ B[key, i]) + G)   # two finalising rounds
    u         = ((x >> 11) + 0.5) / 2**53          # 53 bits, strictly inside (0, 1)

with G = 0x9E3779B97F4A7C15 (the golden-ratio increment) and ``hash(key)`` the first 8 bytes
of BLAKE2b of the quantity's scenario path (``actors.<actor id>.military_option.cost``).

Why it is adequate here: SplitMix64 passes BigCrush and PractRand as a sequential generator;
the A and B words are its outputs, so they are equidistributed 64-bit words, and two cells
(run, key) collide only if their 64-bit words do (odds about 2^-64 per pair). The two finaliser
rounds break the XOR structure between cells of one batch (A[r] ^ B[c] ^ A[r'] ^ B[c'] = 0),
each round being a bijection with full avalanche. These numbers drive Monte Carlo draws of at
most a few hundred quantities per run, not cryptography; tests/test_rng.py checks uniformity
(KS on 100,000 draws) and the absence of correlation between neighbouring runs, keys and
indices. The cost is a dozen vectorised passes over a [runs, quantities] array: no per-run
Generator objects, and run k's numbers do not depend on the batch it is played in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

# How a run's random numbers are made, as recorded in every manifest (bump on any change).
DRAWS = "keyed-splitmix64/1: u = F(seed, run, scenario path, index), sim/scenario/rng.py"
MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
M1 = 0xBF58476D1CE4E5B9
M2 = 0x94D049BB133111EB
BLOCK = 32768  # cells per block of uniforms: 256 KiB of uint64, within a core's L2 cache


def mix(z: int) -> int:
    """SplitMix64's finaliser on one Python int (the scalar half: seeds and keys)."""
    z &= MASK
    z = ((z ^ (z >> 30)) * M1) & MASK
    z = ((z ^ (z >> 27)) * M2) & MASK
    return z ^ (z >> 31)


def _mix_inplace(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on a uint64 array, in place (numpy wraps uint64 products)."""
    tmp = np.empty_like(z)
    for shift, mult in ((30, M1), (27, M2)):
        np.right_shift(z, np.uint64(shift), out=tmp)
        np.bitwise_xor(z, tmp, out=z)
        np.multiply(z, np.uint64(mult), out=z)
    np.right_shift(z, np.uint64(31), out=tmp)
    np.bitwise_xor(z, tmp, out=z)
    return z


@lru_cache(maxsize=65536)
def key_hash(key: str) -> int:
    """A stable 64-bit hash of a quantity's path (the same on every machine and version)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


@lru_cache(maxsize=65536)
def key_word(key: str, index: int = 0) -> int:
    """B[key, index]: the key's part of the counter, computed once per quantity (and kept:
    every batch of a scenario asks for the same few thousand)."""
    return mix(key_hash(key) + (index + 1) * GOLDEN)


def run_words(seed: int, runs: np.ndarray) -> np.ndarray:
    """A[run]: the run's part of the counter, for every run of a batch."""
    stream = np.uint64(mix(seed + GOLDEN))
    words = np.asarray(runs, dtype=np.uint64) + np.uint64(1)
    np.multiply(words, np.uint64(GOLDEN), out=words)
    np.add(words, stream, out=words)
    return _mix_inplace(words)


def uniforms(
    seed: int, runs: np.ndarray, keys: Sequence[str], index: Sequence[int] | int = 0
) -> np.ndarray:
    """u[r, j] = F(seed, runs[r], keys[j], index[j]): uniforms strictly inside (0, 1).

    ``index`` tells apart several draws of one quantity (0 when it is drawn once per run).
    """
    idx = [index] * len(keys) if isinstance(index, int) else list(index)
    b = np.array([key_word(k, i) for k, i in zip(keys, idx, strict=True)], dtype=np.uint64)
    a = run_words(seed, runs)
    u = np.empty((len(a), len(b)))
    # A block of runs at a time: the dozen passes then stay in the CPU's cache (twice as fast
    # as passes over the whole [runs, keys] array); each cell's arithmetic is the same.
    step = max(1, BLOCK // max(1, len(b)))
    for start in range(0, len(a), step):
        x = a[start : start + step, None] ^ b[None, :]
        _mix_inplace(x)
        np.add(x, np.uint64(GOLDEN), out=x)
        _mix_inplace(x)
        np.right_shift(x, np.uint64(11), out=x)
        block = u[start : start + step]
        block[...] = x
        block += 0.5
        block *= 2.0**-53
    return u
