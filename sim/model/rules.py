"""Decision rules: which sets of acceptances turn a proposal into an agreement.

A meeting's ``rule`` is compiled once into a ``Decision`` over actor indices, then judged for
every run (and every issue or candidate package) at once from a boolean array of acceptances.
docs/model.md, section 3.2, gives the rules and their sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.schema import Meeting, Rule

TOLERANCE = 1e-9  # weight shares computed to meet a threshold exactly pass it


@dataclass(frozen=True)
class Decision:
    """A decision rule over actor indices (the order of ``scenario.actors``)."""

    kind: str  # unanimity | majority | qualified_majority
    voters: tuple[int, ...]
    weights: tuple[float, ...]  # one per voter
    threshold: float  # share of the voters' weight that must accept (majority: more than it)
    min_members: int
    veto: tuple[int, ...]

    @property
    def needed(self) -> tuple[int, ...]:
        """Actors whose acceptance every agreement needs: veto players, and under unanimity
        every voter."""
        if self.kind == "unanimity":
            return tuple(dict.fromkeys((*self.veto, *self.voters)))
        return self.veto

    @property
    def deciders(self) -> tuple[int, ...]:
        """Everyone whose acceptance counts for something: the voters and the veto players."""
        return tuple(dict.fromkeys((*self.veto, *self.voters)))

    @property
    def unanimous(self) -> bool:
        """Whether the rule passes exactly when every decider accepts (a unanimity rule with
        unit weights and a quorum it always meets): then a caller may test acceptance as
        one interval's intersection instead of actor by actor."""
        return (
            self.kind == "unanimity"
            and all(w == 1.0 for w in self.weights)
            and self.min_members <= len(self.voters)
        )

    def passes(self, accept: np.ndarray) -> np.ndarray:
        """Whether the acceptances ``accept[..., N]`` (by actor index) make an agreement."""
        if self.kind == "unanimity" and all(w == 1.0 for w in self.weights) and self.voters:
            # Unit weights: the share is 1 exactly when every voter accepts, and below
            # 1 - 1/len(voters) otherwise, so this is the weighted test below, without the
            # float array it would build (the engine's hottest line), voter by voter (numpy's
            # all() over a short last axis is slower than the ANDs).
            ok = accept[..., self.voters[0]].copy()
            for v in self.voters[1:]:
                ok &= accept[..., v]
            return self._rest(accept, ok)
        votes = accept[..., list(self.voters)]
        w = np.asarray(self.weights)
        share = (votes * w).sum(axis=-1) / w.sum()
        if self.kind == "majority":
            ok = share > self.threshold + TOLERANCE
        else:
            ok = share >= self.threshold - TOLERANCE
        return self._rest(accept, ok)

    def _rest(self, accept: np.ndarray, ok: np.ndarray) -> np.ndarray:
        """The quorum and the vetoes, which every kind of rule adds to its own test."""
        if self.min_members:
            ok &= accept[..., list(self.voters)].sum(axis=-1) >= self.min_members
        for v in self.veto:
            ok &= accept[..., v]
        return ok


def compile_rule(meeting: Meeting, index: dict[str, int]) -> Decision:
    """The meeting's rule over actor indices; ``all`` and a list of ids are unanimity rules."""
    parts = [index[p] for p in meeting.participants]
    rule = meeting.rule
    if rule == "all":
        return Decision("unanimity", tuple(parts), (1.0,) * len(parts), 1.0, 0, ())
    if isinstance(rule, list):
        ids = tuple(index[p] for p in rule)
        return Decision("unanimity", ids, (1.0,) * len(ids), 1.0, 0, ())
    assert isinstance(rule, Rule)
    veto = tuple(index[p] for p in rule.veto)
    names = rule.voters if rule.voters is not None else meeting.participants
    voters = tuple(index[p] for p in names if rule.voters is not None or p not in rule.veto)
    ids = {i: p for p, i in index.items()}
    weights = tuple(float((rule.weights or {}).get(ids[v], 1.0)) for v in voters)
    threshold = {"unanimity": 1.0, "majority": 0.5}.get(rule.kind, rule.threshold or 1.0)
    return Decision(rule.kind, voters, weights, threshold, rule.min_members or 0, veto)
