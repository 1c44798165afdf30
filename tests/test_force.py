"""``--force`` replaces only folders negsim wrote; temporary folders of dead runs are swept."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.results.store import CHECKPOINT, ResultsError, ResultsFolder, written_by_negsim

from .factory import REPO, negsim_here

BASELINE = REPO / "scenarios" / "nato_russia_2022.yaml"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """A results folder negsim wrote (without charts, to stay quick); copy it before changing it."""
    from sim.jobs import run_job

    out = tmp_path_factory.mktemp("written") / "r"
    return run_job(BASELINE, runs=12, seed=1, out=out, charts=False).path


def _run(capsys, out: Path, *more: object) -> tuple[int, str, str]:
    return negsim_here("run", BASELINE, "--runs", "12", "--out", out, *more, capsys=capsys)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_force_refuses_a_folder_negsim_did_not_write(tmp_path, capsys):
    project = tmp_path / "thesis"
    (project / "chapters").mkdir(parents=True)
    (project / "chapters" / "one.tex").write_text("months of work")
    (project / "manifest.json").write_text('{"name": "my package"}')  # not negsim's manifest
    before = _tree(project)
    code, out, err = _run(capsys, project, "--force")
    assert code == 2, err
    assert "not a results folder negsim wrote" in err and str(project) in err
    assert "Traceback" not in err and out == ""
    assert _tree(project) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]  # no temporary folder


def test_force_refuses_the_current_folder_the_root_and_a_symlink(
    tmp_path, capsys, monkeypatch, written
):
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("x")
    monkeypatch.chdir(work)
    for target in (".", str(work), "/"):
        code, _, err = _run(capsys, Path(target), "--force")
        assert code == 2, (target, err)
        assert "Traceback" not in err and "internal error" not in err
    assert (work / "keep.txt").read_text() == "x"
    # A link to a results folder: the link is not followed into a deletion.
    real = shutil.copytree(written, tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    code, _, err = _run(capsys, link, "--force")
    assert code == 2 and "symbolic link" in err
    assert written_by_negsim(real) and link.is_symlink()


def test_force_replaces_a_folder_negsim_wrote(tmp_path, capsys, written):
    out = shutil.copytree(written, tmp_path / "r")
    assert written_by_negsim(out)
    (out / "stray.txt").write_text("from before")
    code, _, err = _run(capsys, out, "--force")
    assert code == 0, err
    assert not (out / "stray.txt").exists() and written_by_negsim(out)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_folders_of_dead_runs_are_removed_but_checkpoints_kept(tmp_path):
    from sim.results import store

    dead, alive = _dead_pid(), os.getppid()
    stale = tmp_path / f".old_run.partial-{dead}@{store._HOST}"
    legacy = tmp_path / f".older.partial-{dead}"
    resumable = tmp_path / f".sweep.partial-{dead}@{store._HOST}"
    running = tmp_path / f".busy.partial-{alive}@{store._HOST}"
    elsewhere = tmp_path / f".remote.partial-{dead}@another_host"
    for folder in (stale, legacy, resumable, running, elsewhere):
        folder.mkdir()
        (folder / "outcomes.csv").write_text("run\n")
    (resumable / CHECKPOINT).write_text("")
    moved_aside = tmp_path / f".replaced.old-{dead}-1@{store._HOST}"  # killed mid-replace
    moved_aside.mkdir()
    mine = tmp_path / "user_folder.partial-1"  # not hidden: not ours
    mine.mkdir()
    with ResultsFolder(tmp_path / "new") as folder:
        folder.write_json("manifest.json", {"versions": {"negsim": "x"}, "inputs": []})
        folder.commit()
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"new", "replaced", resumable.name, running.name, elsewhere.name, mine.name}


def test_a_folder_that_appears_during_a_run_is_not_replaced_without_force(tmp_path):
    target = tmp_path / "r"
    folder = ResultsFolder(target)
    target.mkdir()
    (target / "theirs.txt").write_text("y")
    with pytest.raises(ResultsError, match="appeared"):
        folder.commit()
    assert (target / "theirs.txt").read_text() == "y"
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


def test_a_manifest_that_is_not_json_is_not_negsim(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json")
    assert not written_by_negsim(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"versions": {"negsim": "0.1"}}))
    assert not written_by_negsim(tmp_path)  # neither a run's nor a comparison's
