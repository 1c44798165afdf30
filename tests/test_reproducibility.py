"""Reproducibility (DESIGN section 3, "Randomness").

- One master seed per experiment; run k's draws are functions of (seed, k, the quantity's path)
  alone (sim/scenario/rng.py), so run k is bit-for-bit the same played alone, among 10 runs or
  among 1,000, in any order.
- The same seed gives byte-identical result tables and per-round aggregates for any chunk size
  and 1 or 2 workers; the first 100 runs of a 1,000-run experiment are a 100-run experiment.
- A different seed gives different results.
- No global random state anywhere in sim/: no ``random`` module, no ``np.random.<function>``,
  no unseeded generator.
"""

from __future__ import annotations

import ast
import functools
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from sim.experiment import run_experiment
from sim.model.talks import Talks, simulate
from sim.scenario import load_scenario

from .strategies import build, scenario_dicts, to_yaml

HERE = Path(__file__).parent
REPO = HERE.parent
SIM = REPO / "sim"
SCENARIOS = {
    "baseline": REPO / "scenarios" / "nato_russia_2022.yaml",
    "cuba": REPO / "scenarios" / "cuban_missile_crisis_1962.yaml",
    "minimal": HERE / "data" / "valid_minimal.yaml",
}
SEED = 20220107
RUNS_IN_BATCH = (0, 3, 9)  # run indices checked inside R = 10 (and R = 1 and R = 1,000)
RUNS_IN_LARGE = (0, 3, 9, 517, 999)  # run indices checked inside R = 1,000


@functools.cache
def scenario(name: str):
    return load_scenario(SCENARIOS[name])


@functools.cache
def outcomes(name: str, runs: int | tuple[int, ...], seed: int = SEED) -> pd.DataFrame:
    """``simulate`` for a count of runs or an explicit tuple of run indices (cached)."""
    return simulate(scenario(name), runs if isinstance(runs, int) else np.array(runs), seed)


@functools.cache
def experiment(name: str, runs: int, workers: int, chunk: int | None, seed: int = SEED):
    return run_experiment(scenario(name), runs, seed, workers=workers, chunk=chunk)


def row_bits(df: pd.DataFrame, i: int) -> dict[str, bytes | str]:
    """Row ``i`` as raw bytes per column (categoricals by label): equality is bitwise."""
    out: dict[str, bytes | str] = {}
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = str(s.iloc[i])
        else:
            out[col] = (
                f"{s.dtype}:".encode() + np.ascontiguousarray(s.to_numpy()[i : i + 1]).tobytes()
            )
    return out


def assert_same_run(a: pd.DataFrame, i: int, b: pd.DataFrame, j: int) -> None:
    assert list(a.columns) == list(b.columns)
    left, right = row_bits(a, i), row_bits(b, j)
    diff = [c for c in left if left[c] != right[c]]
    assert not diff, f"run differs in {diff}:\n{a.iloc[i]}\n---\n{b.iloc[j]}"


# ---- the same seed, the same results -------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_same_seed_same_outcomes(name):
    first = simulate(scenario(name), 300, SEED)
    again = simulate(scenario(name), 300, SEED)
    assert_frame_equal(first, again, check_exact=True)
    assert first.to_csv(index=False) == again.to_csv(index=False)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_different_seed_different_results(name):
    a, b = outcomes(name, 1000), outcomes(name, 1000, SEED + 1)
    assert not a.equals(b)
    utilities = [c for c in a.columns if c.startswith("utility_")]
    differs = (a[utilities].to_numpy() != b[utilities].to_numpy()).any(axis=1)
    assert differs.mean() > 0.5, "most runs should differ under another seed"


# ---- run k is run k, whatever else is played -----------------------------------------------------
@pytest.mark.parametrize("name", ["baseline", "cuba"])
@pytest.mark.parametrize("k", RUNS_IN_LARGE)
def test_run_is_identical_alone_among_10_and_among_1000(name, k):
    alone = outcomes(name, (k,))
    assert len(alone) == 1 and alone["run"].iloc[0] == k
    large = outcomes(name, 1000)
    assert_same_run(alone, 0, large, k)
    if k < 10:
        assert_same_run(alone, 0, outcomes(name, 10), k)


@pytest.mark.parametrize("name", ["baseline", "cuba"])
def test_run_is_identical_in_any_batch_order(name):
    runs = (999, 9, 517, 3, 42, 0, 10)
    mixed = outcomes(name, runs)
    large = outcomes(name, 1000)
    assert mixed["run"].tolist() == list(runs)
    for i, k in enumerate(runs):
        assert_same_run(mixed, i, large, k)


@pytest.mark.parametrize("name", ["baseline", "cuba"])
def test_run_trajectory_is_identical_alone_and_among_1000(name):
    """Round by round, run k's positions, tension and values do not depend on the batch."""
    k = 517
    alone, batch = Talks(scenario(name), SEED, np.array([k])), Talks(scenario(name), SEED, 1000)
    while not alone.done:
        alone.step()
        batch.step()
        a, b = alone.record, batch.record
        assert a.positions_after[0].tobytes() == b.positions_after[k].tobytes(), a.t
        assert a.tension_after[0:1].tobytes() == b.tension_after[k : k + 1].tobytes(), a.t
        assert alone.values[0].tobytes() == batch.values[k].tobytes(), a.t
        assert a.ended[0] == b.ended[k], a.t
    assert batch.outcome[k] == alone.outcome[0]
    assert batch.rounds[k] == alone.rounds[0]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario_dicts(), st.integers(0, 2**32 - 1), st.permutations(range(20)), st.data())
def test_generated_scenarios_run_alone_equals_run_in_batch(data, seed, order, picks):
    note(f"seed: {seed}\n--- scenario ---\n{to_yaml(data)}")
    sc = build(data)
    batch = simulate(sc, 20, seed)
    shuffled = simulate(sc, np.array(order), seed)
    for k in picks.draw(st.lists(st.integers(0, 19), min_size=1, max_size=3, unique=True)):
        alone = simulate(sc, np.array([k]), seed)
        assert_same_run(alone, 0, batch, k)
        assert_same_run(shuffled, order.index(k), batch, k)


# ---- experiments: chunks and workers change the speed, never the results ---------------------
EXPERIMENT_RUNS = {"baseline": 1000, "cuba": 400}
CONFIGS = list(itertools.product((1, 2), (7, 100, 1000)))


@pytest.mark.parametrize("name", sorted(EXPERIMENT_RUNS))
@pytest.mark.parametrize(("workers", "chunk"), CONFIGS)
def test_experiment_is_the_same_for_any_chunk_size_and_worker_count(name, workers, chunk):
    runs = EXPERIMENT_RUNS[name]
    reference = experiment(name, runs, 1, None)
    exp = experiment(name, runs, workers, chunk)
    assert exp.outcomes.to_csv(index=False) == reference.outcomes.to_csv(index=False)
    assert_frame_equal(exp.outcomes, reference.outcomes, check_exact=True)
    for field in ("positions", "tension", "ended", "active"):
        got, want = getattr(exp.stats, field), getattr(reference.stats, field)
        assert got.shape == want.shape and np.array_equal(got, want), field
    assert exp.meetings == reference.meetings


@pytest.mark.parametrize("name", sorted(EXPERIMENT_RUNS))
def test_experiment_table_is_the_simulated_table(name):
    runs = EXPERIMENT_RUNS[name]
    table = experiment(name, runs, 1, None).outcomes
    assert table.to_csv(index=False) == outcomes(name, runs).to_csv(index=False)


def test_first_100_runs_of_1000_are_the_100_run_experiment():
    large = experiment("baseline", 1000, 1, None).outcomes
    small = experiment("baseline", 100, 1, None).outcomes
    assert_frame_equal(large.iloc[:100], small, check_exact=True)
    assert large.iloc[:100].to_csv(index=False) == small.to_csv(index=False)


# ---- no global random state in sim/ -----------------------------------------------------------
ALLOWED = {"SeedSequence", "Generator", "PCG64", "default_rng"}
NEEDS_ARGUMENT = {"SeedSequence", "PCG64", "default_rng", "Generator"}


def _numpy_random_attr(node: ast.AST) -> str | None:
    """``X`` when ``node`` is ``np.random.X`` or ``numpy.random.X``."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "random"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id in ("np", "numpy")
    ):
        return node.attr
    return None


def _has_argument(call: ast.Call) -> bool:
    given = [*call.args, *(kw.value for kw in call.keywords)]
    return any(not (isinstance(a, ast.Constant) and a.value is None) for a in given)


def randomness_problems(path: Path, root: Path = REPO) -> list[str]:
    """Every use of global or unseeded randomness in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root)
    problems = []
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "random" or alias.name.startswith("random."):
                    problems.append(f"{line}: imports the random module")
                if alias.name == "numpy.random" and alias.asname:
                    problems.append(f"{line}: imports numpy.random under another name")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module == "random" or module.startswith("random."):
                problems.append(f"{line}: imports from the random module")
            if module == "numpy" and any(a.name == "random" for a in node.names):
                problems.append(f"{line}: imports numpy.random under another name")
            if module == "numpy.random":
                bad = [a.name for a in node.names if a.name not in ALLOWED]
                if bad:
                    problems.append(f"{line}: imports {bad} from numpy.random")
        elif isinstance(node, ast.Attribute):
            name = _numpy_random_attr(node)
            if name is not None and name not in ALLOWED:
                problems.append(f"{line}: np.random.{name} (global random state)")
            # Mesa's model.random (a Python random.Random) and model.rng are one stream for
            # a whole batch: a draw from them would make run k depend on the batch.
            if (
                isinstance(node.value, ast.Attribute)
                and node.value.attr in ("random", "rng")
                and not (
                    isinstance(node.value.value, ast.Name)
                    and node.value.value.id in ("np", "numpy")
                )
            ):
                problems.append(
                    f"{line}: draws from a shared generator (.{node.value.attr}.{node.attr})"
                )
        elif isinstance(node, ast.Call):
            name = _numpy_random_attr(node.func)
            if name in NEEDS_ARGUMENT and not _has_argument(node):
                problems.append(f"{line}: np.random.{name}() without a seed (unseeded)")
            if (
                isinstance(node.func, ast.Name)
                and node.func.id in ALLOWED
                and not _has_argument(node)
            ):
                problems.append(f"{line}: {node.func.id}() without a seed (unseeded)")
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "rvs"
                and not any(kw.arg == "random_state" for kw in node.keywords)
            ):
                problems.append(f"{line}: scipy .rvs() without random_state (global state)")
    return problems


def test_no_global_random_state_in_sim():
    files = sorted(SIM.rglob("*.py"))
    assert len(files) > 10
    problems = [p for f in files for p in randomness_problems(f)]
    assert not problems, "\n".join(problems)


def test_the_randomness_scan_finds_what_it_should(tmp_path):
    """The scanner itself: each forbidden pattern is caught, the allowed ones are not."""
    bad = {
        "import random\n": "random module",
        "from random import random\n": "random module",
        "import numpy as np\nx = np.random.rand(3)\n": "np.random.rand",
        "import numpy as np\nnp.random.seed(1)\n": "np.random.seed",
        "import numpy\nnumpy.random.normal()\n": "np.random.normal",
        "from numpy.random import uniform\n": "from numpy.random",
        "from numpy import random as npr\n": "another name",
        "import numpy.random as npr\n": "another name",
        "import numpy.random\nnumpy.random.shuffle([1])\n": "np.random.shuffle",
        "import numpy as np\nrng = np.random.default_rng()\n": "without a seed",
        "import numpy as np\nrng = np.random.default_rng(None)\n": "without a seed",
        "from numpy.random import default_rng\nrng = default_rng()\n": "without a seed",
        "def f(model):\n    return model.random.random()\n": "shared generator",
        "def f(self):\n    return self.rng.normal()\n": "shared generator",
        "from scipy import stats\nstats.norm.rvs(size=3)\n": "rvs",
    }
    good = (
        "import numpy as np\n"
        "ss = np.random.SeedSequence(1, spawn_key=(3,))\n"
        "g = np.random.Generator(np.random.PCG64(ss))\n"
        "u = g.random(5)\n"
        "r = np.random.default_rng(ss)\n"
    )
    for i, (source, expect) in enumerate([*bad.items(), (good, None)]):
        probe = tmp_path / f"probe{i}.py"
        probe.write_text(source, encoding="utf-8")
        found = randomness_problems(probe, root=tmp_path)
        if expect is None:
            assert not found, found
        else:
            assert any(expect in p for p in found), (source, found)
