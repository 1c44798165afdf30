"""Fault injection: a parallel run stopped by SIGTERM, Ctrl-C or kill -9 leaves no process and,
once the next run writes beside it, no folder; workers start under spawn as well as fork."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.experiment import run_experiment
from sim.experiment.processes import MAX_WORKERS_PER_CORE, cores, plan_workers
from sim.results import ResultsFolder
from sim.results.store import CHECKPOINT

from .factory import REPO, load_scenario

BASELINE = REPO / "scenarios" / "nato_russia_2022.yaml"
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = _stat(int(entry.name))
            if st is not None and int(st[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] != "Z"


def _start(out: Path, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "sim", "run", str(BASELINE), "--runs", "2000000"]
    cmd += ["--workers", str(workers), "--out", str(out)]
    return subprocess.Popen(
        cmd, cwd=REPO, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


@linux_only
def test_signals_stop_a_parallel_run_within_3_seconds_leaving_nothing(tmp_path):
    cases = {  # name: (signal, to the whole group as a terminal's Ctrl-C is, workers)
        "term": (signal.SIGTERM, False, 2),
        "ctrl_c": (signal.SIGINT, True, 2),
        "ctrl_c_one_worker": (signal.SIGINT, True, 1),
        "kill9": (signal.SIGKILL, False, 2),
    }
    procs = {name: _start(tmp_path / name / "out", w) for name, (_, _, w) in cases.items()}
    deadline = time.monotonic() + 90
    workers: dict[str, list[int]] = {}
    for name, proc in procs.items():
        want = cases[name][2] if cases[name][2] > 1 else 0
        while time.monotonic() < deadline:
            kids = [c for c in _children(proc.pid) if _alive(c)]
            started = any((tmp_path / name).glob(".out.partial-*"))
            if len(kids) >= want and started:
                workers[name] = kids
                break
            time.sleep(0.1)
        assert name in workers, f"{name}: never started"
    time.sleep(1.0)  # the chunks are being played
    for name, proc in procs.items():
        sig, group, _ = cases[name]
        start = time.monotonic()
        (os.killpg if group else os.kill)(proc.pid, sig)
        proc.wait(timeout=10)
        took = time.monotonic() - start
        while any(_alive(c) for c in workers[name]) and time.monotonic() - start < 10:
            time.sleep(0.05)
        took_workers = time.monotonic() - start
        err = proc.stderr.read()
        proc.stderr.close()
        assert took < 3 and took_workers < 3, (name, took, took_workers)
        assert not [c for c in workers[name] if _alive(c)], f"{name}: workers left running"
        assert not (tmp_path / name / "out").exists()
        if sig == signal.SIGKILL:
            assert proc.returncode == -signal.SIGKILL
            # Nothing can clean up after kill -9 but the next run writing beside it; a run to
            # --out is checkpointed, so its folder is kept for --resume until a run to the same
            # --out starts over.
            (left,) = (tmp_path / name).iterdir()
            assert left.name.startswith(".out.partial-") and (left / CHECKPOINT).is_file()
            ResultsFolder(tmp_path / name / "next").abandon()
            assert left.exists()
            ResultsFolder(tmp_path / name / "out", checkpoint={"other": 1}).abandon()
        else:
            assert proc.returncode == 128 + sig, (name, err)
            assert f"interrupted by {signal.Signals(sig).name}" in err, err
            assert "Traceback" not in err
        assert list((tmp_path / name).iterdir()) == [], name


def test_spawned_workers_find_what_one_process_finds(monkeypatch):
    scenario = load_scenario(BASELINE)
    one = run_experiment(scenario, 400, 5, workers=1, chunk=100)
    monkeypatch.setenv("NEGSIM_START_METHOD", "spawn")
    two = run_experiment(scenario, 400, 5, workers=2, chunk=100)
    assert one.outcomes.equals(two.outcomes)
    assert (one.stats.positions == two.stats.positions).all()


def test_workers_beyond_the_cores_are_noted_and_far_beyond_capped():
    n = cores()
    assert plan_workers(n) == (n, None)
    more, note = plan_workers(n + 1)
    assert more == n + 1 and "more than" in note
    capped, note = plan_workers(1000 * n)
    assert capped == MAX_WORKERS_PER_CORE * n and f"using {capped}" in note
