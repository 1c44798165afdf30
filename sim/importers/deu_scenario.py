"""A DEU proposal as a negsim scenario: the Council, the Commission and the Parliament at one
table, deciding by the Council's treaty rule with the Commission proposing.

The mapping, its global settings and their cross-validated values are in docs/backtest.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .council import era_for, min_members
from .deu import ACTOR_NAMES, STATES, DeuData, DeuIssue

DEU_CITATION = (
    "Arregui, J. and Perarnaud, C. (2021). A new dataset on legislative decision-making in the "
    "European Union: the DEU III dataset. Journal of European Public Policy 29(1). Open access, "
    "doi:10.34810/data53."
)
DEU_SHORT = "DEU III (Arregui and Perarnaud 2021, doi:10.34810/data53)"
GDP_NOTE = (
    "capability: the actor's GDP share from line 2 of the DEU file (the data's own capability "
    "weight; voting weights would leave out the Commission and the Parliament)"
)
KINDS = {"Reg": "regulation", "Dir": "directive", "Dec": "decision"}
MissingStatusQuo = Literal["zero", "midpoint", "commission"]


@dataclass(frozen=True)
class Mapping:
    """The global settings of the mapping: the same for every proposal, never tuned per issue.

    The defaults are the values chosen by cross-validation over proposals (docs/backtest.md).
    """

    missing_status_quo: MissingStatusQuo = "midpoint"
    settlement: Literal["package", "issue_by_issue"] = "package"
    rounds: int = 50
    mechanism: str | None = None  # None: the scenario default
    # Who proposes: the Commission every round, or a delegation recognised at random each round
    # by capability x salience (the Council presidency's compromise texts drawing on whoever
    # makes the running; the Commission's consent is needed either way).
    chair: Literal["commission", "random"] = "random"
    consensus: float = 1.0  # the Council's consensus norm (docs/model.md 4.2)


def scenario_id(text: str) -> str:
    """An id the schema accepts from a DEU code (``d00032i1`` stays, ``2003/0123`` is cleaned)."""
    clean = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    return clean if clean[:1].isalpha() else f"x{clean}"


def status_quo(issue: DeuIssue, mapping: Mapping) -> tuple[float, dict[str, str]]:
    """The issue's status quo and its source: ``rp`` where coded, else the global choice."""
    if issue.reference_point is not None:
        return issue.reference_point, {
            "source": f"{DEU_SHORT}, issue {issue.isnr}: reference point rp = "
            f"{issue.reference_point:g} (where the issue stays if no law is adopted)"
        }
    if mapping.missing_status_quo == "commission" and "com" in issue.positions:
        value, what = issue.positions["com"], "the Commission's position"
    elif mapping.missing_status_quo == "midpoint":
        value, what = 50.0, "the middle of the scale"
    else:
        value, what = 0.0, "0, the most common coded reference point"
    return value, {
        "assumption": f"{DEU_SHORT} codes no reference point for issue {issue.isnr}; {what} "
        f"({value:g}) stands in, the global choice of docs/backtest.md (cross-validated over "
        "proposals)"
    }


def _ends(issue: DeuIssue) -> tuple[str, str]:
    """The scale's end words: the data name no end in words, so say who sits at each end and
    where the reference point is (the codebook of DEU III describes each issue's scale)."""
    words = []
    for end in (0.0, 100.0):
        at = [ACTOR_NAMES[a] for a, x in issue.positions.items() if x == end]
        if at:
            text = "the position of " + ", ".join(at[:4]) + (" and others" if len(at) > 4 else "")
        else:
            text = "the end of the coded scale that no actor takes"
        if issue.reference_point == end:
            text += "; the reference point (no law)"
        words.append(f"{text} (DEU III issue {issue.isnr})")
    return words[0], words[1]


def _rule(
    issues: list[DeuIssue], states: list[str], present: list[str]
) -> tuple[dict[str, Any], str]:
    """The Council's rule with the Commission (and, under codecision, the Parliament) on top."""
    first = issues[0]
    veto = [a for a in (["com"] if first.procedure != "COD" else ["com", "ep"]) if a in present]
    if not states:  # no member state coded: only the veto players' consent is asked for
        return {"kind": "unanimity", "voters": veto}, "the consent of the institutions"
    if first.voting == "Unan":
        return {"kind": "unanimity", "voters": states, "veto": veto}, "unanimity of the states"
    era = era_for(first.final_act or first.intro, set(states))
    weights = {s: era.weights[s] for s in states}
    rule: dict[str, Any] = {
        "kind": "qualified_majority",
        "voters": states,
        "weights": weights,
        "threshold": round(era.threshold, 4),
        "veto": veto,
    }
    text = (
        f"qualified majority, {era.name}: {100 * era.threshold:.1f}% of the coded states' "
        f"treaty votes ({era.source})"
    )
    members = min_members(era, len(states))
    if members:
        rule["min_members"] = members
        text += f", at least {members} of the {len(states)} states"
    return rule, text


def deu_scenario(
    data: DeuData, proposal: int, mapping: Mapping = Mapping(), issues: list[int] | None = None
) -> dict[str, Any]:
    """The plain scenario data of one proposal (all its issues, or those numbered in ``issues``)."""
    chosen = [i for i in data.proposal_issues(proposal) if issues is None or i.issue in issues]
    if not chosen:
        raise KeyError(f"no readable issue has prnrnmc = {proposal}")
    first = chosen[0]
    coded = [a for a in ACTOR_NAMES if any(a in i.positions for i in chosen)]
    caring = [a for a in coded if any(i.saliences.get(a, 0) > 0 for i in chosen)]
    indifferent = [a for a in coded if a not in caring]
    states = [a for a in caring if a in STATES]
    rule, rule_text = _rule(chosen, states, caring)
    # An institution not coded (or indifferent) on these issues is not at the table; without
    # the Commission the chair rotates, since nobody in the data holds its pen.
    if not rule.get("veto", True):
        del rule["veto"]
    chair = "com" if "com" in caring else "rotate"
    setter = (
        "The Commission chairs and proposes every round (agenda setter)."
        if chair == "com"
        else "The Commission is not coded on these issues, so the chair rotates."
    )
    if mapping.chair == "random":
        chair = "random"
        setter = (
            "Each round a delegation is recognised to put a compromise text, with probability "
            "in proportion to its capability times its salience (docs/model.md, 2)."
        )
    issue_data = []
    for i in chosen:
        sq, basis = status_quo(i, mapping)
        low, high = _ends(i)
        issue_data.append(
            {
                "id": scenario_id(i.isnr or f"issue_{i.issue}"),
                "name": f"{i.prname} ({i.isnr})",
                "low": low,
                "high": high,
                "status_quo": sq,
                **basis,
            }
        )
    ids = {i.issue: d["id"] for i, d in zip(chosen, issue_data, strict=True)}
    actors = []
    for a in caring:
        stances = {
            ids[i.issue]: {
                "position": i.positions[a],
                "salience": i.saliences[a] / 100,
                "source": f"{DEU_SHORT}, issue {i.isnr}: position p{a} = {i.positions[a]:g}, "
                f"salience s{a} = {i.saliences[a]:g} of 100",
            }
            for i in chosen
            if a in i.positions
        }
        actors.append(
            {
                "id": a,
                "name": ACTOR_NAMES[a],
                "capability": data.gdp[a],
                "stances": stances,
                "source": GDP_NOTE,
            }
        )
    ep_role = (
        "co-legislator (codecision: its consent is needed)"
        if first.procedure == "COD"
        else "consulted (its opinion is heard; its consent is not needed)"
    )
    left_out = (
        f" Left out: {', '.join(ACTOR_NAMES[a] for a in indifferent)} (coded with salience 0 "
        "on every issue: indifferent)."
        if indifferent
        else ""
    )
    settings: dict[str, Any] = {"settlement": mapping.settlement}
    if mapping.mechanism is not None:
        settings["mechanism"] = mapping.mechanism
    dates = ", ".join(
        f"{w} {d.isoformat()}"
        for w, d in (("introduced", first.intro), ("adopted", first.final_act))
        if d is not None
    )
    return {
        "id": scenario_id(f"deu_{first.prnr or proposal}"),
        "title": f"EU proposal {first.prnr} ({first.prname}): {len(chosen)} contested issues",
        "summary": (
            f"A {KINDS.get(first.kind, 'legislative act')} negotiated in the "
            f"{first.council or 'EU'} "
            f"Council ({dates or 'dates not coded'}), under "
            f"{'codecision' if first.procedure == 'COD' else 'consultation'} with "
            f"{'unanimity' if first.voting == 'Unan' else 'qualified majority'} in the Council. "
            "Where did the law end up on each contested issue?"
        ),
        "notes": {
            "what_it_is": (
                f"DEU proposal {proposal} ({first.prnr}, {first.prname}) as coded by {DEU_SHORT}: "
                "each actor's favoured position and salience on each contested issue, from "
                "expert interviews. Written by negsim import deu (docs/backtest.md)." + left_out
            ),
            "how_it_works": (
                f"{setter} The Council "
                f"decides by {rule_text}"
                + ("; the Commission's consent is needed" if "com" in caring else "")
                + (f"; the Parliament is {ep_role}" if "ep" in caring else "")
                + ". Capability is each actor's GDP share (DEU file, line 2)."
            ),
            "things_to_notice": [
                "The data also code the outcome the law took: compare it with the issue values "
                "of the runs (negsim backtest does this for every proposal).",
            ],
            "things_to_try": [
                "Make the Parliament a co-legislator or a consulted party and compare.",
                "Switch settings.settlement between package and issue_by_issue.",
            ],
            "references": [DEU_CITATION],
        },
        "settings": settings,
        "issues": issue_data,
        "actors": actors,
        "meetings": [
            {
                "id": "council",
                "name": f"Council and Parliament on {first.prname}",
                "kind": "negotiation",
                "participants": caring,
                "chair": chair,
                "issues": [d["id"] for d in issue_data],
                "rounds": mapping.rounds,
                "rule": rule,
                # The consensus norm acts through concessions, which only bargaining makes
                # (expected_utility refuses it: docs/model.md 10.1).
                "consensus": mapping.consensus
                if mapping.mechanism in (None, "bargaining")
                else 0.0,
                "description": f"The legislative negotiation: the Council votes by {rule_text}.",
                "source": f"{DEU_SHORT}: procedure {first.procedure}, Council vote "
                f"{first.voting}; weights: docs/backtest.md",
            }
        ],
    }
