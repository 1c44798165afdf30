"""The scenario schema: every field declared once, with its meaning, scale and bounds.

This is the single place parameters are declared (the CLI, the model and the charts read
them from here); ``negsim schema`` prints it as JSON Schema for editor completion.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, model_validator

from .crisis import Accidents, Boycott, Event, Linkage, SidePayment, Ultimatum, When
from .params import param
from .schema_base import Id, Position, Sourced, Strict, Unit

INF = math.inf

# Defaults of behavioural fields, so scenarios generated from data need no invented numbers;
# docs/model.md section 8 says why each value.
DEFAULT_FLEXIBILITY = 0.3
DEFAULT_PATIENCE = 0.9
DEFAULT_DIALOGUE = 0.7
DEFAULT_ASPIRATION = 0.5
DEFAULT_TIME_PRESSURE = 0.2
MECHANISMS = ("bargaining", "expected_utility")


class RedLine(Sourced):
    """A bound the actor will not accept an agreement beyond (exactly one of the two)."""

    at_least: Position | None = Field(
        None, description="Agreements below this value (0-100 scale) are unacceptable."
    )
    at_most: Position | None = Field(
        None, description="Agreements above this value (0-100 scale) are unacceptable."
    )

    @model_validator(mode="after")
    def _one_bound(self) -> RedLine:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("a red line has exactly one of at_least: or at_most:")
        return self


class Stance(Sourced):
    """An actor's view of one issue."""

    position: Position = Field(description="Ideal point on the issue's 0-100 scale.")
    salience: Unit = Field(
        description="How much the actor cares about this issue, 0-1, on a scale shared by all "
        "actors (0.1: barely; 1: vital). It weighs the actor in the compromise point and slows "
        "its concessions; utilities divide by the actor's total salience when that exceeds 1."
    )
    red_line: RedLine | None = Field(None, description="Optional bound on acceptable agreements.")


class MilitaryOption(Sourced):
    """The actor can resort to force (Fearon 1995: war is worth p_win - cost to it)."""

    p_win: Unit = Field(description="Probability that force gets the actor its way, 0-1.")
    cost: Unit = Field(description="Cost of war to the actor, in utility units (0-1).")
    signal: Unit = Field(
        0.0, description="Strength of its military signalling (troops massed), 0-1; raises tension."
    )


class Actor(Strict):
    """A party to the talks."""

    id: Id
    name: str = Field(min_length=1, description="Name shown in tables, charts and narration.")
    capability: param(0.001, 100) = Field(
        description="Relative weight in the talks (any positive scale; only ratios matter)."
    )
    bloc: Id | None = Field(None, description="Bloc whose members coordinate their positions.")
    flexibility: Unit = Field(
        DEFAULT_FLEXIBILITY,
        description="How readily it concedes after a refusal, 0 (never) to 1 (fully); "
        f"default {DEFAULT_FLEXIBILITY} (docs/model.md, 4.2).",
    )
    patience: param(0.5, 1) = Field(
        DEFAULT_PATIENCE,
        description="Discount per round on what it still aspires to, 0.5-1 (1 = fully patient); "
        f"default {DEFAULT_PATIENCE} (docs/model.md, 3).",
    )
    dialogue: Unit = Field(
        DEFAULT_DIALOGUE,
        description="Willingness to keep talking, 0-1; low values make walk-outs likely; "
        f"default {DEFAULT_DIALOGUE}.",
    )
    aspiration: Unit = Field(
        DEFAULT_ASPIRATION,
        description="Share of the possible gain over no agreement it holds out for at the start, "
        "0-1; it falls with impatience and reaches 0 at the deadline, so early acceptable offers "
        f"may be refused in hope of better (docs/model.md, 3); default {DEFAULT_ASPIRATION}.",
    )
    time_pressure: Unit = Field(
        DEFAULT_TIME_PRESSURE,
        description="Utility it loses if the agenda ends without agreement, 0-1; the value of no "
        "agreement falls by this times the elapsed share of the agenda (docs/model.md, 3); "
        f"default {DEFAULT_TIME_PRESSURE}.",
    )
    war_cost: Unit = Field(
        0.0,
        description="Cost to this actor if others go to war, in utility units (0-1); it makes "
        "no deal riskier for it. An actor with a military_option uses p_win - cost instead.",
    )
    military_option: MilitaryOption | None = Field(
        None, description="Present if the actor may use force when talks offer it less than war."
    )
    boycott: Boycott | None = Field(
        None,
        description="Attendance condition: it stays away from any round whose table has one of "
        "the named issues open (docs/model.md, 12.3).",
    )
    stances: dict[Id, Stance] = Field(
        description="Per issue id. An issue left out is one the actor is indifferent to "
        "(salience 0, no red line)."
    )
    source: str | None = Field(None, description="Source of the actor-level parameters.")
    assumption: str | None = Field(None, description="Why the actor-level values were chosen.")


class Issue(Strict):
    """One question on the table, a 0-100 scale with its ends in words."""

    id: Id
    name: str = Field(min_length=1, description="Short name of the issue.")
    label: str | None = Field(
        None,
        min_length=1,
        max_length=24,
        description="A shorter name still, for brief narration (default: the name).",
    )
    low: str = Field(min_length=1, description="What 0 on the scale means.")
    high: str = Field(min_length=1, description="What 100 on the scale means.")
    status_quo: Position = Field(description="Where things stand if nothing is agreed (0-100).")
    source: str | None = Field(None, description="Source for the scale and status quo.")
    assumption: str | None = Field(None, description="Why the status quo was placed there.")


class Rule(Strict):
    """A decision rule: which sets of acceptances make an agreement (docs/model.md, 3.2)."""

    kind: Literal["unanimity", "majority", "qualified_majority"] = Field(
        description="unanimity: every voter; majority: more than half of the voters by count; "
        "qualified_majority: a threshold share of the voters' weights."
    )
    voters: list[Id] | None = Field(
        None, description="Who votes (default: the participants not listed in veto)."
    )
    weights: dict[Id, Annotated[float, Field(gt=0, le=1e6)]] | None = Field(
        None,
        description="Voting weight per voter (qualified_majority only; default 1 each; a voter "
        "left out weighs 1).",
    )
    threshold: Annotated[float, Field(gt=0, le=1)] | None = Field(
        None,
        description="Share of the voters' total weight that must accept (qualified_majority "
        "only, required there), e.g. 0.739.",
    )
    min_members: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        None, description="Optionally, at least this many voters must accept."
    )
    veto: list[Id] = Field(
        default_factory=list,
        description="Participants whose acceptance is needed on top of the vote (an agenda "
        "setter, a co-legislator).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        qualified = self.kind == "qualified_majority"
        if qualified and self.threshold is None:
            raise ValueError("a qualified_majority needs a threshold: (share of weights, 0-1)")
        if not qualified and (self.threshold is not None or self.weights is not None):
            raise ValueError(
                f"threshold: and weights: belong to qualified_majority, not {self.kind}"
            )
        return self


def _rule_form(value: object) -> str:
    """Which form of ``rule:`` was written, so an error speaks of that form only."""
    if isinstance(value, str):
        return "[all]"
    return "[list]" if isinstance(value, list) else "[mapping]"


# Tags in brackets are skipped when an error is traced back to its line (load.py).
RuleField = Annotated[
    Annotated[Literal["all"], Tag("[all]")]
    | Annotated[list[Id], Tag("[list]")]
    | Annotated[Rule, Tag("[mapping]")],
    Discriminator(_rule_form),
]


class Meeting(Strict):
    """One forum on the agenda, played for a number of rounds."""

    id: Id
    name: str = Field(min_length=1, description="Name shown in narration and reports.")
    date: Annotated[dt.date, Field(strict=False)] | None = Field(
        None, description="Date of the meeting (YYYY-MM-DD), shown in narration."
    )
    kind: Literal["negotiation", "consultation"] = Field(
        "negotiation",
        description="negotiation: proposals that can settle issues; consultation: talks that "
        "align blocs, reveal information and ease tension but settle nothing.",
    )
    participants: list[Id] = Field(min_length=2, description="Actor ids at the table.")
    chair: Id | Literal["rotate", "random"] = Field(
        "rotate",
        description="Actor id that proposes every round; rotate: the participants in turn; "
        "random: drawn each round with probability proportional to capability times salience "
        "on the table (Baron and Ferejohn's recognition; docs/model.md, 2).",
    )
    issues: list[Id] = Field(default_factory=list, description="Issue ids on the table.")
    rounds: int = Field(1, ge=1, le=50, description="Rounds of exchange in this meeting.")
    rule: RuleField = Field(
        "all",
        description="Whose acceptance an agreement needs: all participants, these ids, or a "
        "decision rule (unanimity, majority, qualified majority, veto players).",
    )
    consensus: Annotated[float, Field(ge=0, le=1)] = Field(
        0.0,
        description="Strength of the forum's consensus norm, 0-1: after a refusal a member "
        "concedes toward the compromise point at least this times the capability share of the "
        "others beyond it (a lone holdout feels it fully). The EU Council works this way; most "
        "crisis talks do not (docs/model.md, 4.2).",
    )
    proposers: list[Id] | None = Field(
        None,
        description="Explicit proposer order, repeated as needed (co-chairs alternating); "
        "overrides chair:. Each must be a participant.",
    )
    mediation: Literal["compromise"] | None = Field(
        None,
        description="compromise: whoever proposes puts forward the compromise point of those at "
        "the table as it perceives them (a host or envoy's split-the-difference text) instead of "
        "its own best (docs/model.md, 12.4).",
    )
    description: str | None = Field(None, description="What happens at this meeting.")
    source: str | None = Field(None, description="The source's words for this meeting.")


class Notes(Strict):
    """The scenario's Info tab (in the spirit of NetLogo's): read before running it."""

    what_it_is: str = Field(min_length=1, description="What the scenario represents.")
    how_it_works: str = Field("", description="The mechanisms at work, in plain words.")
    things_to_notice: list[str] = Field(
        default_factory=list, description="What to look for in the results and the narration."
    )
    things_to_try: list[str] = Field(
        default_factory=list, description="Levers to move and variants to compare."
    )
    references: list[str] = Field(default_factory=list, description="Sources, one per item.")


class Tension(Strict):
    """How tension moves and how it turns into hazards (docs/model.md, section 5)."""

    initial: Unit = Field(0.3, description="Tension before the first round, 0-1.")
    adjustment: Unit = Field(0.5, description="Share of the gap to its target closed per round.")
    gap_weight: param(0, 5) = Field(1.0, description="Weight of the war motive (shortfall).")
    signal_weight: param(0, 5) = Field(0.3, description="Weight of military signalling.")
    deadline_weight: param(0, 5) = Field(0.2, description="Weight of the agenda's elapsed share.")
    dialogue_relief: param(0, 5) = Field(0.2, description="Tension relief from dialogue.")
    settlement_relief: param(0, 5) = Field(
        0.5, description="Immediate relief per share of issues settled in a round."
    )
    breakdown_rate: param(0, 10) = Field(
        0.15, description="Walk-out hazard rate: h = 1 - exp(-rate * T * (1 - dialogue))."
    )
    war_rate: param(0, 50) = Field(
        3.0, description="War hazard rate: h = 1 - exp(-rate * T * shortfall)."
    )


class Continuation(Strict):
    """Extra rounds after the agenda, in one of its negotiation meetings."""

    meeting: Id = Field(description="Id of the negotiation meeting whose table carries on.")
    rounds: int = Field(ge=1, le=100, description="Extra rounds after the agenda, 1-100.")


class Settings(Strict):
    """Model settings shared by all actors."""

    mechanism: Literal[MECHANISMS] = Field(  # type: ignore[valid-type]
        "bargaining",
        description="How a round is played: bargaining (proposals, responses, concessions; the "
        "default) or expected_utility (Bueno de Mesquita's challenge model as specified by "
        "Scholz, Calbert and Smith 2011). docs/model.md describes each.",
    )
    settlement: Literal["package", "issue_by_issue"] = Field(
        "issue_by_issue",
        description="package: all issues on the table are agreed together or not at all; "
        "issue_by_issue: each issue can be settled on its own (partial agreements).",
    )
    belief_noise: param(0, 50) = Field(
        10.0, description="Sd of each actor's error about another's positions, scale points."
    )
    resolve_noise: Unit = Field(
        0.05, description="Sd of the error about another's reservation utility (resolve)."
    )
    learning_rate: Unit = Field(
        0.3, description="Share of a perception error removed when the actor refuses or accepts."
    )
    bloc_cohesion: Unit = Field(
        0.3, description="Pull per round of bloc members toward the bloc's weighted position."
    )
    package_grid: int = Field(
        41, ge=3, le=401, description="Candidate packages on the path to the focal point."
    )
    continuation: Continuation | None = Field(
        None, description="Rounds of one negotiation played after the agenda (talks go on)."
    )
    tension: Tension = Field(
        default_factory=Tension, description="Tension dynamics and hazards (docs/model.md, 5)."
    )
    deadline: When | None = Field(
        None,
        description="The talks' deadline (a meeting, and a round of it; default: the end of the "
        "agenda). Time pressure, falling aspirations, tension's deadline term and ultimatums "
        "without a date of their own all read this one clock (docs/model.md, 3.1 and 12.1).",
    )
    accidents: Accidents | None = Field(
        None,
        description="Hazard of an unintended clash growing with tension and military contact "
        "(docs/model.md, 12.5); absent: war is only ever deliberate.",
    )


class Lever(Strict):
    """A control a page or a sweep offers: one field of the scenario and the range to move it in."""

    path: str = Field(
        min_length=1,
        description="Scenario path of a numeric field, e.g. settings.tension.war_rate.",
    )
    label: str = Field(min_length=1, description="Short name shown beside the control.")
    min: float = Field(description="Lowest value offered (within the field's bounds).")
    max: float = Field(description="Highest value offered (within the field's bounds).")
    step: float | None = Field(
        None, gt=0, description="Step of the control [default: 1/20 of the range]."
    )
    description: str = Field("", description="One sentence: what moving it means.")


class Scenario(Strict):
    """A crisis: issues, actors and the agenda of meetings."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, title="negsim scenario", populate_by_name=True
    )

    schema_ref: str | None = Field(
        None, alias="$schema", description="Optional JSON Schema reference for editors."
    )
    extends: str | None = Field(
        None, description="A scenario file (relative path) this one overrides a few fields of."
    )
    id: Id
    title: str = Field(min_length=1, description="Title shown on reports and charts.")
    summary: str = Field("", description="One paragraph: the crisis and the question asked.")
    notes: Notes = Field(description="The Info tab: what it is, how it works, what to try.")
    settings: Settings = Field(default_factory=Settings, description="Model settings.")
    issues: list[Issue] = Field(min_length=1, description="The questions on the table.")
    actors: list[Actor] = Field(min_length=2, description="The parties to the talks.")
    meetings: list[Meeting] = Field(min_length=1, description="The agenda, in order.")
    ultimatums: list[Ultimatum] = Field(
        default_factory=list,
        description="Demands with a deadline and a threat (docs/model.md, 12.1).",
    )
    linkage: list[Linkage] = Field(
        default_factory=list,
        description="Groups of issues that settle only together (docs/model.md, 12.6).",
    )
    side_payments: list[SidePayment] = Field(
        default_factory=list,
        description="Transfers of utility offered for settling an issue (docs/model.md, 12.6).",
    )
    events: list[Event] = Field(
        default_factory=list,
        description="Things that happen at a given round whatever the talks do (docs/model.md, "
        "12.2).",
    )
    levers: list[Lever] = Field(
        default_factory=list, description="Fields a page or a sweep offers to move, with ranges."
    )
