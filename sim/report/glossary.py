"""The words a report uses, defined once, as docs/model.md and the design define them.

A class reading a report should not need the model reference open beside it to tell a
stalemate from a breakdown, or to know what a red line or tension means here.
"""

from __future__ import annotations

from sim.plots.labels import OUTCOMES, outcome_name

OUTCOME_TERMS = {
    "agreement": "Every issue of the scenario was settled: the parties whose acceptance each "
    "meeting needs all accepted a value for it. The run ends there.",
    "partial_agreement": "The agenda ran out with some issues settled and others still open; "
    "the open ones stay at the status quo.",
    "stalemate": "The agenda ran out with nothing settled, but the talks are still alive: "
    "nobody walked out and nobody used force.",
    "breakdown": "A party walked out: the talks collapsed, without war. The chance of a "
    "walk-out each round rises with tension and with the reluctance to talk of the least "
    "willing party at the table.",
    "armed_conflict": "An actor with a military option used force. Its chance each round "
    "rises with tension and with how much more war is worth to that actor than the best "
    "offer it has (p_win - cost against the offer; Fearon 1995). Without that shortfall "
    "there is no risk of war, however high the tension.",
}

MODEL_TERMS = (
    (
        "Issue",
        "One question on the table, a scale from 0 to 100 whose two ends are described in words.",
    ),
    ("Status quo", "Where an issue stands if nothing is agreed; an unsettled issue keeps it."),
    ("Actor", "A party to the talks: a state or an alliance."),
    (
        "Position (ideal point)",
        "Where on an issue's scale an actor wants the agreement. Its announced position starts "
        "there and moves as it concedes.",
    ),
    (
        "Salience",
        "How much an actor cares about an issue, 0 to 1, weighed against its other issues. "
        "Actors give ground most where they care least.",
    ),
    (
        "Red line",
        "A bound an actor will not accept an agreement beyond (at least, or at most, a value). "
        "No agreement ever crosses the red line of an actor whose acceptance it needs.",
    ),
    (
        "Capability",
        "An actor's relative weight in the talks: it pulls the compromise point and its bloc's "
        "common position toward its own.",
    ),
    (
        "Flexibility",
        "How readily an actor concedes toward the offer after a round, from 0 (never) to 1.",
    ),
    (
        "Patience",
        "How little an actor discounts the future per round (1 = fully patient). An impatient "
        "actor accepts a little less than the status quo rather than wait.",
    ),
    (
        "Dialogue",
        "Willingness to keep talking, 0 to 1. Dialogue eases tension; a low value makes "
        "walk-outs likely.",
    ),
    (
        "Bloc",
        "Actors that coordinate, such as the members of an alliance: each round they pull "
        "toward the bloc's capability-weighted position.",
    ),
    (
        "Military option",
        "An actor that can use force, with its chance of winning (p_win) and its cost: war is "
        "worth p_win - cost to it.",
    ),
    (
        "Reservation utility",
        "What no agreement is worth to an actor: the status quo discounted by its patience, and "
        "for an actor with a military option at least p_win - cost. It accepts an offer worth "
        "at least that which crosses none of its red lines.",
    ),
    (
        "Meeting",
        "One forum on the agenda (bilateral talks, a council, a call), with its participants, "
        "its chair, the issues on its table and a number of rounds. A negotiation can settle "
        "issues; a consultation settles nothing but lets parties learn about each other and "
        "eases tension. The charts number the meetings in the order they are held.",
    ),
    ("Round", "One exchange inside a meeting: a proposal, the responses, then updates."),
    (
        "Tension",
        "How close the crisis is to a walk-out or war, 0 to 1. It rises with an actor's war "
        "motive, with military signals and as the end of the agenda nears; it falls with "
        "dialogue and with settlements.",
    ),
    ("Run", "One play of the whole agenda, from start to outcome, with its own random draws."),
    (
        "Experiment",
        "Many runs of one scenario under one master seed; the same seed gives the same runs.",
    ),
    (
        "Share and 95% interval",
        "The share of runs that ended each way, and Wilson's 95% interval around it: the "
        "range the share would most likely fall in with endless runs. Two shares whose "
        "intervals overlap widely should not be read as different.",
    ),
    (
        "Percentage points (pp)",
        "The difference between two shares: from 50% to 55% is +5 pp.",
    ),
    (
        "Impossible by construction",
        "An outcome that no run of the scenario can end in, whatever its random draws, "
        "because of its red lines and its meetings' rules: its 0% is a property of the "
        "scenario, not of luck, and more runs will not change it.",
    ),
)


def outcome_terms() -> list[tuple[str, str]]:
    """The five outcomes, best to worst, each with its name as reports show it."""
    return [(outcome_name(o), OUTCOME_TERMS[o]) for o in OUTCOMES]
