"""The seam every mechanism plugs into: how a round of talks is played.

``Talks`` owns the state (values, settlements, tension, hazards, termination) and the rule
that turns acceptances into agreements, and it enforces red lines whatever a mechanism says.
A mechanism decides the rest of a round: what is proposed, who accepts, how positions and
beliefs move afterwards, and how to tell its round in words. One small class per mechanism,
one module each, so the mechanisms of the literature can be compared on one scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..actors import learning_cuts
from ..arrays import row_any

if TYPE_CHECKING:
    from ..actors import Actor, Response
    from ..schedule import RoundPlan
    from ..talks import RoundRecord, Talks

# Words for a value of issue k: fmt(k, value) -> "40 (nearer 'open door')".
Formatter = Callable[[int, float], str]


class Mechanism:
    """How a round is played; subclasses set ``name`` and override what differs."""

    name: ClassVar[str]
    summary: ClassVar[str]

    def __init__(self, talks: Talks):
        self.talks = talks

    def rows_changed(self) -> None:
        """The batch's rows were set aside or put back (sim/model/rows.py): anything kept
        per run across rounds must be dropped or mapped to the new rows."""

    def propose(
        self, plan: RoundPlan, proposer: Actor, deciders: list[Actor], open_: np.ndarray
    ) -> np.ndarray:
        """The package [R, K] ``proposer`` would put on the table: proposed values on open
        issues, current values elsewhere (called once per actor proposing in some run)."""
        raise NotImplementedError

    def respond(self, actor: Actor, proposal: np.ndarray, open_: np.ndarray) -> Response:
        """``actor``'s answer to ``proposal`` (the engine then removes red-line crossings)."""
        raise NotImplementedError

    def update(
        self,
        plan: RoundPlan,
        proposers: np.ndarray,
        parts: list[Actor],
        proposal: np.ndarray,
        responses: dict[int, Response],
        still_open: np.ndarray,
    ) -> None:
        """After the decision: what participants learn and how their positions move
        (``proposers`` [R]: each run's proposer, by actor index)."""

    def learn_from_refusals(
        self, parts: list[Actor], responses: dict[int, Response], still_open: np.ndarray
    ) -> None:
        """A refusal reveals the refuser: every participant's errors about it shrink (4.1)."""
        talks = self.talks
        refused = np.zeros((len(talks.runs), len(talks.actor_list)), dtype=bool)
        for a in parts:
            refused[:, a.index] = row_any(still_open & ~responses[a.index].accept)
        cuts = learning_cuts(talks.learning_rate, refused, len(talks.issue_ids))
        for b in parts:
            b.learn(talks.learning_rate, refused, cuts)

    def consult(self, parts: list[Actor]) -> None:
        """A consultation: no proposal; by default participants learn about one another."""
        talks = self.talks
        present = np.zeros((len(talks.runs), len(talks.actor_list)), dtype=bool)
        present[:, [a.index for a in parts]] = talks.active[:, None]
        cuts = learning_cuts(talks.learning_rate, present, len(talks.issue_ids))
        for a in parts:
            a.learn(talks.learning_rate, present, cuts)

    def explain(self, rec: RoundRecord, run: int, fmt: Formatter) -> list[str]:
        """The round's negotiation in plain sentences, for narration (run ``run`` of the batch)."""
        return []
