"""What a notebook user relies on without seeing it: models are let go, manifests are
versioned."""

from __future__ import annotations

import gc
import json
import weakref

import mesa

import sim
from sim.jobs import run_job
from sim.results.store import MANIFEST_FORMAT

from .factory import REPO

BASELINE = REPO / "scenarios/nato_russia_2022.yaml"


def test_simulate_releases_its_model():
    scenario = sim.load_scenario(BASELINE)
    sim.simulate(scenario, 5, 1)  # the first call may register lazily created state
    before = len(mesa.Agent._ids)
    for seed in range(3):
        table = sim.simulate(scenario, 5, seed)
        assert len(table) == 5
    assert len(mesa.Agent._ids) == before  # no model kept alive by Mesa's registry


def test_a_released_model_is_freed_at_once_not_at_the_next_garbage_collection():
    """A worker plays chunk after chunk: each chunk's arrays must be gone when the next one
    starts, not held in a reference cycle until the collector happens to run."""
    scenario = sim.load_scenario(BASELINE)
    gc.disable()
    try:
        talks = sim.Talks(scenario, 1, 50)
        talks.play()
        arrays = weakref.ref(talks.actor_list[0].position_error)
        model = weakref.ref(talks)
        talks.release()
        del talks
        assert model() is None and arrays() is None
    finally:
        gc.enable()


def test_every_manifest_says_its_format(tmp_path):
    done = run_job(BASELINE, runs=20, seed=1, workers=1, out=tmp_path / "run", charts=False)
    manifest = json.loads((done.path / "manifest.json").read_text())
    assert manifest["format"] == MANIFEST_FORMAT
    assert manifest["executor"] == "sequential" and manifest["resumed"] is False
