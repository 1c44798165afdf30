"""Setting ended runs aside while a batch plays (sim/model/rows.py) changes no number.

A watched play (``on_round``) keeps every row in every round; an unwatched one drops the ended
runs and puts them back. Both must leave the same state, bit for bit, on every bundled scenario
under every mechanism and settlement mode; and every array with a run axis must be declared,
or a new one would be silently left at its reduced size.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.model import talks as talks_module
from sim.model.mechanisms import MECHANISMS
from sim.model.rows import SetAside
from sim.model.talks import Talks
from sim.scenario import load_scenario, scenario_from_dict

from .factory import REPO, case_data

SCENARIOS = [*sorted((REPO / "scenarios").glob("*.yaml")), "every_feature"]


def test_dropping_twice_and_restoring_puts_every_row_back_where_it_was():
    state = SimpleNamespace(
        a=np.arange(6.0),  # written, run axis first
        b=np.arange(12.0).reshape(2, 6),  # written, run axis second
        c=np.arange(6) * 10,  # only read
    )
    table = {"d": np.arange(6) + 100}  # a dict holds one too
    slots = [(state, "a", 0, True), (state, "b", 1, True), (state, "c", 0, False)]
    slots.append((table, "d", 0, False))
    aside = SetAside()
    aside.drop(slots, np.array([True, False, True, True, False, True]))  # rows 0, 2, 3, 5
    assert aside.rows.tolist() == [0, 2, 3, 5]
    assert state.c.tolist() == [0, 20, 30, 50] and table["d"].tolist() == [100, 102, 103, 105]
    state.a = state.a + 1000  # written anew
    state.b[:] = -state.b  # written in place
    aside.drop(slots, np.array([False, True, False, True]))  # of those, rows 2 and 5
    assert aside.rows.tolist() == [2, 5]
    assert state.a.tolist() == [1002.0, 1005.0]
    state.a[0] = 7.0
    aside.restore()
    assert aside.rows is None
    assert state.a.tolist() == [1000.0, 1.0, 7.0, 1003.0, 4.0, 1005.0]
    assert state.b.tolist() == [
        [-0.0, 1.0, -2.0, -3.0, 4.0, -5.0],
        [-6.0, 7.0, -8.0, -9.0, 10.0, -11.0],
    ]
    assert state.c.tolist() == [0, 10, 20, 30, 40, 50]
    assert table["d"].tolist() == [100, 101, 102, 103, 104, 105]


@pytest.mark.parametrize(
    ("shape", "axis", "dtype"),
    [((7, 3), 0, float), ((2, 7, 3), 1, float), ((7, 3), 0, bool), ((7, 0), 0, float)],
)
@pytest.mark.parametrize("contiguous", [True, False])
def test_rows_written_back_whole_are_the_values_written_element_by_element(
    shape, axis, dtype, contiguous
):
    """Restoring writes each row as one opaque item where the arrays allow it: the same
    bytes as numpy's indexed assignment, for floats (signed zeros, NaN) and booleans, a run
    axis first or second, rows of nothing, and arrays that are views with gaps."""
    rng = np.random.default_rng(3)
    full = rng.standard_normal(shape).astype(dtype)
    if dtype is float and full.size:
        full.flat[:3] = [-0.0, np.nan, np.inf]
    keep = np.array([True, False, True, True, False, False, True])
    rows = np.flatnonzero(keep)
    part = np.take(full, rows, axis=axis)
    part = np.logical_not(part) if dtype is bool else -2.0 * part
    if not contiguous:  # every other column of a wider array
        wide = np.repeat(part, 2, axis=-1)
        part = wide[..., ::2]
    want = full.copy()
    want[(slice(None),) * axis + (rows,)] = part
    aside = SetAside()
    state = SimpleNamespace(x=full)
    aside.drop([(state, "x", axis, True)], keep)
    state.x = part
    aside.restore()
    assert state.x is full and full.tobytes() == want.tobytes()


def _variant(path, mechanism: str, settlement: str):
    data = case_data(path)
    data.setdefault("settings", {}).update(mechanism=mechanism, settlement=settlement)
    return scenario_from_dict(data)


def _state(talks: Talks) -> list[np.ndarray]:
    return [
        np.asarray(h[name] if isinstance(h, dict) else getattr(h, name))
        for h, name, _, _ in talks.per_run()
    ]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: getattr(p, "stem", p))
@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
@pytest.mark.parametrize("settlement", ["issue_by_issue", "package"])
def test_an_unwatched_play_ends_in_the_state_of_a_watched_one(
    path, mechanism, settlement, monkeypatch
):
    # Small thresholds: rows are set aside at nearly every round, several times per play.
    monkeypatch.setattr(talks_module, "SET_ASIDE_ROWS", 16)
    monkeypatch.setattr(talks_module, "SET_ASIDE_SHARE", 0.97)
    sc = _variant(path, mechanism, settlement)
    watched, unwatched = Talks(sc, 7, 1200), Talks(sc, 7, 1200)
    drops = []
    original = talks_module.Talks._set_aside_ended

    def counting(self, aside):
        original(self, aside)
        drops.append(None if aside.rows is None else len(aside.rows))

    monkeypatch.setattr(talks_module.Talks, "_set_aside_ended", counting)
    watched.play(lambda rec: None)
    unwatched.play()
    assert len(set(d for d in drops if d is not None)) >= 2, "rows were not set aside twice"
    assert unwatched.rows is None
    assert watched.outcomes_frame().equals(unwatched.outcomes_frame())
    for a, b, (_, name, _, _) in zip(
        _state(watched), _state(unwatched), watched.per_run(), strict=True
    ):
        assert a.shape == b.shape and np.array_equal(a, b, equal_nan=True), name
    watched.release()
    unwatched.release()


# Arrays with a run axis that are not the batch's state while it plays: the draws read only
# when the model is built, and what a round leaves for its watcher (rebuilt every round).
NOT_STATE = {
    "draws": {"runs", "stance", "actor", "status_quo", "belief_z", "resolve_z"},
    "crisis.draws": set(),
    "talks": {"record", "tension_parts"},
}


def _arrays_with_run_axis(holder, runs: int) -> set[str]:
    found = set()
    for name, value in vars(holder).items():
        if isinstance(value, np.ndarray) and runs in value.shape:
            found.add(name)
    return found


def test_every_array_with_a_run_axis_is_declared():
    runs = 1031  # prime, and no other axis of a bundled scenario is this long
    sc = load_scenario(REPO / "scenarios/nato_russia_2022.yaml")
    talks = Talks(sc, 3, runs)
    talks.play(lambda rec: None)  # watched: every attribute the rounds create now exists
    declared: dict[int, set[str]] = {}
    for holder, name, _, _ in talks.per_run():
        declared.setdefault(id(holder), set()).add(name)
    holders = {"talks": talks, "crisis": talks.crisis, "crisis.draws": talks.crisis.draws}
    holders |= {"draws": talks.draws, "mechanism": talks.mechanism}
    holders |= {f"actor {a.key}": a for a in talks.actor_list}
    missing = []
    for label, holder in holders.items():
        found = _arrays_with_run_axis(holder, runs) - NOT_STATE.get(label, set())
        missing += [f"{label}.{n}" for n in sorted(found - declared.get(id(holder), set()))]
    assert missing == [], f"arrays with a run axis not in Talks.per_run: {missing}"
    # The settings' dict is declared key by key.
    assert declared[id(talks.draws.setting)] == set(talks.draws.setting)
    talks.release()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: getattr(p, "stem", p))
def test_an_experiment_chunk_counts_the_runs_set_aside_as_if_they_stayed(path, monkeypatch):
    """The experiment's watcher takes records of the rows still played: its per-round
    histograms, outcomes and trajectories are those of a chunk that kept every row."""
    from sim.experiment.runner import play_chunk

    sc = scenario_from_dict(case_data(path))
    monkeypatch.setattr(talks_module, "SET_ASIDE_ROWS", 16)
    monkeypatch.setattr(talks_module, "SET_ASIDE_SHARE", 0.97)
    drops = []
    drop = SetAside.drop
    monkeypatch.setattr(SetAside, "drop", lambda self, *a: drops.append(drop(self, *a)))
    reduced = play_chunk(sc, 5, 100, 1300, trajectories=True)
    assert len(drops) >= 2, "rows were not set aside twice"
    monkeypatch.setattr(talks_module.Talks, "_set_aside_ended", lambda self, aside: None)
    whole = play_chunk(sc, 5, 100, 1300, trajectories=True)
    assert reduced.outcomes.equals(whole.outcomes)
    assert reduced.inputs.equals(whole.inputs)
    assert reduced.trajectories.equals(whole.trajectories)
    for name in ("active", "ended", "tension", "positions"):
        assert np.array_equal(getattr(reduced.stats, name), getattr(whole.stats, name)), name


def test_each_rounds_position_histogram_counts_every_run_ended_or_not(monkeypatch):
    from sim.experiment.collect import _position_hist
    from sim.experiment.runner import play_chunk

    sc = load_scenario(REPO / "scenarios/nato_russia_2022.yaml")
    monkeypatch.setattr(talks_module, "SET_ASIDE_ROWS", 16)
    found = play_chunk(sc, 9, 0, 1500, trajectories=False).stats.positions
    # Every run's positions after every round, from a batch that keeps all its rows.
    talks = Talks(sc, 9, 1500)
    expected = [_position_hist(talks.positions())]
    talks.play(lambda rec: expected.append(_position_hist(rec.positions_after)))
    while len(expected) < talks.horizon + 1:  # all ended: the last positions stand
        expected.append(expected[-1])
    assert np.array_equal(found, np.stack(expected))
    assert (found.sum(axis=-1) == 1500).all()  # every run counted once per actor and issue
    talks.release()
