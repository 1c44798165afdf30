"""A table's issues computed alone (``Talks.narrow``) give the numbers of all issues computed.

Where a table holds at most half of the issues, proposals and expected deals are computed on
its columns only; the utility of the current values still counts every issue. Every round of a
play must be the same, bit for bit, as with every column computed.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.mechanisms import MECHANISMS
from sim.model.talks import Talks
from sim.scenario import load_scenario, scenario_from_dict

from .factory import REPO, case_data

SCENARIOS = [*sorted((REPO / "scenarios").glob("*.yaml")), "every_feature"]
RECORDED = ("proposal", "positions_after", "shortfall", "tension_after", "war_hazard", "ended")


def _rounds(sc, narrow: bool, monkeypatch) -> tuple[list[dict[str, np.ndarray]], Talks]:
    if not narrow:
        monkeypatch.setattr(Talks, "narrow", lambda self, plan: None)
    talks = Talks(sc, 11, 600)
    rounds: list[dict[str, np.ndarray]] = []

    def keep(rec):
        seen = {name: getattr(rec, name) for name in RECORDED if getattr(rec, name) is not None}
        for i, resp in rec.responses.items():
            seen |= {f"{i}.accept": resp.accept, f"{i}.worth": resp.worth}
        rounds.append(seen)

    talks.play(keep)
    monkeypatch.undo()
    return rounds, talks


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: getattr(p, "stem", p))
@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
def test_a_small_table_computed_alone_plays_every_round_the_same(path, mechanism, monkeypatch):
    data = case_data(path)
    data.setdefault("settings", {})["mechanism"] = mechanism
    sc = scenario_from_dict(data)
    narrowed = Talks(sc, 11, 1)
    small = [p for p in narrowed.schedule if narrowed.narrow(p) is not None]
    narrowed.release()
    if not small:
        pytest.skip(f"{path.stem}: no table holds at most half of the issues")
    full, a = _rounds(sc, False, monkeypatch)
    part, b = _rounds(sc, True, monkeypatch)
    assert len(full) == len(part)
    for t, (x, y) in enumerate(zip(full, part, strict=True)):
        assert x.keys() == y.keys()
        for name in x:
            assert np.array_equal(x[name], y[name], equal_nan=True), f"round {t + 1}: {name}"
    assert a.outcomes_frame().equals(b.outcomes_frame())
    a.release()
    b.release()


def test_a_table_of_most_issues_is_computed_whole():
    sc = load_scenario(REPO / "scenarios/nato_russia_2022.yaml")
    talks = Talks(sc, 1, 1)
    k = len(talks.issue_ids)
    for plan in talks.schedule:
        cols = talks.narrow(plan)
        if 2 * len(plan.issues) > k:
            assert cols is None
        else:
            assert cols is not None and cols.tolist() == list(plan.issues)
    # The baseline has both kinds: the US-Russia talks (2 of 6 issues) and the NATO-Russia
    # Council (5 of 6).
    assert {talks.narrow(p) is None for p in talks.schedule if p.issues} == {True, False}
    talks.release()
