"""Properties every run of every valid scenario must have (DESIGN sections 2 and 4).

Scenarios are drawn by ``tests/strategies.py``; each is played for R = 50 runs. A failing
example is printed as YAML (hypothesis ``note``) with its seed, ready for a bug report.

- Nothing raises and nothing is NaN; every run ends in one of the five outcomes, after between
  1 and the schedule's length of rounds; every issue's value is in [0, 100]; an unsettled issue
  stays at its status quo; the outcome agrees with what was settled (agreement: every issue;
  partial agreement: some, at the horizon; stalemate: none, at the horizon).
- A settled value crosses no red line of an actor whose acceptance it needed: the required
  actors of the meeting it was settled in, with each run's sampled red lines.
- After every round, announced positions stay in [0, 100] and within the actor's own red lines;
  settled issues keep their value; runs that have ended no longer move.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from sim.model.outcomes import ONGOING, OUTCOMES
from sim.model.talks import Talks
from sim.scenario import load_scenario

from .strategies import build, scenario_dicts, to_yaml, write_yaml

R = 50
TOL = 1e-9  # the engine's own tolerance on red lines (sim/model/actors.py, respond)
SEEDS = st.integers(0, 2**32 - 1)
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def horizon(data: dict[str, Any]) -> int:
    """The schedule's length, read from the scenario itself: every meeting's rounds plus any
    continuation rounds."""
    cont = data["settings"].get("continuation")
    return sum(m["rounds"] for m in data["meetings"]) + (cont["rounds"] if cont else 0)


def show(data: dict[str, Any], seed: int) -> None:
    note(f"seed: {seed}, runs: {R}\n--- scenario ---\n{to_yaml(data)}")


def assert_within_red_lines(
    values: np.ndarray, low: np.ndarray, high: np.ndarray, where: np.ndarray, what: str
) -> None:
    """``values`` [R, K] inside [low, high] wherever ``where`` holds (engine tolerance)."""
    below = where & (values < low - TOL)
    above = where & (values > high + TOL)
    bad = np.argwhere(below | above)
    assert bad.size == 0, (
        f"{what}: (run, issue) {bad[:5].tolist()} values {values[below | above][:5]} "
        f"outside [{low[below | above][:5]}, {high[below | above][:5]}]"
    )


# ---- the generator itself ----------------------------------------------------------------------
@settings(PROPERTY, max_examples=25)
@given(scenario_dicts())
def test_generated_scenarios_load_from_yaml(data):
    """What the strategy draws is a valid scenario file, read back exactly as validated."""
    expected = build(data)
    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_scenario(write_yaml(data, Path(tmp) / "generated.yaml"))
    assert loaded == expected


# ---- round by round ----------------------------------------------------------------------------
@PROPERTY
@given(scenario_dicts(), SEEDS)
def test_every_round_keeps_positions_red_lines_and_settlements(data, seed):
    show(data, seed)
    scenario = build(data)
    talks = Talks(scenario, seed, R)
    draws = talks.draws
    at_least, at_most = draws.stance["at_least"], draws.stance["at_most"]  # [R, N, K]
    n_actors = len(scenario.actors)
    settled_values = np.full(talks.values.shape, np.nan)

    def check_positions(where: str) -> None:
        pos = talks.positions()
        assert pos.shape == at_least.shape
        assert np.isfinite(pos).all(), f"{where}: a position is not finite"
        assert ((pos >= 0) & (pos <= 100)).all(), f"{where}: a position outside [0, 100]"
        for i in range(n_actors):
            assert_within_red_lines(
                pos[:, i],
                at_least[:, i],
                at_most[:, i],
                np.ones(pos.shape[::2], dtype=bool),
                f"{where}: announced position of {scenario.actors[i].id} crosses its red line",
            )

    check_positions("before the first round")
    rounds_played = 0
    while not talks.done:
        before_positions = talks.positions()
        before_settled = talks.settled.copy()
        talks.step()
        rounds_played += 1
        rec = talks.record
        where = f"round {rec.t + 1} (meeting {scenario.meetings[rec.plan.meeting].id})"
        check_positions(f"after {where}")

        # Runs that had ended stand still.
        frozen = ~rec.active
        assert np.array_equal(talks.positions()[frozen], before_positions[frozen]), (
            f"{where}: a run that had ended moved its positions"
        )

        # What was settled: only open issues of this negotiation's table, in live runs.
        now = rec.settled_now
        if scenario.meetings[rec.plan.meeting].kind == "consultation":
            assert not now.any(), f"{where}: a consultation settled an issue"
        else:
            on_table = np.zeros(now.shape[1], dtype=bool)
            on_table[list(rec.plan.issues)] = True
            assert not (now & ~on_table[None, :]).any(), f"{where}: settled an issue off the table"
        assert not (now & before_settled).any(), f"{where}: settled an issue twice"
        assert not (now & ~rec.active[:, None]).any(), f"{where}: settled in an ended run"
        assert np.array_equal(talks.settled, before_settled | now)

        # A settled value respects the red line of every actor whose acceptance it needed.
        for i in rec.plan.decision.needed:
            assert_within_red_lines(
                talks.values,
                at_least[:, i],
                at_most[:, i],
                now,
                f"{where}: settlement crosses the red line of required actor "
                f"{scenario.actors[i].id}",
            )

        # Settled issues keep their value; the others stay at the status quo.
        settled_values = np.where(now, talks.values, settled_values)
        assert np.array_equal(talks.values[talks.settled], settled_values[talks.settled]), (
            f"{where}: a settled value changed"
        )
        assert np.array_equal(talks.values[~talks.settled], draws.status_quo[~talks.settled]), (
            f"{where}: an unsettled issue left its status quo"
        )
        assert np.isfinite(talks.values).all()
        assert ((talks.values >= 0) & (talks.values <= 100)).all()

        # Tension and hazards are probabilities-like quantities.
        for name in ("tension_after", "war_hazard", "breakdown_hazard"):
            x = getattr(rec, name)
            assert np.isfinite(x).all() and ((x >= 0) & (x <= 1)).all(), f"{where}: {name} {x}"

    assert rounds_played <= horizon(data)
    assert not talks.active.any(), "the agenda ran out with runs still talking"
    assert (talks.outcome != ONGOING).all()


# ---- the outcomes table ------------------------------------------------------------------------
@PROPERTY
@given(scenario_dicts(), SEEDS)
def test_outcomes_frame_is_complete_and_consistent(data, seed):
    show(data, seed)
    scenario = build(data)
    talks = Talks(scenario, seed, R)
    talks.play()
    df = talks.outcomes_frame()
    issues = [i["id"] for i in data["issues"]]
    actors = [a["id"] for a in data["actors"]]
    h = horizon(data)

    assert len(df) == R
    assert list(df["run"]) == list(range(R))
    expected_columns = [
        "run",
        "outcome",
        "rounds",
        "cause",
        *(f"settled_{k}" for k in issues),
        *(f"value_{k}" for k in issues),
        *(f"utility_{a}" for a in actors),
    ]
    assert list(df.columns) == expected_columns

    # No NaN anywhere (an unknown outcome code would be NaN in the categorical column).
    nan = df.isna()
    assert not nan.to_numpy().any(), f"NaN in columns {list(df.columns[nan.any()])}"
    numeric = df.drop(columns=["outcome", "cause"]).to_numpy(dtype=float)
    assert np.isfinite(numeric).all(), "an infinite value in the outcomes table"

    outcome = df["outcome"].astype(str)
    assert set(outcome) <= set(OUTCOMES)
    # A cause is given exactly for the endings that have one (wars and collapses).
    caused = (df["cause"].astype(str) != "").to_numpy()
    assert np.array_equal(caused, outcome.isin(["breakdown", "armed_conflict"]).to_numpy())
    assert ((df["rounds"] >= 1) & (df["rounds"] <= h)).all(), (h, df["rounds"].tolist())

    settled = df[[f"settled_{k}" for k in issues]].to_numpy()
    value = df[[f"value_{k}" for k in issues]].to_numpy()
    assert settled.dtype == bool
    assert ((value >= 0) & (value <= 100)).all()
    status_quo = talks.draws.status_quo
    assert np.array_equal(value[~settled], status_quo[~settled]), (
        "an unsettled issue's value is not its status quo"
    )

    # The outcome says what was settled (DESIGN section 2).
    every, some = settled.all(axis=1), settled.any(axis=1)
    at_horizon = df["rounds"].to_numpy() == h
    agreement = (outcome == "agreement").to_numpy()
    partial = (outcome == "partial_agreement").to_numpy()
    stalemate = (outcome == "stalemate").to_numpy()
    assert np.array_equal(agreement, every), "agreement is not 'every issue settled'"
    assert (some[partial] & ~every[partial] & at_horizon[partial]).all()
    assert (~some[stalemate] & at_horizon[stalemate]).all()
