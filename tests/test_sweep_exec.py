"""negsim sweep on any executor, and resumed after a kill: the same bytes every time; executor
options that cannot work are bad input, said in one line, with nothing written."""

from __future__ import annotations

import json
import pickle
import shutil
import sys

import pytest

from sim.experiment import executors
from sim.results import ResultsFolder
from sim.results.store import CHECKPOINT, CHUNKS
from sim.sweep import parse_vary, runner, sweep_job
from sim.sweep.checkpoint import LOG, STATE

from .factory import BAD_EXECUTOR_OPTIONS, REPO, crisis, kill_when, negsim_here, write

COST = "actors.a.military_option.cost"
TABLES = ("points.csv", "effects.csv", "outcomes.csv")
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL")


def _small_sweep(tmp_path, name: str, **how):
    """Three points (and three one-at-a-time points) of 300 runs, in chunks of 120."""
    path = tmp_path / "case.yaml"
    if not path.exists():
        write(tmp_path, crisis({"uniform": [0.3, 0.9]}, 0.1, noise=10, resolve=0.3))
    return sweep_job(
        path,
        [parse_vary(f"{COST}=0:0.4:3")],
        runs_per_point=300,
        seed=5,
        out=tmp_path / name,
        per_point_outcomes=True,
        charts=False,
        **how,
    )


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seq")
    return tmp, _small_sweep(tmp, "seq")


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    monkeypatch.setattr(runner, "CHUNK", 120)  # several chunks per point, interleaved


def _same_tables(a, b) -> None:
    for name in TABLES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_a_process_pool_writes_the_bytes_of_one_process(sequential):
    tmp, seq = sequential
    assert seq.manifest["executor"] == "sequential"
    pooled = _small_sweep(tmp, "pool", workers=2)
    assert pooled.manifest["executor"] == "process" and pooled.manifest["workers"] == 2
    _same_tables(pooled.path, seq.path)
    assert len(seq.points) == 3 and (seq.points["runs"] == 300).all()


def test_a_dask_local_cluster_writes_the_bytes_of_one_process(sequential):
    pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed")
    tmp, seq = sequential
    dasked = _small_sweep(tmp, "dask", workers=2, executor="dask")
    assert dasked.manifest["executor"] == "dask" and dasked.manifest["workers"] == 2
    _same_tables(dasked.path, seq.path)


# --- resuming a sweep killed part-way ---

BASELINE = REPO / "scenarios/nato_russia_2022.yaml"
VARY = "actors.russia.military_option.cost=0:0.6:12"  # 12 points and 3 one-at-a-time
RUNS, SEED = 600, 3


def _args(out, seed=SEED, vary=VARY):
    return ["sweep", BASELINE, "--vary", vary, "--runs-per-point", RUNS, "--seed", seed]


def _done(out) -> int:
    for state in out.parent.glob(f".{out.name}.partial-*/{CHUNKS}/{STATE}"):
        try:
            with state.open("rb") as f:
                return pickle.load(f)[0]
        except (OSError, EOFError):
            return 0
    return 0


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """A sweep SIGKILLed once three points are checkpointed: its partial folder."""
    out = tmp_path_factory.mktemp("killed") / "out"
    cmd = [sys.executable, "-m", "sim", *_args(out), "--workers", "1", "--outcomes"]
    kill_when([*cmd, "--out", out], lambda: _done(out) >= 3, "sweep")
    (left,) = out.parent.iterdir()
    return left


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "out"
    vary = parse_vary(VARY)
    return sweep_job(
        BASELINE, [vary], runs_per_point=RUNS, seed=SEED, out=out, per_point_outcomes=True,
        charts=False,
    ).path  # fmt: skip


def _copy(partial, tmp_path):
    copy = tmp_path / partial.name
    shutil.copytree(partial, copy)
    return copy, tmp_path / "out"


@linux_only
def test_a_killed_sweep_resumes_from_its_last_point_to_the_same_bytes(
    killed, uninterrupted, tmp_path, monkeypatch
):
    monkeypatch.setattr(runner, "CHUNK", 5000)  # as the killed sweep cut its points
    left, out = _copy(killed, tmp_path)
    assert left.name.startswith(".out.partial-") and (left / CHECKPOINT).is_file()
    # Another results folder written beside it cleans up stale folders, but spares it.
    ResultsFolder(tmp_path / "other").abandon()
    assert left.exists()
    # As if killed after a point's rows were written but before they were recorded.
    for name in ("outcomes.csv", f"{CHUNKS}/{LOG}"):
        with (left / name).open("ab") as f:
            f.write(b"half a point,")
    found: list[int] = []
    done = sweep_job(
        BASELINE, [parse_vary(VARY)], runs_per_point=RUNS, seed=SEED, out=out,
        per_point_outcomes=True, charts=False, workers=2, resume=True, on_resume=found.append,
    )  # fmt: skip
    (points_found,) = found
    assert 3 <= points_found < 15  # it found the finished points and played only the rest
    _same_tables(done.path, uninterrupted)
    assert done.manifest["resumed"] is True
    assert json.loads((out / "manifest.json").read_text())["resumed"] is True
    assert not (out / CHECKPOINT).exists() and not (out / CHUNKS).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@linux_only
@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"seed": SEED + 1}, "seed"),
        ({"vary": "actors.russia.military_option.cost=0:0.6:5"}, "varied"),
    ],
)
def test_resuming_another_sweep_is_refused_naming_what_differs(
    killed, tmp_path, capsys, change, named
):
    left, out = _copy(killed, tmp_path)
    args = [*_args(out, **change), "--outcomes", "--out", out, "--resume"]
    code, text, err = negsim_here(*args, capsys=capsys)
    assert code == 2, err
    (line,) = [ln for ln in err.splitlines() if "checkpoint" in ln]
    assert "checkpoint of another experiment" in line and f"({named} differ" in line
    assert "Traceback" not in err and text == ""
    assert [p.name for p in tmp_path.iterdir()] == [left.name]  # kept, and nothing written


def test_resume_with_nothing_to_resume_starts_afresh(tmp_path):
    found: list[int] = []
    done = _small_sweep(tmp_path, "fresh", resume=True, on_resume=found.append)
    assert found == [0] and done.manifest["resumed"] is False
    assert not (done.path / CHUNKS).exists() and not (done.path / CHECKPOINT).exists()


# --- bad executor options ---


def _sweep_cli(tmp_path, *extra, capsys):
    path = write(tmp_path, crisis(0.5, 0.1))
    return negsim_here(
        "sweep", path, "--vary", f"{COST}=0:0.4:3", "--runs-per-point", "10",
        "--out", tmp_path / "out", *extra, capsys=capsys,
    )  # fmt: skip


@pytest.mark.parametrize(("extra", "says"), BAD_EXECUTOR_OPTIONS)
def test_bad_executor_options_exit_2_before_anything_runs(tmp_path, capsys, extra, says):
    code, text, err = _sweep_cli(tmp_path, *extra, capsys=capsys)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1
    assert text == "" and not (tmp_path / "out").exists()


def test_dask_missing_is_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if absent
    code, _, err = _sweep_cli(tmp_path, "--executor", "dask", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    (line,) = [ln for ln in err.splitlines() if "Dask" in ln]
    assert "needs Dask, which is not installed" in line and "negsim[dask]" in line
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_one_clear_line(tmp_path, capsys, monkeypatch):
    pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed")
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 1)
    # Port 9 (discard) on loopback: nothing of ours listens there.
    extra = ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    code, _, err = _sweep_cli(tmp_path, *extra, capsys=capsys)
    assert code == 2, err
    (line,) = [ln for ln in err.splitlines() if "--scheduler" in ln]
    assert "cannot reach the Dask scheduler" in line and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_resume_needs_out(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, crisis(0.5, 0.1))
    code, _, err = negsim_here(
        "sweep", path, "--vary", f"{COST}=0:0.4:3", "--resume", capsys=capsys
    )
    assert code == 2 and "--resume needs --out" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml"]
