"""Every bundled scenario validates, runs, narrates and plots; the docs' examples run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sim
from sim.analysis import positions_summary, rounds_summary, summarize
from sim.experiment import run_experiment
from sim.jobs import draw_run_charts, resolved
from sim.model.outcomes import OUTCOMES
from sim.plots import ScenarioLabels

from .factory import negsim

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_there_are_a_baseline_two_variants_and_another_crisis():
    names = {p.stem for p in SCENARIOS}
    assert {"nato_russia_2022", "nato_offers_limits", "bilateral_first"} <= names
    assert len(names) >= 4


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_bundled_scenario_validates_runs_narrates_and_plots(path):
    sc = sim.load_scenario(path)
    assert sc.notes.what_it_is and sc.notes.things_to_notice and sc.notes.things_to_try
    assert sc.notes.references
    for actor in sc.actors:
        for stance in actor.stances.values():
            assert stance.source or stance.assumption
            if stance.red_line is not None:
                assert stance.red_line.source or stance.red_line.assumption
    exp = run_experiment(sc, 200, seed=1)
    assert set(exp.outcomes["outcome"].astype(str)) <= set(OUTCOMES)
    summary = summarize(exp.outcomes, sc.id, 1)
    assert sum(summary["outcome_shares"].values()) == pytest.approx(1.0)
    figures = draw_run_charts(
        summary,
        exp.outcomes,
        rounds_summary(exp),
        positions_summary(exp),
        ScenarioLabels.from_resolved(resolved(sc)),
    )
    assert set(figures) == {"outcomes", "issue_values", "trajectories", "tension"}
    for fig in figures.values():
        assert fig.get_suptitle() or any(ax.get_title() for ax in fig.axes)
    story = sim.narrate(sc, seed=1, run=0)
    for actor in sc.actors:
        assert actor.name in story
    assert re.search(
        r"The run ends in round \d+: (" + "|".join(o.replace("_", " ") for o in OUTCOMES) + ")",
        story,
    )
    assert story == sim.narrate(sc, seed=1, run=0)


def test_validate_accepts_every_bundled_scenario():
    proc = negsim("validate", *SCENARIOS)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.strip().splitlines()) == len(SCENARIOS)


def test_the_engine_names_no_actor_issue_or_country():
    words = set()
    for path in SCENARIOS:
        sc = sim.load_scenario(path)
        words |= {a.id for a in sc.actors} | {i.id for i in sc.issues} | {sc.id}
        words |= {w.lower() for a in sc.actors for w in a.name.split() if len(w) > 3}
    words -= {"states", "united", "union"}  # common English words in names
    words = {w for w in words if len(w) > 2}
    offenders = []
    for source in (ROOT / "sim").rglob("*.py"):
        text = source.read_text().lower()
        for w in sorted(words):
            if re.search(rf"\b{re.escape(w)}\b", text):
                offenders.append(f"{source.relative_to(ROOT)}: {w}")
    assert not offenders, offenders


def test_readme_python_example_runs(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "One run of the talks" in out


def test_readme_variant_example_is_a_valid_variant(tmp_path):
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(extends: .*?)```", readme, flags=re.S).group(1)
    path = ROOT / "scenarios" / "_readme_example_tmp.yaml"
    try:
        path.write_text(block)
        sc = sim.load_scenario(path)
    finally:
        path.unlink(missing_ok=True)
    russia = next(a for a in sc.actors if a.id == "russia")
    assert russia.military_option.cost.args == (0.5, 0.1)
    assert russia.military_option.p_win.kind == "triangular"  # the rest kept from the base


def test_charts_name_the_same_outcomes_as_the_model():
    # sim.plots keeps its own copy so that drawing never imports the model (and Mesa).
    from sim.plots.labels import OUTCOMES as CHART_OUTCOMES

    assert tuple(CHART_OUTCOMES) == tuple(OUTCOMES)
