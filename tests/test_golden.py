"""Golden digests: the sha256 of ``outcomes.csv`` for each bundled scenario and seed.

Any change to what a run finds, deliberate or not (a model change, a new numpy or pandas),
changes a digest. CI installs the versions that produced them (ci/constraints.txt), so a
mismatch there is a change in negsim. A deliberate change regenerates them in its own commit:

    .venv/bin/python -m tests.test_golden --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from sim.jobs import run_job
from sim.results.provenance import versions

from .factory import REPO

DIGESTS = REPO / "tests/golden/outcomes_digests.json"
SCENARIOS = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "scenarios").glob("*.yaml"))
SEEDS = (1, 20220107)
RUNS = 1000


def digest(scenario: str, seed: int, out: Path) -> str:
    """sha256 of the outcomes.csv that ``negsim run SCENARIO --runs 1000 --seed S`` writes."""
    done = run_job(REPO / scenario, runs=RUNS, seed=seed, workers=1, out=out, charts=False)
    return hashlib.sha256((done.path / "outcomes.csv").read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    """What can change the bytes: the libraries and Python (not negsim's own commit)."""
    return {k: v for k, v in versions().items() if not k.startswith("negsim")}


def _recorded() -> dict:
    return json.loads(DIGESTS.read_text(encoding="utf-8"))


def test_every_bundled_scenario_has_its_digests():
    recorded = _recorded()["digests"]
    assert sorted(recorded) == SCENARIOS
    assert all(sorted(recorded[s]) == sorted(str(seed) for seed in SEEDS) for s in SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_outcomes_are_the_golden_bytes(scenario, tmp_path):
    data = _recorded()
    now = _versions()
    for seed in SEEDS:
        found = digest(scenario, seed, tmp_path / str(seed))
        assert found == data["digests"][scenario][str(seed)], (
            f"{scenario} seed {seed}: outcomes.csv changed. Digests made with "
            f"{data['versions']}; installed {now}. If the model changed on purpose, regenerate "
            "them in their own commit (python -m tests.test_golden --write)."
        )


def write(folder: Path) -> None:
    """Recompute every digest into tests/golden/outcomes_digests.json, with the versions."""
    table = {
        s: {str(seed): digest(s, seed, folder / f"{Path(s).stem}-{seed}") for seed in SEEDS}
        for s in SCENARIOS
    }
    data = {"runs": RUNS, "versions": _versions(), "digests": table}
    DIGESTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.test_golden --write")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp))
    print(f"wrote {DIGESTS.relative_to(REPO)}")
