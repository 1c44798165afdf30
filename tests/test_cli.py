"""The command line as a user meets it: results folders, exit codes, messages, atomic writes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.jobs import run_job
from sim.model.outcomes import OUTCOMES

from .factory import negsim

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "nato_russia_2022.yaml"


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("run") / "baseline"
    return negsim("run", BASELINE, "--runs", "300", "--seed", "11", "--out", out), out


def test_run_writes_the_results_folder_of_design_section_6(baseline_run):
    proc, out = baseline_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(out) in proc.stdout and "armed conflict" in proc.stdout
    for name in (
        "outcomes.csv",
        "summary.json",
        "manifest.json",
        "rounds_summary.csv",
        "positions_summary.csv",
        "report.html",
    ):
        assert (out / name).is_file(), name
    assert not (out / "rounds.parquet").exists()  # only with --trajectories
    charts = sorted(p.name for p in (out / "charts").glob("*.png"))
    assert charts == ["issue_values.png", "outcomes.png", "tension.png", "trajectories.png"]

    df = pd.read_csv(out / "outcomes.csv")
    issues = ["nato_enlargement", "exercises", "deployments", "russian_force_posture"]
    issues += ["risk_reduction", "talks_format"]
    actors = ["nato", "russia", "ukraine", "us", "france", "germany"]
    expected = ["run", "outcome", "rounds", "cause"]
    expected += [f"settled_{i}" for i in issues] + [f"value_{i}" for i in issues]
    expected += [f"utility_{a}" for a in actors]
    assert list(df.columns) == expected
    assert df["run"].tolist() == list(range(300))
    assert set(df["outcome"]) <= set(OUTCOMES)

    summary = json.loads((out / "summary.json").read_text())
    assert summary["runs"] == 300 and summary["seed"] == 11
    counts = df["outcome"].value_counts()
    for o in OUTCOMES:
        assert summary["outcome_shares"][o] == pytest.approx(counts.get(o, 0) / 300)
        lo, hi = summary["ci95"][o]
        assert lo <= summary["outcome_shares"][o] <= hi
    assert summary["mean_rounds"] == pytest.approx(df["rounds"].mean())
    assert set(summary["issue_quantiles"]) == set(issues)

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11
    assert manifest["scenario_sha256"] == hashlib.sha256(BASELINE.read_bytes()).hexdigest()
    assert manifest["scenario"]["id"] == "nato_russia_2022"
    assert {"negsim", "numpy", "mesa", "python"} <= set(manifest["versions"])
    assert manifest["started"] <= manifest["finished"]

    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 4
    assert "http://" not in html.replace("https://json-schema", "")
    assert 'src="http' not in html and "<script" not in html


def test_rerun_into_an_existing_folder_needs_force_and_changes_nothing(baseline_run):
    _, out = baseline_run
    before = digest(out)
    proc = negsim("run", BASELINE, "--runs", "20", "--out", out)
    assert proc.returncode == 2
    assert "already exists" in proc.stderr and "--force" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert digest(out) == before


def test_force_replaces_a_folder_whole(tmp_path):
    out = tmp_path / "r"
    assert negsim("run", BASELINE, "--runs", "20", "--seed", "1", "--out", out).returncode == 0
    (out / "stray.txt").write_text("left from before")
    proc = negsim("run", BASELINE, "--runs", "30", "--seed", "1", "--out", out, "--force")
    assert proc.returncode == 0, proc.stderr
    assert not (out / "stray.txt").exists()
    assert len(pd.read_csv(out / "outcomes.csv")) == 30
    assert [p.name for p in tmp_path.iterdir()] == ["r"]  # no temporary folders left behind


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", BASELINE, "--runs", "0"], "--runs"),
        (["run", BASELINE, "--runs", "many"], "--runs"),
        (["run", BASELINE, "--seed", "-3"], "--seed"),
        (["run", BASELINE, "--frobnicate"], "--frobnicate"),
        (["run", "no/such/scenario.yaml"], "no such file"),
        (["narrate", BASELINE, "--run", "-1"], "--run"),
        (["compare", BASELINE], "at least two"),
        (["fly"], "fly"),
    ],
)
def test_bad_input_gets_one_clear_message_and_exit_2(args, needle, tmp_path):
    proc = negsim(*args, "--out", tmp_path / "x") if args[0] == "run" else negsim(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "x").exists()


def test_unwritable_out_is_bad_input(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    proc = negsim("run", BASELINE, "--runs", "10", "--out", blocker / "results")
    assert proc.returncode == 2
    assert "cannot write results" in proc.stderr and str(blocker) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert blocker.read_text() == "not a folder"


def test_malformed_scenario_is_reported_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        BASELINE.read_text().replace("rounds: 3\n    chair: nato", "rounds: three\n    chair: nato")
    )
    out = tmp_path / "out"
    proc = negsim("run", bad, "--runs", "10", "--out", out)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert any(line.startswith(f"{bad}:") and "meetings[2].rounds" in line for line in lines)
    assert not out.exists()


def test_workers_do_not_change_results(tmp_path):
    a = run_job(BASELINE, runs=600, seed=3, workers=1, out=tmp_path / "w1", charts=False)
    b = run_job(BASELINE, runs=600, seed=3, workers=2, out=tmp_path / "w2", charts=False)
    for name in ("outcomes.csv", "rounds_summary.csv", "positions_summary.csv", "summary.json"):
        assert (a.path / name).read_bytes() == (b.path / name).read_bytes(), name


def test_a_longer_experiment_begins_with_the_shorter_one(tmp_path):
    short = run_job(BASELINE, runs=100, seed=8, out=tmp_path / "s", charts=False)
    long = run_job(BASELINE, runs=1000, seed=8, out=tmp_path / "l", charts=False)
    head = (long.path / "outcomes.csv").read_text().splitlines()[:101]
    assert head == (short.path / "outcomes.csv").read_text().splitlines()


def test_trajectories_are_written_on_request(tmp_path):
    out = run_job(BASELINE, runs=50, seed=2, out=tmp_path / "t", trajectories=True, charts=False)
    traj = pd.read_parquet(out.path / "rounds.parquet")
    outcomes = pd.read_csv(out.path / "outcomes.csv")
    per_run = traj.groupby("run")["round"].max()
    assert (per_run.to_numpy() == outcomes["rounds"].to_numpy()).all()
    assert traj["position_russia_nato_enlargement"].between(0, 100).all()


def test_a_killed_run_leaves_nothing_at_its_target(tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "run", str(BASELINE), "--runs", "400000", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not any(tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)  # wait until it has started writing its temporary folder
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()


def test_compare_prints_the_difference_table_and_writes_charts(tmp_path):
    variant = ROOT / "scenarios" / "nato_offers_limits.yaml"
    out = tmp_path / "cmp"
    proc = negsim("compare", BASELINE, variant, "--runs", "300", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "Difference in outcome shares from nato_russia_2022" in proc.stdout
    assert "common random numbers" in proc.stdout
    pairing = json.loads((out / "manifest.json").read_text())["pairing"]
    assert list(pairing) == ["nato_offers_limits"] and pairing["nato_offers_limits"] in proc.stdout
    assert "How the runs are paired" in (out / "report.html").read_text()
    diff = pd.read_csv(out / "differences.csv")
    assert list(diff["outcome"]) == list(OUTCOMES)
    assert ((diff["ci_low"] <= diff["difference"]) & (diff["difference"] <= diff["ci_high"])).all()
    assert (diff["share"] - diff["baseline_share"] - diff["difference"]).abs().max() < 1e-12
    names = sorted(p.name for p in (out / "charts").glob("*.png"))
    assert names == ["differences.png", "issue_values.png", "outcomes.png", "tension.png"]
    # Results folders can be compared too, without running anything again.
    again = negsim("compare", out / "runs" / "0", out / "runs" / "1", "--out", tmp_path / "cmp2")
    assert again.returncode == 0, again.stderr
    assert pd.read_csv(tmp_path / "cmp2" / "differences.csv").equals(diff)


def test_narrate_is_the_golden_story():
    proc = negsim("narrate", BASELINE, "--seed", "7")
    assert proc.returncode == 0
    golden = (Path(__file__).parent / "golden" / "narrate_nato_russia_2022_seed7.txt").read_text()
    # Regenerate deliberately when the model changes, with the reason in the commit message:
    #   negsim narrate scenarios/nato_russia_2022.yaml --seed 7 > tests/golden/narrate_...txt
    assert proc.stdout == golden


def test_describe_shows_every_actor_issue_and_meeting():
    proc = negsim("describe", BASELINE)
    assert proc.returncode == 0
    for word in ("NATO", "Russia", "Ukraine", "United States", "France", "Germany"):
        assert word in proc.stdout
    assert "NATO-Russia Council" in proc.stdout and "Risk reduction" in proc.stdout


def test_schema_file_in_docs_is_current():
    proc = negsim("schema")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["title"] == "negsim scenario"
    assert (ROOT / "docs" / "scenario.schema.json").read_text() == proc.stdout
