"""Things a scenario may say on purpose but probably does not: legal, yet worth a second look.

``negsim validate`` prints them as ``FILE:LINE:COL: warning: ...`` and still exits 0.
"""

from __future__ import annotations

from collections.abc import Iterator

from .schema import Rule, Scenario

Path = tuple[str | int, ...]
Finding = tuple[Path, str, str | None]


def scenario_warnings(sc: Scenario) -> list[Finding]:
    """Every warning, in file order."""
    return [*_absent_actors(sc), *_unreachable_needs(sc)]


def _absent_actors(sc: Scenario) -> Iterator[Finding]:
    attending = {p for m in sc.meetings for p in m.participants}
    for i, actor in enumerate(sc.actors):
        if actor.id in attending:
            continue
        ways = []
        if actor.military_option is not None:
            ways.append("by force (its military_option)")
        if any(u.sender == actor.id for u in sc.ultimatums):
            ways.append("through its ultimatum")
        if any(actor.id in e.actors for e in sc.events):
            ways.append("through events that change it")
        if any(actor.id in (p.giver, p.receiver) for p in sc.side_payments):
            ways.append("through side payments")
        how = "it can act only " + " or ".join(ways) if ways else "it can do nothing at all"
        yield ("actors", i, "id"), f"this actor attends no meeting: {how}", repr(actor.id)


def _needed(rule: object, participants: list[str]) -> list[str]:
    """Whose acceptance every agreement of a meeting needs."""
    if rule == "all":
        return participants
    if isinstance(rule, list):
        return rule
    assert isinstance(rule, Rule)
    voters = rule.voters if rule.voters is not None else participants
    unanimous = [v for v in voters if v not in rule.veto] if rule.kind == "unanimity" else []
    return [*rule.veto, *unanimous]


def _unreachable_needs(sc: Scenario) -> Iterator[Finding]:
    """A meeting whose rule needs an actor that never comes: a certain boycott of its table."""
    actors = {a.id: a for a in sc.actors}
    for m, meeting in enumerate(sc.meetings):
        if meeting.kind != "negotiation":
            continue
        for actor_id in _needed(meeting.rule, meeting.participants):
            b = actors[actor_id].boycott if actor_id in actors else None
            if b is None or not isinstance(b.probability, float) or b.probability < 1:
                continue
            tabled = [i for i in b.while_on_table if i in meeting.issues]
            if set(tabled) and set(meeting.issues) <= set(b.while_on_table) | set(tabled):
                yield (
                    ("meetings", m, "rule"),
                    f"every agreement here needs {actor_id!r}, who always boycotts a table with "
                    f"{', '.join(tabled)} open: this meeting can settle nothing until those are "
                    "settled elsewhere",
                    None,
                )
