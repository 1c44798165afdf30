"""Expected utility: Bueno de Mesquita's challenge model as the way a round is played.

At a negotiation table the proposer puts forward, on each open issue, the model's forecast: the
median voter position of the participants (weights capability x salience, positions as the
proposer perceives them, clipped to its own red lines), so who chairs matters only through what
it perceives. The participants answer as under bargaining (reservation utility and red lines),
so war, red lines and tension keep their meaning. Where issues stay open the participants then
play one round of challenges on their announced positions (``sim/model/expected_utility.py``,
Scholz, Calbert and Smith 2011) and each moves to the offer it accepts, never past its own red
lines; refusals reveal information as under bargaining. docs/model.md gives the equations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .. import expected_utility as eu
from .bargaining import Bargaining

if TYPE_CHECKING:
    from ..actors import Actor
    from ..schedule import RoundPlan
    from ..talks import RoundRecord, Talks
    from .base import Formatter

_WHY = {
    eu.CONFLICT: "expects to lose a conflict with",
    eu.COMPROMISE: "compromises with",
    eu.CAPITULATION: "gives in to",
}


class ExpectedUtility(Bargaining):
    """Median-voter proposals; positions move by Bueno de Mesquita's challenges."""

    name: ClassVar[str] = "expected_utility"
    summary: ClassVar[str] = (
        "the median voter position proposed; positions move by pairwise challenges "
        "(Bueno de Mesquita's expected-utility model, after Scholz, Calbert and Smith 2011)"
    )

    def __init__(self, talks: Talks):
        super().__init__(talks)
        # Round t -> the moves of that round, for narration: the (run, issue) of each batch
        # row, and per row and actor the kind of offer accepted and from whom (-1: none).
        self.moves: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    # ---- proposals -----------------------------------------------------------------------
    def propose(
        self, plan: RoundPlan, proposer: Actor, deciders: list[Actor], open_: np.ndarray
    ) -> np.ndarray:
        """The median voter position of those at the table, as the proposer perceives them.

        Where nobody at the table cares about an issue its current value stands.
        """
        talks = self.talks
        parts = [talks.actor_list[i] for i in plan.participants]
        x = np.stack([proposer.believed_position(a) for a in parts], axis=-1)  # [R, K, N]
        w = np.stack([a.capability[:, None] * a.salience for a in parts], axis=-1)
        median = np.where(w.sum(axis=-1) > 0, eu.weighted_median(x, w), talks.values)
        offer = np.clip(median, proposer.at_least, proposer.at_most)
        return np.where(open_, offer, talks.values)

    # ---- after the decision --------------------------------------------------------------
    def update(self, plan, proposers, parts, proposal, responses, still_open) -> None:
        """Refusals reveal information; then one round of challenges on the open issues."""
        talks = self.talks
        self.learn_from_refusals(parts, responses, still_open)
        rows = np.nonzero(still_open)  # (run, issue) pairs still open, one batch row each
        if rows[0].size == 0 or len(parts) < 2:
            return
        x = np.stack([a.position[rows] for a in parts], axis=-1)  # [M, N]
        s = np.stack([a.salience[rows] for a in parts], axis=-1)
        c = np.stack([a.capability[rows[0]] for a in parts], axis=-1)
        rnd = eu.analyse(c, s, x)
        for n, a in enumerate(parts):
            new = a.position.copy()
            new[rows] = np.clip(rnd.position[:, n], a.at_least[rows], a.at_most[rows])
            a.position = new
        by = np.asarray([a.index for a in parts])[np.maximum(rnd.accepted, 0)]
        kind = np.take_along_axis(rnd.offer_kind, np.maximum(rnd.accepted, 0)[..., None], -1)
        took = rnd.accepted >= 0
        self.moves[talks.t] = (
            rows[0] if talks.rows is None else talks.rows[rows[0]],  # runs of the full batch
            rows[1],
            np.where(took, kind[..., 0], eu.NO_OFFER).astype(np.int8),
            np.where(took, by, -1),
        )

    # ---- narration ----------------------------------------------------------------------
    def explain(self, rec: RoundRecord, run: int, fmt: Formatter) -> list[str]:
        """Bargaining's account of the proposal and answers, then why each position moved
        (the engine's own line gives the numbers); moves under a point are left out."""
        lines = super().explain(rec, run, fmt)
        if rec.t not in self.moves:
            return lines
        actors = self.talks.actor_list
        issues = self.talks.scenario.issues
        run_of, issue_of, kind, by = self.moves[rec.t]
        for m in np.nonzero(run_of == run)[0]:
            k = int(issue_of[m])
            for n, i in enumerate(rec.plan.participants):
                step = rec.positions_after[run, i, k] - rec.positions_before[run, i, k]
                if kind[m, n] == eu.NO_OFFER or abs(step) < 1.0:
                    continue
                lines.append(
                    f"On {issues[k].name}, {actors[i].name} {_WHY[int(kind[m, n])]} "
                    f"{actors[int(by[m, n])].name} and gives ground toward its position."
                )
        return lines
