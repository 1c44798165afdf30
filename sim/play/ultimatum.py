"""An ultimatum of the person's own actor falling due, told in plain words.

The terminal and the classroom page ask the same question with the same facts, so both read
these lines: what was demanded and what is unmet, what carrying it out means, what each choice
is worth, and what the agent in the seat would have done.
"""

from __future__ import annotations

from sim.model.human import Due
from sim.report.narrate import in_words
from sim.scenario.schema import Scenario

QUESTION = "Carry it out or let it lapse? [carry/lapse]"
HELP = (
    "Your ultimatum's deadline has come and its demand is not met. carry: you carry out the "
    "threat; lapse: you let it lapse and the talks go on; quit: the agent decides, as this "
    "run's draw says, and plays your seat from here."
)


def due_lines(scenario: Scenario, due: Due) -> list[str]:
    """The facts a person decides on, one sentence a line."""
    issues = scenario.issues
    asked = []
    for k, (side, bound) in due.demand.items():
        part = f"{issues[k].name} {side.replace('_', ' ')} {bound:g}"
        if k in due.unmet:
            part += f", and it stands at {in_words(issues[k], float(due.values[k]))}"
        else:
            part += ", which is met"
        asked.append(part)
    lines = [f"Your ultimatum expires unmet (round {due.round}): you demanded {'; '.join(asked)}."]
    if due.source:
        lines.append(f'Its source: "{due.source}"')
    lines.append(f"Carried out, it means {due.threat}; let it lapse and the talks go on.")
    carried = "war would give you" if due.consequence == "war" else "carried out you would have"
    lines.append(
        f"If it lapses you have {due.now:.2f} with nothing more agreed; {carried} "
        f"{due.after:.2f} (utility: 1 = everything as you want it)."
    )
    lines.append(
        f"The agent in your seat carries out this threat with probability {due.credibility:.2f}"
        f" (this run's draw: it would {'carry it out' if due.agent_carries else 'let it lapse'})."
    )
    return lines
