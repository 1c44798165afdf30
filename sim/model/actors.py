"""An actor at the talks: what it wants, what it believes, how it proposes, responds and concedes.

Each ``Actor`` is a Mesa agent whose state carries a leading run axis: ``position[R, K]`` is its
announced position on every issue in each of R runs, so one call decides for all runs at once.
The formulas are in docs/model.md, section by section.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from .utility import compromise_point, utility, within

if TYPE_CHECKING:
    from sim.scenario.sampling import Draws
    from sim.scenario.schema import Actor as ActorSpec

    from .talks import Talks


TOLERANCE = 1e-9  # utility units: offers computed to meet a reservation exactly are accepted


@dataclass
class Response:
    """An actor's answer to a proposal, issue by issue, with its reasons (for narration)."""

    accept: np.ndarray  # [R, K] accepts settling issue k at the proposed value
    worth: np.ndarray  # [R, K] what accepting would be worth to it (utility)
    reservation: np.ndarray  # [R] what no deal is worth to it now (reservation utility)
    crossed: np.ndarray  # [R, K] the proposed value crosses its red line on k


class Actor(mesa.Agent):
    """A party to the talks; who it is and what it wants come only from the scenario file."""

    def __init__(self, model: Talks, index: int, spec: ActorSpec, draws: Draws):
        super().__init__(model)
        self.index = index
        self.key = spec.id
        self.name = spec.name
        self.bloc = spec.bloc
        self.has_military_option = spec.military_option is not None
        self.ideal = draws.stance["position"][:, index].copy()
        self.position = self.ideal.copy()
        raw = draws.stance["salience"][:, index]
        total, top = raw.sum(axis=-1, keepdims=True), raw.max(axis=-1, keepdims=True)
        self.salience = raw / np.where(total > 0, total, 1.0)
        self.relative_salience = raw / np.where(top > 0, top, 1.0)
        self.at_least = draws.stance["at_least"][:, index].copy()
        self.at_most = draws.stance["at_most"][:, index].copy()
        for name in ("capability", "flexibility", "patience", "dialogue", "war_cost"):
            setattr(self, name, draws.actor[name][:, index].copy())
        self.p_win = draws.actor["p_win"][:, index].copy()
        self.cost_of_war = draws.actor["cost"][:, index].copy()
        self.signal = draws.actor["signal"][:, index].copy()
        # Private information: errors in what this actor perceives of the others.
        noise = draws.setting["belief_noise"][:, None, None]
        self.position_error = draws.position_error[:, index] * noise
        self.position_error[:, index] = 0.0
        self.resolve_error = draws.resolve_error[:, index] * draws.setting["resolve_noise"][:, None]
        self.resolve_error[:, index] = 0.0
        runs, issues = self.position.shape
        self.last_offer = np.full((runs, issues), np.nan)
        self.has_offer = np.zeros(runs, dtype=bool)

    # ---- what it wants ---------------------------------------------------------------
    def utility(self, package: np.ndarray) -> np.ndarray:
        """Worth of a package measured from its announced position (what it now asks for)."""
        return utility(self.position, self.salience, package)

    def true_utility(self, package: np.ndarray) -> np.ndarray:
        """Worth of a package measured from its ideal point (its interests, for reporting)."""
        return utility(self.ideal, self.salience, package)

    def war_value(self) -> np.ndarray:
        """Fearon's value of fighting, ``p_win - cost``; minus infinity without the option."""
        if not self.has_military_option:
            return np.full(self.p_win.shape, -np.inf)
        return self.p_win - self.cost_of_war

    def reservation_utility(self, values: np.ndarray) -> np.ndarray:
        """What no agreement is worth now: the status quo one round later, or war if better.

        Refusing costs a round of delay, so the value of holding out is the current state
        discounted once by patience (Rubinstein 1982), less the expected cost of a war that
        may break out meanwhile (the coercive side of a threat); force is the alternative for
        an actor that has it (Fearon 1995).
        """
        return self._no_deal(self, values)

    def _no_deal(self, who: Actor, values: np.ndarray, point: np.ndarray | None = None):
        point = who.position if point is None else point
        hold_out = utility(point, who.salience, values) - self.model.war_risk * who.war_cost
        return np.maximum(who.patience * hold_out, who.war_value())

    def war_shortfall(self, values: np.ndarray) -> np.ndarray:
        """How much more war is worth to it than the best it has on the table (0 if less)."""
        if not self.has_military_option:
            return np.zeros(self.p_win.shape)
        offered = np.where(self.has_offer, self.utility(np.nan_to_num(self.last_offer)), -np.inf)
        on_table = np.maximum(offered, self.patience * self.utility(values))
        return np.where(self.has_offer, np.maximum(self.war_value() - on_table, 0.0), 0.0)

    # ---- what it believes of the others -------------------------------------------------
    def believed_position(self, other: Actor) -> np.ndarray:
        return other.position + self.position_error[:, other.index]

    def believed_red_lines(self, other: Actor) -> tuple[np.ndarray, np.ndarray]:
        err = self.position_error[:, other.index]
        return other.at_least + err, other.at_most + err

    def believed_reservation(self, other: Actor, values: np.ndarray) -> np.ndarray:
        ru = self._no_deal(other, values, self.believed_position(other))
        return ru + self.resolve_error[:, other.index]

    # ---- decisions ----------------------------------------------------------------------
    def propose(
        self, talks: Talks, participants: list[Actor], required: list[Actor], table: np.ndarray
    ) -> np.ndarray:
        """The best package for itself among those it believes the others will accept.

        Returns the full package [R, K]: proposed values on the open issues of the table,
        current values elsewhere. Where it believes nothing is acceptable it offers the
        compromise point (the focal point) as far as it would accept it, which tests the others
        and reveals information; where it would itself accept no change, it restates its demand.
        """
        values = talks.values
        open_ = table[None, :] & ~talks.settled
        focal = compromise_point(
            np.stack([a.capability for a in participants], axis=-1),
            np.stack([a.salience for a in participants], axis=-2),
            np.stack([self.believed_position(a) for a in participants], axis=-2),
            values,
        )
        judges = [self, *(a for a in required if a is not self)]
        if talks.scenario.settings.settlement == "issue_by_issue":
            return self._propose_issue_by_issue(judges, values, open_, focal)
        return self._propose_package(judges, values, open_, focal, talks)

    def _acceptable_interval(
        self, other: Actor, values: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per issue, the values [R, K] it believes ``other`` accepts, others held at ``values``.

        With linear utility this set is an interval: ``|v - x| <= 100 * slack / s``.
        """
        x = self.believed_position(other)
        low, high = self.believed_red_lines(other)
        s = other.salience
        base = utility(x, s, values)[:, None] + s * np.abs(values - x) / 100.0
        slack = base - self.believed_reservation(other, values)[:, None]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            radius = np.where(s > 0, 100.0 * slack / s, np.where(slack >= 0, np.inf, -np.inf))
        return np.maximum.reduce([x - radius, low, np.zeros_like(x)]), np.minimum.reduce(
            [x + radius, high, np.full_like(x, 100.0)]
        )

    def _propose_issue_by_issue(self, judges, values, open_, focal) -> np.ndarray:
        low = np.zeros_like(values)
        high = np.full_like(values, 100.0)
        for other in judges:
            lo, hi = self._acceptable_interval(other, values)
            low, high = np.maximum(low, lo), np.minimum(high, hi)
        own_lo, own_hi = self._acceptable_interval(self, values)
        own_lo, own_hi = np.maximum(own_lo, self.at_least), np.minimum(own_hi, self.at_most)
        feasible = low <= high
        best = np.clip(self.position, low, np.maximum(low, high))
        # Nothing it believes the others take: it floats the compromise point, as far as it
        # would accept it itself; if it would accept no change at all, it restates its demand.
        focal = np.clip(focal, self.at_least, self.at_most)
        fallback = np.where(own_lo <= own_hi, np.clip(focal, own_lo, own_hi), self.position)
        offer = np.where(feasible, best, fallback)
        return np.where(open_, offer, values)

    def _propose_package(self, judges, values, open_, focal, talks) -> np.ndarray:
        grid = np.linspace(0.0, 1.0, talks.scenario.settings.package_grid)
        start = np.where(open_, self.position, values)
        end = np.where(open_, focal, values)
        cand = start[:, None, :] + grid[None, :, None] * (end - start)[:, None, :]
        low = np.zeros_like(values)
        high = np.full_like(values, 100.0)
        for other in judges:
            lo, hi = self.believed_red_lines(other)
            low, high = np.maximum(low, lo), np.minimum(high, hi)
        low = np.where(low <= high, low, self.at_least)
        high = np.where(low <= high, high, self.at_most)
        cand = np.where(open_[:, None, :], np.clip(cand, low[:, None], high[:, None]), cand)
        surplus = np.full(cand.shape[:2], np.inf)
        for other in judges:
            u = utility(self.believed_position(other)[:, None], other.salience[:, None], cand)
            ru = self.believed_reservation(other, values)
            lo, hi = self.believed_red_lines(other)
            keeps = within(lo[:, None], hi[:, None], cand, open_[:, None, :])
            surplus = np.minimum(surplus, np.where(keeps, u - ru[:, None], -np.inf))
        ok = surplus >= 0
        first = np.argmax(ok, axis=1)
        closest = np.argmax(np.where(np.isfinite(surplus), surplus, -1e9), axis=1)
        pick = np.where(ok.any(axis=1), first, closest)
        return cand[np.arange(len(pick)), pick]

    def respond(self, proposal: np.ndarray, open_: np.ndarray, values: np.ndarray) -> Response:
        """Accept what is worth at least its reservation utility and crosses no red line.

        Issue by issue, settling issue k alone is judged (the others held where they are);
        for a package, the whole package is judged and the answer holds for every issue.
        """
        reservation = self.reservation_utility(values)
        crossed = open_ & ((proposal < self.at_least - 1e-9) | (proposal > self.at_most + 1e-9))
        if self.model.scenario.settings.settlement == "issue_by_issue":
            here = self.utility(values)[:, None]
            gain = self.salience * (
                np.abs(values - self.position) - np.abs(proposal - self.position)
            )
            worth = here + gain / 100.0
            accept = (worth >= reservation[:, None] - TOLERANCE) & ~crossed & open_
        else:
            whole = self.utility(proposal)
            worth = np.repeat(whole[:, None], proposal.shape[1], axis=1)
            ok = (whole >= reservation - TOLERANCE) & ~crossed.any(axis=1)
            accept = ok[:, None] & open_
        return Response(accept=accept, worth=worth, reservation=reservation, crossed=crossed)

    def concede(self, offer: np.ndarray, still_open: np.ndarray) -> np.ndarray:
        """Give ground toward the offer, most where it cares least, never past a red line.

        Step: ``flexibility * (1 - relative salience) * (offer - position)`` (the exchange model's
        logic: concede where it costs you least). Returns the step taken [R, K].
        """
        step = self.flexibility[:, None] * (1.0 - self.relative_salience) * (offer - self.position)
        step = np.where(still_open, step, 0.0)
        new = np.clip(self.position + step, self.at_least, self.at_most)
        taken = new - self.position
        self.position = new
        return taken

    def learn(self, rate: np.ndarray, revealed: np.ndarray) -> None:
        """Refusals (and frank talks) reveal information: errors about those actors shrink.

        ``revealed`` [R, N] marks whose position and resolve were revealed this round; each
        such error is cut by the learning rate (its own entries are zero already).
        """
        keep = np.where(revealed, 1.0 - rate[:, None], 1.0)
        self.position_error *= keep[:, :, None]
        self.resolve_error *= keep

    def receive_offer(self, package: np.ndarray, mask: np.ndarray) -> None:
        """Remember the latest package put to it (the offer on the table for its war calculus)."""
        self.last_offer[mask] = package[mask]
        self.has_offer |= mask
