"""Resumable runs: a run killed outright part-way finishes with ``--resume`` from its last
complete chunk and writes the same bytes as a run never interrupted."""

from __future__ import annotations

import json
import sys

import pytest

from sim.jobs import run_job
from sim.results import ResultsFolder
from sim.results.store import CHECKPOINT

from .factory import REPO, kill_when, negsim_here

BASELINE = REPO / "scenarios/nato_russia_2022.yaml"
RUNS, CHUNK, SEED = 2000, 200, 3
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL, /proc")


def _kill_after_chunks(out, chunks: int) -> None:
    """Start ``negsim run`` and SIGKILL it once ``chunks`` chunks are checkpointed."""
    cmd = [sys.executable, "-m", "sim", "run", BASELINE, "--runs", RUNS, "--seed", SEED]
    cmd += ["--chunk", CHUNK, "--workers", "1", "--out", out]
    pattern = f".{out.name}.partial-*/chunks/chunk-*.pkl"
    kill_when(cmd, lambda: len(list(out.parent.glob(pattern))) >= chunks, "run")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "out"
    return run_job(BASELINE, runs=RUNS, seed=SEED, workers=1, out=out, charts=False).path


@linux_only
def test_a_killed_run_resumes_from_its_last_chunk_to_the_same_bytes(tmp_path, uninterrupted):
    out = tmp_path / "out"
    _kill_after_chunks(out, 3)
    (left,) = tmp_path.iterdir()
    assert left.name.startswith(".out.partial-") and (left / CHECKPOINT).is_file()
    # Another run writing beside it cleans up stale folders, but spares a checkpoint.
    ResultsFolder(tmp_path / "other").abandon()
    assert left.exists()

    # Resumed on two workers with other chunks: how the rest is cut changes nothing.
    found: list[int] = []
    run_job(
        BASELINE, runs=RUNS, seed=SEED, workers=2, chunk=300, out=out, charts=False,
        resume=True, on_resume=found.append,
    )  # fmt: skip
    (done,) = found
    # The third chunk may have been killed between its file and the record of it.
    assert 2 * CHUNK <= done < RUNS  # it found the finished chunks and played only the rest
    for name in ("outcomes.csv", "inputs.csv", "rounds_summary.csv", "summary.json"):
        assert (out / name).read_bytes() == (uninterrupted / name).read_bytes(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed"] is True
    assert not (out / CHECKPOINT).exists() and not (out / "chunks").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@linux_only
def test_resume_of_another_experiment_is_refused_and_a_fresh_run_starts_over(tmp_path, capsys):
    out = tmp_path / "out"
    _kill_after_chunks(out, 1)
    code, _, err = negsim_here(
        "run", BASELINE, "--runs", RUNS, "--seed", SEED + 1, "--out", out, "--resume",
        capsys=capsys,
    )  # fmt: skip
    assert code == 2 and "checkpoint of another experiment" in err and "seed" in err
    assert "Traceback" not in err and not out.exists()
    # Without --resume the run starts over and the old checkpoint goes.
    done = run_job(BASELINE, runs=50, seed=SEED, workers=1, out=out, charts=False)
    assert done.path == out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_resume_with_nothing_to_resume_starts_afresh(tmp_path):
    found: list[int] = []
    done = run_job(
        BASELINE, runs=30, seed=1, workers=1, out=tmp_path / "out", charts=False,
        resume=True, on_resume=found.append,
    )  # fmt: skip
    assert found == [0]
    assert json.loads((done.path / "manifest.json").read_text())["resumed"] is False


def test_resume_needs_out(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = negsim_here("run", BASELINE, "--runs", "30", "--resume", capsys=capsys)
    assert code == 2 and "--resume needs --out" in err
    assert list(tmp_path.iterdir()) == []
