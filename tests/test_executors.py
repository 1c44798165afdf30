"""Executors: whichever plays the chunks, and on however many workers, the files are the same
bytes; an executor that cannot start is bad input, said in one line, with nothing written."""

from __future__ import annotations

import sys

import pytest

from sim.experiment import executors
from sim.experiment.executors import ExecutorError, make_executor
from sim.experiment.runner import run_experiment
from sim.scenario import load_scenario

from .factory import BAD_EXECUTOR_OPTIONS, REPO, negsim_here

BASELINE = REPO / "scenarios/nato_russia_2022.yaml"


def _csv(exp) -> bytes:
    return exp.outcomes.to_csv(index=False, lineterminator="\n").encode()


@pytest.fixture(scope="module")
def reference():
    """600 runs in this process, one chunk: what every executor must reproduce."""
    return run_experiment(load_scenario(BASELINE), 600, 11, workers=1)


def test_process_pool_gives_the_bytes_of_one_process(reference):
    with make_executor("process", 2) as ex:
        assert ex.kind == "process"
        pooled = run_experiment(load_scenario(BASELINE), 600, 11, chunk=130, executor=ex)
    assert _csv(pooled) == _csv(reference)
    assert (pooled.stats.positions == reference.stats.positions).all()
    assert pooled.inputs.equals(reference.inputs)


def test_dask_local_cluster_of_two_gives_the_bytes_of_one_process(reference):
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        pytest.skip("dask[distributed] is not installed (pip install 'negsim[dask]')")
    with make_executor("dask", 2) as ex:
        assert ex.kind == "dask" and ex.workers == 2
        info = ex.client.scheduler_info()
        assert info["address"].startswith("tcp://127.0.0.1:")  # loopback only
        assert len(info["workers"]) == 2
        dasked = run_experiment(load_scenario(BASELINE), 600, 11, chunk=130, executor=ex)
        # A second map on the same cluster (as a sweep's points do) works as well.
        again = list(ex.map_chunks(divmod, [(7, 2), (9, 4)]))
    assert again == [(3, 1), (2, 1)]
    assert _csv(dasked) == _csv(reference)
    assert (dasked.stats.positions == reference.stats.positions).all()
    assert dasked.inputs.equals(reference.inputs)


def test_results_come_back_in_the_order_given():
    with make_executor("process", 2) as ex:
        assert list(ex.map_chunks(pow, [(2, 10), (3, 2), (5, 3), (7, 0)])) == [1024, 9, 125, 1]
    with make_executor("sequential") as ex:
        assert list(ex.map_chunks(pow, [(2, 3), (3, 2)])) == [8, 9]


def test_make_executor_refuses_what_it_cannot_start():
    with pytest.raises(ExecutorError, match="choose one of sequential, process, dask"):
        make_executor("threads")
    with pytest.raises(ExecutorError, match="add --executor dask"):
        make_executor("process", 2, "tcp://127.0.0.1:8786")
    with pytest.raises(ExecutorError, match="write tcp://HOST:PORT"):
        make_executor("dask", 2, "127.0.0.1:8786")


def test_dask_missing_is_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if absent
    out = tmp_path / "out"
    code, _, err = negsim_here(
        "run", BASELINE, "--runs", "10", "--executor", "dask", "--out", out, capsys=capsys
    )
    assert code == 2
    assert "needs Dask, which is not installed" in err and "negsim[dask]" in err
    assert "Traceback" not in err
    assert not tmp_path.joinpath("out").exists() and list(tmp_path.iterdir()) == []


def test_unreachable_scheduler_is_one_clear_line(tmp_path, capsys, monkeypatch):
    pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed")
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 1)
    # Port 9 (discard) on loopback: nothing of ours listens there.
    args = ["run", BASELINE, "--runs", "10", "--executor", "dask", "--out", tmp_path / "out"]
    code, _, err = negsim_here(*args, "--scheduler", "tcp://127.0.0.1:9", capsys=capsys)
    assert code == 2, err
    lines = [line for line in err.splitlines() if "--scheduler" in line]
    assert len(lines) == 1 and "cannot reach the Dask scheduler" in lines[0]
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("extra", "says"), BAD_EXECUTOR_OPTIONS)
def test_bad_executor_options_exit_2_before_anything_runs(tmp_path, capsys, extra, says):
    code, _, err = negsim_here(
        "run", BASELINE, "--runs", "10", "--out", tmp_path / "out", *extra, capsys=capsys
    )
    assert code == 2 and says in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
