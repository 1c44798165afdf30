"""Crisis dynamics in the scenario format: ultimatums, events, boycotts, accidents, mediation.

Declared apart from ``schema.py`` so that file stays readable; ``schema.py`` attaches these
models to the scenario, meetings, actors and settings. docs/model.md, section 12, gives the
formulas and sources of each.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .params import param
from .schema_base import Id, Sourced, Strict, Unit


class When(Strict):
    """A point on the agenda: a meeting (and a round of it), or a round of the whole agenda."""

    meeting: Id | None = Field(
        None,
        description="Id of the meeting; with no round, its last round (an ultimatum) or "
        "its first (an event).",
    )
    round: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        None,
        description="Round, counted from 1: within the meeting if one is named, otherwise of the "
        "whole agenda (continuation rounds included).",
    )

    @model_validator(mode="after")
    def _something(self) -> When:
        if self.meeting is None and self.round is None:
            raise ValueError("name a meeting:, a round:, or both")
        return self


class Bound(Strict):
    """A demanded bound on one issue (exactly one of the two)."""

    at_least: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="The issue must end at or above this value (0-100)."
    )
    at_most: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="The issue must end at or below this value (0-100)."
    )

    @model_validator(mode="after")
    def _one(self) -> Bound:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("a demand on an issue has exactly one of at_least: or at_most:")
        return self


class Ultimatum(Sourced):
    """A demand, a date and a threat (Schelling 1966; George's 'ultimatum' form)."""

    id: Id
    sender: Id = Field(description="Actor id that issues the ultimatum.")
    demand: dict[Id, Bound] = Field(
        min_length=1,
        description="Per issue id, the bound the issue's value must meet by the deadline "
        "(settled or not: a status quo that already meets it meets it).",
    )
    deadline: When | None = Field(
        None,
        description="When the demand falls due: at the end of this round the sender carries out "
        "its threat if the demand is unmet (with probability its credibility). Default: the "
        "scenario's deadline (settings.deadline), the one deadline clock.",
    )
    consequence: Literal["war", "walk_out", "status_quo"] = Field(
        description="war: the sender uses its military option (armed conflict); walk_out: the "
        "sender leaves and talks collapse (breakdown); status_quo: the sender changes the status "
        "quo as stated in change: (talks go on)."
    )
    change: dict[Id, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict,
        description="With consequence status_quo: the new value of each named unsettled issue.",
    )
    credibility: Unit = Field(
        description="Probability, 0-1, that the sender carries out the threat if the demand is "
        "unmet; may be a distribution (uncertain to the analyst), drawn once per run."
    )
    perception_noise: Annotated[float, Field(ge=0, le=5)] = Field(
        0.5,
        description="Sd, in log-odds, of each other actor's error about the credibility; 0 and 1 "
        "are perceived exactly (docs/model.md, 12.1).",
    )

    @model_validator(mode="after")
    def _change(self) -> Ultimatum:
        if (self.consequence == "status_quo") != bool(self.change):
            raise ValueError("change: is given exactly when the consequence is status_quo")
        return self


class ActorChange(Strict):
    """New values of an actor's behavioural parameters from an event on."""

    flexibility: Unit | None = Field(None, description="New flexibility, 0-1.")
    dialogue: Unit | None = Field(None, description="New dialogue, 0-1.")
    time_pressure: Unit | None = Field(None, description="New time pressure, 0-1.")
    war_cost: Unit | None = Field(None, description="New cost to it of others' war, 0-1.")
    p_win: Unit | None = Field(None, description="New chance force succeeds (military option).")
    cost: Unit | None = Field(None, description="New cost of war to it (military option).")
    signal: Unit | None = Field(None, description="New military signal (military option).")


class Event(Sourced):
    """Something that happens at a round, whatever the talks do: the crisis moves on."""

    id: Id
    name: str = Field(min_length=1, description="What happens, told in narration.")
    at: When = Field(description="The round at whose start it happens.")
    probability: Unit = Field(
        1.0, description="Chance, 0-1, that it happens in a run (drawn once per run)."
    )
    status_quo: dict[Id, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict,
        description="New value of each named issue that is still unsettled (the status quo "
        "moves: troops arrive, a blockade is proclaimed).",
    )
    actors: dict[Id, ActorChange] = Field(
        default_factory=dict, description="New parameter values per actor id."
    )
    leave: list[Id] = Field(
        default_factory=list, description="Actors who stay away from every meeting from now on."
    )
    join: list[Id] = Field(
        default_factory=list, description="Actors who come back to the meetings listing them."
    )
    contact: Unit | None = Field(
        None, description="New level of military contact for the accident hazard, 0-1."
    )


class Boycott(Sourced):
    """The actor stays away from any round whose table has one of these issues open."""

    while_on_table: list[Id] = Field(
        min_length=1, description="Issue ids whose presence on a table (unsettled) keeps it away."
    )
    probability: Unit = Field(
        1.0, description="Chance, 0-1, that the boycott holds in a run (drawn once per run)."
    )


class Accidents(Sourced):
    """An unintended clash (a plane shot down, a submarine nearly firing): war nobody chose."""

    rate: param(0, 10) = Field(
        description="Accident hazard rate per round: h = 1 - exp(-rate * T * contact)."
    )
    contact: Unit = Field(
        description="How closely opposing forces are in contact, 0-1 (events may change it)."
    )


class Linkage(Sourced):
    """Issues that settle only together ("this for that": territory for recognition)."""

    issues: list[Id] = Field(
        min_length=2, description="Issue ids that may only be settled in the same round."
    )


class SidePayment(Sourced):
    """A transfer of utility one actor offers another for settling an issue (aid, sanctions
    relief): it makes the settlement worth more to the receiver and costs the giver."""

    giver: Id = Field(description="Actor id that pays.")
    receiver: Id = Field(description="Actor id that is paid.")
    issue: Id = Field(description="Issue id whose settlement the payment buys.")
    amount: Annotated[float, Field(ge=0, le=1)] = Field(
        description="What the payment is worth to the receiver, utility 0-1 (a number)."
    )
    cost: Annotated[float, Field(ge=0, le=1)] = Field(
        description="What it costs the giver, utility 0-1 (a number)."
    )
