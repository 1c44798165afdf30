"""Outcomes a scenario rules out by construction, and why, read from its red lines and rules.

A report that shows "Agreement 0%" invites the reading "agreement is unlikely"; when the
scenario makes it impossible (two parties whose consent every meeting needs have red lines on
one issue that do not overlap), the reader should be told so, with the reason, so that the
lesson is drawn from the scenario's design and not from the dice.

Every check here is sufficient, never a guess: an outcome is listed only when no draw of the
uncertain parameters can produce it under the model of docs/model.md. A case these checks do
not recognise is left unlisted, so the list may be short but is never wrong. The input is the
resolved scenario as plain data (what ``manifest.json`` keeps), so a results folder is enough.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.scenario.params import Bounds, parse_value

_SCALE = Bounds(0.0, 100.0)
_UNIT = Bounds(0.0, 1.0)


@dataclass(frozen=True)
class Range:
    """The smallest and largest value a parameter can take over all draws."""

    low: float
    high: float


def value_range(raw: Any, bounds: Bounds = _SCALE) -> Range:
    """Range of a number or a distribution (as written in a scenario) over every possible draw."""
    value = parse_value(raw, bounds)
    if isinstance(value, float):
        return Range(value, value)
    low, high = value.support(bounds)
    return Range(low, high)


@dataclass(frozen=True)
class RedLine:
    """One actor's bound on one issue, widened to what any draw allows.

    Sampling moves a red line that falls on the wrong side of the actor's drawn position onto
    that position (docs/model.md, section 1), so the loosest bound is the looser of the red
    line's and the position's extremes.
    """

    actor: str
    name: str
    at_least: float | None  # the lowest value this bound can take
    at_most: float | None  # the highest value this bound can take

    def words(self) -> str:
        if self.at_least is not None:
            return f"{self.name} accepts nothing below {self.at_least:g}"
        return f"{self.name} accepts nothing above {self.at_most:g}"


def _red_line(actor: Mapping[str, Any], issue: str) -> RedLine | None:
    stance = (actor.get("stances") or {}).get(issue)
    if not isinstance(stance, Mapping) or not isinstance(stance.get("red_line"), Mapping):
        return None
    line = stance["red_line"]
    position = value_range(stance["position"])
    name = str(actor.get("name") or actor["id"])
    if line.get("at_least") is not None:
        low = min(value_range(line["at_least"]).low, position.low)
        return RedLine(str(actor["id"]), name, low, None)
    if line.get("at_most") is not None:
        high = max(value_range(line["at_most"]).high, position.high)
        return RedLine(str(actor["id"]), name, None, high)
    return None


def _clash(lines: Sequence[RedLine]) -> tuple[RedLine, RedLine] | None:
    """The pair of bounds that leaves no value acceptable to all, if there is one."""
    floors = [r for r in lines if r.at_least is not None]
    ceilings = [r for r in lines if r.at_most is not None]
    if not floors or not ceilings:
        return None
    floor = max(floors, key=lambda r: r.at_least or 0.0)
    ceiling = min(ceilings, key=lambda r: 100.0 if r.at_most is None else r.at_most)
    assert floor.at_least is not None and ceiling.at_most is not None
    return (ceiling, floor) if floor.at_least > ceiling.at_most else None


def _required(meeting: Mapping[str, Any]) -> list[str] | None:
    """Whose acceptance every agreement at the meeting needs (docs/model.md, 3.2): everyone
    under unanimity (``all``, a list of ids, or a unanimity rule), only the veto players under
    a majority or a qualified majority, where a voter's refusal can be outvoted. None for a
    rule these checks do not know, so that no claim is made about it."""
    rule = meeting.get("rule", "all")
    participants = [str(p) for p in meeting.get("participants", [])]
    if rule == "all":
        return participants
    if isinstance(rule, list) and all(isinstance(p, str) for p in rule):
        return list(rule)
    if not isinstance(rule, Mapping):
        return None
    veto = [str(p) for p in rule.get("veto") or []]
    if rule.get("kind") == "unanimity":
        named = rule.get("voters")
        voters = [str(v) for v in named] if named is not None else participants
        return list(dict.fromkeys([*veto, *voters]))
    if rule.get("kind") in ("majority", "qualified_majority"):
        return veto
    return None


def _negotiations(scenario: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        m for m in scenario.get("meetings", []) if m.get("kind", "negotiation") == "negotiation"
    ]


def unsettleable_issues(scenario: Mapping[str, Any]) -> dict[str, str]:
    """Issues no run can ever settle, each with the reason in words.

    An issue is settled only at a negotiation whose required parties all accept, and none
    accepts a value beyond its red line; so an issue is out of reach when, at every
    negotiation that has it on the table, two required parties' red lines leave no value
    between them (or when no negotiation has it at all). With package deals a meeting settles
    its whole table or nothing, so a meeting whose table holds an unsettleable issue settles
    nothing either, and issues only it could settle follow (repeated until nothing changes).
    """
    actors = {str(a["id"]): a for a in scenario.get("actors", [])}
    issues = [str(i["id"]) for i in scenario.get("issues", [])]
    names = {str(i["id"]): str(i.get("name") or i["id"]) for i in scenario.get("issues", [])}
    meetings = _negotiations(scenario)
    package = (scenario.get("settings") or {}).get("settlement") == "package"
    # Per issue: the meetings that could settle it were it alone, and the clash at the others.
    open_at: dict[str, list[str]] = {k: [] for k in issues}
    clashes: dict[str, list[tuple[str, RedLine, RedLine]]] = {k: [] for k in issues}
    for m in meetings:
        required = _required(m)
        for k in (str(i) for i in m.get("issues", [])):
            if k not in open_at:
                continue
            lines = (
                [r for a in required if a in actors and (r := _red_line(actors[a], k))]
                if required is not None
                else []
            )
            pair = _clash(lines)
            if pair is None:
                open_at[k].append(str(m["id"]))
            else:
                clashes[k].append((str(m.get("name") or m["id"]), *pair))
    reasons: dict[str, str] = {}
    for k in issues:
        if not clashes[k] and not open_at[k]:
            reasons[k] = f"{names[k]} is on the table of no negotiation, so nothing can settle it"
        elif not open_at[k]:
            reasons[k] = _clash_words(names[k], clashes[k])
    while package:
        dead = {
            str(m["id"]): next(str(k) for k in m.get("issues", []) if str(k) in reasons)
            for m in meetings
            if any(str(k) in reasons for k in m.get("issues", []))
        }
        newly = {
            k: open_at[k]
            for k in issues
            if k not in reasons and open_at[k] and all(m in dead for m in open_at[k])
        }
        if not newly:
            break
        for k, where in newly.items():
            blockers = sorted({names[dead[m]] for m in where})
            reasons[k] = (
                f"{names[k]} is settled only in package deals whose table also holds "
                f"{' and '.join(blockers)}, which cannot be settled"
            )
    return reasons


def _clash_words(issue: str, clashes: list[tuple[str, RedLine, RedLine]]) -> str:
    meetings = "; ".join(dict.fromkeys(m for m, _, _ in clashes))
    pairs = list(dict.fromkeys((c.words(), f.words()) for _, c, f in clashes))
    if len(pairs) == 1:
        ceiling, floor = pairs[0]
        return (
            f"{issue} can never be settled: {ceiling} and {floor}, and every meeting that "
            f"discusses it needs both to accept ({meetings}), so no value satisfies both"
        )
    detail = "; ".join(f"{m}: {c.words()}, {f.words()}" for m, c, f in clashes)
    return (
        f"{issue} can never be settled: at every meeting that discusses it, two parties whose "
        f"acceptance is needed leave no value between their red lines ({detail})"
    )


def _has_war_motive(actor: Mapping[str, Any]) -> bool:
    """Whether war can ever be worth more to the actor than the talks (p_win - cost > 0).

    The talks are worth at least 0 to anyone (utility lies in [0, 1]), so an actor whose best
    draw of p_win minus its worst of cost is not above 0 never has a shortfall.
    """
    option = actor.get("military_option")
    if not isinstance(option, Mapping):
        return False
    return value_range(option["p_win"], _UNIT).high - value_range(option["cost"], _UNIT).low > 0


def _tension_rate(scenario: Mapping[str, Any], name: str, default: float) -> Range:
    tension = (scenario.get("settings") or {}).get("tension") or {}
    return value_range(tension.get(name, default), Bounds(0.0, 1e9))


def _threatens(scenario: Mapping[str, Any], consequence: str) -> bool:
    """Whether some ultimatum may carry out this consequence (credibility above 0)."""
    return any(
        u.get("consequence") == consequence and value_range(u["credibility"], _UNIT).high > 0
        for u in scenario.get("ultimatums") or []
    )


def _war_by_other_means(scenario: Mapping[str, Any]) -> bool:
    """War without a war motive: an accident (docs/model.md, 12.5), a threat of war carried out
    (12.1), or an event that may give an actor a new p_win or cost (12.2)."""
    accidents = (scenario.get("settings") or {}).get("accidents")
    if isinstance(accidents, Mapping):
        contact = value_range(accidents["contact"], _UNIT).high > 0 or any(
            (e.get("contact") or 0) > 0 for e in scenario.get("events") or []
        )
        if contact and value_range(accidents["rate"], Bounds(0.0, 10.0)).high > 0:
            return True
    changes = [c for e in scenario.get("events") or [] for c in (e.get("actors") or {}).values()]
    return _threatens(scenario, "war") or any("p_win" in c or "cost" in c for c in changes)


def impossible_outcomes(scenario: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each outcome that no run of this scenario can end in, with the reasons in words.

    Keys are outcome identifiers (``agreement`` ...); outcomes that are possible, or that
    these checks cannot rule out, are absent.
    """
    found: dict[str, list[str]] = {}
    issues = [str(i["id"]) for i in scenario.get("issues", [])]
    blocked = unsettleable_issues(scenario)
    if blocked:
        found["agreement"] = [f"It needs every issue settled, and {blocked[k]}." for k in blocked]
    if issues and len(blocked) == len(issues):
        found["partial_agreement"] = ["No issue can be settled at all (see above)."]
    elif len(issues) == 1:
        found["partial_agreement"] = [
            "With a single issue, settling something is settling everything: that is agreement."
        ]
    actors = scenario.get("actors", [])
    if _war_by_other_means(scenario):
        pass  # accidents, ultimatums or events can bring war whatever the war motive
    elif not any(_has_war_motive(a) for a in actors):
        with_option = [a for a in actors if isinstance(a.get("military_option"), Mapping)]
        found["armed_conflict"] = [
            "War starts only when force is worth more to an actor than the talks "
            "(p_win - cost above 0); "
            + (
                "no actor has a military option."
                if not with_option
                else "for no actor with a military option can p_win exceed its cost."
            )
        ]
    elif _tension_rate(scenario, "war_rate", 3.0).high == 0:
        found["armed_conflict"] = ["The war hazard rate (settings.tension.war_rate) is 0."]
    meetings = _negotiations(scenario)
    if _threatens(scenario, "walk_out"):
        pass  # an ultimatum's walk-out ends talks in breakdown whatever the hazard rate
    elif not meetings:
        found["breakdown"] = ["Walk-outs happen only at negotiations, and the agenda has none."]
    elif _tension_rate(scenario, "breakdown_rate", 0.15).high == 0:
        found["breakdown"] = ["The walk-out hazard rate (settings.tension.breakdown_rate) is 0."]
    return found
