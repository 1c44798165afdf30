"""Overrides by path (``with_overrides``, ``--set``), levers, and the per-run inputs table."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import pairing_note, shared_draws
from sim.jobs import run_job
from sim.results import joined, load_results
from sim.scenario import ScenarioError
from sim.scenario.crisis_draws import draw_crisis
from sim.scenario.overrides import parse_assignments
from sim.scenario.params import Dist
from sim.scenario.paths import PathError, leaf_paths, plain, resolve
from sim.scenario.sampling import draw, quantities, schedule_length

from .factory import actor, build, negsim, scenario_dict, stance

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "nato_russia_2022.yaml"
COST = "actors.russia.military_option.cost"


@functools.cache
def baseline():
    return sim.load_scenario(BASELINE)


def problem(overrides: dict) -> str:
    with pytest.raises(ScenarioError) as exc:
        sim.with_overrides(baseline(), overrides)
    assert len(exc.value.problems) == 1
    return str(exc.value.problems[0])


def test_overrides_set_each_path_and_leave_the_original_alone():
    before = plain(baseline())
    changed = sim.with_overrides(
        baseline(),
        {
            COST: 0.5,
            "settings.belief_noise": {"normal": [5, 1]},
            "settings.tension.war_rate": 2,
            "issues.talks_format.status_quo": 40,
            "actors.nato.stances.nato_enlargement.salience": 0.2,
            "meetings.us_russia_talks.rounds": 4,
        },
    )
    russia = next(a for a in changed.actors if a.id == "russia")
    assert russia.military_option.cost == 0.5
    assert changed.settings.belief_noise == Dist("normal", (5.0, 1.0))
    assert changed.settings.tension.war_rate == 2
    assert next(i for i in changed.issues if i.id == "talks_format").status_quo == 40
    nato = next(a for a in changed.actors if a.id == "nato")
    assert nato.stances["nato_enlargement"].salience == 0.2
    talks = next(m for m in baseline().meetings if m.id == "us_russia_talks")
    assert schedule_length(changed) == schedule_length(baseline()) + 4 - talks.rounds
    assert plain(baseline()) == before
    assert sim.with_overrides(baseline(), {}) is baseline()


def test_every_drawn_quantity_path_is_a_valid_override_path():
    """One path syntax: the keys of the draws (and inputs.csv's columns) are --set paths."""
    data = plain(baseline())
    valid = set(leaf_paths(data))
    absent = 0
    for q in quantities(baseline()):
        if isinstance(q.value, Dist):
            assert q.path in valid, q.path
            assert resolve(data, q.path).path == q.path
        elif q.path not in valid:  # a default standing in for a section the file leaves out
            with pytest.raises(PathError, match=r"not in this scenario|has no entry"):
                resolve(data, q.path)
            absent += 1
    assert 0 < absent < len(quantities(baseline()))
    # A sampled parameter's path set to a constant turns it into that constant.
    sampled = next(q.path for q in quantities(baseline()) if isinstance(q.value, Dist))
    fixed = sim.with_overrides(baseline(), {sampled: 0.75})
    assert sampled not in [q.path for q in quantities(fixed) if isinstance(q.value, Dist)]


def test_a_bad_path_names_the_nearest_valid_one():
    msg = problem({"actors.rusia.military_option.cost": 0.5})
    assert msg.startswith("--set: actors.rusia.military_option.cost: ")
    assert f"nearest valid path: {COST}" in msg
    msg = problem({"settings.belief_nois": 1})
    assert "nearest valid path: settings.belief_noise" in msg
    assert "is a section" in problem({"settings.tension": 1})
    assert "add it to the file" in problem({"actors.ukraine.military_option.cost": 0.2})


def test_a_bad_value_states_the_allowed_range():
    assert "must be between 0 and 1 (got 1.5)" in problem({COST: 1.5})
    assert "allowed: 1 to 50" in problem({"meetings.us_russia_talks.rounds": 99})
    assert "normal takes a list of 2 numbers" in problem({"settings.belief_noise": {"normal": [1]}})


def test_a_value_that_breaks_a_cross_check_is_reported_with_its_path():
    msg = problem({"meetings.us_russia_talks.chair": "nobody"})
    assert msg.startswith("--set: meetings.us_russia_talks.chair: ")
    assert "'nobody'" in msg


def test_assignments_are_parsed_as_yaml_flow():
    got = parse_assignments(["a.b=0.5", "c={normal: [0.5, 0.1]}", "d=package", "e = 3"])
    assert got == {"a.b": 0.5, "c": {"normal": [0.5, 0.1]}, "d": "package", "e": 3}
    with pytest.raises(ScenarioError, match="expected PATH=VALUE"):
        parse_assignments(["settings.belief_noise"])
    with pytest.raises(ScenarioError, match="not a number, word or YAML"):
        parse_assignments(["x={normal: [1, 2"])


def _lever_case(tmp_path, lever):
    data = scenario_dict(
        [actor("a", {"x": stance(20)}), actor("b", {"x": stance(80)})], {"x": 50.0}
    )
    data["levers"] = [lever]
    return build(tmp_path, data)


def test_levers_are_validated_against_the_schema(tmp_path):
    ok = {"path": "actors.a.flexibility", "label": "A's flexibility", "min": 0, "max": 1.0}
    assert _lever_case(tmp_path, ok).levers[0].path == "actors.a.flexibility"
    cases = {
        "actors.aa.flexibility": ("levers[0].path", "nearest valid path: actors.a.flexibility"),
        "actors.a.name": ("levers[0].path", "must name a numeric field"),
    }
    for path, (field, text) in cases.items():
        with pytest.raises(ScenarioError) as exc:
            _lever_case(tmp_path, {**ok, "path": path})
        assert field in str(exc.value) and text in str(exc.value)
    with pytest.raises(ScenarioError, match=r"levers\[0\]\.max: .*within the field's bounds"):
        _lever_case(tmp_path, {**ok, "max": 2.0})
    with pytest.raises(ScenarioError, match=r"levers\[0\]\.max: must be above min"):
        _lever_case(tmp_path, {**ok, "min": 0.6, "max": 0.5})
    with pytest.raises(ScenarioError, match=r"levers\[0\]\.step"):
        _lever_case(tmp_path, {**ok, "step": 2.0})


def test_run_job_writes_inputs_joinable_on_run(tmp_path):
    out = run_job(
        BASELINE,
        runs=40,
        seed=3,
        out=tmp_path / "r",
        charts=False,
        overrides={COST: {"uniform": [0.2, 0.4]}},
    )
    res = load_results(out.path)
    sampled = [q.path for q in quantities(res_scenario(res)) if isinstance(q.value, Dist)]
    # then the crisis fields' sampled values (the baseline's ultimatum credibility)
    sampled += list(draw_crisis(res_scenario(res), 3, np.arange(1)).inputs)
    assert "ultimatums.answers_this_month.credibility" in sampled
    assert list(res.inputs.columns) == ["run", *sampled]
    assert COST in res.inputs.columns
    assert res.inputs[COST].between(0.2, 0.4).all()
    assert res.manifest["overrides"] == {COST: {"uniform": [0.2, 0.4]}}
    both = joined(out.path)
    assert len(both) == 40 and list(both["run"]) == list(range(40))
    assert {"outcome", COST} <= set(both.columns)
    assert both[COST].tolist() == res.inputs[COST].tolist()


def res_scenario(res):
    return sim.Scenario.model_validate(res.manifest["scenario"])


def test_cli_set_bad_input_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "r"
    proc = negsim("run", BASELINE, "--runs", "10", "--out", out, "--set", "actors.rusia.patience=1")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "--set: actors.rusia.patience: no such field (no item of actors has the id 'rusia'); "
        "nearest valid path: actors.russia.patience"
    ]
    assert not out.exists()


def test_describe_and_narrate_take_set():
    """In-process (the exit code path of bad input is the one tested above)."""
    from typer.testing import CliRunner

    from sim.cli import BadInput, app

    bad = CliRunner().invoke(app, ["describe", str(BASELINE), "--set", f"{COST}=7"])
    assert isinstance(bad.exception, BadInput)
    assert bad.exception.lines == (f"--set: {COST}: must be between 0 and 1 (got 7)",)
    told = CliRunner().invoke(
        app, ["narrate", str(BASELINE), "--seed", "7", "--set", "settings.tension.initial=0.9"]
    )
    assert told.exit_code == 0, told.output
    assert "Tension before the talks: 0.90" in told.output


def test_set_overrides_are_applied_and_recorded(tmp_path):
    overrides = {"settings.belief_noise": {"uniform": [1, 2]}, COST: 0.9}
    out = run_job(
        BASELINE,
        runs=30,
        seed=20220107,
        out=tmp_path / "r",
        charts=False,
        overrides=overrides,
        inputs_format="parquet",
    ).path
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["overrides"] == overrides
    assert manifest["scenario"]["settings"]["belief_noise"] == {"uniform": [1.0, 2.0]}
    inputs = pd.read_parquet(out / "inputs.parquet")
    assert not (out / "inputs.csv").exists()
    assert load_results(out).inputs.equals(inputs)
    assert inputs["settings.belief_noise"].between(1, 2).all()
    # The overrides only move their own quantities: every other input is the plain run's draw.
    base = draw(baseline(), 20220107, np.arange(30)).inputs
    assert set(inputs.columns) == {"run", *base} - {COST}
    for path, values in base.items():
        if path not in (COST, "settings.belief_noise"):
            assert inputs[path].tolist() == values.tolist(), path


def test_cli_run_passes_set_and_parquet_to_the_job(monkeypatch, tmp_path):
    """The command's wiring, without running an experiment (the job is replaced)."""
    from typer.testing import CliRunner

    import sim.jobs
    from sim.cli import app

    seen = {}

    def fake_run_job(path, **kwargs):
        seen.update(kwargs)
        raise sim.jobs.ResultsError("stop here")

    monkeypatch.setattr(sim.jobs, "run_job", fake_run_job)
    args = ["run", str(BASELINE), "--set", f"{COST}=0.9", "--set", "settings.belief_noise=3"]
    result = CliRunner().invoke(app, [*args, "--parquet", "--out", str(tmp_path / "x")])
    assert "stop here" in str(result.exception)
    assert seen["overrides"] == {COST: 0.9, "settings.belief_noise": 3}
    assert seen["inputs_format"] == "parquet"
    russia = next(a for a in seen["scenario"].actors if a.id == "russia")
    assert russia.military_option.cost == 0.9
    assert seen["scenario"].settings.belief_noise == 3


def test_pairing_is_stated_honestly():
    variant = sim.load_scenario(REPO / "scenarios" / "nato_offers_limits.yaml")
    same = shared_draws(
        baseline(), sim.with_overrides(baseline(), {"settings.tension.war_rate": 2})
    )
    assert same["identical"]
    fixed = shared_draws(baseline(), sim.with_overrides(baseline(), {COST: 0.3}))
    assert fixed["kinds"]["parameters"]["only_baseline"] == [COST]
    assert "parameters: 8 shared, 1 in only one" in pairing_note("a", "b", True, fixed)
    assert "common random numbers: both draw the same" in pairing_note("a", "b", True, same)
    other = shared_draws(baseline(), sim.load_scenario(REPO / "scenarios/bilateral_first.yaml"))
    note = pairing_note("a", "b", True, other)
    if not other["identical"]:
        assert "common random numbers only for the quantities both" in note
    assert "independent" in pairing_note("a", "b", False, shared_draws(baseline(), variant))
    assert "unknown" in pairing_note("a", "b", True, shared_draws(None, variant))
    cuba = sim.load_scenario(REPO / "scenarios" / "cuban_missile_crisis_1962.yaml")
    apart = shared_draws(baseline(), cuba)
    assert not apart["identical"]
    assert apart["kinds"]["perception errors"]["shared"] == 0
    assert "0 shared" in pairing_note("a", "b", True, apart)


def test_inputs_are_the_same_for_any_chunk_size():
    from sim.experiment import run_experiment

    whole = run_experiment(baseline(), 60, 4, workers=1)
    chunked = run_experiment(baseline(), 60, 4, workers=1, chunk=7)
    assert whole.inputs.to_csv(index=False) == chunked.inputs.to_csv(index=False)
    assert list(whole.inputs["run"]) == list(range(60))


def test_compare_refuses_set_on_a_results_folder_before_running(tmp_path):
    from sim.jobs import compare_job
    from sim.results import ResultsError

    folder = run_job(BASELINE, runs=5, seed=1, out=tmp_path / "r", charts=False).path
    with pytest.raises(ResultsError, match="--set applies to scenario files"):
        compare_job([folder, BASELINE], runs=5, seed=1, out=tmp_path / "c", overrides={COST: 0.3})
    assert not (tmp_path / "c").exists()


def test_a_union_field_is_set_whole_or_field_by_field():
    rule = "meetings.us_russia_talks.rule"
    majority = sim.with_overrides(baseline(), {rule: {"kind": "majority"}})
    talks = next(m for m in majority.meetings if m.id == "us_russia_talks")
    assert talks.rule.kind == "majority"
    back = sim.with_overrides(majority, {f"{rule}.kind": "unanimity"})
    assert next(m for m in back.meetings if m.id == "us_russia_talks").rule.kind == "unanimity"
    assert f"set {rule}" in problem({f"{rule}.kind": "majority"})  # rule: all has no fields


def test_default_levers_are_valid_levers_of_the_scenario(tmp_path):
    from sim.scenario.levers import lever_findings, levers_of

    defaults = levers_of(baseline())
    paths = [lever.path for lever in defaults]
    assert COST in paths and "settings.belief_noise" in paths
    assert {f"actors.{a.id}.patience" for a in baseline().actors} <= set(paths)
    with_defaults = baseline().model_copy(update={"levers": defaults})
    assert list(lever_findings(with_defaults)) == []
    for lever in defaults:  # each end of each range is a value the scenario accepts
        for value in (lever.min, lever.max):
            sim.with_overrides(baseline(), {lever.path: value})
    own = _lever_case(tmp_path, {"path": "actors.a.patience", "label": "A", "min": 0.6, "max": 1})
    assert [lever.path for lever in levers_of(own)] == ["actors.a.patience"]
